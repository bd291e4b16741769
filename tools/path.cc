// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro path": the path model, the spine paths between ENIs and what each loses, delays and reorders. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

#define PATH_FIELD(keyword, name, what, unit, needs, min, max, one)                     \
	{ keyword, #name, what, unit, needs, min, max, &vnitro_path_change::set_##name, \
	  &vnitro_path_change::name, &vnitro_path::name, one }
#define PPM	"parts per million"
#define US	"microseconds"

/* In the kernel's order, which is also the order of the messages naming the first bad one. */
const struct path_field path_fields[PATH_FIELDS] = {
	PATH_FIELD("loss-ppm", loss_ppm, "loss", " ppm", PPM, 0, VNITRO_PATH_MAX_PPM,
		   &vnitro_one_path::loss_ppm),
	PATH_FIELD("reorder-ppm", reorder_ppm, "reorder", " ppm", PPM, 0, VNITRO_PATH_MAX_PPM,
		   nullptr),
	PATH_FIELD("delay-us", delay_us, "delay", " us", US, 0, VNITRO_PATH_MAX_US,
		   &vnitro_one_path::delay_us),
	PATH_FIELD("reorder-delay-us", reorder_delay_us, "reorder delay", " us", US, 0,
		   VNITRO_PATH_MAX_US, nullptr),
	PATH_FIELD("jitter-us", jitter_us, "jitter", " us", US, 0, VNITRO_PATH_MAX_US,
		   &vnitro_one_path::jitter_us),
	PATH_FIELD("congestion-ppm", congestion_ppm, "congestion", " ppm", PPM, 0,
		   VNITRO_PATH_MAX_PPM, &vnitro_one_path::congestion_ppm),
	PATH_FIELD("congestion-delay-us", congestion_delay_us, "congestion delay", " us", US, 0,
		   VNITRO_PATH_MAX_US, &vnitro_one_path::congestion_delay_us),
	PATH_FIELD("congestion-loss-ppm", congestion_loss_ppm, "congestion loss", " ppm", PPM, 0,
		   VNITRO_PATH_MAX_PPM, &vnitro_one_path::congestion_loss_ppm),
	PATH_FIELD("episode-us", episode_us, "episode", " us", US, 1, VNITRO_PATH_MAX_US, nullptr),
	PATH_FIELD("paths", paths, "count", "", "a number of paths", 1, VNITRO_PATH_COUNT_MAX,
		   nullptr),
	PATH_FIELD("node-delay-us", node_delay_us, "node delay", " us", US, 0, VNITRO_PATH_MAX_US,
		   nullptr),
	PATH_FIELD("az-delay-us", az_delay_us, "AZ delay", " us", US, 0, VNITRO_PATH_MAX_US,
		   nullptr),
};

#undef PATH_FIELD
#undef PPM
#undef US

bool path_is_the_worlds(const struct vnitro_path &m, const struct vnitro_one_path &o)
{
	for (const struct path_field &f : path_fields)
		if (f.one && o.*f.one != m.*f.world)
			return false;
	return true;
}

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro path [ show ]\n"
		"       vnitro path set [ loss-ppm PPM ] [ reorder-ppm PPM ] [ delay-us US ]\n"
		"                       [ reorder-delay-us US ] [ jitter-us US ]\n"
		"                       [ congestion-ppm PPM ] [ congestion-delay-us US ]\n"
		"                       [ congestion-loss-ppm PPM ] [ episode-us US ]\n"
		"                       [ paths COUNT ] [ node-delay-us US ]\n"
		"                       [ az-delay-us US ] [ seed SEED ]\n"
		"       vnitro path set path N [ loss-ppm PPM ] [ delay-us US ] [ jitter-us US ]\n"
		"                       [ congestion-ppm PPM ] [ congestion-delay-us US ]\n"
		"                       [ congestion-loss-ppm PPM ]\n"
		"       vnitro path help\n"
		"where  PPM := parts per million, 0 to %d (default 0)\n"
		"       US := microseconds, 0 to %d (episode-us from 1; defaults:\n"
		"             reorder-delay-us %d, episode-us %d, the others 0)\n"
		"       COUNT := 1 to %d (default %d)\n"
		"       N := a path, 0 to COUNT - 1\n"
		"       SEED := 0 to %" PRIu64 "\n"
		"Between two ENIs the VPC's network has COUNT spine paths. A plain ENA flow\n"
		"keeps one path (ECMP on its 5-tuple); ENA Express sprays its packets over\n"
		"them, avoids the congested ones and resends what is lost over SRD, so\n"
		"that none of its frames is lost. Each path has a one-way latency\n"
		"(delay-us, plus up to jitter-us drawn per frame), a loss (loss-ppm) and\n"
		"congestion episodes: time is cut into episodes of episode-us, in a share\n"
		"congestion-ppm of which (drawn per path from the seed) the path adds\n"
		"congestion-delay-us and loses congestion-loss-ppm (when above its\n"
		"loss-ppm). EFA packets meet the world's loss and delay, EFA's SRD packets\n"
		"its reordering too (reorder-ppm held back, each late by reorder-delay-us).\n"
		"Placement adds to every frame between two ENIs node-delay-us per network\n"
		"node it crosses (one between instances on one rack, as a cluster\n"
		"placement group puts them; three within a block; five within an\n"
		"availability zone; six between zones) and az-delay-us between zones.\n"
		"The world's settings apply to all paths: one of a path's fields set\n"
		"without \"path\" is every path's, replacing what was set path by path;\n"
		"\"path N\" changes path N's alone (reorder-*, episode-us, paths,\n"
		"node-delay-us, az-delay-us and the seed are the world's only). Writing a\n"
		"seed, even the one in force, restarts every pseudo-random draw of the\n"
		"model from it, so that a run's losses can be replayed. set changes those\n"
		"given, at least one, all or nothing, and prints the model in force as\n"
		"show does: the world's line, then one line per path whose fields differ\n"
		"from the world's (-j: every path in use, under \"per_path\").\n",
		VNITRO_PATH_MAX_PPM, VNITRO_PATH_MAX_US, VNITRO_PATH_REORDER_DELAY_DEFAULT_US,
		VNITRO_PATH_EPISODE_DEFAULT_US, VNITRO_PATH_COUNT_MAX, VNITRO_PATH_COUNT_DEFAULT,
		UINT64_MAX);
}

/* Text: "\npath 3: loss-ppm 0 delay-us 5000 ...", a line under the world's; JSON an object. */
void print_one_path(printer &p, const struct vnitro_one_path &o)
{
	char fmt[48];

	if (p.json())
		p.open_object();
	p.text("\n");
	p.uint("path", "path %s:", o.index);
	for (const struct path_field &f : path_fields) {
		if (!f.one)
			continue;
		snprintf(fmt, sizeof(fmt), " %s %%s", f.keyword);
		p.uint(f.key, fmt, o.*f.one);
	}
	if (p.json())
		p.close_object();
}

/*
 * "loss-ppm 0 ... paths 8 seed 0", then the paths; JSON the same numbers.
 * Text and dump: only the paths that differ from the world's; -j: all.
 */
void print_path(printer &p, const struct vnitro_path &m)
{
	p.open_object();
	print_path_fields(p, m, p.json());
	p.close_object();
}

/* The keywords of set: the fields, in the order show prints them, then these. */
enum set_keyword { SET_SEED = PATH_FIELDS, SET_PATH, SET_COUNT };

/* Decimal digits, as many as a u64 holds or more, into *@out; false for anything else. */
bool parse_decimal(const char *s, uint64_t *out, bool *too_large)
{
	size_t len = strlen(s);

	if (len == 0 || strspn(s, "0123456789") != len)
		return false;
	errno = 0;
	*out = strtoull(s, nullptr, 10);
	*too_large = errno == ERANGE;
	return true;
}

/* Within the kernel's range, refused in the words of the path model's messages. */
uint32_t parse_field(const struct path_field &f, const char *s)
{
	bool too_large;
	uint64_t v;

	if (!parse_decimal(s, &v, &too_large))
		usage_error("\"%s\" needs %s (%u to %u), not \"%s\"", f.keyword, f.needs, f.min,
			    f.max, s);
	if (too_large || v < f.min || v > f.max)
		usage_error("path %s %s%s is out of range: %u to %u", f.what, s, f.unit, f.min,
			    f.max);
	return uint32_t(v);
}

uint64_t parse_seed(const char *s)
{
	bool too_large;
	uint64_t v;

	if (!parse_decimal(s, &v, &too_large))
		usage_error("\"seed\" needs a number (0 to %" PRIu64 "), not \"%s\"", UINT64_MAX, s);
	if (too_large)
		usage_error("seed %s is out of range: 0 to %" PRIu64, s, UINT64_MAX);
	return v;
}

/* A path a world may have; whether this one has it is the kernel's to say. */
uint32_t parse_index(const char *s)
{
	bool too_large;
	uint64_t v;

	if (!parse_decimal(s, &v, &too_large))
		usage_error("\"path\" needs a path number (0 to %d), not \"%s\"",
			    VNITRO_PATH_COUNT_MAX - 1, s);
	if (too_large || v >= VNITRO_PATH_COUNT_MAX)
		usage_error("path index %s is out of range: 0 to %d", s, VNITRO_PATH_COUNT_MAX - 1);
	return uint32_t(v);
}

/* With "path N", only a path's own fields: the rest refused in the kernel's words. */
void refuse_worlds(unsigned seen)
{
	for (int k = 0; k < PATH_FIELDS; k++)
		if ((seen & (1u << k)) && !path_fields[k].one)
			usage_error("%s is the world's, not one path's: set it without a path",
				    path_fields[k].keyword);
	if (seen & (1u << SET_SEED))
		usage_error("the seed is the world's, not one path's: set it without a path");
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "path");
	struct vnitro_path m;
	session s;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_path_get(s.handle(), &m))
		return s.fail();
	return print_object(opts, m, print_path);
}

int do_set(const struct options *opts, int argc, char **argv)
{
	const char *keywords[SET_COUNT];
	arg_cursor args(argc, argv, "path");
	struct vnitro_path_change c = {};
	struct vnitro_path m;
	char what[160];
	unsigned seen = 0;
	session s;

	for (int k = 0; k < PATH_FIELDS; k++)
		keywords[k] = path_fields[k].keyword;
	keywords[SET_SEED] = "seed";
	keywords[SET_PATH] = "path";
	while (args.more()) {
		int k = args.keyword(keywords, SET_COUNT);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == SET_PATH) {
			c.index = parse_index(value);
			c.has_index = 1;
		}
		/* As the kernel: a world's field with a path is refused before its value is read. */
		if (c.has_index)
			refuse_worlds(seen);
		if (k == SET_SEED) {
			c.seed = parse_seed(value);
			c.set_seed = 1;
		} else if (k < PATH_FIELDS) {
			c.*path_fields[k].change = parse_field(path_fields[k], value);
			c.*path_fields[k].set = 1;
		}
	}
	if (c.has_index && !(seen & ~(1u << SET_PATH))) {
		snprintf(what, sizeof(what),
			 "a setting of path %u (loss-ppm, delay-us, jitter-us, congestion-ppm, "
			 "congestion-delay-us or congestion-loss-ppm)", c.index);
		args.missing(what);
	}
	if (!seen)
		args.missing("a setting (loss-ppm, reorder-ppm, delay-us, reorder-delay-us, "
			     "jitter-us, congestion-ppm, congestion-delay-us, congestion-loss-ppm, "
			     "episode-us, paths, node-delay-us, az-delay-us or seed)");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_path_set(s.handle(), &c, &m))
		return s.fail();
	return print_object(opts, m, print_path);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "set", do_set },
};

} // namespace

void print_path_fields(printer &p, const struct vnitro_path &m, bool every_path)
{
	char fmt[48];

	for (const struct path_field &f : path_fields) {
		snprintf(fmt, sizeof(fmt), "%s%s %%s", &f == path_fields ? "" : " ", f.keyword);
		p.uint(f.key, fmt, m.*f.world);
	}
	p.uint("seed", " seed %s", m.seed);
	p.open_array_key("per_path");
	for (uint32_t i = 0; i < m.n_paths && i < VNITRO_PATH_COUNT_MAX; i++)
		if (every_path || !path_is_the_worlds(m, m.one[i]))
			print_one_path(p, m.one[i]);
	p.close_array();
}

const struct object path_object = {
	"path", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli

// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro path": the path model, what every path between ENIs loses, delays and reorders. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro path [ show ]\n"
		"       vnitro path set [ loss-ppm PPM ] [ reorder-ppm PPM ] [ delay-us US ]\n"
		"                       [ reorder-delay-us US ] [ seed SEED ]\n"
		"       vnitro path help\n"
		"where  PPM := parts per million, 0 to %d (default 0)\n"
		"       US := microseconds, 0 to %d (defaults: delay-us 0, reorder-delay-us %d)\n"
		"       SEED := 0 to %" PRIu64 "\n"
		"The model every path of the VPC's network follows. The loss applies to ENA\n"
		"frames between ENIs (not those ENA Express carries over SRD, which recovers\n"
		"them) and to EFA packets; the delay (one-way latency) and the reordering\n"
		"(packets held back, each late by reorder-delay-us) to EFA's SRD packets\n"
		"only: ENA frames cross at once. Writing a seed, even the one in force,\n"
		"restarts every pseudo-random draw of the model from it, so that a run's\n"
		"losses can be replayed. set changes those given, at least one, all or\n"
		"nothing, and prints the model in force.\n",
		VNITRO_PATH_MAX_PPM, VNITRO_PATH_MAX_US, VNITRO_PATH_REORDER_DELAY_DEFAULT_US,
		UINT64_MAX);
}

/* "loss-ppm 0 reorder-ppm 0 delay-us 0 reorder-delay-us 1000 seed 0"; JSON the same numbers. */
void print_path(printer &p, const struct vnitro_path &m)
{
	p.open_object();
	p.uint("loss_ppm", "loss-ppm %s", m.loss_ppm);
	p.uint("reorder_ppm", " reorder-ppm %s", m.reorder_ppm);
	p.uint("delay_us", " delay-us %s", m.delay_us);
	p.uint("reorder_delay_us", " reorder-delay-us %s", m.reorder_delay_us);
	p.uint("seed", " seed %s", m.seed);
	p.close_object();
}

/* The keywords of set, in the order show prints them. */
enum set_keyword { SET_LOSS, SET_REORDER, SET_DELAY, SET_REORDER_DELAY, SET_SEED, SET_COUNT };

/* A u32 field of the model: its keyword, and how the kernel's messages name it. */
struct field {
	const char *keyword;	/* "loss-ppm" */
	const char *what;	/* "loss", as in "path loss 1000001 ppm is out of range" */
	const char *unit;	/* "ppm" */
	const char *needs;	/* "parts per million", for a value that is no number */
	uint32_t max;
	int vnitro_path_change::*set;
	uint32_t vnitro_path_change::*value;
};

const struct field fields[] = {
	{ "loss-ppm", "loss", "ppm", "parts per million", VNITRO_PATH_MAX_PPM,
	  &vnitro_path_change::set_loss_ppm, &vnitro_path_change::loss_ppm },
	{ "reorder-ppm", "reorder", "ppm", "parts per million", VNITRO_PATH_MAX_PPM,
	  &vnitro_path_change::set_reorder_ppm, &vnitro_path_change::reorder_ppm },
	{ "delay-us", "delay", "us", "microseconds", VNITRO_PATH_MAX_US,
	  &vnitro_path_change::set_delay_us, &vnitro_path_change::delay_us },
	{ "reorder-delay-us", "reorder delay", "us", "microseconds", VNITRO_PATH_MAX_US,
	  &vnitro_path_change::set_reorder_delay_us, &vnitro_path_change::reorder_delay_us },
};

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

/*
 * The range is the kernel's to check, but a value past a u32 cannot be
 * sent: refused here, in the kernel's words.
 */
uint32_t parse_field(const struct field &f, const char *s)
{
	bool too_large;
	uint64_t v;

	if (!parse_decimal(s, &v, &too_large))
		usage_error("\"%s\" needs %s (0 to %u), not \"%s\"", f.keyword, f.needs, f.max, s);
	if (too_large || v > UINT32_MAX)
		usage_error("path %s %s %s is out of range: 0 to %u", f.what, s, f.unit, f.max);
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
	static const char *const keywords[] = {
		"loss-ppm", "reorder-ppm", "delay-us", "reorder-delay-us", "seed",
	};
	arg_cursor args(argc, argv, "path");
	struct vnitro_path_change c = {};
	struct vnitro_path m;
	unsigned seen = 0;
	session s;

	while (args.more()) {
		int k = args.keyword(keywords, SET_COUNT);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == SET_SEED) {
			c.seed = parse_seed(value);
			c.set_seed = 1;
		} else {
			c.*fields[k].value = parse_field(fields[k], value);
			c.*fields[k].set = 1;
		}
	}
	if (!seen)
		args.missing("a setting (loss-ppm, reorder-ppm, delay-us, reorder-delay-us or seed)");
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

const struct object path_object = {
	"path", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli

// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro world": the world's settings, the rate scale of every bandwidth allowance and burst seconds. */
#include <limits.h>
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
		"Usage: vnitro world [ show ]\n"
		"       vnitro world set [ rate-scale 1/N ] [ burst-seconds SECONDS ]\n"
		"       vnitro world help\n"
		"where  N := 1 to %d (1/1, or 1: EC2's own figures; the default)\n"
		"       SECONDS := %d to %d (default %d)\n"
		"Every bandwidth allowance vnitro enforces is EC2's figure divided by N:\n"
		"rate-scale 1/1000 turns 5 Gbit/s into 5 Mbit/s. burst-seconds is how long\n"
		"an \"up to\" instance type with full network I/O credits bursts at its\n"
		"peak bandwidth before it falls to its baseline (EC2: \"typically from 5\n"
		"to 60 minutes\"). set changes those given, at least one, all or nothing,\n"
		"and prints the settings in force.\n",
		VNITRO_RATE_SCALE_MAX, VNITRO_BURST_SECONDS_MIN, VNITRO_BURST_SECONDS_MAX,
		VNITRO_BURST_SECONDS_DEFAULT);
}

/* "rate-scale 1/1000 burst-seconds 300"; JSON the divisor: {"rate_scale": 1000, ...}. */
void print_settings(printer &p, const struct vnitro_world &w)
{
	p.open_object();
	p.uint("rate_scale", "rate-scale 1/%s", w.rate_scale);
	p.uint("burst_seconds", " burst-seconds %s", w.burst_seconds);
	p.close_object();
}

/*
 * Decimal digits into *@out; false for anything else. The range is the
 * kernel's to check, but 0 (which leaves a setting as it is) and a value
 * past a u32 cannot be sent: refused here, in the kernel's words.
 */
bool parse_setting(const char *s, const char *what, uint32_t min, uint32_t max, uint32_t *out)
{
	size_t len = strlen(s);
	unsigned long v;

	if (len == 0 || strspn(s, "0123456789") != len)
		return false;
	v = len > 10 ? ULONG_MAX : strtoul(s, nullptr, 10);
	if (v == 0 || v > UINT32_MAX)
		usage_error("%s %s is out of range: %u to %u", what, s, min, max);
	*out = uint32_t(v);
	return true;
}

/* "1/N", or "1" for 1/1: the divisor N. */
uint32_t parse_rate_scale(const char *s)
{
	uint32_t n = 1;

	if (strcmp(s, "1") &&
	    (strncmp(s, "1/", 2) || !parse_setting(s + 2, "rate scale", 1, VNITRO_RATE_SCALE_MAX, &n)))
		usage_error("\"rate-scale\" needs 1/N (N 1 to %d) or 1, not \"%s\"",
			    VNITRO_RATE_SCALE_MAX, s);
	return n;
}

uint32_t parse_burst_seconds(const char *s)
{
	uint32_t v;

	if (!parse_setting(s, "burst seconds", VNITRO_BURST_SECONDS_MIN, VNITRO_BURST_SECONDS_MAX,
			   &v))
		usage_error("\"burst-seconds\" needs a number of seconds (%d to %d), not \"%s\"",
			    VNITRO_BURST_SECONDS_MIN, VNITRO_BURST_SECONDS_MAX, s);
	return v;
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "world");
	struct vnitro_world w;
	session s;

	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_world_get(s.handle(), &w))
		return s.fail();
	return print_object(opts, w, print_settings);
}

enum set_keyword { SET_RATE_SCALE, SET_BURST_SECONDS };

int do_set(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "rate-scale", "burst-seconds" };
	arg_cursor args(argc, argv, "world");
	uint32_t rate_scale = 0, burst_seconds = 0;	/* 0: unchanged */
	struct vnitro_world w;
	unsigned seen = 0;
	session s;

	while (args.more()) {
		int k = args.keyword(keywords, 2);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == SET_RATE_SCALE)
			rate_scale = parse_rate_scale(value);
		else
			burst_seconds = parse_burst_seconds(value);
	}
	if (!seen)
		args.missing("a setting (rate-scale or burst-seconds)");
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_world_set(s.handle(), rate_scale, burst_seconds, &w))
		return s.fail();
	return print_object(opts, w, print_settings);
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "set", do_set },
};

} // namespace

const struct object world_object = {
	"world", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli

// SPDX-License-Identifier: GPL-2.0-only
/* "vnitro placement-group" (or "pg"): EC2's cluster, spread and partition placement groups. */
#include <string.h>

#include "cli.h"
#include "print.h"
#include "show.h"

namespace vnitro::cli {

namespace {

/* Indexed by enum vnitro_pg_strategy and enum vnitro_pg_spread_level, less one. */
const char *const strategies[] = { "cluster", "spread", "partition" };
const char *const spread_levels[] = { "rack", "host" };
constexpr size_t STRATEGY_COUNT = sizeof(strategies) / sizeof(strategies[0]);
constexpr size_t SPREAD_LEVEL_COUNT = sizeof(spread_levels) / sizeof(spread_levels[0]);

void usage(FILE *out)
{
	fprintf(out,
		"Usage: vnitro placement-group { show | list } [ NAME | ID ]\n"
		"       vnitro placement-group { create | add } NAME strategy STRATEGY\n"
		"                              [ partition-count N ] [ spread-level LEVEL ]\n"
		"       vnitro placement-group { delete | del } NAME\n"
		"       vnitro placement-group help\n"
		"where  STRATEGY := { cluster | spread | partition }\n"
		"       N := 1 to %d partitions (a partition group's only; default %d)\n"
		"       LEVEL := { rack | host } (a spread group's only; default rack, host is\n"
		"                AWS Outposts' only and refused)\n"
		"       ID := pg- and 17 lowercase hex digits, as show prints it\n"
		"\"pg\" is short for \"placement-group\". An instance joins a group when it is\n"
		"added (vnitro instance add ... placement-group NAME [ partition P ]) and\n"
		"leaves it when deleted. A cluster group keeps its instances in one\n"
		"availability zone, on the same network nodes, and takes no burstable type\n"
		"(t2, t3, ...); a spread group puts each instance on its own rack, at most %d\n"
		"per availability zone; a partition group puts each partition on racks of\n"
		"its own (vnitro picks the partition with the fewest instances unless told).\n"
		"At most %d groups; a group with instances cannot be deleted.\n",
		VNITRO_PG_MAX_PARTITIONS, VNITRO_PG_DEFAULT_PARTITIONS, VNITRO_PG_SPREAD_PER_AZ,
		VNITRO_MAX_PGS);
}

void print_pg(printer &p, const struct vnitro_placement_group &g)
{
	bool partitioned = g.strategy == VNITRO_PG_PARTITION, spread = g.strategy == VNITRO_PG_SPREAD;

	p.open_object();
	p.string("name", "%s:", g.name);
	p.string("id", " id %s", g.id);
	p.string("strategy", " strategy %s", pg_strategy_name(g.strategy));
	if (partitioned)
		p.uint("partition_count", " partition-count %s", g.partition_count);
	else
		p.null("partition_count");
	p.string("spread_level", " spread-level %s",
		 spread ? pg_spread_level_name(g.spread_level) : nullptr);
	p.uint("instances", " instances %s", g.instance_count);
	p.string("az", " az %s", g.az[0] ? g.az : nullptr);
	p.close_object();
}

/* One of @names by an unambiguous prefix, as 1 + its index; @kind names it in the usage error. */
uint8_t parse_choice(const char *s, const char *const *names, size_t count, const char *kind,
		     const char *expected)
{
	int i = match_word(s, names, count, kind);

	if (i < 0)
		usage_error("\"%s\" is not a %s (expected %s)", s, kind, expected);
	return uint8_t(i + 1);
}

int do_show(const struct options *opts, int argc, char **argv)
{
	arg_cursor args(argc, argv, "placement-group");
	const char *key = args.next();

	args.finish();
	return show_objects(opts, key, vnitro_pg_get, vnitro_pg_list, print_pg);
}

enum create_keyword { CREATE_STRATEGY, CREATE_PARTITION_COUNT, CREATE_SPREAD_LEVEL };

int do_create(const struct options *opts, int argc, char **argv)
{
	static const char *const keywords[] = { "strategy", "partition-count", "spread-level" };
	arg_cursor args(argc, argv, "placement-group");
	struct vnitro_placement_group g;
	uint32_t partition_count = 0;
	uint8_t strategy = 0, spread_level = 0;
	const char *name;
	unsigned seen = 0;
	session s;

	if (!args.more())
		args.missing("the placement group NAME");
	name = args.next();
	while (args.more()) {
		int k = args.keyword(keywords, 3);
		const char *value = args.value(keywords[k]);

		args.once(&seen, k, keywords[k]);
		if (k == CREATE_STRATEGY)
			strategy = parse_choice(value, strategies, STRATEGY_COUNT, "placement strategy",
						"cluster, spread or partition");
		else if (k == CREATE_PARTITION_COUNT)
			partition_count = parse_u32(value, "partition count", 1,
						    VNITRO_PG_MAX_PARTITIONS);
		else
			spread_level = parse_choice(value, spread_levels, SPREAD_LEVEL_COUNT,
						    "spread level", "rack or host");
	}
	if (!strategy)
		args.missing("\"strategy cluster|spread|partition\"");
	/* Which strategy takes which keyword is the kernel's to say, in EC2's words. */
	if (!s.open())
		return STATUS_ERROR;
	if (vnitro_pg_add(s.handle(), name, strategy, partition_count, spread_level, &g))
		return s.fail();
	return print_object(opts, g, print_pg);
}

int do_delete(const struct options *, int argc, char **argv)
{
	arg_cursor args(argc, argv, "placement-group");
	const char *name;
	session s;

	if (!args.more())
		args.missing("the placement group NAME");
	name = args.next();
	args.finish();
	if (!s.open())
		return STATUS_ERROR;
	return vnitro_pg_del(s.handle(), name) ? s.fail() : STATUS_OK;
}

const struct command commands[] = {
	{ "show", do_show },	/* the default */
	{ "list", do_show },
	{ "create", do_create },
	{ "add", do_create },
	{ "delete", do_delete },
	{ "del", do_delete },
};

} // namespace

const char *pg_strategy_name(uint8_t strategy)
{
	return strategy >= 1 && strategy <= STRATEGY_COUNT ? strategies[strategy - 1] : "unknown";
}

const char *pg_spread_level_name(uint8_t level)
{
	return level >= 1 && level <= SPREAD_LEVEL_COUNT ? spread_levels[level - 1] : "unknown";
}

uint8_t pg_strategy_of(const char *name)
{
	for (size_t i = 0; i < STRATEGY_COUNT; i++)
		if (!strcmp(name, strategies[i]))
			return uint8_t(i + 1);
	return 0;
}

uint8_t pg_spread_level_of(const char *name)
{
	for (size_t i = 0; i < SPREAD_LEVEL_COUNT; i++)
		if (!strcmp(name, spread_levels[i]))
			return uint8_t(i + 1);
	return 0;
}

const struct object placement_group_object = {
	"placement-group", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

/* The same object under a short name, as "eip" is Elastic IP's. */
const struct object pg_object = {
	"pg", commands, sizeof(commands) / sizeof(commands[0]), usage,
};

} // namespace vnitro::cli

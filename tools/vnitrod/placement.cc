// SPDX-License-Identifier: GPL-2.0-only
/*
 * Placement groups as EC2's: CreatePlacementGroup, DescribePlacementGroups
 * and DeletePlacementGroup over vnitro_pg_*, and ModifyInstancePlacement.
 * An instance joins a group only when it is created; EC2 moves only a
 * stopped instance between groups, and vnitro's instances never stop, so
 * ModifyInstancePlacement checks its parameters and then answers
 * IncorrectInstanceState. The kernel starts its refusals with EC2's code
 * ("InvalidPlacementGroup.Duplicate: ..."), which becomes the answer's.
 */
#include "vnitrod.h"

namespace vnitro::ec2 {

namespace {

constexpr const char PG_PREFIX[] = "pg-";
constexpr const char UNKNOWN[] = "InvalidPlacementGroup.Unknown";

/* By enum vnitro_pg_strategy and enum vnitro_pg_spread_level; 0 is none. */
const char *const STRATEGY_NAMES[] = { "", "cluster", "spread", "partition" };
const char *const SPREAD_LEVEL_NAMES[] = { "", "rack", "host" };

template <size_t N>
const char *name_of(const char *const (&names)[N], uint8_t v)
{
	return v < N ? names[v] : "";
}

/* The value of @names that @text is, or 0. */
template <size_t N>
uint8_t value_of(const char *const (&names)[N], const std::string &text)
{
	for (size_t i = 1; i < N; i++)
		if (text == names[i])
			return uint8_t(i);
	return 0;
}

std::string group_arn(const vnitro_placement_group &g, const config &cfg)
{
	return arn(cfg, std::string("placement-group/") + g.name);
}

/* EC2's message, capitals and all, as its answers spell it. */
bool unknown_group(error &e, const std::string &name_or_id)
{
	return client_error(e, UNKNOWN, "The Placement Group '" + name_or_id.substr(0, 255) +
			    "' is unknown.");
}

const vnitro_placement_group *group_named(const snapshot &s, const std::string &name)
{
	for (auto &g : s.pgs)
		if (name == g.name)
			return &g;
	return nullptr;
}

/* GroupName (EC2: "Up to 255 ASCII characters"); printable ones, as a name is shown. */
bool check_name(const params &p, std::string &name, error &e)
{
	if (!require(p, "GroupName", name, e))
		return false;
	for (unsigned char ch : name)
		if (ch < 0x20 || ch > 0x7e)
			return client_error(e, "InvalidParameterValue", "Value for parameter "
					    "GroupName is invalid: only printable ASCII characters");
	if (name.size() >= VNITRO_PG_NAME_LEN)
		return client_error(e, "InvalidParameterValue", "Value for parameter GroupName is "
				    "invalid: up to 255 characters, not " + std::to_string(name.size()));
	return true;
}

void group_xml(pugi::xml_node x, const vnitro_placement_group &g, const config &cfg)
{
	xml_text(x, "groupName", g.name);
	xml_text(x, "state", "available");
	xml_text(x, "strategy", name_of(STRATEGY_NAMES, g.strategy));
	if (g.strategy == VNITRO_PG_PARTITION)
		xml_int(x, "partitionCount", g.partition_count);
	xml_text(x, "groupId", g.id);
	xml_text(x, "groupArn", group_arn(g, cfg));
	if (g.strategy == VNITRO_PG_SPREAD)
		xml_text(x, "spreadLevel", name_of(SPREAD_LEVEL_NAMES, g.spread_level));
}

/*
 * Strategy (vnitro's groups always have one: required, where EC2 now
 * makes it optional), PartitionCount (partition only, 1 to 7), SpreadLevel
 * (spread only; host is for Outposts, which vnitro has not).
 */
bool parse_strategy(const params &p, uint8_t &strategy, uint32_t &partitions, uint8_t &level,
		    error &e)
{
	const std::string *level_text = param(p, "SpreadLevel");
	std::string text;
	bool given;

	if (!require(p, "Strategy", text, e) ||
	    !param_uint(p, "PartitionCount", 1, VNITRO_PG_MAX_PARTITIONS, partitions, given, e))
		return false;
	strategy = value_of(STRATEGY_NAMES, text);
	if (!strategy)
		return client_error(e, "InvalidParameterValue", "Value (" + text.substr(0, 64) +
				    ") for parameter Strategy is invalid. Valid values: cluster, "
				    "spread, partition");
	if (given && strategy != VNITRO_PG_PARTITION)
		return client_error(e, "InvalidParameterCombination", "PartitionCount is valid "
				    "only when Strategy is partition");
	if (!level_text)
		return true;
	level = value_of(SPREAD_LEVEL_NAMES, *level_text);
	if (strategy != VNITRO_PG_SPREAD)
		return client_error(e, "InvalidParameterCombination", "SpreadLevel is valid only "
				    "when Strategy is spread");
	if (level == VNITRO_PG_SPREAD_HOST)
		return client_error(e, "InvalidParameterValue", "SpreadLevel host is for AWS "
				    "Outposts placement groups only; vnitro has no Outposts: use rack");
	if (!level)
		return client_error(e, "InvalidParameterValue", "Value (" +
				    level_text->substr(0, 64) + ") for parameter SpreadLevel is "
				    "invalid. Valid values: host, rack");
	return true;
}

bool create_placement_group(context &c, error &e)
{
	const params &p = c.req.args;
	vnitro_placement_group g;
	uint32_t partitions = 0;
	uint8_t strategy, level = 0;
	std::string name;
	snapshot s;
	int rc;

	if (!check_name(p, name, e) || !parse_strategy(p, strategy, partitions, level, e) ||
	    !snapshot_load(s, c.cfg, SNAP_PGS, e))
		return false;
	if (group_named(s, name))
		return client_error(e, "InvalidPlacementGroup.Duplicate", "The placement group '" +
				    name + "' already exists.");
	if (s.pgs.size() >= VNITRO_MAX_PGS)
		return client_error(e, "PlacementGroupLimitExceeded", "You have reached the limit of " +
				    std::to_string(VNITRO_MAX_PGS) + " placement groups per Region");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_pg_add(world_handle(e), name.c_str(), strategy, partitions, level, &g);
	if (rc)
		return world_coded_error(e, rc, UNKNOWN, "PlacementGroupLimitExceeded");
	group_xml(c.out.append_child("placementGroup"), g, c.cfg);
	return true;
}

/* ---- DescribePlacementGroups. */

using values = std::vector<std::string>;

void g_name(const vnitro_placement_group &g, const config &, values &v) { v.push_back(g.name); }
void g_arn(const vnitro_placement_group &g, const config &cfg, values &v)
{
	v.push_back(group_arn(g, cfg));
}
void g_state(const vnitro_placement_group &, const config &, values &v) { v.push_back("available"); }
void g_strategy(const vnitro_placement_group &g, const config &, values &v)
{
	v.push_back(name_of(STRATEGY_NAMES, g.strategy));
}
void g_spread_level(const vnitro_placement_group &g, const config &, values &v)
{
	if (g.strategy == VNITRO_PG_SPREAD)
		v.push_back(name_of(SPREAD_LEVEL_NAMES, g.spread_level));
}

const filter_def<vnitro_placement_group, config> GROUP_FILTERS[] = {
	{ "group-name", g_name },
	{ "group-arn", g_arn },
	{ "state", g_state },
	{ "strategy", g_strategy },
	{ "spread-level", g_spread_level },
};

std::string group_id(const vnitro_placement_group &g)
{
	return g.id;
}

/* GroupName.N (each must exist) or GroupId.N, and the filters; EC2 does not page it. */
bool describe_placement_groups(context &c, error &e)
{
	std::vector<std::string> names;
	std::vector<const vnitro_placement_group *> shown;
	std::vector<vnitro_placement_group> named;
	std::string next;
	snapshot s;

	if (!group_names(c.req.args, names, e) || !snapshot_load(s, c.cfg, SNAP_PGS, e))
		return false;
	for (auto &n : names) {
		const vnitro_placement_group *g = group_named(s, n);

		if (!g)
			return unknown_group(e, n);
		named.push_back(*g);
	}
	if (!describe_select(c, names.empty() ? s.pgs : named, c.cfg, GROUP_FILTERS,
			     sizeof(GROUP_FILTERS) / sizeof(GROUP_FILTERS[0]), group_id, "GroupId",
			     PG_PREFIX, "InvalidPlacementGroupId.Malformed", UNKNOWN,
			     "placement group", shown, next, e))
		return false;

	pugi::xml_node set = c.out.append_child("placementGroupSet");
	for (const vnitro_placement_group *g : shown)
		group_xml(set.append_child("item"), *g, c.cfg);
	return true;
}

/* Refused while instances are in it, as EC2 refuses it. */
bool delete_placement_group(context &c, error &e)
{
	const vnitro_placement_group *g;
	std::string name;
	snapshot s;
	int rc;

	if (!require(c.req.args, "GroupName", name, e) || !snapshot_load(s, c.cfg, SNAP_PGS, e))
		return false;
	g = group_named(s, name);
	if (!g)
		return unknown_group(e, name);
	if (g->instance_count)
		return client_error(e, "InvalidPlacementGroup.InUse", "The placement group '" + name +
				    "' is in use and may not be deleted.");
	if (c.dry_run)
		return dry_run_ok(e);
	rc = vnitro_pg_del(world_handle(e), name.c_str());
	return rc ? world_coded_error(e, rc, UNKNOWN) : return_true(c);
}

/* ---- ModifyInstancePlacement. */

/* GroupId, or GroupName ("": out of its group), else the instance's own group; nullptr for none. */
bool target_group(const params &p, const snapshot &s, const vnitro_instance &in,
		  const vnitro_placement_group *&g, error &e)
{
	const std::string *name = param(p, "GroupName"), *id = param(p, "GroupId");

	g = nullptr;
	if (name && id)
		return client_error(e, "InvalidParameterCombination", "Give GroupName or GroupId, "
				    "not both");
	if (id && id->compare(0, strlen(PG_PREFIX), PG_PREFIX))
		return client_error(e, "InvalidPlacementGroupId.Malformed", "Invalid id: \"" +
				    id->substr(0, 128) + "\" (expecting \"pg-...\")");
	for (auto &x : s.pgs)
		if (id ? *id == x.id : name ? *name == x.name : !strcmp(in.placement_group, x.name))
			g = &x;
	if (!g && (id || (name && !name->empty())))
		return unknown_group(e, id ? *id : *name);
	return true;
}

/*
 * EC2 requires a stopped instance; vnitro's are always running. So the
 * parameters are checked as EC2 would (the group, the partition) and then
 * the call is refused.
 */
bool modify_instance_placement(context &c, error &e)
{
	const params &p = c.req.args;
	const vnitro_placement_group *g;
	const vnitro_instance *in;
	uint32_t partition = 0;
	std::string id;
	bool given;
	snapshot s;

	if (!require(p, "InstanceId", id, e) ||
	    !param_uint(p, "PartitionNumber", 1, VNITRO_PG_MAX_PARTITIONS, partition, given, e))
		return false;
	if (!param(p, "GroupName") && !param(p, "GroupId") && !given)
		return client_error(e, "MissingParameter", "The request must contain the parameter "
				    "GroupName, GroupId or PartitionNumber");
	if (!snapshot_load(s, c.cfg, SNAP_INSTANCES | SNAP_PGS, e))
		return false;
	in = s.instance(id.c_str());
	if (!in)
		return client_error(e, "InvalidInstanceID.NotFound", "The instance ID '" +
				    id.substr(0, 128) + "' does not exist");
	if (!target_group(p, s, *in, g, e))
		return false;
	if (given && (!g || g->strategy != VNITRO_PG_PARTITION))
		return client_error(e, "InvalidParameterCombination", "PartitionNumber is valid only "
				    "with a partition placement group");
	if (given && partition > g->partition_count)
		return client_error(e, "InvalidParameterValue", "Partition number " +
				    std::to_string(partition) + " is out of range: '" + g->name +
				    "' has " + std::to_string(g->partition_count) + " partitions");
	return client_error(e, "IncorrectInstanceState", "The instance '" + id + "' is not in the "
			    "'stopped' state.");
}

const char *const CREATE[] = { "GroupName", "Strategy", "PartitionCount", "SpreadLevel",
			       "DryRun", nullptr };
const char *const DESCRIBE[] = { "GroupName.N", "GroupId.N", "Filter.N.Name", "Filter.N.Value.N",
				 "DryRun", nullptr };
const char *const DELETE[] = { "GroupName", "DryRun", nullptr };
/* EC2's ModifyInstancePlacement takes no DryRun. */
const char *const MODIFY[] = { "InstanceId", "GroupName", "GroupId", "PartitionNumber", nullptr };

} // namespace

const action_def placement_actions[] = {
	{ "DescribePlacementGroups", describe_placement_groups, DESCRIBE },
	{ "CreatePlacementGroup", create_placement_group, CREATE },
	{ "DeletePlacementGroup", delete_placement_group, DELETE },
	{ "ModifyInstancePlacement", modify_instance_placement, MODIFY },
};
const size_t placement_action_count = sizeof(placement_actions) / sizeof(placement_actions[0]);

} // namespace vnitro::ec2

// SPDX-License-Identifier: GPL-2.0
// placement.cc - placement groups (cluster, spread, partition) and where an instance sits in its zone's network.
//
// EC2 (User Guide, "Placement groups"): a cluster group "packs instances
// close together inside an Availability Zone" and "can't span multiple
// Availability Zones"; a partition group gives each partition "its own set
// of racks", at most seven partitions per zone; a spread group "strictly
// places a small group of instances across distinct underlying hardware",
// at most seven running instances per zone. An instance joins a group when
// it is launched and leaves it when it ends (EC2 moves only stopped
// instances; vnitro's never stop).
//
// Where an instance sits is three network nodes, top layer first, as EC2's
// DescribeInstanceTopology shows them: its zone's, a block's and a rack's.
// A cluster group's instances share all three; a partition's share a rack,
// which no other partition's instances use; any other instance has a rack of
// its own in one of its zone's blocks. The fabric counts the nodes a frame
// crosses between two ENIs from these (path.cc).
#include "control/world.h"

using namespace vnitro::base;

namespace vnitro::control {

namespace {

static_assert(VNITRO_TOPOLOGY_LAYERS == VCORE_TOPOLOGY_LAYERS, "one topology for both");

// The blocks of a zone that instances outside cluster groups (and partitions) spread over.
constexpr uint32_t zone_blocks = 4;

// FNV-1a: equal zone names, equal hashes.
uint64_t zone_hash(const char *az)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < VCORE_ID_MAX && az[i]; i++)
		h = (h ^ uint8_t(az[i])) * 1099511628211ull;
	return h;
}

// A node's id from what makes it that node; never 0 ("unknown" to the fabric).
uint64_t node_id(uint64_t a, uint64_t b, uint64_t layer)
{
	uint64_t id = mix64(a ^ mix64(b ^ mix64(layer)));

	return id ? id : 1;
}

pg *find_pg(const world &w, const char *name, vcore_err *err)
{
	pg *g = w.pgs.find([name](pg *it) { return str_eq(it->name, name); });

	if (!g && err)
		fail(err, ENOENT_).str("InvalidPlacementGroup.Unknown: The Placement Group '")
			.str(name).str("' is unknown.");
	return g;
}

pg *find_pg_id(const world &w, const char *id, vcore_err *err)
{
	pg *g = w.pgs.find([id](pg *it) { return str_eq(it->id, id); });

	if (!g && err)
		fail(err, ENOENT_).str("InvalidPlacementGroup.Unknown: The Placement Group '")
			.str(id).str("' is unknown.");
	return g;
}

// EC2: "Up to 255 ASCII characters".
bool valid_pg_name(const char *name)
{
	size_t n = 0;

	for (; n < VNITRO_PG_NAME_LEN && name[n]; n++)
		if (uint8_t(name[n]) < 0x20 || uint8_t(name[n]) > 0x7e)
			return false;
	return n >= 1 && n < VNITRO_PG_NAME_LEN;
}

// Burstable performance types (T2, T3, T3a, T4g; T1 before them), which
// EC2 keeps out of cluster groups.
bool burstable(const char *type)
{
	return type[0] == 't' && type[1] >= '0' && type[1] <= '9';
}

uint32_t pgs_count(const world &w)
{
	uint32_t n = 0;

	for (pg *g = w.pgs.front(); g; g = g->next)
		n++;
	return n;
}

// The instances of @g in partition @p, or (@p 0) in zone @az.
uint32_t members(const world &w, const pg &g, uint32_t p, const char *az)
{
	uint32_t n = 0;

	for (instance *i = w.instances.front(); i; i = i->next)
		if (i->group == &g && (p ? i->partition == p : str_eq(i->home->az, az)))
			n++;
	return n;
}

// The partition with the fewest instances, the lowest of equals (EC2 "tries
// to evenly distribute").
uint32_t emptiest(const world &w, const pg &g)
{
	uint32_t best = 1, fewest = members(w, g, 1, nullptr);

	for (uint32_t p = 2; p <= g.partition_count; p++) {
		uint32_t n = members(w, g, p, nullptr);

		if (n < fewest) {
			best = p;
			fewest = n;
		}
	}
	return best;
}

int check_join(const world &w, const instance &i, const pg &g, uint32_t partition,
	       vcore_err *err)
{
	if (partition && g.strategy != VNITRO_PG_PARTITION) {
		fail(err, EINVAL_).str("InvalidParameterCombination: a partition number is valid "
				       "only in a partition placement group");
		return err->code;
	}
	switch (g.strategy) {
	case VNITRO_PG_CLUSTER:
		if (burstable(i.type->name)) {
			fail(err, EINVAL_).str("InvalidParameterCombination: Placement groups may "
					       "not be used with instances of type '")
				.str(i.type->name).str("'.");
			return err->code;
		}
		if (g.instance_count && !str_eq(g.az, i.home->az)) {
			fail(err, EBUSY_).str("InvalidPlacementGroup.InUse: The placement group '")
				.str(g.name).str("' is in use in another availability zone: ")
				.str(g.az);
			return err->code;
		}
		break;
	case VNITRO_PG_SPREAD:
		if (members(w, g, 0, i.home->az) >= VNITRO_PG_SPREAD_PER_AZ) {
			fail(err, ENOSPC_).str("InsufficientInstanceCapacity: spread placement group '")
				.str(g.name).str("' already has ").u32(VNITRO_PG_SPREAD_PER_AZ)
				.str(" instances in ").str(i.home->az)
				.str(" (EC2: seven running instances per Availability Zone)");
			return err->code;
		}
		break;
	default:
		if (partition > g.partition_count) {
			fail(err, EINVAL_).str("InvalidParameterValue: partition ").u32(partition)
				.str(" is out of range: placement group '").str(g.name).str("' has ")
				.u32(g.partition_count).str(" partitions");
			return err->code;
		}
	}
	return 0;
}

// @i's network nodes, from its zone, group, partition and key.
void place(instance &i)
{
	uint64_t zone = zone_hash(i.home->az);
	const pg *g = i.group;

	i.nodes[0] = node_id(zone, 0, 1);
	if (g && g->strategy == VNITRO_PG_CLUSTER) {
		i.nodes[1] = node_id(zone, g->key, 2);
		i.nodes[2] = node_id(zone, g->key, 3);
	} else if (g && g->strategy == VNITRO_PG_PARTITION) {
		i.nodes[1] = node_id(zone, (i.partition - 1) % zone_blocks, 2);
		i.nodes[2] = node_id(zone, uint64_t(g->key) << 8 | i.partition, 4);
	} else {
		i.nodes[1] = node_id(zone, i.key % zone_blocks, 2);
		i.nodes[2] = node_id(zone, i.key, 5);
	}
}

} // namespace

int placement_join(world &w, instance &i, const char *name, uint32_t partition, vcore_err *err)
{
	pg *g = nullptr;

	if (name && name[0]) {
		g = find_pg(w, name, err);
		if (!g || check_join(w, i, *g, partition, err))
			return err->code;
	} else if (partition) {
		fail(err, EINVAL_).str("InvalidParameterCombination: a partition number needs a "
				       "placement group");
		return err->code;
	}
	i.group = g;
	i.partition = 0;
	if (g) {
		if (g->strategy == VNITRO_PG_PARTITION)
			i.partition = partition ? partition : emptiest(w, *g);
		if (g->strategy == VNITRO_PG_CLUSTER && !g->instance_count)
			str_copy(g->az, sizeof(g->az), i.home->az);
		g->instance_count++;
	}
	place(i);
	return 0;
}

void placement_leave(instance &i)
{
	pg *g = i.group;

	if (!g)
		return;
	// An empty cluster group may be used in another zone.
	if (!--g->instance_count)
		g->az[0] = '\0';
	i.group = nullptr;
	i.partition = 0;
}

void pgs_free(world &w)
{
	while (pg *g = w.pgs.front()) {
		w.pgs.remove(g);
		destroy(g);
	}
}

void fill_info(const pg &g, vcore_pg_info *out)
{
	*out = vcore_pg_info{};
	str_copy(out->name, sizeof(out->name), g.name);
	str_copy(out->id, sizeof(out->id), g.id);
	out->strategy = g.strategy;
	out->partition_count = g.partition_count;
	out->spread_level = g.spread_level;
	out->instance_count = g.instance_count;
	str_copy(out->az, sizeof(out->az), g.az);
}

} // namespace vnitro::control

using namespace vnitro::control;

namespace {

int check_add(const world &w, const char *name, uint8_t strategy, uint32_t partition_count,
	      uint8_t spread_level, vcore_err *err)
{
	if (!valid_pg_name(name)) {
		fail(err, EINVAL_).str("InvalidParameterValue: a placement group name is 1 to 255 "
				       "ASCII characters");
		return err->code;
	}
	if (find_pg(w, name, nullptr)) {
		fail(err, EEXIST_).str("InvalidPlacementGroup.Duplicate: The placement group '")
			.str(name).str("' already exists.");
		return err->code;
	}
	if (strategy < VNITRO_PG_CLUSTER || strategy > VNITRO_PG_PARTITION) {
		fail(err, EINVAL_).str("InvalidParameterValue: strategy must be cluster, spread or "
				       "partition");
		return err->code;
	}
	if (partition_count && strategy != VNITRO_PG_PARTITION) {
		fail(err, EINVAL_).str("InvalidParameterCombination: a partition count is valid "
				       "only for a partition placement group");
		return err->code;
	}
	if (partition_count > VNITRO_PG_MAX_PARTITIONS) {
		fail(err, EINVAL_).str("InvalidParameterValue: partition count ").u32(partition_count)
			.str(" is out of range: 1 to ").u32(VNITRO_PG_MAX_PARTITIONS);
		return err->code;
	}
	if (spread_level && strategy != VNITRO_PG_SPREAD) {
		fail(err, EINVAL_).str("InvalidParameterCombination: a spread level is valid only "
				       "for a spread placement group");
		return err->code;
	}
	if (spread_level == VNITRO_PG_SPREAD_HOST) {
		fail(err, EINVAL_).str("InvalidParameterValue: spread level host is only for "
				       "placement groups on AWS Outposts");
		return err->code;
	}
	if (spread_level > VNITRO_PG_SPREAD_HOST) {
		fail(err, EINVAL_).str("InvalidParameterValue: spread level must be rack or host");
		return err->code;
	}
	if (pgs_count(w) >= VNITRO_MAX_PGS) {
		fail(err, ENOSPC_).str("PlacementGroupLimitExceeded: you can create at most ")
			.u32(VNITRO_MAX_PGS).str(" placement groups");
		return err->code;
	}
	return 0;
}

} // namespace

extern "C" {

int vcore_ctl_pg_add(struct vcore_ctl *ctl, const char *name, uint8_t strategy,
		     uint32_t partition_count, uint8_t spread_level,
		     struct vcore_pg_info *out, struct vcore_err *err)
{
	pg *g;

	if (check_add(*ctl, name, strategy, partition_count, spread_level, err))
		return err->code;
	g = create<pg>();
	if (!g) {
		fail(err, ENOMEM_).str("out of memory");
		return err->code;
	}
	str_copy(g->name, sizeof(g->name), name);
	do
		random_hex_id(g->id, "pg-");
	while (find_pg_id(*ctl, g->id, nullptr));
	g->strategy = strategy;
	if (strategy == VNITRO_PG_PARTITION)
		g->partition_count = partition_count ? partition_count
						     : uint32_t(VNITRO_PG_DEFAULT_PARTITIONS);
	if (strategy == VNITRO_PG_SPREAD)
		g->spread_level = VNITRO_PG_SPREAD_RACK;
	g->key = ++ctl->next_pg_key;
	ctl->pgs.push_back(g);
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_pg_del(struct vcore_ctl *ctl, const char *name, struct vcore_err *err)
{
	pg *g = find_pg(*ctl, name, err);

	if (!g)
		return err->code;
	if (g->instance_count) {
		fail(err, EBUSY_).str("InvalidPlacementGroup.InUse: The placement group '").str(name)
			.str("' is in use and may not be deleted.");
		return err->code;
	}
	ctl->pgs.remove(g);
	destroy(g);
	return 0;
}

int vcore_ctl_pg_get(const struct vcore_ctl *ctl, const char *key, bool by_id,
		     struct vcore_pg_info *out, struct vcore_err *err)
{
	pg *g = by_id ? find_pg_id(*ctl, key, err) : find_pg(*ctl, key, err);

	if (!g)
		return err->code;
	fill_info(*g, out);
	return 0;
}

int vcore_ctl_pg_at(const struct vcore_ctl *ctl, uint32_t pos, struct vcore_pg_info *out)
{
	pg *g = ctl->pgs.at(pos);

	if (!g)
		return -ENOENT_;
	fill_info(*g, out);
	return 0;
}

} // extern "C"

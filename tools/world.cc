// SPDX-License-Identifier: GPL-2.0-only
/* The kernel's whole world in one read, and the stable order "vnitro dump" prints it in. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

namespace vnitro::cli {

namespace {

int by_vpc_id(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_vpc *>(a)->id,
		      static_cast<const vnitro_vpc *>(b)->id);
}

int by_subnet_id(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_subnet *>(a)->id,
		      static_cast<const vnitro_subnet *>(b)->id);
}

int by_igw_id(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_igw *>(a)->id,
		      static_cast<const vnitro_igw *>(b)->id);
}

int by_instance_name(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_instance *>(a)->name,
		      static_cast<const vnitro_instance *>(b)->name);
}

int by_pg_name(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_placement_group *>(a)->name,
		      static_cast<const vnitro_placement_group *>(b)->name);
}

/*
 * Attached ENIs by instance, network card and device index, then available ones by id:
 * an order that holds when apply re-creates a primary ENI under a new id.
 */
int by_attachment(const void *a, const void *b)
{
	const vnitro_eni *x = static_cast<const vnitro_eni *>(a);
	const vnitro_eni *y = static_cast<const vnitro_eni *>(b);
	bool xa = x->device_index >= 0, ya = y->device_index >= 0;
	int c;

	if (xa != ya)
		return xa ? -1 : 1;
	if (!xa)
		return strcmp(x->id, y->id);
	c = strcmp(x->instance, y->instance);
	if (!c)
		c = x->network_card - y->network_card;
	return c ? c : x->device_index - y->device_index;
}

int by_address(const void *a, const void *b)
{
	uint32_t x = ntohl(*static_cast<const uint32_t *>(a));
	uint32_t y = ntohl(*static_cast<const uint32_t *>(b));

	return x < y ? -1 : x > y;
}

/* By subnet, IPv4 before IPv6, then by address and length. */
int by_destination(const void *a, const void *b)
{
	const vnitro_route *x = static_cast<const vnitro_route *>(a);
	const vnitro_route *y = static_cast<const vnitro_route *>(b);
	int c = strcmp(x->subnet_id, y->subnet_id);

	if (c)
		return c;
	if (x->ipv6 != y->ipv6)
		return x->ipv6 - y->ipv6;
	c = x->ipv6 ? memcmp(x->addr6, y->addr6, sizeof(x->addr6)) : by_address(&x->addr, &y->addr);
	return c ? c : x->prefixlen - y->prefixlen;
}

/* By VPC, then by name (unique in a VPC): default groups keep their place under new ids. */
int by_vpc_and_name(const void *a, const void *b)
{
	const vnitro_sg *x = static_cast<const vnitro_sg *>(a);
	const vnitro_sg *y = static_cast<const vnitro_sg *>(b);
	int c = strcmp(x->vpc_id, y->vpc_id);

	return c ? c : strcmp(x->name, y->name);
}

/* By VPC, its default ACL first (it keeps its place under a new id), then by id. */
int by_vpc_default_first(const void *a, const void *b)
{
	const vnitro_nacl *x = static_cast<const vnitro_nacl *>(a);
	const vnitro_nacl *y = static_cast<const vnitro_nacl *>(b);
	int c = strcmp(x->vpc_id, y->vpc_id);

	if (!c)
		c = int(y->is_default) - int(x->is_default);
	return c ? c : strcmp(x->id, y->id);
}

int by_eip_id(const void *a, const void *b)
{
	return strcmp(static_cast<const vnitro_eip *>(a)->id,
		      static_cast<const vnitro_eip *>(b)->id);
}

/*
 * IGW_GET lists both kinds of gateway: the egress-only ones move from @igws
 * to a malloc()ed list of their own. False when out of memory.
 */
bool split_gateways(struct vnitro_igw *igws, size_t *igw_count, struct vnitro_igw **eigws,
		    size_t *eigw_count)
{
	size_t kept = 0;

	*eigws = static_cast<struct vnitro_igw *>(calloc(*igw_count + 1, sizeof(**eigws)));
	if (!*eigws)
		return false;
	for (size_t i = 0; i < *igw_count; i++) {
		if (igws[i].egress_only)
			(*eigws)[(*eigw_count)++] = igws[i];
		else
			igws[kept++] = igws[i];
	}
	*igw_count = kept;
	return true;
}

/* The gateway of @vpc_id among @items, or NULL. */
const struct vnitro_igw *gateway_of(const struct vnitro_igw *items, size_t count,
				    const char *vpc_id)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(items[i].vpc_id, vpc_id))
			return &items[i];
	return nullptr;
}

/* qsort() of an empty list, which the library hands over as NULL. */
template <typename T>
void sort_items(T *items, size_t count, int (*cmp)(const void *, const void *))
{
	if (count)
		qsort(items, count, sizeof(*items), cmp);
}

} // namespace

world::~world()
{
	free(vpcs);
	free(subnets);
	free(igws);
	free(eigws);
	free(instances);
	free(pgs);
	free(enis);
	free(routes);
	free(sgs);
	free(nacls);
	free(eips);
}

bool world::read(session &s)
{
	struct vnitro_handle *h = s.handle();

	if (vnitro_vpc_list(h, &vpcs, &vpc_count) ||
	    vnitro_subnet_list(h, &subnets, &subnet_count) ||
	    vnitro_igw_list(h, &igws, &igw_count) ||
	    vnitro_instance_list(h, &instances, &instance_count) ||
	    vnitro_pg_list(h, &pgs, &pg_count) ||
	    vnitro_eni_list(h, &enis, &eni_count) ||
	    vnitro_route_list(h, &routes, &route_count) ||
	    vnitro_sg_list(h, &sgs, &sg_count) ||
	    vnitro_nacl_list(h, &nacls, &nacl_count) ||
	    vnitro_eip_list(h, &eips, &eip_count) ||
	    vnitro_eip_pool_get(h, &eip_pool) ||
	    vnitro_world_get(h, &settings) ||
	    vnitro_path_get(h, &path) ||
	    vnitro_tunnel_get(h, &tunnel)) {
		s.fail();
		return false;
	}
	if (!split_gateways(igws, &igw_count, &eigws, &eigw_count)) {
		report_error("out of memory");
		return false;
	}
	return true;
}

void world::sort()
{
	sort_items(vpcs, vpc_count, by_vpc_id);
	sort_items(subnets, subnet_count, by_subnet_id);
	sort_items(igws, igw_count, by_igw_id);
	sort_items(eigws, eigw_count, by_igw_id);
	sort_items(instances, instance_count, by_instance_name);
	sort_items(pgs, pg_count, by_pg_name);
	sort_items(enis, eni_count, by_attachment);
	for (size_t i = 0; i < eni_count; i++)
		sort_items(enis[i].secondary_ips, enis[i].secondary_count, by_address);
	sort_items(routes, route_count, by_destination);
	sort_items(sgs, sg_count, by_vpc_and_name);
	sort_items(nacls, nacl_count, by_vpc_default_first);
	sort_items(eips, eip_count, by_eip_id);
}

const struct vnitro_vpc *world::find_vpc(const char *id) const
{
	return find_id(vpcs, vpc_count, id);
}

const struct vnitro_subnet *world::find_subnet(const char *id) const
{
	return find_id(subnets, subnet_count, id);
}

const struct vnitro_igw *world::find_igw(const char *id) const
{
	return find_id(igws, igw_count, id);
}

const struct vnitro_igw *world::find_igw_of(const char *vpc_id) const
{
	return gateway_of(igws, igw_count, vpc_id);
}

const struct vnitro_igw *world::find_eigw(const char *id) const
{
	return find_id(eigws, eigw_count, id);
}

const struct vnitro_igw *world::find_eigw_of(const char *vpc_id) const
{
	return gateway_of(eigws, eigw_count, vpc_id);
}

const struct vnitro_instance *world::find_instance(const char *name) const
{
	return find_name(instances, instance_count, name);
}

const struct vnitro_placement_group *world::find_pg(const char *name) const
{
	return find_name(pgs, pg_count, name);
}

const struct vnitro_eni *world::find_eni(const char *id) const
{
	return find_id(enis, eni_count, id);
}

const struct vnitro_eni *world::eni_at(const char *instance, int32_t card, int32_t index) const
{
	for (size_t i = 0; i < eni_count; i++)
		if (enis[i].device_index == index && enis[i].network_card == card &&
		    !strcmp(enis[i].instance, instance))
			return &enis[i];
	return nullptr;
}

const struct vnitro_sg *world::find_sg(const char *id) const
{
	return find_id(sgs, sg_count, id);
}

const struct vnitro_sg *world::default_sg_of(const char *vpc_id) const
{
	for (size_t i = 0; i < sg_count; i++)
		if (!strcmp(sgs[i].vpc_id, vpc_id) && !strcmp(sgs[i].name, "default"))
			return &sgs[i];
	return nullptr;
}

const struct vnitro_nacl *world::find_nacl(const char *id) const
{
	return find_id(nacls, nacl_count, id);
}

const struct vnitro_eip *world::find_eip(const char *id) const
{
	return find_id(eips, eip_count, id);
}

const struct vnitro_route *world::find_route(const char *subnet,
					     const struct topo_route &dest) const
{
	for (size_t i = 0; i < route_count; i++)
		if (same_destination(routes[i], dest) && !strcmp(routes[i].subnet_id, subnet))
			return &routes[i];
	return nullptr;
}

} // namespace vnitro::cli

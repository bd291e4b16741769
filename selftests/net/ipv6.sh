#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ipv6.sh - dual stack: IPv6 blocks for the VPC (/56) and subnet (/64), ENI IPv6 addresses,
# router advertisements and DHCPv6 as on EC2, ping -6 and TCP, the source/destination check.
#
#   vpc-default 172.31.0.0/16 + 2600:1f18:ab:1200::/56
#   ===== subnet-default 172.31.0.0/20 + 2600:1f18:ab:1200::/64 =====+=====
#          |  router: fe80::(EUI-64 of its MAC), RA: M flag, /64 on-link, MTU 9001
#   +--- i-a ------------------+          +--- i-b ------------------+
#   | eth0 $ip_a               |          | eth0 $ip_b               |
#   |      $a6/128 (DHCPv6)    |          |      $b6/128 (DHCPv6)    |
#   +--------------------------+          +--------------------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

VPC6=2600:1f18:ab:1200::/56
SUB6=2600:1f18:ab:1200::/64
A6=2600:1f18:ab:1200::10
script=$(cd "$(dirname "$0")" && pwd)/dhclient6.script
v6addrs() { ip -n "$1" -j -6 addr show dev eth0 scope global | jq -r '[.[0].addr_info // [] | .[] | .local // empty] | join(" ")'; }
# dhcp6 INSTANCE: one DHCPv6 exchange on eth0 once its link-local address is usable.
dhcp6() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ -z $(ip -n "$1" -6 addr show dev eth0 tentative) ]] && break
		sleep 0.1
	done
	ip netns exec "$1" timeout 30 dhclient -6 -1 -lf "/tmp/dhclient6.$1.leases" \
		-pf "/tmp/dhclient6.$1.pid" -sf "$script" eth0
}
# default6 INSTANCE: the IPv6 default router learnt from router advertisements (10 s at most).
default6() {
	local i gw
	for ((i = 0; i < 100; i++)); do
		gw=$(ip -n "$1" -j -6 route show default | jq -r '.[0].gateway // empty')
		[[ -n $gw ]] && break
		sleep 0.1
	done
	echo "$gw"
}

## the IPv6 blocks: refusals first, nothing changes

check_err "a subnet block before the VPC has one" "VPC vpc-default has no IPv6 CIDR block" \
	"$VNITRO" subnet set subnet-default ipv6-cidr "$SUB6"
check_err "a VPC block is a /56" "is a /56, not a /48" \
	"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab::/48
check_err "no host bits" "has host bits set" \
	"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab:1201::/56
check_err "not multicast or link-local" "not global unicast" \
	"$VNITRO" vpc set vpc-default ipv6-cidr fe80::/56
check_err "not an IPv6 block" "not an IPv6 CIDR block" \
	"$VNITRO" vpc set vpc-default ipv6-cidr 10.0.0.0/16
check_err "a plain user cannot set one" "Operation not permitted" \
	plain "$VNITRO" vpc set vpc-default ipv6-cidr "$VPC6"
check_eq "the VPC still has no block" "null" "$("$VNITRO" -j vpc show vpc-default | jq -r '.[0].ipv6_cidr')"

check "vpc set vpc-default ipv6-cidr $VPC6" "$VNITRO" vpc set vpc-default ipv6-cidr "$VPC6"
check_eq "the VPC shows its /56" "$VPC6" "$("$VNITRO" -j vpc show vpc-default | jq -r '.[0].ipv6_cidr')"
check_err "one block per VPC" "already has IPv6 CIDR block 2600:1f18:ab:1200::/56" \
	"$VNITRO" vpc set vpc-default ipv6-cidr amazon
check "a second VPC gets an Amazon-provided block" "$VNITRO" vpc add vpc-six cidr 10.6.0.0/16
check "vpc set vpc-six ipv6-cidr amazon" "$VNITRO" vpc set vpc-six ipv6-cidr amazon
check_match "from 2600:1f18::/32, a /56" '^2600:1f18:[0-9a-f]{1,4}:[0-9a-f]{0,2}00::/56$' \
	"$("$VNITRO" -j vpc show vpc-six | jq -r '.[0].ipv6_cidr')"
check "vpc set vpc-six ipv6-cidr none" "$VNITRO" vpc set vpc-six ipv6-cidr none
check_err "a block of another VPC" "belongs to another VPC" \
	"$VNITRO" vpc set vpc-six ipv6-cidr "$VPC6"
check "delete vpc-six" "$VNITRO" vpc del vpc-six

check_err "a subnet block is a /64" "is a /64 of its VPC's /56" \
	"$VNITRO" subnet set subnet-default ipv6-cidr 2600:1f18:ab:1200::/60
check_err "inside the VPC's /56" "is not inside VPC vpc-default" \
	"$VNITRO" subnet set subnet-default ipv6-cidr 2600:1f18:ab:1300::/64
check "subnet set subnet-default ipv6-cidr $SUB6" \
	"$VNITRO" subnet set subnet-default ipv6-cidr "$SUB6"
check_eq "the subnet shows its /64" "$SUB6" \
	"$("$VNITRO" -j subnet show subnet-default | jq -r '.[0].ipv6_cidr')"
check_err "the VPC's block stays while a subnet has one" "disassociate the subnets' IPv6 blocks first" \
	"$VNITRO" vpc set vpc-default ipv6-cidr none

## ENI addresses

two_instances
eni_a=$(primary_eni i-a)
eni_b=$(primary_eni i-b)
check_err "a plain user cannot set a subnet's block" "Operation not permitted" \
	plain "$VNITRO" subnet set subnet-default ipv6-cidr none
check_err "a plain user cannot assign an IPv6 address" "Operation not permitted" \
	plain "$VNITRO" eni assign "$eni_a" ipv6-count 1
check_err "an instance cannot reach the control plane from inside" "module|not loaded|vnitro" \
	ip netns exec i-a "$VNITRO" eni assign "$eni_b" ipv6-count 1
check_eq "... and i-b's ENI has no address from it" "" "$(eni_field "$eni_b" 'ipv6_addresses | join(" ")')"
check_err "AWS keeps the subnet's first four addresses" "reserved by AWS" \
	"$VNITRO" eni assign "$eni_a" ipv6 2600:1f18:ab:1200::3
check_err "and its last" "reserved by AWS" \
	"$VNITRO" eni assign "$eni_a" ipv6 2600:1f18:ab:1200:ffff:ffff:ffff:ffff
check_err "an address outside the subnet's /64" "is not in subnet subnet-default" \
	"$VNITRO" eni assign "$eni_a" ipv6 2600:1f18:ab:1201::10
check "eni assign i-a's ENI ipv6 $A6" "$VNITRO" eni assign "$eni_a" ipv6 "$A6"
check_err "an address another ENI has" "already assigned" \
	"$VNITRO" eni assign "$eni_b" ipv6 "$A6"
check "eni assign i-b's ENI ipv6-count 1" "$VNITRO" eni assign "$eni_b" ipv6-count 1
check_err "past the instance type's limit" "at most 50 IPv6 addresses per network interface" \
	"$VNITRO" eni assign "$eni_b" ipv6-count 50
b6=$(eni_field "$eni_b" 'ipv6_addresses[0]')
check_match "ipv6-count picks an address of the /64" '^2600:1f18:ab:1200:' "$b6"
check_eq "i-a's ENI lists its address" "$A6" "$(eni_field "$eni_a" 'ipv6_addresses | join(" ")')"
check_err "the subnet's block stays while ENIs have addresses" "unassign them first" \
	"$VNITRO" subnet set subnet-default ipv6-cidr none

## the instance side: router advertisements, DHCPv6, neighbour discovery

gw=$(default6 i-a)
check_match "i-a's default route is the router's link-local address (RA)" '^fe80::56:4eff:fe' "$gw"
check_match "the route came from a router advertisement" 'proto ra' \
	"$(ip -n i-a -6 route show default)"
ip -n i-a -6 route del default
ip -n i-b -6 route del default 2>/dev/null
echo 1 >/sys/kernel/debug/vnitro/advertise
check_match "the routers' periodic advertisement (forced now) gives the default route back" \
	'^fe80::56:4eff:fe' "$(default6 i-a)"
check_match "  ... to every instance of an IPv6 subnet" '^fe80::56:4eff:fe' "$(default6 i-b)"
check_match "the /64 is on-link (prefix information, L flag)" "^2600:1f18:ab:1200::/64 .*proto (ra|kernel)" \
	"$(ip -n i-a -6 route show 2600:1f18:ab:1200::/64)"
check_eq "no address by SLAAC (A flag clear): none yet" "" "$(v6addrs i-a)"
if command -v dhclient >/dev/null; then
	check "dhclient -6 in i-a gets a lease" dhcp6 i-a
	check_eq "the lease is the ENI's IPv6 address" "$A6" "$(v6addrs i-a)"
	check_match "EC2's preferred lifetime, 140 s" 'preferred-life 140;' \
		"$(cat /tmp/dhclient6.i-a.leases)"
	check "dhclient -6 in i-b gets a lease" dhcp6 i-b
	check_eq "i-b's lease is its picked address" "$b6" "$(v6addrs i-b)"
else
	skip "dhclient -6: isc-dhcp-client is not installed"
	ip -n i-a addr add "$A6/128" dev eth0 nodad
	ip -n i-b addr add "$b6/128" dev eth0 nodad
fi
check "ping -6 i-a -> i-b" ip netns exec i-a ping -6 -c 3 -W 2 -q "$b6"
check_match "i-a learnt i-b's MAC by neighbour discovery" "lladdr $(eni_field "$eni_b" mac)" \
	"$(ip -n i-a -6 neigh show "$b6")"
ip -n i-a link set eth0 mtu 9001
ip -n i-b link set eth0 mtu 9001
check "a 9001-byte IPv6 ping crosses (8953 + 48)" \
	ip netns exec i-b ping -6 -c 2 -W 2 -q -M do -s 8953 "$A6"
check "TCP over IPv6: 1 MiB i-a -> i-b" tcp_copy i-a i-b "$b6"

## dump and apply carry IPv6

dump=$(mktemp)
"$VNITRO" dump >"$dump"
check_eq "dump: the VPC's and the subnet's blocks" "$VPC6 $SUB6" \
	"$(jq -r '"\(.vpcs[] | select(.id == "vpc-default") | .ipv6_cidr) \(.subnets[] | select(.id == "subnet-default") | .ipv6_cidr)"' "$dump")"
check_eq "dump: i-a's ENI's address" "$A6" \
	"$(jq -r --arg e "$eni_a" '.enis[] | select(.id == $e) | .ipv6_addresses | join(" ")' "$dump")"
out=$("$VNITRO" apply "$dump")
check_eq "apply the dump: no change" "0|" "$?|$out"
"$VNITRO" eni unassign "$eni_a" ipv6 "$A6" >/dev/null
"$VNITRO" eni unassign "$eni_b" ipv6 "$b6" >/dev/null
"$VNITRO" subnet set subnet-default ipv6-cidr none >/dev/null
"$VNITRO" vpc set vpc-default ipv6-cidr none >/dev/null
"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab:3400::/56 >/dev/null
out=$("$VNITRO" apply "$dump")
check_eq "apply after drift: the blocks and addresses come back, in order" \
	"disassociate vpc vpc-default ipv6-cidr 2600:1f18:ab:3400::/56
associate vpc vpc-default ipv6-cidr $VPC6
associate subnet subnet-default ipv6-cidr $SUB6
assign eni $eni_a ipv6 $A6
assign eni $eni_b ipv6 $b6" "$out"
check_eq "the world is the dump again" "$(cat "$dump")" "$("$VNITRO" dump)"
check "ping -6 i-a -> i-b after apply" ip netns exec i-a ping -6 -c 2 -W 2 -q "$b6"
rm -f "$dump"

## the local route: IPv6 between subnets

C6=2600:1f18:ab:1201::c
check "subnet-b" "$VNITRO" subnet add subnet-b vpc vpc-default cidr 172.31.16.0/20 az us-east-1a
check_err "addresses on creation need a block" "has no IPv6 CIDR block to assign addresses from" \
	"$VNITRO" subnet set subnet-b assign-ipv6-on-creation on
check "subnet-b: an IPv6 block and addresses on creation (EC2's AssignIpv6AddressOnCreation)" \
	"$VNITRO" subnet set subnet-b ipv6-cidr 2600:1f18:ab:1201::/64 assign-ipv6-on-creation on
check_eq "subnet show says so" "true" \
	"$("$VNITRO" -j subnet show subnet-b | jq -r '.[0].assign_ipv6_on_creation')"
"$VNITRO" instance add i-c subnet subnet-b >/dev/null
eni_c=$(primary_eni i-c)
bring_up i-c "$eni_c"
check_match "i-c's new primary ENI got an address of subnet-b's /64" '^2600:1f18:ab:1201:[0-9a-f:]+$' \
	"$(eni_field "$eni_c" 'ipv6_addresses | join(" ")')"
"$VNITRO" eni unassign "$eni_c" ipv6 "$(eni_field "$eni_c" 'ipv6_addresses[0]')" >/dev/null
check "i-c's ENI gets $C6" "$VNITRO" eni assign "$eni_c" ipv6 "$C6"
ip -n i-c addr add "$C6/128" dev eth0 nodad
check_match "i-c's default route is subnet-b's router" '^fe80::56:4eff:fe' "$(default6 i-c)"
check "ping -6 i-a -> i-c across subnets" ip netns exec i-a ping -6 -c 3 -W 2 -q "$C6"
check_match "the router takes one hop: i-a's reply arrives with hop limit 63" 'ttl=63' \
	"$(ip netns exec i-c ping -6 -c 1 -W 2 "$A6")"
default_acl=$("$VNITRO" -j nacl show | jq -r '.[] | select(.vpc == "vpc-default" and .default) | .id')
check "a custom ACL allowing all IPv4 on subnet-b" sh -c \
	"'$VNITRO' nacl add acl-6 vpc vpc-default >/dev/null &&
	 '$VNITRO' nacl entry add acl-6 ingress rule 100 allow proto all cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl entry add acl-6 egress rule 100 allow proto all cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl associate acl-6 subnet subnet-b >/dev/null"
check "... stops IPv6 (it has no IPv6 rules)" sh -c "! ip netns exec i-a ping -6 -c 2 -W 1 -q '$C6'"
ip -n i-a route add 172.31.16.0/20 via 172.31.0.1
ip -n i-c route add 172.31.0.0/20 via 172.31.16.1
check "... and lets IPv4 through" ip netns exec i-a ping -c 2 -W 2 -q "$(eni_field "$eni_c" private_ip)"
check "the default ACL again: IPv6 crosses" sh -c \
	"'$VNITRO' nacl associate '$default_acl' subnet subnet-b >/dev/null &&
	 ip netns exec i-a ping -6 -c 2 -W 2 -q '$C6'"
"$VNITRO" nacl del acl-6
"$VNITRO" eni unassign "$eni_c" ipv6 "$C6" >/dev/null
"$VNITRO" instance del i-c
"$VNITRO" subnet del subnet-b

## the source/destination check

ip -n i-a addr add 2600:1f18:ab:1200::99/128 dev eth0 nodad
before=$(eni_field "$eni_a" tx_src_dst_dropped)
check "a source address not the ENI's is dropped" \
	sh -c "! ip netns exec i-a ping -6 -c 2 -W 1 -q -I 2600:1f18:ab:1200::99 '$b6'"
check_eq "counted as a source/dest check drop" "1" \
	"$(( $(eni_field "$eni_a" tx_src_dst_dropped) > before ))"
# B answers ::99 at A's MAC (nobody holds it in the VPC, so only a neighbour entry tells B).
ip -n i-b -6 neigh replace 2600:1f18:ab:1200::99 lladdr "$(eni_field "$eni_a" mac)" dev eth0
sg_d=$(eni_field "$eni_b" 'security_groups[0]')
"$VNITRO" eni set "$eni_a" source-dest-check off >/dev/null
check "with the check off the address leaves, but the default group lets in only its members' addresses" \
	sh -c "! ip netns exec i-a ping -6 -c 1 -W 1 -q -I 2600:1f18:ab:1200::99 '$b6'"
check "with a rule for it, it passes, both ways" sh -c \
	"'$VNITRO' sg rule add '$sg_d' ingress proto all cidr 2600:1f18:ab:1200::99/128 >/dev/null &&
	 ip netns exec i-a ping -6 -c 2 -W 2 -q -I 2600:1f18:ab:1200::99 '$b6'"
"$VNITRO" sg rule del "$sg_d" ingress proto all cidr 2600:1f18:ab:1200::99/128 >/dev/null
"$VNITRO" eni set "$eni_a" source-dest-check on >/dev/null
ip -n i-a addr del 2600:1f18:ab:1200::99/128 dev eth0

check "eni unassign i-b's address" "$VNITRO" eni unassign "$eni_b" ipv6 "$b6"
check_eq "i-b's ENI has no IPv6 address left" "" "$(eni_field "$eni_b" 'ipv6_addresses | join(" ")')"
ip -n i-a neigh flush dev eth0
check "an unassigned address is no longer reached" \
	sh -c "! ip netns exec i-a ping -6 -c 2 -W 1 -q '$b6'"
check_err "unassign an address the ENI does not have" "is not assigned to $eni_b" \
	"$VNITRO" eni unassign "$eni_b" ipv6 "$b6"

## taking IPv6 away again

check "unassign i-a's address" "$VNITRO" eni unassign "$eni_a" ipv6 "$A6"
check "subnet set subnet-default ipv6-cidr none" "$VNITRO" subnet set subnet-default ipv6-cidr none
check "vpc set vpc-default ipv6-cidr none" "$VNITRO" vpc set vpc-default ipv6-cidr none
check_eq "vpc-default has no block again" "null" \
	"$("$VNITRO" -j vpc show vpc-default | jq -r '.[0].ipv6_cidr')"
check_err "eni assign without a subnet block" "has no IPv6 CIDR block" \
	"$VNITRO" eni assign "$eni_a" ipv6-count 1

summary

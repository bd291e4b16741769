#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# igw6.sh - IPv6 to and from the internet through the internet gateway: the VPC's /56 as a
# second local route, `::/0` via the gateway, the gateway answering neighbour discovery
# for the block, the security groups on the way in, ICMPv6 "packet too big" at the
# gateway's 1500 bytes (path MTU discovery), TCP from MTU 9001, "time exceeded",
# refusals, dump/apply.
#
#   internet (namespace): igw0 2001:db8:100::10/64, route to 2600:1f18:ab:1200::/56 on igw0
#        |
#   igw-1 ---- VPC router ---- subnet-default 2600:1f18:ab:1200::/64 ---- i-a eth0 ::a (MTU 9001)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

VPC6=2600:1f18:ab:1200::/56
A6=2600:1f18:ab:1200::a
NET6=2001:db8:100::10
fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
routes6() {
	"$VNITRO" -j route show | jq -r '[.[] | select(.subnet == "subnet-default") | .destination] | join(" ")'
}

dual_stack_a "$A6"
internet_gateway
ip -n internet addr add "$NET6/64" dev igw0 nodad
ip -n internet -6 route add "$VPC6" dev igw0

check_eq "the VPC's /56 is a second local route" "172.31.0.0/16 $VPC6 0.0.0.0/0" "$(routes6)"
check_err "the IPv6 local route cannot be deleted" "local route $VPC6 of VPC vpc-default cannot be deleted" \
	"$VNITRO" route del "$VPC6" subnet subnet-default
nr=$(fabric drop_no_route)
check "without an IPv6 route, the internet is not reached" \
	sh -c "! ip netns exec i-a ping -6 -c 1 -W 1 -q $NET6"
check "  ... counted as no route" test "$(fabric drop_no_route)" -gt "$nr"
check "route add ::/0 subnet subnet-default via igw-1" \
	"$VNITRO" route add ::/0 subnet subnet-default via igw-1
check_eq "route show lists it" "172.31.0.0/16 $VPC6 0.0.0.0/0 ::/0" "$(routes6)"
check "ping -6 i-a -> the internet" ip netns exec i-a ping -6 -c 3 -W 2 -q "$NET6"
check_match "the internet learnt i-a's address at the VPC router's MAC (neighbour discovery)" \
	"lladdr 02:56:4e:80:" "$(ip -n internet -6 neigh show "$A6")"
check "the internet -> i-a: the default group lets nothing in from outside" \
	sh -c "! ip netns exec internet ping -6 -c 1 -W 1 -q $A6"
sg_d=$(eni_field "$eni_a" 'security_groups[0]')
check "a rule for ICMPv6 echo from ::/0" \
	"$VNITRO" sg rule add "$sg_d" ingress proto icmpv6 icmp-type 128 cidr ::/0
check "the internet -> i-a now" ip netns exec internet ping -6 -c 3 -W 2 -q "$A6"
check_match "one hop: the router's" 'ttl=63' "$(ip netns exec internet ping -6 -c 1 -W 2 "$A6")"

# The gateway's 1500 bytes: IPv6 is not fragmented on the way; the router says so.
check_match "a 1600-byte ping -6 gets \"packet too big\", MTU 1500" '[Pp]acket too big.*1500' \
	"$(ip netns exec i-a ping -6 -c 1 -W 2 -M do -s 1600 "$NET6" 2>&1)"
check_match "  ... and i-a keeps the path's MTU" 'mtu 1500' "$(ip -n i-a -6 route get "$NET6")"
ip netns exec internet sh -c 'timeout 30 busybox nc -l -p 7000 > /tmp/igw6.rx' &
wait_listen internet 7000
head -c 1048576 /dev/urandom >/tmp/igw6.tx
check "TCP i-a -> the internet over IPv6, 1 MiB (i-a at MTU 9001, the internet at 1500)" \
	ip netns exec i-a timeout 20 bash -c "cat /tmp/igw6.tx > /dev/tcp/$NET6/7000"
wait
check "  ... intact" cmp /tmp/igw6.tx /tmp/igw6.rx
check_match "hop limit 1 to the internet: \"time exceeded\" from the router" '[Tt]ime exceeded' \
	"$(ip netns exec i-a ping -6 -c 1 -W 2 -t 1 "$NET6" 2>&1)"

## refusals, dump and apply

check_err "a route to ::/0 twice" "already has a route to ::/0" \
	"$VNITRO" route add ::/0 subnet subnet-default via igw-1
check_err "host bits in an IPv6 destination" "did you mean 2001:db8::/32" \
	"$VNITRO" route add 2001:db8::1/32 subnet subnet-default via igw-1
dump=$(mktemp)
"$VNITRO" dump >"$dump"
out=$("$VNITRO" apply "$dump")
check_eq "apply the dump: no change" "0|" "$?|$out"
"$VNITRO" route del ::/0 subnet subnet-default >/dev/null
check "without the route, no more" sh -c "! ip netns exec i-a ping -6 -c 1 -W 1 -q $NET6"
"$VNITRO" apply "$dump" >/dev/null
check_eq "apply after drift: the world is the dump again" "$(cat "$dump")" "$("$VNITRO" dump)"
check "ping -6 i-a -> the internet after apply" ip netns exec i-a ping -6 -c 2 -W 2 -q "$NET6"
rm -f "$dump" /tmp/igw6.tx /tmp/igw6.rx

"$VNITRO" eni unassign "$eni_a" ipv6 "$A6" >/dev/null
"$VNITRO" subnet set subnet-default ipv6-cidr none >/dev/null
check_err "the VPC's block cannot go while IPv6 routes remain" "has IPv6 routes; delete them first" \
	"$VNITRO" vpc set vpc-default ipv6-cidr none
check "route del ::/0" "$VNITRO" route del ::/0 subnet subnet-default
check "the VPC's block goes" "$VNITRO" vpc set vpc-default ipv6-cidr none
check_eq "and with it the IPv6 local route" "172.31.0.0/16 0.0.0.0/0" "$(routes6)"

summary

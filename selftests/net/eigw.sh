#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# eigw.sh - the egress-only internet gateway: IPv6 out to the internet and the replies back
# (ping -6, TCP), nothing the internet starts gets in even where the instance's groups would
# let it, ICMPv6 "packet too big" at its 1500 bytes, IPv4 refused, the refusals, tenants,
# dump/apply and teardown. The VPC has an internet gateway too, for IPv4 (one of each per VPC).
#
#   internet (namespace): eigw0 2001:db8:100::10/64, route to 2600:1f18:ab:1200::/56 on eigw0
#        |                igw0 (IPv4 through the internet gateway)
#   eigw-1 ---- VPC router ---- subnet-default 2600:1f18:ab:1200::/64 ---- i-a eth0 ::a (MTU 9001)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

VPC6=2600:1f18:ab:1200::/56
A6=2600:1f18:ab:1200::a
NET6=2001:db8:100::10
fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
no_ping6() { ! ip netns exec "$1" ping -6 -c 1 -W 1 -q "$2" >/dev/null 2>&1; }
# tcp6_to INSTANCE ADDR PORT: a TCP connection to ADDR:PORT opens (a listener waits there).
tcp6_to() { ip netns exec "$1" timeout 3 bash -c "echo x > /dev/tcp/$2/$3" 2>/dev/null; }
no_tcp6_to() { ! tcp6_to "$@"; }
listen() { ip netns exec "$1" sh -c "timeout 10 busybox nc -l -p $2 >/dev/null" & wait_listen "$1" "$2"; }
snapshot() {
	{
		"$VNITRO" -j route show
		"$VNITRO" -j igw show
		"$VNITRO" -j eigw show
		ip -n internet -o link show | cut -d: -f2
	} 2>&1
}

dual_stack_a "$A6"
ip -n i-a route add default via 172.31.0.1
internet_gateway

check "eigw add eigw-1 vpc vpc-default netns internet" \
	"$VNITRO" eigw add eigw-1 vpc vpc-default netns internet
check_eq "eigw show: its netdev in the internet namespace" "eigw-1 vpc-default internet eigw0" \
	"$("$VNITRO" -j eigw show | jq -r '.[] | "\(.id) \(.vpc) \(.netns) \(.ifname)"')"
check_eq "igw show lists the internet gateway alone" "igw-1" \
	"$("$VNITRO" -j igw show | jq -r '[.[].id] | join(" ")')"
check_match "ethtool -i eigw0: the egress-only gateway's driver" 'driver: vnitro-eigw' \
	"$(ip netns exec internet ethtool -i eigw0)"
ip -n internet link set eigw0 up
ip -n internet addr add "$NET6/64" dev eigw0 nodad
ip -n internet -6 route add "$VPC6" dev eigw0
check "route add ::/0 subnet subnet-default via eigw-1" \
	"$VNITRO" route add ::/0 subnet subnet-default via eigw-1
check_eq "route show names it" "eigw-1" \
	"$("$VNITRO" -j route show | jq -r '.[] | select(.destination == "::/0") | .target')"

# The instance's group lets anything in from ::/0: only the gateway keeps the internet out.
sg_d=$(eni_field "$eni_a" 'security_groups[0]')
"$VNITRO" sg rule add "$sg_d" ingress proto all cidr ::/0 >/dev/null
check "ping -6 i-a -> the internet, and the replies back" \
	ip netns exec i-a ping -6 -c 3 -W 2 -q "$NET6"
check_match "a 1600-byte ping -6 gets \"packet too big\", MTU 1500" '[Pp]acket too big.*1500' \
	"$(ip netns exec i-a ping -6 -c 1 -W 2 -M do -s 1600 "$NET6" 2>&1)"
eo=$(fabric drop_egress_only)
txd() { ip -n internet -j -s link show eigw0 | jq '.[0].stats64.tx.dropped'; }
td=$(txd)
check "the internet -> i-a: no ping, though i-a's group allows it" no_ping6 internet "$A6"
check "  ... dropped at the gateway, counted as drop_egress_only" \
	test "$(fabric drop_egress_only)" -gt "$eo"
check "  ... and in eigw0's TX dropped (ip -s link)" test "$(txd)" -gt "$td"
check_eq "  ... and in eigw show: the flow out is tracked, the ping in dropped" "true" \
	"$("$VNITRO" -j eigw show eigw-1 | jq '.[0] | .conntrack_tracked >= 1 and .inbound_dropped >= 1 and .conntrack_max == 65536')"
listen internet 7000
check "TCP i-a -> the internet opens" tcp6_to i-a "$NET6" 7000
wait
listen i-a 7001
check "TCP the internet -> i-a does not" no_tcp6_to internet "$A6" 7001
kill %% 2>/dev/null; wait
check "TCP i-a -> the internet over IPv6, 1 MiB intact" tcp_send 20 i-a internet "$NET6"
check "IPv4 still leaves through the internet gateway" ip netns exec i-a ping -c 1 -W 2 -q "$INET_ADDR"

## refusals

refuse "IPv4 via the egress-only gateway" 'carries IPv6 alone' \
	"$VNITRO" route add 198.51.100.0/24 subnet subnet-default via eigw-1
refuse "a second egress-only gateway in the VPC" 'already has egress-only internet gateway eigw-1' \
	"$VNITRO" eigw add eigw-2 vpc vpc-default netns internet
refuse "frag-needed on an egress-only gateway" '' \
	"$VNITRO" igw set eigw-1 frag-needed off
refuse "eigw del while a route targets it" 'delete that route first' \
	"$VNITRO" eigw del eigw-1
refuse "a bad id" '' "$VNITRO" eigw add igw-9 vpc vpc-default
refuse "a plain user cannot add a route to it" 'Operation not permitted' \
	plain "$VNITRO" route add 2001:db8::/32 subnet subnet-default via eigw-1
refuse "a plain user cannot delete it" 'Operation not permitted' plain "$VNITRO" eigw del eigw-1
refuse "nor can an instance, from inside" '' \
	ip netns exec i-a "$VNITRO" route add 2001:db8::/32 subnet subnet-default via eigw-1
refuse "a plain user cannot route ::/0 to the internet gateway either" 'Operation not permitted' \
	plain "$VNITRO" route add 2001:db8::/32 subnet subnet-default via igw-1

## dump and apply, teardown

dump=$(mktemp)
"$VNITRO" dump >"$dump"
check_eq "the dump lists it" "eigw-1" "$(jq -r '.egress_only_internet_gateways[].id' "$dump")"
out=$("$VNITRO" apply "$dump")
check_eq "apply the dump: no change" "0|" "$?|$out"
"$VNITRO" route del ::/0 subnet subnet-default >/dev/null
"$VNITRO" eigw del eigw-1 >/dev/null
check "without the gateway, the internet is not reached" no_ping6 i-a "$NET6"
"$VNITRO" apply "$dump" >/dev/null
check_eq "apply after drift: the world is the dump again" "$(cat "$dump")" "$("$VNITRO" dump)"
ip -n internet link set eigw0 up
ip -n internet addr add "$NET6/64" dev eigw0 nodad
ip -n internet -6 route add "$VPC6" dev eigw0
check "ping -6 i-a -> the internet after apply" ip netns exec i-a ping -6 -c 2 -W 2 -q "$NET6"
rm -f "$dump"
check "route del ::/0" "$VNITRO" route del ::/0 subnet subnet-default
check "eigw del eigw-1" "$VNITRO" eigw del eigw-1
check "its netdev is gone" sh -c "! ip -n internet link show eigw0 2>/dev/null"

summary

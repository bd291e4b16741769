#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# igw.sh - the internet gateway's netdev: igw0 in the "internet" namespace, both directions, teardown under traffic.
#
#   +------ i-a ------+                                  +--- netns "internet" ---------+
#   | eth0 $ip_a      |                                  | igw0 198.51.100.10/24        |
#   | default via .1  |                                  | mtu 1500, driver vnitro-igw  |
#   +--------+--------+                                  | 172.31.0.0/16 dev igw0       |
#            |                                           +--------------+---------------+
#   =========+==== subnet-default ==== VPC router ==== igw-1 ===========+
#                  route 0.0.0.0/0 -> igw-1    (answers ARP for 172.31.0.0/16 on igw0)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

NET=198.51.100.10		# an address "on the internet" (TEST-NET-2)

# internet_up: the internet side of igw0, as a user configures it.
internet_up() {
	ip -n internet addr add "$NET/24" dev igw0 &&
	ip -n internet link set igw0 up &&
	ip -n internet route add 172.31.0.0/16 dev igw0
}

two_instances
ip -n i-a route add default via 172.31.0.1
ip netns add internet

check "igw add into the internet namespace" "$VNITRO" igw add igw-1 vpc vpc-default netns internet
check_eq "igw show names its netdev" "igw-1 vpc-default internet igw0" \
	"$("$VNITRO" -j igw show igw-1 | jq -r '.[0] | "\(.id) \(.vpc) \(.netns) \(.ifname)"')"
check_match "text output shows the device" '^igw-1: vpc vpc-default netns internet dev igw0 mac ' \
	"$("$VNITRO" igw show igw-1)"
link=$(ip -n internet -j -d link show igw0)
check_eq "igw0 has the 1500-byte edge MTU" 1500 "$(jq '.[0].mtu' <<<"$link")"
check_eq "igw0 carries the gateway's MAC" "$("$VNITRO" -j igw show igw-1 | jq -r '.[0].mac')" \
	"$(jq -r '.[0].address' <<<"$link")"
check_match "ethtool -i: driver vnitro-igw, the gateway as bus-info" \
	'driver: vnitro-igw.*bus-info: igw-1' "$(ip netns exec internet ethtool -i igw0 | tr '\n' ' ')"
check "igw0 is not in the init namespace" sh -c '! ip link show igw0 2>/dev/null'
check_err "igw0 stays in its namespace" . ip -n internet link set igw0 netns 1
check_err "no MTU above 1500" . ip -n internet link set igw0 mtu 1501
check_err "ip link del cannot remove it" . ip -n internet link del igw0
check_err "a namespace that does not exist" 'cannot open network namespace "nowhere"' \
	"$VNITRO" igw add igw-2 vpc vpc-default netns nowhere
internet_up

check_match "without a route the VPC does not reach the internet" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 1 -W 1 -q "$NET" 2>&1)"
check "route 0.0.0.0/0 via igw-1" "$VNITRO" route add 0.0.0.0/0 subnet subnet-default via igw-1
out=$(ip netns exec i-a ping -c 2 -W 2 "$NET" 2>&1)
check_match "i-a reaches the internet" " 0% packet loss" "$out"
check_match "one router on the way (TTL 64 - 1)" "ttl=63" "$out"
check_match "the default group lets nothing in from the internet" " 100% packet loss" \
	"$(ip netns exec internet ping -c 1 -W 1 -q "$ip_a" 2>&1)"
dg=$("$VNITRO" -j sg show | jq -r '.[] | select(.vpc == "vpc-default" and .name == "default") | .id')
check "inbound rules for ICMP and TCP from the internet host" sh -c \
	"'$VNITRO' sg rule add $dg ingress proto icmp cidr $NET/32 &&
	 '$VNITRO' sg rule add $dg ingress proto tcp port 0-65535 cidr $NET/32"
check_match "the internet reaches i-a" " 0% packet loss" \
	"$(ip netns exec internet ping -c 2 -W 2 "$ip_a" 2>&1)"
vmac=$(ip -n internet -j neigh show "$ip_a" dev igw0 | jq -r '.[0].lladdr')
check_match "the VPC router answers ARP for the VPC's addresses on igw0" '^02:56:4e:8' "$vmac"
check_match "an address of the VPC no ENI owns is not reachable" " 100% packet loss" \
	"$(ip netns exec internet ping -c 1 -W 1 -q 172.31.0.250 2>&1)"
check "TCP from i-a to the internet, 1 MiB intact" tcp_copy i-a internet "$NET"
check "TCP from the internet to i-a, 1 MiB intact" tcp_copy internet i-a "$ip_a"
check_match "i-b has no default route: no answer from it to the internet" " 100% packet loss" \
	"$(ip netns exec internet ping -c 1 -W 1 -q "$ip_b" 2>&1)"

# A second VPC's gateway into the same namespace: the next name, and the VPC it pins.
check "vpc-x and its gateway in the same namespace" sh -c \
	"'$VNITRO' vpc add vpc-x cidr 10.9.0.0/16 >/dev/null && '$VNITRO' igw add igw-x vpc vpc-x netns internet >/dev/null"
check_eq "the second one is igw1" igw1 "$("$VNITRO" -j igw show igw-x | jq -r '.[0].ifname')"
check_err "a VPC with a gateway cannot be deleted" 'still has internet gateway igw-x' \
	"$VNITRO" vpc del vpc-x
check "igw del, vpc del" sh -c "'$VNITRO' igw del igw-x && '$VNITRO' vpc del vpc-x"
check "igw1 is gone" sh -c '! ip -n internet link show igw1 2>/dev/null'
check "a gateway without netns goes into the initial namespace" sh -c \
	"'$VNITRO' vpc add vpc-y cidr 10.8.0.0/16 >/dev/null && '$VNITRO' igw add igw-y vpc vpc-y >/dev/null &&
	 ip link show igw0 >/dev/null"
check "and goes with it" sh -c "'$VNITRO' igw del igw-y && '$VNITRO' vpc del vpc-y && ! ip link show igw0 2>/dev/null"

# Teardown under traffic: floods both ways while the gateway goes.
flood() {
	ip netns exec internet ping -f -q -w 6 "$ip_a" >/dev/null 2>&1 &
	ip netns exec i-a ping -f -q -w 6 "$NET" >/dev/null 2>&1 &
	sleep 1
}
flood
check_err "a gateway a route targets stays" 'delete that route first' "$VNITRO" igw del igw-1
check "route del, igw del under traffic" sh -c \
	"'$VNITRO' route del 0.0.0.0/0 subnet subnet-default && '$VNITRO' igw del igw-1"
check "igw0 is gone" sh -c '! ip -n internet link show igw0 2>/dev/null'
check_eq "no gateway listed" 0 "$("$VNITRO" -j igw show | jq length)"
wait

# The namespace deleted under the gateway: the gateway keeps it alive until it goes.
check "igw add again" sh -c "'$VNITRO' igw add igw-1 vpc vpc-default netns internet >/dev/null &&
	'$VNITRO' route add 0.0.0.0/0 subnet subnet-default via igw-1"
internet_up
check "traffic again" ip netns exec i-a ping -c 1 -W 2 -q "$NET"
# A veth pair across: its init-namespace end goes when the internet namespace is dismantled.
ip link add probe0 type veth peer name probe1 netns internet
ip netns exec internet ping -f -q -w 3 "$ip_a" >/dev/null 2>&1 &
check "ip netns del internet under traffic" ip netns del internet
check_eq "the gateway is still there" igw-1 "$("$VNITRO" -j igw show | jq -r '.[0].id')"
wait
sleep 1
check "the gateway keeps the namespace alive" ip link show probe0
check "route del, igw del" sh -c \
	"'$VNITRO' route del 0.0.0.0/0 subnet subnet-default && '$VNITRO' igw del igw-1"
# The namespace's cleanup runs in a workqueue: wait for it (10 s at most).
for ((i = 0; i < 100; i++)); do
	ip link show probe0 >/dev/null 2>&1 || break
	sleep 0.1
done
check "the namespace is dismantled once the gateway lets go" sh -c '! ip link show probe0 2>/dev/null'

# rmmod with a gateway carrying traffic.
ip netns add internet
check "igw add, route add" sh -c "'$VNITRO' igw add igw-1 vpc vpc-default netns internet >/dev/null &&
	'$VNITRO' route add 0.0.0.0/0 subnet subnet-default via igw-1"
internet_up
flood
check "rmmod under traffic" rmmod vnitro
check "igw0 went with the module" sh -c '! ip -n internet link show igw0 2>/dev/null'
wait
summary

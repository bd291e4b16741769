#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# placement.sh - placement groups through "vnitro placement-group": EC2's rules, where
# instances sit (network nodes), the latency that follows from it (a cluster group's
# instances one network node apart, another zone farther), and a cluster group's
# single-flow limit of 10 Gbps instead of 5.
#
#   us-east-1a                                              us-east-1b
#   +-- block/rack of cluster group "hpc" --+   +-- elsewhere --+   +---------+
#   |  c1 (eth0)          c2 (eth0)         |   |  o1 (eth0)    |   |  z1     |
#   +---------------------------------------+   +---------------+   +---------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
pg() { "$VNITRO" -j placement-group show "$1" | jq -r ".[0].$2"; }
inst() { "$VNITRO" -j instance show "$1" | jq -r ".[0].$2"; }
# min_rtt FROM ADDR: the smallest of 5 pings' round trips, in whole milliseconds.
min_rtt() {
	ip netns exec "$1" ping -n -c 5 -i 0.2 "$2" |
		awk '/^rtt/ {split($0, a, "= "); split(a[2], b, "/"); print int(b[1])}'
}

# ---- groups: EC2's strategies, ids and refusals ----
check_err "a plain user cannot create a placement group" "Operation not permitted" \
	plain "$VNITRO" placement-group create nope strategy cluster
check_err "nor list them" "Operation not permitted" plain "$VNITRO" placement-group show
check "a cluster group" "$VNITRO" placement-group create hpc strategy cluster
check "a spread group" "$VNITRO" placement-group create spread strategy spread
check "a partition group of 3" "$VNITRO" placement-group create hdfs strategy partition partition-count 3
check_match "ids are pg- and 17 hex digits" "^pg-[0-9a-f]{17}$" "$(pg hpc id)"
check_eq "a spread group's level is rack, as EC2 shows it" "rack" "$(pg spread spread_level)"
check_eq "partition count" "3" "$(pg hdfs partition_count)"
check_err "a duplicate name: EC2's code" "InvalidPlacementGroup.Duplicate" \
	"$VNITRO" placement-group create hpc strategy spread
check_err "eight partitions: out of range" "1 to 7" \
	"$VNITRO" placement-group create big strategy partition partition-count 8
check_err "spread level host is for Outposts" "Outposts" \
	"$VNITRO" placement-group create h strategy spread spread-level host
check_err "an unknown group: EC2's code" "InvalidPlacementGroup.Unknown" \
	"$VNITRO" placement-group delete nope
check_eq "nothing was half-made" "hdfs hpc spread" \
	"$("$VNITRO" -j placement-group show | jq -r '[.[].name] | sort | join(" ")')"

# ---- instances in them ----
check "subnet-b in us-east-1b" "$VNITRO" subnet add subnet-b vpc vpc-default \
	cidr 172.31.16.0/20 az us-east-1b
for i in c1 c2; do
	check "$i into cluster group hpc" "$VNITRO" instance add "$i" subnet subnet-default \
		placement-group hpc
done
check "o1 outside any group" "$VNITRO" instance add o1 subnet subnet-default
check "z1 in us-east-1b" "$VNITRO" instance add z1 subnet subnet-b
check_eq "c1 shows its group" "hpc" "$(inst c1 placement_group)"
check_eq "the cluster group took c1's zone" "us-east-1a" "$(pg hpc az)"
check_eq "c1 and c2 share every network node" "$(inst c1 'network_nodes | join(" ")')" \
	"$(inst c2 'network_nodes | join(" ")')"
check "o1 has a rack of its own" test "$(inst o1 'network_nodes[2]')" != "$(inst c1 'network_nodes[2]')"
check_eq "o1 shares the zone's node" "$(inst c1 'network_nodes[0]')" "$(inst o1 'network_nodes[0]')"
check "z1, another zone, does not" test "$(inst z1 'network_nodes[0]')" != "$(inst c1 'network_nodes[0]')"
check_err "a cluster group keeps to its zone" "is in use in another availability zone: us-east-1a" \
	"$VNITRO" instance add c3 subnet subnet-b placement-group hpc
check_err "no burstable type in a cluster group" "may not be used with instances of type 't3.micro'" \
	"$VNITRO" instance add c3 subnet subnet-default type t3.micro placement-group hpc
check_err "a partition number only in a partition group" "InvalidParameterCombination" \
	"$VNITRO" instance add c3 subnet subnet-default placement-group hpc partition 1
check_err "a group in use cannot be deleted" "InvalidPlacementGroup.InUse" \
	"$VNITRO" placement-group delete hpc
check_err "c3 was never made" "c3" "$VNITRO" instance show c3
check_eq "hpc has two instances" "2" "$(pg hpc instances)"
check "p1 into hdfs, partition 3" "$VNITRO" instance add p1 subnet subnet-default \
	placement-group hdfs partition 3
check_eq "p1 in partition 3" "3" "$(inst p1 partition)"
check "p2 into hdfs: vnitro picks" "$VNITRO" instance add p2 subnet subnet-default placement-group hdfs
check_eq "p2 in the emptiest partition, the first" "1" "$(inst p2 partition)"
check_err "partition 4 of 3" "out of range" \
	"$VNITRO" instance add p3 subnet subnet-default placement-group hdfs partition 4
check_err "root inside an instance does not even see the control plane" 'family "vnitro" not found' \
	ip netns exec c1 "$VNITRO" placement-group show

# ---- latency follows placement ----
for i in c1 c2 o1 z1; do bring_up "$i" "$(primary_eni "$i")"; done
ip_c2=$(eni_field "$(primary_eni c2)" private_ip)
ip_o1=$(eni_field "$(primary_eni o1)" private_ip)
ip_z1=$(eni_field "$(primary_eni z1)" private_ip)
# Between zones through the subnets' routers.
ip -n c1 route add default via 172.31.0.1
ip -n z1 route add default via 172.31.16.1
check "2 ms a network node, 10 ms between zones" "$VNITRO" path set node-delay-us 2000 az-delay-us 10000
check_eq "shown in JSON" "2000 10000" "$("$VNITRO" -j path show | jq -r '"\(.node_delay_us) \(.az_delay_us)"')"
check_err "world-only: not per path" "node-delay-us is the world's" "$VNITRO" path set path 1 node-delay-us 5
near=$(min_rtt c1 "$ip_c2")
mid=$(min_rtt c1 "$ip_o1")
far=$(min_rtt c1 "$ip_z1")
check "within the cluster group: one node each way, 4 ms ($near ms)" test "$near" -ge 4 -a "$near" -lt 12
check "outside it, same zone: 3 or 5 nodes each way, 12 or 20 ms ($mid ms)" \
	test "$mid" -ge 12 -a "$mid" -lt 30
check "another zone: 6 nodes and the zones' 10 ms each way, 44 ms ($far ms)" \
	test "$far" -ge 44 -a "$far" -lt 60
check "the fabric counted delayed frames" test "$(fabric path_delayed)" -gt 0
check "back to none" "$VNITRO" path set node-delay-us 0 az-delay-us 0
fast=$(min_rtt c1 "$ip_z1")
check "no placement delay: at once ($fast ms)" test "$fast" -lt 10

# ---- one flow: 10 Gbps within the cluster group, 5 outside (1/1000 here) ----
received() { link_stat "$1" rx bytes; }
# rate FROM TO ADDR: bytes TO received of one 20 Mbit/s UDP flow from FROM over 1.5 s.
rate() {
	local rx took
	rx=$(received "$2")
	took=$(udp_paced "$1" "$3" 20 1.5)
	echo "$(($(received "$2") - rx)) $took"
}
for i in c2 o1; do ip netns exec "$i" busybox nc -u -l -p 9000 >/dev/null 2>&1 & done
check "rate scale 1/1000" "$VNITRO" world set rate-scale 1/1000
read -r in_group took_g <<<"$(rate c1 c2 "$ip_c2")"
read -r outside took_o <<<"$(rate c1 o1 "$ip_o1")"
limit_g=$(awk -v t="$took_g" 'BEGIN {printf "%d", 10e6 * t / 8 * 1.02 + 131072 + 3000}')
limit_o=$(awk -v t="$took_o" 'BEGIN {printf "%d", 5e6 * t / 8 * 1.02 + 131072 + 3000}')
check "outside: one flow carries at most 5 Mbit/s ($outside bytes in ${took_o}s, allows $limit_o)" \
	test "$outside" -le "$limit_o"
check "within: at most 10 Mbit/s ($in_group bytes in ${took_g}s, allows $limit_g)" \
	test "$in_group" -le "$limit_g"
check "... and more than 5 ($in_group > $limit_o bytes)" test "$in_group" -gt "$limit_o"
check "rate scale back to 1/1" "$VNITRO" world set rate-scale 1/1

# ---- leaving ----
for i in c1 c2 o1 z1 p1 p2; do "$VNITRO" instance del "$i" >/dev/null; done
check "an empty group can be deleted" "$VNITRO" placement-group delete hpc
check_eq "the others remain" "hdfs spread" \
	"$("$VNITRO" -j placement-group show | jq -r '[.[].name] | sort | join(" ")')"
summary

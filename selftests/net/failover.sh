#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# failover.sh - a secondary ENI carrying a service IP moves from instance A to B; the client keeps reaching it.
#
#   +--- i-c (client) ---+     +--- i-a --------------------+     +--- i-b --------------------+
#   | eth0 $ip_c         |     | eth0 $ip_a                 |     | eth0 $ip_b                 |
#   +---------+----------+     | eth1 = eni-5e41ce (before) |     | eth1 = eni-5e41ce (after)  |
#             |                |   172.31.0.100, table 100  |     |   172.31.0.100, table 100  |
#             |                +-------------+--------------+     +-------------+--------------+
#   ==========+============ subnet-default ==+==================================+=============
#   The ENI keeps its MAC and address when it moves, so the client's ARP entry stays right.
#   A second ENI in the same subnet needs source-based policy routing (as ec2-net-utils sets
#   up), or replies from 172.31.0.100 leave through eth0 and its source/dest check drops them.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

SVC_ENI=eni-5e41ce00000000001
SVC_IP=172.31.0.100

# serve INSTANCE: on ethN with the service address, source routing, and a TCP service naming the instance.
serve() {
	local inst=$1
	source_routed "$inst" "$SVC_ENI" "$SVC_IP" || return
	ip netns exec "$inst" timeout 120 busybox nc -ll -p 80 -e echo "served by $inst" >/dev/null 2>&1 &
	wait_listen "$inst" 80
}
who() { ip netns exec i-c timeout 5 busybox nc "$SVC_IP" 80 2>/dev/null; }
replies() { grep -c 'bytes from' /tmp/failover.ping; }

two_instances
"$VNITRO" instance add i-c subnet subnet-default >/dev/null
bring_up i-c "$(primary_eni i-c)"

check "a secondary ENI with the service address" \
	"$VNITRO" eni add "$SVC_ENI" subnet subnet-default ip "$SVC_IP"
mac=$(eni_field "$SVC_ENI" mac)
check "attached to i-a at device index 1" "$VNITRO" eni attach "$SVC_ENI" instance i-a index 1
check_eq "it is i-a's eth1" "in-use i-a 1 eth1" \
	"$(eni_field "$SVC_ENI" '"\(.status) \(.instance) \(.device_index) \(.ifname)"')"
serve i-a
check_eq "the client reaches the service on i-a" "served by i-a" "$(who)"
check_eq "the client's ARP entry is the ENI's MAC" "$mac" \
	"$(ip -n i-c -j neigh show "$SVC_IP" | jq -r '.[0].lladdr')"

# The client keeps pinging through the move.
ip netns exec i-c ping -i 0.2 -w 60 -W 1 "$SVC_IP" >/tmp/failover.ping 2>&1 &
ping_pid=$!
sleep 2
check "detach from i-a under traffic" "$VNITRO" eni detach "$SVC_ENI"
check_eq "the ENI is available, MAC and address kept" "available $mac $SVC_IP" \
	"$(eni_field "$SVC_ENI" '"\(.status) \(.mac) \(.private_ip)"')"
check "i-a has no eth1 any more" sh -c '! ip -n i-a link show eth1 2>/dev/null'
sleep 1
before=$(replies)
check "attach to i-b at device index 1" "$VNITRO" eni attach "$SVC_ENI" instance i-b index 1
check_eq "i-b's eth1 has the same MAC" "$mac" "$(ip -n i-b -j link show eth1 | jq -r '.[0].address')"
serve i-b
for ((i = 0; i < 50; i++)); do
	(($(replies) > before + 2)) && break
	sleep 0.2
done
check "the client's ping is answered again, by i-b ($before replies before, $(replies) now)" \
	test "$(replies)" -gt "$((before + 2))"
check_eq "the client reaches the service on i-b" "served by i-b" "$(who)"
check_eq "the client's ARP entry did not have to change" "$mac" \
	"$(ip -n i-c -j neigh show "$SVC_IP" | jq -r '.[0].lladdr')"
kill "$ping_pid" 2>/dev/null
check_err "i-b's primary ENI cannot be moved instead" 'primary' \
	"$VNITRO" eni detach "$(primary_eni i-b)"
summary

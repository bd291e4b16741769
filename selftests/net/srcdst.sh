#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# srcdst.sh - EC2's source/destination check, on by default: no foreign source out, no foreign destination in.
#
#   +------ i-a ------+            +------ i-b ------+
#   | eth0 $ip_a      |            | eth0 $ip_b      |
#   |      + .200/32  |            |      + .201/32  |
#   +--------+--------+            +--------+--------+
#            |                              |
#   =========+==== fabric: subnet-default ==+=========
#   Static neighbours make both ends reachable without the fabric's ARP,
#   so only the check can stop the packets.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

two_instances
# No IPv6 chatter: the kernel's router solicitations and MLD reports from a
# link-local source are foreign to the ENI too and would add to the TX drops.
for inst in i-a i-b; do
	ip netns exec "$inst" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
mac_a=$(ip -n i-a -j link show eth0 | jq -r '.[0].address')
mac_b=$(ip -n i-b -j link show eth0 | jq -r '.[0].address')
ip -n i-a addr add 172.31.0.200/32 dev eth0
ip -n i-b addr add 172.31.0.201/32 dev eth0
ip -n i-b neigh replace 172.31.0.200 lladdr "$mac_a" dev eth0 nud permanent
ip -n i-a neigh replace 172.31.0.201 lladdr "$mac_b" dev eth0 nud permanent

tx_dropped() { ip -n "$1" -j -s link show eth0 | jq -r '.[0].stats64.tx.dropped'; }
rx_packets() { ip -n "$1" -j -s link show eth0 | jq -r '.[0].stats64.rx.packets'; }

check "from and to the ENIs' own addresses: delivered" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"

before=$(tx_dropped i-a)
check_match "a foreign source address is not sent" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 2 -W 1 -q -I 172.31.0.200 "$ip_b" 2>&1)"
check_eq "i-a's eth0 counts both as TX drops" "$((before + 2))" "$(tx_dropped i-a)"

before=$(tx_dropped i-a)
rx_before=$(rx_packets i-b)
check_match "a foreign destination address is not delivered" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 2 -W 1 -q 172.31.0.201 2>&1)"
check_eq "i-a's eth0 counts both as TX drops" "$((before + 2))" "$(tx_dropped i-a)"
check_eq "nothing reached i-b" "$rx_before" "$(rx_packets i-b)"

summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ping.sh - two instances created with the CLI reach each other and i-host across the fabric.
#
#   +--- i-host (init ns) ---+   +------ i-a ------+   +------ i-b ------+
#   |  eth0  172.31.0.4      |   |  eth0  .0.5     |   |  eth0  .0.6     |
#   +-----------+------------+   +--------+--------+   +--------+--------+
#               |                         |                     |
#   ============+===== fabric: subnet-default 172.31.0.0/20 ====+=========
#                 (switches by MAC, answers ARP for ENIs and for .1)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

check "instance add i-a" "$VNITRO" instance add i-a subnet subnet-default
out=$("$VNITRO" -j instance add i-b subnet subnet-default)
check_eq "instance add -j prints the instance" 'i-b subnet-default 1' \
	"$(jq -r '"\(.name) \(.subnet) \(.eni_count)"' <<<"$out")"
check "the instance is a named network namespace" test -e /run/netns/i-b

eni_host=$(primary_eni i-host)
eni_a=$(primary_eni i-a)
eni_b=$(primary_eni i-b)
ip_host=$(eni_field "$eni_host" private_ip)
ip_a=$(eni_field "$eni_a" private_ip)
ip_b=$(eni_field "$eni_b" private_ip)
check_eq "addresses allocated in order" "172.31.0.4 172.31.0.5 172.31.0.6" "$ip_host $ip_a $ip_b"
check_eq "i-a's primary ENI is eth0 inside i-a" 'eth0' "$(eni_field "$eni_a" ifname)"
check "eth0 exists inside i-a" ip -n i-a link show eth0
check_eq "i-a's eth0 has the ENI's MAC" "$(eni_field "$eni_a" mac)" \
	"$(ip -n i-a -j link show eth0 | jq -r '.[0].address')"
check_eq "ethtool -i inside the instance says ena" 'driver: ena' \
	"$(ip netns exec i-a ethtool -i eth0 | head -1)"

for pair in "i-host $eni_host" "i-a $eni_a" "i-b $eni_b"; do
	set -- $pair
	check "configure $1 from the JSON output" bring_up "$1" "$2"
done

check "ping i-a -> i-b" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
check "ping i-b -> i-a" ip netns exec i-b ping -c 2 -W 2 -q "$ip_a"
check "ping i-host -> i-a" ping -c 2 -W 2 -q "$ip_a"
check "ping i-b -> i-host" ip netns exec i-b ping -c 2 -W 2 -q "$ip_host"
check "TCP across the fabric (1 MiB, byte for byte)" tcp_copy i-a i-b "$ip_b"
check_match "link is up as on EC2 (carrier, operstate UP)" 'state UP' "$(ip -n i-a link show eth0)"

check "MTU 9001, the VPC's jumbo size, on both ends" sh -c \
	"ip -n i-a link set eth0 mtu 9001 && ip -n i-b link set eth0 mtu 9001"
check "a 9001-byte unfragmented ping crosses" ip netns exec i-a ping -c 2 -W 2 -q -M do -s 8973 "$ip_b"
check "ENA's largest MTU, 9216, is accepted" ip -n i-a link set eth0 mtu 9216
check_err "9217 is beyond ENA's range" 'mtu greater than device maximum|Invalid argument' \
	ip -n i-a link set eth0 mtu 9217
check_err "127 is below ENA's minimum" 'mtu less than device minimum|Invalid argument' \
	ip -n i-a link set eth0 mtu 127
dropped=$(ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.dropped')
ip netns exec i-a ping -c 1 -W 1 -q -M do -s 9100 "$ip_b" >/dev/null 2>&1
check "a frame beyond the receiver's MTU is dropped and counted there" test \
	"$(ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.dropped')" -gt "$dropped"
ip -n i-a link set eth0 mtu 1500
ip -n i-b link set eth0 mtu 1500

# The fabric answers ARP for the subnet router; the router itself comes later.
ip netns exec i-a ping -c 1 -W 1 -q 172.31.0.1 >/dev/null 2>&1
check_match "ARP for .1 resolves to the VPC router's MAC" '02:56:4e:00:00:01' \
	"$(ip -n i-a neigh show 172.31.0.1)"
check "nobody answers for an unassigned address" sh -c \
	"! ip netns exec i-a ping -c 1 -W 1 -q 172.31.0.99"
check_match "unanswered ARP leaves the neighbour unresolved" 'FAILED|INCOMPLETE' \
	"$(ip -n i-a neigh show 172.31.0.99)"

tx=$(ip -n i-a -j -s link show eth0 | jq '.[0].stats64.tx.packets')
rx=$(ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.packets')
check "traffic is counted on both ends" test "$tx" -gt 0 -a "$rx" -gt 0
drops=$(ip -n i-a -j -s link show eth0 | jq '.[0].stats64.tx.dropped')
check "frames the fabric refused are counted as tx drops" test "$drops" -gt 0

check "instance del i-b" "$VNITRO" instance del i-b
check "its namespace is gone" test ! -e /run/netns/i-b
check_err "its primary ENI was deleted with it" 'does not exist' "$VNITRO" eni show "$eni_b"
check "ping to the deleted instance fails" sh -c "! ip netns exec i-a ping -c 1 -W 1 -q $ip_b"

# Unload with an instance still up and traffic just passed.
check "rmmod with instances and traffic" rmmod vnitro
check "i-a's eth0 went with the module" sh -c '! ip -n i-a link show eth0 2>/dev/null'
summary

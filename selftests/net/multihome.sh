#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# multihome.sh - an instance with ENIs in two subnets: replies leave by the right ENI only with source routing.
#
#   subnet-default 172.31.0.0/20                     subnet-b 172.31.16.0/20
#   +--- i-a ------+     +--- i-m ------------------------------+     +--- i-x ------+
#   | eth0 $ip_a   |     | eth0 $ip_m0  default via 172.31.0.1  |     | eth0 $ip_x   |
#   +------+-------+     | eth1 $ip_m1  (secondary ENI, index 1) |     +------+-------+
#          |             |   rule from $ip_m1 -> table 101       |            |
#          |             +------+-----------------------+--------+            |
#   =======+====================+===== VPC router ======+=====================+======
#   i-a -> $ip_m1 crosses the router and arrives on eth1; the reply to i-a
#   would leave by eth0 (i-a's subnet is eth0's) with eth1's address, which
#   eth0's source/dest check drops, unless a rule sends it back out of eth1
#   (and likewise for eth0's address and i-x: a table per ENI).
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

"$VNITRO" subnet add subnet-b vpc vpc-default cidr 172.31.16.0/20 az us-east-1a >/dev/null
for inst in i-a:subnet-default i-m:subnet-default i-x:subnet-b; do
	"$VNITRO" instance add "${inst%%:*}" subnet "${inst#*:}" >/dev/null
	bring_up "${inst%%:*}" "$(primary_eni "${inst%%:*}")"
	ip netns exec "${inst%%:*}" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
ip -n i-a route add default via 172.31.0.1
ip -n i-m route add default via 172.31.0.1
ip -n i-x route add default via 172.31.16.1
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
ip_x=$(eni_field "$(primary_eni i-x)" private_ip)
eni_m0=$(primary_eni i-m)

check "a second ENI in subnet-b" sh -c "'$VNITRO' -j eni add subnet subnet-b | jq -r '.id' >/tmp/eni_m1"
eni_m1=$(cat /tmp/eni_m1)
check "attached to i-m at device index 1" "$VNITRO" eni attach "$eni_m1" instance i-m index 1
ip netns exec i-m sysctl -qw net.ipv6.conf.eth1.disable_ipv6=1
bring_up i-m "$eni_m1"
ip_m1=$(eni_field "$eni_m1" private_ip)
check_eq "i-m has eth0 in subnet-default and eth1 in subnet-b" "eth0 subnet-default eth1 subnet-b" \
	"$(eni_field "$eni_m0" '"\(.ifname) \(.subnet)"') $(eni_field "$eni_m1" '"\(.ifname) \(.subnet)"')"

check "i-x reaches eth1 within subnet-b" ip netns exec i-x ping -c 2 -W 2 -q "$ip_m1"
check "i-a reaches eth0 within subnet-default" ip netns exec i-a ping -c 2 -W 2 -q "$(eni_field "$eni_m0" private_ip)"
drops() { eni_field "$eni_m0" tx_src_dst_dropped; }
before=$(drops)
check_match "without source routing, i-a gets no answer from eth1's address" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 2 -W 1 -q "$ip_m1" 2>&1)"
check_eq "the replies left by eth0 and its source check dropped them" "$((before + 2))" "$(drops)"

# What ec2-net-utils sets up: a table per ENI, chosen by source address.
ip_m0=$(eni_field "$eni_m0" private_ip)
check "policy routing: eth0's addresses use table 100, eth1's table 101" sh -c "
	ip -n i-m route add 172.31.0.0/20 dev eth0 src $ip_m0 table 100 &&
	ip -n i-m route add default via 172.31.0.1 dev eth0 table 100 &&
	ip -n i-m rule add from $ip_m0 table 100 &&
	ip -n i-m route add 172.31.16.0/20 dev eth1 src $ip_m1 table 101 &&
	ip -n i-m route add default via 172.31.16.1 dev eth1 table 101 &&
	ip -n i-m rule add from $ip_m1 table 101"
out=$(ip netns exec i-a ping -c 2 -W 2 "$ip_m1" 2>&1)
check_match "with it, i-a reaches eth1's address across the router" " 0% packet loss" "$out"
check_match "one router each way (TTL 64 - 1)" "ttl=63" "$out"
check "TCP from i-a to eth1's address" tcp_copy i-a i-m "$ip_m1"
check "TCP from i-x to eth0's address, across the router the other way" tcp_copy i-x i-m "$ip_m0"
summary

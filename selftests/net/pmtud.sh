#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pmtud.sh - jumbo frames inside the VPC, 1500 bytes at the internet gateway, path MTU discovery and its black hole.
#
#   +--- i-a -------+   +--- i-b -------+   +--- i-t (tso=1) -+      +--- netns "internet" -----+
#   | eth0 mtu 9001 |   | eth0 mtu 9001 |   | eth0 mtu 9001   |      | igw0 198.51.100.10/24    |
#   +-------+-------+   +-------+-------+   +--------+--------+      | mtu 1500; the VPC route  |
#           |                   |                    |               | says advmss 8961         |
#   ========+=== subnet-default +====================+== VPC router == igw-1 =====+==============+
#           9001-byte frames pass here         DF over 1500 toward igw-1: ICMP 3/4 mtu 1500
#                                              (frag-needed off: dropped silently)
#
# The internet host advertises a jumbo MSS (advmss 8961 on its route back),
# as a host on a jumbo network behind a 1500-byte hop would: otherwise its
# MSS of 1460 keeps TCP under the edge and PMTUD is never needed.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

tcp_stalls() { ! tcp_send "$@"; }

two_instances
internet_gateway
for inst in i-a i-b; do
	"$VNITRO" eni set "$(primary_eni "$inst")" mtu 9001 >/dev/null
	ip -n "$inst" route add default via 172.31.0.1
done
ip -n internet route replace 172.31.0.0/16 dev igw0 advmss 8961

check_eq "vnitro eni set mtu 9001 reaches eth0" 9001 "$(ip -n i-a -j link show eth0 | jq '.[0].mtu')"
check "ping -M do -s 8972 between two ENIs: 9000-byte packets in the VPC" \
	ip netns exec i-a ping -c 2 -W 2 -q -M do -s 8972 "$ip_b"
check_match "ping -M do -s 8974: over the ENI's own MTU, refused by its stack" "message too long" \
	"$(ip netns exec i-a ping -c 1 -W 1 -M do -s 8974 "$ip_b" 2>&1)"
check "ping -M do -s 1472 to the internet: 1500 bytes cross the gateway" \
	ip netns exec i-a ping -c 2 -W 2 -q -M do -s 1472 "$INET_ADDR"
out=$(ip netns exec i-a ping -c 2 -W 2 -M do -s 1473 "$INET_ADDR" 2>&1)
check_match "ping -M do -s 1473 to the internet: frag needed from the VPC router" \
	'From 172\.31\.0\.1 icmp_seq=1 Frag needed and DF set \(mtu = 1500\)' "$out"
check_match "i-a's kernel learnt the path MTU" 'mtu=1500' "$out"
check_match "the route cache holds it" 'mtu 1500' \
	"$(ip -n i-a route get "$INET_ADDR" 2>&1)"
ip -n i-a route flush cache
check_match "without DF, 1501 bytes are dropped: the VPC does not fragment" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 1 -W 1 -q -M dont -s 1473 "$INET_ADDR" 2>&1)"
ip -n i-a route flush cache

check "TCP, 1 MiB from the 9001-byte ENI to the internet with frag-needed on" \
	tcp_send 20 i-a internet "$INET_ADDR"
check_match "TCP learnt the path MTU from the ICMP" 'mtu 1500' \
	"$(ip -n i-a route get "$INET_ADDR" 2>&1)"
ip -n i-a route flush cache

check "vnitro igw set igw-1 frag-needed off" "$VNITRO" igw set igw-1 frag-needed off
check_match "ping -M do -s 1473: no ICMP any more" " 100% packet loss" \
	"$(ip netns exec i-a ping -c 1 -W 1 -M do -s 1473 "$INET_ADDR" 2>&1)"
check "the black hole: the same TCP transfer stalls (did not complete in 10 s)" \
	tcp_stalls 10 i-a internet "$INET_ADDR"
check_match "small packets still pass" " 0% packet loss" \
	"$(ip netns exec i-a ping -c 1 -W 2 -q "$INET_ADDR" 2>&1)"
ip -n i-a route flush cache
check "frag-needed on again" "$VNITRO" igw set igw-1 frag-needed on
check "and the transfer completes again" tcp_send 20 i-a internet "$INET_ADDR"

# TSO: the device cuts at the MSS TCP chose, so after PMTUD every wire
# packet fits the edge although the frame handed to the ENI is up to 64 KiB.
echo 1 >/sys/module/vnitro/parameters/tso
"$VNITRO" instance add i-t subnet subnet-default >/dev/null
bring_up i-t "$(primary_eni i-t)"
"$VNITRO" eni set "$(primary_eni i-t)" mtu 9001 >/dev/null
ip -n i-t route add default via 172.31.0.1
echo 0 >/sys/module/vnitro/parameters/tso
check_match "i-t's ENI offers TSO" 'tcp-segmentation-offload: on' \
	"$(ip netns exec i-t ethtool -k eth0)"
tx_before=$(ip -n i-t -j -s link show eth0 | jq '.[0].stats64.tx.packets')
check "TCP with TSO from the 9001-byte ENI to the internet: segments measured, not frames" \
	tcp_send 20 i-t internet "$INET_ADDR"
tx_frames=$(($(ip -n i-t -j -s link show eth0 | jq '.[0].stats64.tx.packets') - tx_before))
# 1 MiB in wire packets of 1448 bytes is over 700. An edge that measured the
# frame instead of its segments would refuse every multi-segment frame and
# leave TCP crawling along in single segments (806 frames when tried).
check "TSO frames crossed the edge whole (fewer than 700 frames for 1 MiB: $tx_frames)" \
	test "$tx_frames" -lt 700
check "TSO across the VPC at 9001 too" tcp_send 20 i-t i-b "$ip_b"
summary

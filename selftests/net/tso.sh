#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tso.sh - TCP segmentation offload: off and fixed as on EC2, and what a device
# that offers it (tso=1) does with TSO frames on the way to each kind of receiver.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  tso on    | -- fabric -> | eth0  gro/rx-csum on|off, MTU 1500|9001 |
#   +-----------------+              +-----------------+   (TCP over IPv4 and IPv6)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

param=/sys/module/vnitro/parameters/tso
k=$(ethtool -k eth0)
check_match "EC2's ENA: tcp-segmentation-offload off" '^tcp-segmentation-offload: off' "$k"
check_match "... and fixed, the device does not offer it" 'tx-tcp-segmentation: off \[fixed\]' "$k"
check_match "so it cannot be turned on" 'Could not change any device features' "$(ethtool -K eth0 tso on 2>&1)"

check "a device with TSO for the ENIs attached next (tso=1)" sh -c "echo 1 > $param"
two_instances
k=$(ip netns exec i-a ethtool -k eth0)
check_match "tso=1: tcp-segmentation-offload on" '^tcp-segmentation-offload: on' "$k"
check_match "... TSO6 too" 'tx-tcp6-segmentation: on' "$k"
check_match "... and it can be turned off" 'tx-tcp-segmentation: on$' "$k"

link_stat() { ip netns exec "$1" ip -j -s link show eth0 | jq ".[0].stats64.$2.packets"; }

# copy: tcp_copy, and the wire frames the receiver counted per frame the sender sent.
copy() {
	local tx rx
	tx=$(link_stat i-a tx) rx=$(link_stat i-b rx)
	ratio=0
	tcp_copy i-a i-b "$ip_b" || return
	ratio=$(( ($(link_stat i-b rx) - rx) / ($(link_stat i-a tx) - tx) ))
}

check "TCP, byte-exact, receiver with GRO and rx checksumming (frames kept whole)" copy
check "the sender sent TSO frames: the receiver counted several wire frames per frame sent" \
	test "$ratio" -ge 2

check "receiver turns GRO off" ip netns exec i-b ethtool -K eth0 gro off
check "TCP, byte-exact: TSO frames cut into wire frames for it" copy
check "... still several wire frames per frame sent" test "$ratio" -ge 2
check "receiver turns rx checksumming off too" ip netns exec i-b ethtool -K eth0 rx off
check "TCP, byte-exact: cut frames carry correct checksums" copy
ip netns exec i-b ethtool -K eth0 gro on rx on

check "sender MTU 9001, receiver 1500" sh -c 'ip netns exec i-a ip link set eth0 mtu 9001 &&
	ip netns exec i-b ip link set eth0 mtu 1500'
check "TCP, byte-exact: the MSS follows the smaller MTU" copy
check "both at 9001 (jumbo TSO)" ip netns exec i-b ip link set eth0 mtu 9001
check "TCP, byte-exact, jumbo" copy

check "sender turns TSO off" ip netns exec i-a ethtool -K eth0 tso off
check "TCP, byte-exact, segmented by the sender's stack" copy
check_eq "one wire frame per frame sent" 1 "$ratio"
ip netns exec i-a ethtool -K eth0 tso on >/dev/null

# IPv6: the VPC here carries IPv4 only (no ND), so neighbours are static.
mac_a=$(ip netns exec i-a cat /sys/class/net/eth0/address)
mac_b=$(ip netns exec i-b cat /sys/class/net/eth0/address)
ip netns exec i-a ip -6 addr add fd00::a/64 dev eth0 nodad
ip netns exec i-b ip -6 addr add fd00::b/64 dev eth0 nodad
ip netns exec i-a ip -6 neigh add fd00::b lladdr "$mac_b" dev eth0
ip netns exec i-b ip -6 neigh add fd00::a lladdr "$mac_a" dev eth0
copy6() {
	local tx rx
	head -c 1048576 /dev/urandom >/tmp/tso6.tx
	tx=$(link_stat i-a tx) rx=$(link_stat i-b rx)
	ip netns exec i-b timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6); s.bind(("fd00::b", 7006)); s.listen(1)
c, _ = s.accept(); out = open("/tmp/tso6.rx", "wb")
while True:
    d = c.recv(65536)
    if not d: break
    out.write(d)' &
	wait_listen i-b 7006
	ip netns exec i-a bash -c 'cat /tmp/tso6.tx > /dev/tcp/fd00::b/7006'
	wait
	ratio=$(( ($(link_stat i-b rx) - rx) / ($(link_stat i-a tx) - tx) ))
	cmp /tmp/tso6.tx /tmp/tso6.rx
}
check "TCP over IPv6, byte-exact (TSO6)" copy6
check "TSO6 frames crossed whole" test "$ratio" -ge 2

echo 0 > "$param"
summary

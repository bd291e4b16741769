#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# csum.sh - checksum offload: what the device checks, completes and counts, as ena does.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  tx-csum   | -- fabric -> | eth0  rx-csum   |   (TCP, raw UDP with bad checksums)
#   +-----------------+              +-----------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
two_instances

rxsum() { ip netns exec i-b ethtool -S eth0 | awk -v re="^queue_[0-9]+_rx_$1:\$" '$1 ~ re {s += $2} END {print s + 0}'; }
csum_errors() { ip netns exec i-b nstat -az UdpInCsumErrors | awk '$1 == "UdpInCsumErrors" {print $2}'; }

k=$(ip netns exec i-a ethtool -k eth0)
check_match "rx-checksumming on by default, as ena" '^rx-checksumming: on' "$k"
check_match "tx IPv4 checksum offload on" 'tx-checksum-ipv4: on' "$k"
check_match "scatter-gather on" '^scatter-gather: on' "$k"
check_match "receive-hashing on" '^receive-hashing: on' "$k"

good=$(rxsum csum_good)
check "TCP with tx and rx checksum offload" tcp_copy i-a i-b "$ip_b"
check "the receiver counted good checksums" test "$(rxsum csum_good)" -gt "$good"

check "sender turns tx checksumming off" ip netns exec i-a ethtool -K eth0 tx off
good=$(rxsum csum_good)
check "TCP with software checksums, verified by the receiving device" tcp_copy i-a i-b "$ip_b"
check "... which counted them good" test "$(rxsum csum_good)" -gt "$good"

check "receiver turns rx checksumming off" ip netns exec i-b ethtool -K eth0 rx off
check "sender turns tx checksumming back on" ip netns exec i-a ethtool -K eth0 tx on
good=$(rxsum csum_good)
check "TCP: the device completes offloaded checksums for a receiver that checks in software" tcp_copy i-a i-b "$ip_b"
check_eq "nothing counted while rx checksumming is off" "$good" "$(rxsum csum_good)"
check "receiver turns rx checksumming back on" ip netns exec i-b ethtool -K eth0 rx on

# Raw UDP datagrams: checksum 0 (none, accepted) and a wrong one (dropped).
udp_raw() {
	ip netns exec i-a perl -MSocket -e '
		socket(my $s, PF_INET, SOCK_RAW, 17) or die "socket: $!";
		my $payload = "vnitro checksum test";
		my $udp = pack("nnnn", 7000, 7001, 8 + length($payload), '"$1"') . $payload;
		send($s, $udp, 0, sockaddr_in(0, inet_aton("'"$ip_b"'"))) or die "send: $!" for 1 .. 5;'
	sleep 0.3
}

bad=$(rxsum csum_bad) errs=$(csum_errors)
udp_raw 0xdead
check_eq "rx on: the device flags 5 bad checksums (csum_bad)" $((bad + 5)) "$(rxsum csum_bad)"
check_eq "... and the stack drops them (UdpInCsumErrors)" $((errs + 5)) "$(csum_errors)"
unchecked=$(rxsum csum_unchecked)
udp_raw 0
check_eq "a zero UDP checksum is 'none': counted unchecked" $((unchecked + 5)) "$(rxsum csum_unchecked)"

ip netns exec i-b ethtool -K eth0 rx off
bad=$(rxsum csum_bad) errs=$(csum_errors)
udp_raw 0xdead
check_eq "rx off: the device checks nothing" "$bad" "$(rxsum csum_bad)"
check_eq "... and the stack still drops the bad ones" $((errs + 5)) "$(csum_errors)"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# common.sh - what the ENA benchmarks share: iperf3 figures, medians, ratios, and a veth
# pair with TSO off, the peer that does an ENA's segmentation work (EC2's ENA has no TSO).
# Sourced after ../lib.sh; SECS is the length of one run.

# iperf CLIENT_NS SERVER_NS ADDR ARGS...: what the receiver got, in bits/s
# (TCP) or datagrams/s (UDP: received = sent - lost, over the run).
iperf() {
	local c=$1 s=$2 addr=$3
	shift 3
	ip netns exec "$s" iperf3 -s -1 -D >/dev/null 2>&1
	sleep 0.3
	ip netns exec "$c" iperf3 -c "$addr" -t "$SECS" -J "$@" 2>/dev/null |
		jq -r 'if .start.test_start.protocol == "UDP"
		       then (.end.sum.packets - .end.sum.lost_packets) / .end.sum.seconds
		       else .end.sum_received.bits_per_second end' | cut -d. -f1
}

# ratio A B [DIGITS]: A/B with DIGITS decimals (2), "n/a" without a B.
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f", d, a / b; else print "n/a" }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# veth_pair A B ADDR_A ADDR_B [tso-off]: namespaces A and B joined by veth0, up.
veth_pair() {
	local a=$1 b=$2 ns
	ip netns add "$a"
	ip netns add "$b"
	ip link add veth0 netns "$a" type veth peer name veth0 netns "$b"
	ip -n "$a" addr add "$3/24" dev veth0
	ip -n "$b" addr add "$4/24" dev veth0
	for ns in "$a" "$b"; do
		[[ ${5:-} == tso-off ]] && ip netns exec "$ns" ethtool -K veth0 tso off >/dev/null
		ip -n "$ns" link set lo up
		ip -n "$ns" link set veth0 up
	done
}

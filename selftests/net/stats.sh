#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stats.sh - ethtool -S speaks the ena driver's names and agrees with ip -s link.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0            | -- fabric -- | eth0            |   (pings a -> b)
#   +-----------------+              +-----------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

two_instances
nq=$(ip netns exec i-b ethtool -l eth0 | awk '/^Current/ {c = 1} c && /^Combined/ {print $2}')

stat() { ip netns exec "$1" ethtool -S eth0 | awk -v k="$2:" '$1 == k {print $2}'; }
sum_stat() { ip netns exec "$1" ethtool -S eth0 | awk -v re="^queue_[0-9]+_$2:\$" '$1 ~ re {s += $2} END {print s + 0}'; }

names=$(ip netns exec i-a ethtool -S eth0 | sed -n 's/^ *\([a-z0-9_]*\):.*/\1/p')
for n in tx_timeout interface_up interface_down bw_in_allowance_exceeded pps_allowance_exceeded \
	 linklocal_allowance_exceeded ena_srd_mode ena_srd_tx_pkts queue_0_tx_cnt queue_0_tx_bytes \
	 queue_0_tx_doorbells queue_0_rx_cnt queue_0_rx_bytes queue_0_rx_csum_good queue_0_rx_xdp_redirect \
	 ena_admin_q_no_completion; do
	check_match "ethtool -S has $n" "^$n\$" "$names"
done
check_eq "per-queue groups for each of the $nq queues" "$nq" "$(grep -c '^queue_[0-9]*_rx_cnt$' <<<"$names")"
check_eq "34 counters per queue, as ena" $((17 + 34 * nq + 5)) "$(wc -l <<<"$names")"

check "traffic" ip netns exec i-a ping -c 20 -i 0.05 -W 2 -q "$ip_b"
check_eq "rx cnt over queues = ip -s link rx packets" \
	"$(ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.packets')" "$(sum_stat i-b rx_cnt)"
check_eq "rx bytes over queues = ip -s link rx bytes" \
	"$(ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.bytes')" "$(sum_stat i-b rx_bytes)"
check_eq "tx cnt over queues = ip -s link tx packets" \
	"$(ip -n i-a -j -s link show eth0 | jq '.[0].stats64.tx.packets')" "$(sum_stat i-a tx_cnt)"
check "at least the 20 pings were counted" test "$(sum_stat i-b rx_cnt)" -ge 20
check_eq "no checksum offload yet: csum_good stays zero" 0 "$(sum_stat i-b rx_csum_good)"

up=$(stat i-a interface_up)
ip -n i-a link set eth0 down
ip -n i-a link set eth0 up
check_eq "interface_up counts opens" $((up + 1)) "$(stat i-a interface_up)"
check_eq "interface_down counts closes" 1 "$(stat i-a interface_down)"
summary

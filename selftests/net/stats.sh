#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stats.sh - ethtool -S speaks the ena driver's names and agrees with ip -s link,
# and reconfigurations count and reset as ena's do (down/up, MTU, XDP).
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
	 linklocal_allowance_exceeded conntrack_allowance_exceeded conntrack_allowance_available ena_srd_mode ena_srd_tx_pkts queue_0_tx_cnt queue_0_tx_bytes \
	 queue_0_tx_doorbells queue_0_rx_cnt queue_0_rx_bytes queue_0_rx_csum_good queue_0_rx_xdp_redirect \
	 ena_admin_q_no_completion; do
	check_match "ethtool -S has $n" "^$n\$" "$names"
done
check_eq "per-queue groups for each of the $nq queues" "$nq" "$(grep -c '^queue_[0-9]*_rx_cnt$' <<<"$names")"
check_eq "34 counters per queue, as ena" $((18 + 34 * nq + 5)) "$(wc -l <<<"$names")"

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
# ---- down/up: ena_up allocates fresh rings with zeroed counters ----
# From here every frame i-b counts must be one a check sent: no IPv6 chatter,
# and no ARP. A neighbour entry that ages out (REACHABLE for 15-45 s) is
# confirmed 5 s after its next use with a unicast ARP probe, whose request
# (from i-a) or answer (to i-b) reaches i-b's queues whenever the suite runs
# slowly enough - the intermittent extra frame of issue 22. Pinned entries
# are never probed (lib.sh's pin_neighbours); `ip link set down` flushes them, so pin
# again after it.
ip netns exec i-b sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
pin_neighbours
check "traffic" ip netns exec i-a ping -c 5 -i 0.1 -W 2 -q "$ip_b"
check "queue counters counted it" test "$(sum_stat i-b rx_cnt)" -ge 5 -a "$(sum_stat i-b tx_cnt)" -ge 5
mount -t debugfs none /sys/kernel/debug 2>/dev/null
for ((q = 0; q < nq; q++)); do echo 1 >"$(fault_dir i-b "$q")/rx_drop"; done
ip netns exec i-a ping -c 3 -i 0.1 -W 1 -q "$ip_b" >/dev/null 2>&1
drops=$(link_stat i-b rx dropped)
check "the device dropped frames (fault injection): rx dropped $drops" test "$drops" -ge 1
down=$(stat i-b interface_down) up=$(stat i-b interface_up)
ip -n i-b link set eth0 down
check_eq "down: ip -s link reads nothing, as ena_get_stats64 while down" "0 0 0" \
	"$(link_stat i-b rx packets) $(link_stat i-b tx packets) $(link_stat i-b rx dropped)"
ip -n i-b link set eth0 up
pin_neighbours
check_eq "up: the per-queue counters start from zero" "0 0 0 0" \
	"$(sum_stat i-b rx_cnt) $(sum_stat i-b rx_bytes) $(sum_stat i-b tx_cnt) $(sum_stat i-b tx_bytes)"
check_eq "... and so does ip -s link, but for the device's drops" "0 0 $drops" \
	"$(link_stat i-b rx packets) $(link_stat i-b tx packets) $(link_stat i-b rx dropped)"
check_eq "one interface_down, one interface_up" "$((down + 1)) $((up + 1))" \
	"$(stat i-b interface_down) $(stat i-b interface_up)"

# ---- the MTU: ena_change_mtu tells the device, with no down/up ----
check "traffic" ip netns exec i-a ping -c 3 -i 0.1 -W 2 -q "$ip_b"
rx=$(sum_stat i-b rx_cnt)
check "ip link set eth0 mtu 9001" ip -n i-b link set eth0 mtu 9001
check_eq "no interface_down/up, counters kept" "$((down + 1)) $((up + 1)) $rx" \
	"$(stat i-b interface_down) $(stat i-b interface_up) $(sum_stat i-b rx_cnt)"
ip -n i-b link set eth0 mtu 1500

# ---- XDP: the first program and the removal of the last take the queues down and up ----
bpf=$VNITRO_TOP/selftests/bpf
if [[ ! -x $bpf/xdp_load || ! -f $bpf/xdp_pass.bpf.o ]]; then
	skip "XDP: the programs are not built (make -C selftests/net)"
elif ((nq < 2)); then
	skip "XDP needs at least 2 queues (VNITRO_SMP=2 or more)"
else
	ifc() { echo "$(stat i-b interface_down) $(stat i-b interface_up)"; }
	ip netns exec i-b ethtool -L eth0 combined $((nq / 2))
	down=$(stat i-b interface_down) up=$(stat i-b interface_up)
	check "traffic" ip netns exec i-a ping -c 3 -i 0.1 -W 2 -q "$ip_b"
	check "attach xdp_pass" ip netns exec i-b "$bpf/xdp_load" attach eth0 "$bpf/xdp_pass.bpf.o" xdp_pass
	check_eq "attaching makes the XDP TX queues: down and up (ena_xdp_set)" \
		"$((down + 1)) $((up + 1))" "$(ifc)"
	check_eq "... with fresh per-queue counters" "0 0" "$(sum_stat i-b rx_cnt) $(sum_stat i-b rx_xdp_pass)"
	check "traffic through the program" ip netns exec i-a ping -c 3 -i 0.1 -W 2 -q "$ip_b"
	check_eq "the program passed the 3 pings" 3 "$(sum_stat i-b rx_xdp_pass)"
	check "replace it with xdp_drop" ip netns exec i-b "$bpf/xdp_load" attach eth0 "$bpf/xdp_drop.bpf.o" xdp_drop
	check_eq "replacing swaps live: no down/up, counters kept" "$((down + 1)) $((up + 1)) 3" \
		"$(ifc) $(sum_stat i-b rx_xdp_pass)"
	check "detach" ip netns exec i-b "$bpf/xdp_load" detach eth0
	check_eq "detaching frees the XDP TX queues: down and up" "$((down + 2)) $((up + 2))" "$(ifc)"
	check_eq "... counters fresh again" 0 "$(sum_stat i-b rx_cnt)"
	ip -n i-b link set eth0 down
	down=$(stat i-b interface_down) up=$(stat i-b interface_up)
	check "attach while down" ip netns exec i-b "$bpf/xdp_load" attach eth0 "$bpf/xdp_pass.bpf.o" xdp_pass
	check "detach while down" ip netns exec i-b "$bpf/xdp_load" detach eth0
	check_eq "a device that is down counts nothing" "$down $up" "$(ifc)"
fi
summary

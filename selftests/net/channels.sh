#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# channels.sh - ENA queue pairs: ethtool -l/-L, as the ena driver exposes them, under traffic.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  N queues  | -- fabric -- | eth0  N queues  |   (iperf3 a -> b)
#   +-----------------+              +-----------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

two_instances
max=$(( $(nproc) < 32 ? $(nproc) : 32 ))  # c5n.18xlarge, the default type: 32 ENA queues

channels() { ip netns exec i-a ethtool -l eth0 | awk -v part="$1" '/^Pre-set/ {p = "max"} /^Current/ {p = "cur"} p == part && /^Combined/ {print $2}'; }
queues() { ls "/sys/class/net/eth0/queues" 2>/dev/null | tr '\n' ' '; }

check_eq "max combined = min(online CPUs, the type's 32), as ena computes it" "$max" "$(channels max)"
check_eq "all queues in use by default" "$max" "$(channels cur)"
check_eq "the stack sees them (i-host's eth0)" "$(for ((q = 0; q < max; q++)); do printf 'rx-%d ' $q; done; for ((q = 0; q < max; q++)); do printf 'tx-%d ' $q; done)" "$(queues)"

check "ethtool -L combined 1" ip netns exec i-a ethtool -L eth0 combined 1
check_eq "current combined is 1" 1 "$(channels cur)"
check_eq "the stack has one queue pair" 1 "$(ip netns exec i-a sh -c 'ls /sys/class/net/eth0/queues | grep -c rx-')"
check "traffic flows with one queue" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"

# ena_update_queue_count closes and reopens the device: counted, and the
# re-created queues start their counters from zero (ena_up).
ecount() { ip netns exec i-a ethtool -S eth0 | awk -v k="$1:" '$1 == k {print $2}'; }
check "traffic" ip netns exec i-a ping -c 3 -i 0.1 -W 2 -q "$ip_b"
down=$(ecount interface_down) up=$(ecount interface_up) tx=$(ecount queue_0_tx_cnt)
check "queue 0 counted it: $tx frames" test "$tx" -ge 3
if ((max > 1)); then
	check "ethtool -L combined $max" ip netns exec i-a ethtool -L eth0 combined "$max"
	check_eq "down and up, counted as ena_update_queue_count does" "$((down + 1)) $((up + 1))" \
		"$(ecount interface_down) $(ecount interface_up)"
	check_eq "the queues start from zero" 0 "$(ip netns exec i-a ethtool -S eth0 |
		awk '$1 ~ /^queue_[0-9]+_(tx|rx)_(cnt|bytes):$/ {s += $2} END {print s + 0}')"
	ip -n i-a link set eth0 down
	check "ethtool -L combined 1 while down" ip netns exec i-a ethtool -L eth0 combined 1
	check_eq "a device that is down stays down and counts nothing (ena_close returns at once)" \
		"$((down + 2)) $((up + 1)) DOWN" \
		"$(ecount interface_down) $(ecount interface_up) $(ip -n i-a -j link show eth0 | jq -r '.[0].operstate')"
	ip -n i-a link set eth0 up
else
	skip "one CPU, one queue: no queue count to change"
fi

check_err "more than max is refused" 'exceeds maximum|Invalid argument' \
	ip netns exec i-a ethtool -L eth0 combined $((max + 1))
check_err "zero is refused" 'no RX or TX|Invalid argument' ip netns exec i-a ethtool -L eth0 combined 0
check_err "separate rx/tx channels are not supported" 'exceeds maximum|not supported|Invalid argument' \
	ip netns exec i-a ethtool -L eth0 rx 1
check_eq "refusals changed nothing" 1 "$(channels cur)"

ip netns exec i-b iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
ip netns exec i-a iperf3 -c "$ip_b" -t 4 -P 2 >/tmp/iperf.out 2>&1 &
iperf=$!
sleep 1
for n in $max 1 $max; do
	ip netns exec i-a ethtool -L eth0 combined "$n" || break
	ip netns exec i-b ethtool -L eth0 combined "$n" || break
	sleep 0.5
done
check "resizing both ends under iperf3 traffic" test "$n" = "$max"
check "iperf3 survived" wait $iperf
check_match "and moved data" 'receiver' "$(cat /tmp/iperf.out)"
check "link is down/up cleanly after" sh -c "ip -n i-a link set eth0 down && ip -n i-a link set eth0 up &&
	ip netns exec i-a ping -c 2 -W 3 -q $ip_b"
summary

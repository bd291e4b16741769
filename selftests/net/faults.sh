#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# faults.sh - fault injection through debugfs: drop, corrupt, stall, and the counters and recovery that follow.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  1 queue   | -- fabric -- | eth0  1 queue   |   UDP a -> b
#   +-----------------+              +-----------------+
#   /sys/kernel/debug/vnitro/ENI-ID/queue-0/{rx_drop,rx_corrupt,rx_stall,tx_stall,irq}
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

quiet_pair
dir_a=$(fault_dir i-a)
dir_b=$(fault_dir i-b)
udp_csum_errors() { ip netns exec i-b nstat -az UdpInCsumErrors | awk '$1 == "UdpInCsumErrors" {print $2}'; }

check "a directory per ENI, by ENI id" test -d "/sys/kernel/debug/vnitro/$(primary_eni i-a)"
check_eq "a directory per queue pair, up to the maximum" \
	"$(ip netns exec i-a ethtool -l eth0 | awk '/^Pre-set/ {p = 1} p && /^Combined/ {print $2; exit}')" \
	"$(ls -d "/sys/kernel/debug/vnitro/$(primary_eni i-a)"/queue-* | wc -l)"
check_eq "files of a queue" "irq rx_corrupt rx_drop rx_stall tx_stall" "$(ls "$dir_b" | tr '\n' ' ' | sed 's/ $//')"
check_eq "nothing injected at first" "0 0 0 0" \
	"$(cat "$dir_b/rx_drop" "$dir_b/rx_corrupt" "$dir_b/rx_stall" "$dir_b/tx_stall" | tr '\n' ' ' | sed 's/ $//')"

check_err "a negative count is refused" 'Invalid argument' bash -c "echo -1 > $dir_b/rx_drop"
check_err "a count that is not a number is refused" 'Invalid argument' bash -c "echo lots > $dir_b/rx_corrupt"
check_err "a stall is 0 or 1" 'Invalid argument' bash -c "echo 2 > $dir_b/rx_stall"
check_eq "refusals changed nothing" "0 0 0" "$(cat "$dir_b/rx_drop" "$dir_b/rx_corrupt" "$dir_b/rx_stall" | tr '\n' ' ' | sed 's/ $//')"

# --- drop the next N ---
echo 5 >"$dir_b/rx_drop"
check_eq "rx_drop reads back" 5 "$(cat "$dir_b/rx_drop")"
rx0=$(link_stat i-b rx packets)
drop0=$(link_stat i-b rx dropped)
udp_burst i-a "$ip_b" 20
sleep 0.3
check_eq "of 20 frames exactly 5 dropped, 15 received" "$((drop0 + 5)) $((rx0 + 15))" \
	"$(link_stat i-b rx dropped) $(link_stat i-b rx packets)"
check_eq "and the count is used up" 0 "$(cat "$dir_b/rx_drop")"

# --- corrupt the next N, with the sender's checksum offload on and off ---
for tx in on off; do
	ip netns exec i-a ethtool -K eth0 tx "$tx" >/dev/null
	bad0=$(estat i-b queue_0_rx_csum_bad)
	good0=$(estat i-b queue_0_rx_csum_good)
	err0=$(udp_csum_errors)
	echo 4 >"$dir_b/rx_corrupt"
	udp_burst i-a "$ip_b" 10
	sleep 0.3
	check_eq "tx-checksumming $tx: 4 corrupted frames counted as csum_bad, 6 csum_good" \
		"$((bad0 + 4)) $((good0 + 6))" "$(estat i-b queue_0_rx_csum_bad) $(estat i-b queue_0_rx_csum_good)"
	check_eq "tx-checksumming $tx: and dropped by the stack (UdpInCsumErrors)" "$((err0 + 4))" "$(udp_csum_errors)"
done
ip netns exec i-a ethtool -K eth0 tx on >/dev/null
echo 3 >"$dir_b/rx_corrupt"
check "TCP survives 3 corrupted segments (retransmission): 1 MiB arrives intact" tcp_copy i-a i-b "$ip_b"
check_eq "all 3 were used" 0 "$(cat "$dir_b/rx_corrupt")"

# --- stall RX: the ring fills, frames drop, unstall recovers ---
ip netns exec i-b ethtool -G eth0 rx 256
echo 1 >"$dir_b/rx_stall"
rx0=$(link_stat i-b rx packets)
drop0=$(link_stat i-b rx dropped)
udp_burst i-a "$ip_b" 300
check_eq "RX stalled: the ring is full, 44 dropped, none received" "256/256 $((drop0 + 44)) $rx0" \
	"$(irq_field i-b rx_ring) $(link_stat i-b rx dropped) $(link_stat i-b rx packets)"
check "ping fails while stalled" sh -c "! ip netns exec i-a ping -c 1 -W 1 -q $ip_b"
echo 0 >"$dir_b/rx_stall"
check "unstalled: ping works again" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
check "the ring drained" test "$(irq_field i-b rx_ring)" = 0/256

# --- stall TX completions: the ring fills, the queue stops, unstall wakes it ---
ip netns exec i-a ethtool -G eth0 tx 256
stop0=$(estat i-a queue_0_tx_queue_stop)
wake0=$(estat i-a queue_0_tx_queue_wakeup)
echo 1 >"$dir_a/tx_stall"
udp_burst i-a "$ip_b" 300
check_eq "TX stalled: the ring filled and the queue stopped once" "238/256 $((stop0 + 1))" \
	"$(irq_field i-a tx_ring) $(estat i-a queue_0_tx_queue_stop)"
check_eq "not woken while stalled" "$wake0" "$(estat i-a queue_0_tx_queue_wakeup)"
echo 0 >"$dir_a/tx_stall"
check "unstalled: traffic resumes" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
check "queue_wakeup counted the recovery" test "$(estat i-a queue_0_tx_queue_wakeup)" -gt "$wake0"

# --- the directories go with their netdev ---
"$VNITRO" instance add i-c subnet subnet-default >/dev/null
eni_c=$(primary_eni i-c)
check "a new ENI gets its directory" test -d "/sys/kernel/debug/vnitro/$eni_c"
"$VNITRO" instance del i-c
check "and loses it when it goes" test ! -e "/sys/kernel/debug/vnitro/$eni_c"

echo 1 >"$dir_b/rx_stall"
echo 1 >"$dir_a/tx_stall"
udp_burst i-a "$ip_b" 300
check "rmmod with a stalled RX ring full and a stalled TX queue stopped" rmmod vnitro
check "removes /sys/kernel/debug/vnitro" test ! -e /sys/kernel/debug/vnitro
summary

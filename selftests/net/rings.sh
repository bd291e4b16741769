#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rings.sh - ENA ring sizes: ethtool -g/-G with ena's limits and rounding, and what each ring bounds.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  1 queue   |  UDP, iperf3 | eth0  1 queue   |
#   |  TX ring  ------+-- fabric ----+-> RX ring       |
#   +-----------------+              +-----------------+
#   stalls (debugfs) hold i-a's TX completions or i-b's RX processing
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

quiet_pair
dir_a=$(fault_dir i-a)
dir_b=$(fault_dir i-b)

# ring INSTANCE max|cur RX|TX
ring() {
	ip netns exec "$1" ethtool -g eth0 |
		awk -v part="$2" -v k="$3:" '/^Pre-set/ {p = "max"} /^Current/ {p = "cur"} p == part && $1 == k {print $2}'
}
rings() { echo "$(ring "$1" cur RX)/$(ring "$1" cur TX)"; }

check_eq "maximum RX ring is the device's 16384" 16384 "$(ring i-a max RX)"
check_eq "maximum TX ring is the device's 1024" 1024 "$(ring i-a max TX)"
check_eq "rings default to 1024/1024 (ENA_DEFAULT_RING_SIZE)" 1024/1024 "$(rings i-a)"

check "ethtool -G rx 4096 tx 512" ip netns exec i-a ethtool -G eth0 rx 4096 tx 512
check_eq "read back" 4096/512 "$(rings i-a)"
check "ethtool -G rx 3000 tx 300" ip netns exec i-a ethtool -G eth0 rx 3000 tx 300
check_eq "rounded down to powers of two, as ena_set_ringparam" 2048/256 "$(rings i-a)"
check "ethtool -G rx 100 tx 1" ip netns exec i-a ethtool -G eth0 rx 100 tx 1
check_eq "raised to ENA_MIN_RING_SIZE" 256/256 "$(rings i-a)"
check "ethtool -G rx 16384 tx 1024" ip netns exec i-a ethtool -G eth0 rx 16384 tx 1024
check_eq "the maxima are accepted" 16384/1024 "$(rings i-a)"

check_err "RX above the maximum is refused" 'exceeds maximum' ip netns exec i-a ethtool -G eth0 rx 16385
check_err "TX above the maximum is refused" 'exceeds maximum' ip netns exec i-a ethtool -G eth0 tx 2048
check_err "ENA has no mini ring" 'exceeds maximum|not supported' ip netns exec i-a ethtool -G eth0 rx-mini 64
check_err "nor a jumbo ring" 'exceeds maximum|not supported' ip netns exec i-a ethtool -G eth0 rx-jumbo 64
check_eq "refusals changed nothing" 16384/1024 "$(rings i-a)"

down=$(estat i-a interface_down)
up=$(estat i-a interface_up)
ip netns exec i-a ethtool -G eth0 rx 1024 tx 1024
check_eq "a resize takes the queues down and up, counted as ena_update_queue_sizes does" \
	"$((down + 1)) $((up + 1))" "$(estat i-a interface_down) $(estat i-a interface_up)"
check_eq "the same sizes again is no change" "$((down + 1))" \
	"$(ip netns exec i-a ethtool -G eth0 rx 1024 tx 1024; estat i-a interface_down)"
check "traffic" ip netns exec i-a ping -c 3 -i 0.1 -W 2 -q "$ip_b"
check "queue 0 counted it" test "$(estat i-a queue_0_tx_cnt)" -ge 3
ip netns exec i-a ethtool -G eth0 rx 2048
check_eq "a resize re-creates the rings, their counters from zero (ena_up)" "0 0" \
	"$(estat i-a queue_0_tx_cnt) $(estat i-a queue_0_tx_bytes)"
ip netns exec i-a ethtool -G eth0 rx 1024
check "traffic flows after resizing" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"

# until_eq EXPECTED CMD...: waits (10 s at most) until CMD prints EXPECTED, instead of
# a fixed sleep that a loaded host outlasts; the check after it says what it saw.
until_eq() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $("${@:2}") == "$1" ]] && return
		sleep 0.1
	done
}

# --- the RX ring bounds the frames waiting for NAPI; a full ring drops (rx_drops) ---
ip netns exec i-b ethtool -G eth0 rx 256
echo 1 >"$dir_b/rx_stall"
rx0=$(link_stat i-b rx packets)
drop0=$(link_stat i-b rx dropped)
udp_burst i-a "$ip_b" 400
check_eq "stalled: 256 frames wait in a 256-entry RX ring" 256/256 "$(irq_field i-b rx_ring)"
check_eq "the other 144 are dropped and counted as rx dropped" $((drop0 + 144)) "$(link_stat i-b rx dropped)"
check_eq "nothing reached the stack yet" "$rx0" "$(link_stat i-b rx packets)"
echo 0 >"$dir_b/rx_stall"
until_eq "$((rx0 + 256))" link_stat i-b rx packets
check_eq "unstalled: the 256 waiting frames are received" $((rx0 + 256)) "$(link_stat i-b rx packets)"

ip netns exec i-b ethtool -G eth0 rx 512
echo 1 >"$dir_b/rx_stall"
drop0=$(link_stat i-b rx dropped)
udp_burst i-a "$ip_b" 400
check_eq "a 512-entry ring holds all 400" "400/512 $drop0" "$(irq_field i-b rx_ring) $(link_stat i-b rx dropped)"
echo 0 >"$dir_b/rx_stall"
until_eq 0/512 irq_field i-b rx_ring
check_eq "and they are received" 0/512 "$(irq_field i-b rx_ring)"

# --- the TX ring bounds frames in flight until their completion is processed ---
# ena stops the queue when fewer than MAX_SKB_FRAGS + 2 (19) descriptors are
# free, so a 256-entry ring takes 238 one-descriptor frames, a 512 one 494.
# The frames behind a stopped queue wait in the qdisc: a plain FIFO, because the
# default fq_codel drops what waited past its target once the queue wakes, and
# how many depends on how long the host took (1583 of 1600 arrived, once).
ip netns exec i-a tc qdisc replace dev eth0 root pfifo limit 1000
for size in 256 512; do
	ip netns exec i-a ethtool -G eth0 tx "$size"
	echo 1 >"$dir_a/tx_stall"
	stop=$(estat i-a queue_0_tx_queue_stop)
	wake=$(estat i-a queue_0_tx_queue_wakeup)
	rx0=$(link_stat i-b rx packets)
	udp_burst i-a "$ip_b" 600
	sleep 0.5
	check_eq "TX $size, completions stalled: $((size - 18)) frames sent, then the queue stopped" \
		"$((size - 18))/$size $((rx0 + size - 18)) $((stop + 1))" \
		"$(irq_field i-a tx_ring) $(link_stat i-b rx packets) $(estat i-a queue_0_tx_queue_stop)"
	echo 0 >"$dir_a/tx_stall"
	until_eq "$((rx0 + 600))" link_stat i-b rx packets
	check_eq "TX $size unstalled: the queue woke and all 600 arrived" "$((rx0 + 600))" \
		"$(link_stat i-b rx packets)"
	check "queue_wakeup counted" test "$(estat i-a queue_0_tx_queue_wakeup)" -gt "$wake"
done
ip netns exec i-a tc qdisc delete dev eth0 root

# --- resizing rings and changing the MTU under iperf3 traffic ---
for inst in i-a i-b; do ip netns exec "$inst" ethtool -L eth0 combined "$(( $(nproc) < 8 ? $(nproc) : 8 ))"; done
ip netns exec i-b iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
ip netns exec i-a iperf3 -c "$ip_b" -t 6 -P 2 >/tmp/iperf.out 2>&1 &
iperf=$!
sleep 1
ok=1
for step in "rx 256 tx 256" "rx 16384 tx 1024" "rx 512 tx 512" "rx 1024 tx 1024"; do
	for inst in i-a i-b; do
		# shellcheck disable=SC2086
		ip netns exec "$inst" ethtool -G eth0 $step || ok=0
	done
	sleep 0.4
done
for mtu in 9001 1500 4000 1500; do
	ip -n i-a link set eth0 mtu "$mtu" && ip -n i-b link set eth0 mtu "$mtu" || ok=0
	sleep 0.4
done
check_eq "resizing rings and changing the MTU of both ends under iperf3" 1 "$ok"
check "iperf3 survived" wait $iperf
check_match "and moved data" 'receiver' "$(cat /tmp/iperf.out)"
check "traffic resumes" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
summary

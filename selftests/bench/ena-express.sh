#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ena-express.sh - `make bench-ena-express`: ENA Express (SRD) against plain ENA between
# two instances, over a network of several paths that congest now and then. Prints
# figures and ratios against the same pair with ENA Express off, in the same boot;
# asserts nothing (a benchmark, not a test).
#
#   +--- i-a m6i.32xlarge ---+   8 paths, each congested   +--- i-b m6i.32xlarge ---+
#   | eth0  MTU 8900         | ========================== | eth0  MTU 8900         |
#   +------------------------+   10 % of the time (+2 ms,   +------------------------+
#                                5 % loss)
#
# (1) request/response latency (sockperf ping-pong over TCP, 64 B and 8 KiB messages):
#     P50, P99, P99.9 with ENA Express off and on; the seed's claim is P99 -50 %,
#     P99.9 -85 % (on/off at most 0.5 and 0.15);
# (2) one TCP flow's throughput under the single-flow limits (5 Gbps plain, 25 over
#     SRD, both divided by the rate scale): on/off at least 4.5;
# (3) the same with i-b's ENA Express off: as plain ENA, ena_srd_eligible_tx_pkts
#     counting at i-a and ena_srd_rx_pkts not at i-b.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
SECS=${BENCH_SECS:-20}
SCALE=${BENCH_RATE_SCALE:-1000}
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "ena-express.sh: invalid BENCH_SECS: $SECS (a whole number of seconds, at least 1)" >&2; exit 2; }

# The network: what EC2 users meet on a busy day, scaled to what TCG can carry. Each path
# is congested 10 % of the time: a ping-pong slows down on a congested path, so 5 % left
# about 1 % of the requests congested and P99 on the boundary (performance.md).
MODEL=(delay-us 50 jitter-us 50 congestion-ppm 100000 congestion-delay-us 2000
       congestion-loss-ppm 50000 episode-us 20000 paths 8 seed 1)

for i in i-a i-b; do
	"$VNITRO" instance add "$i" subnet subnet-default type m6i.32xlarge >/dev/null
	bring_up "$i" "$(primary_eni "$i")"
	ip -n "$i" link set eth0 mtu 8900	# EC2: ENA Express wants 8900 at most
done
eni_a=$(primary_eni i-a) eni_b=$(primary_eni i-b)
ip_b=$(eni_field "$eni_b" private_ip)

# express on|off [on|off]: ENA Express (TCP and UDP) on i-a's ENI, and i-b's (the same by default).
express() {
	local eni mode
	for eni in "$eni_a" "$eni_b"; do
		mode=$1
		[[ $eni == "$eni_b" ]] && mode=${2:-$1}
		if [[ $mode == on ]]; then
			"$VNITRO" eni set "$eni" ena-express on >/dev/null
			"$VNITRO" eni set "$eni" ena-express-udp on >/dev/null
		else
			"$VNITRO" eni set "$eni" ena-express-udp off >/dev/null
			"$VNITRO" eni set "$eni" ena-express off >/dev/null
		fi
	done
}

# latency SIZE: sockperf ping-pong over TCP for SECS from i-a to i-b; prints
# "P50 P99 P99.9" of its one-way latency (half the round trip), in microseconds.
latency() {
	ip netns exec i-b timeout $((SECS + 30)) sockperf sr --tcp -i "$ip_b" -p 11111 >/dev/null 2>&1 &
	sleep 1
	ip netns exec i-a sockperf pp --tcp -i "$ip_b" -p 11111 -t "$SECS" -m "$1" 2>&1 |
		awk '/percentile 50.000/ {p50 = $NF} /percentile 99.000/ {p99 = $NF}
		     /percentile 99.900/ {p999 = $NF} END {print p50, p99, p999}'
	kill %1 2>/dev/null
	wait 2>/dev/null
}

# held: the frames both ENIs' queues held for the path model: released, 100 us or more
# late, 1 ms or more late, the latest (us): what the host adds to the model's time.
held() {
	local f
	for f in released late_100us late_1ms late_max_us; do held_stat "rx_held_$f" "$eni_a" "$eni_b"; done |
		paste -sd ' '
}
srd() { echo "$(estat i-a ena_srd_eligible_tx_pkts) $(estat i-a ena_srd_tx_pkts) $(estat i-b ena_srd_rx_pkts)"; }
row() { printf '%-34s %12s %12s %8s\n' "$@"; }

echo "vnitro ENA Express benchmark: $(nproc) vCPU(s) under QEMU TCG, ${SECS}s per run," \
     "kernel $(uname -r)"
echo "path model: ${MODEL[*]}"
echo
# Latency at EC2's rates (rate scale 1): the single-flow limits are out of a ping-pong's reach.
echo "(1) request/response latency, one-way [us]"
express off
row "no path model, ENA" "P50" "P99" "P99.9"
for size in 64 8192; do
	read -r b50 b99 b999 <<<"$(latency "$size")"
	row "$size B" "$b50" "$b99" "$b999"
done
"$VNITRO" path set "${MODEL[@]}" >/dev/null
row "with it" "ENA" "ENA Express" "on/off"
for size in 64 8192; do
	express off
	read -r off50 off99 off999 <<<"$(latency "$size")"
	express on
	read -r on50 on99 on999 <<<"$(latency "$size")"
	row "$size B P50" "$off50" "$on50" "$(ratio "$on50" "$off50")"
	row "$size B P99 (target <= 0.50)" "$off99" "$on99" "$(ratio "$on99" "$off99")"
	row "$size B P99.9 (target <= 0.15)" "$off999" "$on999" "$(ratio "$on999" "$off999")"
done
read -r held_n held_100us held_1ms held_max <<<"$(held)"
echo "the host's share: of $held_n frames held for the model, $held_100us arrived 100 us or more" \
     "late, $held_1ms 1 ms or more (the latest $held_max us)"
echo
"$VNITRO" world set rate-scale "1/$SCALE" >/dev/null
echo "(2) one TCP flow [bit/s], rate scale 1/$SCALE (single flow: 5 Gbps plain, 25 over SRD, scaled)"
row "" "ENA" "ENA Express" "on/off"
express off
off=$(iperf i-a i-b "$ip_b")
express on
on=$(iperf i-a i-b "$ip_b")
row "1 stream (target >= 4.50)" "$off" "$on" "$(ratio "$on" "$off")"
echo
echo "(3) i-b's ENA Express off: a silent fall back"
express on off
before=$(srd)
half=$(iperf i-a i-b "$ip_b")
read -r e0 t0 r0 <<<"$before"
read -r e1 t1 r1 <<<"$(srd)"
row "1 stream, one end on [bit/s]" "$off" "$half" "$(ratio "$half" "$off")"
echo "i-a ena_srd_eligible_tx_pkts +$((e1 - e0)), ena_srd_tx_pkts +$((t1 - t0)); i-b ena_srd_rx_pkts +$((r1 - r0))"
echo
echo "fabric: $(awk '/^(path_lost|path_delayed|srd_resent|srd_duplicates|srd_window_waits|srd_given_up|drop_flow_limit):/ {printf "%s %s ", $1, $2}' /sys/kernel/debug/vnitro/fabric 2>/dev/null)"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# latency.sh - the network between two ENIs as several paths: their latency reaches the
# receiver (ping), a plain ENA flow keeps one path (ECMP), ENA Express sprays around a
# slow one, and frames still on the wire are dropped cleanly when the receiver goes away.
#
#   +------ i-a ------+     8 spine paths     +------ i-b ------+
#   | eth0            | ===================== | eth0            |   (UDP echo on 7007)
#   +-----------------+   path 3: +40 ms      +-----------------+   (both m6i.32xlarge)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
RTT="$(dirname "$0")/udp_rtt.py"
# min_rtt FROM ADDR: the smallest of 5 pings' round trips, in whole milliseconds.
min_rtt() {
	ip netns exec "$1" ping -n -c 5 -i 0.2 "$2" |
		awk '/^rtt/ {split($0, a, "= "); split(a[2], b, "/"); print int(b[1])}'
}
# held INSTANCE [FIELD]: frames its primary ENI's RX queues hold (or FIELD of held_stat).
held() { held_stat "${2:-rx_held}" "$(primary_eni "$1")"; }
# burst N: N UDP datagrams from i-a to i-b, port 9, from 16 source ports, at once.
burst() {
	ip netns exec i-a python3 -c 'import socket, sys
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(16)]
for i in range(int(sys.argv[2])):
    socks[i % 16].sendto(b"x", (sys.argv[1], 9))' "$ip_b" "$1"
}
# flows: 32 UDP flows from i-a to i-b's echo, 3 probes each (udp_rtt.py's lines).
flows() { ip netns exec i-a python3 "$RTT" client "$ip_b" 7007 32 3; }

# ENA Express needs a type that has it (EC2's list): m6i.32xlarge.
for i in i-a i-b; do
	"$VNITRO" instance add "$i" subnet subnet-default type m6i.32xlarge >/dev/null
	bring_up "$i" "$(primary_eni "$i")"
done
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
ip_b=$(eni_field "$(primary_eni i-b)" private_ip)
pin_neighbours
ip netns exec i-b python3 "$RTT" server 7007 &
for ((i = 0; i < 50; i++)); do
	ip netns exec i-b ss -Hlun "sport = :7007" | grep -q . && break
	sleep 0.1
done

# ---- one latency for every path ----
fast=$(min_rtt i-a "$ip_b")
check "no model: ping's round trip is the VM's own (${fast} ms)" test "$fast" -lt 20
check "every path 25 ms one way" "$VNITRO" path set delay-us 25000
slow=$(min_rtt i-a "$ip_b")
check "ping crosses twice: at least 50 ms (${slow} ms)" test "$slow" -ge 50 -a "$slow" -lt 150
check "the fabric counts the frames it delayed" test "$(fabric path_delayed)" -gt 0
check "i-b's queues held the echo requests and released them ($(held i-b rx_held_released), the latest $(held i-b rx_held_late_max_us) us past due)" \
	test "$(held i-b rx_held_released)" -ge 5
check "  ... and counted how late, no more of them than were released" \
	test "$(held i-b rx_held_late_100us)" -ge "$(held i-b rx_held_late_1ms)" -a \
	"$(held i-b rx_held_released)" -ge "$(held i-b rx_held_late_100us)"
check_err "a plain user cannot read them" 'Permission denied' \
	plain cat "/sys/kernel/debug/vnitro/$(primary_eni i-b)/queue-0/irq"
check "back to none" "$VNITRO" path set delay-us 0

# ---- ECMP: one slow path, whole flows on it ----
check "path 3 alone: 40 ms one way" "$VNITRO" path set path 3 delay-us 40000
check_eq "the world's delay is still 0" 0 "$("$VNITRO" -j path show | jq .delay_us)"
check_eq "path 3 shows its own" 40000 \
	"$("$VNITRO" -j path show | jq '.per_path[] | select(.path == 3) | .delay_us')"
# classify: per flow "slow" (every probe >= 40 ms), "fast" (every one below) or "mixed".
classify() {
	awk '{ s = 0; f = 0
	       for (i = 2; i <= NF; i++) if ($i != "lost" && $i + 0 >= 40) s++; else f++
	       print (f == 0 ? "slow" : s == 0 ? "fast" : "mixed") }'
}
flows >/tmp/latency.plain
read -r nslow nmixed <<<"$(classify </tmp/latency.plain | awk '{c[$1]++} END {print c["slow"] + 0, c["mixed"] + 0}')"
check "plain ENA: some flows take the slow path, every probe of theirs ($nslow of 32)" \
	test "$nslow" -ge 1 -a "$nslow" -le 20
check_eq "a flow keeps its path: no flow is slow for some probes only" 0 "$nmixed"
check_eq "the same flows again, the same paths" "$(classify </tmp/latency.plain)" "$(flows | classify)"
plain_slow=$(awk '{for (i = 2; i <= NF; i++) if ($i != "lost" && $i + 0 >= 40) n++} END {print n + 0}' /tmp/latency.plain)

# ---- ENA Express: SRD sprays each packet, around the slow path ----
for i in i-a i-b; do
	eni=$(primary_eni "$i")
	check "ENA Express, TCP and UDP, on $i's ENI" \
		sh -c "'$VNITRO' eni set $eni ena-express on && '$VNITRO' eni set $eni ena-express-udp on"
done
rx0=$(estat i-b ena_srd_rx_pkts)
flows >/tmp/latency.srd
srd_slow=$(awk '{for (i = 2; i <= NF; i++) if ($i != "lost" && $i + 0 >= 40) n++} END {print n + 0}' /tmp/latency.srd)
check "the probes went over SRD" test "$(estat i-b ena_srd_rx_pkts)" -ge $((rx0 + 96))
check "ENA Express: far fewer slow probes ($srd_slow of 96) than plain ENA ($plain_slow)" \
	test $((srd_slow * 3)) -le "$plain_slow"
check_eq "none lost" 0 "$(grep -c lost /tmp/latency.srd)"
for eni in "$(primary_eni i-a)" "$(primary_eni i-b)"; do
	"$VNITRO" eni set "$eni" ena-express-udp off >/dev/null
	"$VNITRO" eni set "$eni" ena-express off >/dev/null
done

# ---- frames on the wire when the receiver goes away ----
check "every path a second one way" "$VNITRO" path set delay-us 1000000
burst 200
n=$(held i-b)
check "i-b's queues hold frames still on their way ($n)" test "$n" -gt 100
check "i-b's link down meanwhile" ip -n i-b link set eth0 down
check_eq "the held frames are gone with the queues" 0 "$(held i-b)"
ip -n i-b link set eth0 up
burst 200
check "frames on their way to i-b again" test "$(held i-b)" -gt 100
check "i-b deleted meanwhile" "$VNITRO" instance del i-b
sleep 0.5
check "a path of 0 again" "$VNITRO" path set delay-us 0
check_eq "no kernel splat" "" "$(splats)"
kill %1 2>/dev/null
rm -f /tmp/latency.plain /tmp/latency.srd
summary

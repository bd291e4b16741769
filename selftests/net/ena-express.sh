#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ena-express.sh - ENA Express as EC2 users see it: SRD when both ends turn it on
# (TCP; UDP with its own setting; packets up to 8900 bytes), a silent fall back to
# plain ENA otherwise, the ena_srd_* counters of ethtool -S, no loss on a lossy
# path, and 25 Gbps for one flow where plain ENA gives it 5.
#
#   +--- i-a m6i.32xlarge ---+            +--- i-b m6i.32xlarge ---+
#   | eth0  MTU 8900         | -- fabric --| eth0  MTU 8900         |
#   +------------------------+            +------------------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

srd() { echo "$(estat i-a ena_srd_eligible_tx_pkts) $(estat i-a ena_srd_tx_pkts) $(estat i-b ena_srd_rx_pkts)"; }
retrans() { ip netns exec i-a nstat -az TcpRetransSegs | awk '$1 == "TcpRetransSegs" {print $2}'; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
loss() { "$VNITRO" path set loss-ppm "$1" >/dev/null; }

for i in i-a i-b; do
	"$VNITRO" instance add "$i" subnet subnet-default type m6i.32xlarge >/dev/null
	bring_up "$i" "$(primary_eni "$i")"
	# ENA Express needs an MTU of 8900 at most (EC2: "set your MTU to 8900").
	ip -n "$i" link set eth0 mtu 8900
done
eni_a=$(primary_eni i-a) eni_b=$(primary_eni i-b)
ip_b=$(eni_field "$eni_b" private_ip)

# ---- off by default: plain ENA ----
check_eq "ena_srd_mode is 0 while ENA Express is off" 0 "$(estat i-a ena_srd_mode)"
check "TCP between them" tcp_copy i-a i-b "$ip_b"
check_eq "nothing eligible, nothing over SRD" "0 0 0" "$(srd)"

# ---- one end on: eligible, but plain ENA ----
check "ENA Express on for i-a's ENI" "$VNITRO" eni set "$eni_a" ena-express on
check_eq "ena_srd_mode 1: ENA Express, TCP" 1 "$(estat i-a ena_srd_mode)"
check "TCP again" tcp_copy i-a i-b "$ip_b"
read -r eligible tx rx <<<"$(srd)"
check "i-a's packets are eligible ($eligible) ..." test "$eligible" -gt 100
check_eq "... but i-b has it off: none went over SRD (EC2 falls back silently)" "0 0" "$tx $rx"

# ---- both on: TCP over SRD ----
check "ENA Express on for i-b's ENI" "$VNITRO" eni set "$eni_b" ena-express on
before=$(srd)
check "TCP over ENA Express" tcp_copy i-a i-b "$ip_b"
read -r e0 t0 r0 <<<"$before"
read -r e1 t1 r1 <<<"$(srd)"
check "i-a sent over SRD what was eligible: $((t1 - t0)) of $((e1 - e0))" \
	test $((t1 - t0)) -eq $((e1 - e0)) -a $((t1 - t0)) -gt 100
check_eq "i-b received over SRD what i-a sent" $((t1 - t0)) $((r1 - r0))
check "ENA Express's settings show in vnitro eni show" \
	sh -c "'$VNITRO' -j eni show '$eni_b' | jq -e '.[0].ena_express == true'"

# ---- UDP: only with both ends' UDP setting ----
before=$(srd)
udp_paced i-a "$ip_b" 5 0.5 1400 >/dev/null
check_eq "UDP without the UDP setting: not eligible" "$before" "$(srd)"
check "ENA Express UDP on for i-a" "$VNITRO" eni set "$eni_a" ena-express-udp on
check_eq "ena_srd_mode 3: ENA Express, TCP and UDP" 3 "$(estat i-a ena_srd_mode)"
read -r e0 t0 r0 <<<"$(srd)"
udp_paced i-a "$ip_b" 5 0.5 1400 >/dev/null
read -r e1 t1 r1 <<<"$(srd)"
check "UDP is eligible at i-a ($((e1 - e0)))" test $((e1 - e0)) -gt 50
check_eq "... but i-b's UDP setting is off: plain ENA" "$t0 $r0" "$t1 $r1"
check "ENA Express UDP on for i-b" "$VNITRO" eni set "$eni_b" ena-express-udp on
read -r e0 t0 r0 <<<"$(srd)"
udp_paced i-a "$ip_b" 5 0.5 1400 >/dev/null
read -r e1 t1 r1 <<<"$(srd)"
check "now UDP goes over SRD: $((t1 - t0)) of $((e1 - e0))" \
	test $((t1 - t0)) -eq $((e1 - e0)) -a $((t1 - t0)) -gt 50

# ---- the MTU: a packet above 8900 bytes falls back ----
ip -n i-a link set eth0 mtu 9001
ip -n i-b link set eth0 mtu 9001
read -r e0 t0 r0 <<<"$(srd)"
udp_paced i-a "$ip_b" 5 0.5 8950 >/dev/null
read -r e1 t1 r1 <<<"$(srd)"
check "8978-byte UDP packets count as eligible ($((e1 - e0))) ..." test $((e1 - e0)) -gt 0
check_eq "... but fall back to plain ENA" "$t0 $r0" "$t1 $r1"
# TCP at MTU 9001: EC2 "Newly established TCP connections automatically clamp
# the MSS", so its segments fit 8900 bytes and go over SRD all the same.
clamped() { awk '$1 == "srd_mss_clamped:" {print $2}' /sys/kernel/debug/vnitro/fabric; }
m=$(clamped)
read -r e0 t0 r0 <<<"$(srd)"
check "TCP at MTU 9001" tcp_copy i-a i-b "$ip_b"
read -r e1 t1 r1 <<<"$(srd)"
check "the SYN and SYN-ACK had their MSS clamped ($(($(clamped) - m)))" test $(($(clamped) - m)) -ge 2
check "every eligible TCP packet went over SRD: $((t1 - t0)) of $((e1 - e0))" \
	test $((t1 - t0)) -eq $((e1 - e0)) -a $((t1 - t0)) -gt 100
ip netns exec i-b timeout 10 python3 -c 'import socket, time
s = socket.create_server(("", 7009))
c, _ = s.accept()
time.sleep(1)' &
lpid=$!
wait_listen i-b 7009
# TCP_MAXSEG of a connected socket: what ss shows as "mss" (less the timestamps' 12 bytes).
mss=$(ip netns exec i-a python3 -c 'import socket, sys
s = socket.create_connection((sys.argv[1], 7009))
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG))' "$ip_b")
check "the connection's MSS fits 8900 bytes: ${mss:-none} (8937 unclamped)" \
	test "${mss:-99999}" -le 8860
wait "$lpid"
ip -n i-a link set eth0 mtu 8900
ip -n i-b link set eth0 mtu 8900

# ---- a lossy path: SRD recovers, plain ENA leaves it to TCP ----
lost() { awk '$1 == "path_lost:" {print $2}' /sys/kernel/debug/vnitro/fabric; }
check "the path loses 10 % of frames" loss 100000
l=$(lost)
check "1 MiB over ENA Express, byte for byte" tcp_copy i-a i-b "$ip_b"
check_eq "the path lost none of it: SRD recovered every loss" "$l" "$(lost)"
fstat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
check "  ... SRD resent $(fstat srd_resent) copies; $(fstat srd_duplicates) second copies dropped" \
	test "$(fstat srd_resent)" -gt 0 -a "$(fstat srd_duplicates)" -gt 0
check "ENA Express off for i-b" "$VNITRO" eni set "$eni_b" ena-express off ena-express-udp off
# A copy is some 30 frames (TSO) each way: until TCP had to resend one, at most five copies.
r=$(retrans) l=$(lost) intact=1
for ((n = 1; n <= 5; n++)); do
	tcp_copy i-a i-b "$ip_b" || { intact=0; break; }
	(($(retrans) > r)) && break
done
check_eq "1 MiB over plain ENA, byte for byte, $n time(s)" 1 "$intact"
check "the path lost $(($(lost) - l)) frames; TCP recovered: $(($(retrans) - r)) retransmissions" \
	test "$(lost)" -gt "$l" -a "$(retrans)" -gt "$r"
check "the path loses nothing again" loss 0

# ---- one flow: 25 Gbps over SRD, 5 without (25 and 5 Mbit/s at 1/1000) ----
"$VNITRO" world set rate-scale 1/1000 >/dev/null
got() {
	local rx took
	rx=$(link_stat i-b rx bytes)
	took=$(udp_paced i-a "$ip_b" 40 3 8000)
	awk -v b=$(($(link_stat i-b rx bytes) - rx)) -v t="$took" 'BEGIN {printf "%.1f", b * 8 / t / 1e6}'
}
plain=$(got)
"$VNITRO" eni set "$eni_b" ena-express on ena-express-udp on >/dev/null
express=$(got)
check "one UDP flow: $plain Mbit/s plain, at most 5 Mbit/s and its tolerance" \
	awk -v r="$plain" 'BEGIN {exit !(r <= 5 * 1.02 + 0.8)}'
check "... $express Mbit/s over ENA Express: more than 4.5 times" \
	awk -v p="$plain" -v e="$express" 'BEGIN {exit !(e >= 4.5 * p)}'

# ---- ena_srd_resource_utilization: the SRD window held by packets in flight ----
check_eq "ena_srd_resource_utilization 0: nothing in flight" 0 "$(estat i-a ena_srd_resource_utilization)"
"$VNITRO" path set delay-us 20000 >/dev/null
udp_paced i-a "$ip_b" 20 3 8000 >/dev/null &
upid=$!
most=0
for ((n = 0; n < 10; n++)); do
	u=$(estat i-a ena_srd_resource_utilization)
	((u > most)) && most=$u
	sleep 0.2
done
wait "$upid"
check "while UDP crosses a 20 ms path, packets in flight hold ${most} % of the window" \
	test "$most" -gt 0 -a "$most" -le 100
sleep 0.1
check_eq "  ... and 0 once they are acknowledged" 0 "$(estat i-a ena_srd_resource_utilization)"
"$VNITRO" path set delay-us 0 >/dev/null
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# allowances.sh - EC2's bandwidth allowances (in and out apart, with the network I/O
# credits of "up to" types) at the world's rate scale, and the 1024 fragments a second
# an ENI may send; each counted in ethtool -S under the ena driver's names.
#
#   +--- i-a t3.micro ---+            +--- i-b c5n.18xlarge ---+
#   | eth0 (up to 5 Gbps)| -- fabric --| eth0 (100 Gbps)        |
#   +--------------------+      |     +------------------------+
#                        +--- i-c c5n.18xlarge ---+
#
# At rate scale 1/1000, i-a may send and receive 5 Mbit/s each way for burst-seconds
# (2) on full credits, then 64 kbit/s; i-b and i-c 100 Mbit/s, more than any flow here.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

fabric() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

# received INST: the bytes eth0 of INST received so far.
received() { link_stat "$1" rx bytes; }

# ---- the world's settings ----
check_eq "a new world uses EC2's own rates" "rate-scale 1/1 burst-seconds 300" \
	"$("$VNITRO" world show)"
check_err "a plain user cannot read the settings" "Operation not permitted" \
	plain "$VNITRO" world show
check_err "nor change them" "Operation not permitted" plain "$VNITRO" world set rate-scale 1/1000
check_err "a scale of 1/0 is refused" "1 to 1000000" "$VNITRO" world set rate-scale 1/0
check_err "so is 1/1000001" "out of range" "$VNITRO" world set rate-scale 1/1000001
check_err "and 3601 burst seconds" "out of range" "$VNITRO" world set burst-seconds 3601
check_eq "... and nothing changed" "rate-scale 1/1 burst-seconds 300" "$("$VNITRO" world show)"
check "rate scale 1/1000, 2 burst seconds" "$VNITRO" world set rate-scale 1/1000 burst-seconds 2
check_eq "JSON shows them" "1000 2" \
	"$("$VNITRO" -j world show | jq -r '"\(.rate_scale) \(.burst_seconds)"')"

"$VNITRO" instance add i-a subnet subnet-default type t3.micro >/dev/null
"$VNITRO" instance add i-b subnet subnet-default >/dev/null
"$VNITRO" instance add i-c subnet subnet-default >/dev/null
for i in i-a i-b i-c; do bring_up "$i" "$(primary_eni "$i")"; done
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
ip_b=$(eni_field "$(primary_eni i-b)" private_ip)
ip_c=$(eni_field "$(primary_eni i-c)" private_ip)
for i in i-a i-b i-c; do
	ip netns exec "$i" busybox nc -u -l -p 9000 >/dev/null 2>&1 &
done
check "i-a reaches i-b" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
check "i-c reaches i-a" ip netns exec i-c ping -c 2 -W 2 -q "$ip_a"

# Bytes a rate allows in T seconds, with the tolerance of two 64 KiB frames (and 2 %
# for what ip -s link counts that the allowance does not).
allowed() { awk -v r="$1" -v t="$2" 'BEGIN {printf "%d", r * t / 8 * 1.02 + 131072 + 3000}'; }

# at_peak FROM TO ADDR SECONDS WHAT: 20 Mbit/s from FROM to TO for SECONDS; TO receives
# at most 5 Mbit/s (i-a's peak) and more than 64 kbit/s (its baseline): WHAT is the cap.
at_peak() {
	local rx took got
	rx=$(received "$2")
	took=$(udp_paced "$1" "$3" 20 "$4")
	got=$(($(received "$2") - rx))
	check "$5: $got bytes in ${took}s (5 Mbit/s allows $(allowed 5e6 "$took"))" \
		test "$got" -le "$(allowed 5e6 "$took")"
	check "... on its credits, above its baseline ($(allowed 64e3 "$took"))" \
		test "$got" -gt "$(allowed 64e3 "$took")"
}

# ---- inbound: 20 Mbit/s from i-c, of which i-a's 5 Mbit/s arrive ----
at_peak i-c i-a "$ip_a" 2 "i-a received at most its inbound peak"
in_a=$(estat i-a bw_in_allowance_exceeded)
check "i-a's bw_in_allowance_exceeded counted the rest: $in_a" test "$in_a" -gt 0
check_eq "i-c's outbound allowance was not the limit" 0 "$(estat i-c bw_out_allowance_exceeded)"
check_eq "i-a's outbound is a separate allowance: untouched" 0 "$(estat i-a bw_out_allowance_exceeded)"

# ---- outbound: i-a's peak, then its baseline once the credits are spent ----
at_peak i-a i-b "$ip_b" 1.5 "i-a sent at most its outbound peak"
out_a=$(estat i-a bw_out_allowance_exceeded)
check "i-a's bw_out_allowance_exceeded counted the rest: $out_a" test "$out_a" -gt 0
check_eq "i-b's inbound was not the limit" 0 "$(estat i-b bw_in_allowance_exceeded)"
# 2 burst seconds from full: 1.5 s are spent; 3 more seconds spend the rest.
udp_paced i-a "$ip_b" 20 3 >/dev/null
# From here, the time between floods (Python starting) earns credits too: count it.
start=$(date +%s%N)
rx=$(received i-b)
udp_paced i-a "$ip_b" 20 2 >/dev/null
got=$(($(received i-b) - rx))
took=$((($(date +%s%N) - start) / 1000000))
base=$(awk -v t="$took" 'BEGIN {printf "%d", 64e3 * t / 8000 + 4400}')
check "without credits i-a sends at its baseline: $got bytes in ${took} ms (64 kbit/s allows $base)" \
	test "$got" -le "$base"
check "... which is more than nothing" test "$got" -ge 1400
# EC2 counts a packet "queued or dropped": the ENI's count is what the fabric
# dropped and (some of) what waited in the queue.
exceeded=$(estat i-a bw_out_allowance_exceeded)
check "the fabric dropped no more than the ENI counted: $(fabric drop_bw_out_allowance) of $exceeded" \
	test "$(fabric drop_bw_out_allowance)" -le "$exceeded"
check "... the rest waited in the queue ($(fabric allowance_queued) queued)" \
	test $(($(fabric drop_bw_out_allowance) + $(fabric allowance_queued))) -ge "$exceeded"
check_eq "i-b sent nothing over its allowances" "0 0" \
	"$(estat i-b bw_out_allowance_exceeded) $(estat i-b bw_in_allowance_exceeded)"

# ---- one flow: EC2's 5 Gbps (5 Mbit/s here) between two c5n.18xlarge (100 Mbit/s) ----
flows=$(fabric drop_flow_limit)
rx=$(received i-b)
took=$(udp_paced i-c "$ip_b" 20 1.5)
got=$(($(received i-b) - rx))
check "one flow from i-c carried at most 5 Mbit/s: $got bytes in ${took}s (allows $(allowed 5e6 "$took"))" \
	test "$got" -le "$(allowed 5e6 "$took")"
check "... held back by the flow limit" test "$(fabric drop_flow_limit)" -gt "$flows"
check_eq "... not by an allowance" "0 0" \
	"$(estat i-c bw_out_allowance_exceeded) $(estat i-b bw_in_allowance_exceeded)"
rx=$(received i-b)
udp_paced i-c "$ip_b" 20 1.5 >/tmp/allowances.took &
took=$(udp_paced i-c "$ip_b" 20 1.5)
wait $!
got=$(($(received i-b) - rx))
check "two flows carry more than one: $got bytes in ${took}s" \
	test "$got" -gt "$(allowed 5e6 "$took")"

# ---- the internet gateway: 5 Gbps below 32 vCPUs (5 Mbit/s here) ----
# i-d, an m5.large (2 vCPUs, up to 10 Gbps), sends two flows of 20 Mbit/s (each held to
# the single-flow limit's 5) to the internet, then to i-b; an hour of credits, so that
# its peak lasts.
"$VNITRO" world set burst-seconds 3600 >/dev/null
internet_gateway
"$VNITRO" instance add i-d subnet subnet-default type m5.large >/dev/null
bring_up i-d "$(primary_eni i-d)"
ip -n i-d route add default via 172.31.0.1
ip netns exec internet busybox nc -u -l -p 9000 >/dev/null 2>&1 &
check "i-d reaches the internet" ip netns exec i-d ping -c 2 -W 2 -q "$INET_ADDR"
inet_rx() { ip -n internet -j -s link show igw0 | jq '.[0].stats64.rx.bytes'; }
# two_flows TO: two 20 Mbit/s flows from i-d to TO for 1.5 s; prints the seconds from
# the first one's start to the last one's end (Python's start-up included: an upper bound).
two_flows() {
	local start
	start=$(date +%s%N)
	udp_paced i-d "$1" 20 1.5 >/dev/null &
	udp_paced i-d "$1" 20 1.5 >/dev/null
	wait $!
	awk -v ns=$(($(date +%s%N) - start)) 'BEGIN {printf "%.3f", ns / 1e9}'
}
rx=$(inet_rx)
took=$(two_flows "$INET_ADDR")
got=$(($(inet_rx) - rx))
check "i-d sent at most 5 Mbit/s to the internet: $got bytes in ${took}s (allows $(allowed 5e6 "$took"))" \
	test "$got" -le "$(allowed 5e6 "$took")"
check "... counted in its bw_out_allowance_exceeded" test "$(estat i-d bw_out_allowance_exceeded)" -gt 0
rx=$(received i-b)
took=$(two_flows "$ip_b")
got=$(($(received i-b) - rx))
# Each flow sends for 1.5 s (Python's start-up aside, which ${took}s includes).
check "within the VPC the two flows carry more: $got bytes in 1.5 s (5 Mbit/s allows $(allowed 5e6 1.5))" \
	test "$got" -gt "$(allowed 5e6 1.5)"

# ---- a new scale applies at once, to every instance ----
check "rate scale back to 1/1" "$VNITRO" world set rate-scale 1/1
rx=$(received i-b)
took=$(udp_paced i-a "$ip_b" 20 1)
got=$(($(received i-b) - rx))
check "i-a's 64 Mbit/s baseline now carries 20 Mbit/s: $got bytes in ${took}s" \
	test "$got" -ge "$(awk -v t="$took" 'BEGIN {printf "%d", 20e6 * t / 8 * 0.7}')"

# ---- fragments: 1024 a second per ENI, counted in pps_allowance_exceeded ----
# 20000-byte datagrams leave in three fragments (MTU 9001): 1500 a second are 4500 fragments.
frames=$(link_stat i-c rx packets)
took=$(udp_paced i-b "$ip_c" 240 1.5 20000)
frames=$(($(link_stat i-c rx packets) - frames))
pps=$(estat i-b pps_allowance_exceeded)
check "i-b's fragments over 1024 a second were dropped and counted: $pps" test "$pps" -gt 0
check "i-c received at most a second's worth at once and 1024 a second: $frames in ${took}s" \
	test "$frames" -le "$(awk -v t="$took" 'BEGIN {printf "%d", 1024 + 1024 * t + 20}')"
check_eq "fragments do not touch the bandwidth allowances" "0 0" \
	"$(estat i-b bw_out_allowance_exceeded) $(estat i-c bw_in_allowance_exceeded)"
check "whole packets still pass" ip netns exec i-b ping -c 2 -W 2 -q "$ip_c"
check "... and so do fragments a second later" \
	ip netns exec i-b ping -c 2 -W 2 -q -s 12000 "$ip_c"

mapfile -t pids < <(jobs -p)
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null
summary

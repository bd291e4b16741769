#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sgflow.sh - security groups on the wire: what the default group lets through, a
# group with no inbound rule, stateful replies, rules that do not cut tracked flows,
# group references, ICMP errors related to a flow, tracking timeouts (EC2's defaults,
# then an ENI's own), the counters (vnitro eni show, ethtool -S) and EFA with and
# without the self-referencing rule.
#
#   vpc-default 172.31.0.0/16, default group D (all in from D, all out)
#     subnet-default 172.31.0.0/20
#       i-a: eth0 (D)     i-b: eth0 (D, then web)     EFA ENIs of i-a and i-b (D, then efa)
#   web: nothing in until rules are added; efa: TCP in from the VPC, all out
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

default_of() {
	"$VNITRO" -j sg show | jq -r --arg v "$1" '.[] | select(.vpc == $v and .name == "default") | .id'
}
field() { "$VNITRO" -j eni show "$1" | jq -r ".[0].$2"; }
pings() { ip netns exec "$1" ping -c "${3:-1}" -W 2 -q "$2" >/dev/null 2>&1; }
advance() { echo "$1" >/sys/kernel/debug/vnitro/conntrack_advance; }
fails() { ! "$@"; }

two_instances
eni_a=$(primary_eni i-a)
eni_b=$(primary_eni i-b)
D=$(default_of vpc-default)

check "the default group: its members reach each other" pings i-a "$ip_b" 2
check "  ... both ways" pings i-b "$ip_a" 2
check "a flow is tracked on each side" test "$(field "$eni_a" conntrack_tracked)" -ge 1
check_eq "nothing dropped yet" "0 0" "$(field "$eni_b" sg_ingress_dropped) $(field "$eni_b" sg_egress_dropped)"

# A group with no inbound rule: what EC2 gives a new group.
check "sg add web" sh -c "'$VNITRO' sg add sg-0e0 vpc vpc-default name web >/dev/null"
check "i-b's ENI gets only web" "$VNITRO" eni set "$eni_b" security-groups sg-0e0
check "no inbound rule: i-a's ping does not reach i-b" sh -c "! ip netns exec i-a ping -c 1 -W 2 -q $ip_b"
check "  ... counted as an ingress drop on i-b's ENI" test "$(field "$eni_b" sg_ingress_dropped)" -ge 1
check_match "  ... which vnitro eni show prints" 'sg-dropped ingress [1-9]' "$("$VNITRO" eni show "$eni_b")"
d0=$(field "$eni_a" sg_ingress_dropped)
check "i-b, no longer in D, does not reach i-a: D lets in its members only" \
	sh -c "! ip netns exec i-b ping -c 1 -W 2 -q $ip_a"
check "  ... refused on i-a's way in" test "$(field "$eni_a" sg_ingress_dropped)" -gt "$d0"

check "rule add web ingress icmp from the VPC" \
	"$VNITRO" sg rule add sg-0e0 ingress proto icmp cidr 172.31.0.0/16
check "now i-a's ping gets through" pings i-a "$ip_b" 2
check "rule add web ingress tcp 7000 from the VPC" \
	"$VNITRO" sg rule add sg-0e0 ingress proto tcp port 7000 cidr 172.31.0.0/16
check "TCP to port 7000 of i-b, 1 MiB intact" tcp_copy i-a i-b "$ip_b"
ip netns exec i-b timeout 6 busybox nc -l -p 7001 >/dev/null 2>&1 &
wait_listen i-b 7001
check "TCP to port 7001 (no rule) does not connect" \
	sh -c "! ip netns exec i-a timeout 4 bash -c 'echo x > /dev/tcp/$ip_b/7001' 2>/dev/null"
wait

# Stateful: with no outbound rule at all, web still answers what it let in.
check "rule del web's only egress rule (all to 0.0.0.0/0)" \
	"$VNITRO" sg rule del sg-0e0 egress proto all cidr 0.0.0.0/0
check "i-a -> i-b: the echo replies leave i-b as a tracked flow's" pings i-a "$ip_b" 2
e0=$(field "$eni_b" sg_egress_dropped)
check "i-b -> i-a: refused on the way out" sh -c "! ip netns exec i-b ping -c 1 -W 2 -q $ip_a"
check "  ... counted as an egress drop" test "$(field "$eni_b" sg_egress_dropped)" -gt "$e0"

# Removing a rule does not cut a tracked flow (EC2), but a new flow needs a rule.
ip netns exec i-a ping -i 0.2 -w 8 "$ip_b" >/tmp/sgflow.ping 2>&1 &
pid=$!
sleep 2
check "rule del web ingress icmp while i-a pings" \
	"$VNITRO" sg rule del sg-0e0 ingress proto icmp cidr 172.31.0.0/16
check "a new ping (another ICMP id: another flow) is refused" \
	sh -c "! ip netns exec i-a ping -c 1 -W 2 -q $ip_b"
wait "$pid"
check_match "the running ping lost nothing" ' 0% packet loss' "$(cat /tmp/sgflow.ping)"

# A rule naming a group matches its members' addresses.
check "rule add web ingress all from the default group" \
	"$VNITRO" sg rule add sg-0e0 ingress proto all sg "$D"
check "i-a (a member of D) gets through" pings i-a "$ip_b" 2
check "rule del it again" "$VNITRO" sg rule del sg-0e0 ingress proto all sg "$D"

# A UDP flow's idle timeout (30 s; time moved on through debugfs).
check "rule add web ingress udp 9000 from the VPC" \
	"$VNITRO" sg rule add sg-0e0 ingress proto udp port 9000 cidr 172.31.0.0/16
# udp_reply SKEW: i-a sends from port 5353 to i-b:9000; i-b answers to 5353 after
# SKEW seconds of tracking time; true if i-a got the answer.
udp_reply() {
	rm -f /tmp/sgflow.udp /tmp/sgflow.sent
	ip netns exec i-a python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 5353)); s.settimeout(20)
s.sendto(b"ping", (sys.argv[1], 9000))
open("/tmp/sgflow.sent", "w").close()
try:
    print(s.recv(16).decode())
except socket.timeout:
    pass' "$ip_b" >/tmp/sgflow.udp &
	local r=$! i
	# The ping must have left before time moves on (a slow VM starts python late).
	for ((i = 0; i < 100; i++)); do [[ -e /tmp/sgflow.sent ]] && break; sleep 0.1; done
	[[ $1 -gt 0 ]] && advance "$1"
	ip netns exec i-b python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 9000))
s.sendto(b"pong", (sys.argv[1], 5353))' "$ip_a"
	sleep 1
	kill "$r" 2>/dev/null
	wait "$r"
	grep -q pong /tmp/sgflow.udp
}
check "a UDP reply within the timeout is let out of i-b (tracked)" udp_reply 0
advance 60
check "after 31 idle seconds the flow is gone: the reply is refused" \
	fails udp_reply 31

# ethtool -S: ENA's conntrack counters.
out=$(ip netns exec i-b ethtool -S eth0)
avail=$(awk '$1 == "conntrack_allowance_available:" {print $2}' <<<"$out")
check "ethtool -S conntrack_allowance_available = max - tracked ($avail)" test "$avail" -eq \
	"$(( $(field "$eni_b" conntrack_max) - $(field "$eni_b" conntrack_tracked) ))"
check_match "ethtool -S conntrack_allowance_exceeded" 'conntrack_allowance_exceeded: 0' "$out"
check "give i-b back the default group" "$VNITRO" eni set "$eni_b" security-groups "$D"

# Isolation: a plain user can neither read nor change the groups.
check_err "a plain user cannot add a rule" 'Operation not permitted' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VNITRO" sg rule add "$D" ingress proto all cidr 0.0.0.0/0
check_err "nor list the groups" 'Operation not permitted' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VNITRO" sg show

# EFA: EC2's pitfall. A group without the self-referencing rule stops EFA traffic.
export FI_EFA_ENABLE_SHM_TRANSFER=0
efa_eni i-a
efa_eni i-b
efa_a=$("$VNITRO" -j eni show | jq -r '.[] | select(.instance == "i-a" and .type == "efa") | .id')
efa_b=$("$VNITRO" -j eni show | jq -r '.[] | select(.instance == "i-b" and .type == "efa") | .id')
pingpong() {
	ip netns exec i-a timeout "$1" fi_pingpong -p efa -e rdm -I 20 -S 1024 >/tmp/sgflow.pp.s 2>&1 &
	local s=$! rc
	sleep 2
	ip netns exec i-b timeout "$1" fi_pingpong -p efa -e rdm -I 20 -S 1024 "$ip_a" >/tmp/sgflow.pp.c 2>&1
	rc=$?
	wait "$s" && [[ $rc -eq 0 ]]
}
check "fi_pingpong -p efa with the default group (all traffic from itself)" pingpong 60
check "sg add efa: TCP in from the VPC, all out, no self-reference" sh -c \
	"'$VNITRO' sg add sg-0ef vpc vpc-default name efa >/dev/null &&
	 '$VNITRO' sg rule add sg-0ef ingress proto tcp port 0-65535 cidr 172.31.0.0/16"
check "both EFA ENIs get only efa" sh -c \
	"'$VNITRO' eni set $efa_a security-groups sg-0ef && '$VNITRO' eni set $efa_b security-groups sg-0ef"
check "fi_pingpong -p efa now fails: the EFA's group does not allow all traffic from itself" \
	fails pingpong 20
check "  ... refused on the EFA ENI's way in" test "$(field "$efa_a" sg_ingress_dropped)" -gt 0
check "rule add efa ingress all from sg efa (the self-referencing rule)" \
	"$VNITRO" sg rule add sg-0ef ingress proto all sg sg-0ef
check "fi_pingpong -p efa works again" pingpong 60

# Per-ENI tracking timeouts (EC2's UdpTimeout: 30 to 60 s). i-b in web again: UDP 9000
# in, nothing out but tracked flows; i-a lets i-b (no longer in D) in only as tracked.
check "i-b's ENI gets only web again" "$VNITRO" eni set "$eni_b" security-groups sg-0e0
check_err "udp-timeout 61 is refused, naming EC2's range" '30 to 60' \
	"$VNITRO" eni set "$eni_b" udp-stream-timeout 120 udp-timeout 61
check_eq "  ... and nothing changed (the stream timeout with it)" "180 30" \
	"$(field "$eni_b" udp_stream_timeout) $(field "$eni_b" udp_timeout)"
check "udp-timeout 60 on both ends' ENIs" sh -c \
	"'$VNITRO' eni set $eni_a udp-timeout 60 >/dev/null && '$VNITRO' eni set $eni_b udp-timeout 60 >/dev/null"
check_eq "vnitro -j eni show: udp_timeout 60" "60" "$(field "$eni_b" udp_timeout)"
check_match "vnitro eni show names the timeouts" 'conntrack-timeouts tcp-established 432000 udp-stream 180 udp 60' \
	"$("$VNITRO" eni show "$eni_b")"
advance 61
check "a UDP reply after 45 idle seconds now passes (timeout 60)" udp_reply 45
advance 61
check "after 61 idle seconds the reply is refused" \
	fails udp_reply 61
check "i-b back to the default group" "$VNITRO" eni set "$eni_b" security-groups "$D"
check_eq "no kernel splat" "" "$(splats)"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xdp.sh - native XDP on the ENA netdev: every action on traffic, ena's counters, MTU and channel rules.
#
#   +------ i-a ------+                +---------------- i-b ----------------+
#   | eth0            | -- fabric -->  | eth0  <- XDP program under test     |
#   | udp_probe/ping  | <-- XDP_TX --  |   | REDIRECT (devmap) ---> vb0 ~ vb1 |  (veth pair)
#   +-----------------+                |   | REDIRECT (devmap) ---> eth1      |  (second ENI)
#                                      |   | REDIRECT (cpumap) ---> stack     |
#                                      |   | REDIRECT (xskmap) ---> xdp_xsk   |  (AF_XDP, copy)
#                                      +-------------------------------------+
# The programs are selftests/bpf/*.bpf.c; xdp_load attaches them in native mode.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

bpf=$VNITRO_TOP/selftests/bpf
if [[ ! -x $bpf/xdp_load || ! -f $bpf/xdp_pass.bpf.o ]]; then
	skip "the XDP programs are not built (make -C selftests/net)"
	summary
	exit
fi
if (($(nproc) < 2)); then
	# ena gives XDP TX queues half of the channels: one CPU, one channel, no XDP.
	skip "XDP needs at least 2 CPUs (VNITRO_SMP=2 or more)"
	summary
	exit
fi

two_instances
ib() { ip netns exec i-b "$@"; }
ia() { ip netns exec i-a "$@"; }
load() { ib "$bpf/xdp_load" attach "$@"; }
# rx NAME [IF]: queue_N_rx_NAME summed over the RX queues (RSS spreads flows).
rx() { ib ethtool -S "${2:-eth0}" | awk -v re="^queue_[0-9]+_rx_$1:\$" '$1 ~ re {s += $2} END {print s + 0}'; }
# xdptx [IF]: queue_N_xdp_tx_cnt summed over the XDP TX queues; empty when there is none.
xdptx() { ib ethtool -S "${1:-eth0}" | awk '$1 ~ /^queue_[0-9]+_xdp_tx_cnt:$/ {s += $2; n++} END {if (n) print s}'; }
probe() { ia "$bpf/udp_probe" "$ip_b" "$@"; }
max=$(ib ethtool -l eth0 | awk '/^Pre-set/ {p = 1} p && /^Combined/ {print $2; exit}')
half=$((max / 2))
# No ARP during the suite (the VPC's replies arrive on eth0 too): the frames
# i-b's eth0 sees are exactly the ones i-a sends.
ia ip neigh replace "$ip_b" lladdr "$(ib cat /sys/class/net/eth0/address)" dev eth0 nud permanent
ib ip neigh replace "$ip_a" lladdr "$(ia cat /sys/class/net/eth0/address)" dev eth0 nud permanent

# ---- attaching: ena's rules ----
check_err "attach refused while every channel is an I/O queue (ena: XDP TX needs half)" \
	'no enough space for allocating XDP queues' load eth0 "$bpf/xdp_pass.bpf.o" xdp_pass
check_eq "refusal left no program" "" "$(ib ip link show eth0 | grep -o 'prog/xdp')"
check "ethtool -L combined $half (max $max)" ib ethtool -L eth0 combined "$half"
check "ip link set dev eth0 xdpdrv obj xdp_pass.bpf.o sec xdp" \
	ib ip link set dev eth0 xdpdrv obj "$bpf/xdp_pass.bpf.o" sec xdp
check_match "ip link shows native xdp and the program id" 'mtu 1500 xdp .*prog/xdp id [0-9]+' \
	"$(ib ip link show eth0 | tr '\n' ' ')"
names=$(ib ethtool -S eth0 | sed -n 's/^ *\([a-z0-9_]*\):.*/\1/p')
check_eq "ethtool -S: one XDP TX queue per channel, numbered after them (queue_${half}_xdp_tx_*)" \
	"$half" "$(grep -c '^queue_[0-9]*_xdp_tx_cnt$' <<<"$names")"
check_match "XDP TX queue counters use ena's TX names" "^queue_${half}_xdp_tx_bytes\$" "$names"
check_eq "34 counters per queue pair plus 15 per XDP TX queue" $((18 + 34 * half + 15 * half + 5)) \
	"$(wc -l <<<"$names")"
check_err "ethtool -L above half is refused while XDP is on" 'Invalid argument' \
	ib ethtool -L eth0 combined "$max"

# ---- the actions, on traffic ----
pass0=$(rx xdp_pass) cnt0=$(rx cnt)
check "XDP_PASS: ping gets replies" ia ping -c 5 -i 0.2 -W 2 -q "$ip_b"
check_eq "xdp_pass counts the 5 requests" $((pass0 + 5)) "$(rx xdp_pass)"
check_eq "rx_cnt counts them too" $((cnt0 + 5)) "$(rx cnt)"

check "attach xdp_drop (replacing xdp_pass)" load eth0 "$bpf/xdp_drop.bpf.o" xdp_drop
drop0=$(rx xdp_drop) cnt0=$(rx cnt)
check_eq "XDP_DROP: no reply" "sent 20 received 0" "$(probe 20)"
check_eq "xdp_drop counts exactly the 20 frames sent" $((drop0 + 20)) "$(rx xdp_drop)"
check_eq "rx_cnt counts dropped frames as ena does" $((cnt0 + 20)) "$(rx cnt)"
check "ping fails under xdp_drop" sh -c "! ip netns exec i-a ping -c 2 -W 1 -q $ip_b"

check "attach xdp_tx" load eth0 "$bpf/xdp_tx.bpf.o" xdp_tx
tx0=$(rx xdp_tx) txq0=$(xdptx)
check_eq "XDP_TX: the sender gets its 20 frames back" "sent 20 received 20" "$(probe 20)"
check_eq "xdp_tx counts them" $((tx0 + 20)) "$(rx xdp_tx)"
check_eq "they left through the XDP TX queues" $((txq0 + 20)) "$(xdptx)"

check "attach xdp_aborted" load eth0 "$bpf/xdp_aborted.bpf.o" xdp_aborted
tracing=/sys/kernel/tracing
[[ -d $tracing/events ]] || mount -t tracefs nodev "$tracing" 2>/dev/null
echo 1 >"$tracing/events/xdp/xdp_exception/enable" 2>/dev/null
echo >"$tracing/trace" 2>/dev/null
ab0=$(rx xdp_aborted)
check_eq "XDP_ABORTED: frames dropped" "sent 7 received 0" "$(probe 7)"
check_eq "xdp_aborted counts them" $((ab0 + 7)) "$(rx xdp_aborted)"
if [[ -r $tracing/trace ]]; then
	check_eq "trace_xdp_exception fired for each" 7 "$(grep -c 'xdp_exception:.*action=ABORTED' "$tracing/trace")"
	echo 0 >"$tracing/events/xdp/xdp_exception/enable"
else
	skip "tracefs not available: xdp_exception not observed"
fi

check "attach a program returning an unknown action" load eth0 "$bpf/xdp_aborted.bpf.o" xdp_invalid
inv0=$(rx xdp_invalid)
check_eq "unknown action: frames dropped" "sent 3 received 0" "$(probe 3)"
check_eq "xdp_invalid counts them" $((inv0 + 3)) "$(rx xdp_invalid)"

# ---- XDP_REDIRECT ----
check "attach xdp_redirect_reflect, devmap[0] = eth0 itself" \
	load eth0 "$bpf/xdp_redirect.bpf.o" xdp_redirect_reflect devmap tx_port 0 eth0
rd0=$(rx xdp_redirect) txq0=$(xdptx)
check_eq "REDIRECT to the ENI (ndo_xdp_xmit): the sender gets its frames back" \
	"sent 10 received 10" "$(probe 10)"
check_eq "xdp_redirect counts them" $((rd0 + 10)) "$(rx xdp_redirect)"
check_eq "ndo_xdp_xmit sent them on an XDP TX queue" $((txq0 + 10)) "$(xdptx)"

ib ip link add vb0 type veth peer name vb1
for v in vb0 vb1; do ib sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1"; done
ib ethtool -K vb1 gro on >/dev/null	# veth takes redirected frames only with NAPI on the peer
ib ip link set vb0 up
ib ip link set vb1 up
check "attach xdp_redirect, devmap[0] = vb0 (a veth)" \
	load eth0 "$bpf/xdp_redirect.bpf.o" xdp_redirect devmap tx_port 0 vb0
vb0rx=$(ib cat /sys/class/net/vb1/statistics/rx_packets)
probe 12 >/dev/null
check_eq "REDIRECT to another device: the 12 frames show up on vb1" $((vb0rx + 12)) \
	"$(ib cat /sys/class/net/vb1/statistics/rx_packets)"

eni1=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
"$VNITRO" eni attach "$eni1" instance i-b index 1 >/dev/null
# Frames turned around on eth0 leave eth1 with eth0's addresses as source:
# foreign to eth1's ENI, so its source/dest check (on by default) would drop them.
"$VNITRO" eni set "$eni1" source-dest-check off >/dev/null
ib ip link set eth1 up
ib ethtool -L eth1 combined "$half"
check "attach xdp_redirect_reflect, devmap[0] = eth1 (a second ENI)" \
	load eth0 "$bpf/xdp_redirect.bpf.o" xdp_redirect_reflect devmap tx_port 0 eth1
rd0=$(rx xdp_redirect)
probe 4 >/dev/null
check_eq "eth1 without a program has no XDP TX queue: nothing left it (ena: -ENXIO)" "" \
	"$(xdptx eth1)"
check_eq "the redirects still counted on eth0" $((rd0 + 4)) "$(rx xdp_redirect)"
check "attach xdp_pass on eth1" load eth1 "$bpf/xdp_pass.bpf.o" xdp_pass
# The reflected frames leave eth1 under eth0's MAC: the VPC's anti-spoofing drops
# them (a frame an ENI sends carries that ENI's MAC, or goes nowhere), whatever
# the source/dest check says; vnitro counts them as the XDP TX queue's drops.
mount -t debugfs none /sys/kernel/debug 2>/dev/null
spoofed0=$(awk '$1 == "drop_spoofed_mac:" {print $2}' /sys/kernel/debug/vnitro/fabric)
probe 6 >/dev/null
check_eq "REDIRECT to a second ENI: eth1's XDP TX queue took the 6 frames, under eth0's MAC" \
	"$((spoofed0 + 6)) 0" \
	"$(awk '$1 == "drop_spoofed_mac:" {print $2}' /sys/kernel/debug/vnitro/fabric) $(xdptx eth1)"

check "attach xdp_redirect_cpu, cpumap[0] qsize 192" \
	load eth0 "$bpf/xdp_redirect.bpf.o" xdp_redirect_cpu cpumap cpu_map 0 192
rd0=$(rx xdp_redirect)
check "REDIRECT to a CPU (cpumap): ping gets replies" ia ping -c 4 -i 0.2 -W 2 -q "$ip_b"
check_eq "xdp_redirect counts the 4 requests" $((rd0 + 4)) "$(rx xdp_redirect)"

# AF_XDP in copy mode: xdp_xsk attaches its own program and binds to queue 0.
check "detach before AF_XDP" ib "$bpf/xdp_load" detach eth0
# One socket, on queue 0: RSS sends every flow there for the test.
ib ethtool -X eth0 equal 1
ib timeout 60 "$bpf/xdp_xsk" eth0 0 15 5000 "$bpf/xdp_xsk.bpf.o" >/tmp/xsk.out 2>&1 &
xsk=$!
for _ in $(seq 50); do grep -q ready /tmp/xsk.out && break; sleep 0.2; done
check_match "AF_XDP socket bound in copy mode" '^ready' "$(cat /tmp/xsk.out)"
probe 15 >/dev/null
wait "$xsk"
check_match "REDIRECT to an xskmap: the socket received the 15 frames" '^received 15$' "$(cat /tmp/xsk.out)"
# Its program went with it: the queues came up again with fresh counters (ena_up).
check_eq "xdp_xsk detached: xdp_redirect starts from zero again" 0 "$(rx xdp_redirect)"
ib ethtool -X eth0 default

# ---- MTU: ENA_XDP_MAX_MTU for programs without xdp.frags ----
check "attach xdp_pass" load eth0 "$bpf/xdp_pass.bpf.o" xdp_pass
check_match "max_mtu is ENA_XDP_MAX_MTU (3498) with the program" 'maxmtu 3498' "$(ib ip -d link show eth0)"
check_err "MTU 9001 refused with the program attached" 'mtu greater than device maximum' \
	ib ip link set dev eth0 mtu 9001
check_match "MTU unchanged" 'mtu 1500 ' "$(ib ip link show eth0)"
check "MTU 3498 accepted" ib ip link set dev eth0 mtu 3498
check "ip link set dev eth0 xdp off" ib ip link set dev eth0 xdp off
check_match "max_mtu back to 9216" 'maxmtu 9216' "$(ib ip -d link show eth0)"
check_eq "no XDP TX queue counters once detached" 0 \
	"$(ib ethtool -S eth0 | grep -c '_xdp_tx_cnt:')"
check "MTU 9001 on both ends" sh -c "ip -n i-a link set eth0 mtu 9001 && ip -n i-b link set eth0 mtu 9001"
check_err "a program without xdp.frags is refused at MTU 9001" \
	'current MTU is larger than the maximum allowed MTU' load eth0 "$bpf/xdp_pass.bpf.o" xdp_pass
check "an xdp.frags program is accepted at MTU 9001" load eth0 "$bpf/xdp_pass.bpf.o" xdp_pass_frags
check_match "max_mtu stays 9216 for it" 'maxmtu 9216' "$(ib ip -d link show eth0)"
pass0=$(rx xdp_pass)
check "multi-buffer XDP_PASS: 8000-byte pings" ia ping -c 3 -s 8000 -W 2 -q "$ip_b"
check_eq "xdp_pass counts them" $((pass0 + 3)) "$(rx xdp_pass)"
check "attach xdp_tx_frags" load eth0 "$bpf/xdp_tx.bpf.o" xdp_tx_frags
check_eq "multi-buffer XDP_TX: 8000-byte datagrams come back whole" "sent 5 received 5" "$(probe 5 8000)"

# ---- detach restores traffic; attach/detach under traffic ----
check "detach with xdp_load" ib "$bpf/xdp_load" detach eth0
check "traffic flows with no program" ia ping -c 3 -i 0.2 -W 2 -q "$ip_b"
# As ena_xdp_set, the first program and the removal of the last each take
# the queues down and up: what is in the rings then is lost, the rest flows.
down0=$(ib ethtool -S eth0 | awk '$1 == "interface_down:" {print $2}')
ia ping -f -c 2000 -s 1000 "$ip_b" >/tmp/flood.out 2>&1 &
flood=$!
for _ in 1 2 3 4 5; do
	load eth0 "$bpf/xdp_pass.bpf.o" xdp_pass_frags >/dev/null
	ib "$bpf/xdp_load" detach eth0
done
wait "$flood"
check_match "attach/detach under a ping flood: the flood ran to the end" '2000 packets transmitted' \
	"$(cat /tmp/flood.out)"
check_eq "each attach and detach took the queues down and up" $((down0 + 10)) \
	"$(ib ethtool -S eth0 | awk '$1 == "interface_down:" {print $2}')"
check_match "traffic flows on, nothing lost" ' 0% packet loss' "$(ia ping -c 20 -i 0.05 -W 2 -q "$ip_b")"

# ---- teardown with programs attached ----
check "attach xdp_tx, then detach the ENI carrying a program (eth1 has xdp_pass)" \
	sh -c "ip netns exec i-b $bpf/xdp_load attach eth0 $bpf/xdp_tx.bpf.o xdp_tx_frags >/dev/null &&
	       $VNITRO eni detach $eni1"
check "rmmod with a program attached" rmmod vnitro
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tso.sh - TCP segmentation offload: off and fixed as on EC2, and what a device
# that offers it (tso=1) does with TSO frames on the way to each kind of receiver,
# including one running an XDP program (which sees wire frames, never a TSO frame).
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  tso on    | -- fabric -> | eth0  gro/rx-csum on|off, MTU 1500|9001 |
#   +-----------------+              +-----------------+   (TCP over IPv4 and IPv6)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

param=/sys/module/vnitro/parameters/tso
k=$(ethtool -k eth0)
check_match "EC2's ENA: tcp-segmentation-offload off" '^tcp-segmentation-offload: off' "$k"
check_match "... and fixed, the device does not offer it" 'tx-tcp-segmentation: off \[fixed\]' "$k"
check_match "so it cannot be turned on" 'Could not change any device features' "$(ethtool -K eth0 tso on 2>&1)"

check "a device with TSO for the ENIs attached next (tso=1)" sh -c "echo 1 > $param"
two_instances
k=$(ip netns exec i-a ethtool -k eth0)
check_match "tso=1: tcp-segmentation-offload on" '^tcp-segmentation-offload: on' "$k"
check_match "... TSO6 too" 'tx-tcp6-segmentation: on' "$k"
check_match "... and it can be turned off" 'tx-tcp-segmentation: on$' "$k"

link_stat() { ip netns exec "$1" ip -j -s link show eth0 | jq ".[0].stats64.$2.packets"; }

# copy: tcp_copy, and the wire frames the receiver counted per frame the sender sent.
copy() {
	local tx rx
	tx=$(link_stat i-a tx) rx=$(link_stat i-b rx)
	ratio=0 rxd=0 txd=0
	tcp_copy i-a i-b "$ip_b" || return
	rxd=$(($(link_stat i-b rx) - rx)) txd=$(($(link_stat i-a tx) - tx))
	ratio=$((rxd / txd))
}

check "TCP, byte-exact, receiver with GRO and rx checksumming (frames kept whole)" copy
check "the sender sent TSO frames: the receiver counted more wire frames than frames sent" \
	test "$rxd" -gt "$txd"

# Issue 12, defect 9: a TSO frame kept whole must never reach skb_checksum_help,
# which refuses (and WARNs on) GSO skbs: not when the receiver turns rx checksumming
# off while such frames wait in its ring, nor when a fault corrupts one.
mount -t debugfs none /sys/kernel/debug 2>/dev/null
nq_b=$(ip netns exec i-b ethtool -l eth0 | awk '/^Current/ {c = 1} c && /^Combined/ {print $2}')
each_q() { local q; for ((q = 0; q < nq_b; q++)); do echo "$2" >"$(fault_dir i-b "$q")/$1"; done; }
ring_b() {
	local q
	for ((q = 0; q < nq_b; q++)); do
		awk '$1 == "rx_ring:" {split($2, f, "/"); print f[1]}' "$(fault_dir i-b "$q")/irq"
	done | awk '{s += $1} END {print s + 0}'
}
# burst BEFORE AFTER: 1 MiB over a TCP connection that is up before BEFORE runs (so
# the handshake does not meet it), AFTER once the data is on its way; compared.
burst() {
	rm -f /tmp/tso_go && mkfifo /tmp/tso_go
	head -c 1048576 /dev/urandom >/tmp/tso_burst.tx
	ip netns exec i-b sh -c 'timeout 30 busybox nc -l -p 7001 > /tmp/tso_burst.rx' &
	local srv=$!
	wait_listen i-b 7001
	ip netns exec i-a bash -c "exec 3<>/dev/tcp/$ip_b/7001 && read -r _ </tmp/tso_go &&
		cat /tmp/tso_burst.tx >&3" &
	local cli=$!
	sleep 1
	eval "$1"
	echo go >/tmp/tso_go
	sleep 2
	eval "$2"
	wait "$cli" && wait "$srv" && cmp /tmp/tso_burst.tx /tmp/tso_burst.rx
}
check "TCP, byte-exact: TSO frames that waited in a stalled ring while rx checksumming went off" \
	burst 'each_q rx_stall 1' \
	'echo "#   $(ring_b) frames waiting"; ip netns exec i-b ethtool -K eth0 rx off; each_q rx_stall 0'
ip netns exec i-b ethtool -K eth0 rx on
check "TCP, byte-exact, through corrupted TSO frames (dropped whole, resent)" \
	burst 'each_q rx_corrupt 2' ''
left=$(for ((q = 0; q < nq_b; q++)); do cat "$(fault_dir i-b "$q")/rx_corrupt"; done | awk '{s += $1} END {print s + 0}')
check "frames were corrupted ($((2 * nq_b - left)) of $((2 * nq_b)) faults used)" test "$left" -lt $((2 * nq_b))
each_q rx_corrupt 0

check "receiver turns GRO off" ip netns exec i-b ethtool -K eth0 gro off
check "TCP, byte-exact: TSO frames cut into wire frames for it" copy
check "... still more wire frames than frames sent" test "$rxd" -gt "$txd"
check "receiver turns rx checksumming off too" ip netns exec i-b ethtool -K eth0 rx off
check "TCP, byte-exact: cut frames carry correct checksums" copy
ip netns exec i-b ethtool -K eth0 gro on rx on

check "sender MTU 9001, receiver 1500" sh -c 'ip netns exec i-a ip link set eth0 mtu 9001 &&
	ip netns exec i-b ip link set eth0 mtu 1500'
check "TCP, byte-exact: the MSS follows the smaller MTU" copy
check "both at 9001 (jumbo TSO)" ip netns exec i-b ip link set eth0 mtu 9001
check "TCP, byte-exact, jumbo" copy

check "sender turns TSO off" ip netns exec i-a ethtool -K eth0 tso off
check "TCP, byte-exact, segmented by the sender's stack" copy
check_eq "one wire frame per frame sent" 1 "$ratio"
ip netns exec i-a ethtool -K eth0 tso on >/dev/null

# IPv6: the VPC carries it once the VPC and the subnet have blocks and the ENIs addresses.
"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab:1200::/56 >/dev/null
"$VNITRO" subnet set subnet-default ipv6-cidr 2600:1f18:ab:1200::/64 >/dev/null
"$VNITRO" eni assign "$(primary_eni i-a)" ipv6 2600:1f18:ab:1200::a >/dev/null
"$VNITRO" eni assign "$(primary_eni i-b)" ipv6 2600:1f18:ab:1200::b >/dev/null
ip netns exec i-a ip -6 addr add 2600:1f18:ab:1200::a/64 dev eth0 nodad
ip netns exec i-b ip -6 addr add 2600:1f18:ab:1200::b/64 dev eth0 nodad
# Static neighbours all the same: no neighbour discovery reaches i-b in the XDP checks below.
mac_a=$(ip netns exec i-a cat /sys/class/net/eth0/address)
mac_b=$(ip netns exec i-b cat /sys/class/net/eth0/address)
ip netns exec i-a ip -6 neigh replace 2600:1f18:ab:1200::b lladdr "$mac_b" dev eth0 nud permanent
ip netns exec i-b ip -6 neigh replace 2600:1f18:ab:1200::a lladdr "$mac_a" dev eth0 nud permanent
copy6() {
	local tx rx
	head -c 1048576 /dev/urandom >/tmp/tso6.tx
	tx=$(link_stat i-a tx) rx=$(link_stat i-b rx)
	ip netns exec i-b timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6); s.bind(("2600:1f18:ab:1200::b", 7006)); s.listen(1)
c, _ = s.accept(); out = open("/tmp/tso6.rx", "wb")
while True:
    d = c.recv(65536)
    if not d: break
    out.write(d)' &
	wait_listen i-b 7006
	ip netns exec i-a bash -c 'cat /tmp/tso6.tx > /dev/tcp/2600:1f18:ab:1200::b/7006'
	wait
	rxd=$(($(link_stat i-b rx) - rx)) txd=$(($(link_stat i-a tx) - tx))
	ratio=$((rxd / txd))
	cmp /tmp/tso6.tx /tmp/tso6.rx
}
check "TCP over IPv6, byte-exact (TSO6)" copy6
check "TSO6 frames crossed whole: more wire frames than frames sent" test "$rxd" -gt "$txd"
# IPv6 off again: the XDP checks below count every frame i-b receives, and a
# link that goes down and up solicits a router advertisement.
"$VNITRO" eni unassign "$(primary_eni i-a)" ipv6 2600:1f18:ab:1200::a >/dev/null
"$VNITRO" eni unassign "$(primary_eni i-b)" ipv6 2600:1f18:ab:1200::b >/dev/null
"$VNITRO" subnet set subnet-default ipv6-cidr none >/dev/null
"$VNITRO" vpc set vpc-default ipv6-cidr none >/dev/null

# ---- TSO and XDP: the program runs once per wire frame ----
bpf=$VNITRO_TOP/selftests/bpf
# tcp_out_segs INSTANCE: TCP segments sent, first or again (TcpOutSegs + TcpRetransSegs;
# both count a TSO frame as its wire frames).
tcp_out_segs() { ip netns exec "$1" awk '/^Tcp:/ {if (n++) print $12 + $13}' /proc/net/snmp; }
xdp_rx() { ip netns exec i-b ethtool -S eth0 | awk -v re="^queue_[0-9]+_rx_$1:\$" '$1 ~ re {s += $2} END {print s + 0}'; }
if [[ ! -x $bpf/xdp_load || ! -f $bpf/xdp_drop.bpf.o ]]; then
	skip "TSO and XDP: the XDP programs are not built (make -C selftests/net)"
elif (($(nproc) < 2)); then
	skip "TSO and XDP: XDP needs at least 2 CPUs (VNITRO_SMP=2 or more)"
else
	# No ARP from here on (answers to i-b would meet its program too): the
	# frames i-b's eth0 receives are exactly the TCP segments i-a sends.
	ip -n i-a neigh replace "$ip_b" lladdr "$mac_b" dev eth0 nud permanent
	ip -n i-b neigh replace "$ip_a" lladdr "$mac_a" dev eth0 nud permanent
	# Both at MTU 9001 here: multi-buffer programs. ena wants half the channels free for XDP.
	check "receiver: half the channels, xdp_pass_frags attached" sh -c "
		ip netns exec i-b ethtool -L eth0 combined $(($(nproc) / 2)) &&
		ip netns exec i-b $bpf/xdp_load attach eth0 $bpf/xdp_pass.bpf.o xdp_pass_frags"
	pass0=$(xdp_rx xdp_pass) rx0=$(link_stat i-b rx) tx0=$(link_stat i-a tx) segs0=$(tcp_out_segs i-a)
	check "TCP, byte-exact, through XDP_PASS" copy
	pass=$(($(xdp_rx xdp_pass) - pass0)) sent=$(($(link_stat i-a tx) - tx0))
	segs=$(($(tcp_out_segs i-a) - segs0))
	check "the sender sent TSO frames: $segs TCP segments in $sent frames" test "$segs" -gt "$sent"
	check "xdp_pass counted wire frames: $pass > 1 MiB / 9001" test "$pass" -gt $((1048576 / 9001))
	check_eq "... one per TCP segment the sender sent" "$segs" "$pass"
	check_eq "every frame received went through the program once" "$pass" \
		"$(($(link_stat i-b rx) - rx0))"

	# XDP_DROP on an established connection: the data never arrives. The
	# receiver counts what its socket gets until the sender, after trying
	# for 4 s, resets the connection (which ends the retransmissions).
	rm -f /tmp/tso_xdp.ready /tmp/tso_xdp.go /tmp/tso_xdp.done
	ip netns exec i-b timeout 30 python3 -c '
import os, socket
s = socket.socket(); s.bind(("0.0.0.0", 7002)); s.listen(1)
c, _ = s.accept(); c.settimeout(0.2); n = 0
open("/tmp/tso_xdp.ready", "w").close()
while not os.path.exists("/tmp/tso_xdp.done"):
    try:
        d = c.recv(65536)
        if not d: break
        n += len(d)
    except socket.timeout:
        pass
# A reset too: a FIN would go unanswered (the program drops the reply) and be resent.
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0"); c.close()
print(n)' >/tmp/tso_xdp.rx &
	rx_pid=$!
	wait_listen i-b 7002
	ip netns exec i-a timeout 30 python3 -c '
import os, socket, sys, time
s = socket.socket(); s.connect((sys.argv[1], 7002)); s.settimeout(2)
while not os.path.exists("/tmp/tso_xdp.go"): time.sleep(0.05)
try: s.sendall(os.urandom(1048576))
except socket.timeout: pass
time.sleep(2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0"); s.close()
time.sleep(0.5)
open("/tmp/tso_xdp.done", "w").close()' "$ip_b" &
	tx_pid=$!
	for _ in $(seq 200); do [[ -e /tmp/tso_xdp.ready ]] && break; sleep 0.1; done
	check "connection up; receiver switches to xdp_drop_frags" \
		ip netns exec i-b "$bpf/xdp_load" attach eth0 "$bpf/xdp_drop.bpf.o" xdp_drop_frags
	drop0=$(xdp_rx xdp_drop) tx0=$(link_stat i-a tx) segs0=$(tcp_out_segs i-a)
	touch /tmp/tso_xdp.go
	wait "$tx_pid" "$rx_pid"
	drop=$(($(xdp_rx xdp_drop) - drop0)) sent=$(($(link_stat i-a tx) - tx0))
	segs=$(($(tcp_out_segs i-a) - segs0))
	check_eq "XDP_DROP: nothing of the 1 MiB arrived" 0 "$(cat /tmp/tso_xdp.rx)"
	check "the sender sent TSO frames: $segs TCP segments in $sent frames" test "$segs" -gt "$sent"
	check_eq "xdp_drop counted each segment the sender sent, one wire frame each" \
		"$segs" "$drop"
	check "detach" ip netns exec i-b "$bpf/xdp_load" detach eth0
	check "TCP, byte-exact, after detaching" copy
fi

echo 0 > "$param"
summary

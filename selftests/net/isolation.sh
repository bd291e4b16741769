#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# isolation.sh - one instance cannot reach into another through the fabric (no ARP between
# instances, no frame under another MAC), and a plain host user cannot use the control plane.
#
#   +------ i-a (hostile) ------+          +------ i-b (victim) -------+
#   | eth0 $ip_a  $mac_a        |          | eth0 $ip_b  $mac_b        |
#   | raw frames (AF_PACKET)    |          | neighbour: .1 = router    |
#   +------------+--------------+          +------------+--------------+
#                |                                      |
#   =============+====== fabric: subnet-default ========+==============
#   i-a tells i-b "172.31.0.1 is at $mac_a" (unicast and gratuitous ARP replies)
#   and sends to i-b under a MAC that is not its own: the fabric drops each,
#   counts it by reason (debugfs vnitro/fabric), and i-b's caches stay right.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

# No IPv6 and static neighbours (quiet_pair): i-b receives only what a check sends.
quiet_pair
mount -t debugfs none /sys/kernel/debug 2>/dev/null
fstat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
rx_packets() { ip -n "$1" -j -s link show eth0 | jq -r '.[0].stats64.rx.packets'; }
mac_a=$(ip -n i-a -j link show eth0 | jq -r '.[0].address')
mac_b=$(ip -n i-b -j link show eth0 | jq -r '.[0].address')
router=$(ip -n i-b -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local' |
	awk -F. '{print $1 "." $2 "." $3 ".1"}')

# raw INSTANCE HEX: sends one Ethernet frame, as written, on the instance's eth0.
raw() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
s.send(bytes.fromhex(sys.argv[1]))' "$2"
}
hexmac() { tr -d : <<<"$1"; }
hexip() { local a b c d; IFS=. read -r a b c d <<<"$1"; printf '%02x%02x%02x%02x' "$a" "$b" "$c" "$d"; }
# arp_frame ETH_DST ETH_SRC OP SHA SPA THA TPA (op 1 request, 2 reply)
arp_frame() {
	printf '%s%s0806000108000604%04x%s%s%s%s' "$(hexmac "$1")" "$(hexmac "$2")" "$3" \
		"$(hexmac "$4")" "$(hexip "$5")" "$(hexmac "$6")" "$(hexip "$7")"
}

check "the fabric's counters are in debugfs" test -r /sys/kernel/debug/vnitro/fabric
# i-b learns the router's MAC the normal way: a packet to another subnet.
ip -n i-b route add default via "$router" dev eth0
ip netns exec i-b ping -c 1 -W 1 172.31.200.9 >/dev/null 2>&1
router_mac=$(ip -n i-b -j neigh show "$router" dev eth0 | jq -r '.[0].lladdr')
check_match "i-b knows the router $router at the VPC's MAC" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "$router_mac"
sleep 1.2	# past the neighbour table's locktime, so a reply could override

# ---- ARP poisoning: replies from an instance never reach another ----
drop0=$(fstat drop_arp) rx0=$(rx_packets i-b)
check "i-a sends i-b \"$router is at $mac_a\" (unicast reply)" \
	raw i-a "$(arp_frame "$mac_b" "$mac_a" 2 "$mac_a" "$router" "$mac_b" "$ip_b")"
check "... and as a gratuitous broadcast reply" \
	raw i-a "$(arp_frame ff:ff:ff:ff:ff:ff "$mac_a" 2 "$mac_a" "$router" ff:ff:ff:ff:ff:ff "$router")"
sleep 0.3
check_eq "both dropped as ARP that is not a request (drop_arp)" $((drop0 + 2)) "$(fstat drop_arp)"
check_eq "i-b received nothing" "$rx0" "$(rx_packets i-b)"
check_eq "i-b still has the router at the VPC's MAC" "$router_mac" \
	"$(ip -n i-b -j neigh show "$router" dev eth0 | jq -r '.[0].lladdr')"

# ---- a unicast ARP request to a neighbour's MAC is the VPC's to answer ----
replies0=$(fstat arp_replies) rx0=$(rx_packets i-b)
check "i-a probes $ip_b at $mac_b (unicast request, as a neighbour confirms)" \
	raw i-a "$(arp_frame "$mac_b" "$mac_a" 1 "$mac_a" "$ip_a" 00:00:00:00:00:00 "$ip_b")"
sleep 0.3
check_eq "the VPC answered it" $((replies0 + 1)) "$(fstat arp_replies)"
check_eq "i-b never saw it" "$rx0" "$(rx_packets i-b)"

# ---- anti-spoofing: an ENI sends under its own MAC or not at all ----
drop0=$(fstat drop_spoofed_mac) rx0=$(rx_packets i-b)
spoof=02:00:de:ad:be:ef
# An ICMP echo request from $ip_a to $ip_b (checksums right), under $spoof.
icmp=$(printf '4500001c000140004001xxxx%s%s0800f7ff00000000' "$(hexip "$ip_a")" "$(hexip "$ip_b")")
icmp=$(python3 -c '
import sys
h = bytearray.fromhex(sys.argv[1].replace("xxxx", "0000"))
s = sum(h[i] << 8 | h[i + 1] for i in range(0, 20, 2))
s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
h[10:12] = (~s & 0xffff).to_bytes(2, "big")
print(h.hex())' "$icmp")
check "i-a sends to i-b under $spoof" raw i-a "$(hexmac "$mac_b")$(hexmac "$spoof")0800$icmp"
check "... and as i-b itself (source $mac_b)" raw i-a "$(hexmac "$mac_b")$(hexmac "$mac_b")0800$icmp"
check "... and asks the VPC as i-b" \
	raw i-a "$(arp_frame ff:ff:ff:ff:ff:ff "$mac_b" 1 "$mac_b" "$ip_b" 00:00:00:00:00:00 "$router")"
sleep 0.3
check_eq "all three dropped as spoofed (drop_spoofed_mac)" $((drop0 + 3)) "$(fstat drop_spoofed_mac)"
check_eq "i-b received none" "$rx0" "$(rx_packets i-b)"
check "the same echo request under i-a's own MAC is delivered" \
	raw i-a "$(hexmac "$mac_b")$(hexmac "$mac_a")0800$icmp"
sleep 0.3
check_eq "i-b received it" $((rx0 + 1)) "$(rx_packets i-b)"
check "and ping still works both ways" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"

# ---- kernel safety: the ENA hands each skb on, so it refuses shared ones ----
# (ether_setup's IFF_TX_SKB_SHARING is cleared, as veth does; with it, pktgen's
# clone_skb sent one skb many times into the fabric and corrupted its lists.)
if ! modprobe pktgen 2>/dev/null; then
	skip "pktgen: no pktgen module for this kernel"
else
	pg=/proc/net/pktgen
	ip netns exec i-a sh -c "echo 'add_device eth0' >$pg/kpktgend_0"
	check "pktgen takes i-a's eth0" ip netns exec i-a test -e "$pg/eth0"
	check_err "pktgen's clone_skb is refused on it" "error|Unknown|not supported" \
		ip netns exec i-a sh -c "echo 'clone_skb 10' >$pg/eth0"
	check "clone_skb 0 is fine" ip netns exec i-a sh -c "echo 'clone_skb 0' >$pg/eth0"
	ip netns exec i-a sh -c "echo rem_device_all >$pg/kpktgend_0"
fi

# ---- kernel safety: PCI remove/rescan races ENI updates (issue 12, defect 4) ----
# An update linked a new port state while a sysfs remove deleted the port (use after
# free), and a rescan could re-probe a slot whose ENI was being detached. Both sides
# run at once here, bounded; qemu/run fails the suite on any kernel splat.
sec=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
"$VNITRO" eni attach "$sec" instance i-b index 1 >/dev/null
slot=$(eni_field "$sec" pci_slot)
(
	for ((i = 0; i < 40; i++)); do
		echo 1 >"/sys/bus/pci/devices/$slot/remove" 2>/dev/null
		echo 1 >/sys/bus/pci/rescan
	done
) &
churn=$!
for ((i = 0; i < 40; i++)); do
	"$VNITRO" eni set "$sec" source-dest-check "$( ((i % 2)) && echo on || echo off)" >/dev/null 2>&1
	"$VNITRO" eni assign "$sec" count 1 >/dev/null 2>&1
	ip2=$("$VNITRO" -j eni show "$sec" 2>/dev/null | jq -r '.[0].secondary_ips[0] // empty')
	[[ -z $ip2 ]] || "$VNITRO" eni unassign "$sec" ip "$ip2" >/dev/null 2>&1
done
wait "$churn"
echo 1 >/sys/bus/pci/rescan
check_eq "after 40 removes and rescans against 40 rounds of updates, the ENI is whole" eth1 \
	"$(eni_field "$sec" ifname)"
check "its netdev is in i-b" ip -n i-b link show eth1
check "detach and delete it" sh -c "'$VNITRO' eni detach '$sec' && '$VNITRO' eni del '$sec'"

# ---- the control plane: a plain host user can neither read nor change the world ----
# (EC2's Describe calls need credentials too.) uid 65534 with no capabilities.
for obj in instance eni vpc subnet route igw sg; do
	check_err "a plain user cannot list: vnitro $obj show" "Operation not permitted" \
		plain "$VNITRO" "$obj" show
done
check_err "a plain user cannot read one ENI" "Operation not permitted" \
	plain "$VNITRO" eni show "$(primary_eni i-b)"
check_err "a plain user cannot change one" "Operation not permitted" \
	plain "$VNITRO" eni set "$(primary_eni i-b)" description mine
check_err "nor an instance's metadata options" "Operation not permitted" \
	plain "$VNITRO" instance set i-b metadata endpoint off
check "root can" "$VNITRO" eni show "$(primary_eni i-b)"

# ---- error messages are per request: concurrent failures never see each other's ----
# Each loop asks for an ENI that does not exist; its error must name that ENI.
own_errors() {
	local id=$1 i bad=0
	for ((i = 0; i < 150; i++)); do
		[[ $("$VNITRO" eni show "$id" 2>&1) == *"\"$id\""* ]] || bad=$((bad + 1))
	done
	echo "$bad"
}
own_errors eni-0aaaaaaaaaaaaaaaa >/tmp/iso.a &
own_errors eni-0bbbbbbbbbbbbbbbb >/tmp/iso.b &
wait
check_eq "150 + 150 concurrent failing requests each got their own message" "0 0" \
	"$(cat /tmp/iso.a) $(cat /tmp/iso.b)"
check_match "the message says what is wrong" "eni-0aaaaaaaaaaaaaaaa" \
	"$("$VNITRO" eni show eni-0aaaaaaaaaaaaaaaa 2>&1)"
summary

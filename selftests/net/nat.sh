#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nat.sh - a NAT instance: a private subnet reaches the internet through it, only with its source/dest check off.
#
#   subnet-private 172.31.16.0/20             subnet-default 172.31.0.0/20 (public)
#   route 0.0.0.0/0 -> $eni_nat               route 0.0.0.0/0 -> igw-1
#   +--- i-p --------------+                  +--- i-nat ---------------------------+
#   | eth0 $ip_p           |                  | eth0 $ip_nat, ip_forward=1,         |
#   | default via .16.1    |                  | nft masquerade 172.31.16.0/20       |
#   +----------+-----------+                  +------------------+------------------+
#              |                                                 |
#   ===========+============== VPC router =======================+======== igw-1 ====+
#                                                                   netns "internet"
#                                                                   igw0 198.51.100.10
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

internet_gateway
"$VNITRO" subnet add subnet-private vpc vpc-default cidr 172.31.16.0/20 az us-east-1a >/dev/null
for inst in i-nat:subnet-default i-p:subnet-private; do
	"$VNITRO" instance add "${inst%%:*}" subnet "${inst#*:}" >/dev/null
	bring_up "${inst%%:*}" "$(primary_eni "${inst%%:*}")"
	ip netns exec "${inst%%:*}" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
done
eni_nat=$(primary_eni i-nat)
ip_nat=$(eni_field "$eni_nat" private_ip)
ip_p=$(eni_field "$(primary_eni i-p)" private_ip)
ip -n i-nat route add default via 172.31.0.1
ip -n i-p route add default via 172.31.16.1

# The NAT instance, as AWS's NAT AMI sets it up: forwarding, no redirects, masquerade.
ip netns exec i-nat sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 \
	net.ipv4.conf.eth0.send_redirects=0
ip netns exec i-nat nft -f - <<EOF
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat;
		oifname "eth0" ip saddr 172.31.16.0/20 masquerade
	}
}
EOF
# What the internet sees: packets counted by source.
ip netns exec internet nft -f - <<EOF
table ip seen {
	chain input {
		type filter hook input priority filter;
		ip saddr $ip_nat counter
		ip saddr 172.31.16.0/20 counter
	}
}
EOF
# seen N: packets the Nth rule of that chain counted (0: from $ip_nat, 1: from the private subnet).
seen() { ip netns exec internet nft -j list chain ip seen input |
	jq "[.nftables[].rule? | select(. != null) | .expr[1].counter.packets][$1]"; }
drops() { eni_field "$eni_nat" '"\(.tx_src_dst_dropped) \(.rx_src_dst_dropped)"'; }

out=$(ip netns exec i-p ping -c 2 -W 2 "$ip_nat" 2>&1)
check_match "across subnets through the VPC router: i-p reaches i-nat" " 0% packet loss" "$out"
check_match "one router on the way (TTL 64 - 1)" "ttl=63" "$out"
check_match "the private subnet's table has no way out yet" " 100% packet loss" \
	"$(ip netns exec i-p ping -c 1 -W 1 -q "$INET_ADDR" 2>&1)"

check "route 0.0.0.0/0 in subnet-private via the NAT instance's ENI" \
	"$VNITRO" route add 0.0.0.0/0 subnet subnet-private via "$eni_nat"
check_eq "the NAT ENI's source/dest check is on (EC2's default)" true "$(eni_field "$eni_nat" source_dest_check)"
read -r tx0 rx0 <<<"$(drops)"
check_match "with the check on, nothing gets through" " 100% packet loss" \
	"$(ip netns exec i-p ping -c 3 -W 1 -q "$INET_ADDR" 2>&1)"
read -r tx1 rx1 <<<"$(drops)"
check_eq "the NAT ENI counts the three it refused (rx-src-dst-dropped)" 3 "$((rx1 - rx0))"
check_match "vnitro eni show prints the drops" "src-dst-dropped tx $tx1 rx $rx1" \
	"$("$VNITRO" eni show "$eni_nat")"

check "vnitro eni set source-dest-check off" "$VNITRO" eni set "$eni_nat" source-dest-check off
out=$(ip netns exec i-p ping -c 2 -W 2 "$INET_ADDR" 2>&1)
check_match "with the check off, i-p reaches the internet" " 0% packet loss" "$out"
check_match "through two routers and the NAT instance (TTL 64 - 3)" "ttl=61" "$out"
check "TCP, 1 MiB from i-p to the internet through the NAT instance" \
	tcp_send 20 i-p internet "$INET_ADDR"
ip netns exec internet timeout 30 iperf3 -s -1 >/dev/null 2>&1 &
wait_listen internet 5201
# iperf3 -n is a minimum: in reverse mode the sender may finish its last
# block past it, so at least 1 MiB must have arrived.
got=$(ip netns exec i-p timeout 25 iperf3 -c "$INET_ADDR" -R -n 1M -J | jq '.end.sum_received.bytes')
check "a download: at least 1 MiB from the internet to i-p through the NAT (iperf3 -R; got ${got:-none})" \
	test "${got:-0}" -ge 1048576
wait
check_match "the internet saw the NAT instance's address" '^[1-9]' "$(seen 0)"
check_eq "and never a private one" 0 "$(seen 1)"
read -r tx2 rx2 <<<"$(drops)"
check_eq "no drops counted with the check off" "$tx1 $rx1" "$tx2 $rx2"

check "source-dest-check on again" "$VNITRO" eni set "$eni_nat" source-dest-check on
check_match "the path is cut again" " 100% packet loss" \
	"$(ip netns exec i-p ping -c 2 -W 1 -q "$INET_ADDR" 2>&1)"
read -r tx3 rx3 <<<"$(drops)"
check_eq "and the two refused pings are counted" 2 "$((rx3 - rx2))"
summary

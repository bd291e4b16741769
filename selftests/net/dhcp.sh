#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dhcp.sh - the VPC's DHCP server configures an instance as on EC2 (busybox udhcpc, ISC dhclient).
#
#   +------ i-a ------+        +------ i-b ------+
#   | eth0: udhcpc    |        | eth0: udhcpc    |
#   +--------+--------+        +--------+--------+
#            |   DISCOVER/REQUEST       |
#   =========+=== fabric: subnet-default 172.31.0.0/20 ===+====
#            the VPC answers: 172.31.0.x/20, router .1, DNS 172.31.0.2, MTU 9001
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

script=$(cd "$(dirname "$0")" && pwd)/udhcpc.script

# udhcpc INSTANCE: one lease on eth0, applied by our script; the values land in /tmp/udhcpc.INSTANCE.
udhcpc() {
	ip netns exec "$1" env UDHCPC_RECORD="/tmp/udhcpc.$1" \
		timeout 30 busybox udhcpc -i eth0 -n -q -f -t 3 -T 2 -s "$script" >/dev/null 2>&1
}
lease() { sed -n "s/^$2=//p" "/tmp/udhcpc.$1"; }

for inst in i-a i-b; do
	"$VNITRO" instance add "$inst" subnet subnet-default >/dev/null
	ip -n "$inst" link set lo up
	ip -n "$inst" link set eth0 up
done
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
ip_b=$(eni_field "$(primary_eni i-b)" private_ip)

check_eq "eth0 starts without an IPv4 address" "" "$(ip -n i-a -4 -o addr show dev eth0)"
check "udhcpc in i-a gets a lease" udhcpc i-a
check_eq "the address is the ENI's private IP, /20" "$ip_a/20" \
	"$(ip -n i-a -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
check_eq "the broadcast address is the subnet's" "172.31.15.255" \
	"$(ip -n i-a -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].broadcast')"
check_eq "the default route is via the subnet router .1" "172.31.0.1" \
	"$(ip -n i-a -j route show default | jq -r '.[0].gateway')"
check_eq "the interface MTU is the VPC's 9001" "9001" \
	"$(ip -n i-a -j link show eth0 | jq -r '.[0].mtu')"
check_eq "DNS is the VPC base + 2 (AmazonProvidedDNS)" "172.31.0.2" "$(lease i-a dns)"
check_eq "the domain is ec2.internal" "ec2.internal" "$(lease i-a domain)"
check_eq "the host name is EC2's ip-a-b-c-d" "ip-${ip_a//./-}" "$(lease i-a hostname)"
check_eq "the server identifier is the router" "172.31.0.1" "$(lease i-a serverid)"
check_eq "the lease lasts 3600 s" "3600" "$(lease i-a lease)"

check "udhcpc in i-b gets a lease" udhcpc i-b
check_eq "i-b's address is its ENI's" "$ip_b" \
	"$(ip -n i-b -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')"
check "ping i-a -> i-b with the leased addresses" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
check "a 9001-byte unfragmented ping crosses (8973 + 28)" \
	ip netns exec i-a ping -c 2 -W 2 -q -M do -s 8973 "$ip_b"
check "a second udhcpc run in i-a gets a lease again" udhcpc i-a
check_eq "the same address the second time" "$ip_a" \
	"$(ip -n i-a -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0].local')"

# Outside us-east-1 the domain is the region's (EC2's REGION.compute.internal).
"$VNITRO" vpc add vpc-w cidr 10.8.0.0/16 >/dev/null
"$VNITRO" subnet add subnet-w vpc vpc-w cidr 10.8.0.0/24 az us-west-2b >/dev/null
"$VNITRO" instance add i-w subnet subnet-w >/dev/null
ip -n i-w link set lo up
ip -n i-w link set eth0 up
check "udhcpc in i-w (us-west-2b) gets a lease" udhcpc i-w
check_eq "  ... the domain is us-west-2.compute.internal" "us-west-2.compute.internal" \
	"$(lease i-w domain)"

if command -v dhclient >/dev/null; then
	"$VNITRO" instance add i-c subnet subnet-default >/dev/null
	ip -n i-c link set lo up
	ip -n i-c link set eth0 up
	ip_c=$(eni_field "$(primary_eni i-c)" private_ip)
	# Leases and pid in /tmp: the root file system is read-only in the VM.
	check "dhclient in i-c gets a lease" ip netns exec i-c timeout 30 \
		dhclient -1 -lf /tmp/dhclient.leases -pf /tmp/dhclient.pid \
		-sf "$(dirname "$script")/dhclient.script" eth0
	check_eq "dhclient: address /20" "$ip_c/20" \
		"$(ip -n i-c -j -4 addr show dev eth0 | jq -r '.[0].addr_info[0] | "\(.local)/\(.prefixlen)"')"
	check_eq "dhclient: default route via .1" "172.31.0.1" \
		"$(ip -n i-c -j route show default | jq -r '.[0].gateway')"
	check_eq "dhclient: MTU 9001" "9001" "$(ip -n i-c -j link show eth0 | jq -r '.[0].mtu')"
	ip netns exec i-c dhclient -x -pf /tmp/dhclient.pid >/dev/null 2>&1
else
	skip "dhclient: isc-dhcp-client is not installed"
fi

summary

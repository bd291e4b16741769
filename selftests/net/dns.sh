#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dns.sh - the VPC's DNS resolver (vnitrod --dns: dnsmasq in the services' namespace) at the
# VPC's base + 2 and 169.254.169.253, through each instance's own ENI: EC2's private IP names
# forward and reverse, over UDP and TCP, with dig and the instance's own resolver (getent).
#
#   +-- i-a --+  +-- i-b --+        +-- i-c (vpc-w, us-west-2) --+
#   =====+== vpc-default (us-east-1) ==+=====  ======+== vpc-w ==========  fabric
#                          |
#                 vnitro-services: svc0, vnitrod --dns vnitro-services
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

two_instances
check "vpc-w in us-west-2" sh -c "'$VNITRO' vpc add vpc-w cidr 10.8.0.0/16 &&
	'$VNITRO' subnet add subnet-w vpc vpc-w cidr 10.8.0.0/24 az us-west-2a"
check "i-c in it" "$VNITRO" instance add i-c subnet subnet-w
bring_up i-c "$(primary_eni i-c)"
ip_c=$(eni_field "$(primary_eni i-c)" private_ip)
ip -n i-c route replace default via 10.8.0.1
for inst in i-a i-b; do
	ip -n "$inst" route replace default via 172.31.0.1	# what DHCP's router option gives
done
check "services add" "$VNITRO" services add
"$VNITRO_TOP/tools/vnitrod/vnitrod" --dns vnitro-services 2>/tmp/vnitrod-dns.log &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec vnitro-services ss -Hlun "sport = :53" | grep -q . && break
	sleep 0.2
done

name_b="ip-${ip_b//./-}.ec2.internal"
dig_() { local inst=$1; shift; ip netns exec "$inst" dig +time=2 +tries=1 "$@"; }
check_eq "dig @172.31.0.2 (the VPC's base + 2): i-b's name" "$ip_b" "$(dig_ i-a +short @172.31.0.2 "$name_b")"
check_eq "  ... @169.254.169.253" "$ip_b" "$(dig_ i-a +short @169.254.169.253 "$name_b")"
# TCP: vnitrod gives svc0 one address and DNATs TCP port 53 to it, since dnsmasq accepts TCP
# only on an interface's address (see dns.md); the answer still comes from the address asked.
check_eq "dig +tcp @172.31.0.2: i-b's name over TCP" "$ip_b" "$(dig_ i-a +tcp +short @172.31.0.2 "$name_b")"
check_eq "  ... @169.254.169.253, reverse" "$name_b." "$(dig_ i-a +tcp +short @169.254.169.253 -x "$ip_b")"
check_eq "  ... from the address asked" "169.254.169.253" \
	"$(dig_ i-a +tcp @169.254.169.253 "$name_b" | sed -n 's/^;; SERVER: \([0-9.]*\)#53.*/\1/p')"
check_eq "  ... the answer comes from the address asked" "172.31.0.2" \
	"$(dig_ i-a @172.31.0.2 "$name_b" | sed -n 's/^;; SERVER: \([0-9.]*\)#53.*/\1/p')"
check_eq "reverse: -x i-b's address" "$name_b." "$(dig_ i-a +short @172.31.0.2 -x "$ip_b")"
check_eq "us-west-2: REGION.compute.internal" "$ip_c" \
	"$(dig_ i-c +short @10.8.0.2 "ip-${ip_c//./-}.us-west-2.compute.internal")"
check_eq "  ... and its reverse" "ip-${ip_c//./-}.us-west-2.compute.internal." \
	"$(dig_ i-c +short @169.254.169.253 -x "$ip_c")"
check_match "a name outside the VPC: refused at once (no upstream)" "status: REFUSED" \
	"$(dig_ i-a @172.31.0.2 www.example.com)"
check_eq "getent in the instance (vnitro exec: resolv.conf has the VPC's DNS, search ec2.internal)" \
	"$ip_b" "$("$VNITRO" exec i-a getent hosts "ip-${ip_b//./-}" | awk '{print $1}')"

check "a new VPC" sh -c "'$VNITRO' vpc add vpc-n cidr 10.9.0.0/16 &&
	'$VNITRO' subnet add subnet-n vpc vpc-n cidr 10.9.0.0/24 az eu-west-1a &&
	'$VNITRO' instance add i-n subnet subnet-n"
bring_up i-n "$(primary_eni i-n)"
ip_n=$(eni_field "$(primary_eni i-n)" private_ip)
ip -n i-n route replace default via 10.9.0.1
sleep 3
check_eq "  ... resolves its names within seconds" "$ip_n" \
	"$(dig_ i-n +short @10.9.0.2 "ip-${ip_n//./-}.eu-west-1.compute.internal")"

kill "$daemon"
wait "$daemon"
check_eq "vnitrod stops cleanly" "0" "$?"
check_eq "  ... and dnsmasq with it" "" "$(pgrep -x dnsmasq)"

# --dns-forward: other names go to a resolver in the host's namespace (a dnsmasq that knows
# example.com stands in for the internet's), from the instance through the fabric.
/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts --no-resolv --pid-file= \
	--listen-address=127.0.0.1 --bind-interfaces --port=5399 --address=/example.com/192.0.2.7 &
upstream=$!
"$VNITRO_TOP/tools/vnitrod/vnitrod" --dns vnitro-services --dns-forward 127.0.0.1#5399 \
	2>/tmp/vnitrod-dns2.log &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec vnitro-services ss -Hlun "sport = :53" | grep -q . && break
	sleep 0.2
done
check_eq "--dns-forward: www.example.com from i-a, answered by the host's resolver" "192.0.2.7" \
	"$(dig_ i-a +short @172.31.0.2 www.example.com)"
check_eq "  ... the VPC's names still answered by the VPC's" "$ip_b" "$(dig_ i-a +short @169.254.169.253 "$name_b")"
kill "$daemon" "$upstream"
wait "$daemon"
check_eq "  ... vnitrod stops cleanly" "0" "$?"
summary

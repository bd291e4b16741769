#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nacl.sh - network ACLs on the wire: the default ACL, a custom ACL that denies all,
# stateless replies (the ephemeral range), rule order, traffic within a subnet, PMTUD's
# ICMP 3/4 at the internet gateway, refusals that change nothing, who may list them.
# vm: --timeout 1200
#
#   vpc-default 172.31.0.0/16, default ACL D (rule 100 allows all both ways)
#   +--- subnet-default 172.31.0.0/20 ---+      +--- subnet-b 172.31.16.0/20 ---+
#   | i-a eth0 (mtu 9001 for PMTUD)      |      | i-c eth0                      |
#   | i-b eth0                           |      |                               |
#   +------------------+-----------------+      +---------------+---------------+
#                      +===== VPC router (172.31.0.1, 172.31.16.1) ====+
#                      +===== igw-1 ===== netns "internet" igw0 198.51.100.10, mtu 1500
#
# A subnet's ACL filters what enters and leaves it, never what stays inside.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

tcp_stalls() { ! tcp_send "$@"; }
pings() { ip netns exec "$1" ping -c "${3:-1}" -W 2 -q "$2" >/dev/null 2>&1; }
no_ping() { ! pings "$@"; }
default_acl() { "$VNITRO" -j nacl show | jq -r '.[] | select(.vpc == "vpc-default" and .default) | .id'; }
acl_of() { "$VNITRO" -j subnet show | jq -r --arg s "$1" '.[] | select(.id == $s) | .nacl'; }
# TCP to port 7000 of $2 that must not get through within a few seconds.
tcp_blocked() {
	local from=$1 to=$2 addr=$3
	ip netns exec "$to" timeout 6 busybox nc -l -p 7000 >/dev/null 2>&1 &
	wait_listen "$to" 7000
	! ip netns exec "$from" timeout 4 bash -c "echo x > /dev/tcp/$addr/7000" 2>/dev/null
	local rc=$?
	wait
	return $rc
}
snapshot() {
	{
		"$VNITRO" -j nacl show
		"$VNITRO" -j subnet show
		"$VNITRO" -j vpc show
	} 2>&1
}

two_instances
internet_gateway
"$VNITRO" subnet add subnet-b vpc vpc-default cidr 172.31.16.0/20 az us-east-1a >/dev/null
"$VNITRO" instance add i-c subnet subnet-b >/dev/null
bring_up i-c "$(primary_eni i-c)"
ip_c=$(eni_field "$(primary_eni i-c)" private_ip)
for inst in i-a i-b; do ip -n "$inst" route add default via 172.31.0.1; done
ip -n i-c route add default via 172.31.16.1
D=$(default_acl)

## the default ACL

check "every VPC has a default ACL" test -n "$D"
check_eq "subnet-default is associated with it" "$D" "$(acl_of subnet-default)"
check_eq "... and so is the new subnet-b" "$D" "$(acl_of subnet-b)"
check_eq "its rules: 100 allows all both ways" \
	'[{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}] [{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}]' \
	"$("$VNITRO" -j nacl show "$D" | jq -c '.[0].ingress, .[0].egress' | paste -sd' ')"
check_match "nacl show: the * rule closes each direction" 'ingress rule \* deny proto all cidr 0.0.0.0/0' \
	"$("$VNITRO" nacl show "$D")"
check "default ACL: i-a pings i-c across subnets" pings i-a "$ip_c" 2
check "  ... and i-c pings i-a" pings i-c "$ip_a" 2
check "  ... TCP from i-a to i-c, 1 MiB intact" tcp_copy i-a i-c "$ip_c"

## a custom ACL: nothing passes until rules are added

check "nacl add acl-1 (no rules)" sh -c "'$VNITRO' nacl add acl-1 vpc vpc-default >/dev/null"
check_eq "  ... associated with no subnet yet" "$D" "$(acl_of subnet-b)"
check "nacl associate acl-1 subnet subnet-b" sh -c "'$VNITRO' nacl associate acl-1 subnet subnet-b >/dev/null"
check_match "subnet show names it" 'nacl acl-1' "$("$VNITRO" subnet show subnet-b)"
check "deny all: i-a's ping does not reach i-c" no_ping i-a "$ip_c"
check "  ... nor i-c's reach i-a" no_ping i-c "$ip_a"
check "  ... nor TCP" tcp_blocked i-a i-c "$ip_c"

## stateless: the reply needs a rule of its own

check "ingress rule 100: TCP 7000 from the VPC" \
	sh -c "'$VNITRO' nacl entry add acl-1 ingress rule 100 allow proto tcp port 7000 cidr 172.31.0.0/16 >/dev/null"
check "no egress rule: the SYN-ACK cannot leave subnet-b, TCP does not connect" \
	tcp_blocked i-a i-c "$ip_c"
check "egress rule 100: TCP to the ephemeral ports 1024-65535" \
	sh -c "'$VNITRO' nacl entry add acl-1 egress rule 100 allow proto tcp port 1024-65535 cidr 172.31.0.0/16 >/dev/null"
check "now TCP to port 7000 of i-c, 1 MiB intact" tcp_copy i-a i-c "$ip_c"
check "ping still does not pass: only TCP is allowed" no_ping i-a "$ip_c"

## rule order: the lowest number decides

check "ingress rule 90 denies TCP from subnet-default" \
	sh -c "'$VNITRO' nacl entry add acl-1 ingress rule 90 deny proto tcp port 0-65535 cidr 172.31.0.0/20 >/dev/null"
check_eq "nacl show lists 90 before 100" "90 100" \
	"$("$VNITRO" -j nacl show acl-1 | jq -r '[.[0].ingress[].rule] | join(" ")')"
check "deny 90 beats allow 100" tcp_blocked i-a i-c "$ip_c"
check "nacl entry replace 90: allow instead" \
	sh -c "'$VNITRO' nacl entry replace acl-1 ingress rule 90 allow proto tcp port 0-65535 cidr 172.31.0.0/20 >/dev/null"
check "  ... TCP passes again" tcp_copy i-a i-c "$ip_c"
check "nacl entry del ingress rule 90" sh -c "'$VNITRO' nacl entry del acl-1 ingress rule 90 >/dev/null"
check "  ... rule 100 still lets TCP 7000 in" tcp_copy i-a i-c "$ip_c"

## within a subnet: no ACL applies

check "nacl add acl-2, associated with subnet-default (deny all)" sh -c \
	"'$VNITRO' nacl add acl-2 vpc vpc-default >/dev/null && '$VNITRO' nacl associate acl-2 subnet subnet-default >/dev/null"
check "i-a pings i-b: both in subnet-default, the ACL does not see it" pings i-a "$ip_b" 2
check "  ... TCP too" tcp_copy i-a i-b "$ip_b"
check "  ... but i-a's traffic to the internet is denied on its way out" no_ping i-a "$INET_ADDR"
check "associate the default again (EC2's disassociate)" \
	sh -c "'$VNITRO' nacl associate '$D' subnet subnet-default >/dev/null"
check "  ... the internet answers again" pings i-a "$INET_ADDR" 2

## PMTUD: the gateway's ICMP 3/4 must be allowed in

"$VNITRO" eni set "$(primary_eni i-a)" mtu 9001 >/dev/null
ip -n internet route replace 172.31.0.0/16 dev igw0 advmss 8961
check "nacl add acl-3: all out, only TCP in" sh -c \
	"'$VNITRO' nacl add acl-3 vpc vpc-default >/dev/null &&
	 '$VNITRO' nacl entry add acl-3 egress rule 100 allow proto all cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl entry add acl-3 ingress rule 100 allow proto tcp port 0-65535 cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl associate acl-3 subnet subnet-default >/dev/null"
ip -n i-a route flush cache
out=$(ip netns exec i-a ping -c 2 -W 2 -M do -s 1473 "$INET_ADDR" 2>&1)
check "ping -M do -s 1473: the router's Frag needed is denied on its way in" \
	test -z "$(grep 'Frag needed' <<<"$out")"
ip -n i-a route flush cache
check "a large TCP transfer to the internet stalls (did not complete in 10 s)" \
	tcp_stalls 10 i-a internet "$INET_ADDR"
ip -n i-a route flush cache
check "ingress rule 90: ICMP type 3 code 4 from anywhere" \
	sh -c "'$VNITRO' nacl entry add acl-3 ingress rule 90 allow proto icmp icmp-type 3 code 4 cidr 0.0.0.0/0 >/dev/null"
check_match "ping -M do -s 1473: Frag needed arrives" 'Frag needed and DF set \(mtu = 1500\)' \
	"$(ip netns exec i-a ping -c 2 -W 2 -M do -s 1473 "$INET_ADDR" 2>&1)"
ip -n i-a route flush cache
check "and the transfer completes" tcp_send 20 i-a internet "$INET_ADDR"
"$VNITRO" nacl associate "$D" subnet subnet-default >/dev/null

## refusals change nothing

refuse "rule number 0" 'rule number' "$VNITRO" nacl entry add acl-1 ingress rule 0 allow proto all cidr 0.0.0.0/0
refuse "rule number 32767 (reserved)" 'rule number' \
	"$VNITRO" nacl entry add acl-1 ingress rule 32767 allow proto all cidr 0.0.0.0/0
refuse "a number twice in a direction" 'NetworkAclEntryAlreadyExists' \
	"$VNITRO" nacl entry add acl-1 ingress rule 100 deny proto all cidr 0.0.0.0/0
for n in $(seq 1 18); do
	"$VNITRO" nacl entry add acl-2 ingress rule "$n" allow proto tcp port "$n" cidr 0.0.0.0/0 >/dev/null
done
check "acl-2 takes 19 ingress rules" sh -c "'$VNITRO' nacl entry add acl-2 ingress rule 19 allow proto all cidr 0.0.0.0/0 >/dev/null"
refuse "the 20th: the quota counts the * rule" 'Rules per network ACL.*\*' \
	"$VNITRO" nacl entry add acl-2 ingress rule 20 allow proto all cidr 0.0.0.0/0
refuse "a CIDR with host bits" 'did you mean 10\.0\.0\.0/8' \
	"$VNITRO" nacl entry add acl-1 ingress rule 5 allow proto all cidr 10.0.0.1/8
refuse "tcp without ports" 'port range' "$VNITRO" nacl entry add acl-1 ingress rule 5 allow proto tcp cidr 0.0.0.0/0
refuse "replace of a missing rule" 'no ingress rule number 5' \
	"$VNITRO" nacl entry replace acl-1 ingress rule 5 allow proto all cidr 0.0.0.0/0
refuse "an unknown ACL" 'acl-99.*does not exist' "$VNITRO" nacl entry add acl-99 ingress rule 5 allow proto all cidr 0.0.0.0/0
refuse "an unknown subnet" 'subnet-none.*does not exist' "$VNITRO" nacl associate acl-1 subnet subnet-none
refuse "deleting the default ACL" 'cannot be deleted by a user' "$VNITRO" nacl del "$D"
refuse "deleting an associated ACL names the subnet" 'subnet subnet-b' "$VNITRO" nacl del acl-1
refuse "vpc del: refused while it still has subnets and custom ACLs" 'still has' "$VNITRO" vpc del vpc-default

## who may list and change them

check_err "a plain user cannot list ACLs" 'Operation not permitted' plain "$VNITRO" nacl show
refuse "a plain user cannot add an ACL" 'Operation not permitted' plain "$VNITRO" nacl add vpc vpc-default
refuse "a plain user cannot add an entry" 'Operation not permitted' \
	plain "$VNITRO" nacl entry add acl-1 ingress rule 5 allow proto all cidr 0.0.0.0/0
refuse "a plain user cannot associate" 'Operation not permitted' \
	plain "$VNITRO" nacl associate "$D" subnet subnet-b
refuse "a plain user cannot delete one" 'Operation not permitted' plain "$VNITRO" nacl del acl-2

## teardown: an ACL goes once no subnet uses it

check "associate subnet-b with the default, delete acl-1, acl-2, acl-3" sh -c \
	"'$VNITRO' nacl associate '$D' subnet subnet-b >/dev/null && '$VNITRO' nacl del acl-1 &&
	 '$VNITRO' nacl del acl-2 && '$VNITRO' nacl del acl-3"
check_eq "only the default ACL is left" "$D" "$("$VNITRO" -j nacl show | jq -r '.[].id')"

check_eq "no kernel warnings" "" "$(splats)"
summary

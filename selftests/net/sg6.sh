#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sg6.sh - security groups and network ACLs on IPv6 through the stock clients: EC2's
# "all IPv6 out" rule of the default group and rule 101 of the default ACL, IPv6 blocks
# and ICMPv6 in rules, rules per address family (an IPv4 rule opens no IPv6), stateful
# replies, group references matching members' IPv6 addresses, ACLs between subnets,
# refusals, quotas, dump/apply, and who may change them.
#
#   vpc-default 172.31.0.0/16 + 2600:1f18:ab:1200::/56, default group D, default ACL
#     subnet-default 172.31.0.0/20 + 2600:1f18:ab:1200::/64
#       i-a: eth0 (D) ::a              i-b: eth0 (D, then web) ::b
#     subnet-b 172.31.16.0/20 + 2600:1f18:ab:1201::/64 (ACL acl-6)
#       i-c: eth0 (D) ::c
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

SUB6=2600:1f18:ab:1200::/64
A6=2600:1f18:ab:1200::a
B6=2600:1f18:ab:1200::b
C6=2600:1f18:ab:1201::c
default_of() {
	"$VNITRO" -j sg show | jq -r --arg v "$1" '.[] | select(.vpc == $v and .name == "default") | .id'
}
field() { "$VNITRO" -j eni show "$1" | jq -r ".[0].$2"; }
ping6() { ip netns exec "$1" ping -6 -c "${3:-1}" -W 2 -q "$2" >/dev/null 2>&1; }
no_ping6() { ! ip netns exec "$1" ping -6 -c 1 -W 1 -q "$2" >/dev/null 2>&1; }
# tcp6_to INSTANCE ADDR PORT: a TCP connection to ADDR:PORT opens (a listener waits there).
tcp6_to() {
	ip netns exec "$1" timeout 3 bash -c "echo x > /dev/tcp/$2/$3" 2>/dev/null
}
no_tcp6_to() { ! tcp6_to "$@"; }
listen() {
	ip netns exec "$1" timeout "${3:-8}" busybox nc -l -p "$2" >/dev/null 2>&1 &
	wait_listen "$1" "$2"
}
# address INSTANCE ENI ADDR: the ENI gets ADDR, the instance configures it (DHCPv6 is ipv6.sh's).
address() {
	"$VNITRO" eni assign "$2" ipv6 "$3" >/dev/null && ip -n "$1" addr add "$3/128" dev eth0 nodad
}

"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab:1200::/56 >/dev/null
"$VNITRO" subnet set subnet-default ipv6-cidr "$SUB6" >/dev/null
two_instances
eni_a=$(primary_eni i-a)
eni_b=$(primary_eni i-b)
address i-a "$eni_a" "$A6"
address i-b "$eni_b" "$B6"
D=$(default_of vpc-default)
def_acl=$("$VNITRO" -j nacl show | jq -r '.[] | select(.vpc == "vpc-default" and .default) | .id')

## what EC2 adds with an IPv6 block

check_eq "the default group: all out to 0.0.0.0/0 and, with the block, to ::/0" \
	'[{"protocol":"all","cidr":"0.0.0.0/0"},{"protocol":"all","cidr":"::/0"}]' \
	"$("$VNITRO" -j sg show "$D" | jq -c '.[0].egress')"
check_eq "the default ACL: rule 101 allows ::/0 each way" "ingress 101 allow ::/0|egress 101 allow ::/0" \
	"$("$VNITRO" -j nacl show "$def_acl" | jq -r '.[0] | [(.ingress[] | select(.cidr == "::/0") | "ingress \(.rule) \(.action) \(.cidr)"), (.egress[] | select(.cidr == "::/0") | "egress \(.rule) \(.action) \(.cidr)")] | join("|")')"
check "default group members ping each other over IPv6" ping6 i-a "$B6" 2
check "TCP over IPv6 between them, 1 MiB" tcp_copy i-a i-b "$B6"

## a group's IPv6 rules

check "sg add web" sh -c "'$VNITRO' sg add sg-0e6 vpc vpc-default name web >/dev/null"
check_eq "a new group gets IPv4's all-out rule only" '[{"protocol":"all","cidr":"0.0.0.0/0"}]' \
	"$("$VNITRO" -j sg show sg-0e6 | jq -c '.[0].egress')"
check "i-b's ENI gets only web" "$VNITRO" eni set "$eni_b" security-groups sg-0e6
check "no inbound rule: i-a's ping -6 does not reach i-b" no_ping6 i-a "$B6"
check "  ... counted as an ingress drop on i-b's ENI" test "$(field "$eni_b" sg_ingress_dropped)" -ge 1
check "rule add: all traffic from 0.0.0.0/0 (IPv4)" \
	"$VNITRO" sg rule add sg-0e6 ingress proto all cidr 0.0.0.0/0
check "an IPv4 rule opens nothing to IPv6" no_ping6 i-a "$B6"
check "rule del it" "$VNITRO" sg rule del sg-0e6 ingress proto all cidr 0.0.0.0/0
check "rule add: icmpv6 echo request (128) from the subnet's /64" \
	"$VNITRO" sg rule add sg-0e6 ingress proto icmpv6 icmp-type 128 cidr "$SUB6"
check_match "text: the rule as the CLI takes it" "ingress proto icmpv6 icmp-type 128 cidr $SUB6" \
	"$("$VNITRO" sg show sg-0e6)"
check "i-a's ping -6 gets through, its replies leave i-b as a tracked flow's" ping6 i-a "$B6" 2
check "rule add: tcp 7000 from ::/0" "$VNITRO" sg rule add sg-0e6 ingress proto tcp port 7000 cidr ::/0
check "TCP to i-b's port 7000 over IPv6, 1 MiB intact (web allows nothing out over IPv6)" \
	tcp_copy i-a i-b "$B6"
listen i-b 7001
check "TCP to port 7001 (no rule) does not connect" no_tcp6_to i-a "$B6" 7001
wait
e0=$(field "$eni_b" sg_egress_dropped)
check "i-b -> i-a over IPv6: web has no IPv6 egress rule" no_ping6 i-b "$A6"
check "  ... counted as an egress drop" test "$(field "$eni_b" sg_egress_dropped)" -gt "$e0"
check "rule add: egress all to ::/0" "$VNITRO" sg rule add sg-0e6 egress proto all cidr ::/0
e0=$(field "$eni_b" sg_egress_dropped)
i0=$(field "$eni_a" sg_ingress_dropped)
check "i-b -> i-a over IPv6 leaves i-b now ..." no_ping6 i-b "$A6"
check_eq "  ... and is refused by i-a's default group (all in from its members only)" \
	"$e0 1" "$(field "$eni_b" sg_egress_dropped) $(( $(field "$eni_a" sg_ingress_dropped) > i0 ))"

# A rule naming a group matches its members' IPv6 addresses.
check "rule add: tcp 7002 from the default group" \
	"$VNITRO" sg rule add sg-0e6 ingress proto tcp port 7002 sg "$D"
listen i-b 7002
check "i-a (in D) reaches port 7002 over IPv6" tcp6_to i-a "$B6" 7002
wait
check "i-a's ENI leaves D for web" "$VNITRO" eni set "$eni_a" security-groups sg-0e6
listen i-b 7002 4
check "i-a, no longer in D, does not" no_tcp6_to i-a "$B6" 7002
wait
"$VNITRO" eni set "$eni_a" security-groups "$D" >/dev/null

## refusals: nothing changes

snap=$("$VNITRO" -j sg show sg-0e6)
refuse "host bits in an IPv6 block" 'has host bits set; did you mean 2001:db8::/32' \
	"$VNITRO" sg rule add sg-0e6 ingress proto all cidr 2001:db8::1/32
refuse "an IPv6 prefix past /128" '' "$VNITRO" sg rule add sg-0e6 ingress proto all cidr ::/129
refuse "icmp-type on tcp" '' "$VNITRO" sg rule add sg-0e6 ingress proto tcp port 1 icmp-type 1 cidr ::/0
refuse "the same rule twice" 'already exists' \
	"$VNITRO" sg rule add sg-0e6 ingress proto tcp port 7000 cidr ::/0
refuse "a plain user cannot add an IPv6 rule" 'Operation not permitted' \
	plain "$VNITRO" sg rule add sg-0e6 ingress proto all cidr ::/0
refuse "nor can an instance, from inside" '' \
	ip netns exec i-a "$VNITRO" sg rule add sg-0e6 ingress proto all cidr ::/0
check_eq "the group is unchanged" "$snap" "$("$VNITRO" -j sg show sg-0e6)"

# EC2's quota counts IPv4 and IPv6 rules apart: 60 each way for each.
check "sg add big" sh -c "'$VNITRO' sg add sg-0b6 vpc vpc-default name big >/dev/null"
check "60 IPv4 and 60 IPv6 inbound rules" sh -c "
	for p in \$(seq 1 60); do
		'$VNITRO' sg rule add sg-0b6 ingress proto tcp port \$p cidr 0.0.0.0/0 >/dev/null || exit
		'$VNITRO' sg rule add sg-0b6 ingress proto tcp port \$p cidr ::/0 >/dev/null || exit
	done"
refuse "a 61st IPv6 rule" '60 ingress rules for IPv6' \
	"$VNITRO" sg rule add sg-0b6 ingress proto udp port 1 cidr ::/0
refuse "a rule naming a group counts for both" 'counts for both' \
	"$VNITRO" sg rule add sg-0b6 ingress proto udp port 1 sg "$D"
check_eq "sg show lists all 121 rules (120 in, 1 out)" "120 1" \
	"$("$VNITRO" -j sg show sg-0b6 | jq -r '.[0] | "\(.ingress | length) \(.egress | length)"')"
check "sg del big" "$VNITRO" sg del sg-0b6

## network ACLs between subnets

"$VNITRO" subnet add subnet-b vpc vpc-default cidr 172.31.16.0/20 az us-east-1a >/dev/null
"$VNITRO" subnet set subnet-b ipv6-cidr 2600:1f18:ab:1201::/64 >/dev/null
"$VNITRO" instance add i-c subnet subnet-b >/dev/null
eni_c=$(primary_eni i-c)
bring_up i-c "$eni_c"
address i-c "$eni_c" "$C6"
for ((i = 0; i < 100; i++)); do	# i-c's default route, from the router's advertisement
	[[ -n $(ip -n i-c -6 route show default) ]] && break
	sleep 0.1
done
"$VNITRO" eni set "$eni_b" security-groups "$D" >/dev/null
check "across subnets with the default ACL" ping6 i-a "$C6" 2
check "a custom ACL on subnet-b: IPv4 rules only" sh -c \
	"'$VNITRO' nacl add acl-6 vpc vpc-default >/dev/null &&
	 '$VNITRO' nacl entry add acl-6 ingress rule 100 allow proto all cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl entry add acl-6 egress rule 100 allow proto all cidr 0.0.0.0/0 >/dev/null &&
	 '$VNITRO' nacl associate acl-6 subnet subnet-b >/dev/null"
check "  ... stops IPv6 (its \"*\" rule for ::/0)" no_ping6 i-a "$C6"
check "rule 101 allow all from ::/0, in and out" sh -c \
	"'$VNITRO' nacl entry add acl-6 ingress rule 101 allow proto all cidr ::/0 >/dev/null &&
	 '$VNITRO' nacl entry add acl-6 egress rule 101 allow proto all cidr ::/0 >/dev/null"
check "  ... IPv6 crosses" ping6 i-a "$C6" 2
check "rule 90 denies icmpv6 from subnet-default's /64" \
	"$VNITRO" nacl entry add acl-6 ingress rule 90 deny proto icmpv6 cidr "$SUB6"
check "  ... the lower number wins: no ping -6 from i-a" no_ping6 i-a "$C6"
check "  ... while TCP over IPv6 still crosses" tcp_copy i-a i-c "$C6"
refuse "a rule number is one per direction, whatever the family" 'NetworkAclEntryAlreadyExists' \
	"$VNITRO" nacl entry add acl-6 ingress rule 100 allow proto all cidr ::/0
check "rule 90 deleted" "$VNITRO" nacl entry del acl-6 ingress rule 90
check "  ... ping -6 crosses again" ping6 i-a "$C6" 2

# A full ACL: 19 IPv4 and 19 IPv6 rules each way (EC2's 20 per family, "*" included).
check "acl-6 filled: 19 IPv4 and 19 IPv6 rules each way" sh -c "
	for n in \$(seq 1 17); do
		for d in ingress egress; do
			'$VNITRO' nacl entry add acl-6 \$d rule \$((200 + n)) deny proto udp port \$n cidr 192.0.2.0/24 >/dev/null || exit
			'$VNITRO' nacl entry add acl-6 \$d rule \$((300 + n)) deny proto udp port \$n cidr 2001:db8::/32 >/dev/null || exit
		done
	done
	for d in ingress egress; do
		'$VNITRO' nacl entry add acl-6 \$d rule 400 deny proto 47 cidr 2001:db8::/32 >/dev/null &&
		'$VNITRO' nacl entry add acl-6 \$d rule 401 deny proto 47 cidr 192.0.2.0/24 >/dev/null || exit
	done"
refuse "a 20th IPv6 rule" '19 ingress rules for IPv6' \
	"$VNITRO" nacl entry add acl-6 ingress rule 500 deny proto 47 cidr ::/0
check_eq "nacl show lists all 76" "38 38" \
	"$("$VNITRO" -j nacl show acl-6 | jq -r '.[0] | "\(.ingress | length) \(.egress | length)"')"
raw=$("$VNITRO_TOP/selftests/net/genl-raw" nacl-dump)
check_eq "a raw dump in 4 KiB reads: every entry of acl-6 once" 76 \
	"$(awk '$1 == "acl-6" { n += $2 } END { print n }' <<<"$raw")"
check_match "... in two messages or more, one after the other" "^[2-9]$" \
	"$(awk '$1 == "acl-6" { n++ } END { print n }' <<<"$raw")"
check "  ... and IPv6 still crosses" ping6 i-a "$C6" 2

## dump and apply carry IPv6 rules

dump=$(mktemp)
"$VNITRO" sg rule add sg-0e6 ingress proto udp port 53 cidr 2600:1f18:ab:1200::/56 >/dev/null
"$VNITRO" dump >"$dump"
check_eq "dump: web's IPv6 rules" "icmpv6 $SUB6|tcp ::/0|tcp $D|udp 2600:1f18:ab:1200::/56" \
	"$(jq -r '[.security_groups[] | select(.id == "sg-0e6") | .ingress[] | "\(.protocol) \(.cidr // .sg)"] | join("|")' "$dump")"
out=$("$VNITRO" apply "$dump")
check_eq "apply the dump: no change" "0|" "$?|$out"
"$VNITRO" sg rule del sg-0e6 ingress proto udp port 53 cidr 2600:1f18:ab:1200::/56 >/dev/null
"$VNITRO" nacl entry del acl-6 egress rule 101 >/dev/null
"$VNITRO" apply "$dump" >/dev/null
check_eq "apply after drift: the world is the dump again" "$(cat "$dump")" "$("$VNITRO" dump)"
rm -f "$dump"

"$VNITRO" nacl associate "$def_acl" subnet subnet-b >/dev/null
"$VNITRO" nacl del acl-6 >/dev/null
"$VNITRO" eni unassign "$eni_c" ipv6 "$C6" >/dev/null
"$VNITRO" instance del i-c >/dev/null
"$VNITRO" subnet del subnet-b >/dev/null
check "sg del web" "$VNITRO" sg del sg-0e6

summary

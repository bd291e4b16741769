#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sg.sh - security groups as control-plane objects through the stock CLI: default
# groups, names, rules, quotas, every invalid rule refused with its reason and no
# change, an ENI's groups, dumps of many rules, dump/apply, and who may change them.
# (The fabric does not enforce the rules yet: nothing here sends a frame.)
#
#   vpc-default 172.31.0.0/16 (default group D0)      vpc-s 10.40.0.0/16 (default group DS)
#     subnet-default 172.31.0.0/20                      subnet-s 10.40.1.0/24
#       i-a: eth0 (D0)                                    eni S1 (available): DS, then web + db
#                                                       groups web, db (db: all from web), big (120 rules)
# vm: --timeout 1200
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

sgs() { "$VNITRO" -j sg show; }
snapshot() { sgs; "$VNITRO" -j eni show; "$VNITRO" -j vpc show; } 2>&1
default_of() { sgs | jq -r --arg v "$1" '.[] | select(.vpc == $v and .name == "default") | .id'; }
sg_field() { "$VNITRO" -j sg show "$1" | jq -r ".[0] | $2"; }

"$VNITRO" instance add i-a subnet subnet-default >/dev/null

## default groups

d0=$(default_of vpc-default)
check_match "vpc-default has a default group: sg- and 17 hex digits" '^sg-[0-9a-f]{17}$' "$d0"
check_eq "named default, EC2's description" "default|default VPC security group" \
	"$(sg_field "$d0" '"\(.name)|\(.description)"')"
check_eq "ingress: all from the group itself; egress: all to 0.0.0.0/0" \
	"[{\"protocol\":\"all\",\"sg\":\"$d0\"}]|[{\"protocol\":\"all\",\"cidr\":\"0.0.0.0/0\"}]" \
	"$(sg_field "$d0" '"\(.ingress | tojson)|\(.egress | tojson)"')"
check_eq "i-a's primary ENI has it" "$d0" "$(eni_field "$(primary_eni i-a)" 'security_groups | join(" ")')"
check "vpc add" "$VNITRO" vpc add vpc-s cidr 10.40.0.0/16
ds=$(default_of vpc-s)
check_match "a new VPC comes with its own default group" '^sg-[0-9a-f]{17}$' "$ds"
refuse "the default group cannot be deleted (CannotDelete)" "CannotDelete: the specified group: \"$ds\" name: \"default\"" \
	"$VNITRO" sg del "$ds"

## groups

out=$("$VNITRO" -j sg add vpc vpc-s name web description "web servers")
web=$(jq -r .id <<<"$out")
check_match "sg add picks an id" '^sg-[0-9a-f]{17}$' "$web"
check_eq "a new group: no ingress rule, one egress rule to everywhere" \
	'web|web servers|[]|[{"protocol":"all","cidr":"0.0.0.0/0"}]' \
	"$(jq -r '"\(.name)|\(.description)|\(.ingress | tojson)|\(.egress | tojson)"' <<<"$out")"
check "sg add with an id" "$VNITRO" sg add sg-0db vpc vpc-s name db
check "the same name in another VPC" "$VNITRO" sg add sg-0d0 vpc vpc-default name db
refuse "a name twice in a VPC" 'VPC vpc-s already has a security group named "db" \(sg-0db\)' \
	"$VNITRO" sg add vpc vpc-s name db
refuse "an id twice" 'security group sg-0db already exists' "$VNITRO" sg add sg-0db vpc vpc-default name x
refuse "the name default is reserved" '"default" is reserved' "$VNITRO" sg add vpc vpc-s name default
refuse "names may not start with sg-" 'may not start with "sg-"' "$VNITRO" sg add vpc vpc-s name sg-web
refuse "a VPC that does not exist" 'VPC "vpc-none" does not exist' "$VNITRO" sg add vpc vpc-none name x
refuse "an invalid id (the CLI's check)" '"sg-00000000000000000a" is not a valid security group id' \
	"$VNITRO" sg add sg-00000000000000000a vpc vpc-s

## rules

check "tcp 22 from a block" "$VNITRO" sg rule add "$web" ingress proto tcp port 22 cidr 203.0.113.0/24
check "tcp 8000-8080 from everywhere" "$VNITRO" sg rule add "$web" ingress proto tcp port 8000-8080 cidr 0.0.0.0/0
check "icmp echo request" "$VNITRO" sg rule add "$web" ingress proto icmp icmp-type 8 code 0 cidr 10.0.0.0/8
check "protocol 47 from the default group" "$VNITRO" sg rule add "$web" ingress proto 47 sg "$ds"
check "db: all from web" "$VNITRO" sg rule add sg-0db ingress proto all sg "$web"
check_eq "the rules read back in order" \
	"tcp 22-22 203.0.113.0/24|tcp 8000-8080 0.0.0.0/0|icmp 8/0 10.0.0.0/8|47 $ds" \
	"$(sg_field "$web" '[.ingress[] | [.protocol, (if .port_from then "\(.port_from)-\(.port_to)" elif .icmp_type then "\(.icmp_type)/\(.icmp_code)" else empty end), (.cidr // .sg)] | join(" ")] | join("|")')"
check_match "text: a line per rule" "^    ingress proto icmp icmp-type 8 code 0 cidr 10.0.0.0/8$" \
	"$("$VNITRO" sg show "$web")"

# Every invalid rule: refused with its reason, nothing changed.
refuse "tcp without ports" 'a tcp rule needs a port range' "$VNITRO" sg rule add "$web" ingress proto tcp cidr 0.0.0.0/0
refuse "udp (17) without ports" 'a udp rule needs a port range' "$VNITRO" sg rule add "$web" ingress proto 17 cidr 0.0.0.0/0
refuse "a backwards port range" 'port range 90-80 is backwards' \
	"$VNITRO" sg rule add "$web" ingress proto tcp port 90-80 cidr 0.0.0.0/0
refuse "ports on all" 'only tcp and udp rules take ports; protocol all' \
	"$VNITRO" sg rule add "$web" ingress proto all port 1-2 cidr 0.0.0.0/0
refuse "ports on icmp" 'only tcp and udp rules take ports; protocol 1' \
	"$VNITRO" sg rule add "$web" ingress proto icmp port 1 cidr 0.0.0.0/0
refuse "host bits in the peer block" 'has host bits set; did you mean 10.0.0.0/8' \
	"$VNITRO" sg rule add "$web" ingress proto all cidr 10.0.0.1/8
refuse "a peer group that does not exist" 'security group "sg-77" does not exist' \
	"$VNITRO" sg rule add "$web" ingress proto all sg sg-77
refuse "a peer group of another VPC" "sg-0d0 is in VPC vpc-default, and $web in VPC vpc-s" \
	"$VNITRO" sg rule add "$web" ingress proto all sg sg-0d0
refuse "a duplicate rule (InvalidPermission.Duplicate-like)" \
	'the specified rule "peer: 203.0.113.0/24, TCP, from port: 22, to port: 22, ALLOW" already exists' \
	"$VNITRO" sg rule add "$web" ingress proto tcp port 22 cidr 203.0.113.0/24
refuse "deleting a rule that is not there (NotFound)" 'does not exist as an egress rule' \
	"$VNITRO" sg rule del "$web" egress proto tcp port 22 cidr 203.0.113.0/24
refuse "a rule of a group that does not exist" 'security group "sg-99" does not exist' \
	"$VNITRO" sg rule add sg-99 ingress proto all cidr 0.0.0.0/0
refuse "an unknown protocol (the CLI's check)" '"sctp" is not a protocol' \
	"$VNITRO" sg rule add "$web" ingress proto sctp cidr 0.0.0.0/0
check "deleting a rule as it was added" "$VNITRO" sg rule del "$web" ingress proto tcp port 8000-8080 cidr 0.0.0.0/0
check_eq "three ingress rules left" 3 "$(sg_field "$web" '.ingress | length')"

## quotas: 60 rules each way

big=$("$VNITRO" -j sg add vpc vpc-s name big | jq -r .id)
for p in $(seq 1 60); do "$VNITRO" sg rule add "$big" ingress proto tcp port "$p" cidr 0.0.0.0/0 >/dev/null; done
refuse "the 61st ingress rule names the quota" \
	'already has 60 ingress rules for IPv4: the quota "Inbound or outbound rules per security group" is 60 per address family' \
	"$VNITRO" sg rule add "$big" ingress proto tcp port 61 cidr 0.0.0.0/0
for p in $(seq 1 59); do "$VNITRO" sg rule add "$big" egress proto udp port "$p" cidr 10.0.0.0/8 >/dev/null; done
refuse "the 61st egress rule too" 'already has 60 egress rules' \
	"$VNITRO" sg rule add "$big" egress proto udp port 99 cidr 10.0.0.0/8
check_eq "a group of 120 rules reads back whole" "60 60" "$(sg_field "$big" '"\(.ingress | length) \(.egress | length)"')"

# Dumps of many large groups: the kernel splits them across messages, the library joins them.
for g in 1 2 3; do
	id=$("$VNITRO" -j sg add vpc vpc-s name "many$g" | jq -r .id)
	for p in $(seq 1 30); do
		"$VNITRO" sg rule add "$id" ingress proto udp port "$p" cidr "10.$g.0.0/16" >/dev/null
	done
done
check_eq "a dump of every group: each once, every rule there" \
	"big 60 60|db 1 1|default 1 1|many1 30 1|many2 30 1|many3 30 1|web 3 1" \
	"$(sgs | jq -r '[.[] | select(.vpc == "vpc-s") | "\(.name) \(.ingress | length) \(.egress | length)"] | sort | join("|")')"
# Read raw in 4 KiB: the 120-rule group is cut across messages, each with some of its rules.
raw=$("$VNITRO_TOP/selftests/net/genl-raw" sg-dump)
check_eq "a raw dump in 4 KiB reads: every rule of big once" 120 \
	"$(awk -v g="$big" '$1 == g { n += $2 } END { print n }' <<<"$raw")"
check_match "... in two messages or more, one after the other" "^[2-9]$|^[1-9][0-9]+$" \
	"$(awk -v g="$big" '$1 == g { n++ } END { print n }' <<<"$raw")"
check_eq "... and no group's messages are apart" "" \
	"$(awk '$1 != last { if (seen[$1]++) print $1; last = $1 }' <<<"$raw")"
check_eq "... and in vnitro dump" 7 "$("$VNITRO" dump | jq '[.security_groups[] | select(.vpc == "vpc-s")] | length')"
for g in 1 2 3; do
	"$VNITRO" sg del "$(sgs | jq -r --arg n "many$g" '.[] | select(.name == $n) | .id')"
done

## an ENI's groups: 1 to 5 of its VPC

"$VNITRO" subnet add subnet-s vpc vpc-s cidr 10.40.1.0/24 az us-east-1a >/dev/null
s1=$("$VNITRO" -j eni add subnet subnet-s | jq -r .id)
check_eq "a new ENI has its VPC's default group" "$ds" "$(eni_field "$s1" 'security_groups | join(" ")')"
check "set two groups" "$VNITRO" eni set "$s1" security-groups "$web,sg-0db"
check_eq "they read back" "$web sg-0db" "$(eni_field "$s1" 'security_groups | join(" ")')"
refuse "a group of another VPC" "security group sg-0d0 is in VPC vpc-default, and network interface $s1 in VPC vpc-s" \
	"$VNITRO" eni set "$s1" security-groups sg-0d0
refuse "a group that does not exist" 'security group "sg-5" does not exist' "$VNITRO" eni set "$s1" security-groups sg-5
refuse "no group at all (EC2 needs one)" "needs at least one security group, as in EC2; its VPC's default group is $ds" \
	"$VNITRO" eni set "$s1" security-groups none
refuse "six groups (the CLI's check)" 'at most 5 security groups' \
	"$VNITRO" eni set "$s1" security-groups "$ds,$web,sg-0db,$big,sg-1,sg-2"
refuse "a group an ENI has cannot be deleted" "security group $web has a dependent object: network interface $s1" \
	"$VNITRO" sg del "$web"
check "db's rule naming web goes, and s1 leaves web" sh -c \
	"'$VNITRO' sg rule del sg-0db ingress proto all sg '$web' >/dev/null && '$VNITRO' eni set '$s1' security-groups sg-0db >/dev/null"
check "db: all from web, again" "$VNITRO" sg rule add sg-0db ingress proto all sg "$web"
refuse "a group another group's rule names cannot be deleted" "security group $web has a dependent object: a rule of security group sg-0db" \
	"$VNITRO" sg del "$web"

# EC2's CreateNetworkInterface takes the groups, a description and tracking timeouts.
out=$("$VNITRO" -j eni add eni-5e7 subnet subnet-s security-groups "$web,sg-0db" description "made whole" \
	udp-timeout 45)
check_eq "eni add with groups, a description and a timeout: all on the new ENI" \
	"$web sg-0db|made whole|45" "$(jq -r '"\(.security_groups | join(" "))|\(.description)|\(.udp_timeout)"' <<<"$out")"
check "  ... and it deletes" "$VNITRO" eni del eni-5e7
refuse "eni add with a group of another VPC creates no ENI" \
	"security group sg-0d0 is in VPC vpc-default, and network interface eni-5e8 in VPC vpc-s" \
	"$VNITRO" eni add eni-5e8 subnet subnet-s security-groups sg-0d0
refuse "eni add with a timeout out of range (the CLI's check)" "udp-timeout 61 is out of range" \
	"$VNITRO" eni add eni-5e8 subnet subnet-s udp-timeout 61

## dump and apply

"$VNITRO" eni set "$s1" security-groups "$web,sg-0db" >/dev/null
"$VNITRO" dump >/tmp/sg.d1.json
out=$("$VNITRO" apply /tmp/sg.d1.json)
check_eq "apply of the dump: exit 0, no change" "0|" "$?|$out"
"$VNITRO" eni set "$s1" security-groups "$ds" >/dev/null
"$VNITRO" sg rule del sg-0db ingress proto all sg "$web" >/dev/null
"$VNITRO" sg del sg-0db && "$VNITRO" sg del "$web"
"$VNITRO" sg rule del "$big" ingress proto tcp port 60 cidr 0.0.0.0/0 >/dev/null
out=$("$VNITRO" apply /tmp/sg.d1.json)
check_eq "apply restores the groups, their rules and the ENI's groups: exit 0" 0 $?
check_match "it re-creates web with its id" "^create sg $web vpc vpc-s name \"web\" description \"web servers\"$" "$out"
check_match "it puts big's rule back" "^add sg-rule $big ingress proto tcp port 60-60 cidr 0.0.0.0/0$" "$out"
check_match "it sets the ENI's groups" "^set eni $s1 security-groups $web,sg-0db$" "$out"
check_eq "the dump is the first one again" "$(cat /tmp/sg.d1.json)" "$("$VNITRO" dump)"
out=$("$VNITRO" apply /tmp/sg.d1.json)
check_eq "and a second apply changes nothing" "0|" "$?|$out"
jq '(.security_groups[] | select(.name == "web") | .description) = "changed"' /tmp/sg.d1.json >/tmp/sg.edit.json
refuse "a group's description cannot change" "security group $web: description is \"web servers\", the file says \"changed\"" \
	"$VNITRO" apply /tmp/sg.edit.json

## who may change groups

refuse "a plain user cannot add a group" 'Operation not permitted' plain "$VNITRO" sg add vpc vpc-s name mine
refuse "a plain user cannot add a rule" 'Operation not permitted' \
	plain "$VNITRO" sg rule add "$web" ingress proto all cidr 0.0.0.0/0
refuse "a plain user cannot delete one" 'Operation not permitted' plain "$VNITRO" sg del sg-0db
check_err "a plain user cannot list groups either" 'Operation not permitted' plain "$VNITRO" sg show
refuse "root inside an instance does not see the family" 'not loaded' \
	ip netns exec i-a "$VNITRO" sg add vpc vpc-s name mine
refuse "... nor can add a rule" 'not loaded' \
	ip netns exec i-a "$VNITRO" sg rule add "$web" ingress proto all cidr 0.0.0.0/0
check_err "... nor list groups" 'not loaded' ip netns exec i-a "$VNITRO" sg show

## teardown: a VPC goes with its default group, not with others

"$VNITRO" eni del "$s1" && "$VNITRO" subnet del subnet-s
refuse "a VPC with groups cannot be deleted" 'VPC vpc-s still has security group' "$VNITRO" vpc del vpc-s
check "delete its groups (db first: its rule names web), then the VPC" sh -c \
	"'$VNITRO' sg del sg-0db && '$VNITRO' sg del '$web' && '$VNITRO' sg del '$big' && '$VNITRO' vpc del vpc-s"
check_eq "its default group went with it" "" "$(sgs | jq -r --arg d "$ds" '.[] | select(.id == $d) | .id')"
check "delete sg-0d0 and i-a" sh -c "'$VNITRO' sg del sg-0d0 && '$VNITRO' instance del i-a"
check_eq "no kernel splat" "" "$(splats)"
summary

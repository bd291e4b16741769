#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# control.sh - the control plane's life-cycle rules and limits through the CLI;
# every refusal prints its message and changes nothing.
#
#   vpc-default 172.31.0.0/16                      vpc-t 10.20.0.0/16
#     subnet-default 172.31.0.0/20                   subnet-t 10.20.1.0/24 (us-east-1a)
#       i-small (t3.micro)  i-a (default type)         (route 0.0.0.0/0 via igw-t)
#                                                    igw-t -> netns "internet"
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

world() { "$VNITRO" -j vpc show; "$VNITRO" -j subnet show; "$VNITRO" -j eni show; "$VNITRO" -j route show; "$VNITRO" -j igw show; }

# refused DESC PATTERN CMD...: CMD fails with PATTERN and the world is unchanged.
refused() {
	local desc=$1 pattern=$2 before
	shift 2
	before=$(world)
	check_err "$desc" "$pattern" "$@"
	check_eq "  ... and changed nothing" "$before" "$(world)"
}

# VPCs and subnets
check "vpc add" "$VNITRO" vpc add vpc-t cidr 10.20.0.0/16
refused "VPC /29 refused" 'between /16 and /28' "$VNITRO" vpc add vpc-u cidr 10.30.0.0/29
refused "VPC with host bits refused" 'host bits set' "$VNITRO" vpc add vpc-u cidr 10.30.0.1/16
check "subnet add" "$VNITRO" subnet add subnet-t vpc vpc-t cidr 10.20.1.0/24 az us-east-1a
refused "subnet outside its VPC refused" 'is not inside VPC vpc-t' \
	"$VNITRO" subnet add subnet-u vpc vpc-t cidr 10.21.0.0/24 az us-east-1a
refused "overlapping subnet refused" 'overlaps subnet-t' \
	"$VNITRO" subnet add subnet-u vpc vpc-t cidr 10.20.0.0/20 az us-east-1a
refused "VPC with subnets cannot be deleted" 'still has subnet subnet-t' "$VNITRO" vpc del vpc-t
check_match "every subnet has its local route" '"destination":"10.20.0.0/16","subnet":"subnet-t","target":"local"' \
	"$("$VNITRO" -j route show subnet subnet-t)"
refused "the local route cannot be deleted" 'cannot be deleted' \
	"$VNITRO" route del 10.20.0.0/16 subnet subnet-t

# Addresses: AWS reserves the first four and the last one.
refused "a reserved address is refused" 'reserved by AWS' \
	"$VNITRO" eni add subnet subnet-t ip 10.20.1.3
refused "the broadcast address is refused" 'reserved by AWS' \
	"$VNITRO" eni add subnet subnet-t ip 10.20.1.255
eni=$("$VNITRO" -j eni add subnet subnet-t | jq -r .id)
check_eq "the first free address is .4" 10.20.1.4 "$(eni_field "$eni" private_ip)"
check "assign two secondary addresses" "$VNITRO" eni assign "$eni" count 2
check_eq "they are .5 and .6" '10.20.1.5 10.20.1.6' "$(eni_field "$eni" '"\(.secondary_ips | join(" "))"')"
refused "a secondary address of another ENI is refused" 'already assigned' \
	"$VNITRO" eni add subnet subnet-t ip 10.20.1.5
refused "the primary address cannot be unassigned" 'cannot be unassigned' \
	"$VNITRO" eni unassign "$eni" ip 10.20.1.4
check "unassign one" "$VNITRO" eni unassign "$eni" ip 10.20.1.6
refused "subnet with ENIs cannot be deleted" "still has network interface $eni" "$VNITRO" subnet del subnet-t

# ENI settings
check "two security groups of vpc-t" sh -c "'$VNITRO' sg add sg-0123abcd vpc vpc-t name nat >/dev/null &&
	'$VNITRO' sg add sg-1 vpc vpc-t name admin >/dev/null"
check "eni set description, groups, source/dest check" "$VNITRO" eni set "$eni" description "NAT box" \
	security-groups sg-0123abcd,sg-1 source-dest-check off
check_eq "settings read back" 'NAT box|sg-0123abcd sg-1|false' \
	"$(eni_field "$eni" '"\(.description)|\(.security_groups | join(" "))|\(.source_dest_check)"')"
refused "invalid security group id" 'invalid security group id' "$VNITRO" eni set "$eni" security-groups sg-xyz
refused "a group that does not exist" 'security group "sg-2" does not exist' "$VNITRO" eni set "$eni" security-groups sg-2
refused "ENA Express UDP needs ENA Express" 'needs ENA Express' "$VNITRO" eni set "$eni" ena-express-udp on

# Instance types and their limits
check "instance add type t3.micro" "$VNITRO" instance add i-small subnet subnet-default type t3.micro
check_eq "the instance reports its type" t3.micro "$("$VNITRO" -j instance show i-small | jq -r '.[0].type')"
check_eq "t3.micro: 2 queues (1 if the VM has 1 CPU)" "$(( $(nproc) < 2 ? $(nproc) : 2 ))" \
	"$(ip netns exec i-small ethtool -l eth0 | awk '/^Pre-set/ {p = 1} p && /^Combined/ {print $2; exit}')"
refused "unknown type refused" 'unknown instance type' \
	"$VNITRO" instance add i-bad subnet subnet-default type t3.gigantic
refused "a type without enhanced networking refused, with the reason" \
	'instance type "t2.micro" has no enhanced networking \(EC2 gives it only the Xen netfront' \
	"$VNITRO" instance add i-bad subnet subnet-default type t2.micro
check_match "instance types: EC2's catalogue, over 1300 types" '^1[3-9][0-9][0-9]$' \
	"$("$VNITRO" instance types | wc -l)"
check "instance add type m5.large (its device offers 8 queues, it has 2 vCPUs)" \
	"$VNITRO" instance add i-m5 subnet subnet-default type m5.large
check_eq "m5.large: ethtool -l shows at most its 2 vCPUs' queues" "$(( $(nproc) < 2 ? $(nproc) : 2 ))" \
	"$(ip netns exec i-m5 ethtool -l eth0 | awk '/^Pre-set/ {p = 1} p && /^Combined/ {print $2; exit}')"
check "instance del i-m5" "$VNITRO" instance del i-m5
check "a t3.micro's second ENI" sh -c "e=\$('$VNITRO' -j eni add subnet subnet-default | jq -r .id) &&
	'$VNITRO' eni attach \$e instance i-small index 1 >/dev/null && echo \$e >$VNITRO_TOP/.cache/ctl-e2"
e3=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
refused "a third ENI on a t3.micro is refused" 't3.micro supports at most 2 network interfaces' \
	"$VNITRO" eni attach "$e3" instance i-small index 2
check "three addresses on an available ENI" "$VNITRO" eni assign "$e3" count 2
check "instance add i-a" "$VNITRO" instance add i-a subnet subnet-default
check "detach the t3.micro's second ENI" "$VNITRO" eni detach "$(cat "$VNITRO_TOP/.cache/ctl-e2")"
refused "an ENI with 3 addresses cannot go to a t3.micro" 'at most 2 private IPv4 addresses' \
	"$VNITRO" eni attach "$e3" instance i-small index 1
primary_small=$(primary_eni i-small)
check "t3.micro primary takes one secondary address" "$VNITRO" eni assign "$primary_small" count 1
refused "but not two" 't3.micro supports at most 2 private IPv4 addresses' \
	"$VNITRO" eni assign "$primary_small" count 1

# Move: detach and attach to another instance carries MAC and addresses.
mac=$(eni_field "$e3" mac)
check "attach to i-a" "$VNITRO" eni attach "$e3" instance i-a index 1
refused "an attached ENI cannot be deleted" 'detach it first' "$VNITRO" eni del "$e3"
check "detach" "$VNITRO" eni detach "$e3"
check "attach to i-small after unassigning one address" sh -c "'$VNITRO' eni unassign $e3 ip $(eni_field "$e3" 'secondary_ips[1]') >/dev/null &&
	'$VNITRO' eni attach $e3 instance i-small index 1 >/dev/null"
check_eq "the MAC moved with it" "$mac" "$(eni_field "$e3" mac)"
check_eq "and the netdev in i-small has it" "$mac" "$(ip netns exec i-small cat /sys/class/net/eth1/address)"

# MTU from the tool, and from ip link: the same netdev.
check "vnitro eni set mtu 1500" "$VNITRO" eni set "$e3" mtu 1500
check_eq "ip link sees 1500" 1500 "$(ip netns exec i-small cat /sys/class/net/eth1/mtu)"
check "ip link set mtu 9001" ip -n i-small link set eth1 mtu 9001
check_eq "vnitro's netdev is at 9001" 9001 "$(ip netns exec i-small cat /sys/class/net/eth1/mtu)"
check_err "an MTU over ENA's 9216 is refused by the netdev" 'mtu|MTU|range|Invalid' \
	"$VNITRO" eni set "$e3" mtu 9500
check_err "mtu of a detached ENI" 'not attached' "$VNITRO" eni set "$eni" mtu 1500

# Routes and the internet gateway
ip netns add internet
check "igw add" "$VNITRO" igw add igw-t vpc vpc-t netns internet
refused "one gateway per VPC" 'already has internet gateway igw-t' \
	"$VNITRO" igw add igw-u vpc vpc-t netns internet
check "default route via the gateway" "$VNITRO" route add 0.0.0.0/0 subnet subnet-t via igw-t
refused "duplicate route refused" 'already has a route to 0.0.0.0/0' \
	"$VNITRO" route add 0.0.0.0/0 subnet subnet-t via igw-t
refused "route to an ENI of another VPC refused" 'not in vpc-t' \
	"$VNITRO" route add 192.168.0.0/16 subnet subnet-t via "$e3"
refused "a gateway with routes cannot be deleted" 'delete that route first' "$VNITRO" igw del igw-t
check "route to an ENI (a NAT instance)" "$VNITRO" route add 192.168.0.0/16 subnet subnet-t via "$eni"
check_eq "detached target: blackhole" blackhole \
	"$("$VNITRO" -j route show subnet subnet-t | jq -r '.[] | select(.destination == "192.168.0.0/16") | .state')"
check "igw set frag-needed off" "$VNITRO" igw set igw-t frag-needed off
check_eq "frag-needed reads back" false "$("$VNITRO" -j igw show igw-t | jq -r '.[0].frag_needed')"

# Teardown in dependency order
check "route del" "$VNITRO" route del 0.0.0.0/0 subnet subnet-t
check "igw del" "$VNITRO" igw del igw-t
check "route del, eni del, subnet del, vpc del" sh -c "'$VNITRO' route del 192.168.0.0/16 subnet subnet-t &&
	'$VNITRO' eni del $eni && '$VNITRO' subnet del subnet-t && '$VNITRO' sg del sg-0123abcd &&
	'$VNITRO' sg del sg-1 && '$VNITRO' vpc del vpc-t"
check_eq "vpc-t is gone" '' "$("$VNITRO" -j vpc show | jq -r '.[] | select(.id == "vpc-t") | .id')"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# imds.sh - the instance metadata service at 169.254.169.254 (vnitrod --imds), through each
# instance's own ENI: Debian's ec2-metadata and curl, IMDSv1 and IMDSv2, answers from the live
# world, and no instance seeing or using another's.
#
#   +-- i-a --+  +-- i-b --+        +-- i-c (vpc-o, i-a's address) --+
#   +----+----+  +----+----+        +---------------+----------------+
#   =====+== vpc-default ==+=======  ===============+== vpc-o ==========  fabric
#                          |
#                 vnitro-services: svc0, vnitrod --imds vnitro-services
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

md() {	# md INSTANCE PATH [curl options]: the body, "[CODE]" after it
	local inst=$1 path=$2
	shift 2
	ip netns exec "$inst" curl -sS --max-time 5 -w '[%{http_code}]' "$@" \
		"http://169.254.169.254/latest/$path"
}
token() {	# token INSTANCE: an IMDSv2 token for it
	ip netns exec "$1" curl -sS --max-time 5 -X PUT \
		-H "X-aws-ec2-metadata-token-ttl-seconds: ${2:-60}" http://169.254.169.254/latest/api/token
}

two_instances
check "vpc-o with subnet-o, the same CIDR as vpc-default" sh -c "'$VNITRO' vpc add vpc-o cidr 172.31.0.0/16 &&
	'$VNITRO' subnet add subnet-o vpc vpc-o cidr 172.31.0.0/20 az us-west-2b"
check "i-c in it, with i-a's address" "$VNITRO" instance add i-c subnet subnet-o ip "$ip_a"
bring_up i-c "$(primary_eni i-c)"
for inst in i-a i-b i-c; do
	ip -n "$inst" route replace default via 172.31.0.1
done
check "services add" "$VNITRO" services add
"$VNITRO_TOP/tools/vnitrod/vnitrod" --imds vnitro-services 2>/tmp/vnitrod-imds.log &
daemon=$!
wait_listen vnitro-services 80

check_eq "IMDSv1: i-a's instance-id" "i-a[200]" "$(md i-a meta-data/instance-id)"
check_eq "  ... i-b's" "i-b[200]" "$(md i-b meta-data/instance-id)"
check_eq "  ... i-c, i-a's address in another VPC: its own" "i-c[200]" "$(md i-c meta-data/instance-id)"
check_eq "local-ipv4" "$ip_b[200]" "$(md i-b meta-data/local-ipv4)"
check_eq "mac: the primary ENI's" "$(eni_field "$(primary_eni i-a)" mac)[200]" "$(md i-a meta-data/mac)"
check_eq "local-hostname: EC2's name in us-east-1" "ip-${ip_a//./-}.ec2.internal[200]" \
	"$(md i-a meta-data/local-hostname)"
check_eq "  ... and in us-west-2" "ip-${ip_a//./-}.us-west-2.compute.internal[200]" \
	"$(md i-c meta-data/local-hostname)"
check_eq "placement/region" "us-west-2[200]" "$(md i-c meta-data/placement/region)"
check_eq "security-groups: the group's name" "default[200]" "$(md i-a meta-data/security-groups)"
check_match "a directory lists its entries, subdirectories with /" "^ami-id$" \
	"$(md i-a meta-data/)"
check_match "  ... network/ among them" "^network/$" "$(md i-a meta-data/)"
check_eq "what does not exist: 404" "404" "$(md i-a meta-data/no-such-thing | grep -o '\[404\]$' | tr -d '[]')"
check_match "the identity document" '"instanceId" : "i-b"' "$(md i-b dynamic/instance-identity/document)"

out=$(ip netns exec i-a ec2-metadata -i -t -z -o 2>&1)
check_match "ec2-metadata (amazon-ec2-utils): instance-id" "^instance-id: i-a$" "$out"
check_match "  ... instance-type" "^instance-type: c5n.18xlarge$" "$out"
check_match "  ... placement" "^placement: us-east-1a$" "$out"
check_match "  ... local-ipv4" "^local-ipv4: $ip_a$" "$out"

# IMDSv2.
tok=$(token i-a)
check_eq "IMDSv2: a token's GET" "i-a[200]" "$(md i-a meta-data/instance-id -H "X-aws-ec2-metadata-token: $tok")"
check_eq "  ... a bad token: 401" "401" \
	"$(md i-a meta-data/instance-id -H 'X-aws-ec2-metadata-token: bad' | grep -o '[0-9]*]$' | tr -d ']')"
check_eq "  ... i-a's token in i-b: 401" "401" \
	"$(md i-b meta-data/instance-id -H "X-aws-ec2-metadata-token: $tok" | grep -o '[0-9]*]$' | tr -d ']')"
code() { ip netns exec i-a curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$@"; }
check_eq "  ... PUT without a TTL: 400" "400" "$(code -X PUT http://169.254.169.254/latest/api/token)"
check_eq "  ... a TTL of 21601: 400" "400" \
	"$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21601' http://169.254.169.254/latest/api/token)"
check_eq "  ... the reply names the TTL" "X-aws-ec2-metadata-token-ttl-seconds: 30" \
	"$(ip netns exec i-a curl -s -D - -o /dev/null -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 30' \
		http://169.254.169.254/latest/api/token | tr -d '\r' | grep -i '^x-aws-ec2-metadata-token-ttl-seconds')"
tok=$(token i-a 1)
sleep 2
check_eq "  ... an expired token: 401" "401" \
	"$(md i-a meta-data/instance-id -H "X-aws-ec2-metadata-token: $tok" | grep -o '[0-9]*]$' | tr -d ']')"

# Live: what the control plane changes, the next answer shows.
eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
mac=$(eni_field "$eni" mac)
check "attach a second ENI to i-a" "$VNITRO" eni attach "$eni" instance i-a index 1
# (md appends the status to the last line: the new MAC may sort last)
check_match "  ... network/interfaces/macs/ lists it at once" "^$mac/(\[200\])?$" \
	"$(md i-a meta-data/network/interfaces/macs/)"
check_eq "  ... device-number 1" "1[200]" "$(md i-a "meta-data/network/interfaces/macs/$mac/device-number")"
check_eq "  ... interface-id" "$eni[200]" "$(md i-a "meta-data/network/interfaces/macs/$mac/interface-id")"
check "assign it a secondary address" "$VNITRO" eni assign "$eni" ip 172.31.0.77
check_match "  ... local-ipv4s lists it" "172.31.0.77" \
	"$(md i-a "meta-data/network/interfaces/macs/$mac/local-ipv4s")"
check "detach it" "$VNITRO" eni detach "$eni"
check_eq "  ... gone from the listing" "404" \
	"$(md i-a "meta-data/network/interfaces/macs/$mac/" | grep -o '[0-9]*]$' | tr -d ']')"

kill "$daemon"
wait "$daemon"
check_eq "vnitrod stops cleanly" "0" "$?"
summary

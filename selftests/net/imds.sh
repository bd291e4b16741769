#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# imds.sh - the instance metadata service at 169.254.169.254 (vnitrod --imds), through each
# instance's own ENI: Debian's ec2-metadata, curl and cloud-init's EC2 data source, IMDSv1 and
# IMDSv2, answers from the live world, no instance seeing or using another's, and each
# instance's metadata options (tokens, hop limit with a container behind i-a, endpoint).
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
check "a partition placement group" "$VNITRO" placement-group create hdfs strategy partition \
	partition-count 3
check "i-p in its partition 2" "$VNITRO" instance add i-p subnet subnet-default \
	placement-group hdfs partition 2
bring_up i-p "$(primary_eni i-p)"
for inst in i-a i-b i-c i-p; do
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
check_eq "placement/group-name" "hdfs[200]" "$(md i-p meta-data/placement/group-name)"
check_eq "placement/partition-number" "2[200]" "$(md i-p meta-data/placement/partition-number)"
check_eq "outside a group: no group-name (404)" "404" \
	"$(md i-a meta-data/placement/group-name | grep -o '\[404\]$' | tr -d '[]')"
check_match "  ... and placement/ lists group-name only where it applies" "^group-name$" \
	"$(md i-p meta-data/placement/)"
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
# cloud-init's EC2 data source (Debian's cloud-init), as its network stage runs it: the
# platform identified as AWS from the VM's DMI (qemu/run gives it EC2's), the crawl over
# IMDSv2, and a network configuration with both ENIs.
ci=$(ip netns exec i-a "$VNITRO_TOP/selftests/net/cloudinit_ec2.py" 2>/tmp/cloudinit.log)
[[ $(jq -r .found <<<"$ci") == true ]] || tail -40 /tmp/cloudinit.log | sed 's/^/# /'
check_eq "cloud-init's Ec2 data source finds i-a on aws, over IMDSv2" "true aws true i-a us-east-1a us-east-1" \
	"$(jq -r '"\(.found) \(.cloud_name) \(.imdsv2) \(.instance_id) \(.availability_zone) \(.region)"' <<<"$ci")"
check_eq "  ... its local hostname: EC2's private name" "ip-${ip_a//./-}" "$(jq -r .local_hostname <<<"$ci")"
eth1=$(eni_field "$eni" ifname)
check_eq "  ... network config: eth0 and $eth1 by MAC, DHCP, route metrics by device number" \
	"eth0 $(eni_field "$(primary_eni i-a)" mac) true 100|$eth1 $mac true 200" \
	"$(jq -r '[.network_config.ethernets | to_entries[] | "\(.key) \(.value.match.macaddress) \(.value.dhcp4) \(.value["dhcp4-overrides"]["route-metric"])"] | join("|")' <<<"$ci")"
check_eq "  ... the secondary address on the secondary ENI, with the subnet's prefix" "172.31.0.77/20" \
	"$(jq -r --arg n "$eth1" '.network_config.ethernets[$n].addresses | join(",")' <<<"$ci")"
check "detach it" "$VNITRO" eni detach "$eni"
check_eq "  ... gone from the listing" "404" \
	"$(md i-a "meta-data/network/interfaces/macs/$mac/" | grep -o '[0-9]*]$' | tr -d ']')"

# The instance's metadata options (vnitro instance set NAME metadata ...), at the next request.
check "tokens required for i-a" "$VNITRO" instance set i-a metadata tokens required
check_eq "  ... IMDSv1 in i-a: 401" "401" "$(code http://169.254.169.254/latest/meta-data/instance-id)"
check_match "  ... ec2-metadata (IMDSv2 first) still works" "^instance-id: i-a$" \
	"$(ip netns exec i-a ec2-metadata -i 2>&1)"
check_eq "  ... i-b keeps IMDSv1" "i-b[200]" "$(md i-b meta-data/instance-id)"
check_eq "  ... instance show says so" "required 1 true" \
	"$("$VNITRO" -j instance show i-a | jq -r '.[0] | "\(.metadata_tokens) \(.metadata_hop_limit) \(.metadata_endpoint)"')"

# A container one routed hop behind i-a: a namespace on a veth, masqueraded as Docker's bridge
# does. The token's reply leaves with IP TTL = the hop limit: at 1, i-a's forwarding drops it.
ip netns add c-a
ip link add vc netns i-a type veth peer name eth0 netns c-a
ip -n i-a addr add 10.99.0.1/24 dev vc
ip -n i-a link set vc up
ip -n c-a addr add 10.99.0.2/24 dev eth0
ip -n c-a link set eth0 up
ip -n c-a route add default via 10.99.0.1
ip netns exec i-a sysctl -qw net.ipv4.ip_forward=1
ip netns exec i-a nft -f - <<EOF
table ip nat {
	chain post { type nat hook postrouting priority srcnat; oifname "eth0" masquerade; }
}
EOF
ctoken() { ip netns exec c-a curl -s --max-time 4 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
	http://169.254.169.254/latest/api/token; }
check_eq "the container: no token at hop limit 1 (the reply dies at i-a)" "" "$(ctoken)"
check_eq "  ... nor IMDSv1 (tokens required)" "401" \
	"$(ip netns exec c-a curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/instance-id)"
check_eq "  ... i-a itself still gets one" "i-a[200]" "$(md i-a meta-data/instance-id -H "X-aws-ec2-metadata-token: $(token i-a)")"
check "hop limit 2" "$VNITRO" instance set i-a metadata hop-limit 2
tok=$(ctoken)
check_eq "  ... the container gets a token, and i-a's metadata with it" "i-a[200]" \
	"$(ip netns exec c-a curl -sS --max-time 5 -w '[%{http_code}]' -H "X-aws-ec2-metadata-token: $tok" \
		http://169.254.169.254/latest/meta-data/instance-id)"
ip netns del c-a
check "endpoint off" "$VNITRO" instance set i-a metadata endpoint off
check_eq "  ... every request of i-a: 403" "403 403" \
	"$(code http://169.254.169.254/latest/meta-data/instance-id) $(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)"
check_eq "  ... i-b unaffected" "i-b[200]" "$(md i-b meta-data/instance-id)"
check "back to EC2's defaults" "$VNITRO" instance set i-a metadata tokens optional hop-limit 1 endpoint on
check_eq "  ... IMDSv1 in i-a again" "i-a[200]" "$(md i-a meta-data/instance-id)"
check_match "  ... a hop limit of 0 is refused with EC2's range" "1-64|1 to 64" \
	"$("$VNITRO" instance set i-a metadata hop-limit 0 2>&1)"

kill "$daemon"
wait "$daemon"
check_eq "vnitrod stops cleanly" "0" "$?"
summary

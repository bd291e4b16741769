#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ec2api.sh - vnitrod, the EC2 API endpoint, over the real module: Debian's AWS CLI v2
# describes and changes the world, and what it changes is what instances see.
#
#   aws --endpoint-url http://127.0.0.1:8773 ec2 ...  ->  vnitrod  ->  libvnitro  ->  vnitro.ko
#   +-- i-a --+   +-- i-b --+
#   | eth0    |   | eth0    |      a new ENI: created, attached to i-a as eth1, detached, deleted
#   +---------+   +---------+      a secondary address moved from i-a's ENI to i-b's (failover)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

AWS=/usr/bin/aws
creds=$(mktemp)
chmod 600 "$creds"
echo "AKIDVNITROTEST00001 vnitro-test-secret" >"$creds"
export AWS_ACCESS_KEY_ID=AKIDVNITROTEST00001 AWS_SECRET_ACCESS_KEY=vnitro-test-secret
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_MAX_ATTEMPTS=1
export HOME=$(mktemp -d)
ec2() { "$AWS" --endpoint-url http://127.0.0.1:8773 --output json ec2 "$@"; }

two_instances
eni_a=$(primary_eni i-a)
eni_b=$(primary_eni i-b)

"$VNITRO_TOP/tools/vnitrod/vnitrod" --credentials "$creds" 2>/tmp/vnitrod.log &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ss -Hltn "sport = :8773" | grep -q . && break
	sleep 0.1
done

out=$(ec2 describe-network-interfaces --filters Name=vpc-id,Values=vpc-default \
	Name=attachment.instance-id,Values=i-a,i-b)
check_eq "describe-network-interfaces: both instances' ENIs, by vpc-id and instance filters" \
	"$(printf '%s\n' "$eni_a" "$eni_b" | sort)" \
	"$(jq -r '.NetworkInterfaces[].NetworkInterfaceId' <<<"$out" | sort)"
check_eq "  ... i-a's: in-use, its address, attached at index 0 to i-a" \
	"in-use $ip_a 0 i-a" \
	"$(jq -r --arg e "$eni_a" '.NetworkInterfaces[] | select(.NetworkInterfaceId == $e) |
		"\(.Status) \(.PrivateIpAddress) \(.Attachment.DeviceIndex) \(.Attachment.InstanceId)"' <<<"$out")"
check_match "describe-instances names i-a and i-b" "i-a.*i-b|i-b.*i-a" \
	"$(ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text)"

eni=$(ec2 create-network-interface --subnet-id subnet-default --description "from the AWS CLI" |
	jq -r .NetworkInterface.NetworkInterfaceId)
check_eq "create-network-interface: vnitro has it, available, with the description" \
	"available from the AWS CLI" "$(eni_field "$eni" '"\(.status) \(.description)"')"
attach=$(ec2 attach-network-interface --network-interface-id "$eni" --instance-id i-a --device-index 1 |
	jq -r .AttachmentId)
check_match "attach-network-interface: an attachment id" "^eni-attach-" "$attach"
check "  ... eth1 appears in i-a" ip -n i-a link show eth1
ec2 modify-network-interface-attribute --network-interface-id "$eni" --no-source-dest-check
check_eq "modify-network-interface-attribute --no-source-dest-check: vnitro agrees" "false" \
	"$(eni_field "$eni" source_dest_check)"
srd='EnaSrdEnabled=true,EnaSrdUdpSpecification={EnaSrdUdpEnabled=true}'
out=$(ec2 modify-network-interface-attribute --network-interface-id "$eni" --ena-srd-specification "$srd" 2>&1)
check_match "  ... --ena-srd-specification on a c5n.18xlarge: UnsupportedOperation, as EC2" \
	"UnsupportedOperation.*does not support ENA Express" "$out"
check "a p5.48xlarge, which supports ENA Express" \
	"$VNITRO" instance add i-p subnet subnet-default type p5.48xlarge
eni_p=$(primary_eni i-p)
check "  ... --ena-srd-specification (the seed's command)" \
	ec2 modify-network-interface-attribute --network-interface-id "$eni_p" --ena-srd-specification "$srd"
check_eq "  ... ENA Express on, for UDP too" "true true" \
	"$(eni_field "$eni_p" '"\(.ena_express) \(.ena_express_udp)"')"
check_eq "  ... and describe shows it under the attachment" "true true" \
	"$(ec2 describe-network-interfaces --network-interface-ids "$eni_p" \
		--query 'NetworkInterfaces[0].Attachment.EnaSrdSpecification.[EnaSrdEnabled,EnaSrdUdpSpecification.EnaSrdUdpEnabled]' \
		--output text | tr '\t' ' ' | tr 'A-Z' 'a-z')"
ec2 detach-network-interface --attachment-id "$attach"
check_err "detach-network-interface by attachment id: eth1 is gone" "does not exist" \
	ip -n i-a link show eth1
ec2 delete-network-interface --network-interface-id "$eni"
check_err "delete-network-interface: vnitro has it no more" "$eni" "$VNITRO" eni show "$eni"

# Failover: a service address moves from i-a's ENI to i-b's, and traffic follows.
vip=172.31.0.100
ec2 assign-private-ip-addresses --network-interface-id "$eni_a" --private-ip-addresses "$vip"
ip -n i-a addr add "$vip/20" dev eth0
check "assign-private-ip-addresses: i-b reaches the service address on i-a" \
	ip netns exec i-b ping -c 1 -W 2 -q "$vip"
ec2 assign-private-ip-addresses --network-interface-id "$eni_b" --private-ip-addresses "$vip" \
	--allow-reassignment
check_eq "assign-private-ip-addresses --allow-reassignment: the address is i-b's ENI's now" \
	"$vip" "$(eni_field "$eni_b" 'secondary_ips[0]')"
check_eq "  ... and no longer i-a's" "0" "$(eni_field "$eni_a" 'secondary_ips | length')"
ip -n i-a addr del "$vip/20" dev eth0
ip -n i-b addr add "$vip/20" dev eth0
check "  ... traffic follows: i-a reaches it on i-b" ip netns exec i-a ping -c 1 -W 2 -q "$vip"

out=$(ec2 describe-network-interfaces --network-interface-ids eni-0123456789abcdef0 2>&1)
check_match "an unknown ENI: InvalidNetworkInterfaceID.NotFound" \
	"InvalidNetworkInterfaceID.NotFound" "$out"
out=$(AWS_SECRET_ACCESS_KEY=wrong ec2 describe-vpcs 2>&1)
check_match "a wrong secret: AuthFailure, nothing answered" "AuthFailure" "$out"

kill "$daemon"
wait "$daemon"
check_eq "vnitrod stops cleanly on SIGTERM" "0" "$?"
summary

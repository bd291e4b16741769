#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ec2api.sh - vnitrod, the EC2 API endpoint, over the real module: Debian's AWS CLI v2 and
# boto3 describe and change the world, and what they change is what instances see.
#
#   aws --endpoint-url http://127.0.0.1:8773 ec2 ...  ->  vnitrod  ->  libvnitro  ->  vnitro.ko
#   +-- i-a --+   +-- i-b --+
#   | eth0    |   | eth0    |      a new ENI: created, attached to i-a as eth1, detached, deleted
#   +---------+   +---------+      a secondary address moved from i-a's ENI to i-b's (failover)
#   a security group on i-b's ENI that the fabric enforces; an Elastic IP on i-a's ENI
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

vnitrod_api "$creds"
daemon=$vnitrod_pid

# Most requests go through boto3, one process (a coprocess: a request a line, an answer a
# line; an error is its code and message): under TCG each `aws` run costs seconds of
# start-up. The AWS CLI itself makes the calls a user types first and the seed's command.
coproc API { /usr/bin/python3 -u -c '
import sys, boto3, botocore
c = boto3.client("ec2", endpoint_url="http://127.0.0.1:8773")
ping = {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "172.31.0.0/16"}]}
def run(op, a):
    if op == "instances":
        r = c.describe_instances()["Reservations"]
        return " ".join(sorted(i["InstanceId"] for x in r for i in x["Instances"]))
    if op == "type":
        t = c.describe_instance_types(InstanceTypes=[a["name"]])["InstanceTypes"][0]
        n = t["NetworkInfo"]
        return "%d %d %d %s %s" % (t["VCpuInfo"]["DefaultVCpus"], n["MaximumNetworkCards"],
                                   n["EfaInfo"]["MaximumEfaInterfaces"], n["EnaSrdSupported"],
                                   n["NetworkPerformance"].replace(" ", "_"))
    if op == "attach":
        return c.attach_network_interface(NetworkInterfaceId=a["eni"], InstanceId=a["inst"],
                                          DeviceIndex=int(a["index"]))["AttachmentId"]
    if op == "no-src-dst-check":
        c.modify_network_interface_attribute(NetworkInterfaceId=a["eni"],
                                             SourceDestCheck={"Value": False})
        return "done"
    if op == "srd":
        c.modify_network_interface_attribute(NetworkInterfaceId=a["eni"], EnaSrdSpecification={
            "EnaSrdEnabled": True, "EnaSrdUdpSpecification": {"EnaSrdUdpEnabled": True}})
        return "done"
    if op == "srd-show":
        e = c.describe_network_interfaces(NetworkInterfaceIds=[a["eni"]])["NetworkInterfaces"][0]
        s = e["Attachment"]["EnaSrdSpecification"]
        return "%s %s" % (s["EnaSrdEnabled"], s["EnaSrdUdpSpecification"]["EnaSrdUdpEnabled"])
    if op == "detach":
        c.detach_network_interface(AttachmentId=a["attach"])
        return "done"
    if op == "delete":
        c.delete_network_interface(NetworkInterfaceId=a["eni"])
        return "done"
    if op == "assign":
        c.assign_private_ip_addresses(NetworkInterfaceId=a["eni"], PrivateIpAddresses=[a["ip"]],
                                      AllowReassignment=a.get("reassign") == "1")
        return "done"
    if op == "describe-eni":
        e = c.describe_network_interfaces(NetworkInterfaceIds=[a["eni"]])["NetworkInterfaces"]
        return " ".join(x["NetworkInterfaceId"] for x in e)
    if op == "sg-create":
        g = c.create_security_group(GroupName="api-web", Description="from boto3", VpcId="vpc-default")
        c.authorize_security_group_ingress(GroupId=g["GroupId"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        c.modify_network_interface_attribute(NetworkInterfaceId=a["eni"], Groups=[g["GroupId"]])
        return g["GroupId"]
    if op in ("sg-icmp", "sg-noicmp"):
        (c.authorize_security_group_ingress if op == "sg-icmp" else
         c.revoke_security_group_ingress)(GroupId=a["sg"], IpPermissions=[ping])
        g = c.describe_security_groups(GroupIds=[a["sg"]])["SecurityGroups"][0]
        return " ".join(sorted(p["IpProtocol"] for p in g["IpPermissions"]))
    if op == "sg-delete":
        c.delete_security_group(GroupId=a["sg"])
        return "deleted"
    if op == "eip":
        x = c.allocate_address(Domain="vpc")
        s = c.associate_address(AllocationId=x["AllocationId"], NetworkInterfaceId=a["eni"])
        d = c.describe_addresses(AllocationIds=[x["AllocationId"]])["Addresses"][0]
        return " ".join((x["AllocationId"], x["PublicIp"], d["NetworkInterfaceId"],
                         d["PrivateIpAddress"], s["AssociationId"][:9]))
    if op == "eip-disassociate":
        d = c.describe_addresses(AllocationIds=[a["alloc"]])["Addresses"][0]
        c.disassociate_address(AssociationId=d["AssociationId"])
        return "disassociated"
    if op == "eip-release":
        c.release_address(AllocationId=a["alloc"])
        return "released"
for line in sys.stdin:
    op, *kv = line.split()
    try:
        print(run(op, dict(x.split("=", 1) for x in kv)))
    except botocore.exceptions.ClientError as e:
        print(e.response["Error"]["Code"], " ".join(e.response["Error"]["Message"].split()))
'; }
api() { local r; echo "$*" >&"${API[1]}"; read -r -t 120 r <&"${API[0]}"; echo "$r"; }

out=$(ec2 describe-network-interfaces --filters Name=vpc-id,Values=vpc-default \
	Name=attachment.instance-id,Values=i-a,i-b)
check_eq "aws describe-network-interfaces: both instances' ENIs, by vpc-id and instance filters" \
	"$(printf '%s\n' "$eni_a" "$eni_b" | sort)" \
	"$(jq -r '.NetworkInterfaces[].NetworkInterfaceId' <<<"$out" | sort)"
check_eq "  ... i-a's: in-use, its address, attached at index 0 to i-a" \
	"in-use $ip_a 0 i-a" \
	"$(jq -r --arg e "$eni_a" '.NetworkInterfaces[] | select(.NetworkInterfaceId == $e) |
		"\(.Status) \(.PrivateIpAddress) \(.Attachment.DeviceIndex) \(.Attachment.InstanceId)"' <<<"$out")"
check_match "describe-instances names i-a and i-b" '(^| )i-a i-b( |$)' "$(api instances)"

check_eq "describe-instance-types p5.48xlarge: the module's catalogue (vCPUs, cards, EFAs, ENA Express)" \
	"192 32 32 True 3200_Gigabit" "$(api type name=p5.48xlarge)"

eni=$(ec2 create-network-interface --subnet-id subnet-default --description "from the AWS CLI" |
	jq -r .NetworkInterface.NetworkInterfaceId)
check_eq "aws create-network-interface: vnitro has it, available, with the description" \
	"available from the AWS CLI" "$(eni_field "$eni" '"\(.status) \(.description)"')"
attach=$(api attach eni="$eni" inst=i-a index=1)
check_match "attach-network-interface: an attachment id" "^eni-attach-" "$attach"
check "  ... eth1 appears in i-a" ip -n i-a link show eth1
api no-src-dst-check eni="$eni" >/dev/null
check_eq "modify-network-interface-attribute SourceDestCheck false: vnitro agrees" "false" \
	"$(eni_field "$eni" source_dest_check)"
check_match "  ... EnaSrdSpecification on a c5n.18xlarge: UnsupportedOperation, as EC2" \
	"^UnsupportedOperation .*does not support ENA Express" "$(api srd eni="$eni")"
check "a p5.48xlarge, which supports ENA Express" \
	"$VNITRO" instance add i-p subnet subnet-default type p5.48xlarge
eni_p=$(primary_eni i-p)
srd='EnaSrdEnabled=true,EnaSrdUdpSpecification={EnaSrdUdpEnabled=true}'
check "  ... aws ec2 modify-network-interface-attribute --ena-srd-specification (the seed's command)" \
	ec2 modify-network-interface-attribute --network-interface-id "$eni_p" --ena-srd-specification "$srd"
check_eq "  ... ENA Express on, for UDP too" "true true" \
	"$(eni_field "$eni_p" '"\(.ena_express) \(.ena_express_udp)"')"
check_eq "  ... and describe shows it under the attachment" "True True" "$(api srd-show eni="$eni_p")"
api detach attach="$attach" >/dev/null
check_err "detach-network-interface by attachment id: eth1 is gone" "does not exist" \
	ip -n i-a link show eth1
api delete eni="$eni" >/dev/null
check_err "delete-network-interface: vnitro has it no more" "$eni" "$VNITRO" eni show "$eni"

# Failover: a service address moves from i-a's ENI to i-b's, and traffic follows.
vip=172.31.0.100
api assign eni="$eni_a" ip=$vip >/dev/null
ip -n i-a addr add "$vip/20" dev eth0
check "assign-private-ip-addresses: i-b reaches the service address on i-a" \
	ip netns exec i-b ping -c 1 -W 2 -q "$vip"
check_eq "assign-private-ip-addresses AllowReassignment: done" "done" \
	"$(api assign eni="$eni_b" ip=$vip reassign=1)"
check_eq "  ... the address is i-b's ENI's now" "$vip" "$(eni_field "$eni_b" 'secondary_ips[0]')"
check_eq "  ... and no longer i-a's" "0" "$(eni_field "$eni_a" 'secondary_ips | length')"
ip -n i-a addr del "$vip/20" dev eth0
ip -n i-b addr add "$vip/20" dev eth0
check "  ... traffic follows: i-a reaches it on i-b" ip netns exec i-a ping -c 1 -W 2 -q "$vip"

# Security groups and Elastic IPs: a group made and authorized through the API is what the
# fabric enforces on i-b's ENI.
no_ping() { ! ip netns exec i-a ping -c 1 -W 1 -q "$ip_b"; }
sg=$(api sg-create eni="$eni_b")
check_match "boto3: a group made, tcp 22 authorized, set on i-b's ENI" "^sg-" "$sg"
check_eq "  ... vnitro shows it on the ENI" "$sg" "$(eni_field "$eni_b" 'security_groups | join(",")')"
check "  ... the fabric enforces it: no ping from i-a to i-b" no_ping
check_eq "  ... authorize-security-group-ingress icmp" "icmp tcp" "$(api sg-icmp sg="$sg")"
check "  ... ping from i-a to i-b passes" ip netns exec i-a ping -c 1 -W 2 -q "$ip_b"
check_eq "  ... revoke it" "tcp" "$(api sg-noicmp sg="$sg")"
check "  ... no ping again" no_ping
check_match "  ... delete while i-b uses it: DependencyViolation" "^DependencyViolation " \
	"$(api sg-delete sg="$sg")"
check "an internet gateway for vpc-default (EC2 associates an Elastic IP only then)" \
	"$VNITRO" igw add igw-api vpc vpc-default
read -r alloc pub eip_eni eip_ip assoc <<<"$(api eip eni="$eni_a")"
check_eq "boto3: an Elastic IP allocated and associated with i-a's ENI" "$eni_a $ip_a eipassoc-" \
	"$eip_eni $eip_ip $assoc"
check_eq "  ... vnitro has the same association" "$eni_a $pub" \
	"$("$VNITRO" -j eip show "$alloc" | jq -r '.[0] | "\(.eni) \(.public_ip)"')"
check_match "  ... release while associated: InvalidIPAddress.InUse" "^InvalidIPAddress.InUse " \
	"$(api eip-release alloc="$alloc")"
check_eq "  ... disassociate, release" "disassociated released" \
	"$(api eip-disassociate alloc="$alloc") $(api eip-release alloc="$alloc")"
check_match "an unknown ENI: InvalidNetworkInterfaceID.NotFound" \
	"^InvalidNetworkInterfaceID.NotFound " "$(api describe-eni eni=eni-0123456789abcdef0)"
eval "exec ${API[1]}>&-"
wait "$API_PID"

out=$(AWS_SECRET_ACCESS_KEY=wrong ec2 describe-vpcs 2>&1)
check_match "aws with a wrong secret: AuthFailure, nothing answered" "AuthFailure" "$out"

kill "$daemon"
wait "$daemon"
check_eq "vnitrod stops cleanly on SIGTERM" "0" "$?"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vnitrod, the EC2 Query API endpoint, driven by the clients people use:
# Debian's AWS CLI v2 (/usr/bin/aws) and boto3 (/usr/bin/python3), plus raw
# HTTP from ec2api_test.py for what no SDK sends (no signature, an old
# X-Amz-Date, malformed and oversized bodies, 200 requests at once).
#
#   aws / boto3 / ec2api_test.py --HTTP, SigV4--> vnitrod_fake 127.0.0.1:PORT
#                                                  |  (tools/vnitrod/*.cc)
#                                                  +--> fake_lib.cc, VNITRO_FAKE_WORLD:
#     vpc-default 172.31.0.0/16 -- subnet-default 172.31.0.0/20 (us-east-1a)
#       i-host: eni-0a1b2c3d4e5f60718 (index 0, 172.31.0.4, EIP 203.0.113.1)
#               eni-0b000000000000001 (index 1, 172.31.0.33)
#       web1:   eni-00000000000000001 (index 0, 172.31.0.16)
#       detached: eni-5 (172.31.0.5), eni-0b000000000000002..00b (.34-.43)
#     security groups: sg-d (default), sg-1 (web: ssh from 203.0.113.0/24)
#     Elastic IPs (pool 203.0.113.0/24): eipalloc-1 .1 on i-host's primary ENI
#       (eipassoc-1), eipalloc-2 .2 not associated
#     placement groups (VNITRO_FAKE_PGS): hpc (cluster, pg-0a000000000000001, i-host),
#       racks (spread, web1), parts (partition, 3) and others; their other members
#       are no instances of the fake's
#
# The fake keeps its state in the daemon's process, so a change shows in
# the next describe. Needs no vnitro module.
#
# Usage: test_ec2api.sh          (FAKE=/path/to/vnitrod_fake to test another build)
set -u

here=$(cd "$(dirname "$0")" && pwd)
FAKE=${FAKE:-$here/vnitrod_fake}
AWS=/usr/bin/aws
PY=/usr/bin/python3
HELPER=$here/ec2api_test.py
PRIMARY=eni-0a1b2c3d4e5f60718
SECOND=eni-0b000000000000001

n=0 passed=0 failed=0 skipped=0
out='' err='' rc=''

pass() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	echo "#   rc=$rc stdout=[$out] stderr=[$err]"
	[[ $# -gt 1 ]] && echo "#   $2"
	return 0
}
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }

# check DESC EXPR: passes if the [[ ]] expression EXPR holds.
check() {
	if eval "[[ $2 ]]"; then pass "$1"; else fail "$1" "expected: $2"; fi
}

# ec2 ARGS...: the AWS CLI against vnitrod; sets out, err and rc.
ec2() {
	local errfile
	errfile=$(mktemp)
	out=$("$AWS" --endpoint-url "http://127.0.0.1:$port" --output json ec2 "$@" 2>"$errfile")
	rc=$?
	err=$(<"$errfile")
	rm -f "$errfile"
}

# jcheck DESC JQ-EXPR ARGS...: the CLI's JSON output satisfies JQ-EXPR.
jcheck() {
	local desc=$1 expr=$2
	shift 2
	ec2 "$@"
	if [[ $rc -eq 0 ]] && jq -e "$expr" <<<"$out" >/dev/null 2>&1; then
		pass "$desc"
	else
		fail "$desc" "expected exit 0 and output satisfying: $expr"
	fi
}

# ecode DESC CODE ARGS...: the CLI fails with EC2 error CODE.
ecode() {
	local desc=$1 code=$2
	shift 2
	ec2 "$@"
	if [[ $rc -ne 0 && $err == *"An error occurred ($code)"* ]]; then
		pass "$desc"
	else
		fail "$desc" "expected the error code $code"
	fi
}

# pysuite SCENARIO ARGS...: ec2api_test.py's many checks, one "ok DESC" or "not ok DESC: WHY" a
# line, each a test here; anything else it prints, or its failing, is one failure more.
pysuite() {
	local line lines other=''
	rc=0
	lines=$(timeout 300 "$PY" "$HELPER" "$port" "$@" 2>&1) || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "${line#ok }" ;;
		"not ok "*) out=$line err=''; fail "${line#not ok }" ;;
		*) other+="$line"$'\n' ;;
		esac
	done <<<"$lines"
	if [[ $rc -ne 0 || -n $other ]]; then
		out=$other err=''
		fail "ec2api_test.py $1 runs to its end"
	fi
}

# py DESC EXPECTED SCENARIO ARGS...: ec2api_test.py's one line is EXPECTED.
py() {
	local desc=$1 want=$2
	shift 2
	rc=0
	out=$(timeout 120 "$PY" "$HELPER" "$port" "$@" 2>&1) || rc=$?
	err=''
	if [[ $rc -eq 0 && $out == "$want" ]]; then pass "$desc"; else fail "$desc" "expected: $want"; fi
}

if [[ ! -x $FAKE && $FAKE == "$here/vnitrod_fake" ]]; then
	make -s -C "$here" vnitrod_fake >/dev/null 2>&1
fi
if [[ ! -x $FAKE ]]; then
	echo "not ok 1 - $FAKE is built (make -C selftests/tools vnitrod_fake)"
	echo "0 passed, 1 failed"
	exit 1
fi
for prog in "$AWS" "$PY" jq; do
	if ! command -v "$prog" >/dev/null; then
		echo "not ok 1 - $prog is installed (make deps)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

tmp=$(mktemp -d)
pid=''
cleanup() {
	[[ -n $pid ]] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# No user configuration, no instance metadata, no pager, no retries.
export HOME=$tmp AWS_CONFIG_FILE=$tmp/none AWS_SHARED_CREDENTIALS_FILE=$tmp/none
export AWS_ACCESS_KEY_ID=AKIDVNITROTEST AWS_SECRET_ACCESS_KEY=c2VjcmV0LW9mLXRoZS10ZXN0LWRhZW1vbg
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER='' AWS_MAX_ATTEMPTS=1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL

## starting: the credentials file

run_fake() {
	local errfile
	errfile=$(mktemp)
	out=$(timeout 10 "$FAKE" "$@" 2>"$errfile")
	rc=$?
	err=$(<"$errfile")
	rm -f "$errfile"
}

run_fake --credentials "$tmp/missing"
check "no credentials file: exit 1, the reason" \
	'$rc -eq 1 && $err == "Error: cannot open credentials file $tmp/missing: No such file or directory"'
printf '# nothing here\n\n' >"$tmp/empty"
chmod 600 "$tmp/empty"
run_fake --credentials "$tmp/empty"
check "empty credentials file refused" '$rc -eq 1 && $err == *"holds no credentials"*'
echo "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY" >"$tmp/creds"
chmod 640 "$tmp/creds"
run_fake --credentials "$tmp/creds"
check "group-readable credentials file refused" '$rc -eq 1 && $err == *"(mode 0640); chmod 600 it"'
chmod 604 "$tmp/creds"
run_fake --credentials "$tmp/creds"
check "world-readable credentials file refused" '$rc -eq 1 && $err == *"(mode 0604)"*'
printf 'AKIDONLY\n' >"$tmp/short"
chmod 600 "$tmp/short"
run_fake --credentials "$tmp/short"
check "a line without a secret refused, with its number" '$rc -eq 1 && $err == *"line 1: expected"*'
run_fake
check "neither --credentials nor --imds: usage error, exit 2" \
	'$rc -eq 2 && $err == "Error: --credentials FILE (the EC2 API), --imds NETNS"*'
run_fake --imds no-such-netns-$$
check "--imds with no such namespace: refused, exit 1" \
	'$rc -eq 1 && $err == *"cannot open network namespace \"no-such-netns-"*'
run_fake --credentials "$tmp/creds" --listen nowhere
check "--listen without a port: usage error" '$rc -eq 2 && $err == *"expected ADDR:PORT"*'

{
	echo "# vnitrod test credentials"
	echo "AKIDOTHERKEY other-secret   # a second key"
	echo "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY"
} >"$tmp/creds"
chmod 600 "$tmp/creds"
VNITRO_FAKE_WORLD=1 VNITRO_FAKE_PGS=1 "$FAKE" --credentials "$tmp/creds" --listen 127.0.0.1:0 2>"$tmp/log" &
pid=$!
port=''
for _ in $(seq 100); do
	port=$(sed -n 's/^vnitrod: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/log")
	[[ -n $port ]] && break
	sleep 0.1
done
if [[ -z $port ]]; then
	echo "not ok $((n + 1)) - vnitrod_fake starts and listens"
	sed 's/^/#   /' "$tmp/log"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
fi
pass "vnitrod_fake listens on a free port (127.0.0.1:$port)"

## describe calls: the fake world's objects, in EC2's fields

jcheck "DescribeVpcs: vpc-default, its block, the default VPC" \
	'.Vpcs == [.Vpcs[0]] and .Vpcs[0].VpcId == "vpc-default" and .Vpcs[0].CidrBlock == "172.31.0.0/16"
	 and .Vpcs[0].IsDefault == true and .Vpcs[0].State == "available" and .Vpcs[0].OwnerId == "123456789012"
	 and .Vpcs[0].CidrBlockAssociationSet[0].CidrBlockState.State == "associated"' \
	describe-vpcs
jcheck "DescribeVpcs filter cidr with a wildcard" '.Vpcs | length == 1' \
	describe-vpcs --filters 'Name=cidr,Values=172.31.*'
jcheck "DescribeVpcs filter is-default=false: none" '.Vpcs == []' \
	describe-vpcs --filters Name=is-default,Values=false
ecode "DescribeVpcs of an unknown VPC: InvalidVpcID.NotFound" InvalidVpcID.NotFound \
	describe-vpcs --vpc-ids vpc-0123456789abcdef0
jcheck "DescribeSubnets: subnet-default in us-east-1a, free addresses counted" \
	'.Subnets[0].SubnetId == "subnet-default" and .Subnets[0].VpcId == "vpc-default"
	 and .Subnets[0].CidrBlock == "172.31.0.0/20" and .Subnets[0].AvailabilityZone == "us-east-1a"
	 and .Subnets[0].AvailableIpAddressCount == 4096 - 5 - 14 and .Subnets[0].DefaultForAz == true
	 and .Subnets[0].SubnetArn == "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-default"' \
	describe-subnets
jcheck "DescribeSubnets filters availability-zone and vpc-id (AND)" '.Subnets | length == 1' \
	describe-subnets --filters Name=availability-zone,Values=us-east-1a Name=vpc-id,Values=vpc-default
jcheck "DescribeSubnets filter cidr-block that matches nothing" '.Subnets == []' \
	describe-subnets --filters Name=cidr-block,Values=10.0.0.0/8
ecode "DescribeSubnets of a malformed id: InvalidSubnetID.Malformed" InvalidSubnetID.Malformed \
	describe-subnets --subnet-ids sn-1
jcheck "DescribeInstanceTypes t3.micro: the module's figures in EC2's fields" \
	'(.InstanceTypes | length) == 1 and (.InstanceTypes[0] | .InstanceType == "t3.micro"
	 and .VCpuInfo.DefaultVCpus == 2 and .NetworkInfo.MaximumNetworkInterfaces == 2
	 and .NetworkInfo.Ipv4AddressesPerInterface == 2 and .NetworkInfo.EnaSupport == "required"
	 and .NetworkInfo.NetworkPerformance == "Up to 5 Gigabit" and .NetworkInfo.EfaSupported == false
	 and .NetworkInfo.MaximumNetworkCards == 1 and .NetworkInfo.NetworkCards[0].NetworkCardIndex == 0
	 and .NetworkInfo.NetworkCards[0].MaximumNetworkInterfaces == 2)' \
	describe-instance-types --instance-types t3.micro
jcheck "DescribeInstanceTypes: the card's baseline and peak in Gbps" \
	'.InstanceTypes[0].NetworkInfo.NetworkCards[0] | (.BaselineBandwidthInGbps // 0.064) == 0.064
	 and (.PeakBandwidthInGbps // 5) == 5' \
	describe-instance-types --instance-types t3.micro
jcheck "DescribeInstanceTypes filter network-info.ena-support=unsupported: the Intel VF type" \
	'[.InstanceTypes[].InstanceType] == ["c4.large"]' \
	describe-instance-types --filters Name=network-info.ena-support,Values=unsupported
jcheck "DescribeInstanceTypes filter instance-type with a wildcard" \
	'[.InstanceTypes[].InstanceType] == ["t3.micro"]' \
	describe-instance-types --filters 'Name=instance-type,Values=t3.*'
ecode "DescribeInstanceTypes of unknown types: InvalidInstanceType, naming them" InvalidInstanceType \
	describe-instance-types --instance-types x9.huge t3.micro t2.nano
check "  ... the message lists both" '$err == *"do not exist: [x9.huge, t2.nano]"*'
ecode "DescribeInstanceTypes MaxResults 200: InvalidParameterValue (5-100)" InvalidParameterValue \
	describe-instance-types --max-results 200 --no-paginate
jcheck "DescribeInstances: i-host and web1, each alone in a reservation" \
	'[.Reservations[].Instances[].InstanceId] == ["i-host", "web1"]
	 and ([.Reservations[].ReservationId | test("^r-[0-9a-f]{17}$")] | all)
	 and (.Reservations | map(.OwnerId == "123456789012") | all)' \
	describe-instances
jcheck "DescribeInstances i-host: state, type, placement, address, DNS name, ENIs" \
	'.Reservations[0].Instances[0] | .State == {"Code": 16, "Name": "running"}
	 and .InstanceType == "c5n.18xlarge" and .Placement.AvailabilityZone == "us-east-1a"
	 and .PrivateIpAddress == "172.31.0.4" and .PrivateDnsName == "ip-172-31-0-4.ec2.internal"
	 and .SubnetId == "subnet-default" and .VpcId == "vpc-default" and .SourceDestCheck == true
	 and [.NetworkInterfaces[].NetworkInterfaceId] == ["eni-0a1b2c3d4e5f60718", "eni-0b000000000000001"]
	 and [.NetworkInterfaces[].Attachment.DeviceIndex] == [0, 1]
	 and .NetworkInterfaces[0].Association.PublicIp == "203.0.113.1"
	 and .Tags == [{"Key": "Name", "Value": "i-host"}]' \
	describe-instances --instance-ids i-host
jcheck "DescribeInstances filter network-interface.network-interface-id" \
	'[.Reservations[].Instances[].InstanceId] == ["web1"]' \
	describe-instances --filters Name=network-interface.network-interface-id,Values=eni-00000000000000001
jcheck "DescribeInstances filters instance-state-name and private-ip-address wildcard" \
	'[.Reservations[].Instances[].InstanceId] == ["web1"]' \
	describe-instances --filters Name=instance-state-name,Values=running Name=private-ip-address,Values='172.31.0.1?'
ecode "DescribeInstances of an unknown instance: InvalidInstanceID.NotFound" InvalidInstanceID.NotFound \
	describe-instances --instance-ids i-0123456789abcdef0
jcheck "DescribeNetworkInterfaces of the primary ENI: every field vnitro has" \
	'.NetworkInterfaces | length == 1 and (.[0] | .NetworkInterfaceId == "eni-0a1b2c3d4e5f60718"
	 and .SubnetId == "subnet-default" and .VpcId == "vpc-default" and .AvailabilityZone == "us-east-1a"
	 and .Description == "" and .OwnerId == "123456789012" and .RequesterManaged == false
	 and .Status == "in-use" and .MacAddress == "02:00:00:00:00:04" and .PrivateIpAddress == "172.31.0.4"
	 and .PrivateDnsName == "ip-172-31-0-4.ec2.internal" and .SourceDestCheck == true
	 and .InterfaceType == "interface" and .Groups == [{"GroupName": "default", "GroupId": "sg-d"}]
	 and .Attachment.AttachmentId == "eni-attach-0a1b2c3d4e5f60718" and .Attachment.InstanceId == "i-host"
	 and .Attachment.InstanceOwnerId == "123456789012" and .Attachment.DeviceIndex == 0
	 and .Attachment.NetworkCardIndex == 0 and .Attachment.Status == "attached"
	 and .Attachment.DeleteOnTermination == true
	 and .Attachment.EnaSrdSpecification == {"EnaSrdEnabled": false, "EnaSrdUdpSpecification": {"EnaSrdUdpEnabled": false}}
	 and .PrivateIpAddresses == [{"Association": {"AllocationId": "eipalloc-1", "AssociationId": "eipassoc-1",
	     "IpOwnerId": "123456789012", "PublicDnsName": "", "PublicIp": "203.0.113.1"}, "Primary": true,
	     "PrivateDnsName": "ip-172-31-0-4.ec2.internal", "PrivateIpAddress": "172.31.0.4"}]
	 and .Association.PublicIp == "203.0.113.1" and .Ipv6Addresses == [])' \
	describe-network-interfaces --network-interface-ids "$PRIMARY"
jcheck "DescribeNetworkInterfaces of a detached ENI: available, no attachment" \
	'.NetworkInterfaces[0] | .Status == "available" and (has("Attachment") | not) and .PrivateIpAddress == "172.31.0.5"' \
	describe-network-interfaces --network-interface-ids eni-5
jcheck "DescribeNetworkInterfaces: all 14, in id order" \
	'[.NetworkInterfaces[].NetworkInterfaceId] | length == 14 and . == sort' \
	describe-network-interfaces
jcheck "filter attachment.instance-id" \
	'[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-0a1b2c3d4e5f60718", "eni-0b000000000000001"]' \
	describe-network-interfaces --filters Name=attachment.instance-id,Values=i-host
jcheck "filter status=available" '.NetworkInterfaces | length == 11' \
	describe-network-interfaces --filters Name=status,Values=available
jcheck "filter private-ip-address with '?'" '.NetworkInterfaces | length == 7' \
	describe-network-interfaces --filters 'Name=private-ip-address,Values=172.31.0.3?'
jcheck "two filters are ANDed" '.NetworkInterfaces | length == 6' \
	describe-network-interfaces --filters 'Name=private-ip-address,Values=172.31.0.3?' Name=status,Values=available
jcheck "a filter's values are ORed" \
	'[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-0b000000000000002", "eni-5"]' \
	describe-network-interfaces --filters Name=network-interface-id,Values=eni-5,eni-0b000000000000002
jcheck "filters attachment.attachment-id, mac-address, group-id, availability-zone" \
	'[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-0a1b2c3d4e5f60718"]' \
	describe-network-interfaces --filters Name=attachment.attachment-id,Values=eni-attach-0a1b2c3d4e5f60718 \
		Name=mac-address,Values=02:00:00:00:00:04 Name=group-id,Values=sg-d Name=availability-zone,Values=us-east-1a
jcheck "filter attachment.device-index" '[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-0b000000000000001"]' \
	describe-network-interfaces --filters Name=attachment.device-index,Values=1
ecode "an unknown filter name: InvalidParameterValue" InvalidParameterValue \
	describe-network-interfaces --filters Name=no-such-filter,Values=x
ecode "an unknown ENI: InvalidNetworkInterfaceID.NotFound" InvalidNetworkInterfaceID.NotFound \
	describe-network-interfaces --network-interface-ids eni-0123456789abcdef0
ecode "a malformed ENI id: InvalidNetworkInterfaceID.Malformed" InvalidNetworkInterfaceID.Malformed \
	describe-network-interfaces --network-interface-ids en-1
jcheck "DescribeSecurityGroups: sg-d and sg-1 with their rules" \
	'[.SecurityGroups[] | [.GroupId, .GroupName, .VpcId]] == [["sg-1", "web", "vpc-default"], ["sg-d", "default", "vpc-default"]]
	 and .SecurityGroups[0].IpPermissions == [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "UserIdGroupPairs": [],
	     "IpRanges": [{"CidrIp": "203.0.113.0/24"}], "Ipv6Ranges": [], "PrefixListIds": []}]
	 and .SecurityGroups[1].IpPermissions[0].UserIdGroupPairs[0].GroupId == "sg-d"
	 and .SecurityGroups[1].IpPermissionsEgress[0].IpRanges == [{"CidrIp": "0.0.0.0/0"}]' \
	describe-security-groups
jcheck "DescribeSecurityGroups by name" '[.SecurityGroups[].GroupId] == ["sg-1"]' \
	describe-security-groups --group-names web

## pagination (boto3's paginator, 5 a page)

py "paginator with PageSize 5: pages 5, 5, 4, all 14 once, in id order" "5,5,4 14 sorted" paginate
py "a filtered walk: its token is refused under another filter" "5 5 InvalidPaginationToken" paginate-filtered
py "a forged NextToken: InvalidPaginationToken" "InvalidPaginationToken 400" \
	call describe_network_interfaces '{"MaxResults": 5, "NextToken": "0123456789abcdef0123456789abcdef-656e692d35"}'
py "MaxResults 4 (botocore refuses to send it; raw): InvalidParameterValue" "400 InvalidParameterValue" \
	body 'Action=DescribeVpcs&Version=2016-11-15&MaxResults=4'
py "MaxResults 1001: InvalidParameterValue" "InvalidParameterValue 400" call describe_subnets '{"MaxResults": 1001}'
py "MaxResults with ids: InvalidParameterCombination" "InvalidParameterCombination 400" \
	call describe_network_interfaces '{"MaxResults": 5, "NetworkInterfaceIds": ["eni-5"]}'

## ModifyNetworkInterfaceAttribute, then describe

ec2 modify-network-interface-attribute --network-interface-id eni-5 --no-source-dest-check
check "--no-source-dest-check: exit 0, no output" '$rc -eq 0 && -z $out'
jcheck "... a following describe shows it off" '.NetworkInterfaces[0].SourceDestCheck == false' \
	describe-network-interfaces --network-interface-ids eni-5
jcheck "... and filter source-dest-check=false finds it" '[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-5"]' \
	describe-network-interfaces --filters Name=source-dest-check,Values=false
ec2 modify-network-interface-attribute --network-interface-id eni-5 --description 'Value=db primary'
jcheck "--description: shown" '.NetworkInterfaces[0].Description == "db primary"' \
	describe-network-interfaces --network-interface-ids eni-5
ec2 modify-network-interface-attribute --network-interface-id eni-5 --groups sg-1 sg-d
jcheck "--groups: both groups with their names" \
	'.NetworkInterfaces[0].Groups == [{"GroupName": "web", "GroupId": "sg-1"}, {"GroupName": "default", "GroupId": "sg-d"}]' \
	describe-network-interfaces --network-interface-ids eni-5
ecode "--groups with an unknown group: InvalidGroup.NotFound" InvalidGroup.NotFound \
	modify-network-interface-attribute --network-interface-id eni-5 --groups sg-0123456789abcdef0
ecode "two attributes at once: InvalidParameterCombination" InvalidParameterCombination \
	modify-network-interface-attribute --network-interface-id eni-5 --source-dest-check --description Value=x
ecode "of an unknown ENI: InvalidNetworkInterfaceID.NotFound" InvalidNetworkInterfaceID.NotFound \
	modify-network-interface-attribute --network-interface-id eni-0123456789abcdef0 --source-dest-check

# The seed's commands, verbatim but for the endpoint.
ec2 modify-network-interface-attribute --network-interface-id "$SECOND" --ena-srd-specification 'EnaSrdEnabled=true,EnaSrdUdpSpecification={EnaSrdUdpEnabled=true}'
check "seed: modify --ena-srd-specification: exit 0, no output" '$rc -eq 0 && -z $out'
ec2 describe-network-interfaces --network-interface-ids "$SECOND" --query 'NetworkInterfaces[].EnaSrdSpecification'
check "seed: --query 'NetworkInterfaces[].EnaSrdSpecification' is [] (API 2016-11-15 has it under Attachment)" \
	'$rc -eq 0 && $(jq -c . <<<"$out") == "[]"'
jcheck "... NetworkInterfaces[].Attachment.EnaSrdSpecification shows both on" \
	'. == [{"EnaSrdEnabled": true, "EnaSrdUdpSpecification": {"EnaSrdUdpEnabled": true}}]' \
	describe-network-interfaces --network-interface-ids "$SECOND" --query 'NetworkInterfaces[].Attachment.EnaSrdSpecification'
ecode "ENA Express UDP without ENA Express: InvalidParameterValue (vnitro's rule)" InvalidParameterValue \
	modify-network-interface-attribute --network-interface-id "$SECOND" --ena-srd-specification 'EnaSrdEnabled=false,EnaSrdUdpSpecification={EnaSrdUdpEnabled=true}'
ec2 modify-network-interface-attribute --network-interface-id "$SECOND" --ena-srd-specification EnaSrdEnabled=false
jcheck "EnaSrdEnabled=false turns UDP off too" \
	'. == [{"EnaSrdEnabled": false, "EnaSrdUdpSpecification": {"EnaSrdUdpEnabled": false}}]' \
	describe-network-interfaces --network-interface-ids "$SECOND" --query 'NetworkInterfaces[].Attachment.EnaSrdSpecification'

## ModifyInstanceAttribute: the primary ENI's source/dest check

ec2 modify-instance-attribute --instance-id web1 --no-source-dest-check
check "ModifyInstanceAttribute --no-source-dest-check: exit 0" '$rc -eq 0 && -z $out'
jcheck "... the instance and its primary ENI show it off" \
	'.Reservations[0].Instances[0] | .SourceDestCheck == false and .NetworkInterfaces[0].SourceDestCheck == false' \
	describe-instances --instance-ids web1
ec2 modify-instance-attribute --instance-id web1 --attribute sourceDestCheck --value true
jcheck "... --attribute sourceDestCheck --value true turns it on again" \
	'.Reservations[0].Instances[0].SourceDestCheck == true' describe-instances --instance-ids web1
ecode "ModifyInstanceAttribute of an unknown instance" InvalidInstanceID.NotFound \
	modify-instance-attribute --instance-id i-nosuch --source-dest-check
ecode "ModifyInstanceAttribute --groups on an instance with two ENIs" InvalidInstanceID \
	modify-instance-attribute --instance-id i-host --groups sg-1

## AssignPrivateIpAddresses / UnassignPrivateIpAddresses

jcheck "assign 2 by count: the addresses picked" \
	'.NetworkInterfaceId == "eni-5" and [.AssignedPrivateIpAddresses[].PrivateIpAddress] == ["172.31.1.0", "172.31.1.1"]' \
	assign-private-ip-addresses --network-interface-id eni-5 --secondary-private-ip-address-count 2
jcheck "assign 172.31.0.200 by address" '[.AssignedPrivateIpAddresses[].PrivateIpAddress] == ["172.31.0.200"]' \
	assign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 172.31.0.200
jcheck "describe: the primary first, then the secondaries" \
	'[.NetworkInterfaces[0].PrivateIpAddresses[] | [.PrivateIpAddress, .Primary, .PrivateDnsName]] ==
	 [["172.31.0.5", true, "ip-172-31-0-5.ec2.internal"], ["172.31.1.0", false, "ip-172-31-1-0.ec2.internal"],
	  ["172.31.1.1", false, "ip-172-31-1-1.ec2.internal"], ["172.31.0.200", false, "ip-172-31-0-200.ec2.internal"]]' \
	describe-network-interfaces --network-interface-ids eni-5
jcheck "filter addresses.private-ip-address finds a secondary" '[.NetworkInterfaces[].NetworkInterfaceId] == ["eni-5"]' \
	describe-network-interfaces --filters Name=addresses.private-ip-address,Values=172.31.0.200
ecode "assign another ENI's primary address: InvalidIPAddress.InUse" InvalidIPAddress.InUse \
	assign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 172.31.0.4
ecode "assign a secondary of another ENI without reassignment: InvalidIPAddress.InUse" InvalidIPAddress.InUse \
	assign-private-ip-addresses --network-interface-id "$SECOND" --private-ip-addresses 172.31.0.200
jcheck "... with --allow-reassignment it moves" '[.AssignedPrivateIpAddresses[].PrivateIpAddress] == ["172.31.0.200"]' \
	assign-private-ip-addresses --network-interface-id "$SECOND" --private-ip-addresses 172.31.0.200 --allow-reassignment
jcheck "... and is gone from eni-5" '[.NetworkInterfaces[0].PrivateIpAddresses[].PrivateIpAddress] == ["172.31.0.5", "172.31.1.0", "172.31.1.1"]' \
	describe-network-interfaces --network-interface-ids eni-5
ecode "assign outside the subnet: InvalidParameterValue" InvalidParameterValue \
	assign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 10.9.9.9
ecode "assign 49 more: PrivateIpAddressLimitExceeded" PrivateIpAddressLimitExceeded \
	assign-private-ip-addresses --network-interface-id eni-5 --secondary-private-ip-address-count 49
ecode "neither addresses nor a count: MissingParameter" MissingParameter \
	assign-private-ip-addresses --network-interface-id eni-5
ec2 unassign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 172.31.1.0 172.31.1.1
check "unassign two: exit 0" '$rc -eq 0 && -z $out'
jcheck "... only the primary is left" '[.NetworkInterfaces[0].PrivateIpAddresses[].PrivateIpAddress] == ["172.31.0.5"]' \
	describe-network-interfaces --network-interface-ids eni-5
ecode "unassign the primary: InvalidParameterValue" InvalidParameterValue \
	unassign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 172.31.0.5
ecode "unassign an address it does not have: InvalidParameterValue" InvalidParameterValue \
	unassign-private-ip-addresses --network-interface-id eni-5 --private-ip-addresses 172.31.1.0

## Create, attach, detach, delete

ecode "DryRun create: DryRunOperation" DryRunOperation \
	create-network-interface --subnet-id subnet-default --dry-run
jcheck "... and nothing was created" '.NetworkInterfaces | length == 14' describe-network-interfaces
jcheck "CreateNetworkInterface: the new ENI, available, with its description and group" \
	'.NetworkInterface | .NetworkInterfaceId == "eni-0f000000000000001" and .Status == "available"
	 and .Description == "made by test_ec2api" and .Groups == [{"GroupName": "web", "GroupId": "sg-1"}]
	 and .SubnetId == "subnet-default" and .PrivateIpAddress == "172.31.1.0" and (has("Attachment") | not)
	 and (.PrivateIpAddresses | length == 3)' \
	create-network-interface --subnet-id subnet-default --description "made by test_ec2api" --groups sg-1 \
		--secondary-private-ip-address-count 2
new=eni-0f000000000000001
ecode "create in an unknown subnet: InvalidSubnetID.NotFound" InvalidSubnetID.NotFound \
	create-network-interface --subnet-id subnet-0123456789abcdef0
ecode "create with an address in use: InvalidIPAddress.InUse" InvalidIPAddress.InUse \
	create-network-interface --subnet-id subnet-default --private-ip-address 172.31.0.4
jcheck "AttachNetworkInterface to web1 at index 1: the attachment id, card 0" \
	'. == {"AttachmentId": "eni-attach-0f000000000000001", "NetworkCardIndex": 0}' \
	attach-network-interface --network-interface-id "$new" --instance-id web1 --device-index 1
jcheck "... describe shows it attached to web1 at 1" \
	'.NetworkInterfaces[0] | .Status == "in-use" and .Attachment.InstanceId == "web1" and .Attachment.DeviceIndex == 1
	 and .Attachment.DeleteOnTermination == false' \
	describe-network-interfaces --network-interface-ids "$new"
jcheck "... and web1 has two ENIs" '[.Reservations[0].Instances[0].NetworkInterfaces[].NetworkInterfaceId] == ["eni-00000000000000001", "eni-0f000000000000001"]' \
	describe-instances --instance-ids web1
ecode "attach it again: InvalidNetworkInterface.InUse" InvalidNetworkInterface.InUse \
	attach-network-interface --network-interface-id "$new" --instance-id i-host --device-index 2
ecode "attach at a used device index: InvalidParameterValue" InvalidParameterValue \
	attach-network-interface --network-interface-id eni-5 --instance-id web1 --device-index 1
ecode "attach to an unknown instance: InvalidInstanceID.NotFound" InvalidInstanceID.NotFound \
	attach-network-interface --network-interface-id eni-5 --instance-id i-nosuch --device-index 1
ecode "delete while attached: InvalidNetworkInterface.InUse" InvalidNetworkInterface.InUse \
	delete-network-interface --network-interface-id "$new"
ecode "detach the primary ENI: OperationNotPermitted" OperationNotPermitted \
	detach-network-interface --attachment-id eni-attach-0a1b2c3d4e5f60718
ecode "detach an unknown attachment: InvalidAttachmentID.NotFound" InvalidAttachmentID.NotFound \
	detach-network-interface --attachment-id eni-attach-0123456789abcdef0
ecode "DryRun detach: DryRunOperation" DryRunOperation \
	detach-network-interface --attachment-id eni-attach-0f000000000000001 --dry-run
ec2 detach-network-interface --attachment-id eni-attach-0f000000000000001 --force
check "DetachNetworkInterface --force: exit 0" '$rc -eq 0 && -z $out'
jcheck "... available again" '.NetworkInterfaces[0].Status == "available"' \
	describe-network-interfaces --network-interface-ids "$new"
ecode "detach it again: InvalidAttachmentID.NotFound" InvalidAttachmentID.NotFound \
	detach-network-interface --attachment-id eni-attach-0f000000000000001
ecode "DryRun delete: DryRunOperation" DryRunOperation delete-network-interface --network-interface-id "$new" --dry-run
ec2 delete-network-interface --network-interface-id "$new"
check "DeleteNetworkInterface: exit 0" '$rc -eq 0 && -z $out'
ecode "... then describing it: InvalidNetworkInterfaceID.NotFound" InvalidNetworkInterfaceID.NotFound \
	describe-network-interfaces --network-interface-ids "$new"
ecode "delete an unknown ENI: InvalidNetworkInterfaceID.NotFound" InvalidNetworkInterfaceID.NotFound \
	delete-network-interface --network-interface-id "$new"

## Security groups: the CLI as people type it, then boto3 for the rest

jcheck "CreateSecurityGroup: a new sg- id" '.GroupId | test("^sg-[0-9a-f]{1,17}$")' \
	create-security-group --group-name app --description "app servers" --vpc-id vpc-default
sg=$(jq -r .GroupId <<<"$out")
ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 0.0.0.0/0
check "authorize-security-group-ingress --protocol tcp --port 22 --cidr 0.0.0.0/0: Return true" \
	'$rc -eq 0 && $(jq -c . <<<"$out") == "{\"Return\":true}"'
ec2 authorize-security-group-ingress --group-id "$sg" --ip-permissions \
	'IpProtocol=icmp,FromPort=8,ToPort=-1,IpRanges=[{CidrIp=10.0.0.0/8}]' \
	'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-1}],Ipv6Ranges=[{CidrIpv6=::/0}]'
check "--ip-permissions: ICMP echo requests, https from sg-1 and from ::/0" '$rc -eq 0'
jcheck "DescribeSecurityGroups: the group and its rules in EC2's shape" \
	'.SecurityGroups == [.SecurityGroups[0]] and (.SecurityGroups[0] | .GroupName == "app"
	 and .Description == "app servers" and .VpcId == "vpc-default" and .OwnerId == "123456789012"
	 and (.IpPermissions | sort_by(.FromPort)) == [
	  {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
	   "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
	  {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
	   "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
	  {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
	   "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": "123456789012"}]}]
	 and .IpPermissionsEgress == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
	   "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}])' \
	describe-security-groups --group-ids "$sg"
jcheck "filters group-name and vpc-id (ANDed)" "[.SecurityGroups[].GroupId] == [\"$sg\"]" \
	describe-security-groups --filters Name=group-name,Values=app Name=vpc-id,Values=vpc-default
jcheck "filter ip-permission.from-port=22: app and web" "[.SecurityGroups[].GroupId] == [\"$sg\", \"sg-1\"]" \
	describe-security-groups --filters Name=ip-permission.from-port,Values=22
jcheck "--group-names web (names are the default VPC's)" '[.SecurityGroups[].GroupId] == ["sg-1"]' \
	describe-security-groups --group-names web
ecode "the same rule again: InvalidPermission.Duplicate" InvalidPermission.Duplicate \
	authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 0.0.0.0/0
ec2 revoke-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 0.0.0.0/0
check "revoke-security-group-ingress: Return true" '$rc -eq 0 && $(jq -r .Return <<<"$out") == true'
ecode "revoke it again: InvalidPermission.NotFound" InvalidPermission.NotFound \
	revoke-security-group-ingress --group-id "$sg" --protocol tcp --port 22 --cidr 0.0.0.0/0
ec2 authorize-security-group-egress --group-id "$sg" \
	--ip-permissions 'IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=172.31.0.2/32}]'
check "authorize-security-group-egress: exit 0" '$rc -eq 0'
ec2 revoke-security-group-egress --group-id "$sg" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'
check "revoke-security-group-egress of the all-out rule: exit 0" '$rc -eq 0'
jcheck "... egress is DNS to the resolver only" \
	'.SecurityGroups[0].IpPermissionsEgress | length == 1 and .[0].IpProtocol == "udp"
	 and .[0].IpRanges == [{"CidrIp": "172.31.0.2/32"}]' describe-security-groups --group-ids "$sg"
ecode "create app again: InvalidGroup.Duplicate" InvalidGroup.Duplicate \
	create-security-group --group-name app --description again --vpc-id vpc-default
ecode "delete the default group: CannotDelete" CannotDelete delete-security-group --group-id sg-d
ec2 modify-network-interface-attribute --network-interface-id eni-5 --groups "$sg"
jcheck "an ENI given the group: Groups names it" \
	"[.NetworkInterfaces[0].Groups[] | [.GroupId, .GroupName]] == [[\"$sg\", \"app\"]]" \
	describe-network-interfaces --network-interface-ids eni-5
ecode "delete a group an ENI has: DependencyViolation" DependencyViolation delete-security-group --group-id "$sg"
ec2 modify-network-interface-attribute --network-interface-id eni-5 --groups sg-1 sg-d
ec2 delete-security-group --group-id "$sg"
check "delete-security-group once no ENI has it: exit 0" '$rc -eq 0'
ecode "... then describing it: InvalidGroup.NotFound" InvalidGroup.NotFound describe-security-groups --group-ids "$sg"
pysuite sg-suite

## Elastic IPs: the CLI as people type it, then boto3 for the rest

jcheck "AllocateAddress --domain vpc: the lowest free address of the pool" \
	'.Domain == "vpc" and .PublicIp == "203.0.113.3" and (.AllocationId | test("^eipalloc-[0-9a-f]{1,17}$"))' \
	allocate-address --domain vpc
alloc=$(jq -r .AllocationId <<<"$out")
jcheck "AssociateAddress with eni-5: an association id" '.AssociationId | test("^eipassoc-[0-9a-f]{1,17}$")' \
	associate-address --allocation-id "$alloc" --network-interface-id eni-5
assoc=$(jq -r .AssociationId <<<"$out")
jcheck "DescribeAddresses: on eni-5's primary address; no instance (eni-5 is detached)" \
	".Addresses == [{\"PublicIp\": \"203.0.113.3\", \"AllocationId\": \"$alloc\", \"AssociationId\": \"$assoc\",
	  \"Domain\": \"vpc\", \"NetworkInterfaceId\": \"eni-5\", \"NetworkInterfaceOwnerId\": \"123456789012\",
	  \"PrivateIpAddress\": \"172.31.0.5\", \"Tags\": [], \"PublicIpv4Pool\": \"amazon\",
	  \"NetworkBorderGroup\": \"us-east-1\"}]" \
	describe-addresses --allocation-ids "$alloc"
jcheck "filter network-interface-id" "[.Addresses[].AllocationId] == [\"$alloc\"]" \
	describe-addresses --filters Name=network-interface-id,Values=eni-5
jcheck "DescribeNetworkInterfaces: eni-5's association" \
	".NetworkInterfaces[0].Association == {\"AllocationId\": \"$alloc\", \"AssociationId\": \"$assoc\",
	  \"IpOwnerId\": \"123456789012\", \"PublicDnsName\": \"\", \"PublicIp\": \"203.0.113.3\"}" \
	describe-network-interfaces --network-interface-ids eni-5
jcheck "--public-ips 203.0.113.1: on i-host's primary ENI" \
	'[.Addresses[] | [.AllocationId, .AssociationId, .InstanceId, .NetworkInterfaceId]] ==
	 [["eipalloc-1", "eipassoc-1", "i-host", "eni-0a1b2c3d4e5f60718"]]' describe-addresses --public-ips 203.0.113.1
ecode "associate it elsewhere without --allow-reassociation: Resource.AlreadyAssociated" Resource.AlreadyAssociated \
	associate-address --allocation-id "$alloc" --network-interface-id "$SECOND"
ecode "release it while associated: InvalidIPAddress.InUse" InvalidIPAddress.InUse \
	release-address --allocation-id "$alloc"
ec2 disassociate-address --association-id "$assoc"
check "disassociate-address: exit 0" '$rc -eq 0'
ecode "disassociate it again: InvalidAssociationID.NotFound" InvalidAssociationID.NotFound \
	disassociate-address --association-id "$assoc"
ec2 release-address --allocation-id "$alloc"
check "release-address: exit 0" '$rc -eq 0'
ecode "release it again: InvalidAllocationID.NotFound" InvalidAllocationID.NotFound \
	release-address --allocation-id "$alloc"
pysuite eip-suite "$SECOND"

## Placement groups: create, describe, delete; instances' placement

pg_names() { jq -c '[.PlacementGroups[].GroupName]' <<<"$out"; }
jcheck "DescribePlacementGroups: the fake's groups in EC2's fields, by id" \
	'(.PlacementGroups | map(.GroupId) | . == sort) and (.PlacementGroups | map({(.GroupName): .}) | add
	 | .hpc == {"GroupName": "hpc", "State": "available", "Strategy": "cluster", "GroupId": "pg-0a000000000000001",
	  "GroupArn": "arn:aws:ec2:us-east-1:123456789012:placement-group/hpc"}
	 and .racks.SpreadLevel == "rack" and (.racks | has("PartitionCount") | not)
	 and .parts.PartitionCount == 3 and (.parts | has("SpreadLevel") | not))' \
	describe-placement-groups
pgs0=$(pg_names)
jcheck "CreatePlacementGroup cluster: available, pg- and 17 hex digits, the ARN by name" \
	'.PlacementGroup | (.GroupId | test("^pg-[0-9a-f]{17}$")) and .GroupName == "my-cluster"
	 and .State == "available" and .Strategy == "cluster"
	 and .GroupArn == "arn:aws:ec2:us-east-1:123456789012:placement-group/my-cluster"
	 and (has("PartitionCount") or has("SpreadLevel") | not)' \
	create-placement-group --group-name my-cluster --strategy cluster
pg=$(jq -r .PlacementGroup.GroupId <<<"$out")
jcheck "create partition --partition-count 5: PartitionCount 5" \
	'.PlacementGroup | .Strategy == "partition" and .PartitionCount == 5 and (has("SpreadLevel") | not)' \
	create-placement-group --group-name HDFS-Group-A --strategy partition --partition-count 5
jcheck "create partition without a count: 2, vnitro's default" '.PlacementGroup.PartitionCount == 2' \
	create-placement-group --group-name two-parts --strategy partition
jcheck "create spread without a level: rack, as EC2 answers" \
	'.PlacementGroup | .Strategy == "spread" and .SpreadLevel == "rack"' \
	create-placement-group --group-name my-spread --strategy spread
jcheck "--group-names my-cluster: the group made" ".PlacementGroups == [{\"GroupName\": \"my-cluster\",
	 \"State\": \"available\", \"Strategy\": \"cluster\", \"GroupId\": \"$pg\",
	 \"GroupArn\": \"arn:aws:ec2:us-east-1:123456789012:placement-group/my-cluster\"}]" \
	describe-placement-groups --group-names my-cluster
jcheck "--group-ids: the same group by its id" '[.PlacementGroups[].GroupName] == ["my-cluster"]' \
	describe-placement-groups --group-ids "$pg"
jcheck "filter strategy=partition: partition groups only, the two made among them" \
	'(.PlacementGroups | map(.Strategy) | unique) == ["partition"]
	 and (["parts", "HDFS-Group-A", "two-parts"] - [.PlacementGroups[].GroupName]) == []' \
	describe-placement-groups --filters Name=strategy,Values=partition
ec2 describe-placement-groups --filters 'Name=group-name,Values=my-*' Name=spread-level,Values=rack
check "filters group-name my-* and spread-level rack (ANDed)" '$rc -eq 0 && $(pg_names) == "[\"my-spread\"]"'
ec2 describe-placement-groups --filters Name=group-arn,Values='arn:aws:ec2:*:placement-group/hpc' Name=state,Values=available
check "filters group-arn and state" '$rc -eq 0 && $(pg_names) == "[\"hpc\"]"'
ecode "filter tag:Name (no tags in vnitro): InvalidParameterValue" InvalidParameterValue \
	describe-placement-groups --filters Name=tag:Name,Values=x
ecode "create it again: InvalidPlacementGroup.Duplicate" InvalidPlacementGroup.Duplicate \
	create-placement-group --group-name my-cluster --strategy spread
check "  ... EC2's message" '$err == *"The placement group '"'my-cluster'"' already exists."'
ecode "create without GroupName: MissingParameter" MissingParameter create-placement-group --strategy cluster
ecode "create without Strategy: MissingParameter (vnitro's groups have one)" MissingParameter \
	create-placement-group --group-name no-strategy
ecode "--partition-count 8: InvalidParameterValue (seven at most)" InvalidParameterValue \
	create-placement-group --group-name eight --strategy partition --partition-count 8
ecode "--partition-count 0: InvalidParameterValue" InvalidParameterValue \
	create-placement-group --group-name zero --strategy partition --partition-count 0
ecode "--partition-count with cluster: InvalidParameterCombination" InvalidParameterCombination \
	create-placement-group --group-name c2 --strategy cluster --partition-count 2
ecode "--spread-level host (Outposts only): InvalidParameterValue" InvalidParameterValue \
	create-placement-group --group-name h --strategy spread --spread-level host
ecode "--strategy precision-time: InvalidParameterValue" InvalidParameterValue \
	create-placement-group --group-name pt --strategy precision-time
ecode "a name of 256 characters: InvalidParameterValue" InvalidParameterValue \
	create-placement-group --group-name "$(printf 'a%.0s' {1..256})" --strategy cluster
ecode "--tag-specifications: UnknownParameter (vnitro keeps no tags)" UnknownParameter \
	create-placement-group --group-name tagged --strategy cluster \
	--tag-specifications 'ResourceType=placement-group,Tags=[{Key=purpose,Value=production}]'
ecode "DryRun create: DryRunOperation" DryRunOperation \
	create-placement-group --group-name dry --strategy cluster --dry-run
ecode "... and nothing was created" InvalidPlacementGroup.Unknown describe-placement-groups --group-names dry
ecode "DryRun create of a duplicate: the Duplicate, not DryRunOperation" InvalidPlacementGroup.Duplicate \
	create-placement-group --group-name hpc --strategy cluster --dry-run
ecode "describe an unknown name: InvalidPlacementGroup.Unknown" InvalidPlacementGroup.Unknown \
	describe-placement-groups --group-names my-cluster nosuch
check "  ... EC2's message" '$err == *"The Placement Group '"'nosuch'"' is unknown."'
ecode "describe an unknown id: InvalidPlacementGroup.Unknown" InvalidPlacementGroup.Unknown \
	describe-placement-groups --group-ids pg-0123456789abcdef0
ecode "describe a malformed id: InvalidPlacementGroupId.Malformed" InvalidPlacementGroupId.Malformed \
	describe-placement-groups --group-ids sg-1
ecode "delete hpc, which i-host is in: InvalidPlacementGroup.InUse" InvalidPlacementGroup.InUse \
	delete-placement-group --group-name hpc
check "  ... EC2's message" '$err == *"The placement group '"'hpc'"' is in use and may not be deleted."'
ecode "delete an unknown group: InvalidPlacementGroup.Unknown" InvalidPlacementGroup.Unknown \
	delete-placement-group --group-name nosuch
py "delete without GroupName: MissingParameter" "400 MissingParameter" body 'Action=DeletePlacementGroup&Version=2016-11-15'
ecode "DryRun delete: DryRunOperation" DryRunOperation delete-placement-group --group-name my-cluster --dry-run
ec2 delete-placement-group --group-name my-cluster
check "DeletePlacementGroup: exit 0, no output" '$rc -eq 0 && -z $out'
ecode "... then describing it: InvalidPlacementGroup.Unknown" InvalidPlacementGroup.Unknown \
	describe-placement-groups --group-names my-cluster
for g in HDFS-Group-A two-parts my-spread; do ec2 delete-placement-group --group-name "$g"; done
ec2 describe-placement-groups
check "... and the others made: the groups are as they were" "\$rc -eq 0 && \$(pg_names) == '$pgs0'"
py "groups made until refused: PlacementGroupLimitExceeded at 500, the list back as it was" \
	"500 PlacementGroupLimitExceeded same" pg-limit
py "an unsigned CreatePlacementGroup: MissingAuthenticationToken, HTTP 401" "401 MissingAuthenticationToken" \
	unsigned 'Action=CreatePlacementGroup&Version=2016-11-15&GroupName=unsigned&Strategy=cluster'
AWS_SECRET_ACCESS_KEY=wrong ecode "create with a wrong secret: AuthFailure" AuthFailure \
	create-placement-group --group-name unsigned --strategy cluster
ecode "... neither was created" InvalidPlacementGroup.Unknown describe-placement-groups --group-names unsigned

jcheck "DescribeInstances i-host: Placement with its group's name and id" \
	'.Reservations[0].Instances[0].Placement == {"AvailabilityZone": "us-east-1a", "GroupName": "hpc",
	 "Tenancy": "default", "GroupId": "pg-0a000000000000001"}' \
	describe-instances --instance-ids i-host
jcheck "filter placement-group-name=racks: web1" '[.Reservations[].Instances[].InstanceId] == ["web1"]' \
	describe-instances --filters Name=placement-group-name,Values=racks
jcheck "filter placement-group-name with a wildcard: both" '[.Reservations[].Instances[].InstanceId] == ["i-host", "web1"]' \
	describe-instances --filters 'Name=placement-group-name,Values=hpc,rack?'
jcheck "filter placement-partition-number=1: none (no instance of the fake is in a partition group)" \
	'.Reservations == []' describe-instances --filters Name=placement-partition-number,Values=1
ecode "ModifyInstancePlacement of a running instance: IncorrectInstanceState" IncorrectInstanceState \
	modify-instance-placement --instance-id i-host --group-name far
check "  ... EC2's message" '$err == *"The instance '"'i-host'"' is not in the '"'stopped'"' state."'
ecode "  ... out of its group (--group-name \"\"): IncorrectInstanceState" IncorrectInstanceState \
	modify-instance-placement --instance-id i-host --group-name ""
ecode "  ... into an unknown group: InvalidPlacementGroup.Unknown" InvalidPlacementGroup.Unknown \
	modify-instance-placement --instance-id i-host --group-name nosuch
ecode "  ... by a malformed group id: InvalidPlacementGroupId.Malformed" InvalidPlacementGroupId.Malformed \
	modify-instance-placement --instance-id i-host --group-id hpc
ecode "  ... by name and id: InvalidParameterCombination" InvalidParameterCombination \
	modify-instance-placement --instance-id i-host --group-name hpc --group-id pg-0a000000000000001
ecode "  ... a partition of a cluster group: InvalidParameterCombination" InvalidParameterCombination \
	modify-instance-placement --instance-id i-host --group-name hpc --partition-number 1
ecode "  ... partition 4 of three: InvalidParameterValue" InvalidParameterValue \
	modify-instance-placement --instance-id i-host --group-id pg-0a000000000000005 --partition-number 4
ecode "  ... of an unknown instance: InvalidInstanceID.NotFound" InvalidInstanceID.NotFound \
	modify-instance-placement --instance-id i-nosuch --group-name far
py "  ... DryRun: UnknownParameter (EC2's call takes none)" "400 UnknownParameter" \
	body 'Action=ModifyInstancePlacement&Version=2016-11-15&InstanceId=i-host&GroupName=far&DryRun=true'
jcheck "  ... i-host is still in hpc" '.Reservations[0].Instances[0].Placement.GroupName == "hpc"' \
	describe-instances --instance-ids i-host

## errors: signatures, protocol

py "boto3: an unknown ENI raises ClientError InvalidNetworkInterfaceID.NotFound" \
	"InvalidNetworkInterfaceID.NotFound 400" call describe_network_interfaces '{"NetworkInterfaceIds": ["eni-0123456789abcdef0"]}'
py "boto3 with a wrong secret: AuthFailure, HTTP 401" "AuthFailure 401" wrong-secret
AWS_SECRET_ACCESS_KEY=wrong ecode "the CLI with a wrong secret: AuthFailure" AuthFailure describe-vpcs
AWS_ACCESS_KEY_ID=AKIDUNKNOWN ecode "the CLI with an unknown key id: AuthFailure" AuthFailure describe-vpcs
AWS_DEFAULT_REGION=eu-west-1 ecode "signed for another region: AuthFailure" AuthFailure describe-vpcs
py "hand-signed, X-Amz-Date 20 minutes off: RequestExpired" "400 RequestExpired" expired
py "an unsigned POST: MissingAuthenticationToken, HTTP 401" "401 MissingAuthenticationToken" unsigned
py "a GET with the query string, signed in the header" "200 vpc-default" get
py "a presigned GET (X-Amz-* in the query)" "200 vpc-default" presigned
py "DryRun describe: DryRunOperation, HTTP 412" "DryRunOperation 412" call describe_vpcs '{"DryRun": true}'
py "an unknown action: InvalidAction" "400 InvalidAction" body 'Action=RunInstances&Version=2016-11-15'
py "no Version: MissingParameter" "400 MissingParameter" body 'Action=DescribeVpcs'
py "another Version: NoSuchVersion" "400 NoSuchVersion" body 'Action=DescribeVpcs&Version=2014-01-01'
py "an unknown parameter: UnknownParameter" "400 UnknownParameter" body 'Action=DescribeVpcs&Version=2016-11-15&Colour=red'
py "a parameter given twice: InvalidParameterValue" "400 InvalidParameterValue" \
	body 'Action=DescribeVpcs&Version=2016-11-15&VpcId.1=a&VpcId.1=b'
py "malformed percent-encoding (%zz): InvalidParameterValue" "400 InvalidParameterValue" \
	body 'Action=DescribeVpcs&Version=2016-11-15&VpcId.1=%zz'
py "a boolean that is not one: InvalidParameterValue" "400 InvalidParameterValue" \
	body 'Action=ModifyNetworkInterfaceAttribute&Version=2016-11-15&NetworkInterfaceId=eni-5&SourceDestCheck.Value=maybe'
py "a filter without values: InvalidParameterValue" "400 InvalidParameterValue" \
	body 'Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=vpc-id'
py "a missing required parameter: MissingParameter" "400 MissingParameter" \
	body 'Action=DeleteNetworkInterface&Version=2016-11-15'
py "request ids: a fresh UUID v4 on every answer, errors too" "v4 distinct" request-ids

## hostile input; the daemon keeps answering

py "2 MiB body: 413, a chunked body past 1 MiB: closed" "413 RequestEntityTooLarge closed" big
py "garbage, an endless header, a huge request line: 400, 431, 414" "400 431 414" garbage
py "200 parallel requests all answered" "200/200" parallel 200
py "100 slow clients holding connections: a new request is answered at once, they still wait" \
	"200 at-once 100/100" slow 100
py "3,000 requests, 150 at a time: all answered" "3000/3000" many 3000 150
jcheck "... and it still answers" '.Vpcs[0].VpcId == "vpc-default"' describe-vpcs
check "the log names each request by id, action and status" \
	'$(grep -c "^vnitrod: [0-9a-f-]\{36\} POST DescribeVpcs 200$" "$tmp/log") -gt 3'

## stopping

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=''
out='' err=$(tail -3 "$tmp/log")
check "SIGTERM: stops cleanly, exit 0 (ASan: no leak)" '$rc -eq 0 && $err == *"vnitrod: Terminated, stopping" && $err != *"ERROR"*'

## the systemd unit (make install puts it in UNITDIR), as systemd reads it

unit=$tmp/unit
mkdir -p "$unit"
ln -s "$here/../../tools/vnitro" "$unit/vnitro"
ln -s "$here/../../tools/vnitrod/vnitrod" "$unit/vnitrod"
make -s -C "$here/../../tools/vnitrod" vnitrod >/dev/null 2>&1
sed -e "s|@SBINDIR@|$unit|g" -e "s|@UNITDIR@|$unit|g" "$here/../../tools/vnitrod/vnitrod.service.in" \
	>"$unit/vnitrod.service"
out=$(systemd-analyze verify --man=no "$unit/vnitrod.service" 2>&1)
rc=$?
err=''
check "vnitrod.service: systemd-analyze verify finds nothing wrong" '$rc -eq 0 && -z $out'
out=$(grep -c '^ExecStart=.*/vnitrod \$VNITROD_ARGS$' "$unit/vnitrod.service")
check "  ... it starts vnitrod with the options of /etc/default/vnitrod" '$out -eq 1'

[[ $skipped -gt 0 ]] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

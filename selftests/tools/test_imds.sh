#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of vnitrod's instance metadata service (tools/vnitrod/imds.cc) over the
# canned world of fake_lib.cc: a namespace made like the services' (169.254.0.0/17 local),
# where 169.254.0.4 is the alias of i-host's primary ENI (eth0) and nothing else is an ENI's.
# curl asks as an instance would; the VM suite selftests/net/imds.sh does it over the module.
# The same daemon serves the EC2 API, through which boto3 changes i-host's metadata options.
# Then a second daemon with VNITRO_FAKE_PGS=1, where i-host is in cluster placement group hpc.
# Needs root (a network namespace); skipped otherwise.
set -u

source "$(dirname "$0")/vnitrod_netns.sh" imds
ip -n "$ns" route add local 169.254.0.0/17 dev lo

creds=$(mktemp)
log=$(mktemp)
echo "AKIDVNITROIMDS c2VjcmV0LW9mLXRoZS1pbWRzLXRlc3Q" >"$creds"
# start [VAR=VALUE...]: the daemon, with the fake's environment VAR=VALUE; sets daemon and port.
start() {
	env "$@" "$FAKE" --imds "$ns" --credentials "$creds" --listen 127.0.0.1:0 2>"$log" &
	daemon=$!
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$ns" ss -Hltn "sport = :80" | grep -q . && grep -q listening "$log" && break
		sleep 0.1
	done
	port=$(sed -n 's/^vnitrod: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log")
}
start

# modify ARGS...: ModifyInstanceMetadataOptions of i-host through boto3, keyword=value
# pairs; prints the answer's options (or the error code), then DescribeInstances' options.
modify() {
	PORT=$port /usr/bin/python3 - "$@" <<'PY' 2>&1
import os, sys, boto3, botocore
c = boto3.client("ec2", endpoint_url="http://127.0.0.1:" + os.environ["PORT"], region_name="us-east-1",
                 aws_access_key_id="AKIDVNITROIMDS",
                 aws_secret_access_key="c2VjcmV0LW9mLXRoZS1pbWRzLXRlc3Q")
kw = {k: (int(v) if v.isdigit() else v) for k, v in (a.split("=") for a in sys.argv[1:])}
try:
    o = c.modify_instance_metadata_options(InstanceId="i-host", **kw)["InstanceMetadataOptions"]
    print(o["State"], o["HttpTokens"], o["HttpPutResponseHopLimit"], o["HttpEndpoint"])
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
o = c.describe_instances(InstanceIds=["i-host"])["Reservations"][0]["Instances"][0]["MetadataOptions"]
print(o["State"], o["HttpTokens"], o["HttpPutResponseHopLimit"], o["HttpEndpoint"])
PY
}

# get [curl options] PATH: "CODE BODY" as the alias of eth0 asks.
get() {
	local path=${*: -1}
	ip netns exec "$ns" curl -s --max-time 5 -w ' %{http_code}' "${@:1:$#-1}" "http://169.254.0.4$path" |
		awk '{ body = body (NR > 1 ? "\n" : "") $0 } END { n = split(body, w, " "); code = w[n];
			sub(/ [0-9]+$/, "", body); print code " " body }'
}
code() { get "$@" | head -1 | cut -d' ' -f1; }

expect "GET /: the versions, latest last" "200" "$(code /)"
expect "  ... latest is the last line" "latest" "$(get / | tail -1)"
expect "/latest/: dynamic/ and meta-data/" $'200 dynamic/\nmeta-data/' "$(get /latest/)"
expect "instance-id" "200 i-host" "$(get /latest/meta-data/instance-id)"
expect "a version's path serves the same tree" "200 i-host" "$(get /2009-04-04/meta-data/instance-id)"
expect "an unknown version: 404" "404" "$(code /2999-01-01/meta-data/instance-id)"
expect "// collapses (ec2-metadata asks latest//meta-data/...)" "200 c5n.18xlarge" \
	"$(get //latest//meta-data/instance-type)"
expect "a directory without its trailing slash lists too" "200 availability-zone" \
	"$(get /latest/meta-data/placement | head -1)"
expect "placement/ outside a placement group: the zone and the region only" \
	$'200 availability-zone\nregion' "$(get /latest/meta-data/placement/)"
expect "  ... placement/group-name: 404" "404" "$(code /latest/meta-data/placement/group-name)"
expect "  ... placement/partition-number: 404" "404" "$(code /latest/meta-data/placement/partition-number)"
expect "  ... placement/availability-zone-id: 404 (vnitro's zones have no ids)" "404" \
	"$(code /latest/meta-data/placement/availability-zone-id)"
expect "network/interfaces/macs/: the MAC, as a directory" "200 02:00:00:00:00:04/" \
	"$(get /latest/meta-data/network/interfaces/macs/)"
expect "  ... device-number" "200 0" "$(get /latest/meta-data/network/interfaces/macs/02:00:00:00:00:04/device-number)"
expect "  ... owner-id: the account" "200 123456789012" \
	"$(get /latest/meta-data/network/interfaces/macs/02:00:00:00:00:04/owner-id)"
expect "  ... subnet-ipv4-cidr-block" "200 172.31.0.0/20" \
	"$(get /latest/meta-data/network/interfaces/macs/02:00:00:00:00:04/subnet-ipv4-cidr-block)"
expect "a leaf is no directory: 404" "404" "$(code /latest/meta-data/instance-id/x)"
expect "what does not exist: 404" "404" "$(code /latest/meta-data/kernel-id)"
expect "POST: 405" "405" "$(code -X POST /latest/meta-data/instance-id)"

tok=$(ip netns exec "$ns" curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
	http://169.254.0.4/latest/api/token)
expect "PUT /latest/api/token: a token" "1" "$([[ -n $tok ]] && echo 1)"
expect "  ... accepted" "200 i-host" "$(get -H "X-aws-ec2-metadata-token: $tok" /latest/meta-data/instance-id)"
expect "  ... altered: 401" "401" "$(code -H "X-aws-ec2-metadata-token: ${tok%????}AAAA" /latest/meta-data/instance-id)"
expect "  ... garbage: 401" "401" "$(code -H 'X-aws-ec2-metadata-token: !!' /latest/meta-data/instance-id)"
expect "  ... all padding: 401" "401" "$(code -H 'X-aws-ec2-metadata-token: ====' /latest/meta-data/instance-id)"
expect "  ... 128 bytes of base64: 401" "401" \
	"$(code -H "X-aws-ec2-metadata-token: $(head -c 96 /dev/zero | base64 -w0)" /latest/meta-data/instance-id)"
expect "PUT without a TTL: 400" "400" "$(code -X PUT /latest/api/token)"
expect "PUT with TTL 0: 400" "400" "$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 0' /latest/api/token)"
expect "PUT with TTL 21601: 400" "400" \
	"$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21601' /latest/api/token)"
expect "PUT with TTL 21600: 200" "200" \
	"$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' /latest/api/token)"
expect "PUT to a versioned path: 403" "403" \
	"$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' /2021-03-23/api/token)"
expect "PUT with X-Forwarded-For: 403 (a proxy's request)" "403" \
	"$(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' -H 'X-Forwarded-For: 10.0.0.9' /latest/api/token)"
expect "an alias no ENI has: 404" "404" \
	"$(ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' http://169.254.0.40/latest/meta-data/instance-id)"
expect "another service's alias (DNS, + 1): 404" "404" \
	"$(ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' http://169.254.0.5/latest/meta-data/instance-id)"
big=$(head -c 20000 /dev/zero | tr '\0' a)
expect "a 20,000-byte path: answered, not a crash" "1" \
	"$(c=$(code "/latest/$big"); [[ $c =~ ^4 ]] && echo 1)"
expect "still answering after it" "200 i-host" "$(get /latest/meta-data/instance-id)"

## the instance's metadata options, changed through the EC2 API of the same daemon

expect "DescribeInstances: EC2's default options" $'pending optional 1 enabled\napplied optional 1 enabled' \
	"$(modify)"
expect "HttpTokens=required: pending, then applied" $'pending required 1 enabled\napplied required 1 enabled' \
	"$(modify HttpTokens=required)"
expect "  ... a GET without a token: 401" "401" "$(code /latest/meta-data/instance-id)"
expect "  ... GET / without a token: 401 too" "401" "$(code /)"
tok=$(ip netns exec "$ns" curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
	http://169.254.0.4/latest/api/token)
expect "  ... with a token: 200" "200 i-host" "$(get -H "X-aws-ec2-metadata-token: $tok" /latest/meta-data/instance-id)"
expect "HttpPutResponseHopLimit=65: refused, nothing changed" $'InvalidParameterValue\napplied required 1 enabled' \
	"$(modify HttpPutResponseHopLimit=65 HttpTokens=optional)"
expect "HttpProtocolIpv6=enabled: refused (no IPv6 endpoint)" $'InvalidParameterValue\napplied required 1 enabled' \
	"$(modify HttpProtocolIpv6=enabled)"
expect "HttpTokens=v3: refused" $'InvalidParameterValue\napplied required 1 enabled' \
	"$(modify HttpTokens=v3)"
expect "HttpEndpoint=disabled" $'pending required 1 disabled\napplied required 1 disabled' \
	"$(modify HttpEndpoint=disabled)"
expect "  ... every request: 403, a token's too" "403 403 403" \
	"$(code /latest/meta-data/instance-id) $(code -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' /latest/api/token) $(code -H "X-aws-ec2-metadata-token: $tok" /)"
expect "back to EC2's defaults, hop limit 2" $'pending optional 2 enabled\napplied optional 2 enabled' \
	"$(modify HttpTokens=optional HttpEndpoint=enabled HttpPutResponseHopLimit=2)"
expect "  ... IMDSv1 again" "200 i-host" "$(get /latest/meta-data/instance-id)"
ttl=$(ip netns exec "$ns" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.settimeout(5)
c = socket.create_connection(("169.254.0.4", 80))
c.sendall(b"PUT /latest/api/token HTTP/1.0\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n")
while True:
    d = s.recv(65535)
    if d[9] == 6 and int.from_bytes(d[20:22], "big") == 80 and len(d) > 20 + (d[32] >> 4) * 4:
        print(d[8]); break
')
expect "  ... the token's reply leaves with IP TTL 2" "2" "$ttl"

kill "$daemon"
wait "$daemon"
expect "SIGTERM: stops cleanly, exit 0 (then again, i-host in a group)" "0" "$?"

## i-host launched into placement group hpc (cluster), as the fake has it with VNITRO_FAKE_PGS

VNITRO_FAKE_PGS=1 start
expect "placement/ lists group-name, not partition-number (not a partition group)" \
	$'200 availability-zone\ngroup-name\nregion' "$(get /latest/meta-data/placement/)"
expect "  ... placement/group-name" "200 hpc" "$(get /latest/meta-data/placement/group-name)"
expect "  ... placement/partition-number: 404" "404" "$(code /latest/meta-data/placement/partition-number)"
expect "  ... an instance cannot create a group through the metadata address: 405" "405" \
	"$(code -X POST -d 'Action=CreatePlacementGroup&Version=2016-11-15&GroupName=x&Strategy=cluster' /)"
kill "$daemon"
wait "$daemon"
rm -f "$creds" "$log"
expect "SIGTERM: stops cleanly, exit 0" "0" "$?"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of vnitrod's instance metadata service (tools/vnitrod/imds.cc) over the
# canned world of fake_lib.cc: a namespace made like the services' (169.254.0.0/17 local),
# where 169.254.0.4 is the alias of i-host's primary ENI (eth0) and nothing else is an ENI's.
# curl asks as an instance would; the VM suite selftests/net/imds.sh does it over the module.
# Needs root (a network namespace); skipped otherwise.
set -u

source "$(dirname "$0")/vnitrod_netns.sh" imds
ip -n "$ns" route add local 169.254.0.0/17 dev lo

"$FAKE" --imds "$ns" 2>/dev/null &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec "$ns" ss -Hltn "sport = :80" | grep -q . && break
	sleep 0.1
done

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

kill "$daemon"
wait "$daemon"
expect "SIGTERM: stops cleanly, exit 0" "0" "$?"
finish

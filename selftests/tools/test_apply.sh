#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of "vnitro apply" and "vnitro dump" and of the vnitro(8)
# man page: everything that needs no vnitro kernel module. A topology file
# is checked whole before any kernel call, so every bad file below ends in
# exit 2 with "Error: FILE: PATH: why" (or {"error": ...} under -j) and
# nothing on stdout. Conflicts with the world and the dump's shape run over
# vnitro_fake (the CLI linked with fake_lib.cc, a canned libvnitro).
#
# Usage: test_apply.sh        (VNITRO=/path/to/vnitro to test another build)
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
VNITRO=${VNITRO:-$top/tools/vnitro}
FAKE=${FAKE:-$here/vnitro_fake}
MAN=${MAN:-$top/Documentation/vnitro.8}
NOT_LOADED='the vnitro kernel module is not loaded (generic netlink family "vnitro" not found)'

n=0 passed=0 failed=0 skipped=0
out='' err='' rc=''
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

pass() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	echo "#   rc=$rc stdout=[$out] stderr=[$err]"
	[[ $# -gt 1 ]] && echo "#   $2"
	return 0
}
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }

# run ARGS...: sets out, err and rc.
run() {
	out=$("$VNITRO" "$@" 2>"$dir/stderr")
	rc=$?
	err=$(<"$dir/stderr")
}

# expect DESC RC STDOUT STDERR: the last run's results.
expect() {
	if [[ $rc == "$2" && $out == "$3" && $err == "$4" ]]; then
		pass "$1"
	else
		fail "$1" "expected rc=$2 stdout=[$3] stderr=[$4]"
	fi
}

# A valid file: two VPCs, a route to a gateway, vpc-b's default group and
# another with rules, vpc-a's default network ACL and a custom one that
# sn-a uses, an instance with its primary ENI and a secondary one, and an
# available ENI in that group, with conntrack timeouts of its own; three
# Elastic IPs from the default pool: on eni-1's secondary address, on i-a's
# primary ENI (its primary address), and one not associated.
base='{"version": 1,
 "vpcs": [{"id": "vpc-a", "cidr": "10.0.0.0/16"}, {"id": "vpc-b", "cidr": "10.1.0.0/16"}],
 "subnets": [
  {"id": "sn-a", "vpc": "vpc-a", "cidr": "10.0.1.0/24", "az": "us-east-1a", "network_acl": "acl-a1",
   "routes": [{"destination": "0.0.0.0/0", "target": "igw-a"}]},
  {"id": "sn-b", "vpc": "vpc-b", "cidr": "10.1.1.0/24", "az": "us-east-1b"}],
 "internet_gateways": [{"id": "igw-a", "vpc": "vpc-a", "netns": "internet"}],
 "security_groups": [
  {"id": "sg-b0", "vpc": "vpc-b", "name": "default",
   "ingress": [{"protocol": "all", "sg": "sg-b0"}], "egress": [{"protocol": "all", "cidr": "0.0.0.0/0"}]},
  {"id": "sg-1", "vpc": "vpc-b", "name": "web", "description": "web servers",
   "ingress": [{"protocol": "tcp", "port_from": 22, "port_to": 22, "cidr": "203.0.113.0/24"},
               {"protocol": "icmp", "icmp_type": 8, "cidr": "0.0.0.0/0"},
               {"protocol": "all", "sg": "sg-b0"}],
   "egress": [{"protocol": "all", "cidr": "0.0.0.0/0"}]}],
 "network_acls": [
  {"id": "acl-a0", "vpc": "vpc-a", "default": true,
   "ingress": [{"rule": 100, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}],
   "egress": [{"rule": 100, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}]},
  {"id": "acl-a1", "vpc": "vpc-a",
   "ingress": [{"rule": 100, "action": "allow", "protocol": "tcp", "port_from": 22, "port_to": 22, "cidr": "203.0.113.0/24"},
               {"rule": 110, "action": "deny", "protocol": "icmp", "icmp_type": 8, "icmp_code": 0, "cidr": "0.0.0.0/0"},
               {"rule": 120, "action": "allow", "protocol": "udp", "port_from": 1024, "port_to": 65535, "cidr": "0.0.0.0/0"}],
   "egress": [{"rule": 100, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}]}],
 "instances": [{"name": "i-a", "subnet": "sn-a", "type": "t3.micro"}, {"name": "i-b", "subnet": "sn-b"}],
 "enis": [
  {"id": "eni-a0", "subnet": "sn-a", "private_ip": "10.0.1.10", "instance": "i-a", "device_index": 0},
  {"id": "eni-1", "subnet": "sn-a", "private_ip": "10.0.1.20", "mac": "02:00:00:00:01:14",
   "secondary_ips": ["10.0.1.21"], "instance": "i-a", "device_index": 1},
  {"id": "eni-2", "subnet": "sn-b", "security_groups": ["sg-1"], "source_dest_check": false,
   "udp_timeout": 45, "tcp_established_timeout": 3600}],
 "elastic_ips": [
  {"allocation_id": "eipalloc-1", "public_ip": "203.0.113.5", "eni": "eni-1", "private_ip": "10.0.1.21"},
  {"allocation_id": "eipalloc-a0", "public_ip": "203.0.113.6", "eni": "eni-a0"},
  {"allocation_id": "eipalloc-2", "public_ip": "203.0.113.7", "eni": null}]}'

# bad DESC MESSAGE JQ-FILTER: the base file changed by the filter is refused
# with "Error: FILE: MESSAGE", exit 2, as text and as JSON.
bad() {
	local desc=$1 want=$2 file=$dir/bad.json
	jq "$3" <<<"$base" >"$file" || { fail "$desc" "bad jq filter"; return; }
	bad_file "$desc" "$file: $want" "$file"
}

# bad_file DESC MESSAGE FILE
bad_file() {
	local desc=$1 want=$2 file=$3
	run apply "$file"
	expect "$desc" 2 "" "Error: $want"
	run -j apply "$file"
	if [[ $rc -eq 2 && -z $out && $(jq -r .error <<<"$err" 2>/dev/null) == "$want" ]]; then
		pass "$desc (-j)"
	else
		fail "$desc (-j)" "expected exit 2 and {\"error\": \"$want\"}"
	fi
}

# converge DESC DUMP JQ-FILTER RC STDOUT STDERR: a dump of the fake's world changed by the
# filter, applied (over vnitro_fake, with the caller's VNITRO_FAKE_* settings).
converge() {
	jq "$3" <<<"$2" >"$dir/converge.json" || { fail "$1" "bad jq filter"; return; }
	run apply "$dir/converge.json"
	expect "$1" "$4" "$5" "$6"
}

# good DESC JQ-FILTER: the base file changed by the filter passes every
# check, so apply goes on to need the module (skipped when it is loaded).
good() {
	local desc=$1 file=$dir/good-variant.json
	jq "$2" <<<"$base" >"$file" || { fail "$desc" "bad jq filter"; return; }
	if [[ $module_loaded == yes ]]; then
		skip "$desc" "the vnitro module is loaded"
		return
	fi
	run apply "$file"
	expect "$desc" 1 "" "Error: $NOT_LOADED"
}

if [[ ! -x $VNITRO ]] || ! command -v jq >/dev/null; then
	echo "not ok 1 - $VNITRO is built and jq is installed"
	echo "0 passed, 1 failed"
	exit 1
fi
module_loaded=no
[[ -d /sys/module/vnitro ]] && module_loaded=yes

## the command line

run help
[[ $rc -eq 0 && $out == *"{ apply FILE | dump }"* ]] && pass "vnitro help names apply and dump" ||
	fail "vnitro help names apply and dump"
run apply help
[[ $rc -eq 0 && $out == *"Usage: vnitro [ -j [ -p ] ] apply FILE"* ]] && pass "vnitro apply help" ||
	fail "vnitro apply help"
run dump help
[[ $rc -eq 0 && $out == *"Usage: vnitro [ -p ] dump"* ]] && pass "vnitro dump help" || fail "vnitro dump help"
run ap help
[[ $rc -eq 0 && $out == *"apply FILE"* ]] && pass "vnitro ap (a prefix) help" || fail "vnitro ap help"
run apply
expect "apply without FILE" 2 "" 'Error: FILE is required; try "vnitro apply help"'
run apply a.json b.json
expect "apply with two files" 2 "" 'Error: unexpected argument "b.json"; try "vnitro apply help"'
run dump extra
expect "dump takes no argument" 2 "" 'Error: unexpected argument "extra"; try "vnitro dump help"'
run apply "$dir/nonexistent.json"
expect "a missing file" 2 "" "Error: cannot read $dir/nonexistent.json: No such file or directory"

## JSON syntax

printf '{"vpcs": [}' >"$dir/syntax.json"
run apply "$dir/syntax.json"
[[ $rc -eq 2 && -z $out && $err == "Error: $dir/syntax.json:1:11: invalid JSON: "* ]] &&
	pass "a syntax error names line and column" || fail "a syntax error names line and column"
printf '{\n  "vpcs": [\n' >"$dir/short.json"
run apply "$dir/short.json"
expect "a truncated file" 2 "" "Error: $dir/short.json:3:1: JSON ends too early"
printf '{} {}' >"$dir/two.json"
run apply "$dir/two.json"
[[ $rc -eq 2 && $err == "Error: $dir/two.json:1:4: invalid JSON: "* ]] &&
	pass "text after the document" || fail "text after the document"
printf '' >"$dir/empty.json"
run apply "$dir/empty.json"
expect "an empty file" 2 "" "Error: $dir/empty.json:1:1: JSON ends too early"
printf '{"vpcs": [],}' >"$dir/comma.json"
run apply "$dir/comma.json"
[[ $rc -eq 2 && $err == "Error: $dir/comma.json:1:13: invalid JSON: "* ]] &&
	pass "strict JSON: no trailing comma" || fail "strict JSON: no trailing comma"
printf '{"enis": [{"description": "\xff"}]}' >"$dir/utf8.json"
run apply "$dir/utf8.json"
expect "strings are UTF-8" 2 "" "Error: $dir/utf8.json:1:28: invalid JSON: invalid utf-8 string"
run apply - <<<'[]'
expect "stdin is named <stdin>" 2 "" "Error: <stdin>: top level: expected an object, got an array"

## keys and types

bad "an unknown top-level key" \
	'top level: unknown key "vpc" (expected version, world, path, vpcs, subnets, internet_gateways, egress_only_internet_gateways, security_groups, network_acls, placement_groups, instances, enis, eip_pool, elastic_ips, cluster_revision)' \
	'. + {"vpc": []}'
bad "another version" '.version: version 2 is not supported (this vnitro reads version 1)' '.version = 2'
bad "a list that is no array" 'top level: "vpcs" must be an array, not an object' '.vpcs = {}'
bad "an unknown key in a VPC" '.vpcs[1]: unknown key "cidr_block" (expected id, cidr, ipv6_cidr)' \
	'.vpcs[1] += {"cidr_block": "x"}'
bad "a missing key" '.vpcs[0]: "cidr" is required' 'del(.vpcs[0].cidr)'
bad "a VPC's IPv6 block is a /56" '.vpcs[0].ipv6_cidr: "2600:1f18:ab::/48" is not an IPv6 /56 block' \
	'.vpcs[0].ipv6_cidr = "2600:1f18:ab::/48"'
bad "an IPv6 block without host bits" '.vpcs[0].ipv6_cidr: 2600:1f18:ab:1201::/56 has host bits set' \
	'.vpcs[0].ipv6_cidr = "2600:1f18:ab:1201::/56"'
bad "a subnet's IPv6 block needs its VPC's" \
	'.subnets[0].ipv6_cidr: VPC vpc-a has no "ipv6_cidr": a subnet'"'"'s IPv6 block is a /64 of its VPC'"'"'s' \
	'.subnets[0].ipv6_cidr = "2600:1f18:ab:1200::/64"'
bad "a subnet's IPv6 block inside its VPC's" \
	'.subnets[0].ipv6_cidr: 2600:1f18:ab:1300::/64 is not inside VPC vpc-a'"'"'s IPv6 block' \
	'.vpcs[0].ipv6_cidr = "2600:1f18:ab:1200::/56" | .subnets[0].ipv6_cidr = "2600:1f18:ab:1300::/64"'
bad "addresses on creation need the subnet's block" \
	'.subnets[0]: "assign_ipv6_on_creation" needs the subnet'"'"'s "ipv6_cidr"' \
	'.subnets[0].assign_ipv6_on_creation = true'
bad "IPv6 addresses need the subnet's block" \
	'.enis[0].ipv6_addresses: subnet sn-a has no "ipv6_cidr"' '.enis[0].ipv6_addresses = ["2600:1f18:ab:1200::10"]'
bad "an IPv6 address of the subnet's /64" \
	'.enis[0].ipv6_addresses[0]: 2600:1f18:ab:1201::10 is not in subnet sn-a'"'"'s IPv6 block' \
	'.vpcs[0].ipv6_cidr = "2600:1f18:ab:1200::/56" | .subnets[0].ipv6_cidr = "2600:1f18:ab:1200::/64" |
	 .enis[0].ipv6_addresses = ["2600:1f18:ab:1201::10"]'
bad "not AWS's reserved addresses" \
	'.enis[0].ipv6_addresses[0]: 2600:1f18:ab:1200::1 is reserved by AWS (the first four addresses and the last one)' \
	'.vpcs[0].ipv6_cidr = "2600:1f18:ab:1200::/56" | .subnets[0].ipv6_cidr = "2600:1f18:ab:1200::/64" |
	 .enis[0].ipv6_addresses = ["2600:1f18:ab:1200::1"]'
bad "a number for a string" '.subnets[1]: "az" must be a string, not an integer' '.subnets[1].az = 1'
bad "a string for a boolean" '.enis[2]: "source_dest_check" must be true or false, not a string' \
	'.enis[2].source_dest_check = "off"'
bad "null where none is allowed" '.enis[2]: "type" must be a string, not null' '.enis[2].type = null'
bad "a VPC that is no object" '.vpcs[0]: expected an object, got a string' '.vpcs[0] = "vpc-a"'

## values

bad "an invalid VPC id" ".vpcs[0].id: \"VPC_A\" is not a valid VPC id (1 to 31 characters a-z, 0-9 and '-')" \
	'.vpcs[0].id = "VPC_A"'
bad "a VPC twice" '.vpcs[1].id: VPC vpc-a appears twice' '.vpcs[1].id = "vpc-a"'
bad "not a CIDR block" '.vpcs[0].cidr: "10.0.0.0" is not a CIDR block (expected A.B.C.D/N)' \
	'.vpcs[0].cidr = "10.0.0.0"'
bad "a VPC /8" '.vpcs[0].cidr: 10.0.0.0/8: the netmask must be between /16 and /28' \
	'.vpcs[0].cidr = "10.0.0.0/8"'
bad "host bits" '.vpcs[1].cidr: 10.1.0.1/16 has host bits set; did you mean 10.1.0.0/16?' \
	'.vpcs[1].cidr = "10.1.0.1/16"'
bad "a subnet of a VPC not in the file" '.subnets[1].vpc: VPC "vpc-c" is not in the file' \
	'.subnets[1].vpc = "vpc-c"'
bad "a subnet outside its VPC" '.subnets[1].cidr: 10.2.1.0/24 is not inside VPC vpc-b' \
	'.subnets[1].cidr = "10.2.1.0/24"'
bad "overlapping subnets" '.subnets[1].cidr: 10.0.0.0/20 overlaps subnet sn-a' \
	'.subnets[1] += {"vpc": "vpc-a", "cidr": "10.0.0.0/20"}'
bad "an invalid AZ name" ".subnets[0].az: \"US-EAST-1A\" is not a valid availability zone name (1 to 31 characters a-z, 0-9 and '-')" \
	'.subnets[0].az = "US-EAST-1A"'
bad "a route to the VPC's own block" '.subnets[0].routes[0].destination: 10.0.0.0/16 is the local route of VPC vpc-a, which every subnet has' \
	'.subnets[0].routes[0].destination = "10.0.0.0/16"'
bad "two routes to one destination" '.subnets[0].routes[1].destination: subnet sn-a has two routes to 0.0.0.0/0' \
	'.subnets[0].routes += [{"destination": "0.0.0.0/0", "target": "eni-1"}]'
bad "a route target not in the file" '.subnets[0].routes[0].target: "igw-x" is not a network interface, internet gateway or egress-only internet gateway of the file' \
	'.subnets[0].routes[0].target = "igw-x"'
bad "a route target in another VPC" '.subnets[0].routes[0].target: route target eni-2 is in VPC vpc-b, not in vpc-a' \
	'.subnets[0].routes[0].target = "eni-2"'
bad "an IPv6 route destination of no address" \
	'.subnets[0].routes[0].destination: "2001:zz8::/32" is not an IPv6 CIDR block ("2001:zz8::" is not an IPv6 address)' \
	'.subnets[0].routes[0].destination = "2001:zz8::/32"'
bad "an IPv6 route destination /129" '.subnets[0].routes[0].destination: ::/129: the prefix length must be 0 to 128' \
	'.subnets[0].routes[0].destination = "::/129"'
bad "an IPv6 route destination with host bits" \
	'.subnets[0].routes[0].destination: 2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?' \
	'.subnets[0].routes[0].destination = "2001:db8::1/32"'
bad "a route to the VPC's own IPv6 block" \
	".subnets[0].routes[0].destination: 2600:1f18:abcd:1200::/56 is the local route of VPC vpc-a's IPv6 block, which every subnet has while the VPC has the block" \
	'.vpcs[0].ipv6_cidr = "2600:1f18:abcd:1200::/56" | .subnets[0].routes[0].destination = "2600:1f18:abcd:1200::/56"'
bad "two routes to one IPv6 destination, spelled two ways" '.subnets[0].routes[2].destination: subnet sn-a has two routes to 0::0/0' \
	'.subnets[0].routes += [{"destination": "::/0", "target": "igw-a"}, {"destination": "0::0/0", "target": "eni-1"}]'
bad "two gateways for a VPC" '.internet_gateways[1].vpc: VPC vpc-a has two internet gateways, igw-a and igw-b (at most one)' \
	'.internet_gateways += [{"id": "igw-b", "vpc": "vpc-a"}]'
bad "an invalid namespace name" '.internet_gateways[0].netns: "a/b" is not a valid network namespace name' \
	'.internet_gateways[0].netns = "a/b"'
bad "an egress-only gateway among the internet gateways" \
	'.internet_gateways[1].id: "eigw-a" is an egress-only internet gateway id: list it in "egress_only_internet_gateways"' \
	'.internet_gateways += [{"id": "eigw-a", "vpc": "vpc-b"}]'
bad "an egress-only gateway's id starts with eigw-" \
	".egress_only_internet_gateways[0].id: \"igw-e\" is not a valid egress-only internet gateway id (\"eigw-\" and 1 to 26 characters a-z, 0-9 and '-')" \
	'. + {"egress_only_internet_gateways": [{"id": "igw-e", "vpc": "vpc-a"}]}'
bad "an egress-only gateway's id: lowercase" \
	".egress_only_internet_gateways[0].id: \"eigw-A\" is not a valid egress-only internet gateway id (\"eigw-\" and 1 to 26 characters a-z, 0-9 and '-')" \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-A", "vpc": "vpc-a"}]}'
bad "an egress-only gateway of a VPC not in the file" '.egress_only_internet_gateways[0].vpc: VPC "vpc-x" is not in the file' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-x"}]}'
bad "an egress-only gateway twice" '.egress_only_internet_gateways[1].id: egress-only internet gateway eigw-a appears twice' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a"}, {"id": "eigw-a", "vpc": "vpc-b"}]}'
bad "two egress-only gateways for a VPC" \
	'.egress_only_internet_gateways[1].vpc: VPC vpc-a has two egress-only internet gateways, eigw-a and eigw-b (at most one)' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a"}, {"id": "eigw-b", "vpc": "vpc-a"}]}'
bad "an egress-only gateway has no frag_needed" \
	'.egress_only_internet_gateways[0]: unknown key "frag_needed" (expected id, vpc, netns)' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a", "frag_needed": true}]}'
bad "an egress-only gateway's namespace name" '.egress_only_internet_gateways[0].netns: "a/b" is not a valid network namespace name' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a", "netns": "a/b"}]}'
bad "an IPv4 route via an egress-only gateway" \
	'.subnets[0].routes[1].target: egress-only internet gateway eigw-a carries IPv6 only, not 10.9.0.0/16' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a"}]} | .subnets[0].routes += [{"destination": "10.9.0.0/16", "target": "eigw-a"}]'
bad "a route via another VPC's egress-only gateway" \
	'.subnets[0].routes[1].target: route target eigw-b is in VPC vpc-b, not in vpc-a' \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-b", "vpc": "vpc-b"}]} | .subnets[0].routes += [{"destination": "::/0", "target": "eigw-b"}]'
bad "an invalid instance name" '.instances[1].name: ".." is not a valid instance name (a network namespace name: 1 to 63 characters, no "/", not "." or "..")' \
	'.instances[1].name = ".."'
bad "metadata tokens neither optional nor required" \
	'.instances[0].metadata_tokens: "v2" is not a metadata tokens setting (expected "optional" or "required")' \
	'.instances[0].metadata_tokens = "v2"'
bad "a metadata hop limit of 0" \
	".instances[1].metadata_hop_limit: 0 is out of range: EC2's HttpPutResponseHopLimit is 1 to 64" \
	'.instances[1].metadata_hop_limit = 0'
bad "a metadata hop limit of 65" \
	".instances[1].metadata_hop_limit: 65 is out of range: EC2's HttpPutResponseHopLimit is 1 to 64" \
	'.instances[1].metadata_hop_limit = 65'
bad "cluster_revision below 1" '.cluster_revision: 0 is no revision of etcd'"'"'s (1 and up)' \
	'.cluster_revision = 0'
bad "host not an address" '.instances[0].host: "host-b" is not a host'"'"'s underlay address (A.B.C.D)' \
	'.instances[0].host = "host-b"'
bad "host a loopback address" '.instances[0].host: "127.0.0.2" is not a host'"'"'s underlay address (A.B.C.D)' \
	'.instances[0].host = "127.0.0.2"'
bad "host not a string" '.instances[0]: "host" must be a string or null, not an integer' \
	'.instances[0].host = 3'
bad "metadata_endpoint not a boolean" '.instances[0]: "metadata_endpoint" must be true or false, not a string' \
	'.instances[0].metadata_endpoint = "off"'
good "metadata options within EC2's ranges" \
	'.instances[0] += {"metadata_tokens": "required", "metadata_hop_limit": 64, "metadata_endpoint": false}'
bad "an instance twice" '.instances[1].name: instance i-a appears twice' '.instances[1].name = "i-a"'
bad "an instance in a subnet not in the file" '.instances[0].subnet: subnet "sn-x" is not in the file' \
	'.instances[0].subnet = "sn-x"'
bad "an invalid ENI id" '.enis[1].id: "eni-XY" is not a valid ENI id (expected "eni-" and 1 to 17 lowercase hex digits)' \
	'.enis[1].id = "eni-XY"'
bad "an ENI twice" '.enis[2].id: network interface eni-1 appears twice' '.enis[2].id = "eni-1"'
bad "an invalid MAC" '.enis[1].mac: "02:00:00:00:01" is not a valid MAC address (expected XX:XX:XX:XX:XX:XX)' \
	'.enis[1].mac = "02:00:00:00:01"'
bad "a multicast MAC" '.enis[1].mac: 01:00:5e:00:00:01 is a multicast address; an ENI'"'"'s MAC is unicast' \
	'.enis[1].mac = "01:00:5e:00:00:01"'
bad "an address outside the subnet" '.enis[1].private_ip: 10.0.2.20 is not inside subnet sn-a (10.0.1.0/24)' \
	'.enis[1].private_ip = "10.0.2.20"'
bad "a reserved address" '.enis[1].private_ip: 10.0.1.3 is reserved by AWS (the first four and the last address of subnet sn-a)' \
	'.enis[1].private_ip = "10.0.1.3"'
bad "the broadcast address" '.enis[1].secondary_ips[0]: 10.0.1.255 is reserved by AWS (the first four and the last address of subnet sn-a)' \
	'.enis[1].secondary_ips = ["10.0.1.255"]'
bad "not an address" '.enis[1].private_ip: "10.0.1" is not a valid IPv4 address' '.enis[1].private_ip = "10.0.1"'
bad "a secondary address twice" '.enis[1].secondary_ips[1]: 10.0.1.21 appears twice' \
	'.enis[1].secondary_ips += ["10.0.1.21"]'
bad "the primary address as a secondary one" '.enis[1].secondary_ips[0]: 10.0.1.20 is the primary address' \
	'.enis[1].secondary_ips = ["10.0.1.20"]'
bad "an address of two ENIs" '.enis[1].secondary_ips[0]: 10.0.1.10 is an address of eni-a0 too' \
	'.enis[1].secondary_ips = ["10.0.1.10"]'
bad "a MAC of two ENIs" '.enis[2].mac: 02:00:00:00:01:14 is the MAC of eni-1 too' \
	'.enis[2].mac = "02:00:00:00:01:14"'
bad "six security groups" '.enis[2].security_groups: at most 5 security groups per network interface' \
	'.enis[2].security_groups = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]'
bad "an invalid security group" '.enis[2].security_groups[0]: expected a security group id ("sg-" and 1 to 17 lowercase hex digits)' \
	'.enis[2].security_groups = ["web"]'
bad "an ENI's group not in the file" '.enis[2].security_groups[0]: security group sg-2 is not in the file ("security_groups")' \
	'.enis[2].security_groups = ["sg-2"]'
bad "an ENI's group of another VPC" '.enis[1].security_groups[0]: security group sg-1 is in VPC vpc-b, and the ENI in VPC vpc-a' \
	'.enis[1].security_groups = ["sg-1"]'

## security groups

bad "an invalid group id" '.security_groups[1].id: "sg-web" is not a valid security group id (expected "sg-" and 1 to 17 lowercase hex digits)' \
	'.security_groups[1].id = "sg-web"'
bad "a group twice" '.security_groups[1].id: security group sg-b0 appears twice' '.security_groups[1].id = "sg-b0"'
bad "a group of a VPC not in the file" '.security_groups[1].vpc: VPC "vpc-x" is not in the file' \
	'.security_groups[1].vpc = "vpc-x"'
bad "a name twice in a VPC" '.security_groups[1].name: VPC vpc-b has two security groups named "default" (sg-b0 and sg-1)' \
	'.security_groups[1].name = "default"'
bad "a name starting with sg-" '.security_groups[1].name: security group names may not start with "sg-" ("sg-web")' \
	'.security_groups[1].name = "sg-web"'
bad "an unknown rule key" '.security_groups[1].ingress[0]: unknown key "ports" (expected protocol, port_from, port_to, icmp_type, icmp_code, cidr, sg)' \
	'.security_groups[1].ingress[0].ports = "22"'
bad "an unknown protocol" '.security_groups[1].ingress[0].protocol: "sctp" is not a protocol (expected tcp, udp, icmp, icmpv6, all or 0 to 255)' \
	'.security_groups[1].ingress[0].protocol = "sctp"'
bad "tcp without ports" '.security_groups[1].ingress[0]: a tcp rule needs "port_from" and "port_to"' \
	'del(.security_groups[1].ingress[0].port_to)'
bad "ports backwards" '.security_groups[1].ingress[0]: ports 22-21: expected 0 to 65535, the first not above the last' \
	'.security_groups[1].ingress[0].port_to = 21'
bad "all with ports" '.security_groups[1].ingress[2]: only tcp and udp rules have ports, not all' \
	'.security_groups[1].ingress[2].port_from = 1'
bad "an icmp code without a type" '.security_groups[1].ingress[1]: "icmp_code" needs "icmp_type"' \
	'.security_groups[1].ingress[1] |= (del(.icmp_type) | .icmp_code = 0)'
bad "an icmp type on tcp" '.security_groups[1].ingress[0]: only icmp and icmpv6 rules have "icmp_type" and "icmp_code"' \
	'.security_groups[1].ingress[0].icmp_type = 3'
bad "two peers" '.security_groups[1].ingress[2]: a rule has one peer: "cidr" or "sg"' \
	'.security_groups[1].ingress[2].cidr = "10.0.0.0/8"'
bad "a peer block with host bits" '.security_groups[1].ingress[0].cidr: 203.0.113.1/24 has host bits set; did you mean 203.0.113.0/24?' \
	'.security_groups[1].ingress[0].cidr = "203.0.113.1/24"'
bad "a peer group not in the file" '.security_groups[1].ingress[2].sg: security group "sg-9" is not in the file' \
	'.security_groups[1].ingress[2].sg = "sg-9"'
bad "a peer group of another VPC" '.security_groups[1].ingress[0].sg: security group sg-a0 is in VPC vpc-a, not in vpc-b: a rule names groups of its own VPC' \
	'.security_groups += [{"id": "sg-a0", "vpc": "vpc-a", "name": "default"}] | .security_groups[1].ingress[0] = {"protocol": "all", "sg": "sg-a0"}'
bad "a rule twice" '.security_groups[1].ingress[3]: the same rule appears twice' \
	'.security_groups[1].ingress += [.security_groups[1].ingress[0]]'
bad "an IPv6 rule twice, spelled two ways" '.security_groups[1].ingress[4]: the same rule appears twice' \
	'.security_groups[1].ingress += [{"protocol": "icmpv6", "icmp_type": 128, "cidr": "2001:db8::/32"},
	                                {"protocol": "icmpv6", "icmp_type": 128, "cidr": "2001:0DB8:0:0::/32"}]'
bad "a peer IPv6 block with host bits" '.security_groups[1].ingress[0].cidr: 2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?' \
	'.security_groups[1].ingress[0].cidr = "2001:db8::1/64"'
bad "an IPv6 prefix over 128" '.security_groups[1].ingress[0].cidr: 2001:db8::/129: the prefix length must be 0 to 128' \
	'.security_groups[1].ingress[0].cidr = "2001:db8::/129"'
bad "an IPv6 block without its length" '.security_groups[1].egress[0].cidr: "::" is not an IPv6 CIDR block (expected ADDRESS/N)' \
	'.security_groups[1].egress[0].cidr = "::"'
bad "an IPv6 block of no address" '.security_groups[1].egress[0].cidr: "2001:zz8::/32" is not an IPv6 CIDR block ("2001:zz8::" is not an IPv6 address)' \
	'.security_groups[1].egress[0].cidr = "2001:zz8::/32"'

## network ACLs

bad "an invalid ACL id" '.network_acls[1].id: "acl-web" is not a valid network ACL id (expected "acl-" and 1 to 17 lowercase hex digits)' \
	'.network_acls[1].id = "acl-web" | .subnets[0].network_acl = "acl-web"'
bad "an ACL twice" '.network_acls[1].id: network ACL acl-a0 appears twice' '.network_acls[1].id = "acl-a0"'
bad "an ACL of a VPC not in the file" '.network_acls[1].vpc: VPC "vpc-x" is not in the file' \
	'.network_acls[1].vpc = "vpc-x"'
bad "two default ACLs in a VPC" '.network_acls[1].default: VPC vpc-a has two default network ACLs, acl-a0 and acl-a1 (one)' \
	'.network_acls[1].default = true'
bad "a default flag that is not a boolean" '.network_acls[0]: "default" must be true or false, not a string' \
	'.network_acls[0].default = "yes"'
bad "an unknown entry key" '.network_acls[1].ingress[0]: unknown key "number" (expected rule, action, protocol, port_from, port_to, icmp_type, icmp_code, cidr)' \
	'.network_acls[1].ingress[0].number = 5'
bad "an entry without a number" '.network_acls[1].ingress[0]: "rule" is required' \
	'del(.network_acls[1].ingress[0].rule)'
bad "rule number 0" '.network_acls[1].ingress[0].rule: rule number 0 is out of range: use 1 to 32766 (32767 and up are reserved)' \
	'.network_acls[1].ingress[0].rule = 0'
bad "rule number 32767" '.network_acls[1].egress[0].rule: rule number 32767 is out of range: use 1 to 32766 (32767 and up are reserved)' \
	'.network_acls[1].egress[0].rule = 32767'
bad "a number twice in a direction" '.network_acls[1].ingress[1]: ingress rule number 100 appears twice' \
	'.network_acls[1].ingress[1].rule = 100'
bad "an unknown action" '.network_acls[1].ingress[0].action: "drop" is not an action (expected "allow" or "deny")' \
	'.network_acls[1].ingress[0].action = "drop"'
bad "an entry without a block" '.network_acls[1].egress[0]: "cidr" is required' \
	'del(.network_acls[1].egress[0].cidr)'
bad "an entry block with host bits" '.network_acls[1].ingress[0].cidr: 203.0.113.1/24 has host bits set; did you mean 203.0.113.0/24?' \
	'.network_acls[1].ingress[0].cidr = "203.0.113.1/24"'
bad "an entry IPv6 block with host bits" '.network_acls[1].egress[0].cidr: 2600:1f18:abcd:1240::/57 has host bits set; did you mean 2600:1f18:abcd:1200::/57?' \
	'.network_acls[1].egress[0].cidr = "2600:1f18:abcd:1240::/57"'
bad "a number twice in a direction, across families" '.network_acls[1].egress[1]: egress rule number 100 appears twice' \
	'.network_acls[1].egress += [{"rule": 100, "action": "allow", "protocol": "all", "cidr": "::/0"}]'
bad "an icmp type on an IPv6 udp entry" '.network_acls[1].ingress[2]: only icmp and icmpv6 rules have "icmp_type" and "icmp_code"' \
	'.network_acls[1].ingress[2] += {"cidr": "::/0", "icmp_type": 1}'
bad "an entry naming a group" '.network_acls[1].ingress[0]: unknown key "sg" (expected rule, action, protocol, port_from, port_to, icmp_type, icmp_code, cidr)' \
	'.network_acls[1].ingress[0].sg = "sg-1"'
bad "a udp entry without ports" '.network_acls[1].ingress[2]: a udp rule needs "port_from" and "port_to"' \
	'del(.network_acls[1].ingress[2].port_from)'
bad "an icmp type out of range" '.network_acls[1].ingress[1]: an ICMP type and code run from 0 to 255' \
	'.network_acls[1].ingress[1].icmp_type = 256'
bad "20 ingress entries" '.network_acls[1].ingress: at most 19 ingress rules for IPv4 per network ACL (EC2'"'"'s quota of 20 per direction and address family counts the "*" rule)' \
	'.network_acls[1].ingress = [range(1; 21) | {"rule": ., "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}]'
bad "a subnet's ACL not in the file" '.subnets[0].network_acl: network ACL "acl-9" is not in the file ("network_acls")' \
	'.subnets[0].network_acl = "acl-9"'
bad "a subnet's ACL of another VPC" '.subnets[1].network_acl: network ACL acl-a1 is in VPC vpc-a, and the subnet in VPC vpc-b: a subnet uses an ACL of its own VPC' \
	'.subnets[1].network_acl = "acl-a1"'
bad "201 ACLs in a VPC" '.network_acls[202]: VPC vpc-b has more than 200 network ACLs (EC2'"'"'s quota "Network ACLs per VPC")' \
	'.network_acls += [range(1; 202) | {"id": "acl-b\(.)", "vpc": "vpc-b"}]'
bad "61 ingress rules" '.security_groups[1].ingress: at most 60 ingress rules for IPv4 per security group (EC2'"'"'s quota, per address family; a rule naming a group counts for both)' \
	'.security_groups[1].ingress = [range(61) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "0.0.0.0/0"}]'
bad "61 ingress rules for IPv6 besides 60 for IPv4" '.security_groups[1].ingress: at most 60 ingress rules for IPv6 per security group (EC2'"'"'s quota, per address family; a rule naming a group counts for both)' \
	'.security_groups[1].ingress = [range(60) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "0.0.0.0/0"}]
	   + [range(61) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "::/0"}]'
bad "a rule naming a group counts for IPv6 too" '.security_groups[1].ingress: at most 60 ingress rules for IPv6 per security group (EC2'"'"'s quota, per address family; a rule naming a group counts for both)' \
	'.security_groups[1].ingress = [range(60) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "::/0"}]
	   + [{"protocol": "all", "sg": "sg-b0"}]'
bad "20 egress entries for IPv6" '.network_acls[1].egress: at most 19 egress rules for IPv6 per network ACL (EC2'"'"'s quota of 20 per direction and address family counts the "*" rule)' \
	'.network_acls[1].egress = [range(1; 21) | {"rule": ., "action": "allow", "protocol": "all", "cidr": "::/0"}]'
bad "a description of 256 characters" '.enis[2].description: a description has at most 255 characters' \
	".enis[2].description = \"$(printf 'x%.0s' {1..256})\""
bad "ENA Express UDP alone" '.enis[2].ena_express_udp: ENA Express for UDP needs ENA Express ("ena_express": true)' \
	'.enis[2].ena_express_udp = true'
bad "a UDP timeout above EC2's range" '.enis[2].udp_timeout: 61 is out of range: EC2'"'"'s UdpTimeout is 30 to 60 seconds' \
	'.enis[2].udp_timeout = 61'
bad "a UDP stream timeout below EC2's range" '.enis[2].udp_stream_timeout: 59 is out of range: EC2'"'"'s UdpStreamTimeout is 60 to 180 seconds' \
	'.enis[2].udp_stream_timeout = 59'
bad "a TCP established timeout above EC2's range" '.enis[2].tcp_established_timeout: 432001 is out of range: EC2'"'"'s TcpEstablishedTimeout is 60 to 432000 seconds' \
	'.enis[2].tcp_established_timeout = 432001'
bad "a bad timeout is found before any change, with the other checks" '.enis[1].udp_timeout: 0 is out of range: EC2'"'"'s UdpTimeout is 30 to 60 seconds' \
	'.enis[1].udp_timeout = 0 | .enis[2].udp_timeout = 60'
bad "an ENI type" '.enis[2].type: "ena" is not an ENI type (expected "interface" or "efa")' '.enis[2].type = "ena"'
bad "instance without device_index" '.enis[2]: "instance" and "device_index" go together (both null: available)' \
	'.enis[2].instance = "i-b"'
bad "device index 32" '.enis[2].device_index: 32 is not a device index (0 to 31)' \
	'.enis[2] += {"instance": "i-b", "device_index": 32}'
bad "an instance not in the file" '.enis[2].instance: instance "i-x" is not in the file' \
	'.enis[2] += {"instance": "i-x", "device_index": 1}'
bad "two ENIs at one index" '.enis[2].device_index: device index 1 of instance i-a holds eni-1 already' \
	'.enis[2] += {"instance": "i-a", "device_index": 1}'
bad "network card 32" '.enis[2].network_card_index: 32 is not a network card index (0 to 31)' \
	'.enis[2] += {"instance": "i-a", "network_card_index": 32, "device_index": 1}'
bad "a network card without device_index" '.enis[2].network_card_index: a network card goes with "instance" and "device_index"' \
	'.enis[2] += {"network_card_index": 1}'
bad "two ENIs at one card and index" '.enis[2].device_index: network card 1, device index 1 of instance i-a holds eni-1 already' \
	'.enis[1].network_card_index = 1 | .enis[2] += {"instance": "i-a", "network_card_index": 1, "device_index": 1}'
bad "an ENI of another AZ" '.enis[1].device_index: eni-1 is in us-east-1a and instance i-b in us-east-1b: an ENI attaches only in its availability zone' \
	'.enis[1].instance = "i-b"'
bad "a primary ENI of another subnet" '.enis[2].device_index: the primary network interface of i-b is in its subnet sn-b, not in sn-a' \
	'.enis[2] += {"subnet": "sn-a", "security_groups": [], "instance": "i-b", "device_index": 0}'
bad "a primary ENI of type efa" '.enis[2].device_index: a primary network interface is of type interface' \
	'.enis[2] += {"type": "efa", "instance": "i-b", "device_index": 0}'

## Elastic IPs and the public pool

bad "an invalid allocation id" '.elastic_ips[0].allocation_id: "eipalloc-XY" is not a valid allocation id (expected "eipalloc-" and 1 to 17 lowercase hex digits)' \
	'.elastic_ips[0].allocation_id = "eipalloc-XY"'
bad "an allocation id of 18 hex digits" '.elastic_ips[0].allocation_id: "eipalloc-0123456789abcdef01" is not a valid allocation id (expected "eipalloc-" and 1 to 17 lowercase hex digits)' \
	'.elastic_ips[0].allocation_id = "eipalloc-0123456789abcdef01"'
bad "an allocation twice" '.elastic_ips[2].allocation_id: Elastic IP eipalloc-1 appears twice' \
	'.elastic_ips[2].allocation_id = "eipalloc-1"'
bad "an Elastic IP without its address" '.elastic_ips[2]: "public_ip" is required' 'del(.elastic_ips[2].public_ip)'
bad "an unknown key in an Elastic IP" '.elastic_ips[0]: unknown key "association_id" (expected allocation_id, public_ip, eni, private_ip)' \
	'.elastic_ips[0].association_id = "eipassoc-1"'
bad "a public address that is no address" '.elastic_ips[0].public_ip: "203.0.113" is not a valid IPv4 address' \
	'.elastic_ips[0].public_ip = "203.0.113"'
bad "a public address outside the default pool" '.elastic_ips[0].public_ip: 198.18.0.5 is not inside the public pool 203.0.113.0/24 (the default; "eip_pool" sets another)' \
	'.elastic_ips[0].public_ip = "198.18.0.5"'
bad "a public address outside the file's pool" '.elastic_ips[1].public_ip: 203.0.113.6 is not inside the public pool 198.18.0.0/24' \
	'.eip_pool = "198.18.0.0/24" | .elastic_ips[0].public_ip = "198.18.0.5"'
bad "the pool's network address" '.elastic_ips[0].public_ip: 203.0.113.0 is the network address of the public pool 203.0.113.0/24' \
	'.elastic_ips[0].public_ip = "203.0.113.0"'
bad "the pool's broadcast address" '.elastic_ips[0].public_ip: 198.18.1.255 is the broadcast address of the public pool 198.18.0.0/23' \
	'.eip_pool = "198.18.0.0/23" | .elastic_ips = [{"allocation_id": "eipalloc-9", "public_ip": "198.18.1.255"}]'
bad "a public address twice" '.elastic_ips[2].public_ip: 203.0.113.5 is the address of eipalloc-1 too' \
	'.elastic_ips[2].public_ip = "203.0.113.5"'
bad "six Elastic IPs" '.elastic_ips: at most 5 Elastic IP addresses (EC2'"'"'s quota "Elastic IP addresses per Region")' \
	'.elastic_ips = [range(6) | {"allocation_id": "eipalloc-\(.)", "public_ip": "203.0.113.\(. + 10)"}]'
bad "a pool that is no CIDR block" '.eip_pool: "198.18.0.0" is not a CIDR block (expected A.B.C.D/N)' '.eip_pool = "198.18.0.0"'
bad "a pool /31" '.eip_pool: 198.18.0.0/31: the public pool is /16 to /30' '.eip_pool = "198.18.0.0/31"'
bad "a pool with host bits" '.eip_pool: 203.0.113.1/24 has host bits set; did you mean 203.0.113.0/24?' \
	'.eip_pool = "203.0.113.1/24"'
bad "an Elastic IP's ENI not in the file" '.elastic_ips[0].eni: network interface "eni-9" is not in the file' \
	'.elastic_ips[0].eni = "eni-9"'
bad "an ENI's address it does not have" '.elastic_ips[0].private_ip: 10.0.1.22 is not an address of eni-1 in the file ("private_ip" or "secondary_ips")' \
	'.elastic_ips[0].private_ip = "10.0.1.22"'
bad "a private address that is no address" '.elastic_ips[0].private_ip: "10.0.1" is not a valid IPv4 address' \
	'.elastic_ips[0].private_ip = "10.0.1"'
bad "a private address without an ENI" '.elastic_ips[2].private_ip: a private address goes with "eni"' \
	'.elastic_ips[2].private_ip = "10.0.1.20"'
bad "an ENI in a VPC without a gateway" '.elastic_ips[0].eni: VPC vpc-b of eni-2 has no internet gateway in the file ("internet_gateways"); an Elastic IP needs one' \
	'.elastic_ips[0] = {"allocation_id": "eipalloc-1", "public_ip": "203.0.113.5", "eni": "eni-2"}'
bad "two Elastic IPs on one private address" '.elastic_ips[2].private_ip: 10.0.1.21 of eni-1 has Elastic IP eipalloc-1 already (one per private address)' \
	'.elastic_ips[2] += {"eni": "eni-1", "private_ip": "10.0.1.21"}'
bad "two Elastic IPs on a primary address, one named" '.elastic_ips[2].private_ip: 10.0.1.10 of eni-a0 has Elastic IP eipalloc-a0 already (one per private address)' \
	'.elastic_ips[2] += {"eni": "eni-a0", "private_ip": "10.0.1.10"}'
bad "two Elastic IPs on a primary address, neither named" '.elastic_ips[2].eni: 10.0.1.10 of eni-a0 has Elastic IP eipalloc-a0 already (one per private address)' \
	'.elastic_ips[2].eni = "eni-a0"'

bad "the world's settings are an object" 'top level: "world" must be an object, not a string' '.world = "1/1000"'
bad "an unknown key in the world's settings" '.world: unknown key "rate" (expected rate_scale, burst_seconds)' \
	'.world = {"rate": 1000}'
bad "a rate scale is the divisor, a number" '.world: "rate_scale" must be an integer, not a string' \
	'.world.rate_scale = "1/1000"'
bad "a rate scale 0, in the kernel's words" '.world.rate_scale: rate scale 0 is out of range: 1 to 1000000' \
	'.world.rate_scale = 0'
bad "a rate scale past 1000000" '.world.rate_scale: rate scale 1000001 is out of range: 1 to 1000000' \
	'.world.rate_scale = 1000001'
bad "burst seconds 0" '.world.burst_seconds: burst seconds 0 is out of range: 1 to 3600' '.world.burst_seconds = 0'
bad "burst seconds past an hour" '.world.burst_seconds: burst seconds 3601 is out of range: 1 to 3600' \
	'.world = {"rate_scale": 1000, "burst_seconds": 3601}'
bad "burst seconds past a u32" '.world.burst_seconds: burst seconds 4294967296 is out of range: 1 to 3600' \
	'.world.burst_seconds = 4294967296'

bad "the path model is an object" 'top level: "path" must be an object, not an integer' '.path = 1000'
bad "an unknown key in the path model" \
	'.path: unknown key "loss" (expected loss_ppm, reorder_ppm, delay_us, reorder_delay_us, jitter_us, congestion_ppm, congestion_delay_us, congestion_loss_ppm, episode_us, paths, node_delay_us, az_delay_us, seed, per_path)' \
	'.path = {"loss": 1000}'
bad "a loss in ppm, not a percentage" '.path: "loss_ppm" must be an integer, not a string' '.path.loss_ppm = "1%"'
bad "a loss in whole ppm" '.path: "loss_ppm" must be an integer, not a number' '.path.loss_ppm = 0.5'
bad "a loss past 1000000 ppm, in the kernel's words" \
	'.path.loss_ppm: path loss 1000001 ppm is out of range: 0 to 1000000' '.path.loss_ppm = 1000001'
bad "a negative reordering" '.path.reorder_ppm: path reorder -1 ppm is out of range: 0 to 1000000' \
	'.path.reorder_ppm = -1'
bad "a delay past a second" '.path.delay_us: path delay 1000001 us is out of range: 0 to 1000000' \
	'.path = {"loss_ppm": 0, "delay_us": 1000001}'
bad "a reorder delay past a u32" \
	'.path.reorder_delay_us: path reorder delay 4294967296 us is out of range: 0 to 1000000' \
	'.path.reorder_delay_us = 4294967296'
bad "a negative seed" '.path.seed: seed -1 is out of range: 0 to 18446744073709551615' '.path.seed = -1'
bad "a seed is a number, not a string" '.path: "seed" must be an integer, not a string' '.path.seed = "42"'
bad "a seed is never null" '.path: "seed" must be an integer, not null' '.path.seed = null'
bad "a jitter past a second" '.path.jitter_us: path jitter 1000001 us is out of range: 0 to 1000000' \
	'.path.jitter_us = 1000001'
bad "a negative congestion" '.path.congestion_ppm: path congestion -5 ppm is out of range: 0 to 1000000' \
	'.path.congestion_ppm = -5'
bad "a congestion delay past a second" \
	'.path.congestion_delay_us: path congestion delay 1000001 us is out of range: 0 to 1000000' \
	'.path.congestion_delay_us = 1000001'
bad "a congestion loss past 1000000 ppm" \
	'.path.congestion_loss_ppm: path congestion loss 1000001 ppm is out of range: 0 to 1000000' \
	'.path.congestion_loss_ppm = 1000001'
bad "an episode of 0 us" '.path.episode_us: path episode 0 us is out of range: 1 to 1000000' '.path.episode_us = 0'
bad "no paths" '.path.paths: path count 0 is out of range: 1 to 16' '.path.paths = 0'
bad "more paths than a world has" '.path.paths: path count 17 is out of range: 1 to 16' '.path.paths = 17'
bad "the count is a number" '.path: "paths" must be an integer, not a string' '.path.paths = "8"'
bad "per_path is an array" '.path: "per_path" must be an array, not an object' '.path.per_path = {"3": {}}'
bad "a path of per_path is an object" '.path.per_path[0]: expected an object, got an integer' \
	'.path.per_path = [3]'
bad "a path of per_path names its path" '.path.per_path[0]: "path" is required' \
	'.path.per_path = [{"delay_us": 5000}]'
bad "an unknown key in a path" \
	'.path.per_path[0]: unknown key "delay" (expected path, loss_ppm, delay_us, jitter_us, congestion_ppm, congestion_delay_us, congestion_loss_ppm)' \
	'.path.per_path = [{"path": 3, "delay": 5000}]'
bad "a world's field in a path" \
	'.path.per_path[1]: "reorder_ppm" is the world'"'"'s, not one path'"'"'s: give it in .path' \
	'.path.per_path = [{"path": 3}, {"path": 4, "reorder_ppm": 10}]'
bad "the count in a path" '.path.per_path[0]: "paths" is the world'"'"'s, not one path'"'"'s: give it in .path' \
	'.path.per_path = [{"path": 3, "paths": 4}]'
bad "the seed in a path" '.path.per_path[0]: the seed is the world'"'"'s, not one path'"'"'s: give it in .path' \
	'.path.per_path = [{"path": 3, "seed": 4}]'
bad "a negative path" '.path.per_path[0].path: path index -1 is out of range: 0 to 15' \
	'.path.per_path = [{"path": -1}]'
bad "path 16, past any world's" '.path.per_path[0].path: path index 16 is out of range: 0 to 15' \
	'.path.per_path = [{"path": 16}]'
bad "a path past the file's count" '.path.per_path[0].path: path 4 does not exist: .path.paths is 4 (0 to 3)' \
	'.path.paths = 4 | .path.per_path = [{"path": 4, "loss_ppm": 1}]'
bad "a path twice" '.path.per_path[2].path: path 3 appears twice' \
	'.path.per_path = [{"path": 3}, {"path": 1}, {"path": 3, "loss_ppm": 1}]'
bad "more entries than a world has paths" '.path.per_path: at most 16 entries, one per path' \
	'.path.per_path = [range(17) | {"path": .}]'
bad "a path's field out of its range, in the words of the world's" \
	'.path.per_path[0].delay_us: path delay 1000001 us is out of range: 0 to 1000000' \
	'.path.per_path = [{"path": 0, "delay_us": 1000001}]'
bad "a path's field is a number" '.path.per_path[0]: "loss_ppm" must be an integer, not a string' \
	'.path.per_path = [{"path": 0, "loss_ppm": "1%"}]'

bad "a node delay past a second" '.path.node_delay_us: path node delay 1000001 us is out of range: 0 to 1000000' \
	'.path.node_delay_us = 1000001'
bad "a negative AZ delay" '.path.az_delay_us: path AZ delay -1 us is out of range: 0 to 1000000' \
	'.path.az_delay_us = -1'
bad "the node delay in a path: the world's" \
	'.path.per_path[0]: "node_delay_us" is the world'"'"'s, not one path'"'"'s: give it in .path' \
	'.path.per_path = [{"path": 3, "node_delay_us": 4}]'
bad "the AZ delay in a path" '.path.per_path[0]: "az_delay_us" is the world'"'"'s, not one path'"'"'s: give it in .path' \
	'.path.per_path = [{"path": 0, "az_delay_us": 4}]'

## placement groups

# pg FILTER: the base file with a group of each strategy, i-b in the partition group, then FILTER.
pgs='. + {"placement_groups": [{"name": "hpc", "strategy": "cluster"}, {"name": "racks", "strategy": "spread"},
                           {"name": "parts", "strategy": "partition", "partition_count": 3}]}
     | .instances[1] += {"placement_group": "parts", "partition": 3}'
bad "placement_groups is an array" 'top level: "placement_groups" must be an array, not an object' \
	'.placement_groups = {}'
bad "a group has a name" '.placement_groups[0]: "name" is required' '.placement_groups = [{"strategy": "cluster"}]'
bad "a group has a strategy" '.placement_groups[0]: "strategy" is required' '.placement_groups = [{"name": "a"}]'
bad "an unknown key in a group" \
	'.placement_groups[0]: unknown key "id" (expected name, strategy, partition_count, spread_level)' \
	'.placement_groups = [{"name": "a", "strategy": "cluster", "id": "pg-1"}]'
bad "no such strategy" \
	'.placement_groups[0].strategy: "ring" is not a placement strategy (expected "cluster", "spread" or "partition")' \
	'.placement_groups = [{"name": "a", "strategy": "ring"}]'
bad "an empty group name, in the kernel's words" \
	'.placement_groups[0].name: a placement group name is 1 to 255 ASCII characters' \
	'.placement_groups = [{"name": "", "strategy": "cluster"}]'
bad "a group name past 255 characters" \
	'.placement_groups[0].name: a placement group name is 1 to 255 ASCII characters' \
	'.placement_groups = [{"name": ("x" * 256), "strategy": "cluster"}]'
bad "a group name not ASCII" '.placement_groups[0].name: a placement group name is 1 to 255 ASCII characters' \
	'.placement_groups = [{"name": "caf\u00e9", "strategy": "cluster"}]'
bad "a group twice" '.placement_groups[1].name: placement group hpc appears twice' \
	'.placement_groups = [{"name": "hpc", "strategy": "cluster"}, {"name": "hpc", "strategy": "spread"}]'
bad "a partition count for a cluster group" \
	'.placement_groups[0].partition_count: a partition count is valid only for a partition placement group' \
	'.placement_groups = [{"name": "a", "strategy": "cluster", "partition_count": 2}]'
bad "8 partitions" '.placement_groups[0].partition_count: partition count 8 is out of range: 1 to 7' \
	'.placement_groups = [{"name": "a", "strategy": "partition", "partition_count": 8}]'
bad "0 partitions" '.placement_groups[0].partition_count: partition count 0 is out of range: 1 to 7' \
	'.placement_groups = [{"name": "a", "strategy": "partition", "partition_count": 0}]'
bad "a spread level for a partition group" \
	'.placement_groups[0].spread_level: a spread level is valid only for a spread placement group' \
	'.placement_groups = [{"name": "a", "strategy": "partition", "spread_level": "rack"}]'
bad "spread level host: AWS Outposts' only" \
	'.placement_groups[0].spread_level: spread level host is only for placement groups on AWS Outposts' \
	'.placement_groups = [{"name": "a", "strategy": "spread", "spread_level": "host"}]'
bad "no such spread level" '.placement_groups[0].spread_level: "floor" is not a spread level (expected "rack" or "host")' \
	'.placement_groups = [{"name": "a", "strategy": "spread", "spread_level": "floor"}]'
bad "more than 500 groups" '.placement_groups: at most 500 placement groups' \
	'.placement_groups = [range(501) | {"name": "g\(.)", "strategy": "cluster"}]'
bad "an instance's group must be in the file" '.instances[0].placement_group: placement group "hpc" is not in the file' \
	'.instances[0].placement_group = "hpc"'
bad "a partition needs a group" '.instances[0].partition: a partition number needs a placement group' \
	'.instances[0].partition = 1'
bad "a partition in a spread group" \
	'.instances[0].partition: a partition number is valid only in a partition placement group' \
	"$pgs"' | .instances[0] += {"placement_group": "racks", "partition": 1}'
bad "partition 4 of 3" \
	'.instances[1].partition: partition 4 is out of range: placement group '"'"'parts'"'"' has 3 partitions' \
	"$pgs"' | .instances[1].partition = 4'
bad "partition 0: leave it out for vnitro to pick" \
	'.instances[1].partition: partition 0 is out of range: placement group '"'"'parts'"'"' has 3 partitions' \
	"$pgs"' | .instances[1].partition = 0'
bad "a burstable type in a cluster group" \
	'.instances[0].placement_group: placement groups may not be used with instances of type '"'"'t3.micro'"'"'' \
	"$pgs"' | .instances[0].placement_group = "hpc"'
bad "a cluster group in two zones" \
	'.instances[2].placement_group: cluster placement group '"'"'hpc'"'"' has instance i-c in us-east-1a; i-b is in us-east-1b (one availability zone)' \
	"$pgs"' | .instances = [{"name": "i-c", "subnet": "sn-a", "placement_group": "hpc"}] + .instances
	 | .instances[2].placement_group = "hpc" | del(.instances[2].partition)'
bad "an eighth instance of a spread group in a zone" \
	'.instances[9].placement_group: spread placement group '"'"'racks'"'"' already has 7 instances in us-east-1a (EC2: seven running instances per Availability Zone)' \
	"$pgs"' | .instances += [range(8) | {"name": "s\(.)", "subnet": "sn-a", "placement_group": "racks"}]'
good "groups of each strategy, instances in them" \
	"$pgs"' | .instances += [range(7) | {"name": "s\(.)", "subnet": "sn-a", "placement_group": "racks"}]
	 + [{"name": "c1", "subnet": "sn-b", "type": "c5n.18xlarge", "placement_group": "hpc"}, {"name": "c2", "subnet": "sn-b", "placement_group": "hpc"},
	    {"name": "s7", "subnet": "sn-b", "placement_group": "racks", "partition": null}, {"name": "p0", "subnet": "sn-a", "placement_group": "parts"}]'
good "every key of a group, nulls where a strategy has none" \
	'. + {"placement_groups": [{"name": "a b", "strategy": "partition", "partition_count": 7, "spread_level": null},
	                          {"name": "s", "strategy": "spread", "partition_count": null, "spread_level": "rack"}]}
	 | .instances[0] += {"placement_group": "a b", "partition": 7}'
good "the placement delays at their largest" '.path = {"node_delay_us": 1000000, "az_delay_us": 1000000}'

## a valid file reaches the kernel

jq . <<<"$base" >"$dir/good.json"
if [[ $module_loaded == yes ]]; then
	skip "a valid file is read, then the module is needed" "the vnitro module is loaded"
else
	run apply "$dir/good.json"
	expect "a valid file is read, then the module is needed" 1 "" "Error: $NOT_LOADED"
	run apply "$top/Documentation/examples/two-tier.json"
	expect "the example file is valid" 1 "" "Error: $NOT_LOADED"
	run dump
	expect "dump needs the module" 1 "" "Error: $NOT_LOADED"
fi
good "the world's settings, both at their largest" '.world = {"rate_scale": 1000000, "burst_seconds": 3600}'
good "one of the world's settings, the other left as it is" '.world = {"burst_seconds": 1}'
good "the path model, every range at its largest, a seed past a u32" \
	'.path = {"loss_ppm": 1000000, "reorder_ppm": 1000000, "delay_us": 1000000, "reorder_delay_us": 1000000, "seed": 4294967296}'
good "the path model, every field 0" \
	'.path = {"loss_ppm": 0, "reorder_ppm": 0, "delay_us": 0, "reorder_delay_us": 0, "seed": 0}'
good "only the seed of the path model" '.path = {"seed": 42}'
good "the path model's new fields, every range at its largest" \
	'.path = {"jitter_us": 1000000, "congestion_ppm": 1000000, "congestion_delay_us": 1000000, "congestion_loss_ppm": 1000000, "episode_us": 1000000, "paths": 16}'
good "the smallest episode and count, the one path there is" \
	'.path = {"episode_us": 1, "paths": 1, "per_path": [{"path": 0, "delay_us": 50}]}'
good "per_path empty: every path the world's" '.path = {"per_path": []}'
good "per_path with every path of 16 and every field of one" \
	'.path = {"paths": 16, "per_path": ([range(16) | {"path": .}] | .[15] += {"loss_ppm": 1000000, "delay_us": 1000000, "jitter_us": 1000000, "congestion_ppm": 1000000, "congestion_delay_us": 1000000, "congestion_loss_ppm": 1000000})}'
good "a path past the kernel's count when the file does not give one: apply's check, against the world" \
	'.path = {"per_path": [{"path": 15, "delay_us": 5}]}'
good "IPv6 blocks in rules and entries, icmpv6 with a type and code" \
	'.vpcs[1].ipv6_cidr = "2600:1f18:abcd:1200::/56"
	 | .security_groups[1].ingress += [{"protocol": "icmpv6", "icmp_type": 128, "icmp_code": 0, "cidr": "2600:1f18:abcd:1200::/56"},
	                                  {"protocol": "tcp", "port_from": 443, "port_to": 443, "cidr": "::/0"}]
	 | .security_groups[0].egress += [{"protocol": "all", "cidr": "::/0"}]
	 | .network_acls[0].ingress += [{"rule": 101, "action": "allow", "protocol": "all", "cidr": "::/0"}]
	 | .network_acls[1].egress += [{"rule": 110, "action": "deny", "protocol": "icmpv6", "icmp_type": 135, "cidr": "2001:db8::1/128"}]'
good "an egress-only gateway beside the internet gateway, ::/0 through it" \
	'. + {"egress_only_internet_gateways": [{"id": "eigw-a", "vpc": "vpc-a", "netns": "internet"}, {"id": "eigw-b", "vpc": "vpc-b"}]}
	 | .subnets[0].routes += [{"destination": "::/0", "target": "eigw-a"}, {"destination": "2001:db8::/32", "target": "igw-a"}]'
good "IPv6 routes: ::/0 beside 0.0.0.0/0, to an ENI, to a /56 of a VPC without that block" \
	'.subnets[0].routes += [{"destination": "::/0", "target": "igw-a"}, {"destination": "2001:db8::/32", "target": "eni-1"},
	                        {"destination": "2600:1f18:abcd:1200::/56", "target": "eni-a0"}]'
good "60 ingress rules for IPv4 and 60 for IPv6" \
	'.security_groups[1].ingress = [range(60) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "0.0.0.0/0"}]
	   + [range(60) | {"protocol": "tcp", "port_from": ., "port_to": ., "cidr": "::/0"}]'
good "19 ingress entries for IPv4 and 19 for IPv6" \
	'.network_acls[1].ingress = [range(1; 20) | {"rule": ., "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}]
	   + [range(20; 39) | {"rule": ., "action": "allow", "protocol": "all", "cidr": "::/0"}]'

## over the fake library: its world is vpc-default, i-host, web1, eni-5, igw-d, eipalloc-1 and -2

if [[ ! -x $FAKE && $FAKE == "$here/vnitro_fake" ]]; then
	make -s -C "$here" vnitro_fake >/dev/null 2>&1
fi
if [[ -x $FAKE ]]; then
	VNITRO=$FAKE
	run dump
	if [[ $rc -eq 0 && $(jq -c 'keys_unsorted' <<<"$out") == '["version","world","path","vpcs","subnets","internet_gateways","egress_only_internet_gateways","security_groups","network_acls","eip_pool","elastic_ips","placement_groups","instances","enis"]' ]]; then
		pass "dump: one document, every list"
	else
		fail "dump: one document, every list"
	fi
	[[ $(jq -c '[.enis[] | [.id, .instance, .device_index]]' <<<"$out") == \
		'[["eni-0a1b2c3d4e5f60718","i-host",0],["eni-5",null,null]]' ]] &&
		pass "dump: attached ENIs first, available ones after" || fail "dump: ENI order"
	[[ $(jq -c '.enis[0] | keys_unsorted' <<<"$out") == \
		'["id","subnet","mac","private_ip","type","secondary_ips","ipv6_addresses","description","security_groups","source_dest_check","ena_express","ena_express_udp","tcp_established_timeout","udp_stream_timeout","udp_timeout","instance","network_card_index","device_index"]' ]] &&
		pass "dump: the keys of an ENI" || fail "dump: the keys of an ENI"
	[[ $(jq -c '[.enis[] | [.tcp_established_timeout, .udp_stream_timeout, .udp_timeout]]' <<<"$out") == \
		'[[432000,180,30],[432000,180,30]]' ]] &&
		pass "dump: conntrack timeouts, EC2's defaults written too" || fail "dump: conntrack timeouts"
	[[ $(jq -c '[.security_groups[] | [.id, .name, (.ingress | length), (.egress | length)]]' <<<"$out") == \
		'[["sg-d","default",1,1],["sg-1","web",1,1]]' ]] &&
		pass "dump: security groups by VPC and name, with their rules" || fail "dump: security groups"
	[[ $(jq -c '.security_groups[1]' <<<"$out") == \
		'{"id":"sg-1","vpc":"vpc-default","name":"web","description":"","ingress":[{"protocol":"tcp","port_from":22,"port_to":22,"cidr":"203.0.113.0/24"}],"egress":[{"protocol":"all","cidr":"0.0.0.0/0"}]}' ]] &&
		pass "dump: a group as apply reads it" || fail "dump: a group as apply reads it"
	[[ $(jq -c '[.network_acls[] | [.id, .default, (.ingress | length), (.egress | length)]]' <<<"$out") == \
		'[["acl-d",true,1,1],["acl-1",false,0,0]]' ]] &&
		pass "dump: network ACLs by VPC, its default first, with their entries" || fail "dump: network ACLs"
	[[ $(jq -c '.network_acls[0]' <<<"$out") == \
		'{"id":"acl-d","vpc":"vpc-default","default":true,"ingress":[{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}],"egress":[{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}]}' ]] &&
		pass "dump: an ACL as apply reads it" || fail "dump: an ACL as apply reads it"
	[[ $(jq -c '.instances[0]' <<<"$out") == '{"name":"i-host","subnet":"subnet-default","type":"c5n.18xlarge","placement_group":null,"partition":null,"metadata_tokens":"optional","metadata_hop_limit":1,"metadata_endpoint":true,"host":null}' ]] &&
		pass "dump: an instance, its metadata options with it" || fail "dump: an instance"
	[[ $(jq -c '{eip_pool, elastic_ips}' <<<"$out") == \
		'{"eip_pool":"203.0.113.0/24","elastic_ips":[{"allocation_id":"eipalloc-1","public_ip":"203.0.113.1","eni":"eni-0a1b2c3d4e5f60718","private_ip":"172.31.0.4"},{"allocation_id":"eipalloc-2","public_ip":"203.0.113.2","eni":null,"private_ip":null}]}' ]] &&
		pass "dump: the pool, Elastic IPs by id, associations without their ids" ||
		fail "dump: the pool and Elastic IPs"
	[[ $(jq -c .world <<<"$out") == '{"rate_scale":1,"burst_seconds":300}' ]] &&
		pass "dump: the world's settings, the defaults written too" || fail "dump: the world's settings"
	[[ $(jq -c .path <<<"$out") == '{"loss_ppm":0,"reorder_ppm":0,"delay_us":0,"reorder_delay_us":1000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0,"episode_us":10000,"paths":8,"node_delay_us":0,"az_delay_us":0,"seed":0,"per_path":[]}' ]] &&
		pass "dump: the path model, a new world's written too, no path that differs" ||
		fail "dump: the path model"
	first=$out
	run dump
	[[ $out == "$first" && $out != *$'\n'*$'\n'* ]] && pass "dump: the same twice, one line without -p" ||
		fail "dump: the same twice, one line without -p"
	run -p dump
	[[ $rc -eq 0 && $(jq -c . <<<"$out") == "$first" && $out == *$'\n  "vpcs": ['* ]] &&
		pass "dump -p: the same document, pretty" || fail "dump -p"

	echo '{"vpcs": [{"id": "vpc-default", "cidr": "172.31.0.0/16"}]}' >"$dir/same.json"
	run apply "$dir/same.json"
	expect "apply of what exists: no change" 0 "" ""
	run -j apply "$dir/same.json"
	expect "apply -j of what exists: []" 0 "[]" ""
	# The dump applied as it is: the default group under another id in the file, no change.
	# (Only VPCs and groups are taken.)
	first_sgs=$(jq '{vpcs, security_groups}' <<<"$first")
	jq '.security_groups[0].id = "sg-aaa" | .security_groups[0].ingress[0].sg = "sg-aaa"' <<<"$first_sgs" >"$dir/dump.json"
	run apply "$dir/dump.json"
	expect "apply of the dump, the default group renamed in the file: no change" 0 "" ""
	jq '.security_groups[1].ingress = [{"protocol": "udp", "port_from": 53, "port_to": 53, "sg": "sg-d"}]' \
		<<<"$first_sgs" >"$dir/rules.json"
	run apply "$dir/rules.json"
	expect "a group's rules converge: the old one out, then the new one in" 0 \
		"delete sg-rule sg-1 ingress proto tcp port 22-22 cidr 203.0.113.0/24
add sg-rule sg-1 ingress proto udp port 53-53 sg sg-d" ""
	jq '.security_groups[1].description = "changed"' <<<"$first_sgs" >"$dir/desc.json"
	run apply "$dir/desc.json"
	expect "a group's description cannot change" 1 "" \
		'Error: security group sg-1: description is "", the file says "changed" (a group'"'"'s description cannot change); nothing was changed'
	jq '.security_groups += [{"id": "sg-2", "vpc": "vpc-default", "name": "db"}]' <<<"$first_sgs" >"$dir/newsg.json"
	run apply "$dir/newsg.json"
	expect "a new group is created, then its initial egress rule goes (the file has none)" 0 \
		'create sg sg-2 vpc vpc-default name "db"
delete sg-rule sg-2 egress proto all cidr 0.0.0.0/0' ""
	# Elastic IPs: the whole dump of the fake's world applies without a change.
	printf '%s' "$first" >"$dir/world.json"
	run apply "$dir/world.json"
	expect "apply of the whole dump, Elastic IPs with it: no change" 0 "" ""
	jq '.instances[0] += {"metadata_tokens": "required", "metadata_hop_limit": 2} | .instances[1] += {"metadata_endpoint": false}' \
		<<<"$first" >"$dir/md.json"
	run apply "$dir/md.json"
	expect "instances' metadata options converge: one set per instance, only what differs" 0 \
		"set instance i-host metadata tokens required hop-limit 2
set instance web1 endpoint off" ""
	jq '.instances[0] += {"metadata_tokens": "optional", "metadata_hop_limit": 1, "metadata_endpoint": true}' \
		<<<"$first" >"$dir/md-same.json"
	run apply "$dir/md-same.json"
	expect "EC2's default metadata options, given or not, change nothing" 0 "" ""
	jq '.elastic_ips[0] += {"eni": null, "private_ip": null} | .elastic_ips[1].eni = "eni-0a1b2c3d4e5f60718"' \
		<<<"$first" >"$dir/eips.json"
	run apply "$dir/eips.json"
	expect "Elastic IPs converge: the one the file leaves unassociated first, then the other associated" 0 \
		"disassociate eip eipalloc-1
associate eip eipalloc-2 eni eni-0a1b2c3d4e5f60718 private-ip 172.31.0.4" ""
	jq '.elastic_ips[0] += {"eni": "eni-5", "private_ip": null}' <<<"$first" >"$dir/eipmove.json"
	run apply "$dir/eipmove.json"
	expect "an Elastic IP associated elsewhere moves with allow-reassociation" 0 \
		"associate eip eipalloc-1 eni eni-5 private-ip 172.31.0.5 allow-reassociation" ""
	jq '.eip_pool = "203.0.112.0/23" | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' \
		<<<"$first" >"$dir/eipnew.json"
	run apply "$dir/eipnew.json"
	expect "the pool set before the new Elastic IP is allocated in it" 0 \
		"set eip-pool 203.0.112.0/23
create eip eipalloc-3 public-ip 203.0.113.7" ""
	run -j apply "$dir/eipnew.json"
	[[ $rc -eq 0 && $(jq -c '.[1]' <<<"$out") == '{"action":"create","object":"eip","id":"eipalloc-3","detail":"public-ip 203.0.113.7"}' ]] &&
		pass "apply -j: an Elastic IP created, as one object" || fail "apply -j: an Elastic IP created"
	jq '.world.rate_scale = 1000' <<<"$first" >"$dir/scale.json"
	run apply "$dir/scale.json"
	expect "the world's settings: only the one that differs is set" 0 "set world rate-scale 1/1000" ""
	jq '.world = {"rate_scale": 1000, "burst_seconds": 60} | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' \
		<<<"$first" >"$dir/settings.json"
	run apply "$dir/settings.json"
	expect "the world's settings first, both in one set, before anything is created" 0 \
		"set world rate-scale 1/1000 burst-seconds 60
create eip eipalloc-3 public-ip 203.0.113.7" ""
	run -j apply "$dir/settings.json"
	[[ $rc -eq 0 && $(jq -c '.[0]' <<<"$out") == '{"action":"set","object":"world","id":"rate-scale 1/1000 burst-seconds 60","detail":""}' ]] &&
		pass "apply -j: the world's settings, as one object" || fail "apply -j: the world's settings"
	jq 'del(.world)' <<<"$first" >"$dir/noworld.json"
	run apply "$dir/noworld.json"
	expect "a file without world leaves the settings alone" 0 "" ""
	jq '.world = {"burst_seconds": 300}' <<<"$first" >"$dir/burst.json"
	run apply "$dir/burst.json"
	expect "a setting the world has already, the other absent: no change" 0 "" ""
	jq '.world.burst_seconds = 3601 | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' \
		<<<"$first" >"$dir/badworld.json"
	run apply "$dir/badworld.json"
	expect "a bad setting in a dump: refused with its path, nothing changed" 2 "" \
		"Error: $dir/badworld.json: .world.burst_seconds: burst seconds 3601 is out of range: 1 to 3600"
	jq '.path.loss_ppm = 1000' <<<"$first" >"$dir/loss.json"
	run apply "$dir/loss.json"
	expect "the path model: only the field that differs is set, not the seed" 0 "set path loss-ppm 1000" ""
	jq '.path = {"seed": 42, "delay_us": 50} | .world.rate_scale = 1000
	    | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' \
		<<<"$first" >"$dir/path.json"
	run apply "$dir/path.json"
	expect "the path model right after the world's settings, in one set, before anything is created" 0 \
		"set world rate-scale 1/1000
set path delay-us 50 seed 42
create eip eipalloc-3 public-ip 203.0.113.7" ""
	run -j apply "$dir/path.json"
	[[ $rc -eq 0 && $(jq -c '.[1]' <<<"$out") == '{"action":"set","object":"path","id":"delay-us 50 seed 42","detail":""}' ]] &&
		pass "apply -j: the path model, as one object" || fail "apply -j: the path model"
	jq 'del(.path)' <<<"$first" >"$dir/nopath.json"
	run apply "$dir/nopath.json"
	expect "a file without path leaves the model alone" 0 "" ""
	jq '.path = {"seed": 0, "reorder_delay_us": 1000, "loss_ppm": 0}' <<<"$first" >"$dir/sameseed.json"
	run apply "$dir/sameseed.json"
	expect "the seed in force is not written again (that would restart the draws): no change" 0 "" ""
	# jq would round a seed past 2^53: the file is edited as text.
	sed 's/"seed":0,"per_path"/"seed":18446744073709551615,"per_path"/' <<<"$first" >"$dir/bigseed.json"
	run apply "$dir/bigseed.json"
	expect "the largest seed, every digit read and sent" 0 "set path seed 18446744073709551615" ""
	jq '.path.reorder_ppm = 1000001 | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' \
		<<<"$first" >"$dir/badpath.json"
	run apply "$dir/badpath.json"
	expect "a bad path model in a dump: refused with its path, nothing changed" 2 "" \
		"Error: $dir/badpath.json: .path.reorder_ppm: path reorder 1000001 ppm is out of range: 0 to 1000000"

	# VNITRO_FAKE_PATHS: path 3 has a delay of 5000 us, path 5 a loss of 1000 ppm and
	# congestion of 20000 ppm; the other paths are the world's.
	VNITRO_FAKE_PATHS=1 run dump
	paths=$out
	[[ $rc -eq 0 && $(jq -c .path.per_path <<<"$paths") == '[{"path":3,"loss_ppm":0,"delay_us":5000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0},{"path":5,"loss_ppm":1000,"delay_us":0,"jitter_us":0,"congestion_ppm":20000,"congestion_delay_us":0,"congestion_loss_ppm":0}]' ]] &&
		pass "dump: per_path lists only the paths that differ from the world's, every field of each" ||
		fail "dump: per_path"
	[[ $(jq -c '.path | del(.per_path)' <<<"$paths") == $(jq -c '.path | del(.per_path)' <<<"$first") ]] &&
		pass "dump: the world's model the same, whatever its paths" || fail "dump: the world's model with paths"
	printf '%s\n' "$paths" >"$dir/paths.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/paths.json"
	expect "apply of a dump with paths to its own world: no change" 0 "" ""
	run apply "$dir/paths.json"
	expect "apply of it to a new world: one set per path that differs, only its fields that do" 0 \
		"set path path 3 delay-us 5000
set path path 5 loss-ppm 1000 congestion-ppm 20000" ""
	run -j apply "$dir/paths.json"
	[[ $rc -eq 0 && $(jq -c '.[0]' <<<"$out") == '{"action":"set","object":"path","id":"path 3","detail":"delay-us 5000"}' ]] &&
		pass "apply -j: one path, its number as the id" || fail "apply -j: one path"
	VNITRO_FAKE_PATHS=1 run apply "$dir/loss.json"
	expect "apply of a new world's dump (per_path empty) with another loss: the world's set, which every path takes" 0 \
		"set path loss-ppm 1000" ""
	jq '.path.reorder_ppm = 10' <<<"$first" >"$dir/reorder.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/reorder.json"
	expect "per_path empty, the world's only field changed: the paths that differ go back to the world's" 0 \
		"set path reorder-ppm 10
set path path 3 delay-us 0
set path path 5 loss-ppm 0 congestion-ppm 0" ""
	jq 'del(.path.per_path) | .path.reorder_ppm = 10' <<<"$first" >"$dir/noperpath.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/noperpath.json"
	expect "without per_path the paths keep theirs" 0 "set path reorder-ppm 10" ""
	jq 'del(.path.per_path) | .path.jitter_us = 7' <<<"$first" >"$dir/jitter.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/jitter.json"
	expect "without per_path, a path's field of the world: every path takes it, as path set does" 0 \
		"set path jitter-us 7" ""
	jq '.path.jitter_us = 7' <<<"$paths" >"$dir/jitterpaths.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/jitterpaths.json"
	expect "the world's set first, then the paths the file lists, against the model it left" 0 \
		"set path jitter-us 7
set path path 3 delay-us 5000 jitter-us 0
set path path 5 loss-ppm 1000 jitter-us 0 congestion-ppm 20000" ""
	jq '.path.per_path = [{"path": 3, "jitter_us": 9}]' <<<"$first" >"$dir/partial.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/partial.json"
	expect "a path's fields the file leaves out are the world's" 0 \
		"set path path 3 delay-us 0 jitter-us 9
set path path 5 loss-ppm 0 congestion-ppm 0" ""
	jq '.path.paths = 4 | .path.per_path |= map(select(.path < 4))' <<<"$paths" >"$dir/four.json"
	VNITRO_FAKE_PATHS=1 run apply "$dir/four.json"
	expect "fewer paths: those past the count are left as they are" 0 "set path paths 4" ""
	jq '.path.paths = 12 | .path.per_path += [{"path": 10, "loss_ppm": 5}]' <<<"$first" >"$dir/twelve.json"
	run apply "$dir/twelve.json"
	expect "more paths: the count first, then a path it brings" 0 \
		"set path paths 12
set path path 10 loss-ppm 5" ""
	jq 'del(.path.paths) | .path.per_path = [{"path": 9, "loss_ppm": 5}] | .world.rate_scale = 1000' \
		<<<"$first" >"$dir/nine.json"
	run apply "$dir/nine.json"
	expect "a path past the world's count, the file giving none: a conflict, nothing changed" 1 "" \
		"Error: path 9 does not exist: the world has 8 (0 to 7), and the file gives no .path.paths; nothing was changed"
	jq '.path.paths = 10 | .path.per_path = [{"path": 9, "loss_ppm": 5}]' <<<"$first" >"$dir/ten.json"
	run apply "$dir/ten.json"
	expect "... but one within the count the file gives" 0 "set path paths 10
set path path 9 loss-ppm 5" ""
	jq 'del(.eip_pool)' <<<"$first" >"$dir/nopool.json"
	run apply "$dir/nopool.json"
	expect "a file without eip_pool leaves the pool alone" 0 "" ""
	jq '.elastic_ips[1].public_ip = "203.0.113.9"' <<<"$first" >"$dir/eipaddr.json"
	run apply "$dir/eipaddr.json"
	expect "an Elastic IP's address cannot change" 1 "" \
		"Error: Elastic IP eipalloc-2: public_ip is 203.0.113.2, the file says 203.0.113.9 (an Elastic IP's address cannot change); nothing was changed"
	jq '.elastic_ips = [.elastic_ips[1] | .eni = "eni-0a1b2c3d4e5f60718"]' <<<"$first" >"$dir/eipother.json"
	run apply "$dir/eipother.json"
	expect "an address the file leaves out keeps its private address" 1 "" \
		"Error: Elastic IP eipalloc-2: 172.31.0.4 of eni-0a1b2c3d4e5f60718 has Elastic IP eipalloc-1, which the file leaves out (one Elastic IP per private address); nothing was changed"
	jq '.eip_pool = "198.18.0.0/24" | .elastic_ips = []' <<<"$first" >"$dir/eippool.json"
	run apply "$dir/eippool.json"
	expect "a pool that leaves an allocated address outside: before any change" 1 "" \
		"Error: the public pool cannot become 198.18.0.0/24: Elastic IP eipalloc-1 (203.0.113.1) is outside it (release it first); nothing was changed"
	# Network ACLs the same way: the default one renamed in the file changes nothing.
	first_acls=$(jq '{vpcs, network_acls}' <<<"$first")
	jq '.network_acls[0].id = "acl-aaa"' <<<"$first_acls" >"$dir/acls.json"
	run apply "$dir/acls.json"
	expect "apply of the dump, the default ACL renamed in the file: no change" 0 "" ""
	jq '.network_acls[0].ingress[0].action = "deny"
	    | .network_acls[0].egress = [{"rule": 200, "action": "allow", "protocol": "all", "cidr": "0.0.0.0/0"}]
	    | .network_acls[1].ingress = [{"rule": 100, "action": "allow", "protocol": "tcp", "port_from": 22, "port_to": 22, "cidr": "10.0.0.0/8"}]' \
		<<<"$first_acls" >"$dir/entries.json"
	run apply "$dir/entries.json"
	expect "an ACL's entries converge: numbers the file lacks out, changed ones replaced, new ones in" 0 \
		"delete nacl-entry acl-d egress rule 100
replace nacl-entry acl-d ingress rule 100 deny proto all cidr 0.0.0.0/0
add nacl-entry acl-d egress rule 200 allow proto all cidr 0.0.0.0/0
add nacl-entry acl-1 ingress rule 100 allow proto tcp port 22-22 cidr 10.0.0.0/8" ""
	jq '.network_acls += [{"id": "acl-2", "vpc": "vpc-default", "ingress": [{"rule": 5, "action": "deny", "protocol": "icmp", "icmp_type": 8, "cidr": "192.0.2.0/24"}]}]' \
		<<<"$first_acls" >"$dir/newacl.json"
	run apply "$dir/newacl.json"
	expect "a new ACL is created, then its entries added" 0 \
		"create nacl acl-2 vpc vpc-default
add nacl-entry acl-2 ingress rule 5 deny proto icmp icmp-type 8 cidr 192.0.2.0/24" ""
	jq '.vpcs += [{"id": "vpc-x", "cidr": "10.8.0.0/16"}] | .network_acls[1].vpc = "vpc-x"' \
		<<<"$first_acls" >"$dir/aclvpc.json"
	run apply "$dir/aclvpc.json"
	expect "an ACL's VPC cannot change" 1 "" \
		"Error: network ACL acl-1: vpc is vpc-default, the file says vpc-x (an ACL's VPC cannot change); nothing was changed"
	jq '.network_acls[0].default = false' <<<"$first_acls" >"$dir/acldefault.json"
	run apply "$dir/acldefault.json"
	expect "a VPC's default ACL cannot become a custom one" 1 "" \
		"Error: network ACL acl-d is the default network ACL of VPC vpc-default; the file makes it a custom one; nothing was changed"
	# IPv6: with VNITRO_FAKE_IPV6 vpc-default has a block, and EC2's ::/0 rules come with it.
	VNITRO_FAKE_IPV6=1 run dump
	world6=$out
	[[ $(jq -c '[.vpcs[0].ipv6_cidr, .security_groups[0].egress, .security_groups[1].ingress[1]]' <<<"$world6") == \
		'["2600:1f18:abcd:1200::/56",[{"protocol":"all","cidr":"0.0.0.0/0"},{"protocol":"all","cidr":"::/0"}],{"protocol":"icmpv6","icmp_type":128,"cidr":"2600:1f18:abcd:1200::/56"}]' ]] &&
		pass "dump: IPv6 rules in \"cidr\", icmpv6 by name, the default group's ::/0" ||
		fail "dump: IPv6 rules"
	[[ $(jq -c '.network_acls[0].egress' <<<"$world6") == \
		'[{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"},{"rule":101,"action":"allow","protocol":"all","cidr":"::/0"}]' ]] &&
		pass "dump: the default ACL's rule 101 for ::/0" || fail "dump: rule 101"
	printf '%s' "$world6" >"$dir/world6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/world6.json"
	expect "apply of a dump with IPv6 rules and entries: no change" 0 "" ""
	jq '.network_acls[0].egress |= map(select(.rule != 101)) | .network_acls[0].ingress[1].action = "deny"
	    | .security_groups[0].egress |= map(select(.cidr != "::/0"))
	    | .security_groups[1].ingress += [{"protocol": "tcp", "port_from": 443, "port_to": 443, "cidr": "2001:db8::/32"}]' \
		<<<"$world6" >"$dir/rules6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/rules6.json"
	expect "IPv6 rules and entries converge as the others, EC2's ::/0 ones too" 0 \
		"delete nacl-entry acl-d egress rule 101
replace nacl-entry acl-d ingress rule 101 deny proto all cidr ::/0
delete sg-rule sg-d egress proto all cidr ::/0
add sg-rule sg-1 ingress proto tcp port 443-443 cidr 2001:db8::/32" ""
	jq '.network_acls[0].ingress[1].cidr = "0.0.0.0/0"' <<<"$world6" >"$dir/family6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/family6.json"
	expect "an entry's family is part of its block: ::/0 is not 0.0.0.0/0" 0 \
		"replace nacl-entry acl-d ingress rule 101 allow proto all cidr 0.0.0.0/0" ""
	# Onto a VPC without a block: its rules converge first, then it gets the block.
	jq 'del(.security_groups[1].ingress[1])' <<<"$world6" >"$dir/onto4.json"
	run apply "$dir/onto4.json"
	expect "a dump with EC2's ::/0 rules onto a VPC without a block: the rules, the block, then its IPv6 route" 0 \
		"add nacl-entry acl-d ingress rule 101 allow proto all cidr ::/0
add nacl-entry acl-d egress rule 101 allow proto all cidr ::/0
add sg-rule sg-d egress proto all cidr ::/0
associate vpc vpc-default ipv6-cidr 2600:1f18:abcd:1200::/56
create route ::/0 subnet subnet-default via igw-d" ""
	jq '.vpcs[0].ipv6_cidr = "2600:1f18:abcd:1200::/56"' <<<"$first" >"$dir/block6.json"
	run apply "$dir/block6.json"
	expect "a block without EC2's ::/0 rules in the file: the rules it brought go again" 0 \
		"associate vpc vpc-default ipv6-cidr 2600:1f18:abcd:1200::/56
delete nacl-entry acl-d ingress rule 101
delete nacl-entry acl-d egress rule 101
delete sg-rule sg-d egress proto all cidr ::/0" ""
	# IPv6 routes: dumped as IPv4 ones, without the local /56; apply converges them the same way.
	[[ $(jq -c '[.subnets[0].routes, $first.subnets[0].routes]' --argjson first "$first" <<<"$world6") == \
		'[[{"destination":"::/0","target":"igw-d"}],[]]' ]] &&
		pass "dump: an IPv6 route in \"destination\", neither local route" || fail "dump: IPv6 routes"
	jq '.subnets[0].routes = [{"destination": "::/0", "target": "eni-5"}, {"destination": "10.0.0.0/8", "target": "igw-d"},
	                          {"destination": "2001:DB8::/32", "target": "eni-0a1b2c3d4e5f60718"}]' \
		<<<"$world6" >"$dir/routes6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/routes6.json"
	expect "IPv6 routes converge as IPv4 ones: replaced, created" 0 \
		"replace route ::/0 subnet subnet-default via eni-5
create route 10.0.0.0/8 subnet subnet-default via igw-d
create route 2001:db8::/32 subnet subnet-default via eni-0a1b2c3d4e5f60718" ""
	VNITRO_FAKE_IPV6=1 run -j apply "$dir/routes6.json"
	[[ $rc -eq 0 && $(jq -c '.[2]' <<<"$out") == '{"action":"create","object":"route","id":"2001:db8::/32","detail":"subnet subnet-default via eni-0a1b2c3d4e5f60718"}' ]] &&
		pass "apply -j: an IPv6 route created, as one object" || fail "apply -j: an IPv6 route created"
	jq '.vpcs[0].ipv6_cidr = null' <<<"$world6" >"$dir/unblock6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/unblock6.json"
	expect "a VPC's block goes after its IPv6 routes; the file's come back after" 0 \
		"delete route ::/0 subnet subnet-default via igw-d
disassociate vpc vpc-default ipv6-cidr 2600:1f18:abcd:1200::/56
create route ::/0 subnet subnet-default via igw-d" ""
	jq '.vpcs[0].ipv6_cidr = null | .subnets[0].routes = []' <<<"$world6" >"$dir/unroute6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/unroute6.json"
	expect "a VPC's block goes: IPv6 routes the file lacks go first" 0 \
		"delete route ::/0 subnet subnet-default via igw-d
disassociate vpc vpc-default ipv6-cidr 2600:1f18:abcd:1200::/56" ""
	jq '.subnets[0].routes = []' <<<"$world6" >"$dir/keep6.json"
	VNITRO_FAKE_IPV6=1 run apply "$dir/keep6.json"
	expect "a block that stays: routes the file lacks stay" 0 "" ""
	# Egress-only gateways: listed apart from internet gateways, created before the routes through them.
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run dump
	world6e=$out
	[[ $rc -eq 0 && $(jq -c '[.internet_gateways, .egress_only_internet_gateways, .subnets[0].routes]' <<<"$world6e") == \
		'[[{"id":"igw-d","vpc":"vpc-default","netns":null,"frag_needed":true}],[{"id":"eigw-d","vpc":"vpc-default","netns":"internet"}],[{"destination":"::/0","target":"eigw-d"}]]' ]] &&
		pass "dump: the egress-only gateway in its own list, without frag_needed; ::/0 through it" ||
		fail "dump: egress-only internet gateways"
	[[ $(jq -c '.egress_only_internet_gateways' <<<"$first") == '[]' ]] &&
		pass "dump: no egress-only gateway, an empty list" || fail "dump: an empty egress_only_internet_gateways"
	printf '%s' "$world6e" >"$dir/world6e.json"
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run apply "$dir/world6e.json"
	expect "apply of a dump with an egress-only gateway and a route through it: no change" 0 "" ""
	VNITRO_FAKE_IPV6=1 run apply "$dir/world6e.json"
	expect "the egress-only gateway created (its namespace too) before the route through it" 0 \
		"create netns internet
create eigw eigw-d vpc vpc-default netns internet
replace route ::/0 subnet subnet-default via eigw-d" ""
	VNITRO_FAKE_IPV6=1 run -j apply "$dir/world6e.json"
	[[ $rc -eq 0 && $(jq -c '.[1]' <<<"$out") == '{"action":"create","object":"eigw","id":"eigw-d","detail":"vpc vpc-default netns internet"}' ]] &&
		pass "apply -j: an egress-only gateway created, as one object" || fail "apply -j: an egress-only gateway created"
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run apply "$dir/world6.json"
	expect "an egress-only gateway the file leaves out stays; only the route changes" 0 \
		"replace route ::/0 subnet subnet-default via igw-d" ""
	jq '.egress_only_internet_gateways[0].id = "eigw-n" | .subnets[0].routes[0].target = "eigw-n"' \
		<<<"$world6e" >"$dir/eigwtwo.json"
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run apply "$dir/eigwtwo.json"
	expect "a second egress-only gateway for a VPC: before any change" 1 "" \
		"Error: egress-only internet gateway eigw-n: VPC vpc-default has egress-only internet gateway eigw-d already (at most one); nothing was changed"
	jq '.egress_only_internet_gateways[0].netns = null' <<<"$world6e" >"$dir/eigwns.json"
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run apply "$dir/eigwns.json"
	expect "an egress-only gateway's namespace cannot change" 1 "" \
		"Error: egress-only internet gateway eigw-d: netns is internet, the file says null (a gateway's namespace cannot change); nothing was changed"
	jq '.internet_gateways = []' <<<"$world6e" >"$dir/eigwonly.json"
	VNITRO_FAKE_IPV6=1 VNITRO_FAKE_EIGW=1 run apply "$dir/eigwonly.json"
	expect "an egress-only gateway is no internet gateway: the file's Elastic IP still needs igw-d" 2 "" \
		"Error: $dir/eigwonly.json: .elastic_ips[0].eni: VPC vpc-default of eni-0a1b2c3d4e5f60718 has no internet gateway in the file (\"internet_gateways\"); an Elastic IP needs one"
	# Placement groups (VNITRO_FAKE_PGS: hpc with i-host, racks with web1, full, far, parts, spare).
	VNITRO_FAKE_PGS=1 run dump
	pgworld=$out
	[[ $rc -eq 0 && $(jq -c '[.placement_groups[] | [.name, .strategy, .partition_count, .spread_level]]' <<<"$pgworld") == \
		'[["far","cluster",null,null],["full","spread",null,"rack"],["hpc","cluster",null,null],["parts","partition",3,null],["racks","spread",null,"rack"],["spare","cluster",null,null]]' ]] &&
		pass "dump: placement groups by name, their strategy, partition count and spread level" ||
		fail "dump: placement groups"
	[[ $(jq -c '.placement_groups[0] | keys_unsorted' <<<"$pgworld") == '["name","strategy","partition_count","spread_level"]' &&
	   $(jq -c '[.instances[] | [.name, .placement_group, .partition]]' <<<"$pgworld") == '[["i-host","hpc",null],["web1","racks",null]]' ]] &&
		pass "dump: a group's keys (no id: apply gets a new one), each instance's group" ||
		fail "dump: a group's keys and the instances' groups"
	printf '%s' "$pgworld" >"$dir/pgworld.json"
	VNITRO_FAKE_PGS=1 run apply "$dir/pgworld.json"
	expect "apply of a dump with placement groups: no change" 0 "" ""
	run apply "$dir/pgworld.json"
	expect "onto a world without the group: an instance's group cannot change" 1 "" \
		"Error: instance i-host: placement_group is null, the file says hpc (an instance's placement group cannot change); nothing was changed"
	jq '.placement_groups = [{"name": "g1", "strategy": "partition"}, {"name": "s1", "strategy": "spread"}, {"name": "c1", "strategy": "cluster"}]
	    | .instances += [{"name": "n1", "subnet": "subnet-default", "placement_group": "g1"},
	                     {"name": "n2", "subnet": "subnet-default", "placement_group": "g1", "partition": 1},
	                     {"name": "n3", "subnet": "subnet-default", "placement_group": "g1"},
	                     {"name": "n4", "subnet": "subnet-default", "placement_group": "s1", "type": "t3.micro"}]
	    | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' <<<"$first" >"$dir/pgnew.json"
	run apply "$dir/pgnew.json"
	expect "groups created after the Elastic IPs, before their instances; the partitions vnitro picks printed" 0 \
		"create eip eipalloc-3 public-ip 203.0.113.7
create placement-group g1 strategy partition partition-count 2
create placement-group s1 strategy spread spread-level rack
create placement-group c1 strategy cluster
create instance n1 subnet subnet-default placement-group g1 partition 1 primary-eni eni-00000000000000001
create instance n2 subnet subnet-default placement-group g1 partition 1 primary-eni eni-00000000000000001
create instance n3 subnet subnet-default placement-group g1 partition 2 primary-eni eni-00000000000000001
create instance n4 subnet subnet-default type t3.micro placement-group s1 primary-eni eni-00000000000000001" ""
	run -j apply "$dir/pgnew.json"
	[[ $rc -eq 0 && $(jq -c '.[1]' <<<"$out") == '{"action":"create","object":"placement-group","id":"g1","detail":"strategy partition partition-count 2"}' ]] &&
		pass "apply -j: a placement group created, as one object" || fail "apply -j: a placement group created"
	VNITRO_FAKE_PGS=1 converge "a group's strategy cannot change" "$pgworld" \
		'(.placement_groups[] | select(.name == "hpc")) |= (.strategy = "spread" | .spread_level = "rack")' 1 "" \
		"Error: placement group hpc: strategy is cluster, the file says spread (a placement group's strategy cannot change); nothing was changed"
	VNITRO_FAKE_PGS=1 converge "a group's partition count cannot change" "$pgworld" \
		'(.placement_groups[] | select(.name == "parts")).partition_count = 4' 1 "" \
		"Error: placement group parts: partition_count is 3, the file says 4 (a placement group's partition count cannot change); nothing was changed"
	VNITRO_FAKE_PGS=1 converge "an instance cannot move to another group (vnitro's instances never stop)" "$pgworld" \
		'.instances[0].placement_group = "spare"' 1 "" \
		"Error: instance i-host: placement_group is hpc, the file says spare (an instance's placement group cannot change); nothing was changed"
	VNITRO_FAKE_PGS=1 converge "a cluster group in use in another zone: before any change" "$pgworld" \
		'.instances += [{"name": "n1", "subnet": "subnet-default", "placement_group": "far"}]
		 | .elastic_ips += [{"allocation_id": "eipalloc-3", "public_ip": "203.0.113.7"}]' 1 "" \
		"Error: instance n1: placement group far is in use in another availability zone: us-east-1b, the file puts the instance in us-east-1a; nothing was changed"
	VNITRO_FAKE_PGS=1 converge "a spread group's instances in the world and new ones in the file: seven per zone" "$pgworld" \
		'del(.instances[1]) | .instances += [range(7) | {"name": "r\(.)", "subnet": "subnet-default", "placement_group": "racks"}]' 1 "" \
		"Error: instance r6: spread placement group racks would have 8 instances in us-east-1a (EC2: seven running instances per Availability Zone); nothing was changed"
	jq 'del(.instances[1]) | .instances += [range(6) | {"name": "r\(.)", "subnet": "subnet-default", "placement_group": "racks"}]' \
		<<<"$pgworld" >"$dir/pgracks6.json"
	VNITRO_FAKE_PGS=1 run apply "$dir/pgracks6.json"
	[[ $rc -eq 0 && $(grep -c '^create instance r[0-5] subnet subnet-default placement-group racks primary-eni' <<<"$out") == 6 ]] &&
		pass "... six more beside the one there" || fail "six more instances in the spread group"
	VNITRO_FAKE_PGS=1 converge "the kernel's refusal names the change" "$pgworld" \
		'.instances += [{"name": "n1", "subnet": "subnet-default", "placement_group": "full"}]' 1 "" \
		"Error: create instance n1 subnet subnet-default placement-group full: InsufficientInstanceCapacity: spread placement group 'full' already has 7 instances in us-east-1a (EC2: seven running instances per Availability Zone)"
	converge "the placement delays: set as the path model's other fields" "$first" \
		'.path.node_delay_us = 5 | .path.az_delay_us = 700' 0 "set path node-delay-us 5 az-delay-us 700" ""
	converge "the placement delays in force: no change" "$first" '.path.node_delay_us = 0 | .path.az_delay_us = 0' 0 "" ""
	echo '{"vpcs": [{"id": "vpc-new", "cidr": "10.9.0.0/16"}, {"id": "vpc-default", "cidr": "172.30.0.0/16"}]}' >"$dir/conflict.json"
	run apply "$dir/conflict.json"
	expect "a VPC with another CIDR: exit 1, before any change" 1 "" \
		"Error: VPC vpc-default: cidr is 172.31.0.0/16, the file says 172.30.0.0/16 (a VPC's CIDR block cannot change); nothing was changed"
	echo '{"vpcs": [{"id": "vpc-new", "cidr": "10.9.0.0/16"}]}' >"$dir/new.json"
	run apply "$dir/new.json"
	expect "a kernel refusal names the change" 1 "" \
		"Error: create vpc vpc-new cidr 10.9.0.0/16: not implemented by the fake library"
	run -j apply "$dir/new.json"
	expect "a kernel refusal under -j: stdout is still a JSON array" 1 "[]" \
		'{"error":"create vpc vpc-new cidr 10.9.0.0/16: not implemented by the fake library"}'
else
	skip "output checks" "$FAKE cannot be built (make -C selftests/tools vnitro_fake)"
fi

## the man page: every object and command of "vnitro help"

VNITRO=${VNITRO_REAL:-$top/tools/vnitro}
if [[ ! -f $MAN ]]; then
	fail "Documentation/vnitro.8 exists"
else
	# The page's text without font escapes, one line per roff line.
	text=$(sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em/--/g' "$MAN")
	run help
	objects=$(sed -n 's/.*OBJECT := { \(.*\) }.*/\1/p' <<<"$out" | tr -d '|')
	for obj in $objects apply dump exec; do
		run "$obj" help
		# "vnitro eni { show | list } ...", "vnitro eni add ...": the words after the object.
		cmds=$(sed -n "s/^\(Usage:\)\{0,1\} *vnitro \(\[ [^]]* \] \)*$obj \(.*\)/\3/p" <<<"$out" |
			awk '{ if ($1 == "{") { for (i = 2; i <= NF && $i != "}"; i++) if ($i != "|") print $i }
			       else if ($1 ~ /^[a-z]/ && $1 != "help") print $1 }' | sort -u)
		missing=
		grep -q "^\.SS $obj\b\|^\.SH.*\b$obj\b\|^\.SS \"*$obj" <<<"$text" || missing+=" (no section)"
		for c in $cmds; do
			grep -Eq "^\.B(R)? vnitro $obj (.*[{|] )?$c\b|^vnitro $obj (.*[{|] )?$c\b" <<<"$text" ||
				missing+=" $c"
		done
		if [[ -z $missing ]]; then
			pass "man page: $obj and its commands${cmds:+ (}$(echo $cmds)${cmds:+)}"
		else
			fail "man page: $obj and its commands" "missing:$missing"
		fi
	done
	if command -v groff >/dev/null; then
		warnings=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1)
		[[ -z $warnings ]] && pass "man page: groff -man -ww gives no warning" ||
			fail "man page: groff -man -ww gives no warning" "$warnings"
	else
		skip "man page: groff -man -ww" "groff is not installed"
	fi
fi

[[ $skipped -gt 0 ]] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

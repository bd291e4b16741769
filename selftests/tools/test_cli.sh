#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of tools/vnitro: everything that needs no vnitro kernel
# module. Help at every level, -V, prefix matching, every usage error
# (exit 2, "Error: ..." or {"error": ...} on stderr, nothing on stdout),
# and, when the module is absent, the "not loaded" failure (exit 1).
#
# The output checks run the same CLI sources linked against fake_lib.cc, a
# canned stand-in for libvnitro (vnitro_fake, which this script builds with
# this directory's Makefile if needed); they are skipped if it cannot be.
#
# Usage: test_cli.sh          (VNITRO=/path/to/vnitro to test another build)
set -u

here=$(cd "$(dirname "$0")" && pwd)
VNITRO=${VNITRO:-$here/../../tools/vnitro}
FAKE=${FAKE:-$here/vnitro_fake}
NOT_LOADED='the vnitro kernel module is not loaded (generic netlink family "vnitro" not found)'

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

# run ARGS...: sets out, err and rc.
run() {
	local errfile
	errfile=$(mktemp)
	out=$("$VNITRO" "$@" 2>"$errfile")
	rc=$?
	err=$(<"$errfile")
	rm -f "$errfile"
}

# help DESC EXPECTED-LINE ARGS...: usage on stdout, exit 0.
help() {
	local desc=$1 want=$2
	shift 2
	run "$@"
	if [[ $rc -eq 0 && -z $err && $out == *"Usage:"* && $out == *"$want"* ]]; then
		pass "$desc"
	else
		fail "$desc" "expected usage containing '$want'"
	fi
}

# usage DESC [=EXACT-MESSAGE] ARGS...: a usage error, checked as text and
# again under -j as JSON.
usage() {
	local desc=$1 exact=
	shift
	if [[ $1 == =* ]]; then
		exact=${1#=}
		shift
	fi
	run "$@"
	if [[ $rc -ne 2 || -n $out || $err != "Error: "* || $err == *$'\n'* ]]; then
		fail "$desc" "expected exit 2, one 'Error:' line on stderr, empty stdout"
	elif [[ -n $exact && $err != "Error: $exact" ]]; then
		fail "$desc" "expected: Error: $exact"
	else
		pass "$desc"
	fi

	run -j "$@"
	if [[ $rc -eq 2 && -z $out && $(jq -r '.error | type' <<<"$err" 2>/dev/null) == string &&
	      ( -z $exact || $(jq -r .error <<<"$err") == "$exact" ) ]]; then
		pass "$desc (-j)"
	else
		fail "$desc (-j)" "expected exit 2 and {\"error\": ...} on stderr"
	fi
}

# not_loaded DESC ARGS...: valid syntax that reaches netlink and fails.
not_loaded() {
	local desc=$1
	shift
	if [[ $module_loaded == yes ]]; then
		skip "$desc" "the vnitro module is loaded"
		return
	fi
	run "$@"
	if [[ $rc -eq 1 && -z $out && $err == "Error: $NOT_LOADED" ]]; then
		pass "$desc"
	else
		fail "$desc" "expected exit 1 and: Error: $NOT_LOADED"
	fi
}

if [[ ! -x $VNITRO ]]; then
	echo "not ok 1 - $VNITRO is built (run make -C tools)"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! command -v jq >/dev/null; then
	echo "not ok 1 - jq is installed"
	echo "0 passed, 1 failed"
	exit 1
fi
module_loaded=no
[[ -d /sys/module/vnitro ]] && module_loaded=yes

## version and help

run -V
if [[ $rc -eq 0 && $out =~ ^vnitro\ [0-9]+\.[0-9]+\.[0-9]+$ && -z $err ]]; then
	pass "-V prints the version"
else
	fail "-V prints the version"
fi
run --version
if [[ $rc -eq 0 && $out == vnitro\ * ]]; then pass "--version"; else fail "--version"; fi

help "vnitro help" "OBJECT := { instance | eni | vpc | subnet | route | igw | eigw | sg | nacl | eip | world | path | placement-group | tunnel | cluster }" help
help "vnitro -h" "OBJECT :=" -h
help "vnitro --help" "OBJECT :=" --help
help "vnitro h (prefix)" "OBJECT :=" h
help "vnitro instance help" "vnitro instance add NAME subnet SUBNET" instance help
help "vnitro eni help" "vnitro eni attach ID instance NAME index INDEX" eni help
help "vnitro vpc help" "vnitro vpc { show | list }" vpc help
help "vnitro subnet help" "vnitro subnet { show | list }" subnet help
help "vnitro en h shows the eni help" "vnitro eni attach" en h
usage "vnitro e is ambiguous between eni, eigw and eip" ='ambiguous object "e": could be eni, eigw, eip' e h
help "vnitro eip help" "vnitro eip associate ALLOC eni ENI [ private-ip ADDRESS ]" eip help
usage "vnitro ei is ambiguous between eigw and eip" ='ambiguous object "ei": could be eigw, eip' ei h
help "vnitro eip h" "vnitro eip pool [ CIDR ]" eip h
help "vnitro services help" "vnitro services add [ netns NAME ]" services help
help "vnitro world help" "vnitro world set [ rate-scale 1/N ] [ burst-seconds SECONDS ]" world help
help "vnitro w h: w is world, no other object starts with it" "vnitro world [ show ]" w h
help "vnitro world help: what the rate scale means" "EC2's figure divided by N" world help
help "vnitro path help" "vnitro path set [ loss-ppm PPM ] [ reorder-ppm PPM ] [ delay-us US ]" path help
help "vnitro path help: the world's fields of set" "[ reorder-delay-us US ] [ jitter-us US ]" path help
help "vnitro path help: the world's only, last" "[ paths COUNT ] [ node-delay-us US ]" path help
help "vnitro path help: the placement delays, the seed last" "[ az-delay-us US ] [ seed SEED ]" path help
help "vnitro path help: what the placement delays add" "node-delay-us per network" path help
help "vnitro path help: one path's set" "vnitro path set path N [ loss-ppm PPM ] [ delay-us US ] [ jitter-us US ]" path help
usage "vnitro p is ambiguous between path and placement-group (and pg)" \
	='ambiguous object "p": could be path, placement-group, pg' p h
help "vnitro pa h: pa is path" "vnitro path [ show ]" pa h
help "vnitro path help: several spine paths" "the VPC's network has COUNT spine paths" path help
help "vnitro path help: a plain ENA flow keeps its path" "keeps one path (ECMP on its 5-tuple)" path help
help "vnitro path help: ENA Express sprays, avoiding congestion" "ENA Express sprays its packets over" path help
help "vnitro path help: the world's settings apply to all paths" "The world's settings apply to all paths" path help
help "vnitro path help: path N changes one" '"path N" changes path N'"'"'s alone' path help
help "vnitro path help: what a seed does" "restarts every pseudo-random draw" path help
help "vnitro placement-group help" "vnitro placement-group { create | add } NAME strategy STRATEGY" \
	placement-group help
help "vnitro pg help: pg is short for placement-group" "vnitro placement-group { delete | del } NAME" pg help
help "vnitro pl h: pl is placement-group" "STRATEGY := { cluster | spread | partition }" pl h
help "vnitro pg create help" "[ partition-count N ] [ spread-level LEVEL ]" pg create help
help "vnitro instance help: placement group and partition" "[ placement-group GROUP [ partition P ] ]" instance help
help "vnitro in he shows the instance help" "vnitro instance add" in he
help "vnitro route help" "vnitro route add CIDR subnet SUBNET via TARGET" route help
help "vnitro igw help" "vnitro igw set ID frag-needed" igw help
help "vnitro eni set help" "source-dest-check" eni set help
usage "eni set: on/off only" ='"source-dest-check" needs "on" or "off", not "maybe"' \
	eni set eni-1 source-dest-check maybe
usage "eni set: no setting" eni set eni-1
usage "eni set: six security groups" eni set eni-1 security-groups sg-1,sg-2,sg-3,sg-4,sg-5,sg-6
usage "eni set: MTU out of range" eni set eni-1 mtu 12
usage "eni set: UDP timeout out of range, EC2's range named" \
	="udp-timeout 61 is out of range: EC2's UdpTimeout is 30 to 60 seconds" \
	eni set eni-1 udp-timeout 61
usage "eni set: UDP stream timeout out of range" \
	="udp-stream-timeout 59 is out of range: EC2's UdpStreamTimeout is 60 to 180 seconds" \
	eni set eni-1 udp-stream-timeout 59
usage "eni add: a timeout out of range, as eni set" \
	="udp-timeout 29 is out of range: EC2's UdpTimeout is 30 to 60 seconds" \
	eni add subnet s udp-timeout 29
usage "eni add: six security groups" eni add subnet s security-groups sg-1,sg-2,sg-3,sg-4,sg-5,sg-6
usage "eni add: a setting twice" eni add subnet s description a description b
usage "eni add: source-dest-check is eni set's (EC2's CreateNetworkInterface has none)" \
	eni add subnet s source-dest-check off
usage "eni set: TCP established timeout out of range" \
	="tcp-established-timeout 432001 is out of range: EC2's TcpEstablishedTimeout is 60 to 432000 seconds" \
	eni set eni-1 tcp-established-timeout 432001
usage "eni set: a timeout is a number" eni set eni-1 udp-timeout 45s
usage "eni set: all or nothing, a bad timeout stops the rest" \
	eni set eni-1 source-dest-check off udp-timeout 29
usage "eni assign: ip or count, not both" eni assign eni-1 ip 172.31.0.9 count 2
usage "eni unassign takes no count" eni unassign eni-1 count 2
usage "vpc add: a CIDR block" vpc add vpc-1 cidr 10.0.0.0
usage "vpc add: prefix length" vpc add vpc-1 cidr 10.0.0.0/33
usage "subnet add: az required" subnet add s-1 vpc vpc-1 cidr 10.0.0.0/24
usage "route add: via required" route add 0.0.0.0/0 subnet subnet-default
help "vnitro route help: IPv6 destinations" "CIDR := { A.B.C.D/N | IPV6-ADDRESS/N }" route help
help "vnitro route help: the IPv6 local route" "for the VPC's IPv6 /56 while the VPC has one" route help
usage "route add: an IPv6 destination, via required" '="via TARGET" is required; try "vnitro route help"' \
	route add ::/0 subnet subnet-default
usage "route add: an IPv6 prefix over 128" '="2001:db8::/129": the prefix length must be 0 to 128' \
	route add 2001:db8::/129 subnet subnet-default via igw-1
usage "route add: an IPv6 destination of no address" \
	'="2001:zz8::/32" is not an IPv6 CIDR block ("2001:zz8::" is not an IPv6 address)' \
	route add 2001:zz8::/32 subnet subnet-default via igw-1
usage "route del: an IPv6 destination needs its length" '="2001:db8::1" is not an IPv6 CIDR block (expected ADDRESS/N)' \
	route del 2001:db8::1 subnet subnet-default
usage "route del: an IPv6 length that is no number" route del ::/x subnet subnet-default
usage "route add: an IPv4 destination is still checked as one" '="10.0.0.0/33": the prefix length must be 0 to 32' \
	route add 10.0.0.0/33 subnet subnet-default via igw-1
usage "igw set: on/off" igw set igw-1 frag-needed yes
help "vnitro igw help names eigw" 'Egress-only internet gateways: "vnitro eigw".' igw help
help "vnitro eigw help" "vnitro eigw add ID vpc VPC [ netns NAME ]" eigw help
help "vnitro eig h (prefix)" "vnitro eigw { del | delete } ID" eig h
help "vnitro eigw help: IPv6 only" "IPv6 only and stateful" eigw help
help "vnitro route help: via eigw" '"vnitro route add ::/0 subnet SUBNET via eigw-..."' route help
usage "eigw add: an internet gateway's id, refused before anything is sent" \
	='"igw-x" is not an egress-only internet gateway id (expected "eigw-..."); for an internet gateway, use "vnitro igw add"' \
	eigw add igw-x vpc vpc-default
usage "eigw add: vpc required" ='"vpc VPC" is required; try "vnitro eigw help"' eigw add eigw-1
usage "eigw add: the id required" ='the gateway id is required; try "vnitro eigw help"' eigw add
usage "eigw add: no frag-needed (IPv4's)" ='unknown keyword "frag-needed"; try "vnitro eigw help"' \
	eigw add eigw-1 vpc vpc-default frag-needed on
usage "eigw add: lowercase ids" \
	='"eigw-A" is not a valid egress-only internet gateway id (expected "eigw-" and lowercase letters, digits or '"'-')" \
	eigw add eigw-A vpc vpc-default
usage "eigw add: more than the prefix" eigw add eigw- vpc vpc-default
usage "eigw add: vpc twice" ='duplicate "vpc"; try "vnitro eigw help"' eigw add eigw-1 vpc a vpc b
usage "eigw add: a bad namespace name" eigw add eigw-1 vpc vpc-default netns a/b
usage "eigw show: an internet gateway's id names igw show" \
	='"igw-x" is not an egress-only internet gateway id (expected "eigw-..."); for an internet gateway, use "vnitro igw show"' \
	eigw show igw-x
usage "eigw del: an internet gateway's id names igw del" \
	='"igw-x" is not an egress-only internet gateway id (expected "eigw-..."); for an internet gateway, use "vnitro igw del"' \
	eigw delete igw-x
usage "eigw del: the id required" ='the egress-only internet gateway id is required; try "vnitro eigw help"' eigw del
usage "eigw del: one id" eigw del eigw-1 eigw-2
usage "eigw has no set" ='unknown command "set" for object "eigw"; try "vnitro eigw help"' eigw set eigw-1 frag-needed on
usage "igw show: an egress-only gateway's id names eigw show" \
	='"eigw-x" is an egress-only internet gateway id; use "vnitro eigw show"' igw show eigw-x
usage "igw add: an egress-only gateway's id names eigw add" \
	='"eigw-x" is an egress-only internet gateway id; use "vnitro eigw add"' igw add eigw-x vpc vpc-default
usage "igw del: an egress-only gateway's id names eigw del" \
	='"eigw-x" is an egress-only internet gateway id; use "vnitro eigw del"' igw del eigw-x
usage "igw set: an egress-only gateway has no frag-needed" \
	='"eigw-x" is an egress-only internet gateway id; it has no frag-needed setting (it carries IPv6 only)' \
	igw set eigw-x frag-needed off
usage "vnitro i is ambiguous (instance, igw)" i he
help "vnitro sg help" "vnitro sg rule { add | del } SG" sg help
help "vnitro sg help: icmpv6" "PROTO := { tcp | udp | icmp | icmpv6 | all | 0-255 }" sg help
help "vnitro nacl help: icmpv6" "PROTO := { tcp | udp | icmp | icmpv6 | all | 0-255 }" nacl help
help "vnitro nacl help: IPv6 blocks" "CIDR := { A.B.C.D/N | IPV6-ADDRESS/N }" nacl help
usage "sg add: vpc required" '="vpc VPC" is required; try "vnitro sg help"' sg add sg-1 name web
usage "sg add: an invalid id" '="sg-XYZ" is not a valid security group id (expected "sg-" and 1 to 17 lowercase hex digits)' \
	sg add sg-XYZ vpc vpc-1
usage "sg add: name twice" sg add vpc vpc-1 name a name b
usage "sg show: an invalid id" sg show web
usage "sg rule: add or del" '="put" is not an "sg rule" command (expected "add" or "del")' sg rule put sg-1
usage "sg rule: a direction" '="inbound" is not a direction (expected "ingress" or "egress")' \
	sg rule add sg-1 inbound proto tcp port 22 cidr 0.0.0.0/0
usage "sg rule: proto required" '="proto PROTO" is required; try "vnitro sg rule help"' sg rule add sg-1 ingress cidr 0.0.0.0/0
usage "sg rule: an unknown protocol" '="sctp" is not a protocol (expected tcp, udp, icmp, icmpv6, all or 0 to 255)' \
	sg rule add sg-1 ingress proto sctp cidr 0.0.0.0/0
usage "sg rule: protocol 256" sg rule add sg-1 ingress proto 256 cidr 0.0.0.0/0
usage "sg rule: a port over 65535" '="65536" is not a valid port (expected 0 to 65535)' \
	sg rule add sg-1 ingress proto tcp port 1-65536 cidr 0.0.0.0/0
usage "sg rule: a port range that is no range" sg rule add sg-1 ingress proto tcp port 1-2-3 cidr 0.0.0.0/0
usage "sg rule: an ICMP type over 255" sg rule add sg-1 ingress proto icmp icmp-type 256 cidr 0.0.0.0/0
usage "sg rule: code needs icmp-type" '="code" needs "icmp-type" before it' \
	sg rule add sg-1 ingress proto icmp code 0 cidr 0.0.0.0/0
usage "sg rule: a peer required" '=the peer: "cidr CIDR" or "sg SG" is required; try "vnitro sg rule help"' \
	sg rule add sg-1 egress proto all
usage "sg rule: one peer" '=a rule has one peer: "cidr CIDR" or "sg SG", not both' \
	sg rule del sg-1 egress proto all cidr 0.0.0.0/0 sg sg-2
usage "sg rule: a CIDR block" sg rule add sg-1 egress proto all cidr 10.0.0.0/33
usage "sg rule: an IPv6 prefix over 128" '="2001:db8::/129": the prefix length must be 0 to 128' \
	sg rule add sg-1 egress proto all cidr 2001:db8::/129
usage "sg rule: an IPv6 block needs its length" '="2001:db8::" is not an IPv6 CIDR block (expected ADDRESS/N)' \
	sg rule add sg-1 ingress proto icmpv6 cidr 2001:db8::
usage "sg rule: an IPv6 block of no address" \
	'="2001:zz8::/32" is not an IPv6 CIDR block ("2001:zz8::" is not an IPv6 address)' \
	sg rule add sg-1 ingress proto tcp port 22 cidr 2001:zz8::/32
usage "sg rule: an IPv6 length that is no number" sg rule add sg-1 egress proto all cidr ::/x
usage "sg rule: icmpv6 is no prefix of a protocol" '="icmpv" is not a protocol (expected tcp, udp, icmp, icmpv6, all or 0 to 255)' \
	sg rule add sg-1 ingress proto icmpv cidr ::/0
usage "sg rule: an ICMPv6 type over 255" sg rule add sg-1 ingress proto icmpv6 icmp-type 256 cidr ::/0
usage "nacl entry: an IPv6 prefix over 128" '="::/200": the prefix length must be 0 to 128' \
	nacl entry add acl-1 ingress rule 5 allow proto all cidr ::/200
usage "nacl entry: an IPv6 block of no address" \
	'=":::/0" is not an IPv6 CIDR block (":::" is not an IPv6 address)' \
	nacl entry replace acl-1 egress rule 5 deny proto icmpv6 cidr :::/0
usage "sg rule: an invalid peer group" sg rule add sg-1 egress proto all sg web
help "vnitro v h" "vnitro vpc" v h
help "vnitro su h" "vnitro subnet" su h
usage "vnitro s is ambiguous (subnet, sg)" s he
help "vnitro eni add help (command level)" "vnitro eni add" eni add help
help "vnitro instance add help" "vnitro instance add" instance add help
help "vnitro -j eni help is still text" "vnitro eni" -j eni help

run
if [[ $rc -eq 2 && -z $out && $err == *"Usage:"* ]]; then
	pass "no arguments: usage on stderr, exit 2"
else
	fail "no arguments: usage on stderr, exit 2"
fi

## unknown words

usage "unknown object" '=unknown object "frob"; try "vnitro help"' frob
usage "unknown command" '=unknown command "frob" for object "eni"; try "vnitro eni help"' eni frob
usage "unknown instance command" instance attach
usage "unknown option" '=unknown option "-x"; try "vnitro help"' -x
usage "unknown long option" --frob eni
usage "ambiguous command d (del, detach)" eni d
usage "ambiguous keyword in (instance, index)" eni attach eni-1 in x index 1
usage "unknown keyword" '=unknown keyword "frob"; try "vnitro eni help"' eni add subnet s frob 1
usage "instance add: a mac that is no MAC" instance add web subnet s mac 02:00:00:00:00
usage "instance add: host 0.0.0.0 is no host" \
	"=host 0.0.0.0 is no host's address: give the underlay address of the host the instance runs on" \
	instance add web subnet s host 0.0.0.0
usage "instance add: a host that is no address" instance add web subnet s host a.b.c.d
usage "instance add: eni that is no ENI id" instance add web subnet s eni vol-1 host 10.0.0.2
usage "tunnel set without dev" tunnel set
usage "cluster apply without FILE" cluster apply
usage "cluster: an endpoint that is no http:// URL" \
	'="ftp://x" is not an etcd endpoint (http://HOST:PORT)' cluster dump etcd ftp://x
usage "cluster: a prefix with a trailing slash" \
	'="/vnitro/" is not a key prefix ("/NAME", no trailing "/")' cluster hosts prefix /vnitro/
usage "cluster apply: a bad file is refused before etcd is asked" \
	cluster apply /dev/null etcd http://127.0.0.1:1
usage "--cluster: not for a host's tunnel" \
	'=-cluster is for the commands that change the world, not "tunnel" (vnitro cluster apply FILE and vnitro cluster dump are the whole world'"'"'s)' \
	--cluster tunnel show
usage "-c: not for the cluster's own commands" -c cluster hosts
usage "-c: not for dump" -c dump
usage "-c: nor for exec" -c exec web
VNITRO_ETCD_PREFIX=/v/ usage "--cluster: a prefix with a trailing slash" \
	'=VNITRO_ETCD_PREFIX "/v/" is not a key prefix ("/NAME", no trailing "/")' \
	--cluster eni show
usage "tunnel set: a local address that is no address" tunnel set dev gnv0 local 300.0.0.1
usage "tunnel set: a device name too long" \
	'=device name "abcdefghijklmnopq" is too long (at most 15 characters)' \
	tunnel set dev abcdefghijklmnopq
usage "duplicate keyword" eni add subnet a subnet b
usage "unexpected argument after del" eni del eni-1 extra
usage "unexpected argument after show" vpc show vpc-1 extra
usage "ENI id given twice" eni show eni-1 eni-2

## IPv4 addresses

usage "ip 1.2.3" '="1.2.3" is not a valid IPv4 address' eni add subnet s ip 1.2.3
usage "ip 256.1.1.1" '="256.1.1.1" is not a valid IPv4 address' eni add subnet s ip 256.1.1.1
usage "ip empty" '="" is not a valid IPv4 address' eni add subnet s ip ""
usage "ip 1.2.3.4.5" eni add subnet s ip 1.2.3.4.5
usage "ip with leading zero" eni add subnet s ip 01.2.3.4
usage "ip with trailing garbage" eni add subnet s ip 1.2.3.4x
usage "ip 0.0.0.0" instance add web subnet s ip 0.0.0.0
usage "instance ip 1.2.3" instance add web subnet s ip 1.2.3

## MAC addresses

usage "mac too short" '="02:00:00:00:00" is not a valid MAC address (expected XX:XX:XX:XX:XX:XX)' \
	eni add subnet s mac 02:00:00:00:00
usage "mac not hex" eni add subnet s mac 02:00:00:00:00:0g
usage "mac too long" eni add subnet s mac 02:00:00:00:00:01:02
usage "mac one-digit group" eni add subnet s mac 2:00:00:00:00:01
usage "mac three-digit group" eni add subnet s mac 02:00:00:00:00:001
usage "mac dashes" eni add subnet s mac 02-00-00-00-00-01
usage "mac empty" eni add subnet s mac ""

## ENI ids

usage "ENI id uppercase" '="eni-0A1B" is not a valid ENI id (expected "eni-" and 1 to 17 lowercase hex digits)' \
	eni del eni-0A1B
usage "ENI id without digits" eni del eni-
usage "ENI id of 18 digits" eni del eni-0123456789abcdef01
usage "ENI id not hex" eni detach eni-xyz
usage "ENI id without prefix" eni show 0a1b
usage "ENI id for add" eni add eni-Q subnet s
usage "ENI id for attach" eni attach foo instance web index 1
usage "ENI id empty" eni del ""

## device indexes

usage "index -1" '="-1" is not a valid device index (expected 0 to 255)' eni attach eni-1 instance web index -1
usage "index 256" eni attach eni-1 instance web index 256
usage "index abc" eni attach eni-1 instance web index abc
usage "index empty" eni attach eni-1 instance web index ""
usage "index +1" eni attach eni-1 instance web index +1
usage "index 0x1" eni attach eni-1 instance web index 0x1
usage "index 1000" eni attach eni-1 instance web index 1000

## other values

usage "type foo" eni add subnet s type foo
usage "instance name with /" instance add a/b subnet s
usage "instance name .." instance add .. subnet s
usage "instance name too long" instance add "$(printf 'n%.0s' {1..64})" subnet s
usage "instance name empty" instance del ""
usage "attach to an invalid instance name" eni attach eni-1 instance . index 1
usage "subnet id too long" eni add subnet "subnet-$(printf '0%.0s' {1..32})"
usage "subnet id empty" eni add subnet ""

## missing values and arguments

usage "subnet without value" '="subnet" needs a value; try "vnitro eni help"' eni add subnet
usage "ip without value" eni add subnet s ip
usage "mac without value" eni add subnet s mac
usage "type without value" eni add subnet s type
usage "instance without value" eni attach eni-1 instance
usage "index without value" eni attach eni-1 instance web index
usage "instance subnet without value" instance add web subnet
usage "eni add without subnet" '="subnet SUBNET" is required; try "vnitro eni help"' eni add
usage "eni add ip only" eni add ip 10.0.0.1
usage "attach without instance" eni attach eni-1 index 1
usage "attach without index" eni attach eni-1 instance web
usage "attach without id" eni attach
usage "del without id" eni del
usage "detach without id" eni detach
usage "instance add without name" instance add
usage "instance add without subnet" instance add web
usage "instance del without name" instance del
usage "instance set without name" instance set
usage "instance set without metadata" '="metadata" and a setting is required; try "vnitro instance help"' instance set web
usage "instance set metadata without a setting" instance set web metadata
usage "instance set: unknown setting" instance set web metadata ttl 1
usage "instance set: hop-limit 0" instance set web metadata hop-limit 0
usage "instance set: hop-limit 65" instance set web metadata hop-limit 65
usage "instance set: hop-limit abc" instance set web metadata hop-limit abc
usage "instance set: tokens v1" instance set web metadata tokens v1
usage "instance set: endpoint maybe" instance set web metadata endpoint maybe
usage "instance set: tokens twice" instance set web metadata tokens required tokens optional
usage "instance set: a bad name" instance set a/b metadata endpoint on
help "vnitro exec help" "vnitro exec INSTANCE [ -- ] [ COMMAND [ ARGS... ] ]" exec help
help "vnitro help names exec" "vnitro exec INSTANCE" help
usage "exec without an instance" ='the instance NAME is required; try "vnitro exec help"' exec
usage "exec of a bad instance name" exec a/b -- true
usage "exec of an empty instance name" exec '' true
usage "exec is never abbreviated: ex" ='unknown object "ex"; try "vnitro help"' ex i-a true
usage "exec is never abbreviated: exe" exe i-a true
usage "eip add: a bad allocation id" \
	='"eipalloc-XY" is not a valid allocation id (expected "eipalloc-" and 1 to 17 lowercase hex digits)' \
	eip add eipalloc-XY
usage "eip add: 18 hex digits" eip show eipalloc-0123456789abcdef01
usage "eip add: a bad address" eip add address 203.0.113
usage "eip add: address twice" ='duplicate "address"; try "vnitro eip help"' \
	eip add address 203.0.113.5 address 203.0.113.6
usage "eip add: unknown keyword" eip add public 203.0.113.5
usage "eip associate: no allocation" ='the allocation id is required; try "vnitro eip help"' eip associate
usage "eip associate: eni required" ='"eni ENI" is required; try "vnitro eip help"' \
	eip associate eipalloc-1
usage "eip associate: a bad ENI id" eip associate eipalloc-1 eni eni-XY
usage "eip associate: a bad private address" eip associate eipalloc-1 eni eni-1 private-ip 10.0.0
usage "eip associate: 0.0.0.0 is no private address" \
	eip associate eipalloc-1 eni eni-1 private-ip 0.0.0.0
usage "eip associate: eni twice" ='duplicate "eni"; try "vnitro eip help"' \
	eip associate eipalloc-1 eni eni-1 eni eni-2
usage "eip disassociate: nothing named" eip disassociate
usage "services add: a bad namespace name" services add netns a/b
usage "services add: netns twice" ='duplicate "netns"; try "vnitro services help"' \
	services add netns a netns b
usage "services add: unknown keyword" services add vpc vpc-default
usage "services show takes nothing" ='unexpected argument "x"; try "vnitro services help"' services show x
usage "services del takes nothing" services del vnitro-services
usage "eip disassociate: a bad association id" \
	='"eipassoc-Q" is not a valid association id (expected "eipassoc-" and 1 to 17 lowercase hex digits)' \
	eip disassociate eipassoc-Q
usage "eip disassociate: one id only" eip disassociate eipalloc-1 eipalloc-2
usage "eip del: an id required" eip del
usage "eip pool: not a CIDR" eip pool 198.51.100.0
usage "eip pool: one CIDR only" ='unexpected argument "x"; try "vnitro eip help"' eip pool 198.51.100.0/24 x
usage "world set: a setting required" ='a setting (rate-scale or burst-seconds) is required; try "vnitro world help"' \
	world set
usage "world set: rate-scale is a fraction 1/N, not N" \
	='"rate-scale" needs 1/N (N 1 to 1000000) or 1, not "1000"' world set rate-scale 1000
usage "world set: rate-scale 2/3" ='"rate-scale" needs 1/N (N 1 to 1000000) or 1, not "2/3"' \
	world set rate-scale 2/3
usage "world set: rate-scale 1/0 cannot be sent: refused here, in the kernel's words" \
	='rate scale 0 is out of range: 1 to 1000000' world set rate-scale 1/0
usage "world set: rate-scale 1/ without N" world set rate-scale 1/
usage "world set: rate-scale as a decimal" world set rate-scale 0.001
usage "world set: rate-scale 1/N past a u32" ='rate scale 4294967296 is out of range: 1 to 1000000' \
	world set rate-scale 1/4294967296
usage "world set: rate-scale 1/N of 30 digits" world set rate-scale 1/100000000000000000000000000000
usage "world set: rate-scale needs a value" ='"rate-scale" needs a value; try "vnitro world help"' \
	world set rate-scale
usage "world set: burst-seconds 0" ='burst seconds 0 is out of range: 1 to 3600' world set burst-seconds 0
usage "world set: burst-seconds in minutes" ='"burst-seconds" needs a number of seconds (1 to 3600), not "5m"' \
	world set burst-seconds 5m
usage "world set: burst-seconds negative" world set burst-seconds -1
usage "world set: all or nothing, a bad value stops the rest" world set rate-scale 1/1000 burst-seconds 0
usage "world set: a setting twice" ='duplicate "rate-scale"; try "vnitro world help"' \
	world set rate-scale 1/10 rate-scale 1/100
usage "world set: unknown keyword" ='unknown keyword "scale"; try "vnitro world help"' world set scale 1/10
usage "world show takes nothing" ='unexpected argument "x"; try "vnitro world help"' world show x
usage "vnitro world s: show or set" ='ambiguous command "s": could be show, set' world s
usage "path set: a setting required" \
	='a setting (loss-ppm, reorder-ppm, delay-us, reorder-delay-us, jitter-us, congestion-ppm, congestion-delay-us, congestion-loss-ppm, episode-us, paths, node-delay-us, az-delay-us or seed) is required; try "vnitro path help"' \
	path set
usage "path set path N: one of its settings required" \
	='a setting of path 3 (loss-ppm, delay-us, jitter-us, congestion-ppm, congestion-delay-us or congestion-loss-ppm) is required; try "vnitro path help"' \
	path set path 3
usage "path set: loss-ppm is in ppm, not a percentage" \
	='"loss-ppm" needs parts per million (0 to 1000000), not "1%"' path set loss-ppm 1%
usage "path set: loss abbreviates loss-ppm, no percentage" \
	='"loss-ppm" needs parts per million (0 to 1000000), not "1%"' path set loss 1%
usage "path set: reorder-ppm as a fraction" \
	='"reorder-ppm" needs parts per million (0 to 1000000), not "0.5"' path set reorder-ppm 0.5
usage "path set: delay-us with a unit" ='"delay-us" needs microseconds (0 to 1000000), not "5ms"' \
	path set delay-us 5ms
usage "path set: reorder-delay-us negative" \
	='"reorder-delay-us" needs microseconds (0 to 1000000), not "-1"' path set reorder-delay-us -1
usage "path set: loss-ppm past a u32, in the kernel's words" \
	='path loss 4294967296 ppm is out of range: 0 to 1000000' path set loss-ppm 4294967296
usage "path set: reorder-ppm of 30 digits" \
	='path reorder 100000000000000000000000000000 ppm is out of range: 0 to 1000000' \
	path set reorder-ppm 100000000000000000000000000000
usage "path set: delay-us past a u32" ='path delay 4294967296 us is out of range: 0 to 1000000' \
	path set delay-us 4294967296
usage "path set: reorder-delay-us past a u32" \
	='path reorder delay 4294967296 us is out of range: 0 to 1000000' path set reorder-delay-us 4294967296
usage "path set: loss-ppm past 1000000, checked here" \
	='path loss 1000001 ppm is out of range: 0 to 1000000' path set loss-ppm 1000001
usage "path set: reorder-ppm past 1000000" \
	='path reorder 1000001 ppm is out of range: 0 to 1000000' path set reorder-ppm 1000001
usage "path set: delay-us past a second" ='path delay 1000001 us is out of range: 0 to 1000000' \
	path set delay-us 1000001
usage "path set: reorder-delay-us past a second, after a good value" \
	='path reorder delay 1000001 us is out of range: 0 to 1000000' path set loss-ppm 5 reorder-delay-us 1000001
usage "path set: jitter-us past a second" ='path jitter 1000001 us is out of range: 0 to 1000000' \
	path set jitter-us 1000001
usage "path set: jitter-us with a unit" ='"jitter-us" needs microseconds (0 to 1000000), not "1ms"' \
	path set jitter-us 1ms
usage "path set: congestion-ppm past 1000000" \
	='path congestion 1000001 ppm is out of range: 0 to 1000000' path set congestion-ppm 1000001
usage "path set: congestion-delay-us past a second" \
	='path congestion delay 1000001 us is out of range: 0 to 1000000' path set congestion-delay-us 1000001
usage "path set: congestion-loss-ppm past 1000000" \
	='path congestion loss 1000001 ppm is out of range: 0 to 1000000' path set congestion-loss-ppm 1000001
usage "path set: congestion-loss-ppm past a u32" \
	='path congestion loss 4294967296 ppm is out of range: 0 to 1000000' path set congestion-loss-ppm 4294967296
usage "path set: an episode of 0 us" ='path episode 0 us is out of range: 1 to 1000000' path set episode-us 0
usage "path set: an episode past a second" ='path episode 1000001 us is out of range: 1 to 1000000' \
	path set episode-us 1000001
usage "path set: episode-us that is no number" \
	='"episode-us" needs microseconds (1 to 1000000), not "10ms"' path set episode-us 10ms
usage "path set: no paths" ='path count 0 is out of range: 1 to 16' path set paths 0
usage "path set: more paths than a world has" ='path count 17 is out of range: 1 to 16' path set paths 17
usage "path set: paths that is no number" ='"paths" needs a number of paths (1 to 16), not "eight"' \
	path set paths eight
usage "path set: path 16, past any world's" ='path index 16 is out of range: 0 to 15' \
	path set path 16 loss-ppm 1
usage "path set: path past a u64" ='path index 18446744073709551616 is out of range: 0 to 15' \
	path set path 18446744073709551616 loss-ppm 1
usage "path set: a path by number" ='"path" needs a path number (0 to 15), not "-1"' path set path -1 loss-ppm 1
usage "path set: a path needs a value" ='"path" needs a value; try "vnitro path help"' path set loss-ppm 1 path
usage "path set: a path twice" ='duplicate "path"; try "vnitro path help"' path set path 1 path 2 loss-ppm 1
usage "path set path N: reorder-ppm is the world's, in the kernel's words" \
	='reorder-ppm is the world'"'"'s, not one path'"'"'s: set it without a path' path set path 3 reorder-ppm 10
usage "path set path N: so is reorder-delay-us, given before the path" \
	='reorder-delay-us is the world'"'"'s, not one path'"'"'s: set it without a path' \
	path set reorder-delay-us 10 path 3
usage "path set path N: so is episode-us, after one of the path's" \
	='episode-us is the world'"'"'s, not one path'"'"'s: set it without a path' \
	path set path 3 loss-ppm 1 episode-us 100
usage "path set path N: so is the count" \
	='paths is the world'"'"'s, not one path'"'"'s: set it without a path' path set paths 4 path 3
usage "path set path N: so is node-delay-us (placement's)" \
	='node-delay-us is the world'"'"'s, not one path'"'"'s: set it without a path' path set path 3 node-delay-us 5
usage "path set path N: so is az-delay-us, given before the path" \
	='az-delay-us is the world'"'"'s, not one path'"'"'s: set it without a path' \
	path set az-delay-us 500 path 0
usage "path set: node-delay-us past a second" ='path node delay 1000001 us is out of range: 0 to 1000000' \
	path set node-delay-us 1000001
usage "path set: az-delay-us past a u32" ='path AZ delay 4294967296 us is out of range: 0 to 1000000' \
	path set az-delay-us 4294967296
usage "path set: az-delay-us with a unit" ='"az-delay-us" needs microseconds (0 to 1000000), not "1ms"' \
	path set az-delay-us 1ms
usage "path set: node-delay-us needs a value" ='"node-delay-us" needs a value; try "vnitro path help"' \
	path set node-delay-us
usage "path set path N: so is the seed" \
	='the seed is the world'"'"'s, not one path'"'"'s: set it without a path' path set path 0 seed 42
usage "path set path N: a world-only key refused before its bad value" \
	='reorder-ppm is the world'"'"'s, not one path'"'"'s: set it without a path' path set path 3 reorder-ppm x
usage "path set: pa is path or paths" ='ambiguous keyword "pa": could be paths, path' path set pa 3
usage "path set: congestion is one of three" \
	='ambiguous keyword "congestion": could be congestion-ppm, congestion-delay-us, congestion-loss-ppm' \
	path set congestion 10
usage "path set: a seed past a u64" \
	='seed 18446744073709551616 is out of range: 0 to 18446744073709551615' path set seed 18446744073709551616
usage "path set: a seed in hex" ='"seed" needs a number (0 to 18446744073709551615), not "0x2a"' \
	path set seed 0x2a
usage "path set: a seed needs a value" ='"seed" needs a value; try "vnitro path help"' path set seed
usage "pg create: a name required" ='the placement group NAME is required; try "vnitro placement-group help"' \
	placement-group create
usage "pg create: a strategy required" \
	='"strategy cluster|spread|partition" is required; try "vnitro placement-group help"' pg create hpc
usage "pg create: no such strategy" ='"ring" is not a placement strategy (expected cluster, spread or partition)' \
	pg create hpc strategy ring
usage "pg create: a strategy needs a value" ='"strategy" needs a value; try "vnitro placement-group help"' \
	placement-group create hpc strategy
usage "pg create: strategy twice" ='duplicate "strategy"; try "vnitro placement-group help"' \
	pg create hpc strategy cluster strategy spread
usage "pg create: 0 partitions" ='"0" is not a valid partition count (expected 1 to 7)' \
	pg create p strategy partition partition-count 0
usage "pg create: 8 partitions, past EC2's seven" ='"8" is not a valid partition count (expected 1 to 7)' \
	pg create p strategy partition partition-count 8
usage "pg create: a partition count that is no number" \
	='"two" is not a valid partition count (expected 1 to 7)' pg create p strategy partition partition-count two
usage "pg create: no such spread level" ='"floor" is not a spread level (expected rack or host)' \
	pg create s strategy spread spread-level floor
usage "pg create: unknown keyword" ='unknown keyword "count"; try "vnitro placement-group help"' \
	pg create p strategy partition count 3
usage "pg create: p is partition-count, no other keyword starts with it" \
	='"x" is not a valid partition count (expected 1 to 7)' pg create p st partition p x
usage "pg create: s is strategy or spread-level" ='ambiguous keyword "s": could be strategy, spread-level' \
	pg create p s partition
usage "pg delete: a name required" ='the placement group NAME is required; try "vnitro placement-group help"' pg delete
usage "pg delete: one name" ='unexpected argument "b"; try "vnitro placement-group help"' pg del a b
usage "pg show: one name or id" ='unexpected argument "b"; try "vnitro placement-group help"' \
	placement-group show a b
usage "instance add: a partition needs its group" \
	='a partition needs its placement group ("placement-group GROUP partition P"); try "vnitro instance help"' \
	instance add web subnet subnet-default partition 2
usage "instance add: partition 0 (vnitro picks: leave it out)" ='"0" is not a valid partition (expected 1 to 7)' \
	instance add web subnet subnet-default placement-group parts partition 0
usage "instance add: partition 8" ='"8" is not a valid partition (expected 1 to 7)' \
	instance add web subnet subnet-default placement-group parts partition 8
usage "instance add: a placement group needs a value" \
	='"placement-group" needs a value; try "vnitro instance help"' instance add web subnet subnet-default placement-group
usage "instance add: p is placement-group or partition" \
	='ambiguous keyword "p": could be placement-group, partition' instance add web subnet subnet-default p hpc
usage "instance add: placement-group twice" ='duplicate "placement-group"; try "vnitro instance help"' \
	instance add web subnet subnet-default placement-group a placement-group b
usage "path set: all or nothing, a bad value stops the rest" path set loss-ppm 1000 delay-us x
usage "path set: a setting twice" ='duplicate "seed"; try "vnitro path help"' path set seed 1 seed 2
usage "path set: reorder is reorder-ppm or reorder-delay-us" \
	='ambiguous keyword "reorder": could be reorder-ppm, reorder-delay-us' path set reorder 10
usage "path show takes nothing" ='unexpected argument "x"; try "vnitro path help"' path show x
usage "vnitro path s: show or set" ='ambiguous command "s": could be show, set' path s

## valid syntax reaches netlink: module absent here

not_loaded "instance show without the module" instance show
not_loaded "default command is show" instance
not_loaded "vnitro en sh (prefixes)" en sh
not_loaded "eip show without the module" eip
not_loaded "eigw show without the module" eigw
not_loaded "eigw add, abbreviated" eig a eigw-1 v vpc-default n internet
not_loaded "eigw del" eigw del eigw-1
not_loaded "services show without the module" services
not_loaded "services add" services add netns svc
not_loaded "igw show still takes any other id" igw show egress-1
not_loaded "eip associate, keywords abbreviated" eip assoc eipalloc-1 e eni-1 p 10.0.0.5 a
not_loaded "eip disassociate by association id" eip disassociate eipassoc-0123456789abcdef0
not_loaded "eip pool set" eip pool 198.51.100.0/24
not_loaded "world show without the module" world
not_loaded "world set, both settings" world set rate-scale 1/1000 burst-seconds 60
not_loaded "world set rate-scale 1 (1/1)" world set rate-scale 1
not_loaded "world set, object, command and keywords abbreviated" w se r 1/10 b 60
not_loaded "world set past the kernel's range: its check, not ours" world set rate-scale 1/1000001
not_loaded "path show without the module" path
not_loaded "path set, every field, 0 a value" \
	path set loss-ppm 0 reorder-ppm 100 delay-us 50 reorder-delay-us 0 seed 18446744073709551615
not_loaded "path set, object, command and keywords abbreviated" pa se l 1000 d 50 s 42
not_loaded "path set, every world's field at its largest" \
	path set jitter-us 1000000 congestion-ppm 1000000 congestion-delay-us 1000000 \
	congestion-loss-ppm 1000000 episode-us 1000000 paths 16
not_loaded "path set, the smallest episode and count" path set episode-us 1 paths 1
not_loaded "path set, the placement delays at their largest, n and a abbreviated" \
	pa se n 1000000 a 1000000
not_loaded "path set, the placement delays 0" path set node-delay-us 0 az-delay-us 0
not_loaded "pg show without the module" pg
not_loaded "placement-group show by id" placement-group show pg-0123456789abcdef0
not_loaded "pg create of each strategy and keyword, abbreviated" pg cr hpc st partition partition-count 7
not_loaded "pg create spread-level host: the kernel's to refuse" pg create s strategy spread spread-level host
not_loaded "pg create partition-count for a cluster group: the kernel's to refuse" \
	pg create c strategy cluster partition-count 2
not_loaded "pg delete" pg delete hpc
not_loaded "pg d: delete and del are one command" pg d hpc
not_loaded "instance add into a placement group's partition, keywords abbreviated" \
	instance add vnitro-test-$$ s subnet-default pl parts pa 7
not_loaded "path set path N, every one of its fields" \
	path set path 15 loss-ppm 0 delay-us 1 jitter-us 2 congestion-ppm 3 congestion-delay-us 4 congestion-loss-ppm 5
not_loaded "path set path N past the world's count: the kernel's check, not ours" path set path 15 loss-ppm 1
not_loaded "path set, path and paths spelled out, j and e abbreviated" pa se paths 4 j 10 e 500
not_loaded "exec without the module" exec i-a -- true
not_loaded "exec of a shell without the module" exec i-a
not_loaded "vnitro eni list" eni list
not_loaded "vnitro vpc show" vpc show
not_loaded "vnitro subnet sh subnet-default" subnet sh subnet-default
not_loaded "eni add with every keyword, abbreviated" \
	eni ad eni-0a1b subnet subnet-default i 10.0.0.5 m 02:AA:bb:00:00:01 ty efa
not_loaded "eni attach, keywords abbreviated" eni att eni-1 ins web ind 255
not_loaded "eni del" eni delete eni-1
not_loaded "eni detach" eni det eni-1
not_loaded "instance del" instance del web
not_loaded "instance add" instance add vnitro-test-$$ subnet subnet-default ip 172.31.0.9

if [[ $module_loaded == yes ]]; then
	skip "instance add leaves no namespace behind" "the vnitro module is loaded"
elif [[ ! -e /run/netns/vnitro-test-$$ ]]; then
	pass "instance add leaves no namespace behind"
else
	fail "instance add leaves no namespace behind"
fi

if [[ $module_loaded == yes ]]; then
	skip "-j -p instance show: error as JSON" "the vnitro module is loaded"
else
	run -j -p instance show
	if [[ $rc -eq 1 && -z $out && $(jq -r .error <<<"$err" 2>/dev/null) == "$NOT_LOADED" ]]; then
		pass "-j -p instance show: error as JSON"
	else
		fail "-j -p instance show: error as JSON"
	fi
fi

## output, over the fake library

# check DESC CONDITION: CONDITION is evaluated by [[ ]] on the last run.
check() {
	if eval "[[ $2 ]]"; then pass "$1"; else fail "$1" "expected: $2"; fi
}

# jcheck DESC JQ-FILTER ARGS...: the filter must print "true" on stdout.
jcheck() {
	local desc=$1 filter=$2
	shift 2
	run "$@"
	if [[ $rc -eq 0 && -z $err && $(jq -e "$filter" <<<"$out" 2>/dev/null) == true ]]; then
		pass "$desc"
	else
		fail "$desc" "jq: $filter"
	fi
}

# libcurl is opened only by the commands that talk to etcd: without it they fail saying so,
# and every other command works.
nocurl=$(mktemp -d)
: >"$nocurl/libcurl.so.4"
LD_LIBRARY_PATH=$nocurl run cluster hosts etcd http://127.0.0.1:1
check "cluster without libcurl: exit 1, says what is missing" \
	'$rc -eq 1 && -z $out && $err == "Error: etcd needs libcurl.so.4 (libcurl4): "*"libcurl.so.4"*'
LD_LIBRARY_PATH=$nocurl run eni help
check "without libcurl, other commands work" '$rc -eq 0 && $out == *"Usage: vnitro eni"* && -z $err'
rm -rf "$nocurl"

# The conditions are single-quoted on purpose: check() evaluates them.
# shellcheck disable=SC2016
fake_tests() {
	local VNITRO=$FAKE primary=eni-0a1b2c3d4e5f60718 trace
	local eni_keys='["adapter","conntrack_allowance_exceeded","conntrack_max","conntrack_tracked","description","device_index","ena_express","ena_express_udp","id","ifindex","ifname","instance","ipv6_addresses","mac","network_card","pci_slot","private_ip","rdma_device","rx_src_dst_dropped","secondary_ips","security_groups","sg_egress_dropped","sg_ingress_dropped","source_dest_check","status","subnet","svc_addr","tcp_established_timeout","tx_src_dst_dropped","type","udp_stream_timeout","udp_timeout","vpc"]'

	local nl=$'\n' want
	want="$primary: subnet subnet-default vpc vpc-default mac 02:00:00:00:00:04 ip 172.31.0.4 type interface source-dest-check on status in-use"
	want+="$nl    security-groups sg-d"
	want+="$nl    instance i-host index 0 dev eth0 ifindex 2 pci 10000:00:03.0"
	want+="${nl}eni-5: subnet subnet-default vpc vpc-default mac 02:00:00:00:00:05 ip 172.31.0.5 type interface source-dest-check on status available"
	want+="$nl    security-groups sg-d"
	run eni show
	check "eni show: text, attachment on a second line" '$rc -eq 0 && $out == "$want"'
	jcheck "eni show -j: an array of ENIs with exactly the ENI keys" \
		"type == \"array\" and length == 2 and all(.[]; keys == $eni_keys)" -j eni show
	jcheck "eni show -j: attachment fields" \
		'.[0] | .instance == "i-host" and .device_index == 0 and .ifname == "eth0" and .ifindex == 2 and .pci_slot == "10000:00:03.0" and .source_dest_check == true and .type == "interface" and .rdma_device == null and .svc_addr == "169.254.0.4"' \
		-j eni show
	jcheck "eni show -j: null attachment when detached" \
		'.[1] | [.instance, .device_index, .ifname, .ifindex, .pci_slot, .adapter, .svc_addr] == [null, null, null, null, null, null, null]' \
		-j eni show
	jcheck "eni show ID -j: still an array" 'type == "array" and length == 1' -j eni show $primary
	jcheck "eni show -j: conntrack timeouts in force, EC2's defaults included" \
		'all(.[]; .tcp_established_timeout == 432000 and .udp_stream_timeout == 180 and .udp_timeout == 30)' \
		-j eni show
	jcheck "instance types -j: each type's conntrack_max" \
		'.[0].name == "t3.micro" and .[0].conntrack_max == 8192' -j instance types
	jcheck "instance types -j: the interface each type's ENIs present" \
		'[.[].adapter] == ["ena", "ixgbevf"]' -j instance types
	run instance types
	check "instance types: conntrack-max in the text" '$rc -eq 0 && $out == *" conntrack-max 8192"$nl*'
	check "instance types: the Intel VF type says so" \
		'$out == *"c4.large: "*" adapter ixgbevf"*'
	check "instance types: vCPUs, and the burst only where there is one" \
		'$out == *"t3.micro: vcpus 2 "*" baseline-mbps 64 peak-mbps 5000 "*"c4.large: vcpus 2 "*" baseline-mbps 625 efa off"*'
	jcheck "instance types -j: vcpus, peak_mbps and max_efas of every type" \
		'all(.[]; .vcpus == 2 and (.peak_mbps | type) == "number" and .max_efas == 0) and .[0].peak_mbps == 5000' \
		-j instance types
	run -j -p eni show
	check "-j -p: pretty JSON" '$rc -eq 0 && $out == "[$nl  {$nl    \"id\": "* && $(jq length <<<"$out") == 2'
	jcheck "instance show -j: exactly the instance keys" \
		'all(.[]; keys == ["adapter","az","eni_count","host","metadata_endpoint","metadata_hop_limit","metadata_tokens","name","network_nodes","partition","placement_group","placement_group_id","primary_eni","subnet","type"]) and .[0].eni_count == 2 and .[0].type == "c5n.18xlarge"' \
		-j instance show
	jcheck "instance show -j: EC2's default metadata options" \
		'all(.[]; .metadata_tokens == "optional" and .metadata_hop_limit == 1 and .metadata_endpoint == true)' \
		-j instance show
	run instance show i-host
	check "instance show NAME: text, its network nodes on a second line" \
		'$out =~ ^"i-host: subnet subnet-default az us-east-1a primary-eni $primary enis 2 type c5n.18xlarge metadata tokens optional hop-limit 1 endpoint on$nl    network-nodes"( nn-[0-9a-f]{17}){3}$'
	trace=$(mktemp)
	VNITRO_FAKE_TRACE=$trace run instance set i-host metadata tokens required hop-limit 2 endpoint off
	check "instance set: the options reach the library, the instance is printed" \
		'$rc -eq 0 && $(<"$trace") == "instance_set i-host 1 2 0" && $out == *" metadata tokens required hop-limit 2 endpoint off$nl"*'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace jcheck "instance set -j: only the given option changes" \
		'.metadata_tokens == "optional" and .metadata_hop_limit == 64 and .metadata_endpoint == true' \
		-j instance set i-host metadata hop-limit 64
	check "instance set: an option not given is left (-1)" '$(<"$trace") == "instance_set i-host -1 64 -1"'
	run instance set nosuch metadata tokens required
	check "instance set of a missing instance: the library's error" '$rc -eq 1 && $err == "Error: instance \"nosuch\" not found"'
	rm -f "$trace"
	jcheck "vpc show -j" '. == [{"id":"vpc-default","cidr":"172.31.0.0/16","ipv6_cidr":null}]' -j vpc show
	jcheck "subnet show ID -j" \
		'. == [{"id":"subnet-default","vpc":"vpc-default","cidr":"172.31.0.0/20","az":"us-east-1a","nacl":"acl-d","ipv6_cidr":null,"assign_ipv6_on_creation":false}]' \
		-j subnet show subnet-default
	VNITRO_FAKE_EMPTY=1 jcheck "an empty list is []" '. == []' -j subnet show
	VNITRO_FAKE_EMPTY=1 run subnet show
	check "an empty list prints nothing as text" '$rc -eq 0 && -z $out'

	jcheck "eni add -j: one object, as given" \
		'type == "object" and .id == "eni-abc" and .mac == "02:aa:bb:cc:dd:ee" and .private_ip == "10.1.2.3" and .type == "efa" and .instance == null' \
		-j eni add eni-abc subnet subnet-default ip 10.1.2.3 mac 02:AA:bb:cc:dd:ee type efa
	jcheck "eni attach -j: the attached ENI" \
		'type == "object" and .instance == "web1" and .device_index == 3 and .status == "in-use"' \
		-j eni attach eni-5 instance web1 index 3
	run eni attach eni-5 instance web1 index 3
	check "eni attach: text" \
		'$rc -eq 0 && $out == "eni-5: "*"$nl    instance web1 index 3 dev eth3 ifindex 5 pci 10000:00:06.0"'
	run eni detach eni-5
	check "eni detach prints nothing" '$rc -eq 0 && -z $out && -z $err'
	run -j eni del eni-5
	check "eni del prints nothing, even under -j" '$rc -eq 0 && -z $out && -z $err'

	run eni detach $primary
	check "a kernel refusal prints its message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: cannot detach the primary ENI (device index 0)"'
	run -j eni del $primary
	check "a kernel refusal under -j" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "ENI $primary is attached"'
	run eni show eni-9
	check "show of a missing ENI fails" '$rc -eq 1 && $err == "Error: ENI eni-9 not found"'

	trace=$(mktemp)
	VNITRO_FAKE_TRACE=$trace run instance add web2 subnet nosuch
	check "refused instance add removes the namespace it created" \
		'$rc -eq 1 && $err == "Error: subnet \"nosuch\" not found" && $(<"$trace") == *"netns_del web2"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance add existing1 subnet nosuch
	check "refused instance add keeps an existing namespace" \
		'$rc -eq 1 && $(<"$trace") != *netns_del*'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run -j instance add web3 subnet subnet-default ip 172.31.0.9
	check "instance add -j prints the instance" \
		'$rc -eq 0 && $(jq -r .name <<<"$out") == web3 && $(<"$trace") != *netns_del*'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance del i-host
	check "instance del of i-host ignores its missing namespace file, removes its environment" \
		'$rc -eq 0 && -z $out && -z $err && $(<"$trace") == "env_del i-host${nl}netns_del i-host"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance del nosuch
	check "instance del of no instance keeps the namespace, removes a leftover environment" \
		'$rc -eq 1 && $err == "Error: instance \"nosuch\" not found" && $(<"$trace") == "env_del nosuch"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance add web4 subnet subnet-default
	check "instance add creates the environment after the namespace" \
		'$rc -eq 0 && $(<"$trace") == "netns_add web4${nl}netns_open web4${nl}env_add web4"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance add noenv1 subnet subnet-default
	check "instance add without an environment fails whole: error, namespace removed" \
		'$rc -eq 1 && -z $out && $err == "Error: cannot build the environment of instance noenv1: "* && $(<"$trace") == *"env_add noenv1${nl}netns_del noenv1"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run eni set $primary udp-timeout 60 tcp-established-timeout 3600
	check "eni set: conntrack timeouts reach the library, in one call" \
		'$rc -eq 0 && $(<"$trace") == "eni_set $primary${nl}eni_set_conntrack_timeouts 3600 0 60"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run eni add subnet subnet-default description "a web tier" \
		security-groups sg-1,sg-2 udp-stream-timeout 120
	check "eni add: settings reach the library with the add, in one call" \
		'$rc -eq 0 && $(<"$trace") == "eni_add_settings a web tier|2 sg-1|0 120 0"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run eni add subnet subnet-default
	check "eni add without settings passes none" '$rc -eq 0 && ! -s $trace'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance show
	check "instance show (all) sweeps leftover environments" \
		'$rc -eq 0 && $(<"$trace") == "env_sweep loaded"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run instance show i-host
	check "instance show NAME does not sweep" '$rc -eq 0 && ! -s $trace'

	VNITRO_FAKE_TRACE=$trace run exec i-host -- echo in the instance
	check "exec INSTANCE -- COMMAND: enters the environment, runs COMMAND" \
		'$rc -eq 0 && $out == "in the instance" && -z $err && $(<"$trace") == *"env_enter i-host"'
	run exec i-host sh -c 'exit 7'
	check "exec: without --, and COMMAND's exit status" '$rc -eq 7 && -z $out && -z $err'
	run exec i-host -- vnitro-no-such-command
	check "exec: a command not found is an error, exit 127" \
		'$rc -eq 127 && -z $out && $err == "Error: cannot run \"vnitro-no-such-command\" in instance i-host: No such file or directory"'
	run exec i-host /dev/null
	check "exec: a command that cannot run, exit 126" \
		'$rc -eq 126 && $err == "Error: cannot run \"/dev/null\" in instance i-host: Permission denied"'
	run -j exec i-host vnitro-no-such-command
	check "exec -j: the error as JSON" \
		'$rc -eq 127 && $(jq -r .error <<<"$err") == "cannot run \"vnitro-no-such-command\" in instance i-host: No such file or directory"'
	out=$(SHELL=/bin/echo "$VNITRO" exec i-host 2>&1) rc=$?
	check "exec INSTANCE alone runs \$SHELL" '$rc -eq 0 && $out == ""'
	out=$(echo 'echo from sh' | SHELL='' "$VNITRO" exec i-host 2>&1) rc=$?
	check "exec INSTANCE alone runs /bin/sh without \$SHELL" '$rc -eq 0 && $out == "from sh"'
	run exec nosuch -- true
	check "exec of a missing instance: the kernel's error, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: instance \"nosuch\" not found"'
	rm -f "$trace"

	want="acl-d: vpc vpc-default default$nl    ingress rule 100 allow proto all cidr 0.0.0.0/0"
	want+="$nl    ingress rule * deny proto all cidr 0.0.0.0/0"
	want+="$nl    egress rule 100 allow proto all cidr 0.0.0.0/0"
	want+="$nl    egress rule * deny proto all cidr 0.0.0.0/0"
	run nacl show acl-d
	check "nacl show ACL: text, rules by number, then the * rule" '$rc -eq 0 && $out == "$want"'
	jcheck "nacl show -j: every ACL with exactly the ACL keys" \
		'length == 2 and all(.[]; keys == ["default","egress","id","ingress","vpc"])' -j nacl show
	jcheck "nacl show -j: the default ACL's rules" \
		'.[0] | .default and .ingress == [{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}]' \
		-j nacl show
	jcheck "nacl add -j: one object, no rules" \
		'type == "object" and .id == "acl-0a" and .default == false and .ingress == [] and .egress == []' \
		-j nacl add acl-0a vpc vpc-default
	jcheck "nacl entry add -j: the ACL with the new entry" \
		'.ingress == [{"rule":90,"action":"allow","protocol":"icmp","icmp_type":3,"icmp_code":4,"cidr":"0.0.0.0/0"}]' \
		-j nacl entry add acl-1 ingress rule 90 allow proto icmp icmp-type 3 code 4 cidr 0.0.0.0/0
	jcheck "nacl entry add: a port range" \
		'.egress == [{"rule":100,"action":"allow","protocol":"tcp","port_from":1024,"port_to":65535,"cidr":"10.0.0.0/8"}]' \
		-j nacl entry add acl-1 egress rule 100 allow proto tcp port 1024-65535 cidr 10.0.0.0/8
	jcheck "nacl entry replace: same number, new fields" \
		'.ingress == [{"rule":100,"action":"deny","protocol":"udp","port_from":53,"port_to":53,"cidr":"0.0.0.0/0"}]' \
		-j nacl entry replace acl-d ingress rule 100 deny proto udp port 53 cidr 0.0.0.0/0
	jcheck "nacl entry del: by direction and number" \
		'.ingress == [] and (.egress | length) == 1' -j nacl entry del acl-d ingress rule 100
	run nacl entry add acl-d ingress rule 100 allow proto all cidr 0.0.0.0/0
	check "nacl entry add of a taken number: the kernel's message, exit 1" \
		'$rc -eq 1 && $err == "Error: NetworkAclEntryAlreadyExists: network ACL acl-d already has ingress rule number 100; replace it or pick another number"'
	run nacl del acl-d
	check "nacl del of a default ACL: refused" '$rc -eq 1 && $err == *"cannot be deleted by a user"*'
	jcheck "nacl associate -j: the subnet and its ACL" \
		'. == {"subnet":"subnet-default","nacl":"acl-1"}' -j nacl associate acl-1 subnet subnet-default
	run nacl entry add acl-1 ingress rule 0 allow proto all cidr 0.0.0.0/0
	check "nacl entry: rule 0 is a usage error" '$rc -eq 2 && $err == *"rule number"*'
	run nacl entry add acl-1 ingress rule 32767 allow proto all cidr 0.0.0.0/0
	check "nacl entry: rule 32767 is a usage error" '$rc -eq 2 && $err == *"rule number"*'
	run nacl entry add acl-1 ingress rule 5 allow proto all
	check "nacl entry: cidr required" '$rc -eq 2 && $err == *"cidr CIDR"*'
	run nacl entry add acl-1 ingress rule 5 permit proto all cidr 0.0.0.0/0
	check "nacl entry: allow or deny" '$rc -eq 2 && $err == *"is not an action"*'
	run nacl show acl-XYZ
	check "nacl show: a bad id is a usage error" '$rc -eq 2 && $err == *"not a valid network ACL id"*'
	jcheck "nacl entry add: an IPv6 block in the same \"cidr\" key, icmpv6 with a type" \
		'.ingress == [{"rule":110,"action":"allow","protocol":"icmpv6","icmp_type":135,"cidr":"2600:1f18:abcd:1200::/56"}]' \
		-j nacl entry add acl-1 ingress rule 110 allow proto icmpv6 icmp-type 135 cidr 2600:1F18:ABCD:1200:0:0:0:0/56
	run nacl entry replace acl-d egress rule 100 deny proto 58 cidr 2001:db8::1/128
	check "nacl entry replace: an IPv6 host, protocol 58 shown as icmpv6, and a * rule for IPv6" \
		'$rc -eq 0 && $out == *"$nl    egress rule 100 deny proto icmpv6 cidr 2001:db8::1/128$nl    egress rule * deny proto all cidr 0.0.0.0/0$nl    egress rule * deny proto all cidr ::/0"'
	# A VPC with an IPv6 block: its default ACL has EC2's rule 101 for ::/0 both ways.
	want="acl-d: vpc vpc-default default$nl    ingress rule 100 allow proto all cidr 0.0.0.0/0"
	want+="$nl    ingress rule 101 allow proto all cidr ::/0"
	want+="$nl    ingress rule * deny proto all cidr 0.0.0.0/0"
	want+="$nl    ingress rule * deny proto all cidr ::/0"
	want+="$nl    egress rule 100 allow proto all cidr 0.0.0.0/0"
	want+="$nl    egress rule 101 allow proto all cidr ::/0"
	want+="$nl    egress rule * deny proto all cidr 0.0.0.0/0"
	want+="$nl    egress rule * deny proto all cidr ::/0"
	VNITRO_FAKE_IPV6=1 run nacl show acl-d
	check "nacl show: rule 101 for ::/0, and the * rule for each family" '$rc -eq 0 && $out == "$want"'
	VNITRO_FAKE_IPV6=1 jcheck "nacl show -j: rule 101 with \"cidr\": \"::/0\"" \
		'.[0].egress == [{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"},{"rule":101,"action":"allow","protocol":"all","cidr":"::/0"}]' \
		-j nacl show
	VNITRO_FAKE_IPV6=1 jcheck "nacl entry del: rule 101 by number, the IPv4 rule 100 stays" \
		'.ingress == [{"rule":100,"action":"allow","protocol":"all","cidr":"0.0.0.0/0"}]' \
		-j nacl entry del acl-d ingress rule 101

	run route show
	check "route show: the local route" \
		'$rc -eq 0 && $out == "172.31.0.0/16 subnet subnet-default via local active"'
	want="172.31.0.0/16 subnet subnet-default via local active"
	want+="${nl}2600:1f18:abcd:1200::/56 subnet subnet-default via local active"
	want+="${nl}::/0 subnet subnet-default via igw-d active"
	VNITRO_FAKE_IPV6=1 run route show subnet subnet-default
	check "route show: the IPv6 local route after the IPv4 one, then ::/0" '$rc -eq 0 && $out == "$want"'
	VNITRO_FAKE_IPV6=1 jcheck "route show -j: IPv6 destinations in \"destination\", as IPv4 ones" \
		'length == 3 and all(.[]; keys == ["destination","state","subnet","target","target_type"]) and .[1] == {"destination":"2600:1f18:abcd:1200::/56","subnet":"subnet-default","target":"local","target_type":"local","state":"active"} and .[2] == {"destination":"::/0","subnet":"subnet-default","target":"igw-d","target_type":"igw","state":"active"}' \
		-j route show
	VNITRO_FAKE_IPV6=1 jcheck "route show subnet: another subnet has none" '. == []' -j route show subnet subnet-other
	jcheck "route add -j: an IPv6 destination, in its shortest text" \
		'. == {"destination":"2001:db8::/32","subnet":"subnet-default","target":"eni-5","target_type":"eni","state":"active"}' \
		-j route add 2001:DB8:0:0::/32 subnet subnet-default via eni-5
	run route add ::/0 subnet subnet-default via igw-d
	check "route add: ::/0 as text" '$rc -eq 0 && $out == "::/0 subnet subnet-default via igw-d active"'
	jcheck "route add: IPv4 as before" '.destination == "10.0.0.0/8" and .target_type == "igw"' \
		-j route add 10.0.0.0/8 subnet subnet-default via igw-d
	VNITRO_FAKE_IPV6=1 run route add ::/0 subnet subnet-default via igw-d
	check "route add of a taken IPv6 destination: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: the route table of subnet-default already has a route to ::/0; delete it first"'
	VNITRO_FAKE_IPV6=1 run route del ::/0 subnet subnet-default
	check "route del of an IPv6 route prints nothing" '$rc -eq 0 && -z $out && -z $err'
	VNITRO_FAKE_IPV6=1 run route del 2600:1f18:abcd:1200::/56 subnet subnet-default
	check "route del of the IPv6 local route: refused" \
		'$rc -eq 1 && $err == "Error: the local route 2600:1f18:abcd:1200::/56 of VPC vpc-default cannot be deleted"'
	run route del 2001:db8::/32 subnet subnet-default
	check "route del of a missing IPv6 route: the kernel's message" \
		'$rc -eq 1 && $err == "Error: the route table of subnet-default has no route to 2001:db8::/32"'

	# Gateways: the kernel lists both kinds together; each object shows its own.
	local gw_keys='["frag_needed","id","ifindex","ifname","mac","netns","vpc"]'
	VNITRO_FAKE_EIGW=1 run igw show
	check "igw show: internet gateways only, not the egress-only one" \
		'$rc -eq 0 && $out == "igw-d: vpc vpc-default dev igw0 mac 00:00:00:00:00:00 frag-needed on"'
	VNITRO_FAKE_EIGW=1 jcheck "igw show -j: one gateway, its keys with ifindex" \
		"length == 1 and (.[0] | keys == $gw_keys and .id == \"igw-d\" and .ifindex == 8)" -j igw show
	VNITRO_FAKE_EIGW=1 run eigw show
	check "eigw show: the egress-only gateway, no frag-needed, its table and what it kept out" \
		'$rc -eq 0 && $out == "eigw-d: vpc vpc-default netns internet dev eigw0 mac 02:00:00:00:00:e9
    conntrack tracked 2 max 65536 full 0 inbound-dropped 7"'
	VNITRO_FAKE_EIGW=1 jcheck "eigw show -j: id, vpc, netns, mac, ifname, ifindex, the table's counters" \
		'. == [{"id":"eigw-d","vpc":"vpc-default","netns":"internet","ifname":"eigw0","ifindex":9,"mac":"02:00:00:00:00:e9","conntrack_tracked":2,"conntrack_max":65536,"conntrack_allowance_exceeded":0,"inbound_dropped":7}]' \
		-j eigw show
	VNITRO_FAKE_EIGW=1 jcheck "eigw show ID -j: an array of one" \
		'length == 1 and .[0].id == "eigw-d" and (.[0] | has("frag_needed") | not)' -j eigw list eigw-d
	jcheck "eigw show -j without one: []" '. == []' -j eigw show
	run eigw show
	check "eigw show without one: nothing" '$rc -eq 0 && -z $out && -z $err'
	trace=$(mktemp)
	VNITRO_FAKE_TRACE=$trace jcheck "eigw add -j: one object" \
		'. == {"id":"eigw-1","vpc":"vpc-default","netns":"internet","ifname":"eigw0","ifindex":9,"mac":"02:00:00:00:00:e9","conntrack_tracked":0,"conntrack_max":65536,"conntrack_allowance_exceeded":0,"inbound_dropped":0}' \
		-j eigw add eigw-1 vpc vpc-default netns internet
	check "eigw add: the namespace opened and handed over with its name" \
		'$(<"$trace") == "netns_open internet${nl}eigw_add eigw-1 vpc-default internet fd"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run eigw add eigw-2 vpc vpc-default
	check "eigw add: without netns, the initial namespace, no fd" \
		'$rc -eq 0 && $out == "eigw-2: vpc vpc-default dev eigw0 mac 02:00:00:00:00:e9" && $(<"$trace") == "eigw_add eigw-2 vpc-default - no-fd"'
	: >"$trace"
	VNITRO_FAKE_TRACE=$trace run eigw add igw-2 vpc vpc-default
	check "eigw add of an internet gateway's id: nothing reaches the library" '$rc -eq 2 && ! -s $trace'
	rm -f "$trace"
	VNITRO_FAKE_EIGW=1 run eigw add eigw-3 vpc vpc-default
	check "eigw add of a second one: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: VPC vpc-default has an egress-only internet gateway already"'
	VNITRO_FAKE_EIGW=1 VNITRO_FAKE_IPV6=1 run eigw del eigw-d
	check "eigw del of a gateway a route targets: refused" \
		'$rc -eq 1 && $err == "Error: a route of subnet-default targets gateway eigw-d"'
	VNITRO_FAKE_EIGW=1 run eigw del eigw-d
	check "eigw del prints nothing" '$rc -eq 0 && -z $out && -z $err'
	want="172.31.0.0/16 subnet subnet-default via local active"
	want+="${nl}2600:1f18:abcd:1200::/56 subnet subnet-default via local active"
	want+="${nl}::/0 subnet subnet-default via eigw-d active"
	VNITRO_FAKE_EIGW=1 VNITRO_FAKE_IPV6=1 run route show
	check "route show: ::/0 via the egress-only gateway, by its id" '$rc -eq 0 && $out == "$want"'
	VNITRO_FAKE_EIGW=1 VNITRO_FAKE_IPV6=1 jcheck "route show -j: target_type eigw" \
		'.[2] == {"destination":"::/0","subnet":"subnet-default","target":"eigw-d","target_type":"eigw","state":"active"}' \
		-j route show
	VNITRO_FAKE_EIGW=1 run route add 2001:db8::/32 subnet subnet-default via eigw-d
	check "route add via eigw: as text" '$rc -eq 0 && $out == "2001:db8::/32 subnet subnet-default via eigw-d active"'
	VNITRO_FAKE_EIGW=1 run route add 10.0.0.0/8 subnet subnet-default via eigw-d
	check "route add of an IPv4 destination via eigw: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: egress-only internet gateway eigw-d takes IPv6 destinations only, not 10.0.0.0/8"'

	want="sg-1: vpc vpc-default name \"web\"$nl    ingress proto tcp port 22-22 cidr 203.0.113.0/24"
	want+="$nl    egress proto all cidr 0.0.0.0/0"
	run sg show sg-1
	check "sg show SG: text, a line per rule" '$rc -eq 0 && $out == "$want"'
	jcheck "sg show -j: every group with exactly the group keys" \
		'length == 2 and all(.[]; keys == ["description","egress","id","ingress","name","vpc"])' -j sg show
	jcheck "sg show -j: the default group's rules" \
		'.[0] | .name == "default" and .ingress == [{"protocol":"all","sg":"sg-d"}] and .egress == [{"protocol":"all","cidr":"0.0.0.0/0"}]' \
		-j sg show
	jcheck "sg add -j: one object, as given" \
		'type == "object" and .id == "sg-0a" and .name == "db" and .description == "the database" and .ingress == [] and (.egress | length) == 1' \
		-j sg add sg-0a vpc vpc-default name db description "the database"
	jcheck "sg rule add -j: the group with the new rule" \
		'.ingress[1] == {"protocol":"icmp","icmp_type":8,"icmp_code":0,"cidr":"10.0.0.0/8"}' \
		-j sg rule add sg-1 ingress proto icmp icmp-type 8 code 0 cidr 10.0.0.0/8
	jcheck "sg rule add: a protocol number, a group as peer" \
		'.ingress[1] == {"protocol":"47","sg":"sg-d"}' -j sg rule add sg-1 ingress proto 47 sg sg-d
	jcheck "sg rule add: one port is a range of one" \
		'.ingress[1] | .port_from == 80 and .port_to == 80' -j sg rule add sg-1 ingress proto tcp port 80 cidr 0.0.0.0/0
	jcheck "sg rule del -j: the group without it" \
		'.ingress == [] and (.egress | length) == 1' -j sg rule del sg-1 ingress proto tcp port 22 cidr 203.0.113.0/24
	jcheck "sg rule add: icmpv6 with a type and code, an IPv6 block in \"cidr\"" \
		'.ingress[1] == {"protocol":"icmpv6","icmp_type":128,"icmp_code":0,"cidr":"2600:1f18:abcd:1200::/64"}' \
		-j sg rule add sg-1 ingress proto icmpv6 icmp-type 128 code 0 cidr 2600:1f18:abcd:1200::/64
	jcheck "sg rule add: protocol 58 is icmpv6, a /128" \
		'.ingress[1] == {"protocol":"icmpv6","cidr":"2001:db8::1/128"}' -j sg rule add sg-1 ingress proto 58 cidr 2001:db8::1/128
	run sg rule add sg-1 egress proto tcp port 443 cidr ::/0
	check "sg rule add: ::/0 as text" \
		'$rc -eq 0 && $out == *"$nl    egress proto all cidr 0.0.0.0/0$nl    egress proto tcp port 443-443 cidr ::/0"'
	# A VPC with an IPv6 block: its default group has EC2's egress rule to ::/0.
	want="sg-d: vpc vpc-default name \"default\" description \"default VPC security group\""
	want+="$nl    ingress proto all sg sg-d"
	want+="$nl    egress proto all cidr 0.0.0.0/0"
	want+="$nl    egress proto all cidr ::/0"
	VNITRO_FAKE_IPV6=1 run sg show sg-d
	check "sg show: the default group's egress rule to ::/0" '$rc -eq 0 && $out == "$want"'
	VNITRO_FAKE_IPV6=1 jcheck "sg show -j: IPv6 rules in \"cidr\", icmpv6 by name" \
		'.[0].egress == [{"protocol":"all","cidr":"0.0.0.0/0"},{"protocol":"all","cidr":"::/0"}] and .[1].ingress[1] == {"protocol":"icmpv6","icmp_type":128,"cidr":"2600:1f18:abcd:1200::/56"}' \
		-j sg show
	VNITRO_FAKE_IPV6=1 jcheck "sg rule del: of a family, the other stays" \
		'.egress == [{"protocol":"all","cidr":"::/0"}]' -j sg rule del sg-d egress proto all cidr 0.0.0.0/0
	VNITRO_FAKE_IPV6=1 jcheck "sg rule del: an IPv6 rule" \
		'.ingress == [{"protocol":"tcp","port_from":22,"port_to":22,"cidr":"203.0.113.0/24"}]' \
		-j sg rule del sg-1 ingress proto icmpv6 icmp-type 128 cidr 2600:1f18:abcd:1200::/56
	VNITRO_FAKE_IPV6=1 run sg rule del sg-1 ingress proto icmpv6 icmp-type 128 cidr 2600:1f18:abcd:1300::/56
	check "sg rule del: another IPv6 block is another rule" '$rc -eq 1 && $err == *"does not exist"*'
	run sg rule add sg-1 ingress proto 6 cidr 0.0.0.0/0
	check "a rule the kernel refuses: its message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: a tcp rule needs a port range (0-65535)"'
	run -j sg del sg-f
	check "sg del refused under -j: the kernel's message" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == *"has a dependent object: network interface eni-5"*'
	run sg del sg-1
	check "sg del prints nothing" '$rc -eq 0 && -z $out && -z $err'

	want="eipalloc-1: public 203.0.113.1 association eipassoc-1 eni eni-0a1b2c3d4e5f60718"
	want+=" vpc vpc-default private-ip 172.31.0.4 instance i-host"
	want+="${nl}eipalloc-2: public 203.0.113.2"
	run eip
	check "eip (show): a line per address, the association when there is one" \
		'$rc -eq 0 && $out == "$want"'
	jcheck "eip show -j: fixed keys, null while not associated" \
		'length == 2 and all(.[]; keys == ["association_id","eni","id","instance","private_ip","public_ip","vpc"]) and .[1] == {"id":"eipalloc-2","public_ip":"203.0.113.2","association_id":null,"eni":null,"vpc":null,"private_ip":null,"instance":null}' \
		-j eip show
	jcheck "eip show ALLOC -j: an array of one" \
		'length == 1 and .[0].association_id == "eipassoc-1" and .[0].instance == "i-host"' \
		-j eip show eipalloc-1
	jcheck "eip add -j: one object, the address given" \
		'. == {"id":"eipalloc-abc","public_ip":"203.0.113.9","association_id":null,"eni":null,"vpc":null,"private_ip":null,"instance":null}' \
		-j eip add eipalloc-abc address 203.0.113.9
	run eip add
	check "eip add: the kernel picks" '$rc -eq 0 && $out == "eipalloc-0f: public 203.0.113.3"'
	run eip add address 198.51.100.1
	check "eip add outside the pool: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidAddress.NotFound: 198.51.100.1 is not an address of the public pool 203.0.113.0/24"'
	jcheck "eip associate -j: the association" \
		'.eni == "eni-0a1b2c3d4e5f60718" and .private_ip == "172.31.0.4" and .association_id == "eipassoc-1"' \
		-j eip associate eipalloc-2 eni eni-0a1b2c3d4e5f60718
	run eip associate eipalloc-1 eni eni-0a1b2c3d4e5f60718 private-ip 172.31.0.11
	check "eip associate elsewhere: Resource.AlreadyAssociated, exit 1" \
		'$rc -eq 1 && -z $out && $err == *"Resource.AlreadyAssociated"*"allow-reassociation"*'
	jcheck "eip associate allow-reassociation: moved" \
		'.private_ip == "172.31.0.11"' \
		-j eip associate eipalloc-1 eni eni-0a1b2c3d4e5f60718 private-ip 172.31.0.11 allow-reassociation
	run eip disassociate eipassoc-1
	check "eip disassociate prints nothing" '$rc -eq 0 && -z $out && -z $err'
	run -j eip del eipalloc-1
	check "eip del of an associated address: InvalidIPAddress.InUse under -j" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "InvalidIPAddress.InUse: "*"disassociate it first"'
	run eip del eipalloc-2
	check "eip del prints nothing" '$rc -eq 0 && -z $out && -z $err'
	run eip pool
	check "eip pool: the pool" '$rc -eq 0 && $out == "pool 203.0.113.0/24"'
	jcheck "eip pool CIDR -j: the new pool" '. == {"pool":"198.51.100.0/24"}' -j eip pool 198.51.100.0/24
	run eip pool 10.0.0.0/8
	check "eip pool /8: the kernel's message, exit 1" '$rc -eq 1 && $err == *"/16 to /30"*'

	run world
	check "world (show): the settings, the rate scale always a fraction" \
		'$rc -eq 0 && $out == "rate-scale 1/1 burst-seconds 300"'
	jcheck "world show -j: one object, the divisor as a number" \
		'. == {"rate_scale":1,"burst_seconds":300}' -j world show
	run -j -p world
	check "world -j -p: pretty" '$rc -eq 0 && $out == "{$nl  \"rate_scale\": 1,$nl  \"burst_seconds\": 300$nl}"'
	run world set rate-scale 1/1000
	check "world set rate-scale 1/N: the settings in force, the other unchanged" \
		'$rc -eq 0 && -z $err && $out == "rate-scale 1/1000 burst-seconds 300"'
	jcheck "world set -j, both, rate-scale 1: one object" \
		'. == {"rate_scale":1,"burst_seconds":60}' -j world set burst-seconds 60 rate-scale 1
	jcheck "world set: the largest of both" \
		'. == {"rate_scale":1000000,"burst_seconds":3600}' -j world set rate-scale 1/1000000 burst-seconds 3600
	jcheck "world set: the smallest burst" '.burst_seconds == 1' -j world set burst-seconds 1
	run world set rate-scale 1/1000001
	check "world set rate-scale past 1/1000000: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: rate scale 1000001 is out of range: 1 to 1000000"'
	run world set rate-scale 1/10 burst-seconds 3601
	check "world set burst-seconds past 3600: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: burst seconds 3601 is out of range: 1 to 3600"'
	run -j world set burst-seconds 86400
	check "world set refused under -j: the kernel's message as JSON" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "burst seconds 86400 is out of range: 1 to 3600"'

	local world paths path3 path5 per_path_keys
	world="loss-ppm 0 reorder-ppm 0 delay-us 0 reorder-delay-us 1000 jitter-us 0 congestion-ppm 0"
	world+=" congestion-delay-us 0 congestion-loss-ppm 0 episode-us 10000 paths 8 node-delay-us 0 az-delay-us 0 seed 0"
	path3="path 3: loss-ppm 0 delay-us 5000 jitter-us 0 congestion-ppm 0 congestion-delay-us 0 congestion-loss-ppm 0"
	path5="path 5: loss-ppm 1000 delay-us 0 jitter-us 0 congestion-ppm 20000 congestion-delay-us 0 congestion-loss-ppm 0"
	per_path_keys='["path","loss_ppm","delay_us","jitter_us","congestion_ppm","congestion_delay_us","congestion_loss_ppm"]'
	run path
	check "path (show): a new world's model, one line when every path is the world's" \
		'$rc -eq 0 && -z $err && $out == "$world"'
	run -j path show
	check "path show -j: one object, the world's keys, the seed a number, then per_path" \
		'$rc -eq 0 && $out == '"'"'{"loss_ppm":0,"reorder_ppm":0,"delay_us":0,"reorder_delay_us":1000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0,"episode_us":10000,"paths":8,"node_delay_us":0,"az_delay_us":0,"seed":0,"per_path":[{"path":0,'"'"'*'"'"'}]}'"'"
	jcheck "path show -j: per_path holds every path in use, in order, each with its six fields" \
		"(.per_path | length) == 8 and [.per_path[].path] == [range(8)] and all(.per_path[]; keys_unsorted == $per_path_keys)" \
		-j path show
	jcheck "path show -j: the paths take the world's fields" \
		'all(.per_path[]; .loss_ppm == 0 and .delay_us == 0 and .jitter_us == 0 and .congestion_ppm == 0 and .congestion_delay_us == 0 and .congestion_loss_ppm == 0)' \
		-j path show
	run -j -p path
	check "path -j -p: pretty" \
		'$rc -eq 0 && $out == "{$nl  \"loss_ppm\": 0,$nl"*"$nl  \"seed\": 0,$nl  \"per_path\": [$nl    {$nl      \"path\": 0,$nl"*"$nl    }$nl  ]$nl}"'
	run path set loss-ppm 1000
	check "path set loss-ppm: the model in force, the rest unchanged, every path with the loss" \
		'$rc -eq 0 && -z $err && $out == "${world/loss-ppm 0/loss-ppm 1000}"'
	jcheck "path set -j, every field of before: one object" \
		'del(.per_path) == {"loss_ppm":1000000,"reorder_ppm":1000000,"delay_us":1000000,"reorder_delay_us":1000000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0,"episode_us":10000,"paths":8,"node_delay_us":0,"az_delay_us":0,"seed":42}' \
		-j path set seed 42 reorder-delay-us 1000000 delay-us 1000000 reorder-ppm 1000000 loss-ppm 1000000
	jcheck "path set: 0 is a value, not \"unchanged\"" \
		'del(.per_path) == {"loss_ppm":0,"reorder_ppm":0,"delay_us":0,"reorder_delay_us":0,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0,"episode_us":10000,"paths":8,"node_delay_us":0,"az_delay_us":0,"seed":0}' \
		-j path set reorder-delay-us 0 seed 0
	run -j path set seed 18446744073709551615
	check "path set: the largest seed, every digit in the JSON" \
		'$rc -eq 0 && $out == *"\"seed\":18446744073709551615,\"per_path\":["*'
	jcheck "path set: jitter, congestion, episodes and count, the world's and so every path's" \
		'.jitter_us == 20 and .congestion_ppm == 30000 and .congestion_delay_us == 400 and .congestion_loss_ppm == 5000 and .episode_us == 2000 and .paths == 4 and (.per_path | length) == 4 and all(.per_path[]; .jitter_us == 20 and .congestion_ppm == 30000 and .congestion_delay_us == 400 and .congestion_loss_ppm == 5000)' \
		-j path set jitter-us 20 congestion-ppm 30000 congestion-delay-us 400 congestion-loss-ppm 5000 episode-us 2000 paths 4
	jcheck "path set: every range at its largest" \
		'.jitter_us == 1000000 and .congestion_ppm == 1000000 and .congestion_delay_us == 1000000 and .congestion_loss_ppm == 1000000 and .episode_us == 1000000 and .paths == 16 and (.per_path | length) == 16' \
		-j path set jitter-us 1000000 congestion-ppm 1000000 congestion-delay-us 1000000 congestion-loss-ppm 1000000 episode-us 1000000 paths 16
	run path set path 3 delay-us 5000
	want="$world$nl$path3"
	check "path set path 3: the world's line, then path 3's, the one that differs" \
		'$rc -eq 0 && -z $err && $out == "$want"'
	jcheck "path set path 3 -j: its fields, the world's and the other paths' as they were" \
		'.delay_us == 0 and .loss_ppm == 0 and .per_path[3] == {"path":3,"loss_ppm":7,"delay_us":5000,"jitter_us":0,"congestion_ppm":0,"congestion_delay_us":0,"congestion_loss_ppm":0} and all(.per_path[] | select(.path != 3); .delay_us == 0 and .loss_ppm == 0)' \
		-j path set path 3 delay-us 5000 loss-ppm 7
	jcheck "path set path 7: the last path of 8, every one of its fields" \
		'.per_path[7] == {"path":7,"loss_ppm":1,"delay_us":2,"jitter_us":3,"congestion_ppm":4,"congestion_delay_us":5,"congestion_loss_ppm":6}' \
		-j path set path 7 loss-ppm 1 delay-us 2 jitter-us 3 congestion-ppm 4 congestion-delay-us 5 congestion-loss-ppm 6
	VNITRO_FAKE_PATHS=1 run path
	want="$world$nl$path3$nl$path5"
	check "path show: a line per path that differs from the world's, in order" \
		'$rc -eq 0 && -z $err && $out == "$want"'
	VNITRO_FAKE_PATHS=1 jcheck "path show -j: every path, those that differ among them" \
		'(.per_path | length) == 8 and .per_path[3].delay_us == 5000 and .per_path[5].loss_ppm == 1000 and .per_path[5].congestion_ppm == 20000 and .per_path[4].delay_us == 0' \
		-j path show
	VNITRO_FAKE_PATHS=1 run path set jitter-us 10
	check "path set of a path's field without a path: every path takes the world's, what was set per path goes" \
		'$rc -eq 0 && -z $err && $out == "${world/jitter-us 0/jitter-us 10}"'
	VNITRO_FAKE_PATHS=1 run path set loss-ppm 0
	check "path set, even to the value in force: the paths take the world's" \
		'$rc -eq 0 && -z $err && $out == "$world"'
	VNITRO_FAKE_PATHS=1 run path set reorder-ppm 10 reorder-delay-us 5 episode-us 500 seed 3
	paths="${world/reorder-ppm 0/reorder-ppm 10}"
	paths="${paths/reorder-delay-us 1000/reorder-delay-us 5}"
	paths="${paths/episode-us 10000/episode-us 500}"
	want="${paths/seed 0/seed 3}$nl$path3$nl$path5"
	check "path set of the world's only fields and the seed: the paths keep theirs" \
		'$rc -eq 0 && -z $err && $out == "$want"'
	VNITRO_FAKE_PATHS=1 run path set paths 4
	want="${world/paths 8/paths 4}$nl$path3"
	check "path set paths 4: paths past the count are not shown" '$rc -eq 0 && -z $err && $out == "$want"'
	VNITRO_FAKE_PATHS=1 run path set path 5 loss-ppm 0 congestion-ppm 0
	want="$world$nl$path3"
	check "path set path 5 back to the world's: its line goes" '$rc -eq 0 && -z $err && $out == "$want"'
	run path set node-delay-us 5 az-delay-us 1000
	paths="${world/node-delay-us 0/node-delay-us 5}"
	check "path set node-delay-us and az-delay-us: the world's line, no path's" \
		'$rc -eq 0 && -z $err && $out == "${paths/az-delay-us 0/az-delay-us 1000}"'
	jcheck "path set -j: node_delay_us and az_delay_us, and no path takes them" \
		'.node_delay_us == 1000000 and .az_delay_us == 0 and all(.per_path[]; has("node_delay_us") | not)' \
		-j path set node-delay-us 1000000 az-delay-us 0
	VNITRO_FAKE_PATHS=1 run path set az-delay-us 20
	want="${world/az-delay-us 0/az-delay-us 20}$nl$path3$nl$path5"
	check "path set az-delay-us: the paths keep their own fields" '$rc -eq 0 && -z $err && $out == "$want"'
	run path set path 8 loss-ppm 1
	check "path set path 8 of 8: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: path 8 does not exist: the world has 8 (0 to 7)"'
	run -j path set path 15 delay-us 4000
	check "path set refused under -j: the kernel's message as JSON" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "path 15 does not exist: the world has 8 (0 to 7)"'

	# Placement groups: none until VNITRO_FAKE_PGS seeds hpc (cluster, i-host), racks
	# (spread, web1), full (spread, 7 in us-east-1a), far (cluster, us-east-1b),
	# parts (3 partitions, one instance in 1 and one in 2) and spare (cluster, empty).
	local pg_keys='["az","id","instances","name","partition_count","spread_level","strategy"]'
	run placement-group show
	check "pg show, no group: nothing as text" '$rc -eq 0 && -z $out && -z $err'
	jcheck "pg show -j, no group: []" '. == []' -j pg
	VNITRO_FAKE_PGS=1 run pg
	want="hpc: id pg-0a000000000000001 strategy cluster instances 1 az us-east-1a"
	want+="${nl}racks: id pg-0a000000000000002 strategy spread spread-level rack instances 1"
	want+="${nl}full: id pg-0a000000000000003 strategy spread spread-level rack instances 7"
	want+="${nl}far: id pg-0a000000000000004 strategy cluster instances 1 az us-east-1b"
	want+="${nl}parts: id pg-0a000000000000005 strategy partition partition-count 3 instances 2"
	want+="${nl}spare: id pg-0a000000000000006 strategy cluster instances 0"
	check "pg show: a line per group, its partition count or spread level, a cluster group's zone" \
		'$rc -eq 0 && -z $err && $out == "$want"'
	VNITRO_FAKE_PGS=1 jcheck "pg show -j: exactly the group keys, null where a strategy has none" \
		"length == 6 and all(.[]; keys == $pg_keys) and .[0] == {\"name\":\"hpc\",\"id\":\"pg-0a000000000000001\",\"strategy\":\"cluster\",\"partition_count\":null,\"spread_level\":null,\"instances\":1,\"az\":\"us-east-1a\"} and .[4].partition_count == 3 and .[1].spread_level == \"rack\" and .[5].az == null" \
		-j pg show
	VNITRO_FAKE_PGS=1 jcheck "pg show NAME -j: an array of one" \
		'. == [{"name":"parts","id":"pg-0a000000000000005","strategy":"partition","partition_count":3,"spread_level":null,"instances":2,"az":null}]' \
		-j pg show parts
	VNITRO_FAKE_PGS=1 jcheck "pg show ID: by its id too" '.[0].name == "full" and .[0].instances == 7' \
		-j placement-group show pg-0a000000000000003
	VNITRO_FAKE_PGS=1 run pg show nosuch
	check "pg show of an unknown group: EC2's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidPlacementGroup.Unknown: The Placement Group '"'"'nosuch'"'"' is unknown."'
	run pg create hpc strategy cluster
	check "pg create: the group as show prints it, a new id" \
		'$rc -eq 0 && -z $err && $out =~ ^"hpc: id pg-"[0-9a-f]{17}" strategy cluster instances 0"$'
	jcheck "pg create -j: one object, a partition group's 2 partitions by default" \
		'.name == "p" and .strategy == "partition" and .partition_count == 2 and .spread_level == null and .instances == 0 and .az == null' \
		-j pg create p strategy partition
	jcheck "pg create: 7 partitions, strategy abbreviated" '.partition_count == 7' \
		-j pg create p strategy part partition-count 7
	jcheck "pg create: a spread group is at rack level" '.strategy == "spread" and .spread_level == "rack"' \
		-j pg create s strategy spread
	jcheck "pg create: spread-level rack, given" '.spread_level == "rack"' -j pg create s st sp sp rack
	jcheck "pg create: any printable ASCII name, spaces too" '.name == "web tier ~ #1"' \
		-j pg create "web tier ~ #1" strategy cluster
	VNITRO_FAKE_PGS=1 run pg create hpc strategy spread
	check "pg create of a name in use: EC2's Duplicate, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidPlacementGroup.Duplicate: The placement group '"'"'hpc'"'"' already exists."'
	VNITRO_FAKE_PGS=500 run pg create one-more strategy cluster
	check "pg create past 500 groups: EC2's PlacementGroupLimitExceeded" \
		'$rc -eq 1 && $err == "Error: PlacementGroupLimitExceeded: you can create at most 500 placement groups"'
	VNITRO_FAKE_PGS=499 jcheck "pg create: the 500th group" '.name == "one-more"' -j pg create one-more strategy cluster
	# shellcheck disable=SC2034 # read by check's eval
	local name_msg="Error: InvalidParameterValue: a placement group name is 1 to 255 ASCII characters"
	run pg create "" strategy cluster
	check "pg create: an empty name, the kernel's message" '$rc -eq 1 && -z $out && $err == "$name_msg"'
	run pg create "caf$(printf '\xc3\xa9')" strategy cluster
	check "pg create: a name not ASCII" '$rc -eq 1 && $err == "$name_msg"'
	run pg create "a$(printf '\t')b" strategy cluster
	check "pg create: a name with a control character" '$rc -eq 1 && $err == "$name_msg"'
	run pg create "$(printf '%0256d' 0)" strategy cluster
	check "pg create: a name of 256 characters" '$rc -eq 1 && -z $out && $err == "$name_msg"'
	jcheck "pg create: a name of 255" '(.name | length) == 255' -j pg create "$(printf '%0255d' 0)" strategy cluster
	run pg create c strategy cluster partition-count 2
	check "pg create: a partition count for a cluster group, EC2's message" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidParameterCombination: a partition count is valid only for a partition placement group"'
	run -j pg create c strategy spread partition-count 3
	check "pg create: ... for a spread group, under -j" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "InvalidParameterCombination: a partition count is valid only for a partition placement group"'
	run pg create c strategy partition spread-level rack
	check "pg create: a spread level for a partition group" \
		'$rc -eq 1 && $err == "Error: InvalidParameterCombination: a spread level is valid only for a spread placement group"'
	run pg create c strategy spread spread-level host
	check "pg create: spread level host is AWS Outposts' only" \
		'$rc -eq 1 && $err == "Error: InvalidParameterValue: spread level host is only for placement groups on AWS Outposts"'
	VNITRO_FAKE_PGS=1 run pg delete spare
	check "pg delete: nothing printed" '$rc -eq 0 && -z $out && -z $err'
	VNITRO_FAKE_PGS=1 run pg delete hpc
	check "pg delete of a group with instances: EC2's InUse, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidPlacementGroup.InUse: The placement group '"'"'hpc'"'"' is in use and may not be deleted."'
	VNITRO_FAKE_PGS=1 run placement-group del nosuch
	check "pg delete of an unknown group" \
		'$rc -eq 1 && $err == "Error: InvalidPlacementGroup.Unknown: The Placement Group '"'"'nosuch'"'"' is unknown."'
	VNITRO_FAKE_PGS=1 run pg delete pg-0a000000000000006
	check "pg delete takes a name, not an id (EC2's DeletePlacementGroup)" \
		'$rc -eq 1 && $err == "Error: InvalidPlacementGroup.Unknown: The Placement Group '"'"'pg-0a000000000000006'"'"' is unknown."'

	# Instances in groups: a second line with the group, the partition and the network nodes.
	VNITRO_FAKE_PGS=1 run instance show i-host
	check "instance show: the group on the second line, before the nodes" \
		'$rc -eq 0 && $out =~ "${nl}    placement-group hpc network-nodes"( nn-[0-9a-f]{17}){3}$'
	local host_nodes web1_nodes
	host_nodes=$(VNITRO_FAKE_PGS=1 "$FAKE" -j instance show i-host | jq -c '.[0].network_nodes')
	web1_nodes=$(VNITRO_FAKE_PGS=1 "$FAKE" -j instance show | jq -c '.[1].network_nodes')
	VNITRO_FAKE_PGS=1 jcheck "instance show -j: the group's name and id, no partition outside a partition group" \
		'.[0].placement_group == "hpc" and .[0].placement_group_id == "pg-0a000000000000001" and .[0].partition == null and .[1].placement_group == "racks"' \
		-j instance show
	jcheck "instance show -j: no group: null, the nodes all the same" \
		'all(.[]; .placement_group == null and .placement_group_id == null and .partition == null and (.network_nodes | length) == 3)' \
		-j instance show
	trace=$(mktemp)
	VNITRO_FAKE_PGS=1 VNITRO_FAKE_TRACE=$trace run instance add web9 subnet subnet-default placement-group hpc
	check "instance add into a cluster group: printed with its group" \
		'$rc -eq 0 && -z $err && $out == "web9: subnet subnet-default az us-east-1a "*"${nl}    placement-group hpc network-nodes "* && $(<"$trace") == *"instance_placed web9 hpc 0"*'
	VNITRO_FAKE_PGS=1 jcheck "instance add: a cluster group's instances share their three network nodes" \
		".network_nodes == $host_nodes" -j instance add web9 subnet subnet-default placement-group hpc
	VNITRO_FAKE_PGS=1 jcheck "instance add: a spread group's, only the zone's top node" \
		".network_nodes[0] == ${web1_nodes}[0] and .network_nodes[1] != ${web1_nodes}[1] and .network_nodes[2] != ${web1_nodes}[2] and .placement_group == \"racks\"" \
		-j instance add web9 subnet subnet-default placement-group racks
	VNITRO_FAKE_PGS=1 jcheck "instance add into a partition group: the partition with the fewest instances" \
		'.placement_group == "parts" and .placement_group_id == "pg-0a000000000000005" and .partition == 3' \
		-j instance add web9 subnet subnet-default placement-group parts
	VNITRO_FAKE_PGS=1 run instance add web9 subnet subnet-default placement-group parts partition 2
	check "instance add partition 2: that one, on the text's second line" \
		'$rc -eq 0 && $out == *"${nl}    placement-group parts partition 2 network-nodes nn-"*'
	VNITRO_FAKE_PGS=1 VNITRO_FAKE_TRACE=$trace run instance add web8 subnet subnet-default placement-group spare type t3.micro
	check "instance add of a burstable type into a cluster group: EC2's message, the namespace gone" \
		'$rc -eq 1 && -z $out && $err == "Error: InvalidParameterCombination: Placement groups may not be used with instances of type '"'"'t3.micro'"'"'." && $(<"$trace") == *"netns_del web8"'
	VNITRO_FAKE_PGS=1 jcheck "instance add of a burstable type into a spread group" \
		'.type == "t3.micro" and .placement_group == "racks"' \
		-j instance add web8 subnet subnet-default placement-group racks type t3.micro
	VNITRO_FAKE_PGS=1 run instance add web8 subnet subnet-default placement-group far
	check "instance add into a cluster group in use in another zone: EC2's InUse" \
		'$rc -eq 1 && $err == "Error: InvalidPlacementGroup.InUse: The placement group '"'"'far'"'"' is in use in another availability zone: us-east-1b"'
	VNITRO_FAKE_PGS=1 run instance add web8 subnet subnet-default placement-group full
	check "instance add: an eighth instance of a spread group in a zone" \
		'$rc -eq 1 && $err == "Error: InsufficientInstanceCapacity: spread placement group '"'"'full'"'"' already has 7 instances in us-east-1a (EC2: seven running instances per Availability Zone)"'
	VNITRO_FAKE_PGS=1 run instance add web8 subnet subnet-default placement-group racks partition 1
	check "instance add: a partition in a spread group" \
		'$rc -eq 1 && $err == "Error: InvalidParameterCombination: a partition number is valid only in a partition placement group"'
	VNITRO_FAKE_PGS=1 run -j instance add web8 subnet subnet-default placement-group parts partition 4
	check "instance add: partition 4 of 3, under -j" \
		'$rc -eq 1 && -z $out && $(jq -r .error <<<"$err") == "InvalidParameterValue: partition 4 is out of range: placement group '"'"'parts'"'"' has 3 partitions"'
	VNITRO_FAKE_PGS=1 run instance add web8 subnet subnet-default placement-group nosuch
	check "instance add into an unknown group" \
		'$rc -eq 1 && $err == "Error: InvalidPlacementGroup.Unknown: The Placement Group '"'"'nosuch'"'"' is unknown."'
	rm -f "$trace"

	run services show
	check "services show, none plugged: the kernel's message, exit 1" \
		'$rc -eq 1 && -z $out && $err == "Error: no services are plugged in (vnitro services add netns NAME)"'
	VNITRO_FAKE_SERVICES=1 run services
	want="netns vnitro-services dev svc0 mac 02:00:00:00:00:5e aliases 169.254.0.0/17"
	want+="$nl    requests 12 replies 11 dropped 1"
	check "services: show by default, counters on a second line" '$rc -eq 0 && $out == "$want"'
	VNITRO_FAKE_SERVICES=1 jcheck "services show -j: one object" \
		'. == {"netns":"vnitro-services","ifname":"svc0","ifindex":2,"mac":"02:00:00:00:00:5e","aliases":"169.254.0.0/17","requests":12,"replies":11,"dropped":1}' \
		-j services show
	VNITRO_FAKE_SERVICES=1 run services add netns other
	check "services add, plugged already: refused, exit 1" \
		'$rc -eq 1 && -z $out && $err == *"plugged in already, in \"vnitro-services\""*'
	jcheck "services add netns NAME -j: the services, in NAME" \
		'.netns == "svc-ns" and .ifname == "svc0"' -j services add netns svc-ns
	run services del
	check "services del, none plugged: refused, exit 1" '$rc -eq 1 && $err == *"no services are plugged in"*'
	VNITRO_FAKE_SERVICES=1 run services del
	check "services del prints nothing" '$rc -eq 0 && -z $out && -z $err'
}

if [[ ! -x $FAKE && $FAKE == "$here/vnitro_fake" ]]; then
	make -s -C "$here" vnitro_fake >/dev/null 2>&1
fi
if [[ -x $FAKE ]]; then
	fake_tests
else
	skip "output checks" "$FAKE cannot be built (make -C selftests/tools vnitro_fake)"
fi

[[ $skipped -gt 0 ]] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

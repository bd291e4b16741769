#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of vnitrod --dns (tools/vnitrod/dns.cc) over the canned world of fake_lib.cc
# (vpc-default, 172.31.0.0/16, us-east-1): dnsmasq in a namespace of its own answers EC2's
# private IP names forward and reverse, over UDP and TCP, and refuses the rest; vnitrod stops it
# when it stops. The VM suite selftests/net/dns.sh asks through the fabric. Needs root.
set -u

source "$(dirname "$0")/vnitrod_netns.sh" dns

"$FAKE" --dns "$ns" 2>/dev/null &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec "$ns" ss -Hlun "sport = :53" | grep -q . && break
	sleep 0.1
done
q() { ip netns exec "$ns" dig +time=2 +tries=1 @127.0.0.1 "$@"; }

expect "a VPC name: its address" "172.31.0.9" "$(q +short ip-172-31-0-9.ec2.internal)"
expect "  ... any address of the VPC's block" "172.31.255.254" "$(q +short ip-172-31-255-254.ec2.internal)"
expect "  ... over TCP" "172.31.0.9" "$(q +short +tcp ip-172-31-0-9.ec2.internal)"
expect "reverse" "ip-172-31-0-9.ec2.internal." "$(q +short -x 172.31.0.9)"
expect "outside the block: no address" "" "$(q +short ip-10-0-0-1.ec2.internal)"
expect "a name elsewhere: REFUSED" "1" "$(q www.example.com | grep -c 'status: REFUSED')"
kill "$daemon"
wait "$daemon"
expect "SIGTERM: vnitrod stops cleanly" "0" "$?"
expect "  ... and dnsmasq is gone" "" "$(ip netns pids "$ns")"

# --dns-forward: names outside the VPCs go to a resolver in this (the host's) namespace, here a
# second dnsmasq on 127.0.0.1 that knows example.com; the VPCs' names stay local.
up=$((20000 + $$ % 20000))
/usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts --no-resolv --pid-file= \
	--listen-address=127.0.0.1 --bind-interfaces --port="$up" --address=/example.com/192.0.2.7 &
upstream=$!
"$FAKE" --dns "$ns" --dns-forward "127.0.0.1#$up" 2>/dev/null &
daemon=$!
for ((i = 0; i < 50; i++)); do
	ip netns exec "$ns" ss -Hlun "sport = :53" | grep -q . && break
	sleep 0.1
done
expect "--dns-forward: a name outside, answered by the resolver" "192.0.2.7" "$(q +short www.example.com)"
expect "  ... a VPC name still answered here" "172.31.0.9" "$(q +short ip-172-31-0-9.ec2.internal)"
kill "$daemon" "$upstream"
wait "$daemon"
expect "  ... vnitrod stops cleanly" "0" "$?"
wait "$upstream" 2>/dev/null
for bad in "--dns-forward 127.0.0.1" "--dns $ns --dns-forward 10.0.0.300" "--dns $ns --dns-forward 10.0.0.1#0" \
	"--dns $ns --dns-forward 10.0.0.1#x"; do
	# shellcheck disable=SC2086 # the words of each case
	"$FAKE" $bad >/dev/null 2>&1
	expect "refused, exit 2: vnitrod $bad" "2" "$?"
done
finish

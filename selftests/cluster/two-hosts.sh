#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# two-hosts.sh - one VPC over two hosts: two VMs (qemu/run, one vCPU each) on one underlay
# link (UDP on the host's loopback), each running host.sh with its role, at the same time.
# Prints both hosts' checks, then the sum as "N passed, N failed". Runs on the host (make
# check runs every selftests/cluster/*.sh marked as below this way); Documentation/cluster.md.
# cluster: suite
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Ports of this run's underlay: two free ones above 40000, by the pid.
base=$((40000 + ($$ % 10000) * 2))
export VNITRO_SMP=1
qemu/run --timeout 420 --underlay "$base:$((base + 1)):1" -- selftests/cluster/host.sh a \
	>"$out/a" 2>&1 &
a=$!
qemu/run --timeout 420 --underlay "$((base + 1)):$base:2" -- selftests/cluster/host.sh b \
	>"$out/b" 2>&1 &
b=$!
# When one host is done, the other has 90 seconds more: a host whose peer died would
# otherwise wait at its next meeting point until its own timeout.
wait -n "$a" "$b"
for ((i = 0; i < 90; i++)); do
	kill -0 "$a" 2>/dev/null && kill -0 "$b" 2>/dev/null || break
	sleep 1
done
for ((i = 0; i < 90; i++)); do
	kill -0 "$a" 2>/dev/null || kill -0 "$b" 2>/dev/null || break
	sleep 1
done
kill "$a" "$b" 2>/dev/null
wait "$a"
rc_a=$?
wait "$b"
rc_b=$?
passed=0 failed=0
for h in a b; do
	echo "--- host $h"
	# Each host's own tally becomes part of the sum, not a line of its own.
	sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/# host '"$h"': \1 passed, \2 failed/' "$out/$h"
	read -r p f < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$out/$h" | tail -n 1)
	if [[ -z ${p:-} ]]; then
		p=0 f=1
		echo "not ok - host $h gave no tally"
	fi
	passed=$((passed + p)) failed=$((failed + f))
	p='' f=''
done
echo "--- exit: host a $rc_a, host b $rc_b"
if ((failed == 0 && (rc_a != 0 || rc_b != 0))); then
	echo "not ok - a VM failed without a failed check"
	failed=1
fi
echo "$passed passed, $failed failed"
((failed == 0))

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# two-hosts.sh [SCRIPT [TIMEOUT]] - one VPC over two hosts: two VMs (qemu/run, one vCPU each)
# on one underlay link (UDP on the host's loopback), each running SCRIPT (default
# selftests/cluster/host.sh) with its role, a or b, at the same time, for TIMEOUT seconds at
# most (420). Prints both hosts' output, then the sum of their tallies as "N passed, N
# failed" (make bench-cluster runs selftests/bench/cluster.sh so). Runs on the host (make
# check runs every selftests/cluster/*.sh marked "# cluster: two-hosts" so); cluster.md.
set -u -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Ports of this run's underlay: two free ones above 40000, by the pid.
base=$((40000 + ($$ % 10000) * 2))
script=${1:-selftests/cluster/host.sh}
limit=${2:-420}
export VNITRO_SMP=1
qemu/run --timeout "$limit" --underlay "$base:$((base + 1)):1" -- "$script" a >"$out/a" 2>&1 &
a=$!
qemu/run --timeout "$limit" --underlay "$((base + 1)):$base:2" -- "$script" b >"$out/b" 2>&1 &
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

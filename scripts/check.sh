#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - `make check`: runs every suite and ends with one line "N passed, N failed".
#
# Suites: the guard of scripts/deps.sh (scripts/check-deps.py: every program called here
# comes from a package `make deps` installs), the core's unit tests (Criterion, userspace),
# the library's and the CLI's host-side tests, and each selftests/{net,rdma}/*.sh in a
# fresh VM (qemu/run; a line "# vm: OPTIONS" in a test passes OPTIONS to qemu/run). A
# suite that dies without a tally, or whose VM reports a kernel warning, counts as a failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# tally LOG: "P F" from the suite's own summary lines; empty when there are none.
tally() {
	awk '
	/^\[====\] Synthesis:/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "Passing:") p += $(i + 1)
			# Criterion counts crashes among the failures already.
			if ($i == "Failing:") f += $(i + 1)
		}
		seen = 1
	}
	/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3; seen = 1 }
	END { if (seen) print p + 0, f + 0 }' "$1"
}

run_suite() {
	local name=$1 rc counts p f
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	counts=$(tally "$log")
	if [[ -z $counts ]]; then
		p=0 f=1
		echo "=== $name: no tally (exit $rc): counted as one failure"
	else
		read -r p f <<<"$counts"
		if [[ $rc -ne 0 && $f -eq 0 ]]; then
			f=1
			echo "=== $name: exit $rc despite no failed check: counted as one failure"
		fi
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "=== $name: $p passed, $f failed"
}

run_suite deps scripts/check-deps.py
run_suite core make -s -C selftests/core run
run_suite tools make -s -C selftests/tools check
make -s -C selftests/net >/dev/null
make -s -C selftests/rdma >/dev/null
make -s -C selftests/fuzz >/dev/null
# TORTURE_CYCLES and FUZZ_SECS, when set, reach the torture and fuzz suites in their VMs.
export VNITRO_PASSENV="${VNITRO_PASSENV:+$VNITRO_PASSENV }TORTURE_CYCLES FUZZ_SECS FUZZ_SEED"
for t in selftests/net/*.sh selftests/rdma/*.sh; do
	opts=$(sed -n 's/^# vm: //p' "$t")
	# shellcheck disable=SC2086
	run_suite "vm: ${t#selftests/}" qemu/run $opts -- "$t"
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

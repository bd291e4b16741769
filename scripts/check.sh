#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check.sh - `make check`: runs every suite and ends with one line "N passed, N failed".
#
# Suites: the guard of scripts/deps.sh (scripts/check-deps.py: every program called here
# comes from a package `make deps` installs), the core's unit tests (Criterion, userspace),
# the library's and the CLI's host-side tests, each selftests/{net,rdma}/*.sh in a
# fresh VM (qemu/run; a line "# vm: OPTIONS" in a test passes OPTIONS to qemu/run), and
# each selftests/cluster/*.sh marked "# cluster: two-hosts" in two VMs at once. A
# suite that dies without a tally, or whose VM reports a kernel warning, counts as a failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
passed=0
failed=0
log=$(mktemp)
hostdir=
trap 'rm -f "$log"; [[ -n $hostdir ]] && rm -rf "$hostdir"; [[ -n ${host_pid:-} ]] && kill "$host_pid" 2>/dev/null' EXIT

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
	local name=$1 rc counts p f start=$SECONDS secs
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
	# The seconds each suite took: CI's budget is watched with them (grep '^=== .*s)$'). A
	# suite of a batch reports its own time in the VM (in_vm's "took" line).
	secs=$(sed -n 's/^=== .*: took \([0-9]*\)s$/\1/p' "$log" | tail -n 1)
	echo "=== $name: $p passed, $f failed (${secs:-$((SECONDS - start))}s)"
}

# ---- several suites in one VM boot (VM_BATCH) ----------------------------------------------

# shellcheck source=scripts/vm-reset.sh
. "$(dirname "$0")/vm-reset.sh"

# limit_of SUITE: its --timeout (qemu/run's default 600 s otherwise).
limit_of() {
	local t
	t=$(sed -n 's/^# vm: .*--timeout[ =]\([0-9]*\).*/\1/p' "$1")
	echo "${t:-600}"
}

# in_vm SUITE... (in the VM, as qemu/run --no-module's command): each suite as a boot of its
# own would run it: the module loaded before it with qemu/run's parameters, and after it,
# whatever it left cleared (the processes of its session, namespaces, the module, rdma_rxe,
# nftables rules, /tmp) and its part of the kernel log scanned as guest-init scans a run.
in_vm() {
	local t name rc mark sid sidfile=/run/check-suite.sid start
	# shellcheck source=/dev/null
	. /run/vnitro/env
	for t in "$@"; do
		name=${t#selftests/}
		echo "=== vm: $name"
		start=$SECONDS
		read -r mark </proc/sys/kernel/random/uuid
		mark="vnitro-suite: begin $mark"
		echo "$mark" >/dev/kmsg
		read -r -a params <<<"${VNITRO_MODPARAMS:-}"
		rc=0
		rm -f "$sidfile"
		insmod kmod/vnitro.ko "${params[@]}" || rc=$?
		if ((rc == 0)); then
			# A session of its own: what it leaves running is found by it afterwards.
			setsid -w bash -c 'echo $$ >"$1"; shift; exec timeout -k 10 "$@"' _ "$sidfile" \
				"$(limit_of "$t")" "$t" </dev/null 2>&1
			rc=$?
		else
			echo "check: insmod kmod/vnitro.ko failed (exit $rc)"
		fi
		read -r sid <"$sidfile" 2>/dev/null && pkill -9 -s "$sid" 2>/dev/null
		reset_vm || echo "0 passed, 1 failed"
		dmesg | awk -v mark="$mark" -v bad="$VNITRO_BAD_KMSG" '
			index($0, mark) { n = 0; next } { line[++n] = $0 }
			END { for (i = 1; i <= n; i++) if (line[i] ~ bad) { print "check: kernel: " line[i]; hits++ }
			      if (hits) print "0 passed, 1 failed" }'
		echo "=== vm: $name: took $((SECONDS - start))s"
		echo "=== vm: $name: exit $rc"
	done
}

if [[ ${1:-} == --in-vm ]]; then
	shift
	in_vm "$@"
	exit 0
fi

# run_batch SUITE...: one boot for all of them; each is tallied from its own part of the log.
run_batch() {
	local t mem=2048 limit=0 m blog rc start=$SECONDS
	blog=$(mktemp)
	for t in "$@"; do
		m=$(sed -n 's/^# vm: .*--mem[ =]\([0-9]*\).*/\1/p' "$t")
		[[ -n $m ]] && ((m > mem)) && mem=$m
		limit=$((limit + $(limit_of "$t") + 60))
	done
	echo "=== batch: ${*#selftests/}"
	qemu/run --no-module --mem "$mem" --timeout "$limit" -- scripts/check.sh --in-vm "$@" >"$blog" 2>&1
	rc=$?
	# What is no suite's (qemu/run's own lines, a crash) here; each suite's under its name below.
	awk '/^=== vm: / && !/: exit -?[0-9]+$/ { on = 1; next } /^=== vm: .*: exit -?[0-9]+$/ { on = 0; next }
		!on' "$blog"
	echo "=== batch: ${#@} suites in one boot took $((SECONDS - start))s (qemu/run exit $rc)"
	for t in "$@"; do
		run_suite "vm: ${t#selftests/}" replay "$blog" "${t#selftests/}"
	done
	rm -f "$blog"
}

# replay LOG NAME: the lines of suite NAME in a batch's LOG, and its exit status (1 if the
# batch ended before it did).
replay() {
	awk -v name="$2" '
		$0 == "=== vm: " name { on = 1; next }
		on && index($0, "=== vm: " name ": exit ") == 1 { rc = substr($0, length("=== vm: " name ": exit ") + 1); done = 1; exit }
		on { print }
		END { exit done ? rc : 1 }' "$1"
}

# from_file DIR NAME: what host suite NAME printed (run_host below), and its exit status.
from_file() {
	cat "$1/$2.out"
	return "$(cat "$1/$2.rc" 2>/dev/null || echo 1)"
}

# run_host DIR: the host suites, each into DIR/NAME.out (with its time as a "took" line) and
# DIR/NAME.rc. With CHECK_SERIAL unset they run beside the VM suites, at a lower priority:
# a guest's two vCPUs leave a core idle whenever its work is single-threaded.
run_host() {
	local start
	start=$SECONDS; scripts/check-deps.py >"$1/deps.out" 2>&1; echo $? >"$1/deps.rc"
	echo "=== deps: took $((SECONDS - start))s" >>"$1/deps.out"
	start=$SECONDS; make -s -C selftests/core run >"$1/core.out" 2>&1; echo $? >"$1/core.rc"
	echo "=== core: took $((SECONDS - start))s" >>"$1/core.out"
	start=$SECONDS; make -s -C selftests/tools check >"$1/tools.out" 2>&1; echo $? >"$1/tools.rc"
	echo "=== tools: took $((SECONDS - start))s" >>"$1/tools.out"
}

make -s -C selftests/net >/dev/null
make -s -C selftests/rdma >/dev/null
make -s -C selftests/fuzz >/dev/null
hostdir=$(mktemp -d)
if [[ -n ${CHECK_SERIAL:-} ]]; then
	run_host "$hostdir"
else
	echo "=== host suites (deps, core, tools) run beside the VM suites; their output follows them"
	(renice -n 10 -p "$BASHPID" >/dev/null; run_host "$hostdir") &
	host_pid=$!
fi
# TORTURE_CYCLES and FUZZ_SECS, when set, reach the torture and fuzz suites in their VMs.
# make check runs 2,000 attach/detach cycles (about a minute); `make torture` the 10,000.
export TORTURE_CYCLES=${TORTURE_CYCLES:-2000}
export VNITRO_PASSENV="${VNITRO_PASSENV:+$VNITRO_PASSENV }TORTURE_CYCLES FUZZ_SECS FUZZ_SEED"
# VM_BATCH=N runs up to N suites in one boot (in_vm above), those whose "# vm:" line has
# only --timeout and --mem; the others, and every suite with VM_BATCH=1, boot alone.
batch_size=${VM_BATCH:-5}
[[ $batch_size =~ ^[1-9][0-9]*$ ]] || { echo "check: invalid VM_BATCH: $batch_size" >&2; exit 2; }
batch=()
for t in selftests/net/*.sh selftests/rdma/*.sh; do
	opts=$(sed -n 's/^# vm: //p' "$t")
	if ((batch_size > 1)) && [[ -z $(sed -E 's/--(mem|timeout)[ =][0-9]+//g' <<<"$opts" | tr -d ' ') ]]; then
		batch+=("$t")
		((${#batch[@]} < batch_size)) || { run_batch "${batch[@]}"; batch=(); }
		continue
	fi
	# shellcheck disable=SC2086
	run_suite "vm: ${t#selftests/}" qemu/run $opts -- "$t"
done
((${#batch[@]})) && run_batch "${batch[@]}"
# Several hosts: two VMs (one vCPU each) run each suite marked "# cluster: two-hosts", one
# as host a, one as host b; two-hosts.sh sums their checks.
for t in selftests/cluster/*.sh; do
	[[ $(sed -n 's/^# cluster: //p' "$t") == two-hosts ]] || continue
	run_suite "cluster: ${t#selftests/}" selftests/cluster/two-hosts.sh "$t"
done
if [[ -n ${host_pid:-} ]]; then
	wait "$host_pid"
	host_pid=
fi
for s in deps core tools; do
	run_suite "$s" from_file "$hostdir" "$s"
done

echo "=== all suites: ${SECONDS}s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

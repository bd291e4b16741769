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
# The suites but the cluster's run as jobs, two at once (CHECK_LANES), the cluster's after them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
passed=0
failed=0
log=$(mktemp)
jobdir=
workers=()
trap 'rm -f "$log"; ((${#workers[@]})) && kill "${workers[@]}" 2>/dev/null; [[ -n $jobdir ]] && rm -rf "$jobdir"' EXIT

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
	echo "=== $name: $p passed, $f failed (${secs:-${job_secs:-$((SECONDS - start))}}s)"
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

# replay LOG NAME: the lines of suite NAME in a batch's LOG, and its exit status (1 if the
# batch ended before it did).
replay() {
	awk -v name="$2" '
		$0 == "=== vm: " name { on = 1; next }
		on && index($0, "=== vm: " name ": exit ") == 1 { rc = substr($0, length("=== vm: " name ": exit ") + 1); done = 1; exit }
		on { print }
		END { exit done ? rc : 1 }' "$1"
}

# ---- the jobs, run by CHECK_LANES workers at once ------------------------------------------
# A job is a boot of several suites ("batch"), a suite booting alone ("alone") or a host suite
# ("host": deps, core, tools). Each worker takes the next job not yet taken, so the second
# core works as long as the first does (a guest has one vCPU); the jobs' logs are reported
# here in the order the jobs were listed, each as soon as it and those before it are done.

# run_job I: job I, its output into $jobdir/I.log, its status into I.rc (written last: the
# job is done), its seconds into I.secs.
run_job() {
	local kind t m mem=2048 limit=0 rc start=$SECONDS
	read -r kind t <<<"${jobs[$1]}"
	case $kind in
	batch)
		# shellcheck disable=SC2086 # the suites, one a word
		for t in ${jobs[$1]#batch }; do
			m=$(sed -n 's/^# vm: .*--mem[ =]\([0-9]*\).*/\1/p' "$t")
			[[ -n $m ]] && ((m > mem)) && mem=$m
			limit=$((limit + $(limit_of "$t") + 60))
		done
		# shellcheck disable=SC2086
		qemu/run --no-module --mem "$mem" --timeout "$limit" -- scripts/check.sh --in-vm ${jobs[$1]#batch } \
			>"$jobdir/$1.log" 2>&1
		rc=$? ;;
	alone)
		# shellcheck disable=SC2046,SC2086 # its "# vm:" options, one a word
		qemu/run $(sed -n 's/^# vm: //p' "$t") -- "$t" >"$jobdir/$1.log" 2>&1
		rc=$? ;;
	host)
		case $t in
		deps) scripts/check-deps.py ;;
		*) make -s -C "selftests/$t" "$([[ $t == core ]] && echo run || echo check)" ;;
		esac >"$jobdir/$1.log" 2>&1
		rc=$?
		echo "=== $t: took $((SECONDS - start))s" >>"$jobdir/$1.log" ;;
	esac
	echo $((SECONDS - start)) >"$jobdir/$1.secs"
	echo "$rc" >"$jobdir/$1.rc"
}

# worker: jobs until none is left.
worker() {
	local i
	for (( ; ; )); do
		i=$(flock "$jobdir/next" bash -c 'read -r n <"$1"; echo $((n + 1)) >"$1"; echo "$n"' _ "$jobdir/next")
		((i < ${#jobs[@]})) || return 0
		run_job "$i"
	done
}

# report I: job I's suites, tallied.
report() {
	local kind t rest rc
	read -r kind rest <<<"${jobs[$1]}"
	read -r rc <"$jobdir/$1.rc"
	case $kind in
	batch)
		echo "=== batch: ${rest//selftests\//}"
		# What is no suite's (qemu/run's own lines, a crash) here; each suite's under its name below.
		awk '/^=== vm: / && !/: exit -?[0-9]+$/ { on = 1; next } /^=== vm: .*: exit -?[0-9]+$/ { on = 0; next }
			!on' "$jobdir/$1.log"
		echo "=== batch: $(wc -w <<<"$rest") suites in one boot took $(cat "$jobdir/$1.secs")s (qemu/run exit $rc)"
		for t in $rest; do
			run_suite "vm: ${t#selftests/}" replay "$jobdir/$1.log" "${t#selftests/}"
		done ;;
	alone) job_secs=$(cat "$jobdir/$1.secs") run_suite "vm: ${rest#selftests/}" from_job "$1" ;;
	host) run_suite "$rest" from_job "$1" ;;
	esac
}

# from_job I: what job I printed, and its exit status.
from_job() {
	cat "$jobdir/$1.log"
	return "$(cat "$jobdir/$1.rc")"
}

make -s -C selftests/net >/dev/null
make -s -C selftests/rdma >/dev/null
make -s -C selftests/fuzz >/dev/null
# CHECK_LANES: jobs at once (default 2, one a core; CHECK_SERIAL=1 is CHECK_LANES=1).
lanes=${CHECK_LANES:-2}
[[ -n ${CHECK_SERIAL:-} ]] && lanes=1
[[ $lanes =~ ^[1-9][0-9]*$ ]] || { echo "check: invalid CHECK_LANES: $lanes" >&2; exit 2; }
# TORTURE_CYCLES and FUZZ_SECS, when set, reach the torture and fuzz suites in their VMs.
export VNITRO_PASSENV="${VNITRO_PASSENV:+$VNITRO_PASSENV }TORTURE_CYCLES FUZZ_SECS FUZZ_SEED"
# VM_BATCH=N runs up to N suites in one boot (in_vm above), those whose "# vm:" line has
# only --timeout and --mem; the others, and every suite with VM_BATCH=1, boot alone.
batch_size=${VM_BATCH:-5}
[[ $batch_size =~ ^[1-9][0-9]*$ ]] || { echo "check: invalid VM_BATCH: $batch_size" >&2; exit 2; }
# The longest first, so that no lane is left with one at the end: the tools and core suites
# (6 to 13 minutes), the suites that boot alone (torture, half an hour's limit, first), then
# the batches.
jobs=("host tools" "host core")
batch=()
batches=()
for t in selftests/rdma/torture.sh selftests/net/*.sh selftests/rdma/*.sh; do
	[[ " ${jobs[*]} " == *" $t "* ]] && continue
	opts=$(sed -n 's/^# vm: //p' "$t")
	if ((batch_size > 1)) && [[ -z $(sed -E 's/--(mem|timeout)[ =][0-9]+//g' <<<"$opts" | tr -d ' ') ]]; then
		batch+=("$t")
		((${#batch[@]} < batch_size)) || { batches+=("batch ${batch[*]}"); batch=(); }
		continue
	fi
	jobs+=("alone $t")
done
((${#batch[@]})) && batches+=("batch ${batch[*]}")
jobs+=("${batches[@]}" "host deps")
jobdir=$(mktemp -d)
echo 0 >"$jobdir/next"
echo "=== ${#jobs[@]} jobs, $lanes at once; each reported when it and those before it are done"
workers=()
for ((l = 0; l < lanes; l++)); do
	worker &
	workers+=($!)
done
for i in "${!jobs[@]}"; do
	until [[ -s $jobdir/$i.rc ]]; do sleep 2; done
	report "$i"
done
wait "${workers[@]}"
workers=()
# Several hosts: two VMs (one vCPU each) run each suite marked "# cluster: two-hosts", one
# as host a, one as host b; two-hosts.sh sums their checks. They run after the lanes, alone.
for t in selftests/cluster/*.sh; do
	[[ $(sed -n 's/^# cluster: //p' "$t") == two-hosts ]] || continue
	run_suite "cluster: ${t#selftests/}" selftests/cluster/two-hosts.sh "$t"
done

echo "=== all suites: ${SECONDS}s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

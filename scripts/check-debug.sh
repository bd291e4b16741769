#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-debug.sh - `make check-debug`: the in-VM suites under a debug kernel (KASAN, lockdep,
# kmemleak...), several per boot; ends with one line "N passed, N failed, N splats".
#
# Usage: scripts/check-debug.sh [SUITE...]     default: selftests/net/*.sh selftests/rdma/*.sh
#        scripts/check-debug.sh --in-vm SUITE...   (inside the VM: what each boot runs)
#
# The kernel comes from scripts/debug-kernel.sh (built once, cached outside the clone), the
# module is built against it with UBSAN into .cache/debug/kmod (kmod/vnitro.ko is left alone)
# and replaces kmod/vnitro.ko inside the VM only (qemu/run's VNITRO_KIMAGE, VNITRO_KMODDIR,
# VNITRO_KO). Each VM runs $DEBUG_BATCH suites (default 7) one after the other, each as in
# `make check` (of its "# vm:" line: --no-module; --mem MB, plus 1024 MB for the debug
# kernel; --timeout SECS, default 600, times 3, or $DEBUG_SUITE_TIMEOUT), and between two
# suites puts the VM back as a fresh one has it: processes in network namespaces killed, the
# namespaces deleted, vnitro and rdma_rxe unloaded, /tmp emptied. Then kmemleak scans (twice:
# an object is reported only once its contents are the same in two scans) and the suite's
# kernel log is read and cleared. Any splat in it - WARNING, BUG, KASAN, UBSAN, KFENCE,
# lockdep, sleeping in atomic, RCU stall, hung task, refcount, list corruption, ODEBUG,
# kmemleak - fails the run and is printed, as are kmemleak's objects.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

# A report's first line, one per splat; the suite's log is printed from the first line that
# matches $splat_any (the rest of a report: Call Trace, lockdep's chains...).
splat_head='WARNING:|BUG:|BUG at|Oops|UBSAN:|general protection|Kernel panic|blocked for more than'
splat_head+='|detected stalls|stack-protector|stack corruption|double fault|invalid opcode:'
splat_head+='|suspected memory leak|soft lockup|hard LOCKUP|workqueue lockup'
splat_any="$splat_head|KASAN|KFENCE|refcount_t|Call Trace|list_add corruption|list_del corruption"
splat_any+='|ODEBUG|locking dependency|lock state|RCU usage|invalid context|while atomic'
# lockdep switches itself off after its first report, or when its tables are full.
splat_any+='|turning off the locking correctness validator'

# time_limit SUITE: its time limit in seconds under the debug kernel.
time_limit() {
	local t
	t=$(sed -n 's/^# vm: .*--timeout[ =]\([0-9]*\).*/\1/p' "$1")
	echo "${DEBUG_SUITE_TIMEOUT:-$((3 * ${t:-600}))}"
}

# tally LOG: "P F" from the suite's "N passed, N failed" lines; empty when there are none.
tally() {
	awk '/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3; seen = 1 }
	     END { if (seen) print p + 0, f + 0 }' "$1"
}

# ---- inside the VM ------------------------------------------------------------------------

kmemleak=/sys/kernel/debug/kmemleak

# reset_vm
# shellcheck source=scripts/vm-reset.sh
. "$(dirname "$0")/vm-reset.sh"

# report NAME LOG: prints the kernel log LOG from its first splat on; $nsplats: how many.
report() {
	local name=$1 log=$2
	nsplats=$(grep -Ec -- "$splat_head" "$log")
	if grep -Eq -- "$splat_any" "$log"; then
		((nsplats)) || nsplats=1
		echo "=== $name: kernel log from the first splat on:"
		awk -v re="$splat_any" '$0 ~ re { on = 1 } on' "$log" | sed 's/^/    /'
	fi
}

# scan_leaks FILE: two kmemleak scans, the suspects into FILE, then forgotten.
scan_leaks() {
	echo scan >"$kmemleak" && echo scan >"$kmemleak" && cat "$kmemleak" >"$1" &&
		echo clear >"$kmemleak"
}

in_vm() {
	local t name opts p f s rc log=/run/check-debug.log klog=/run/check-debug.klog
	local leaks=/run/check-debug.leaks nsplats
	echo "=== debug: booted $(uname -r) in $(cut -d' ' -f1 /proc/uptime) s"
	# What boot and the stock modules left: kmemleak's finds are the kernel's, not ours,
	# and are only shown; a splat in the log counts.
	if ! scan_leaks "$leaks"; then
		echo "=== debug: boot: kmemleak does not work; see its log lines:"
		dmesg | grep kmemleak
		echo "=== debug: boot: 0 passed, 1 failed, 0 splats"
		return 1
	fi
	if [[ -s $leaks ]]; then
		echo "=== debug: boot: kmemleak suspects $(grep -c '^unreferenced object' "$leaks") objects of the boot (not counted):"
		sed 's/^/    /' "$leaks"
	fi
	# (The kmemleak line of that scan is left out.)
	dmesg -c | grep -v 'kmemleak: .*new suspected memory leaks' >"$klog"
	report "debug: boot" "$klog"
	echo "=== debug: boot: 0 passed, 0 failed, $nsplats splats"

	for t in "$@"; do
		name=${t#selftests/}
		opts=$(sed -n 's/^# vm: //p' "$t")
		echo "=== debug: $name"
		rc=0
		if [[ " $opts " != *" --no-module "* ]]; then
			insmod kmod/vnitro.ko || rc=$?
		fi
		if ((rc == 0)); then
			SECONDS=0
			timeout -k 10 "$(time_limit "$t")" "$t" </dev/null 2>&1 | tee "$log"
			rc=${PIPESTATUS[0]}
			echo "=== debug: $name took $SECONDS s (exit $rc)"
		else
			echo "check-debug: insmod kmod/vnitro.ko failed (exit $rc)" | tee "$log"
		fi
		read -r p f <<<"$(tally "$log")"
		if [[ -z ${p:-} ]]; then
			p=0 f=1
			echo "=== debug: $name: no tally (exit $rc): counted as one failure"
		elif ((rc != 0 && f == 0)); then
			f=1
			echo "=== debug: $name: exit $rc despite no failed check: counted as one failure"
		fi
		reset_vm || f=$((f + 1))
		SECONDS=0
		scan_leaks "$leaks" || { echo "=== debug: $name: kmemleak scan failed"; f=$((f + 1)); }
		echo "=== debug: $name: kmemleak scans took $SECONDS s"
		dmesg -c >"$klog"
		report "debug: $name" "$klog"
		s=$nsplats
		if [[ -s $leaks ]]; then
			echo "=== debug: $name: kmemleak suspects $(grep -c '^unreferenced object' "$leaks") objects:"
			sed 's/^/    /' "$leaks"
			grep -q 'suspected memory leak' "$klog" || s=$((s + 1))
		fi
		echo "=== debug: $name: $p passed, $f failed, $s splats"
	done
}

if [[ ${1:-} == --in-vm ]]; then
	shift
	in_vm "$@"
	exit 0
fi

# ---- on the host ----------------------------------------------------------------------------

batch_size=${DEBUG_BATCH:-7}
[[ $batch_size =~ ^[1-9][0-9]*$ ]] || { echo "check-debug: invalid DEBUG_BATCH: $batch_size" >&2; exit 2; }
[[ ${DEBUG_SUITE_TIMEOUT:-1} =~ ^[1-9][0-9]*$ ]] ||
	{ echo "check-debug: invalid DEBUG_SUITE_TIMEOUT: $DEBUG_SUITE_TIMEOUT" >&2; exit 2; }
suites=("$@")
((${#suites[@]})) || suites=(selftests/net/*.sh selftests/rdma/*.sh)
for t in "${suites[@]}"; do
	[[ -f $t && $t == selftests/* ]] || { echo "check-debug: not a suite: $t" >&2; exit 2; }
	# The batches know these options of qemu/run; another one would be lost.
	[[ -z $(sed -n 's/^# vm: //p' "$t" | sed -E 's/--no-module|--(mem|timeout)[ =][0-9]+//g' | tr -d ' ') ]] ||
		{ echo "check-debug: $t: a '# vm:' option other than --no-module, --mem or --timeout" >&2; exit 2; }
done

SECONDS=0
kdir=$(scripts/debug-kernel.sh) || exit 1
echo "=== debug kernel: $kdir ($SECONDS s)"
kmoddir=$(echo "$kdir"/modules/lib/modules/*)
[[ -f $kmoddir/modules.dep ]] || { echo "check-debug: no modules in $kdir/modules" >&2; exit 1; }

# The module, against that kernel, with UBSAN (the kernel has it for the module only), from a
# fresh copy of kmod/: Kbuild of Linux 6.1 writes its objects next to the sources, and a copy
# that kept the sources' times could leave an object older than its source unrebuilt.
SECONDS=0
mod=$top/.cache/debug/kmod
rm -rf "$mod"
mkdir -p "$mod"
(cd kmod && find . -type f \( -name '*.[ch]' -o -name '*.cc' -o -name Kbuild \) ! -name '*.mod.c' \
	-exec cp --parents -t "$mod" {} +) || exit 1
make -s -C "$kdir/build" M="$mod" UBSAN_SANITIZE=y modules || {
	echo "check-debug: building vnitro.ko against the debug kernel failed" >&2
	exit 1
}
echo "=== debug module: $mod/vnitro.ko ($SECONDS s)"
make -s -C selftests/net >/dev/null
make -s -C selftests/rdma >/dev/null
make -s -C selftests/fuzz >/dev/null

passed=0
failed=0
splats=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
nbatches=$(((${#suites[@]} + batch_size - 1) / batch_size))
for ((b = 0; b < nbatches; b++)); do
	batch=("${suites[@]:b * batch_size:batch_size}")
	mem=2048
	limit=0
	for t in "${batch[@]}"; do
		m=$(sed -n 's/^# vm: .*--mem[ =]\([0-9]*\).*/\1/p' "$t")
		[[ -n $m ]] && ((m > mem)) && mem=$m
		# Each suite's limit, and time for the kmemleak scans and the reset after it.
		limit=$((limit + $(time_limit "$t") + 300))
	done
	echo "=== batch $((b + 1))/$nbatches: ${batch[*]#selftests/}"
	SECONDS=0
	VNITRO_KIMAGE=$kdir/bzImage VNITRO_KMODDIR=$kmoddir VNITRO_KO=$mod/vnitro.ko \
		VNITRO_APPEND="log_buf_len=8M ${VNITRO_APPEND:-}" \
		VNITRO_PASSENV="DEBUG_SUITE_TIMEOUT TORTURE_CYCLES FUZZ_SECS FUZZ_SEED ${VNITRO_PASSENV:-}" \
		qemu/run --no-module --mem $((mem + 1024)) --timeout "$limit" \
		-- scripts/check-debug.sh --in-vm "${batch[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "=== batch $((b + 1))/$nbatches: boot and ${#batch[@]} suites took $SECONDS s (qemu/run exit $rc)"
	for t in boot "${batch[@]}"; do
		name=${t#selftests/}
		line=$(grep -E "^=== debug: $name: [0-9]+ passed, [0-9]+ failed, [0-9]+ splats$" "$log" | tail -n 1)
		if [[ -z $line ]]; then
			echo "=== debug: $name: did not finish (the VM crashed or timed out): counted as one failure"
			failed=$((failed + 1))
			continue
		fi
		read -r p f s <<<"$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) splats$/\1 \2 \3/' <<<"$line")"
		passed=$((passed + p))
		failed=$((failed + f))
		splats=$((splats + s))
	done
	# 126: qemu/run's own scan found a splat after the last suite's log was read.
	((rc == 126)) && splats=$((splats + 1))
done

echo "$passed passed, $failed failed, $splats splats"
((failed == 0 && splats == 0))

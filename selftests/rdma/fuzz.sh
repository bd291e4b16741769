#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fuzz.sh - the module's two user-facing ABIs under bounded fuzzing (issue 12): the EFA
# uverbs surface of an instance's device (selftests/fuzz/uverbs_fuzz: every command with
# random udata, rings, doorbells and producer indices, mmap offsets, destroy racing use),
# trinity (Debian's system call fuzzer) on the verbs nodes as an unprivileged user, and
# the "vnitro" generic netlink family (selftests/fuzz/genl_fuzz: every command with right,
# mutated and wrong attributes, dumps, batches, several senders) as root and as a plain
# user. Each prints its iterations and the errnos it saw. Any kernel splat fails the suite;
# after all of it the module unloads, loads again and a new world works.
#
# FUZZ_SECS: seconds per fuzzer (default 20; `make fuzz` runs 300). FUZZ_SEED: a seed to
# repeat a run (each fuzzer prints the one it used).
# vm: --mem 2048
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
FUZZ=$VNITRO_TOP/selftests/fuzz

secs=${FUZZ_SECS:-20}
[[ $secs =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: invalid FUZZ_SECS: $secs" >&2; exit 2; }
seed=${FUZZ_SEED:-}
[[ -z $seed || $seed =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: invalid FUZZ_SEED: $seed" >&2; exit 2; }
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# fuzzer DESC CMD...: CMD runs to its end and reports; its report is shown.
fuzzer() {
	local desc=$1 out
	shift
	out=$("$@" 2>&1)
	echo "$out" | sed 's/^/# /'
	check_match "$desc: ran and reported" '^iterations: [1-9]' "$out"
	check_eq "$desc: kernel log is clean" "" "$(splats)"
}

[[ -w /sys/kernel/debug/kmemleak ]] && echo clear >/sys/kernel/debug/kmemleak
check "two instances" two_instances
efa_eni i-a
efa_eni i-b

# ---- uverbs ----
if [[ -x $FUZZ/uverbs_fuzz ]]; then
	# Its address handles also point at i-b's EFA: deliveries between two devices.
	gid_b=$(ip netns exec i-b cat "/sys/class/infiniband/$dev_b/ports/1/gids/0")
	fuzzer "uverbs_fuzz on $dev_a in i-a, 2 processes, ${secs} s" \
		ip netns exec i-a "$FUZZ/uverbs_fuzz" -d "$dev_a" -p "$gid_b" -t "$secs" -j 2 ${seed:+-s "$seed"}
	objects() { grep -v pinned_pages /sys/kernel/debug/vnitro/efa_objects; }
	check_eq "  ... once it is gone, the module holds nothing for it" \
		"$(printf 'ucontexts: 0\npds: 0\nmrs: 0\ncqs: 0\nqps: 0\nahs: 0\nmmap_entries: 0')" "$(objects)"
else
	not_ok "uverbs_fuzz is not built (selftests/fuzz)"
fi

# ---- trinity on the verbs nodes, as nobody in i-a ----
# (--dropprivs: started as root it drops to nobody; started as nobody, 2023.01 crashes
# when perf events are refused.) Only its fds from the victim path, not its sockets,
# pipes and the rest; a few thousand calls (its start-up alone takes a minute under TCG).
tdir=$(mktemp -d)
out=$(cd "$tdir" && ip netns exec i-a timeout $((secs + 240)) trinity --dropprivs -q -l off \
	-N $((secs * 100)) -C 2 -V /dev/infiniband \
	--disable-fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
	-c ioctl -c read -c write -c mmap -c munmap ${seed:+-s "$seed"} 2>&1)
rc=$?
rm -rf "$tdir"
echo "$out" | grep -E 'Ran [0-9]+ syscalls|[Ss]eed' | sed 's/^/# trinity: /'
check_eq "trinity: ioctl, read, write, mmap on /dev/infiniband as nobody in i-a (exit status)" 0 "$rc"
check_match "  ... ran its calls" 'Ran [1-9][0-9]* syscalls' "$out"
check_eq "  ... kernel log is clean" "" "$(splats)"

# ---- generic netlink ----
out=$("${NOBODY[@]}" "$FUZZ/genl_fuzz" -t 5 ${seed:+-s "$seed"} 2>&1)
echo "$out" | sed 's/^/# as nobody: /'
check_match "genl_fuzz as a plain user: ran" '^iterations: [1-9]' "$out"
check_eq "  ... nothing was accepted (every command needs CAP_NET_ADMIN)" "" \
	"$(grep -o ' OK:[0-9]*' <<<"$out")"
fuzzer "genl_fuzz as root, 2 senders, ${secs} s" "$FUZZ/genl_fuzz" -t "$secs" -j 2 ${seed:+-s "$seed"}

# ---- afterwards ----
# The fuzzers may have left anything in the world; the module must still go and come back.
pkill -9 -f "$FUZZ/" 2>/dev/null
for ((i = 0; i < 50; i++)); do
	rmmod vnitro 2>/dev/null && break
	sleep 0.2
done
check "rmmod after fuzzing" sh -c '! grep -q "^vnitro " /proc/modules'
check "insmod again" insmod "$VNITRO_TOP/kmod/vnitro.ko"
for n in $(ip netns list | awk '{print $1}'); do ip netns del "$n"; done
check "a new world" two_instances
check "  ... i-a pings i-b" ip netns exec i-a ping -c 1 -W 5 "$ip_b"
kmemleak_clean "fuzzing"
check_eq "kernel log is clean" "" "$(splats)"
summary

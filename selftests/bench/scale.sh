#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scale.sh - `make bench-scale`: what a cluster-sized world costs, measured in one VM boot.
# Prints figures and ratios; asserts nothing (a benchmark, not a test).
#
#   1. i-a -> i-b traffic (iperf3, UDP 64 B and TCP) with the fabric nearly empty,
#      each run followed at once by the same run over a veth pair with TSO off, so
#      that the cost ratios below compare vnitro/veth figures and host load cancels
#   2. BENCH_INSTANCES instances (default 1000) added one by one, each with its primary ENI:
#      `instance add` time at 10, 100, ... objects
#   3. a secondary ENI attached to each: `eni attach` time, memory per idle ENI
#   4. the same traffic with the fabric full; `eni show` and `dump` times
#   5. everything deleted, the traffic again; then `vnitro apply` of a generated
#      250-instance x 4-ENI world, and the traffic once more inside it
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
N=${BENCH_INSTANCES:-1000}
SECS=${BENCH_SECS:-3}
ROUNDS=${BENCH_ROUNDS:-3}
[[ $N =~ ^[1-9][0-9]*$ ]] && ((N >= 10 && N <= 1000)) ||
	{ echo "scale.sh: invalid BENCH_INSTANCES: $N (10 to 1000)" >&2; exit 2; }
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: invalid BENCH_SECS: $SECS" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "scale.sh: invalid BENCH_ROUNDS: $ROUNDS" >&2; exit 2; }

now_us() { echo $(($(date +%s%N) / 1000)); }
mem_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
ports() { "$VNITRO" -j eni show | jq '[.[] | select(.instance != null)] | length'; }
mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (a + b) / 2 }'; }

# traffic LABEL: ROUNDS runs of each test, each vnitro run followed by the
# same over the veth pair; sets udp_LABEL and tcp_LABEL (vnitro's medians)
# and rel_udp_LABEL and rel_tcp_LABEL (the medians of the per-round
# vnitro/veth ratios, which host load moves far less than either figure).
traffic() {
	local label=$1 r ip_b n v u=() t=() ru=() rt=()
	ip_b=$(eni_field "$(primary_eni i-b)" private_ip)
	for ((r = 0; r < ROUNDS; r++)); do
		n=$(iperf i-a i-b "$ip_b" -u -b 0 -l 64)
		v=$(iperf w-a w-b 10.98.0.2 -u -b 0 -l 64)
		u+=("$n") ru+=("$(ratio "$n" "$v" 4)")
		n=$(iperf i-a i-b "$ip_b")
		v=$(iperf w-a w-b 10.98.0.2)
		t+=("$n") rt+=("$(ratio "$n" "$v" 4)")
	done
	declare -g "udp_$label=$(median "${u[@]}")" "tcp_$label=$(median "${t[@]}")"
	declare -g "rel_udp_$label=$(median "${ru[@]}")" "rel_tcp_$label=$(median "${rt[@]}")"
	printf '  %-26s %6s ports  UDP 64 B %8s datagrams/s (%s x veth)  TCP %11s bit/s (%s x veth)\n' \
		"$label" "$(ports)" "$(median "${u[@]}")" "$(median "${ru[@]}")" \
		"$(median "${t[@]}")" "$(median "${rt[@]}")"
}

# timed VAR CMD...: runs CMD, adds its time in us to VAR.
timed() {
	local var=$1 t0
	shift
	t0=$(now_us)
	"$@" >/dev/null || echo "# failed: $*"
	declare -g "$var=$((${!var} + $(now_us) - t0))"
}

echo "vnitro scale benchmark: $(nproc) vCPU(s) under QEMU TCG, $N instances," \
     "traffic ${SECS}s x $ROUNDS rounds (median), kernel $(uname -r)"
two_instances
veth_pair w-a w-b 10.98.0.1 10.98.0.2 tso-off
echo "Traffic i-a -> i-b:"
traffic empty

# Instances one by one; the mean time of the last 10 adds before each checkpoint.
echo "instance add (a namespace, a PCI bus, the primary ENI and its netdev), mean of the 10 before:"
mem0=$(mem_kb)
for ((i = 1; i <= N; i++)); do
	((i % 10 == 1)) && acc=0
	timed acc "$VNITRO" instance add "i-$i" subnet subnet-default
	case $i in 10 | 100 | 250 | 500 | 1000) printf '  at %4d instances: %6d us\n' "$i" $((acc / 10)) ;; esac
done
mem1=$(mem_kb)
echo "eni add + eni attach (index 1) to each instance, mean of the 10 attaches before:"
for ((i = 1; i <= N; i++)); do
	((i % 10 == 1)) && acc=0
	eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
	timed acc "$VNITRO" eni attach "$eni" instance "i-$i" index 1
	case $i in 10 | 100 | 250 | 500 | 1000) printf '  at %4d ENIs attached: %6d us\n' "$((N + 2 + i))" $((acc / 10)) ;; esac
done
mem2=$(mem_kb)
echo "Memory (MemAvailable):"
echo "  per instance with its primary ENI: $(((mem0 - mem1) / N)) KiB"
echo "  per idle secondary ENI (PCI function, netdev, queues, fabric port): $(((mem1 - mem2) / N)) KiB"

echo "Dumps with $(ports) attached ENIs:"
t0=$(now_us); count=$("$VNITRO" -j eni show | jq length)
echo "  vnitro -j eni show: $((($(now_us) - t0) / 1000)) ms for $count ENIs"
t0=$(now_us); "$VNITRO" dump >/tmp/bench-dump.json
echo "  vnitro dump:        $((($(now_us) - t0) / 1000)) ms, $(jq '.enis | length' /tmp/bench-dump.json) ENIs"

echo "Traffic i-a -> i-b:"
traffic full
t0=$(now_us)
for ((i = 1; i <= N; i++)); do "$VNITRO" instance del "i-$i" >/dev/null; done
"$VNITRO" -j eni show | jq -r '.[] | select(.status == "available") | .id' |
	while read -r eni; do "$VNITRO" eni del "$eni" >/dev/null; done
echo "Teardown of $N instances and their ENIs: $((($(now_us) - t0) / 1000)) ms"
traffic empty_again

# A 250-instance topology from a file, as a user would keep one.
world() {
	local i j sep=
	echo '{"version": 1, "vpcs": [{"id": "vpc-bench", "cidr": "10.9.0.0/16"}], "subnets": ['
	echo '{"id": "subnet-bench", "vpc": "vpc-bench", "cidr": "10.9.0.0/20", "az": "us-east-1a"}'
	echo '], "instances": ['
	for ((i = 0; i < 250; i++)); do
		echo "$sep{\"name\": \"i-w$i\", \"subnet\": \"subnet-bench\"}"
		sep=,
	done
	echo '], "enis": ['
	sep=
	for ((i = 0; i < 250; i++)); do
		for ((j = 0; j < 4; j++)); do
			printf '%s{"id": "eni-0b%07x%08x", "subnet": "subnet-bench", "private_ip": "10.9.%d.%d", "instance": "i-w%d", "device_index": %d}\n' \
				"$sep" "$i" "$j" $(((4 * i + j + 10) / 256)) $(((4 * i + j + 10) % 256)) "$i" "$j"
			sep=,
		done
	done
	echo ']}'
}
world >/tmp/bench-world.json
t0=$(now_us)
"$VNITRO" apply /tmp/bench-world.json >/dev/null || echo "# apply failed"
echo "vnitro apply of 250 instances x 4 ENIs: $((($(now_us) - t0) / 1000)) ms ($(ports) ENIs attached)"
echo "Traffic i-a -> i-b:"
traffic applied

echo
echo "Per-frame cost, full fabric against empty (the mean of the two empty runs; target: at most 1.10),"
echo "from the vnitro/veth ratios of each phase (host load cancels), then from vnitro's figures alone:"
base_u=$(mean "$rel_udp_empty" "$rel_udp_empty_again") base_t=$(mean "$rel_tcp_empty" "$rel_tcp_empty_again")
echo "  UDP 64 B: $(ratio "$base_u" "$rel_udp_full") with $N x 2 ENIs, $(ratio "$base_u" "$rel_udp_applied") with the applied world"
echo "  TCP:      $(ratio "$base_t" "$rel_tcp_full") with $N x 2 ENIs, $(ratio "$base_t" "$rel_tcp_applied") with the applied world"
base_u=$(mean "$udp_empty" "$udp_empty_again") base_t=$(mean "$tcp_empty" "$tcp_empty_again")
echo "  (raw) UDP 64 B: $(ratio "$base_u" "$udp_full") and $(ratio "$base_u" "$udp_applied"); TCP: $(ratio "$base_t" "$tcp_full") and $(ratio "$base_t" "$tcp_applied")"

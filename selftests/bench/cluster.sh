#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cluster.sh a|b - make bench-cluster, one host of two (selftests/cluster/two-hosts.sh runs
# both): ping latency and TCP throughput between two instances of one host and between
# instances of two hosts, against the underlay the tunnel rides (the two VMs' own link,
# without vnitro) as the peer; and the control plane: changes of the world in etcd a second,
# applied by one host's vnitrod, then by two. Figures, not assertions; one vCPU per VM.
#
#   host a: web (10.1.0.10), web2 (10.1.0.12)       host b: db (10.1.0.20)
#   same host: web -> web2   across hosts: web -> db   underlay: ul0 -> 192.168.56.2
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/cluster/common.sh
source "$(dirname "$0")/../cluster/common.sh"
# shellcheck source=selftests/bench/common.sh
source "$(dirname "$0")/common.sh"
cluster_role "${1:-}"
SECS=${BENCH_SECS:-5}
ROUNDS=${BENCH_ROUNDS:-3}

check "the underlay and gnv0" underlay_up
check "vnitro tunnel set dev gnv0" "$VNITRO" tunnel set dev gnv0 local "192.168.56.$me"
"$VNITRO" vpc add vpc-0c1 cidr 10.1.0.0/16 >/dev/null
"$VNITRO" subnet add subnet-0c1 vpc vpc-0c1 cidr 10.1.0.0/24 az us-east-1a >/dev/null
declare -A host_of=([web]=a [web2]=a [db]=b)
declare -A ip_of=([web]=10.1.0.10 [web2]=10.1.0.12 [db]=10.1.0.20)
declare -A mac_of=([web]=02:0a:00:00:00:01 [web2]=02:0a:00:00:00:02 [db]=02:0b:00:00:00:01)
for inst in web web2 db; do
	args=("$inst" subnet subnet-0c1 ip "${ip_of[$inst]}" eni "eni-${mac_of[$inst]//:/}"
	      mac "${mac_of[$inst]}")
	if [[ ${host_of[$inst]} == "$role" ]]; then
		check "$inst, here" "$VNITRO" instance add "${args[@]}"
		check "$inst up" bring_up "$inst" "eni-${mac_of[$inst]//:/}"
	else
		check "$inst, on host ${host_of[$inst]}" "$VNITRO" instance add "${args[@]}" \
			host "192.168.56.$([[ ${host_of[$inst]} == a ]] && echo 1 || echo 2)"
	fi
done

# in_ns NS CMD...: CMD in namespace NS ("-": this one, the underlay's).
in_ns() {
	local ns=$1
	shift
	if [[ $ns == - ]]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# rtt NS ADDR: the mean round trip of 200 pings 10 ms apart, in microseconds.
rtt() {
	in_ns "$1" ping -q -c 200 -i 0.01 -W 2 "$2" 2>/dev/null |
		awk -F/ '/^rtt|^round-trip/ { printf "%d", $5 * 1000 }'
}

# tcp NS ADDR: the median of ROUNDS iperf3 runs to ADDR's server, bits/s.
tcp() {
	local r runs=()
	for ((r = 0; r < ROUNDS; r++)); do
		runs+=("$(in_ns "$1" iperf3 -c "$2" -t "$SECS" -J 2>/dev/null |
			jq -r '.end.sum_received.bits_per_second' | cut -d. -f1)")
	done
	median "${runs[@]}"
}

mbps() { awk -v b="$1" 'BEGIN { if (b > 0) printf "%.0f", b / 1e6; else print "n/a" }'; }

export VNITRO_ETCD=http://192.168.56.1:2379
OPS=${BENCH_OPS:-20}
((OPS >= 1 && OPS <= 50)) || { echo "bench-cluster: BENCH_OPS 1 to 50, not $OPS" >&2; exit 2; }

# changes N TAG HOSTS: N changes of the world in etcd, each adding an instance (of host a and
# b in turn); prints the changes a second until each of HOSTS live hosts applied the last.
changes() {
	local n=$1 tag=$2 hosts=$3 i t0 t1 rev
	t0=$(date +%s.%N)
	for ((i = 1; i <= n; i++)); do
		"$VNITRO" cluster dump >/tmp/read.json || return
		jq --arg name "$tag$i" --arg ip "10.1.0.$((100 + (hosts - 1) * 50 + i))" --arg host "192.168.56.$((i % 2 + 1))" \
			--arg eni "$(printf 'eni-0d%x%02x' "$hosts" "$i")" --arg mac "$(printf '02:0d:%02x:00:00:%02x' "$hosts" "$i")" \
			'.instances += [{"name": $name, "subnet": "subnet-0c1", "host": $host}] |
			 .enis += [{"id": $eni, "subnet": "subnet-0c1", "mac": $mac, "private_ip": $ip,
				    "instance": $name, "device_index": 0}]' /tmp/read.json >/tmp/mine.json
		"$VNITRO" cluster apply /tmp/mine.json >/dev/null || return
	done
	rev=$("$VNITRO" cluster dump | jq .cluster_revision)
	until "$VNITRO" -j cluster hosts |
		jq -e --argjson r "$rev" --argjson h "$hosts" 'length == $h and all(.[]; .applied >= $r)' >/dev/null; do
		sleep 0.05
	done
	t1=$(date +%s.%N)
	awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }'
}

if [[ $role == b ]]; then
	iperf3 -s -D -B 192.168.56.2 >/dev/null 2>&1
	ip netns exec db iperf3 -s -D >/dev/null 2>&1
	check "host b meets host a (servers up)" meet 1
	check "host b meets host a (done)" meet 2
	check "host b meets host a (one host's figure done)" meet 3
	"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host 192.168.56.2 2>/tmp/vnitrod.log &
	vnitrod=$!
	check "host b meets host a (two hosts' figure done)" meet 4
	kill "$vnitrod" 2>/dev/null
	summary
	exit
fi
ip netns exec web2 iperf3 -s -D >/dev/null 2>&1
check "host a meets host b (servers up)" meet 1
check "web reaches db across hosts" until_ok 60 ip netns exec web ping -c 1 -W 2 10.1.0.20
ip netns exec web ping -c 3 -W 2 10.1.0.12 >/dev/null 2>&1	# ARP, before the figures
lat_same=$(rtt web 10.1.0.12)
lat_cross=$(rtt web 10.1.0.20)
lat_ul=$(rtt - 192.168.56.2)
bw_same=$(tcp web 10.1.0.12)
bw_cross=$(tcp web 10.1.0.20)
bw_ul=$(tcp - 192.168.56.2)
check "host a meets host b (done)" meet 2

# The control plane: the world in etcd, host a's vnitrod alone, then both.
check "etcd on host a" start_etcd
"$VNITRO" dump | jq 'del(.instances[] | select(.name == "i-host")) |
	del(.enis[] | select(.instance == "i-host"))' >/tmp/world.json
check "the world stored in etcd" "$VNITRO" cluster apply /tmp/world.json
"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host 192.168.56.1 2>/tmp/vnitrod.log &
vnitrod=$!
check "host a's vnitrod is alive" until_ok 20 bash -c "$VNITRO cluster hosts | grep -q '^192\.168\.56\.1 '"
ops_one=$(changes "$OPS" one 1) || ops_one=failed
check "host a meets host b (one host's figure done)" meet 3
check "both hosts alive" until_ok 20 bash -c "$VNITRO -j cluster hosts | jq -e 'length == 2' >/dev/null"
ops_two=$(changes "$OPS" two 2) || ops_two=failed
check "host a meets host b (two hosts' figure done)" meet 4
kill "$vnitrod" "$etcd_pid" 2>/dev/null

echo "# bench-cluster: one vCPU per VM, ${ROUNDS} TCP runs of ${SECS} s (median), 200 pings"
printf '# %-34s %12s %12s\n' "" "ping (us)" "TCP (Mbit/s)"
printf '# %-34s %12s %12s\n' "instances, one host (web -> web2)" "$lat_same" "$(mbps "$bw_same")"
printf '# %-34s %12s %12s\n' "instances, two hosts (web -> db)" "$lat_cross" "$(mbps "$bw_cross")"
printf '# %-34s %12s %12s\n' "the underlay alone (ul0 -> ul0)" "$lat_ul" "$(mbps "$bw_ul")"
echo "# ratios: two hosts / one host: latency $(ratio "$lat_cross" "$lat_same"), TCP $(ratio "$bw_cross" "$bw_same")"
echo "#         two hosts / underlay: latency $(ratio "$lat_cross" "$lat_ul"), TCP $(ratio "$bw_cross" "$bw_ul")"
echo "# control plane: ${OPS} changes of the world in etcd (each adds an instance), each host applying it:"
echo "#   changes/s until every host applied the last: one host ${ops_one}, two hosts ${ops_two}," \
	"ratio $(ratio "$ops_two" "$ops_one")"
summary

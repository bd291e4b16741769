#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cluster.sh a|b - make bench-cluster, one host of two (selftests/cluster/two-hosts.sh runs
# both): ping latency and TCP throughput between two instances of one host and between
# instances of two hosts, against the underlay the tunnel rides (the two VMs' own link,
# without vnitro) as the peer. Figures, not assertions; one vCPU per VM.
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
check "vnitro tunnel set dev gnv0" "$VNITRO" tunnel set dev gnv0
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

if [[ $role == b ]]; then
	iperf3 -s -D -B 192.168.56.2 >/dev/null 2>&1
	ip netns exec db iperf3 -s -D >/dev/null 2>&1
	check "host b meets host a (servers up)" meet 1
	check "host b meets host a (done)" meet 2
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

echo "# bench-cluster: one vCPU per VM, ${ROUNDS} TCP runs of ${SECS} s (median), 200 pings"
printf '# %-34s %12s %12s\n' "" "ping (us)" "TCP (Mbit/s)"
printf '# %-34s %12s %12s\n' "instances, one host (web -> web2)" "$lat_same" "$(mbps "$bw_same")"
printf '# %-34s %12s %12s\n' "instances, two hosts (web -> db)" "$lat_cross" "$(mbps "$bw_cross")"
printf '# %-34s %12s %12s\n' "the underlay alone (ul0 -> ul0)" "$lat_ul" "$(mbps "$bw_ul")"
echo "# ratios: two hosts / one host: latency $(ratio "$lat_cross" "$lat_same"), TCP $(ratio "$bw_cross" "$bw_same")"
echo "#         two hosts / underlay: latency $(ratio "$lat_cross" "$lat_ul"), TCP $(ratio "$bw_cross" "$bw_ul")"
echo "# control-plane operations per second with 1 and 2 hosts: not measured yet (cluster.md)"
summary

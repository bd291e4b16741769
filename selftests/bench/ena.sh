#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ena.sh - `make bench-ena`: vnitro ENIs against a veth pair, measured in the same VM boot.
# Prints figures and ratios; asserts nothing (a benchmark, not a test).
#
#   vnitro:  i-a eth0 --(fabric)--> i-b eth0        172.31.0.x
#   veth:    v-a veth0 -----------> v-b veth0        10.99.0.1 -> 10.99.0.2
#   veth, tso off (the same segmentation work as an ENA, which has no TSO):
#            w-a veth0 -----------> w-b veth0        10.98.0.1 -> 10.98.0.2
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
SECS=${BENCH_SECS:-3}
ROUNDS=${BENCH_ROUNDS:-5}	# iperf3 on one vCPU moves 2x between runs: 3 rounds do not settle a ratio
[[ $SECS =~ ^[1-9][0-9]*$ ]] || { echo "ena.sh: invalid BENCH_SECS: $SECS (a whole number of seconds, at least 1)" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ena.sh: invalid BENCH_ROUNDS: $ROUNDS (a count, at least 1)" >&2; exit 2; }

two_instances
veth_pair v-a v-b 10.99.0.1 10.99.0.2
veth_pair w-a w-b 10.98.0.1 10.98.0.2 tso-off
# The veth pair compare() runs against: VETH=tso-off for w-a/w-b.
peer() { if [[ ${VETH:-} == tso-off ]]; then echo "w-a w-b 10.98.0.2"; else echo "v-a v-b 10.99.0.2"; fi; }

row() { printf '%-44s %14s %14s %8s\n' "$@"; }

# compare LABEL CLIENT SERVER ADDR ARGS...: ROUNDS runs of iperf3 ARGS (or of
# the function MEASURE names, called as iperf is) from
# CLIENT to SERVER's ADDR over vnitro, each followed at once by the same run
# over the veth pair, so that both sides of a ratio see the same host load;
# prints the median of each side and the median of the per-round ratios.
compare() {
	local label=$1 c=$2 s=$3 addr=$4 r n v
	local -a ns=() vs=() rs=()
	shift 4
	for ((r = 0; r < ROUNDS; r++)); do
		n=$("${MEASURE:-iperf}" "$c" "$s" "$addr" "$@")
		# shellcheck disable=SC2046 # three words: client, server, address
		v=$("${MEASURE:-iperf}" $(peer) "$@")
		ns+=("$n") vs+=("$v") rs+=("$(ratio "$n" "$v")")
	done
	row "$label" "$(median "${ns[@]}")" "$(median "${vs[@]}")" "$(median "${rs[@]}")"
}

# coalesce RX TX: ethtool -C on both vnitro instances' eth0.
coalesce() {
	local inst
	for inst in i-a i-b; do
		ip netns exec "$inst" ethtool -C eth0 rx-usecs "$1" tx-usecs "$2"
	done
}

echo "vnitro ENA benchmark: $(nproc) vCPU(s) under QEMU TCG, ${SECS}s per run," \
     "median of $ROUNDS alternated rounds, kernel $(uname -r)"
row "test" "vnitro" "veth" "ratio"
for p in 1 4; do
	compare "TCP, $p stream(s) [bit/s]" i-a i-b "$ip_b" -P $p
done
# Against a peer doing the same work: veth with TSO off segments in the stack, as an ENA's sender does.
VETH=tso-off compare "TCP, 1 stream, vs veth tso off [bit/s]" i-a i-b "$ip_b"
VETH=tso-off compare "UDP 64 B, vs veth tso off [datagrams/s]" i-a i-b "$ip_b" -u -b 0 -l 64
# The same over ENIs of a device that offers TSO (tso=1; EC2's ENA does not).
echo 1 >/sys/module/vnitro/parameters/tso
for inst in i-c i-d; do
	"$VNITRO" instance add "$inst" subnet subnet-default >/dev/null
	bring_up "$inst" "$(primary_eni "$inst")"
done
echo 0 >/sys/module/vnitro/parameters/tso
ip_d=$(eni_field "$(primary_eni i-d)" private_ip)
for p in 1 4; do
	compare "TCP, $p stream(s), tso=1 [bit/s]" i-c i-d "$ip_d" -P $p
done
compare "UDP 64 B [datagrams/s]" i-a i-b "$ip_b" -u -b 0 -l 64
# Not the defaults: how much of the gap is the emulated interrupt delay.
coalesce 0 0
compare "UDP 64 B, rx-usecs 0 tx-usecs 0" i-a i-b "$ip_b" -u -b 0 -l 64
coalesce 1000 1000
compare "UDP 64 B, rx-usecs 1000 tx-usecs 1000" i-a i-b "$ip_b" -u -b 0 -l 64
coalesce 20 64

# The path's own cost without the scheduler in it: one CPU sends 64-byte
# datagrams to a socket that is never read, so the receiver never wakes and
# each datagram's whole path (stack, device, fabric, receive, socket drop)
# runs in the sender's context; the rate is the inverse of that cost.
FLOOD=$(dirname "$0")/udp-flood
flood() { ip netns exec "$1" "$FLOOD" send "$3" 9999 "$SECS"; }
if [[ -x $FLOOD ]]; then
	sinks=()
	for ns in i-b w-b; do
		ip netns exec "$ns" "$FLOOD" sink 9999 &
		sinks+=($!)
	done
	sleep 0.3
	MEASURE=flood VETH=tso-off compare "UDP 64 B flood, not read, vs veth tso off [dgrams/s]" \
		i-a i-b "$ip_b"
	coalesce 0 0
	MEASURE=flood VETH=tso-off compare "UDP 64 B flood, not read, rx/tx-usecs 0 [dgrams/s]" \
		i-a i-b "$ip_b"
	coalesce 20 64
	kill "${sinks[@]}" 2>/dev/null
	wait "${sinks[@]}" 2>/dev/null
else
	echo "($FLOOD is not built (make -C selftests/bench): the flood rows are left out)"
fi

# Security groups at EC2's quotas on both ends: 5 groups of 60 ingress and 60
# egress rules each, tracking on (no 0.0.0.0/0 rule either way, so no flow is
# untracked); the rule that admits the traffic is the last of the last group.
heavy_groups() {
	local g r world=/tmp/bench-groups.json ids
	{
		echo '{"vpcs": [{"id": "vpc-default", "cidr": "172.31.0.0/16"}], "security_groups": ['
		for g in 1 2 3 4 5; do
			((g > 1)) && echo ,
			printf '{"id": "sg-be0%d", "vpc": "vpc-default", "name": "bench-%d", "ingress": [' "$g" "$g"
			for ((r = 0; r < 60; r++)); do
				((r)) && printf ,
				if ((g == 5 && r == 59)); then
					printf '{"protocol": "all", "cidr": "172.31.0.0/16"}'
				else
					printf '{"protocol": "tcp", "port_from": %d, "port_to": %d, "cidr": "10.%d.%d.0/24"}' \
						$((1000 + r)) $((1000 + r)) "$g" "$r"
				fi
			done
			printf '], "egress": ['
			for ((r = 0; r < 60; r++)); do
				((r)) && printf ,
				if ((g == 5 && r == 59)); then
					printf '{"protocol": "all", "cidr": "172.31.0.0/16"}'
				else
					printf '{"protocol": "udp", "port_from": %d, "port_to": %d, "cidr": "10.%d.%d.0/24"}' \
						$((2000 + r)) $((2000 + r)) "$g" "$r"
				fi
			done
			printf ']}'
		done
		echo ']}'
	} >"$world"
	"$VNITRO" apply "$world" >/dev/null || return
	ids=sg-be01,sg-be02,sg-be03,sg-be04,sg-be05
	"$VNITRO" eni set "$(primary_eni i-a)" security-groups "$ids" >/dev/null &&
		"$VNITRO" eni set "$(primary_eni i-b)" security-groups "$ids" >/dev/null
}
if heavy_groups; then
	VETH=tso-off compare "TCP, 1 stream, 5x60 rules, vs veth tso off [bit/s]" i-a i-b "$ip_b"
	VETH=tso-off compare "UDP 64 B, 5x60 rules, vs veth tso off [datagrams/s]" i-a i-b "$ip_b" -u -b 0 -l 64
else
	echo "(the 5 x 60-rule groups could not be set up: rows left out)"
fi

# RSS spread: 64 UDP flows (source ports 20000..20063) into i-b's queues.
nq=$(ip netns exec i-b ethtool -l eth0 | awk '/^Current/ {c = 1} c && /^Combined/ {print $2}')
before=$(ip netns exec i-b ethtool -S eth0 | awk '/^ +queue_[0-9]+_rx_cnt:/ {printf "%s ", $2}')
ip netns exec i-a perl -MIO::Socket::INET -e '
	for my $port (20000 .. 20063) {
		my $s = IO::Socket::INET->new(Proto => "udp", LocalPort => $port,
					      PeerAddr => "'"$ip_b"':9") or die "socket: $!";
		$s->send("x") for 1 .. 100;
	}'
sleep 0.5
after=$(ip netns exec i-b ethtool -S eth0 | awk '/^ +queue_[0-9]+_rx_cnt:/ {printf "%s ", $2}')
echo
echo "RSS spread of 64 UDP flows x 100 datagrams over $nq queue(s) (per-queue rx_cnt deltas):"
paste <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") | awk 'NF == 2 {
	d = $2 - $1; printf "  queue %d: %d\n", q++, d
	if (min == "" || d < min) min = d; if (d > max) max = d }
	END { printf "  max/min: %s\n", (min > 0 ? sprintf("%.2f", max / min) : "n/a (an empty queue)") }'

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# host.sh a|b - one of the two hosts of two-hosts.sh, inside its VM: its underlay NIC, a
# Geneve device in external mode as the tunnel, and the same VPC as the other host's, in
# which each host runs one instance and knows the other's as an instance of that host.
#
#   host a (192.168.56.1): web (10.1.0.10, eni-0a1; eni-0a2 10.1.0.11 attached at index 1)
#   host b (192.168.56.2): db  (10.1.0.20, eni-0b1)
#
# Checks: ping and TCP between the hosts' instances; eni-0a2 moved from web to db (detached
# and attached on both hosts), its address answering from host b; a frame for an ENI that
# is not where the sender says (ghost, which host a places on host b) dropped and counted
# by host b; the tunnel's counters. The hosts meet at numbered points (meet) over the
# underlay, so that neither checks what the other has not set up yet.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

role=${1:?usage: host.sh a|b}
case $role in
a) me=1 peer=2 ;;
b) me=2 peer=1 ;;
*) echo "host.sh: role a or b, not $role" >&2; exit 2 ;;
esac
peer_ul=192.168.56.$peer

# meet N: both hosts have reached point N (each listens on 7100+N and calls the other's).
meet() {
	local port=$((7100 + $1)) i listener
	busybox nc -l -p "$port" >/dev/null 2>&1 &
	listener=$!
	for ((i = 0; i < 900; i++)); do
		echo "$role" | busybox nc -w 1 "$peer_ul" "$port" >/dev/null 2>&1 && break
		sleep 0.2
	done
	# The other host calls in turn; 3 minutes at most.
	for ((i = 0; i < 900; i++)); do
		kill -0 "$listener" 2>/dev/null || break
		sleep 0.2
	done
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	((i < 900))
}

# until_ok SECONDS CMD...: CMD retried each second until it succeeds.
until_ok() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" >/dev/null 2>&1 && return
		sleep 1
	done
	"$@"
}

fstat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
tunnel() { "$VNITRO" -j tunnel show | jq -r ".$1"; }

# ---- the underlay and the tunnel ----
check "modprobe virtio_net geneve" modprobe -a virtio_net geneve
ul=
for d in /sys/class/net/*; do
	[[ $(cat "$d/address") == "52:54:00:56:00:0$me" ]] && ul=${d##*/}
done
check "the underlay NIC (52:54:00:56:00:0$me) is there" test -n "$ul"
ip link set "$ul" name ul0 && ip link set ul0 mtu 9100 up && ip addr add "192.168.56.$me/24" dev ul0
check "gnv0: a Geneve device in external mode" ip link add gnv0 type geneve external
ip link set gnv0 up
check_err "a device that is no Geneve device is refused" 'is no Geneve device in external mode' \
	"$VNITRO" tunnel set dev ul0
check "vnitro tunnel set dev gnv0" "$VNITRO" tunnel set dev gnv0
check_eq "tunnel show names gnv0" gnv0 "$(tunnel dev)"

# ---- one VPC, as both hosts know it ----
"$VNITRO" vpc add vpc-0c1 cidr 10.1.0.0/16 >/dev/null
"$VNITRO" subnet add subnet-0c1 vpc vpc-0c1 cidr 10.1.0.0/24 az us-east-1a >/dev/null
web=(web subnet subnet-0c1 ip 10.1.0.10 eni eni-0a1 mac 02:0a:00:00:00:01)
db=(db subnet subnet-0c1 ip 10.1.0.20 eni eni-0b1 mac 02:0b:00:00:00:01)
"$VNITRO" eni add eni-0a2 subnet subnet-0c1 ip 10.1.0.11 mac 02:0a:00:00:00:02 >/dev/null
if [[ $role == a ]]; then
	check "web, here" "$VNITRO" instance add "${web[@]}"
	check "db, on host b" "$VNITRO" instance add "${db[@]}" host 192.168.56.2
	check "ghost, which host a says is on host b" "$VNITRO" instance add ghost subnet subnet-0c1 \
		ip 10.1.0.30 eni eni-0c1 mac 02:0c:00:00:00:01 host 192.168.56.2
	check "eni-0a2 attached to web" "$VNITRO" eni attach eni-0a2 instance web index 1
	check_match "instance show says where db runs" '^db: .* host 192\.168\.56\.2( |$)' \
		"$("$VNITRO" instance show db)"
	check_err "host 0.0.0.0 is refused" "is no host's address" \
		"$VNITRO" instance add other subnet subnet-0c1 host 0.0.0.0
	local_inst=web local_eni=eni-0a1 peer_ip=10.1.0.20
else
	check "web, on host a" "$VNITRO" instance add "${web[@]}" host 192.168.56.1
	check "db, here" "$VNITRO" instance add "${db[@]}"
	check "eni-0a2 attached to web (host a)" "$VNITRO" eni attach eni-0a2 instance web index 1
	local_inst=db local_eni=eni-0b1 peer_ip=10.1.0.10
fi
check "$local_inst is up" bring_up "$local_inst" "$local_eni"
check "host $role meets the other host (world built)" meet 1

# ---- across hosts ----
check "ping $peer_ip from $local_inst, on the other host" \
	until_ok 60 ip netns exec "$local_inst" ping -c 1 -W 2 "$peer_ip"
check "ping -c 5: no loss" ip netns exec "$local_inst" ping -c 5 -i 0.2 -W 2 "$peer_ip"
seq 1 200000 >/tmp/payload
if [[ $role == b ]]; then
	ip netns exec db sh -c 'timeout 60 busybox nc -l -p 7000 > /tmp/payload.rx' &
	receiver=$!
	wait_listen db 7000
	check "host b meets host a (db listens)" meet 2
	wait "$receiver"
	check "1.3 MB over TCP from web (host a) to db, byte for byte" cmp /tmp/payload /tmp/payload.rx
else
	check "host a meets host b (db listens)" meet 2
	check "TCP from web to db (host b)" \
		ip netns exec web timeout 60 bash -c 'cat /tmp/payload > /dev/tcp/10.1.0.20/7000'
fi
check "host $role meets the other host (TCP done)" meet 3

# ---- eni-0a2 moves from web (host a) to db (host b) ----
check "eni-0a2 detached from web" "$VNITRO" eni detach eni-0a2
check "eni-0a2 attached to db" "$VNITRO" eni attach eni-0a2 instance db index 1
if [[ $role == b ]]; then
	# Replies from 10.1.0.11 leave through eth1 (eth0's source/dest check would drop them).
	check "eni-0a2 (eth1) up in db, source-routed" source_routed db eni-0a2 10.1.0.11
fi
check "host $role meets the other host (eni-0a2 moved)" meet 4
if [[ $role == a ]]; then
	check "eni-0a2's 10.1.0.11 answers from db, on host b" \
		until_ok 30 ip netns exec web ping -c 1 -W 2 10.1.0.11
	# ghost is not on host b: host b refuses what claims it is.
	ip netns exec web ping -c 3 -i 0.3 -W 1 10.1.0.30 >/dev/null 2>&1
	check_eq "ghost does not answer" 1 "$(ip netns exec web ping -c 1 -W 1 10.1.0.30 >/dev/null 2>&1; echo $?)"
fi
check "host $role meets the other host (ghost tried)" meet 5
if [[ $role == b ]]; then
	check_match "host b dropped the frames for ghost (drop_tunnel_mapping)" '^[1-9]' "$(fstat drop_tunnel_mapping)"
	check_match "and counts them in tunnel rx-dropped" '^[1-9]' "$(tunnel rx_dropped)"
fi
check_match "tunnel tx-packets counts what left for the other host" '^[1-9]' "$(tunnel tx_packets)"
check_match "tunnel rx-packets counts what came from it" '^[1-9]' "$(tunnel rx_packets)"
check_match "fabric tunnel_rx as well" '^[1-9]' "$(fstat tunnel_rx)"
check_eq "tunnel tx-dropped" 0 "$(tunnel tx_dropped)"
check "host $role meets the other host (done)" meet 6

# ---- letting go ----
check "vnitro tunnel set dev none" "$VNITRO" tunnel set dev none
check_eq "tunnel show: none (null)" null "$(tunnel dev)"
check_match "text: dev none" '^dev none ' "$("$VNITRO" tunnel show)"
check "the Geneve device can go" ip link del gnv0
check "instances deleted" bash -c "$VNITRO instance del web && $VNITRO instance del db && { [[ $role == b ]] || $VNITRO instance del ghost; }"
summary

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
# cluster: two-hosts
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/cluster/common.sh
source "$(dirname "$0")/common.sh"
cluster_role "${1:-}"
fstat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/fabric; }
tunnel() { "$VNITRO" -j tunnel show | jq -r ".$1"; }

# ---- the underlay and the tunnel ----
check "the underlay (ul0) and gnv0, a Geneve device in external mode" underlay_up
check_err "a device that is no Geneve device is refused" 'is no Geneve device in external mode' \
	"$VNITRO" tunnel set dev ul0
check "vnitro tunnel set dev gnv0 local 192.168.56.$me" "$VNITRO" tunnel set dev gnv0 local "192.168.56.$me"
check_eq "tunnel show names gnv0" gnv0 "$(tunnel dev)"
check_eq "and this host's address" "192.168.56.$me" "$(tunnel local)"

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
	check_err "this host's address cannot be one another host's instance has" \
		'instance "db" runs on host 192\.168\.56\.2: that cannot be this host' \
		"$VNITRO" tunnel set dev gnv0 local 192.168.56.2
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
	check_err "an instance of this host's own address is refused" "is this host's own address" \
		"$VNITRO" instance add other subnet subnet-0c1 host 192.168.56.2
fi

# ---- one file for both hosts: host a's dump, applied on host b ----
# cache (10.1.0.40) is added on host a by hand; host b learns of it from the file, whose
# "host" fields say where each instance runs (this host's own: its tunnel's local address).
# i-host, each host's default instance, is its own and stays out of the file.
if [[ $role == a ]]; then
	check "ghost deleted" "$VNITRO" instance del ghost
	check "cache, here" "$VNITRO" instance add cache subnet subnet-0c1 ip 10.1.0.40 eni eni-0ca1 \
		mac 02:0c:0a:00:00:01
	check "cache is up" bring_up cache eni-0ca1
	"$VNITRO" dump | jq 'del(.instances[] | select(.name == "i-host")) |
		del(.enis[] | select(.instance == "i-host"))' >/tmp/world.json
	check_eq "the dump says where every instance runs" \
		"cache 192.168.56.1 db 192.168.56.2 web 192.168.56.1" \
		"$(jq -r '[.instances[] | "\(.name) \(.host)"] | sort | join(" ")' /tmp/world.json)"
	check "host a meets host b (b listens for the file)" meet 6
	check "the file sent to host b" bash -c 'cat /tmp/world.json > /dev/tcp/192.168.56.2/7000'
	check "host a meets host b (b applied it)" meet 7
else
	timeout 60 busybox nc -l -p 7000 >/tmp/world.json &
	receiver=$!
	check "host b meets host a (listening for the file)" meet 6
	wait "$receiver"
	check "vnitro apply of host a's file" "$VNITRO" apply /tmp/world.json
	check_match "cache is host a's, with its primary ENI as host a named it" \
		'^cache: .* primary-eni eni-0ca1 .* host 192\.168\.56\.1( |$)' "$("$VNITRO" instance show cache)"
	check_eq "and its MAC" 02:0c:0a:00:00:01 "$(eni_field eni-0ca1 mac)"
	check_eq "applied again: nothing to change" "" "$("$VNITRO" apply /tmp/world.json)"
	check "db reaches cache, on host a" until_ok 30 ip netns exec db ping -c 1 -W 2 10.1.0.40
	check "host b meets host a (applied)" meet 7
fi
check_match "tunnel tx-packets counts what left for the other host" '^[1-9]' "$(tunnel tx_packets)"
check_match "tunnel rx-packets counts what came from it" '^[1-9]' "$(tunnel rx_packets)"
check_match "fabric tunnel_rx as well" '^[1-9]' "$(fstat tunnel_rx)"
check_eq "tunnel tx-dropped" 0 "$(tunnel tx_dropped)"
check "host $role meets the other host (done)" meet 8

# ---- who may see and change it ----
check_err "a plain user cannot read the tunnel" 'Operation not permitted|not permitted' \
	plain "$VNITRO" tunnel show
check_err "nor set it" 'Operation not permitted|not permitted' plain "$VNITRO" tunnel set dev none
check_err "an instance does not see the control plane at all" 'not loaded|not found' \
	ip netns exec "$local_inst" "$VNITRO" tunnel show
check_eq "an instance sees its own interfaces only, never the tunnel's" "eth0 lo" \
	"$(ip -n "$local_inst" -o link show | awk -F': ' '{print $2}' | grep -v '^eth1' | sort | xargs)"

# ---- letting go ----
check "vnitro tunnel set dev none" "$VNITRO" tunnel set dev none
check_eq "tunnel show: none (null)" null "$(tunnel dev)"
check_match "text: dev none" '^dev none ' "$("$VNITRO" tunnel show)"
check "the Geneve device can go" ip link del gnv0
check "instances deleted" bash -c "$VNITRO instance del web && $VNITRO instance del db && $VNITRO instance del cache"
# A device deleted while in use, and the module unloaded while one is: nothing is left.
ip link add gnv1 type geneve external && ip link set gnv1 up
check "the tunnel through gnv1" "$VNITRO" tunnel set dev gnv1
check "gnv1 deleted while in use" ip link del gnv1
check_eq "the tunnel let go of it" null "$(tunnel dev)"
ip link add gnv2 type geneve external && ip link set gnv2 up
"$VNITRO" instance add far subnet subnet-0c1 host 192.168.56.9 >/dev/null
check "the tunnel through gnv2, an instance of another host there" "$VNITRO" tunnel set dev gnv2
check "rmmod with the tunnel in use" rmmod vnitro
check "gnv2 is the kernel's again: it can go" ip link del gnv2
summary

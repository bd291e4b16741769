#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# efa.sh a|b - EFA between the two hosts of two-hosts.sh: one subnet, an instance on each host
# with an EFA ENI at index 1, and stock clients across the tunnel as within one host: UD
# (ibv_ud_pingpong), SRD (srd_seq: each numbered message exactly once) and libfabric's efa
# provider (fi_pingpong -p efa -e rdm, data verified). Then a transfer killed on both hosts
# midway: every EFA object of the module comes back, and the module unloads.
#
#   host a (192.168.56.1): web (10.1.0.10; EFA ENI eni-0a9, 10.1.0.12)
#   host b (192.168.56.2): db  (10.1.0.20; EFA ENI eni-0b9, 10.1.0.22)   servers run here
# cluster: two-hosts
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/cluster/common.sh
source "$(dirname "$0")/common.sh"
cluster_role "${1:-}"
bin=$(dirname "$0")/../rdma
estat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }

check "the underlay and gnv0" underlay_up
check "the tunnel through gnv0" "$VNITRO" tunnel set dev gnv0 local "192.168.56.$me"
"$VNITRO" vpc add vpc-0e1 cidr 10.1.0.0/16 >/dev/null
"$VNITRO" subnet add subnet-0e1 vpc vpc-0e1 cidr 10.1.0.0/24 az us-east-1a >/dev/null
web=(web subnet subnet-0e1 ip 10.1.0.10 eni eni-0a1 mac 02:0a:00:00:00:01)
db=(db subnet subnet-0e1 ip 10.1.0.20 eni eni-0b1 mac 02:0b:00:00:00:01)
if [[ $role == a ]]; then
	"$VNITRO" instance add "${web[@]}" >/dev/null
	"$VNITRO" instance add "${db[@]}" host 192.168.56.2 >/dev/null
	inst=web eni=eni-0a1 efa=eni-0a9 server_ip=10.1.0.20
else
	"$VNITRO" instance add "${web[@]}" host 192.168.56.1 >/dev/null
	"$VNITRO" instance add "${db[@]}" >/dev/null
	inst=db eni=eni-0b1 efa=eni-0b9
fi
check "EFA ENIs of both instances" bash -c "
	$VNITRO eni add eni-0a9 subnet subnet-0e1 ip 10.1.0.12 mac 02:0a:00:00:00:09 type efa &&
	$VNITRO eni add eni-0b9 subnet subnet-0e1 ip 10.1.0.22 mac 02:0b:00:00:00:09 type efa &&
	$VNITRO eni attach eni-0a9 instance web index 1 &&
	$VNITRO eni attach eni-0b9 instance db index 1" >/dev/null
check "$inst is up" bring_up "$inst" "$eni"
dev=$(eni_field "$efa" rdma_device)
check_match "$inst's EFA device ($dev) is here, port active" 'PORT_ACTIVE' \
	"$(ip netns exec "$inst" ibv_devinfo -d "$dev" 2>&1)"
check_eq "the other host's EFA ENI has no device here" "" "$(eni_field "$([[ $role == a ]] &&
	echo eni-0b9 || echo eni-0a9)" rdma_device | grep -v null)"
check "host $role meets the other host (instances up)" meet 1
if [[ $role == a ]]; then
	check "web reaches db on host b" until_ok 60 ip netns exec web ping -c 1 -W 2 10.1.0.20
fi
cat /sys/kernel/debug/vnitro/efa_objects >/tmp/objects.before
tx0=$(estat remote_tx) rx0=$(estat remote_rx)
check "host $role meets the other host (ready)" meet 2

# server NAME CMD...: CMD in this host's instance, in the background (its output in
# /tmp/NAME.out); serve_done NAME: its exit status 0.
server() {
	local name=$1
	shift
	ip netns exec "$inst" timeout 120 "$@" >"/tmp/$name.out" 2>&1 &
	declare -g "pid_$name=$!"
}
serve_done() {
	local p="pid_$1"
	wait "${!p}" || { sed 's/^/#   /' "/tmp/$1.out" | tail -5; return 1; }
}
client() {
	local name=$1
	shift
	ip netns exec "$inst" timeout 120 "$@" >"/tmp/$name.out" 2>&1 ||
		{ sed 's/^/#   /' "/tmp/$name.out" | tail -5; return 1; }
}

# ---- UD ----
if [[ $role == b ]]; then
	server ud ibv_ud_pingpong -d "$dev" -g 0 -n 100
	wait_listen db 18515
	check "host b meets host a (ibv_ud_pingpong listens)" meet 3
	check "ibv_ud_pingpong server on host b: 100 datagrams each way" serve_done ud
else
	check "host a meets host b (ibv_ud_pingpong listens)" meet 3
	check "ibv_ud_pingpong from host a to host b: 100 datagrams each way" \
		client ud ibv_ud_pingpong -d "$dev" -g 0 -n 100 "$server_ip"
fi
check "host $role meets the other host (UD done)" meet 4

# ---- SRD ----
if [[ $role == b ]]; then
	server srd "$bin/srd_seq" -d "$dev" -n 1000
	wait_listen db 18700
	check "host b meets host a (srd_seq listens)" meet 5
	check "srd_seq on host b: 1000 messages from host a, each exactly once, intact" serve_done srd
	check_match "  ... its count" '^received 1000 of 1000 distinct messages; 0 duplicates' \
		"$(cat /tmp/srd.out)"
else
	check "host a meets host b (srd_seq listens)" meet 5
	check "srd_seq from host a: 1000 SRD sends to host b, every one completed OK" \
		client srd "$bin/srd_seq" -d "$dev" -n 1000 "$server_ip"
	check_match "  ... its count" '^1000 sends completed OK, 0 failed' "$(cat /tmp/srd.out)"
fi
check "host $role meets the other host (SRD done)" meet 6

# ---- libfabric's efa provider ----
fip=(env FI_EFA_ENABLE_SHM_TRANSFER=0 fi_pingpong -p efa -e rdm -d "$dev-rdm" -v -I 200 -S 1024)
if [[ $role == b ]]; then
	server fip "${fip[@]}"
	check "host b meets host a (fi_pingpong listens)" meet 7
	check "fi_pingpong -p efa -e rdm server on host b: 200 round trips, data verified" serve_done fip
else
	check "host a meets host b (fi_pingpong listens)" meet 7
	check "fi_pingpong -p efa -e rdm from host a to host b" until_ok 10 client fip "${fip[@]}" "$server_ip"
	check_match "  ... its report" '^1k +200 ' "$(cat /tmp/fip.out)"
	sed -n 's/^/# fi_pingpong: /p' /tmp/fip.out | tail -2
fi
check "host $role meets the other host (fi_pingpong done)" meet 8

check_match "efa_engine remote_tx: frames sent to the other host" '^[1-9]' "$(( $(estat remote_tx) - tx0 ))"
check_match "efa_engine remote_rx: frames from it" '^[1-9]' "$(( $(estat remote_rx) - rx0 ))"
check_eq "efa_engine remote_dropped: none" 0 "$(estat remote_dropped)"

# ---- killed midway ----
if [[ $role == b ]]; then
	server kill "$bin/srd_seq" -d "$dev" -n 1000000
	wait_listen db 18700
	check "host b meets host a (a long transfer listens)" meet 9
	check "host b meets host a (the transfer runs)" meet 10
	pkill -9 -x srd_seq
else
	check "host a meets host b (a long transfer listens)" meet 9
	ip netns exec web timeout 120 "$bin/srd_seq" -d "$dev" -n 1000000 "$server_ip" >/dev/null 2>&1 &
	pid=$!
	sleep 3
	check "host a meets host b (the transfer runs)" meet 10
	pkill -9 -x srd_seq
	wait "$pid" 2>/dev/null
fi
wait 2>/dev/null
check "every EFA object of the module is back (killed on both hosts)" \
	until_ok 10 bash -c 'objects=$(cat /sys/kernel/debug/vnitro/efa_objects) &&
		diff /tmp/objects.before - <<<"$objects"'
check "host $role meets the other host (done)" meet 11
check "instances deleted" bash -c "$VNITRO instance del web && $VNITRO instance del db"
check "rmmod" rmmod vnitro
summary

# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# common.sh - what a host of a two-VM run does first (host.sh, bench/cluster.sh): its role,
# the underlay NIC qemu/run --underlay gave it, a Geneve device in external mode, and meeting
# the other host at numbered points. Sourced after ../lib.sh.

role='' me='' peer='' peer_ul='' etcd_pid=''

# cluster_role a|b: sets role, me, peer and peer_ul (the other host's underlay address).
cluster_role() {
	role=$1
	case $role in
	a) me=1 peer=2 ;;
	b) me=2 peer=1 ;;
	*) echo "${0##*/}: role a or b, not \"$role\"" >&2; exit 2 ;;
	esac
	peer_ul=192.168.56.$peer
}

# underlay_up: the NIC of MAC 52:54:00:56:00:0$me as ul0 (192.168.56.$me/24, MTU 9100) and
# gnv0, a Geneve device in external mode, both up.
underlay_up() {
	local d ul=
	modprobe -a virtio_net geneve || return
	for d in /sys/class/net/*; do
		[[ $(cat "$d/address") == "52:54:00:56:00:0$me" ]] && ul=${d##*/}
	done
	[[ -n $ul ]] || { echo "no NIC of MAC 52:54:00:56:00:0$me (qemu/run --underlay)"; return 1; }
	ip link set "$ul" name ul0 &&
	ip link set ul0 mtu 9100 up &&
	ip addr add "192.168.56.$me/24" dev ul0 &&
	ip link add gnv0 type geneve external &&
	ip link set gnv0 up
}

# meet N: both hosts have reached point N (each listens on 7100+N and calls the other's;
# 3 minutes at most).
meet() {
	local port=$((7100 + $1)) i listener
	busybox nc -l -p "$port" >/dev/null 2>&1 &
	listener=$!
	for ((i = 0; i < 900; i++)); do
		echo "$role" | busybox nc -w 1 "$peer_ul" "$port" >/dev/null 2>&1 && break
		sleep 0.2
	done
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

# start_etcd: one etcd member on host a, its clients on 192.168.56.1:2379 (etcd_pid, log in
# /tmp/etcd.log, data in /tmp/etcd: a restart keeps the world).
start_etcd() {
	etcd --name a --data-dir /tmp/etcd --listen-client-urls http://192.168.56.1:2379 \
		--advertise-client-urls http://192.168.56.1:2379 \
		--listen-peer-urls http://127.0.0.1:2380 \
		--initial-advertise-peer-urls http://127.0.0.1:2380 \
		--initial-cluster a=http://127.0.0.1:2380 >>/tmp/etcd.log 2>&1 &
	# shellcheck disable=SC2034 # the sourcing script's, to stop it
	etcd_pid=$!
	until_ok 30 etcdctl --endpoints http://192.168.56.1:2379 endpoint health
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# efa.sh - `make bench-efa`: vnitro's EFA against rdma_rxe and libfabric's shm and tcp, in one VM boot.
# Prints figures and ratios; asserts nothing (a benchmark, not a test).
#
#   vnitro:  i-a efa_N --(engine, fabric)--> i-b efa_M   perftest -c UD / -c SRD, fi_pingpong -p efa
#   rxe:     rxe0 on veth0 (10.99.0.1), client and server on the same device, RC
#   shm/tcp: fi_pingpong over 127.0.0.1 (libfabric's shared-memory and TCP providers)
# Latency is perftest's t_typical (the median) and fi_pingpong's usec/xfer, in µs.
# The vnitro runs come first: libfabric 1.17's efa provider gives up once an
# rdma_rxe device exists, so rxe is loaded only afterwards.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
ITERS=${BENCH_ITERS:-2000}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
row() { printf '%-36s %12s\n' "$1" "$2"; }

# in_ns NS CMD...: CMD in network namespace NS ("-": the VM's own).
in_ns() {
	local ns=$1
	shift
	if [[ $ns == - ]]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# perftest SERVER_NS CLIENT_NS ADDR TOOL ARGS...: the client's result line.
perftest() {
	local s=$1 c=$2 addr=$3 tool=$4
	shift 4
	in_ns "$s" timeout 60 "$tool" "$@" >/dev/null 2>&1 &
	sleep 1
	in_ns "$c" timeout 60 "$tool" "$@" "$addr" 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {line = $0} END {print line}'
	wait
}
lat_of() { awk '{print $5}' <<<"$1"; }		# t_typical [usec]
bw_of() { awk '{print $4}' <<<"$1"; }		# BW average [MB/sec]

# pingpong SERVER_NS CLIENT_NS ADDR ARGS...: fi_pingpong's usec/xfer.
pingpong() {
	local s=$1 c=$2 addr=$3
	shift 3
	in_ns "$s" timeout 60 fi_pingpong "$@" -S 64 -I "$ITERS" >/dev/null 2>&1 &
	sleep 1
	in_ns "$c" timeout 60 fi_pingpong "$@" -S 64 -I "$ITERS" "$addr" 2>/dev/null |
		awk '$1 == "64" {print $7}'
	wait
}

echo "vnitro EFA benchmark: $(nproc) vCPU(s) under QEMU TCG, kernel $(uname -r), $ITERS iterations"
ip link set lo up

# ---- vnitro ----
declare -A lat bw
dev=()
two_instances
efa_ok=1
for inst in i-a i-b; do
	eni=$("$VNITRO" -j eni add subnet subnet-default type efa 2>/tmp/efa.err | jq -r .id) &&
		"$VNITRO" eni attach "$eni" instance "$inst" index 1 >/dev/null 2>>/tmp/efa.err &&
		ip -n "$inst" link set eth1 up || { efa_ok=0; break; }
	dev+=("$(eni_field "$eni" rdma_device)")
done
if ((efa_ok)) && [[ ${#dev[@]} == 2 && ${dev[0]} != null ]]; then
	# max_msg_sz is printed in hex; bash arithmetic reads 0x... (mawk has no strtonum).
	msg=$(($(ip netns exec i-a ibv_devinfo -v -d "${dev[0]}" | awk '/max_msg_sz/ {print $2}')))
	bwsize=$((msg && msg < 65536 ? msg : 65536))
	for c in UD SRD; do
		r=$(perftest i-b i-a "$ip_b" ib_send_lat -d "${dev[1]}" -x 0 -c $c -s 64 -n "$ITERS")
		lat[vnitro-$c]=$(lat_of "$r")
	done
	r=$(perftest i-b i-a "$ip_b" ib_send_bw -d "${dev[1]}" -x 0 -c SRD -s "$bwsize" -n "$ITERS")
	bw[vnitro-SRD]=$(bw_of "$r")
	export FI_EFA_ENABLE_SHM_TRANSFER=0
	lat[efa-rdm]=$(pingpong i-b i-a "$ip_b" -p efa -e rdm)
	lat[efa-dgram]=$(pingpong i-b i-a "$ip_b" -p efa -e dgram)
	unset FI_EFA_ENABLE_SHM_TRANSFER
else
	echo "vnitro EFA: not available here ($(head -c 200 /tmp/efa.err)); its rows are n/a"
	bwsize=65536
fi

# ---- rdma_rxe over veth, then libfabric's shm and tcp ----
modprobe rdma_rxe
ip link add veth0 type veth peer name veth1
ip addr add 10.99.0.1/24 dev veth0
ip link set veth0 up
ip link set veth1 up
rdma link add rxe0 type rxe netdev veth0
# GID 1 is veth0's IPv4 address as a RoCE v2 GID.
r=$(perftest - - 10.99.0.1 ib_send_lat -d rxe0 -x 1 -c RC -s 64 -n "$ITERS")
lat[rxe]=$(lat_of "$r")
r=$(perftest - - 10.99.0.1 ib_send_bw -d rxe0 -x 1 -c RC -s 65536 -n "$ITERS")
bw[rxe]=$(bw_of "$r")
lat[shm]=$(pingpong - - 127.0.0.1 -p shm -e rdm)
lat[tcp]=$(pingpong - - 127.0.0.1 -p "tcp;ofi_rxm" -e rdm)
rdma link del rxe0

echo
row "64 B latency [usec]" ""
row "  perftest ib_send_lat, vnitro UD" "${lat[vnitro-UD]:-n/a}"
row "  perftest ib_send_lat, vnitro SRD" "${lat[vnitro-SRD]:-n/a}"
row "  perftest ib_send_lat, rxe RC" "${lat[rxe]:-n/a}"
row "  fi_pingpong efa rdm (vnitro)" "${lat[efa-rdm]:-n/a}"
row "  fi_pingpong efa dgram (vnitro)" "${lat[efa-dgram]:-n/a}"
row "  fi_pingpong shm rdm" "${lat[shm]:-n/a}"
row "  fi_pingpong tcp;ofi_rxm rdm" "${lat[tcp]:-n/a}"
row "bandwidth [MB/s]" ""
row "  ib_send_bw vnitro SRD, $bwsize B" "${bw[vnitro-SRD]:-n/a}"
row "  ib_send_bw rxe RC, 65536 B" "${bw[rxe]:-n/a}"
echo
echo "targets: vnitro latency <= 2x shm and <= rxe/5"
row "efa rdm / shm (target <= 2)" "$(ratio "${lat[efa-rdm]:-}" "${lat[shm]:-}")"
row "vnitro SRD / rxe (target <= 0.2)" "$(ratio "${lat[vnitro-SRD]:-}" "${lat[rxe]:-}")"
row "vnitro UD / rxe (target <= 0.2)" "$(ratio "${lat[vnitro-UD]:-}" "${lat[rxe]:-}")"
row "bandwidth vnitro SRD / rxe" "$(ratio "${bw[vnitro-SRD]:-}" "${bw[rxe]:-}")"

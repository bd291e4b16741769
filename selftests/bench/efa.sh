#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# efa.sh - `make bench-efa`: vnitro's EFA against rdma_rxe and libfabric's shm and tcp, in one VM boot.
# Prints figures and ratios; asserts nothing (a benchmark, not a test).
#
#   vnitro:  i-a efa_N --(engine, fabric)--> i-b efa_M   perftest -c UD / -c SRD, fi_pingpong -p efa,
#            Open MPI (one rank per instance, mpi_check -l/-b) over efa and over its TCP BTL
#   rxe:     rxe0 on veth0 (10.99.0.1), client and server on the same device, RC
#   shm/tcp: fi_pingpong over 127.0.0.1 (libfabric's shared-memory and TCP providers)
# Latency is perftest's t_typical (the median) and t_avg, and fi_pingpong's usec/xfer (a mean), in µs.
# fi_pingpong's timer also covers libfabric's set-up of the endpoint (its first progress call
# allocates and posts 32,768 receive buffers) and any RNR back-off while the peer does the same,
# so it also runs with a quarter of the iterations, and the difference of the two runs gives
# the per-transfer cost without that one-time part ("steady").
# The vnitro runs come first: libfabric 1.17's efa provider gives up once an
# rdma_rxe device exists, so rxe is loaded only afterwards.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
ITERS=${BENCH_ITERS:-2000}
ROUNDS=${BENCH_ROUNDS:-3}

# add KEY VALUE: one more round's figure; median KEY: the median of KEY's figures ("n/a" if none).
declare -A runs
add() { [[ -n $2 && $2 != n/a ]] && runs[$1]+="$2 "; return 0; }
median() {
	tr ' ' '\n' <<<"${runs[$1]:-}" | grep . | sort -g |
		awk '{v[NR] = $1} END {if (!NR) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
row() { printf '%-36s %12s\n' "$1" "$2"; }

# in_ns NS CMD...: CMD in network namespace NS ("-": the VM's own).
in_ns() {
	local ns=$1
	shift
	if [[ $ns == - ]]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# perftest SERVER_NS SERVER_DEV CLIENT_NS CLIENT_DEV ADDR TOOL ARGS...: the client's result
# line. Each instance sees only its own EFA device, so each side names its own.
perftest() {
	local s=$1 sdev=$2 c=$3 cdev=$4 addr=$5 tool=$6
	shift 6
	in_ns "$s" timeout 60 "$tool" -d "$sdev" "$@" >/dev/null 2>&1 &
	sleep 1
	in_ns "$c" timeout 60 "$tool" -d "$cdev" "$@" "$addr" 2>/dev/null |
		awk '$1 ~ /^[0-9]+$/ {line = $0} END {print line}'
	wait
}
lat_of() { awk '{print $5}' <<<"$1"; }		# t_typical [usec]
avg_of() { awk '{print $6}' <<<"$1"; }		# t_avg [usec]
bw_of() { awk '{print $4}' <<<"$1"; }		# BW average [MB/sec]

# pingpong SERVER_NS CLIENT_NS ADDR N ARGS...: fi_pingpong's "SECONDS USEC_PER_XFER" for N iterations.
pingpong() {
	local s=$1 c=$2 addr=$3 n=$4
	shift 4
	in_ns "$s" timeout 120 fi_pingpong "$@" -S 64 -I "$n" >/dev/null 2>&1 &
	sleep 1
	in_ns "$c" timeout 120 fi_pingpong "$@" -S 64 -I "$n" "$addr" 2>/dev/null |
		awk '$1 == "64" {sub(/s$/, "", $5); print $5, $7}'
	wait
}

# steady T_FEW N_FEW T_MANY N_MANY: µs per transfer from the difference of two runs
# (fi_pingpong counts two transfers per iteration).
steady() {
	awk -v a="$1" -v na="$2" -v b="$3" -v nb="$4" 'BEGIN {
		if (a == "" || b == "" || nb <= na || b <= a) print "n/a"
		else printf "%.1f", (b - a) * 1e6 / (2 * (nb - na)) }'
}
# setup T_FEW N_FEW STEADY_US: the one-time part of a run, in ms; "n/a" when it comes out
# below zero (the two runs differed by more than the set-up: no figure, not a negative one).
setup() {
	awk -v a="$1" -v na="$2" -v st="$3" 'BEGIN {
		if (a == "" || st == "n/a") { print "n/a"; exit }
		ms = (a - 2 * na * st / 1e6) * 1e3
		if (ms < 0) print "n/a"; else printf "%.0f", ms }'
}
echo "vnitro EFA benchmark: $(nproc) vCPU(s) under QEMU TCG, kernel $(uname -r), $ITERS iterations," \
	"vnitro rows: the median of $ROUNDS rounds"
ip link set lo up

# ---- vnitro ----
declare -A lat avg bw
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
	r=$(perftest i-b "${dev[1]}" i-a "${dev[0]}" "$ip_b" ib_send_bw -x 0 -c SRD -s "$bwsize" -n "$ITERS")
	bw[vnitro-SRD]=$(bw_of "$r")
	few=$((ITERS / 4 > 0 ? ITERS / 4 : 1))
	# Open MPI, one rank per instance: over efa (ofi MTL, shm off) and over its TCP BTL.
	# Every instance sees the VM's CPUs, so Open MPI's binding of each node's first rank
	# to core 0 would put both ranks on one vCPU: --bind-to none.
	hosts=$(mktemp)
	vnitro-hostfile --slots 1 i-a i-b >"$hosts"
	mpi=(mpirun --allow-run-as-root -np 2 --hostfile "$hosts" --bind-to none
		--mca plm_rsh_agent vnitro-rsh -x PATH)
	# Rounds, each measuring everything once, so that the medians' ratios compare runs
	# that saw the same host.
	for ((round = 0; round < ROUNDS; round++)); do
		for c in UD SRD; do
			r=$(perftest i-b "${dev[1]}" i-a "${dev[0]}" "$ip_b" ib_send_lat -x 0 -c $c -s 64 -n "$ITERS")
			add vnitro-$c "$(lat_of "$r")"
			add vnitro-$c-avg "$(avg_of "$r")"
		done
		export FI_EFA_ENABLE_SHM_TRANSFER=0
		for e in rdm dgram; do
			read -r secs us < <(pingpong i-b i-a "$ip_b" "$ITERS" -p efa -e $e)
			read -r secs_few _ < <(pingpong i-b i-a "$ip_b" "$few" -p efa -e $e)
			add efa-$e "$us"
			st=$(steady "$secs_few" "$few" "$secs" "$ITERS")
			add efa-$e-steady "$st"
			add efa-$e-setup "$(setup "$secs_few" "$few" "$st")"
		done
		unset FI_EFA_ENABLE_SHM_TRANSFER
		for t in efa tcp; do
			if [[ $t == efa ]]; then
				mca=(--mca pml cm --mca mtl ofi --mca mtl_ofi_provider_include efa
					-x FI_EFA_ENABLE_SHM_TRANSFER=0)
			else
				# shellcheck disable=SC2054 # tcp,self is one word, Open MPI's list
				mca=(--mca pml ob1 --mca btl tcp,self --mca btl_tcp_if_include eth0)
			fi
			out=$(timeout 300 "$VNITRO" exec i-a -- "${mpi[@]}" "${mca[@]}" \
				"$VNITRO_TOP/selftests/rdma/mpi_check" \
				-l "$ITERS" -b $((ITERS / 10 > 0 ? ITERS / 10 : 1)) 2>&1)
			add mpi-$t "$(sed -n 's/.*round trips: \([0-9.]*\) usec.*/\1/p' <<<"$out")"
			add mpi-$t-bw "$(sed -n 's/.*them: \([0-9.]*\) MB\/s.*/\1/p' <<<"$out")"
		done
	done
	for k in vnitro-UD vnitro-SRD efa-rdm efa-rdm-steady efa-rdm-setup efa-dgram efa-dgram-steady \
		efa-dgram-setup mpi-efa mpi-tcp; do
		lat[$k]=$(median "$k")
	done
	for k in vnitro-UD vnitro-SRD; do avg[$k]=$(median "$k-avg"); done
	for k in mpi-efa mpi-tcp; do bw[$k]=$(median "$k-bw"); done
	rm -f "$hosts"
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
r=$(perftest - rxe0 - rxe0 10.99.0.1 ib_send_lat -x 1 -c RC -s 64 -n "$ITERS")
lat[rxe]=$(lat_of "$r")
r=$(perftest - rxe0 - rxe0 10.99.0.1 ib_send_bw -x 1 -c RC -s 65536 -n "$ITERS")
bw[rxe]=$(bw_of "$r")
read -r _ 'lat[shm]' < <(pingpong - - 127.0.0.1 "$ITERS" -p shm -e rdm)
read -r _ 'lat[tcp]' < <(pingpong - - 127.0.0.1 "$ITERS" -p "tcp;ofi_rxm" -e rdm)
rdma link del rxe0

echo
row "64 B latency [usec]" ""
row "  perftest ib_send_lat, vnitro UD" "${lat[vnitro-UD]:-n/a}"
row "  perftest ib_send_lat, vnitro UD, t_avg" "${avg[vnitro-UD]:-n/a}"
row "  perftest ib_send_lat, vnitro SRD" "${lat[vnitro-SRD]:-n/a}"
row "  perftest ib_send_lat, vnitro SRD, t_avg" "${avg[vnitro-SRD]:-n/a}"
row "  perftest ib_send_lat, rxe RC" "${lat[rxe]:-n/a}"
row "  fi_pingpong efa rdm (vnitro)" "${lat[efa-rdm]:-n/a}"
row "  fi_pingpong efa rdm, steady" "${lat[efa-rdm-steady]:-n/a}"
row "  fi_pingpong efa rdm, set-up [ms]" "${lat[efa-rdm-setup]:-n/a}"
row "  fi_pingpong efa dgram (vnitro)" "${lat[efa-dgram]:-n/a}"
row "  fi_pingpong efa dgram, steady" "${lat[efa-dgram-steady]:-n/a}"
row "  fi_pingpong efa dgram, set-up [ms]" "${lat[efa-dgram-setup]:-n/a}"
row "  Open MPI 8 B ping-pong, efa (vnitro)" "${lat[mpi-efa]:-n/a}"
row "  Open MPI 8 B ping-pong, TCP BTL" "${lat[mpi-tcp]:-n/a}"
row "  fi_pingpong shm rdm" "${lat[shm]:-n/a}"
row "  fi_pingpong tcp;ofi_rxm rdm" "${lat[tcp]:-n/a}"
row "bandwidth [MB/s]" ""
row "  ib_send_bw vnitro SRD, $bwsize B" "${bw[vnitro-SRD]:-n/a}"
row "  ib_send_bw rxe RC, 65536 B" "${bw[rxe]:-n/a}"
row "  Open MPI 1 MiB messages, efa (vnitro)" "${bw[mpi-efa]:-n/a}"
row "  Open MPI 1 MiB messages, TCP BTL" "${bw[mpi-tcp]:-n/a}"
echo
echo "libfabric against verbs on the same devices (targets: rdm <= 1.5x SRD, dgram <= 1.2x UD)"
row "efa rdm / ib_send_lat SRD" "$(ratio "${lat[efa-rdm]:-}" "${lat[vnitro-SRD]:-}")"
row "efa rdm steady / SRD t_avg" "$(ratio "${lat[efa-rdm-steady]:-}" "${avg[vnitro-SRD]:-}")"
row "efa dgram / ib_send_lat UD" "$(ratio "${lat[efa-dgram]:-}" "${lat[vnitro-UD]:-}")"
row "efa dgram steady / UD t_avg" "$(ratio "${lat[efa-dgram-steady]:-}" "${avg[vnitro-UD]:-}")"
row "MPI efa / ib_send_lat SRD (target <= 2)" "$(ratio "${lat[mpi-efa]:-}" "${lat[vnitro-SRD]:-}")"
row "MPI efa / SRD t_avg" "$(ratio "${lat[mpi-efa]:-}" "${avg[vnitro-SRD]:-}")"
row "MPI latency efa / TCP BTL" "$(ratio "${lat[mpi-efa]:-}" "${lat[mpi-tcp]:-}")"
row "MPI bandwidth efa / TCP BTL" "$(ratio "${bw[mpi-efa]:-}" "${bw[mpi-tcp]:-}")"
echo
echo "targets: vnitro latency <= 2x shm and <= rxe/5"
row "efa rdm / shm (target <= 2)" "$(ratio "${lat[efa-rdm]:-}" "${lat[shm]:-}")"
row "vnitro SRD / rxe (target <= 0.2)" "$(ratio "${lat[vnitro-SRD]:-}" "${lat[rxe]:-}")"
row "vnitro UD / rxe (target <= 0.2)" "$(ratio "${lat[vnitro-UD]:-}" "${lat[rxe]:-}")"
row "bandwidth vnitro SRD / rxe" "$(ratio "${bw[vnitro-SRD]:-}" "${bw[rxe]:-}")"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# multi.sh - several EFAs per instance, one per network card (EC2's p5.48xlarge has one on
# each of its 32 cards, and at most its MaximumEfaInterfaces): each its own PCI function and efa_N, all listed by ibv_devinfo and
# fi_info in the instance and nowhere else, and each with its own hardware counters, as the
# efa driver names them (rdma statistic, /sys/class/infiniband/efa_N/.../hw_counters): traffic
# on one device counts there and not on the other.
#
#   i-a (p5.48xlarge): card 0 efa_N0, card 1 efa_N1 <=== engine ===> i-b: card 0, card 1
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

declare -A dev
for inst in i-a i-b; do
	check "$inst: a p5.48xlarge" "$VNITRO" instance add "$inst" subnet subnet-default type p5.48xlarge
	bring_up "$inst" "$(primary_eni "$inst")"
	for card in 0 1; do
		eni=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
		check "$inst: an EFA on network card $card" \
			"$VNITRO" eni attach "$eni" instance "$inst" card "$card" index 1
		dev[$inst-$card]=$(eni_field "$eni" rdma_device)
		ip -n "$inst" link set "$(eni_field "$eni" ifname)" up
	done
done
# shellcheck disable=SC2034 # read by pair (lib.sh): the server's address
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
# EC2's MaximumEfaInterfaces: one on a c5n.18xlarge, whatever device indexes are free.
check "i-c: a c5n.18xlarge" "$VNITRO" instance add i-c subnet subnet-default
one=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
two=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
check "i-c: one EFA" "$VNITRO" eni attach "$one" instance i-c index 1
check_err "i-c: a second EFA is refused, naming EC2's limit" \
	"c5n.18xlarge supports at most 1 EFA \(MaximumEfaInterfaces\), and instance i-c has 1" \
	"$VNITRO" eni attach "$two" instance i-c index 2
check "i-c deleted, its EFA and the refused one too" \
	sh -c "$VNITRO instance del i-c && $VNITRO eni del $one && $VNITRO eni del $two"

check_eq "ibv_devinfo -l in i-a: its two EFAs" "${dev[i-a-0]} ${dev[i-a-1]}" \
	"$(ip netns exec i-a ibv_devinfo -l | awk 'NR > 1 && NF {print $1}' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "fi_info -p efa in i-a: an RDM endpoint on each" "${dev[i-a-0]}-rdm ${dev[i-a-1]}-rdm" \
	"$(ip netns exec i-a fi_info -p efa -t FI_EP_RDM | awk '/domain:/ {print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
check "  ... the PCI functions: two EFAs on their own buses" \
	sh -c "[ \"\$(lspci -n -d 1d0f:efa2 | wc -l)\" -eq 4 ]"

# hw COUNTER DEV: one port counter of DEV, read inside its instance; dhw: the device's.
hw() { ip netns exec "$3" rdma statistic show link "$2/1" | grep -o "$1 [0-9]*" | awk '{print $2}'; }
dhw() { "$VNITRO" exec "$3" -- cat "/sys/class/infiniband/$2/hw_counters/$1"; }

check "ib_send_lat -c SRD over card 1's EFAs" \
	pair lat1 ib_send_lat -d "${dev[i-a-1]}" -c SRD -x 0 -n 200 -- \
	ib_send_lat -d "${dev[i-b-1]}" -c SRD -x 0 -n 200
check "  ... counted on card 1's device (send_wrs $(hw send_wrs "${dev[i-b-1]}" i-b), tx_pkts $(hw tx_pkts "${dev[i-b-1]}" i-b))" \
	test "$(hw send_wrs "${dev[i-b-1]}" i-b)" -ge 200 -a "$(hw tx_pkts "${dev[i-b-1]}" i-b)" -ge 200
check "  ... and at the other end (recv_wrs, rx_bytes)" \
	test "$(hw recv_wrs "${dev[i-a-1]}" i-a)" -ge 200 -a "$(hw rx_bytes "${dev[i-a-1]}" i-a)" -gt 0
check_eq "  ... card 0's devices moved nothing" "0 0" \
	"$(hw tx_pkts "${dev[i-a-0]}" i-a) $(hw tx_pkts "${dev[i-b-0]}" i-b)"
check "fi_pingpong -p efa -d card 0's domain" \
	pair pp0 env FI_EFA_ENABLE_SHM_TRANSFER=0 fi_pingpong -p efa -e rdm -d "${dev[i-a-0]}-rdm" -I 100 -- \
	env FI_EFA_ENABLE_SHM_TRANSFER=0 fi_pingpong -p efa -e rdm -d "${dev[i-b-0]}-rdm" -I 100
check "  ... now counted on card 0's device (send_wrs $(hw send_wrs "${dev[i-b-0]}" i-b))" \
	test "$(hw send_wrs "${dev[i-b-0]}" i-b)" -ge 100
check_eq "sysfs hw_counters agree with rdma statistic (tx_pkts)" \
	"$(hw tx_pkts "${dev[i-a-0]}" i-a)" \
	"$("$VNITRO" exec i-a -- cat "/sys/class/infiniband/${dev[i-a-0]}/ports/1/hw_counters/tx_pkts")"
check "the device's own counters: control verbs ($(dhw submitted_cmds "${dev[i-a-0]}" i-a) submitted)" \
	test "$(dhw submitted_cmds "${dev[i-a-0]}" i-a)" -gt 0
check_eq "  ... none failed" "0" "$(dhw cmds_err "${dev[i-a-0]}" i-a)"
check "  ... keep_alive_rcvd, the device's heartbeat" test "$(dhw keep_alive_rcvd "${dev[i-a-0]}" i-a)" -ge 0
check "i-b cannot read i-a's counters" \
	sh -c "! ip netns exec i-b rdma statistic show link ${dev[i-a-0]}/1 >/dev/null 2>&1"

# ---- Open MPI over both cards: a rank per EFA (EC2's p5: each GPU's rank on its own card) ----
# Open MPI 4.1's ofi MTL gives each rank of an instance one of its NICs by the rank's place
# among the ranks bound to the same package (its "package rank") modulo the NICs, so two ranks
# per instance use both devices: each carries a rank's share (60 to 120 packets measured; a
# device no rank opened sends none). --bind-to socket: the ranks may run on every CPU of the
# instance (one socket), and Open MPI knows where they are bound; with --bind-to none it cannot
# compute package ranks and falls back to the process id modulo the NICs, so two ranks whose
# ids have the same parity share one device (seen in CI: 193 packets on one card, 0 on the other).
bin=$(cd "$(dirname "$0")" && pwd)
hosts=$(mktemp)
vnitro-hostfile --slots 2 i-a i-b >"$hosts"
declare -A tx0
for k in "${!dev[@]}"; do tx0[$k]=$(hw tx_pkts "${dev[$k]}" "${k%-*}"); done
check "mpirun -np 4 mpi_check: 2 instances x 2 ranks on two p5.48xlarge" \
	sh -c "timeout 300 $VNITRO exec i-a -- mpirun --allow-run-as-root --hostfile $hosts \
		--bind-to socket --mca plm_rsh_agent vnitro-rsh --mca pml cm --mca mtl ofi \
		--mca mtl_ofi_provider_include efa --mca osc pt2pt -x FI_EFA_ENABLE_SHM_TRANSFER=0 \
		-x PATH -np 4 $bin/mpi_check > /tmp/mpi-multi.out 2>&1"
check_match "  ... every check passed" "^mpi_check: [1-9][0-9]* passed, 0 failed" "$(cat /tmp/mpi-multi.out)"
for k in i-a-0 i-a-1 i-b-0 i-b-1; do
	d=$(( $(hw tx_pkts "${dev[$k]}" "${k%-*}") - ${tx0[$k]} ))
	check "  ... ${k%-*}'s card ${k##*-} device ${dev[$k]} carried ranks' traffic ($d packets sent)" \
		test "$d" -ge 20
done
rm -f "$hosts"

check "rmmod succeeds" rmmod vnitro
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak|objects left' || true)"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# srd_loss.sh - SRD keeps its promise over a fabric that loses and reorders: 2000 numbered
# messages between two instances' EFA devices (srd_seq, stock libibverbs + libefa SRD QPs)
# with 5 % loss and 5 % reordering set through debugfs; each arrives exactly once, every
# send completes OK, and the engine's counters show the losses and the resends.
#
#   +------ i-a ------+                                      +------ i-b ------+
#   | srd_seq server  |  efa_N <== efa_fabric: 5 % lost, ==> efa_M  | srd_seq client |
#   +-----------------+            5 % held back 1 ms            +-----------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

n=2000
bin=$(dirname "$0")
fabric=/sys/kernel/debug/vnitro/efa_fabric
stat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }

check "two instances" two_instances
efa_eni i-a
efa_eni i-b

check "debugfs: the fabric is lossless by default" \
	test "$(cat $fabric/loss_ppm) $(cat $fabric/reorder_ppm) $(cat $fabric/delay_us)" = "0 0 0"
check "debugfs: loss_ppm over 10^6 is refused" \
	bash -c "! echo 1000001 >$fabric/loss_ppm 2>/dev/null"
check_eq "  ... and changes nothing" 0 "$(cat $fabric/loss_ppm)"
check "debugfs: 5 % loss, 5 % reordering, seed 7" \
	bash -c "echo 50000 >$fabric/loss_ppm && echo 50000 >$fabric/reorder_ppm && echo 7 >$fabric/seed"
check_eq "  ... reads back" "50000 50000 7" \
	"$(cat $fabric/loss_ppm) $(cat $fabric/reorder_ppm) $(cat $fabric/seed)"

declare -A before
for k in srd_sent srd_resent srd_acked srd_duplicates srd_given_up rnr_retries path_lost path_reordered; do
	before[$k]=$(stat $k)
done

ip netns exec i-a timeout 120 "$bin/srd_seq" -d "$dev_a" -n $n >/tmp/srd_seq.server 2>&1 &
srv=$!
ip netns exec i-b timeout 120 "$bin/srd_seq" -d "$dev_b" -n $n "$ip_a" >/tmp/srd_seq.client 2>&1
rc_c=$?
wait "$srv"
rc_s=$?
sed 's/^/# server: /' /tmp/srd_seq.server | head -5
sed 's/^/# client: /' /tmp/srd_seq.client | head -5
check_eq "srd_seq: $n messages received, each exactly once, data intact" 0 "$rc_s"
check_match "  ... the server's count" "^received $n of $n distinct messages; 0 duplicates, 0 corrupt, 0 receive errors" \
	"$(cat /tmp/srd_seq.server)"
check_eq "  ... and every send completed OK" 0 "$rc_c"
check_match "  ... the client's count" "^$n sends completed OK, 0 failed" "$(cat /tmp/srd_seq.client)"

echo 0 >"$fabric/loss_ppm"
echo 0 >"$fabric/reorder_ppm"
declare -A d
for k in "${!before[@]}"; do
	d[$k]=$(( $(stat $k) - ${before[$k]} ))
done
echo "# efa_engine deltas: $(for k in "${!d[@]}"; do printf '%s=%s ' "$k" "${d[$k]}"; done)"
check_eq "efa_engine: $n SRD messages sent" "$n" "${d[srd_sent]}"
check_eq "efa_engine: each answered once (srd_acked)" "$n" "${d[srd_acked]}"
check "efa_engine: packets were lost (${d[path_lost]})" test "${d[path_lost]}" -gt 0
check "efa_engine: packets were reordered (${d[path_reordered]})" test "${d[path_reordered]}" -gt 0
check "efa_engine: every lost copy was resent (${d[srd_resent]} >= ${d[path_lost]})" \
	test "${d[srd_resent]}" -ge "${d[path_lost]}"
check_eq "efa_engine: no send given up" 0 "${d[srd_given_up]}"

check "rmmod succeeds" rmmod vnitro
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak|objects left' || true)"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# traffic.sh - stock RDMA clients move data between two instances over their EFA devices:
# ibv_ud_pingpong, perftest over UD and SRD, libfabric's efa provider (RDM and DGRAM); a
# client killed with -9 mid-transfer releases everything and the module unloads.
#
#   +------------- i-a -------------+            +------------- i-b -------------+
#   |  eth0: $ip_a (out-of-band     |            |  eth0: $ip_b                  |
#   |        exchange of QPNs/GIDs) |            |                               |
#   |  efa_N (EFA ENI at index 1) <======= vnitro engine =======> efa_M          |
#   +-------------------------------+            +-------------------------------+
#   ======================== subnet-default (c5n.18xlarge) =========================
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

check "two instances" two_instances
efa_eni i-a
efa_eni i-b

check "ibv_ud_pingpong -g 0 (UD, 200 round trips)" \
	pair ud_pingpong ibv_ud_pingpong -d "$dev_a" -g 0 -n 200 -- \
	ibv_ud_pingpong -d "$dev_b" -g 0 -n 200
check_match "  ... all of them" '200 iters in' "$(cat /tmp/ud_pingpong.client)"
delivered=$(awk '$1 == "rx_delivered:" {print $2}' /sys/kernel/debug/vnitro/efa_engine)
check "the engine counts what it delivered (debugfs efa_engine: ${delivered:-none})" \
	test "${delivered:-0}" -ge 400

check "ibv_ud_pingpong -g 0 -e (completion events)" \
	pair ud_pingpong_ev ibv_ud_pingpong -d "$dev_a" -g 0 -n 100 -e -- \
	ibv_ud_pingpong -d "$dev_b" -g 0 -n 100 -e
check "ib_send_lat -c UD -x 0 -e (completion events; perftest has none for SRD)" \
	pair lat_ud_ev ib_send_lat -d "$dev_a" -c UD -x 0 -n 200 -e -- \
	ib_send_lat -d "$dev_b" -c UD -x 0 -n 200 -e
check "ib_send_lat -c UD -x 0" \
	pair lat_ud ib_send_lat -d "$dev_a" -c UD -x 0 -n 500 -- ib_send_lat -d "$dev_b" -c UD -x 0 -n 500
check "ib_send_lat -c SRD -x 0" \
	pair lat_srd ib_send_lat -d "$dev_a" -c SRD -x 0 -n 500 -- ib_send_lat -d "$dev_b" -c SRD -x 0 -n 500
check "ib_send_lat -c SRD -x 0 with 4 KiB messages" \
	pair lat_srd4k ib_send_lat -d "$dev_a" -c SRD -x 0 -n 200 -s 4096 -- \
	ib_send_lat -d "$dev_b" -c SRD -x 0 -n 200 -s 4096
check "ib_send_bw -c SRD -x 0" \
	pair bw_srd ib_send_bw -d "$dev_a" -c SRD -x 0 -n 1000 -- ib_send_bw -d "$dev_b" -c SRD -x 0 -n 1000
check_match "  ... reports its bandwidth" '^ *8928 +1000 ' "$(cat /tmp/bw_srd.client)"
for t in lat_ud lat_srd bw_srd; do
	echo "# $t (server side): $(grep -A1 "#bytes" "/tmp/$t.server" | tail -1 | tr -s " ")"
done

# libfabric's efa provider; its shared-memory shortcut off, so the bytes cross vnitro.
export FI_EFA_ENABLE_SHM_TRANSFER=0
check "fi_pingpong -p efa -e rdm, data verified" \
	pair fi_rdm fi_pingpong -p efa -e rdm -v -I 100 -S 4096 -- fi_pingpong -p efa -e rdm -v -I 100 -S 4096
check "fi_pingpong -p efa -e rdm, 1 MiB messages verified" \
	pair fi_rdm_1m fi_pingpong -p efa -e rdm -v -I 10 -S 1048576 -- \
	fi_pingpong -p efa -e rdm -v -I 10 -S 1048576
check "fi_pingpong -p efa -e dgram, data verified" \
	pair fi_dgram fi_pingpong -p efa -e dgram -v -I 100 -S 1024 -- fi_pingpong -p efa -e dgram -v -I 100 -S 1024

# The same over a fabric that loses 5 % of the packets and holds back 5 %: SRD
# resends, so libfabric's RDM endpoint (which counts on SRD) sees every message once.
fabric=/sys/kernel/debug/vnitro/efa_fabric
stat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }
lost0=$(stat path_lost) resent0=$(stat srd_resent)
echo 50000 >"$fabric/loss_ppm"
echo 50000 >"$fabric/reorder_ppm"
check "fi_pingpong -p efa -e rdm over 5 % loss and reordering, data verified" \
	pair fi_rdm_loss fi_pingpong -p efa -e rdm -v -I 200 -S 4096 -- \
	fi_pingpong -p efa -e rdm -v -I 200 -S 4096
check "ib_send_bw -c SRD -x 0 over 5 % loss: every send completes" \
	pair bw_srd_loss ib_send_bw -d "$dev_a" -c SRD -x 0 -n 1000 -- \
	ib_send_bw -d "$dev_b" -c SRD -x 0 -n 1000
echo 0 >"$fabric/loss_ppm"
echo 0 >"$fabric/reorder_ppm"
lost=$(( $(stat path_lost) - lost0 )) resent=$(( $(stat srd_resent) - resent0 ))
check "  ... packets were lost ($lost) and SRD resent them ($resent)" \
	test "$lost" -gt 0 -a "$resent" -ge "$lost"
unset FI_EFA_ENABLE_SHM_TRANSFER

# Kill -9 in the middle of a transfer: ib_core destroys what the processes held.
# Leak check: the module's object counts (debugfs efa_objects) and the kernel's
# count of pinned pages (vmstat nr_foll_pin_acquired - nr_foll_pin_released,
# where ib_umem's long-term pins are counted) are back where they started.
objects() { cat /sys/kernel/debug/vnitro/efa_objects; }
pins() { cat /proc/sys/vm/stat_refresh >/dev/null; awk '$1 == "nr_foll_pin_acquired" {a = $2} $1 == "nr_foll_pin_released" {r = $2}
	END {print a - r}' /proc/vmstat; }
objects0=$(objects) pins0=$(pins)
ip netns exec i-a ib_send_bw -d "$dev_a" -c SRD -x 0 -n 100000000 >/dev/null 2>&1 &
srv=$!
sleep 2
ip netns exec i-b ib_send_bw -d "$dev_b" -c SRD -x 0 -n 100000000 "$ip_a" >/dev/null 2>&1 &
cli=$!
sleep 4
check "both perftest processes are still transferring" kill -0 "$srv" "$cli"
pinned=$(objects | awk '$1 == "pinned_pages:" {print $2}')
check "  ... with registered memory pinned (module: $pinned pages, kernel: $(( $(pins) - pins0 )))" \
	test "$pinned" -gt 0 -a "$(( $(pins) - pins0 ))" -ge "$pinned"
kill -9 "$srv" "$cli" 2>/dev/null
wait "$srv" "$cli" 2>/dev/null
check_eq "after kill -9, the module holds what it held before" "$objects0" "$(objects)"
check_eq "  ... and the kernel has no page left pinned" "$pins0" "$(pins)"
check "after kill -9, rmmod succeeds" rmmod vnitro
check_eq "no object was left behind" "" "$(dmesg | grep 'objects left' || true)"
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak' || true)"
summary

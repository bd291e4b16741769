#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# read.sh - the EFA generation follows the instance type, and RDMA read on SRD between two
# p5.48xlarge instances (EFA v2, 0xefa2): the stock tools see the generation; libefa's
# wr_rdma_read moves bytes and gets the device's statuses (srd_read, test_verbs' read suite);
# libfabric 1.17 uses the device's read for its protocols there and fi_pingpong still passes,
# also over loss. A c5n.18xlarge (EFA v1) beside them keeps 0xefa0 and no read.
#
#   +------ i-a (p5.48xlarge) ------+     +------ i-b (p5.48xlarge) ------+   +-- i-c (c5n) --+
#   |  efa_N: 0xefa2, RDMA read  <======= vnitro engine =======> efa_M   |   |  efa_K: 0xefa0 |
#   +-------------------------------+     +-------------------------------+   +----------------+
#   ==================================== subnet-default ========================================
# test_verbs pins a 2 GiB MR (the SGE-overflow check): a VM of 3 GiB.
# vm: --mem 3072
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
RDMA=$VNITRO_TOP/selftests/rdma
stat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }

for inst in i-a i-b; do
	check "instance $inst of type p5.48xlarge" \
		"$VNITRO" instance add "$inst" subnet subnet-default type p5.48xlarge
	bring_up "$inst" "$(primary_eni "$inst")"
done
check "instance i-c of the default type (c5n.18xlarge)" \
	"$VNITRO" instance add i-c subnet subnet-default
ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
efa_eni i-a
efa_eni i-b
efa_eni i-c

# The generation as the stock tools see it.
for d in a c; do
	dev=dev_$d
	slot=$(basename "$(ip netns exec "i-$d" readlink -f "/sys/class/infiniband/${!dev}/device")")
	declare "lspci_$d=$(lspci -nn -s "$slot")"
	declare "info_$d=$(ip netns exec "i-$d" ibv_devinfo -v -d "${!dev}")"
done
check_match "lspci: p5's EFA function is 1d0f:efa2" \
	'Elastic Fabric Adapter \(EFA\) \[1d0f:efa2\]' "$lspci_a"
check_match "lspci: c5n's is 1d0f:efa0" 'Elastic Fabric Adapter \(EFA\) \[1d0f:efa0\]' "$lspci_c"
check_match "ibv_devinfo -v: p5's vendor_part_id is 0xefa2" 'vendor_part_id:[[:space:]]+61346' "$info_a"
check_match "  ... hw_ver 0xEFA2" 'hw_ver:[[:space:]]+0xEFA2' "$info_a"
check_match "  ... one SGE per read (max_sge_rd)" 'max_sge_rd:[[:space:]]+1$' "$info_a"
check_match "ibv_devinfo -v: c5n's vendor_part_id is 0xefa0" 'vendor_part_id:[[:space:]]+61344' "$info_c"
check_match "  ... and no read (max_sge_rd 0)" 'max_sge_rd:[[:space:]]+0$' "$info_c"

export FI_EFA_ENABLE_SHM_TRANSFER=0
# Each instance sees its EFA through libfabric.
for i in a b c; do
	d=dev_$i
	d=${!d}
	fi=$(ip netns exec "i-$i" fi_info -p efa)
	check_match "fi_info in i-$i lists $d-rdm" "domain: $d-rdm\$" "$fi"
	check_match "fi_info in i-$i lists $d-dgrm" "domain: $d-dgrm\$" "$fi"
done

# libefa on each generation: reads, refusals and their statuses (Criterion suites).
VNITRO_EFA_DEV=$dev_a VNITRO_EFA_GEN=2 with_debugfs i-a "$RDMA/test_verbs" --jobs 1 --color=never
VNITRO_EFA_DEV=$dev_c VNITRO_EFA_GEN=1 with_debugfs i-c "$RDMA/test_verbs" --jobs 1 --color=never \
	--filter 'read/*'

# srd_read: a 1 MiB region read in pieces of 364 B to 29 KiB, every byte checked; bad reads refused.
reads0=$(stat rdma_read_wrs) bytes0=$(stat rdma_read_bytes) errs0=$(stat rdma_read_wr_err)
run_read() {
	local name=$1 rc_s rc_c
	shift
	ip netns exec i-a timeout 120 "$RDMA/srd_read" -d "$dev_a" >"/tmp/$name.server" 2>&1 &
	local srv=$!
	ip netns exec i-b timeout 120 "$RDMA/srd_read" -d "$dev_b" "$@" "$ip_a" >"/tmp/$name.client" 2>&1
	rc_c=$?
	wait "$srv"
	rc_s=$?
	sed "s/^/# $name client: /" "/tmp/$name.client" | head -8
	[[ $rc_s -eq 0 && $rc_c -eq 0 ]]
}
check "srd_read between i-b and i-a: every read right, every bad one refused" run_read srd_read
check_match "  ... the client's count" '^[0-9]+ reads completed OK, 0 failed, 0 passes with wrong bytes' \
	"$(cat /tmp/srd_read.client)"
check_match "  ... bad rkey, range past the region, region without REMOTE_READ: status 7" \
	'^bad reads refused with REMOTE_ERROR_BAD_ADDRESS' "$(cat /tmp/srd_read.client)"
check_match "  ... and the server's region is unchanged" '^region intact' "$(cat /tmp/srd_read.server)"
grep '64-byte read' /tmp/srd_read.client | sed 's/^/# srd_read: /'
n=$(awk '/reads completed OK/ {print $1}' /tmp/srd_read.client)
check "efa_engine counts them (rdma_read_wrs +$(( $(stat rdma_read_wrs) - reads0 )), 3 refused +$(( $(stat rdma_read_wr_err) - errs0 )))" \
	test "$(( $(stat rdma_read_wrs) - reads0 ))" -ge "$(( ${n:-0} + 203 ))" -a \
	"$(( $(stat rdma_read_wr_err) - errs0 ))" -eq 3
check "  ... and the bytes (rdma_read_bytes +$(( $(stat rdma_read_bytes) - bytes0 )))" \
	test "$(( $(stat rdma_read_bytes) - bytes0 ))" -ge 1048576

# The same over a fabric that loses and reorders 5 %: reads are resent like sends.
fabric=/sys/kernel/debug/vnitro/efa_fabric
resent0=$(stat srd_resent)
echo 50000 >"$fabric/loss_ppm"
echo 50000 >"$fabric/reorder_ppm"
check "srd_read over 5 % loss and reordering: every read right" run_read srd_read_loss
echo 0 >"$fabric/loss_ppm"
echo 0 >"$fabric/reorder_ppm"
check "  ... SRD resent what was lost ($(( $(stat srd_resent) - resent0 )))" \
	test "$(( $(stat srd_resent) - resent0 ))" -gt 0

# Debian's perftest 4.5+0.17 knows EFA only as 0xefa0/0xefa1: on 0xefa2 it falls back to
# ibv_post_send, which has no RDMA read in libefa, so ib_read_lat/ib_read_bw cannot run here.
# libfabric 1.17 uses device RDMA on any id but 0xefa0/0xefa1 that has the RDMA_READ cap:
# its long messages go by the read protocol, so fi_pingpong exercises the engine's read.
check "fi_pingpong -p efa -e rdm on p5, 4 KiB, data verified" \
	pair fi_rdm fi_pingpong -p efa -e rdm -v -I 100 -S 4096 -- fi_pingpong -p efa -e rdm -v -I 100 -S 4096
reads0=$(stat rdma_read_wrs) errs0=$(stat rdma_read_wr_err)
check "fi_pingpong -p efa -e rdm on p5, 1 MiB, data verified" \
	pair fi_rdm_1m fi_pingpong -p efa -e rdm -v -I 10 -S 1048576 -- \
	fi_pingpong -p efa -e rdm -v -I 10 -S 1048576
check "  ... libfabric moved it with the device's RDMA read (rdma_read_wrs +$(( $(stat rdma_read_wrs) - reads0 )))" \
	test "$(( $(stat rdma_read_wrs) - reads0 ))" -ge 20
check_eq "  ... none failed" 0 "$(( $(stat rdma_read_wr_err) - errs0 ))"
echo 50000 >"$fabric/loss_ppm"
echo 50000 >"$fabric/reorder_ppm"
check "fi_pingpong -p efa -e rdm on p5, 1 MiB over 5 % loss and reordering, data verified" \
	pair fi_rdm_loss fi_pingpong -p efa -e rdm -v -I 10 -S 1048576 -- \
	fi_pingpong -p efa -e rdm -v -I 10 -S 1048576
echo 0 >"$fabric/loss_ppm"
echo 0 >"$fabric/reorder_ppm"
check "fi_pingpong -p efa -e dgram on p5, data verified" \
	pair fi_dgram fi_pingpong -p efa -e dgram -v -I 100 -S 1024 -- fi_pingpong -p efa -e dgram -v -I 100 -S 1024
unset FI_EFA_ENABLE_SHM_TRANSFER

check "rmmod succeeds" rmmod vnitro
check_eq "no object was left behind" "" "$(dmesg | grep 'objects left' || true)"
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak' || true)"
summary

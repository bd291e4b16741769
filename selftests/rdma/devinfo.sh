#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# devinfo.sh - an EFA ENI's RDMA device as the stock tools see it: lspci, sysfs, ibv_devinfo,
# libefa, fi_info; its life cycle with detach, reattach and open user contexts.
#
#   +---------------- i-a ----------------+   +---------------- i-b ----------------+
#   |  eth0 (ENA, primary)                |   |  eth0 (ENA, primary)                |
#   |  eth1 (ENA) + EFA function: efa_N   |   |  eth1 (ENA) + EFA function: efa_M   |
#   +-------------------------------------+   +-------------------------------------+
#   ===================== subnet-default (c5n.18xlarge: EFA) ========================
# test_verbs pins a 2 GiB MR (the SGE-overflow check): a VM of 3 GiB.
# vm: --mem 3072
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
RDMA=$VNITRO_TOP/selftests/rdma

# gid_of MAC: fe80::/64 + modified EUI-64, as ibv_devinfo prints it.
gid_of() {
	local b
	IFS=: read -r -a b <<<"$1"
	printf 'fe80:0000:0000:0000:%02x%s:%sff:fe%s:%s%s' $((0x${b[0]} ^ 2)) "${b[1]}" "${b[2]}" \
		"${b[3]}" "${b[4]}" "${b[5]}"
}

check "rdma_rxe is not loaded (libfabric's efa provider would give up)" \
	sh -c '! grep -q "^rdma_rxe " /proc/modules'
check "ib_uverbs is loaded" grep -q '^ib_uverbs ' /proc/modules
check "two instances" two_instances
for inst in i-a i-b; do
	eni=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
	check "EFA ENI for $inst attached at index 1" \
		"$VNITRO" eni attach "$eni" instance "$inst" index 1
	declare "eni_${inst#i-}=$eni"
done
dev_a=$(eni_field "$eni_a" rdma_device)
dev_b=$(eni_field "$eni_b" rdma_device)
check_match "eni show reports i-a's RDMA device" '^efa_[0-9]+$' "$dev_a"
check_match "eni show reports i-b's RDMA device" '^efa_[0-9]+$' "$dev_b"
check "each ENI has its own device" test "$dev_a" != "$dev_b"
check_eq "an interface ENI has none" null "$(eni_field "$(primary_eni i-a)" rdma_device)"

# The EFA function beside the ENA one, bound to vnitro. Its sysfs directory is in i-a's
# /sys only, as its netdev's is.
sys=/sys/class/infiniband/$dev_a
efa_slot=$(basename "$(ip netns exec i-a readlink -f "$sys/device")")
ena_bus=$(eni_field "$eni_a" pci_slot | cut -d: -f1,2)
check_match "the device's parent is a PCI function on its ENI's bus (i-a's, in vnitro's domain)" \
	"^${ena_bus}:[0-9a-f]{2}\\.0\$" "$efa_slot"
check_match "  ... which is i-a's own, not the initial namespace's bus 00" '^1[0-9a-f]{4}:0*[1-9a-f]' "$ena_bus"
check "it is not the ENA function" test "$efa_slot" != "$(eni_field "$eni_a" pci_slot)"
check_match "lspci names the EFA" \
	'Ethernet controller \[0200\]: Amazon.com, Inc. Elastic Fabric Adapter \(EFA\) \[1d0f:efa0\]' \
	"$(lspci -nn -s "$efa_slot")"
check_eq "bound to vnitro's driver (libfabric reads device/driver)" vnitro \
	"$(basename "$(ip netns exec i-a readlink "$sys/device/driver")")"
check_eq "driver_override keeps the distribution's efa away" vnitro \
	"$(cat "/sys/bus/pci/devices/$efa_slot/driver_override")"
check_eq "uverbs ABI version 1" 1 "$(ip netns exec i-a sh -c "cat $sys/device/infiniband_verbs/*/abi_version")"
# rdma shows a port's netdev only from the netdev's own namespace.
check_match "the port's netdev is the ENI's" "link $dev_a/1 .*netdev eth1" \
	"$(ip netns exec i-a rdma link show "$dev_a/1")"

info=$(ip netns exec i-a ibv_devinfo -v -d "$dev_a")
check_match "ibv_devinfo opens it in i-a" "hca_id:	$dev_a" "$info"
check_match "transport unspecified" 'transport:[[:space:]]+unspecified \(4\)' "$info"
check_match "vendor Amazon" 'vendor_id:[[:space:]]+0x1d0f' "$info"
check_match "part 0xefa0" 'vendor_part_id:[[:space:]]+61344' "$info"
check_match "hw_ver 0xEFA0" 'hw_ver:[[:space:]]+0xEFA0' "$info"
check_match "fw_ver 0.0.0.0" 'fw_ver:[[:space:]]+0.0.0.0' "$info"
check_match "port ACTIVE" 'state:[[:space:]]+PORT_ACTIVE \(4\)' "$info"
check_match "MTU 4096" 'active_mtu:[[:space:]]+4096 \(5\)' "$info"
check_match "max_msg_sz 8928" 'max_msg_sz:[[:space:]]+0x22e0' "$info"
check_match "link layer unspecified" 'link_layer:[[:space:]]+Unspecified' "$info"
gid=$(gid_of "$(eni_field "$eni_a" mac)")
check_match "GID[0] derived from the ENI's MAC" "GID\\[  0\\]:[[:space:]]+$gid" "$info"

export FI_EFA_ENABLE_SHM_TRANSFER=0
# ep_types INSTANCE DOMAIN: the endpoint types fi_info lists there for that efa domain.
ep_types() { ip netns exec "$1" fi_info -p efa -d "$2" 2>/dev/null | awk '$1 == "type:" {print $2}' | sort -u; }
for inst in i-a i-b; do
	d=dev_${inst#i-}
	d=${!d}
	check_eq "fi_info in $inst lists $d-rdm as FI_EP_RDM" FI_EP_RDM "$(ep_types "$inst" "$d-rdm")"
	check_eq "fi_info in $inst lists $d-dgrm as FI_EP_DGRAM" FI_EP_DGRAM "$(ep_types "$inst" "$d-dgrm")"
done

# An instance's EFA is its own (issue 12, defect 2): ib_core runs in exclusive namespace
# mode (qemu/guest-init), the device lives in the instance's namespace, and nothing else
# lists or opens it; a foreign process could otherwise send with its GID, fill its tables
# or keep `eni detach` failing.
check_eq "ib_core is in exclusive namespace mode" "netns exclusive" \
	"$(rdma system show | grep -o 'netns [a-z]*')"
check "the VM's own namespace does not list them" \
	sh -c "! rdma dev show | grep -Eq ' ($dev_a|$dev_b):'"
check_match "i-b lists its own device" " $dev_b:" "$(ip netns exec i-b rdma dev show)"
check "i-b does not list i-a's" sh -c "! ip netns exec i-b rdma dev show | grep -q ' $dev_a:'"
check_eq "ibv_devices in i-b: only $dev_b" "$dev_b" \
	"$(ip netns exec i-b ibv_devices | awk 'NR > 2 {print $1}')"
check_err "ibv_devinfo in i-b cannot open $dev_a" "IB device '$dev_a' wasn't found" \
	ip netns exec i-b ibv_devinfo -d "$dev_a"
check_eq "fi_info -p efa in i-b: only $dev_b's domains" "$dev_b-dgrm $dev_b-rdm" \
	"$(ip netns exec i-b fi_info -p efa | awk '$1 == "domain:" {print $2}' | sort -u | xargs)"
uv_a=$(uverbs_of "$dev_a")
check_match "$dev_a's verbs node" '^uverbs[0-9]+$' "$uv_a"
check_err "opening /dev/infiniband/$uv_a from i-b: EPERM" 'Operation not permitted' \
	ip netns exec i-b bash -c "exec 3<>/dev/infiniband/$uv_a"
check_err "opening it as a plain user of the VM's namespace: EPERM" 'Operation not permitted' \
	setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "exec 3<>/dev/infiniband/$uv_a"
check "i-a opens it" ip netns exec i-a bash -c "exec 3<>/dev/infiniband/$uv_a"

# In i-a with debugfs, which ip netns exec hides: its fabric suite drives the debugfs knobs.
VNITRO_EFA_DEV=$dev_a with_debugfs i-a "$RDMA/test_verbs" --jobs 1 --color=never

# The queue memory a process maps is charged to its memory cgroup (issue 12, defect 7):
# one process could otherwise take ~1.2 GiB per device outside its limit.
cg=/sys/fs/cgroup
mountpoint -q "$cg" || mount -t cgroup2 none "$cg"
if ! grep -qw memory "$cg/cgroup.controllers" 2>/dev/null; then
	skip "memory cgroup: no memory controller in $cg"
else
	echo +memory >"$cg/cgroup.subtree_control"
	mkdir -p "$cg/efa"
	coproc cgh { echo 0 >/sys/fs/cgroup/efa/cgroup.procs && exec ip netns exec i-a "$RDMA/efa_hold" "$dev_a"; }
	read -r -t 60 ready <&"${cgh[0]}"
	check_eq "a process in cgroup efa holds $dev_a" ready "${ready:-}"
	before=$(cat "$cg/efa/memory.current")
	echo "cq 65536" >&"${cgh[1]}"
	read -r -t 60 probe <&"${cgh[0]}"
	check_eq "it creates a CQ of 65536 entries" ok "${probe:-}"
	grown=$(($(cat "$cg/efa/memory.current") - before))
	# The ring is 1 MiB; the cgroup's other pages come and go meanwhile (a page
	# less was seen once), and without the charge it grew by a page table only.
	check "its 1 MiB ring is charged to the cgroup: +$grown bytes" test "$grown" -ge $((1024 * 1024 - 64 * 1024))
	# (No memory.max test: past it the memcg OOM killer, not ENOMEM, answers, and its
	# stack dump would read as a kernel problem to qemu/run.)
	kill -9 "$cgh_PID"
	wait "$cgh_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		(($(cat "$cg/efa/memory.current") < before + grown / 2)) && break
		sleep 0.1
	done
	check "killed, its rings are uncharged again" \
		test "$(cat "$cg/efa/memory.current")" -lt $((before + grown / 2))
	rmdir "$cg/efa" 2>/dev/null
fi

# Detach and reattach: the device goes and comes back with the same GID.
check "detach i-a's EFA ENI" "$VNITRO" eni detach "$eni_a"
check_eq "its RDMA device is gone" "" "$(uverbs_of "$dev_a")"
check_eq "eni show has no RDMA device for it" null "$(eni_field "$eni_a" rdma_device)"
check "reattach" "$VNITRO" eni attach "$eni_a" instance i-a index 1
dev_a=$(eni_field "$eni_a" rdma_device)
check_match "GID[0] is stable across reattach" "GID\\[  0\\]:[[:space:]]+$gid" \
	"$(ip netns exec i-a ibv_devinfo -v -d "$dev_a")"

# The ENA function removed through sysfs and rescanned: the port gets its netdev back.
ena_slot=$(eni_field "$eni_a" pci_slot)
check "remove i-a's EFA ENI's ENA function through sysfs" \
	sh -c "echo 1 > /sys/bus/pci/devices/$ena_slot/remove"
check "rescan brings it back" sh -c 'echo 1 > /sys/bus/pci/rescan'
check_match "the port's netdev is back" "link $dev_a/1 .*netdev eth1" \
	"$(ip netns exec i-a rdma link show "$dev_a/1")"

# An EFA in use cannot be detached (EC2: not from a running instance); deleting its
# instance takes the device away from under the process, which gets errors, not a hang.
coproc hold_b { exec ip netns exec i-b "$RDMA/efa_hold" "$dev_b"; }
read -r -t 60 ready <&"${hold_b[0]}"
check_eq "a process holds $dev_b open with a PD" ready "${ready:-}"
check_err "detaching i-b's EFA ENI is refused while it is open" \
	"$eni_b is an EFA and $dev_b has 1 open user context" "$VNITRO" eni detach "$eni_b"
check_eq "the refused ENI stays attached" "$dev_b" "$(eni_field "$eni_b" rdma_device)"
echo >&"${hold_b[1]}"
read -r -t 60 probe <&"${hold_b[0]}"
check_eq "the process's context still works" ok "${probe:-}"
check "delete instance i-b (the process still holds $dev_b)" "$VNITRO" instance del i-b
check_eq "its RDMA device is gone" "" "$(uverbs_of "$dev_b")"
echo >&"${hold_b[1]}"
read -r -t 60 probe <&"${hold_b[0]}"
check_eq "the process's next verb fails with EIO" "error: Input/output error" "${probe:-}"
kill -9 "$hold_b_PID"
wait "$hold_b_PID" 2>/dev/null

# An open user context pins the module; killing its process releases it.
coproc hold { exec ip netns exec i-a "$RDMA/efa_hold" "$dev_a"; }
read -r -t 60 ready <&"${hold[0]}"
check_eq "a process holds $dev_a open with a PD" ready "${ready:-}"
check_err "rmmod is refused while a context is open" 'in use' rmmod vnitro
kill -9 "$hold_PID"
wait "$hold_PID" 2>/dev/null
check "after kill -9, rmmod succeeds" rmmod vnitro
check "the devices are gone" sh -c '! cat /sys/class/infiniband_verbs/uverbs*/ibdev 2>/dev/null | grep -q efa_'

check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak' || true)"
summary

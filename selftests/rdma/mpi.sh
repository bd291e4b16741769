#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mpi.sh - Open MPI across instances over EFA, as the EC2 guides run it: mpirun on one
# instance with a hostfile of instance addresses (vnitro-hostfile), vnitro-rsh as the
# launcher's remote shell, the ofi MTL on the efa provider and libfabric's shared-memory
# path off, so that every byte between ranks crosses the EFA devices. mpi_check, 2 instances
# x 2 ranks: point-to-point 8 B to 1 MiB, allreduce, alltoall, bcast, put/get/accumulate,
# each message checked byte for byte. Also: the launcher glue's errors, and that a plain
# user cannot use it to enter an instance.
#
#   i-a (ranks 0, 1; mpirun)  efa_N <=== vnitro engine ===> efa_M  i-b (ranks 2, 3)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

bin=$(cd "$(dirname "$0")" && pwd)
stat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }

check "two instances" two_instances
efa_eni i-a
efa_eni i-b
ip -n i-a link set eth1 up
ip -n i-b link set eth1 up

# ---- the launcher glue ----
hosts=$(mktemp)
check "vnitro-hostfile --slots 2 i-a i-b" sh -c "vnitro-hostfile --slots 2 i-a i-b > $hosts"
check_eq "  ... one line per instance: its address and slots" \
	"$ip_a slots=2 $ip_b slots=2" "$(tr '\n' ' ' < "$hosts" | sed 's/ $//')"
check_err "vnitro-hostfile of an unknown instance names it" "i-nope: no such instance" \
	vnitro-hostfile i-a i-nope
check_err "vnitro-hostfile --slots 0 is refused" "--slots needs a number" vnitro-hostfile --slots 0 i-a
check_eq "vnitro-rsh ADDRESS runs the command inside that instance" \
	"ip-${ip_b//./-}" "$(vnitro-rsh "$ip_b" hostname 2>&1)"
check_eq "vnitro-rsh ip-A-B-C-D: the command is one shell line, as with ssh" \
	"3" "$(vnitro-rsh "ip-${ip_b//./-}" 'echo $((1 + 2))' 2>&1)"
check_eq "vnitro-rsh NAME" "ip-${ip_b//./-}" "$(vnitro-rsh i-b hostname 2>&1)"
check_eq "vnitro-rsh from inside i-a reaches i-b (as mpirun does)" \
	"ip-${ip_b//./-}" "$("$VNITRO" exec i-a -- vnitro-rsh "$ip_b" hostname 2>&1)"
rc=0
vnitro-rsh 192.0.2.7 true 2>/tmp/rsh.err || rc=$?
check_eq "vnitro-rsh to an address no instance has: exit 255" 255 "$rc"
check_match "  ... and says so" "192.0.2.7: no instance has that name or address" "$(cat /tmp/rsh.err)"
rm -f /tmp/mpi-nobody
rc=0
runuser -u nobody -- vnitro-rsh i-b touch /tmp/mpi-nobody 2>/tmp/rsh.err || rc=$?
check_eq "a plain user cannot enter an instance with vnitro-rsh (exit 255)" 255 "$rc"
check "  ... and nothing ran" test ! -e /tmp/mpi-nobody

# ---- Open MPI: 2 instances x 2 ranks, everything over EFA ----
mpi=(mpirun --allow-run-as-root --hostfile "$hosts" --bind-to socket --mca plm_rsh_agent vnitro-rsh
	--mca pml cm --mca mtl ofi --mca mtl_ofi_provider_include efa --mca osc pt2pt
	-x FI_EFA_ENABLE_SHM_TRANSFER=0 -x PATH)
sent0=$(stat srd_sent)
check "mpirun -np 4 mpi_check (2 instances x 2 ranks, ofi MTL over efa, shm off)" \
	sh -c "timeout 300 $VNITRO exec i-a -- ${mpi[*]} -np 4 $bin/mpi_check > /tmp/mpi.out 2>&1"
out=$(cat /tmp/mpi.out)
check_match "  ... every check passed" "^mpi_check: [1-9][0-9]* passed, 0 failed" "$out"
check_eq "  ... ranks on both instances" "ip-${ip_a//./-} ip-${ip_a//./-} ip-${ip_b//./-} ip-${ip_b//./-}" \
	"$(sed -n 's/^mpi_check: rank [0-9] of 4 on //p' <<<"$out" | sort | tr '\n' ' ' | sed 's/ $//')"
sent=$(( $(stat srd_sent) - sent0 ))
check "  ... over the EFA devices ($sent SRD messages counted by the engine)" test "$sent" -ge 400
check "  ... no EFA object left behind" \
	sh -c "awk '\$1 == \"qps:\" || \$1 == \"mrs:\" {n += \$2} END {exit n != 0}' /sys/kernel/debug/vnitro/efa_objects"

rm -f "$hosts"
check "rmmod succeeds" rmmod vnitro
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak|objects left' || true)"
summary

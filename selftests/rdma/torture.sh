#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# torture.sh - the module under abuse while ENA and EFA traffic runs (issue 12): ENI
# attach/detach cycles, kill -9 of EFA processes mid-transfer, `ip netns del` of an
# instance, rmmod. After each: no kernel splat, the module's live objects (debugfs
# vnitro/objects and vnitro/efa_objects) back where they were, the kernel's unreclaimable
# slab and pinned pages too, and, on a kernel with kmemleak (make check-debug), no leak.
#
#   +------- i-a --------+   ENA: iperf3 (TCP, 20 Mbit/s)   +------- i-b --------+
#   |  eth0       $ip_a ==============================> eth0       $ip_b        |
#   |  eth1 + efa_N      <== EFA: ibv_ud_pingpong -e ==>  eth1 + efa_M           |
#   |  eth2: attached, detached, TORTURE_CYCLES times                            |
#   +--------------------+                                +--------------------+
#
# TORTURE_CYCLES: attach/detach cycles (default 10000, the issue's count).
# vm: --timeout 1800
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

cycles=${TORTURE_CYCLES:-10000}
[[ $cycles =~ ^[1-9][0-9]*$ ]] || { echo "torture.sh: invalid TORTURE_CYCLES: $cycles" >&2; exit 2; }
DBG=/sys/kernel/debug
SLAB_SLACK_KB=4096	# SUnreclaim moves by this much with no leak (sockets, per-CPU caches)

objects() { cat "$DBG/vnitro/objects" "$DBG/vnitro/efa_objects"; }
sunreclaim() { awk '$1 == "SUnreclaim:" {print $2}' /proc/meminfo; }
pins() {
	cat /proc/sys/vm/stat_refresh >/dev/null
	awk '$1 == "nr_foll_pin_acquired" {a = $2} $1 == "nr_foll_pin_released" {r = $2}
		END {print a - r}' /proc/vmstat
}
# settled WHAT DESC EXPECTED: WHAT's output equals EXPECTED within 10 s (a killed process's
# context is released by its file's last close, which may come a little later).
settled() {
	local what=$1 desc=$2 expected=$3 i now
	for ((i = 0; i < 100; i++)); do
		now=$($what)
		[[ $now == "$expected" ]] && break
		sleep 0.1
	done
	check_eq "$desc" "$expected" "$now"
}
# after DESC SLAB0: the checks every phase ends with.
after() {
	local desc=$1 slab0=$2 grown
	check_eq "$desc: kernel log is clean" "" "$(splats)"
	grown=$(($(sunreclaim) - slab0))
	check "$desc: unreclaimable slab +$grown kB (at most $SLAB_SLACK_KB)" test "$grown" -le "$SLAB_SLACK_KB"
	kmemleak_clean "$desc"
}

[[ -w $DBG/kmemleak ]] && echo clear >"$DBG/kmemleak"
check "two instances" two_instances
efa_eni i-a
efa_eni i-b

# ---- traffic for the whole suite ----
ip netns exec i-b iperf3 -s -D -1 >/dev/null
wait_listen i-b 5201
ip netns exec i-a iperf3 -c "$ip_b" -b 20M -t 86400 >/tmp/torture.iperf 2>&1 &
ena_pid=$!
# Event-driven (it sleeps between completions, as perftest's busy polling would not on
# one vCPU): the cycles below get the CPU too.
ip netns exec i-a ibv_ud_pingpong -d "$dev_a" -g 0 -e -n 100000000 >/dev/null 2>&1 &
efa_srv=$!
sleep 2
ip netns exec i-b ibv_ud_pingpong -d "$dev_b" -g 0 -e -n 100000000 "$ip_a" >/dev/null 2>&1 &
efa_cli=$!
sleep 3
check "ENA (iperf3) and EFA (ibv_ud_pingpong) traffic runs" kill -0 "$ena_pid" "$efa_srv" "$efa_cli"
engine_tx() { awk '$1 == "tx_wqes:" {print $2}' "$DBG/vnitro/efa_engine"; }
rx_bytes() { ip -n i-b -j -s link show eth0 | jq '.[0].stats64.rx.bytes'; }

# ---- 1. attach/detach cycles ----
eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
# One cycle first: the caches an attachment uses exist before the baseline.
check "a third ENI attaches to i-a at index 2" "$VNITRO" eni attach "$eni" instance i-a index 2
check "  ... and detaches" "$VNITRO" eni detach "$eni"
objects0=$(objects) slab0=$(sunreclaim) tx0=$(engine_tx) rx0=$(rx_bytes)
start=$SECONDS
# In one process through libvnitro: a process start costs more than a cycle under TCG.
check_eq "$cycles attach/detach cycles of $eni under traffic" "$cycles cycles" \
	"$("$VNITRO_TOP/selftests/rdma/eni_cycle" "$eni" i-a 2 "$cycles")"
echo "# $cycles cycles in $((SECONDS - start)) s (a figure, not a check)"
check "  ... traffic went on meanwhile (ENA $(($(rx_bytes) - rx0)) bytes, EFA $(($(engine_tx) - tx0)) WQEs)" \
	test "$(rx_bytes)" -gt "$rx0" -a "$(engine_tx)" -gt "$tx0"
check "  ... and still runs" kill -0 "$ena_pid" "$efa_srv" "$efa_cli"
settled objects "  ... the module's live objects are back" "$objects0"
after "attach/detach" "$slab0"

# ---- 2. kill -9 of EFA processes mid-transfer ----
objects0=$(objects) slab0=$(sunreclaim) pins0=$(pins)
kills=10
for ((i = 0; i < kills; i++)); do
	port=$((18600 + i))
	ip netns exec i-a ib_send_bw -d "$dev_a" -c SRD -x 0 -p $port -n 100000000 >/dev/null 2>&1 &
	srv=$!
	sleep 1.5
	ip netns exec i-b ib_send_bw -d "$dev_b" -c SRD -x 0 -p $port -n 100000000 "$ip_a" >/dev/null 2>&1 &
	cli=$!
	sleep "$((1 + i % 3)).$((i * 37 % 10))"
	alive=0
	kill -0 "$srv" "$cli" 2>/dev/null && alive=1
	kill -9 "$srv" "$cli" 2>/dev/null
	wait "$srv" "$cli" 2>/dev/null
	[[ $alive == 1 ]] || break
done
check_eq "$kills pairs of ib_send_bw killed with -9 mid-transfer" "$kills" "$i"
settled objects "  ... the module's live objects are back" "$objects0"
settled pins "  ... and the kernel's pinned pages" "$pins0"
check "  ... the first pair still runs" kill -0 "$efa_srv" "$efa_cli"
after "kill -9" "$slab0"

# ---- 3. ip netns del of an instance under traffic ----
objects0=$(objects) slab0=$(sunreclaim)
check "instance i-c" "$VNITRO" instance add i-c subnet subnet-default
check "  ... configured" bring_up i-c "$(primary_eni i-c)"
efa_eni i-c
eni_c=$("$VNITRO" -j eni show | jq -r --arg d "$dev_c" '.[] | select(.rdma_device == $d) | .id')
ip_c=$(eni_field "$(primary_eni i-c)" private_ip)
ip netns exec i-a ping -f -q "$ip_c" >/dev/null 2>&1 &
ping_pid=$!
ip netns exec i-c ib_send_bw -d "$dev_c" -c SRD -x 0 -p 18700 -n 100000000 >/dev/null 2>&1 &
c_srv=$!
sleep 1.5
ip netns exec i-b ib_send_bw -d "$dev_b" -c SRD -x 0 -p 18700 -n 100000000 "$ip_c" >/dev/null 2>&1 &
c_cli=$!
sleep 3
check "ping -f and ib_send_bw into i-c run" kill -0 "$ping_pid" "$c_srv" "$c_cli"
check "ip netns del i-c under that traffic" ip netns del i-c
sleep 2
check_eq "  ... the instance stays (its processes and vnitro hold the namespace)" i-c \
	"$("$VNITRO" -j instance show i-c | jq -r '.[0].name')"
check "  ... EFA traffic into it goes on" kill -0 "$c_srv" "$c_cli"
check "vnitro instance del i-c, its EFA still open" "$VNITRO" instance del i-c
kill -9 "$ping_pid" "$c_srv" "$c_cli" 2>/dev/null
wait "$ping_pid" "$c_srv" "$c_cli" 2>/dev/null
# Its primary ENI went with it; the EFA ENI stays, detached, as on EC2, until deleted.
check "  ... its EFA ENI is left detached; delete it" "$VNITRO" eni del "$eni_c"
settled objects "  ... the module's live objects are back" "$objects0"
check "  ... i-a and i-b still reach each other" ip netns exec i-a ping -c 1 -W 5 "$ip_b"
after "ip netns del" "$slab0"

# ---- 4. rmmod under traffic ----
check_err "rmmod under EFA traffic is refused" 'in use' rmmod vnitro
check "  ... the traffic is untouched" kill -0 "$ena_pid" "$efa_srv" "$efa_cli"
kill -9 "$efa_srv" "$efa_cli" 2>/dev/null
wait "$efa_srv" "$efa_cli" 2>/dev/null
pins0=$(pins) slab0=$(sunreclaim)
settled 'awk {print} /sys/module/vnitro/refcnt' "the EFA processes gone, nothing holds the module" 0
check "rmmod under ENA traffic (iperf3 still sending)" rmmod vnitro
kill "$ena_pid" 2>/dev/null
wait "$ena_pid" 2>/dev/null
check "  ... no ENA or EFA device is left" \
	sh -c '! ls /sys/class/infiniband_verbs/ 2>/dev/null | grep -q uverbs && ! ip -n i-a -br link | grep -q eth'
check_eq "  ... no kernel page is left pinned" "$pins0" "$(pins)"
after "rmmod" "$slab0"
check "insmod again" insmod "$VNITRO_TOP/kmod/vnitro.ko"
check "  ... and a new world works" two_instances
check "  ... i-a pings i-b" ip netns exec i-a ping -c 1 -W 5 "$ip_b"
check_eq "kernel log is clean" "" "$(splats)"
summary

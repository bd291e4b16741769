#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# subnet.sh - EFA traffic stays within one subnet (EC2 User Guide, EFA limitations: "EFA OS-bypass
# traffic is limited to a single subnet"): between instances in two subnets of one VPC, IP works but
# SRD sends fail and UD datagrams are not delivered, each counted as drop_cross_subnet; within the
# subnet the same program succeeds.
#
#   subnet-default: i-a (efa_N), i-b (efa_M)      subnet-other: i-c (efa_K)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

bin=$(dirname "$0")
stat() { awk -v k="$1:" '$1 == k {print $2}' /sys/kernel/debug/vnitro/efa_engine; }

check "two instances in subnet-default" two_instances
az=$("$VNITRO" -j subnet show subnet-default | jq -r 'if type == "array" then .[0].az else .az end')
check "a second subnet in the default VPC" \
	"$VNITRO" subnet add subnet-other vpc vpc-default cidr 172.31.16.0/20 az "$az"
check "instance i-c in it" "$VNITRO" instance add i-c subnet subnet-other
bring_up i-c "$(primary_eni i-c)"
# Each side reaches the other subnet through the VPC router (the subnet's .1).
ip -n i-c route add default via 172.31.16.1
ip -n i-a route add 172.31.16.0/20 via 172.31.0.1
efa_eni i-a
efa_eni i-b
efa_eni i-c subnet-other
check "IP crosses the subnets (the VPC's local route)" \
	ip netns exec i-c ping -c 2 -W 2 -q "$ip_a"

# seq_run NAME SERVER_INST SERVER_DEV CLIENT_INST CLIENT_DEV N: srd_seq between them;
# exit codes in rc_s/rc_c, output in /tmp/NAME.{server,client}.
seq_run() {
	local name=$1 s=$2 sdev=$3 c=$4 cdev=$5 n=$6
	ip netns exec "$s" timeout 60 "$bin/srd_seq" -d "$sdev" -n "$n" >"/tmp/$name.server" 2>&1 &
	local pid=$!
	ip netns exec "$c" timeout 60 "$bin/srd_seq" -d "$cdev" -n "$n" "$ip_a" >"/tmp/$name.client" 2>&1
	rc_c=$?
	wait "$pid"
	rc_s=$?
}

seq_run same i-a "$dev_a" i-b "$dev_b" 20
if ! check_eq "SRD within subnet-default: 20 messages, each once" "0 0" "$rc_s $rc_c"; then
	sed 's/^/# server: /' /tmp/same.server
	sed 's/^/# client: /' /tmp/same.client
fi

drops0=$(stat drop_cross_subnet)
seq_run cross i-a "$dev_a" i-c "$dev_c" 20
sed 's/^/# client: /' /tmp/cross.client | tail -2
check "SRD from subnet-other to subnet-default: the sends fail" test "$rc_c" -ne 0
check_match "  ... every one of them" "^0 sends completed OK, 20 failed" "$(cat /tmp/cross.client)"
check_match "  ... with the device's unresponsive-remote status (libefa: response timeout)" \
	"srd_seq: send response timeout error" "$(cat /tmp/cross.client)"
check_match "  ... and nothing arrived" "^received 0 of 20" "$(cat /tmp/cross.server)"
check_eq "  ... counted as drop_cross_subnet" 20 $(( $(stat drop_cross_subnet) - drops0 ))

drops0=$(stat drop_cross_subnet)
ip netns exec i-a timeout 10 ibv_ud_pingpong -d "$dev_a" -g 0 -n 5 >/dev/null 2>&1 &
srv=$!
# The client gives up at once if the server is not listening yet (it then sends nothing).
wait_listen i-a 18515
check "UD from subnet-other: ibv_ud_pingpong gets no answer" \
	bash -c "! ip netns exec i-c timeout 5 ibv_ud_pingpong -d $dev_c -g 0 -n 5 $ip_a >/dev/null 2>&1"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
check "  ... its datagrams counted as drop_cross_subnet" test $(( $(stat drop_cross_subnet) - drops0 )) -gt 0

check "rmmod succeeds" rmmod vnitro
check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak|objects left' || true)"
summary

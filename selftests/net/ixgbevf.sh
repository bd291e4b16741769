#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ixgbevf.sh - the Intel 82599 VF on the instance types whose enhanced networking it is
# (C3, C4, D2, I2, M4, R3): lspci, ethtool as the ixgbevf driver answers, traffic with an
# ENA instance, EC2's refusals, and the stock drivers never binding.
#
#   +----- i-c4 (c4.large) -----+              +----- i-m5 (m5.large) -----+
#   | eth0  8086:10ed  ixgbevf  | -- fabric -- | eth0  1d0f:ec20  ena      |
#   +---------------------------+              +---------------------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

ic() { ip netns exec i-c4 "$@"; }
im() { ip netns exec i-m5 "$@"; }
for inst in i-c4:c4.large i-m5:m5.large; do
	"$VNITRO" instance add "${inst%%:*}" subnet subnet-default type "${inst#*:}" >/dev/null &&
		bring_up "${inst%%:*}" "$(primary_eni "${inst%%:*}")"
done
eni_c=$(primary_eni i-c4)
eni_m=$(primary_eni i-m5)
ip_c=$(eni_field "$eni_c" private_ip)
ip_m=$(eni_field "$eni_m" private_ip)
queues=$(( $(nproc) < 2 ? $(nproc) : 2 ))	# ixgbevf: min(online CPUs, IXGBEVF_MAX_RSS_QUEUES)

# ---- what the control plane says ----
check_eq "eni show -j: the c4.large ENI presents the Intel VF, the m5.large one ENA" \
	"ixgbevf ena" "$(eni_field "$eni_c" adapter) $(eni_field "$eni_m" adapter)"
check_match "eni show: the text names the Intel VF" " adapter ixgbevf" "$("$VNITRO" eni show "$eni_c")"
check_eq "instance show -j: the type's interface" "ixgbevf" \
	"$("$VNITRO" -j instance show i-c4 | jq -r '.[0].adapter')"
check_match "instance types: c4.large is an Intel VF type, 3 ENIs of 10 addresses" \
	'^c4.large: vcpus 2 max-enis 3 ips-per-eni 10 queues 2 adapter ixgbevf ' "$("$VNITRO" instance types)"

# ---- PCI: 8086:10ed, bound by vnitro only ----
slot=$(eni_field "$eni_c" pci_slot)
check_match "lspci names the 82599 VF" \
	'Ethernet controller \[0200\]: Intel Corporation 82599 Ethernet Controller Virtual Function \[8086:10ed\] \(rev 01\)' \
	"$(lspci -nn -s "$slot")"
check_eq "bound to vnitro's driver" vnitro "$(basename "$(readlink "/sys/bus/pci/devices/$slot/driver")")"
check_eq "driver_override keeps the distribution's ixgbevf away" vnitro \
	"$(cat "/sys/bus/pci/devices/$slot/driver_override")"
check "the stock ixgbevf and ena modules load" sh -c 'modprobe ixgbevf && modprobe ena'
check "remove the function through sysfs" sh -c "echo 1 > /sys/bus/pci/devices/$slot/remove"
check "rescan brings it back" sh -c 'echo 1 > /sys/bus/pci/rescan'
check_eq "rescanned, bound to vnitro, not ixgbevf" vnitro \
	"$(basename "$(readlink "/sys/bus/pci/devices/$slot/driver")")"
check_eq "ixgbevf bound nothing" "" "$(find /sys/bus/pci/drivers/ixgbevf -maxdepth 1 -name "*:*" 2>/dev/null)"
check_eq "ena bound nothing of vnitro's either" "" \
	"$(find /sys/bus/pci/drivers/ena -maxdepth 1 -name "1[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*" 2>/dev/null)"
rmmod ixgbevf ena 2>/dev/null
check "eth0 is back; configured and up again" bring_up i-c4 "$eni_c"

# ---- ethtool, as the ixgbevf driver answers ----
info=$(ic ethtool -i eth0)
check_match "ethtool -i: driver ixgbevf" '^driver: ixgbevf$' "$info"
check_match "ethtool -i: version is the kernel release, as the in-tree driver" "^version: $(uname -r)\$" "$info"
check_match "ethtool -i: bus-info is the function" "^bus-info: $slot\$" "$info"
check_match "ethtool -i: statistics, test, register dump and private flags; no EEPROM" \
	'supports-statistics: yes.supports-test: yes.supports-eeprom-access: no.supports-register-dump: yes.supports-priv-flags: yes' \
	"$(tr '\n' '.' <<<"$info")"
check_err "ethtool -l: no channels API" 'Operation not supported' ic ethtool -l eth0
check_err "ethtool -L: no channels API" 'Operation not supported' ic ethtool -L eth0 combined 1
check_eq "the stack has min(CPUs, 2) queue pairs" "$queues $queues" \
	"$(ic sh -c 'ls /sys/class/net/eth0/queues | grep -c rx-; ls /sys/class/net/eth0/queues | grep -c tx-' | tr '\n' ' ' | sed 's/ $//')"
check_match "ip -d link: allocated with ixgbevf's 8 TX queues" 'numtxqueues 8 numrxqueues 8' \
	"$(ip -n i-c4 -d link show eth0)"

k=$(ic ethtool -k eth0)
for f in 'rx-checksumming: on' 'tx-checksum-ip-generic: on' 'tx-checksum-ipv4: off \[fixed\]' \
	'tx-checksum-sctp: on' 'tcp-segmentation-offload: on' 'large-receive-offload: off \[fixed\]' \
	'receive-hashing: off \[fixed\]' 'rx-vlan-offload: on \[fixed\]' 'tx-vlan-offload: on \[fixed\]' \
	'rx-vlan-filter: on \[fixed\]' 'tx-gre-segmentation: on' 'tx-gso-partial: on' \
	'ntuple-filters: off \[fixed\]'; do
	check_match "ethtool -k: $f" "^$f\$" "$(sed 's/^[[:space:]]*//' <<<"$k")"
done

expected="rx_packets tx_packets rx_bytes tx_bytes tx_busy tx_restart_queue tx_timeout_count multicast"
expected+=" rx_csum_offload_errors alloc_rx_page alloc_rx_page_failed alloc_rx_buff_failed tx_ipsec rx_ipsec"
for ((q = 0; q < queues; q++)); do expected+=" tx_queue_${q}_packets tx_queue_${q}_bytes"; done
for ((q = 0; q < queues; q++)); do expected+=" rx_queue_${q}_packets rx_queue_${q}_bytes"; done
check_eq "ethtool -S: ixgbevf's counters, in its order" "$expected" \
	"$(ic ethtool -S eth0 | awk -F: 'NR > 1 {gsub(/ /, "", $1); printf "%s%s", sep, $1; sep = " "}')"
check "ping the ENA instance" ic ping -c 3 -i 0.2 -W 2 -q "$ip_m"
s() { ic ethtool -S eth0 | awk -v k="$1:" '$1 == k {print $2}'; }
check "ethtool -S: tx_packets counts it ($(s tx_packets))" test "$(s tx_packets)" -ge 3
check "ethtool -S: rx_packets counts the replies ($(s rx_packets))" test "$(s rx_packets)" -ge 3
check_eq "ethtool -S: tx_busy and tx_restart_queue stay 0, as in the driver" "0 0" \
	"$(s tx_busy) $(s tx_restart_queue)"

ring() { ic ethtool -g eth0 | awk -v part="$1" -v k="$2:" '/^Pre-set/ {p = "max"} /^Current/ {p = "cur"} p == part && $1 == k {print $2}'; }
check_eq "ethtool -g: maxima 4096/4096, defaults RX 512 TX 1024" "4096 4096 512 1024" \
	"$(ring max RX) $(ring max TX) $(ring cur RX) $(ring cur TX)"
check "ethtool -G rx 100 tx 10" ic ethtool -G eth0 rx 100 tx 10
check_eq "rounded up to a multiple of 8, raised to the minimum 64" "104 64" "$(ring cur RX) $(ring cur TX)"
check_err "ethtool -G rx 5000: above the maximum" 'exceeds maximum|Invalid argument' ic ethtool -G eth0 rx 5000
check_eq "the refusal changed nothing" "104 64" "$(ring cur RX) $(ring cur TX)"
check "back to the defaults" ic ethtool -G eth0 rx 512 tx 1024

coal() { ic ethtool -c eth0 | awk -v k="$1:" '$1 == k {print $2}'; }
check_eq "ethtool -c: rx-usecs 1 (dynamic), tx-usecs 0 (mixed vectors)" "1 0" "$(coal rx-usecs) $(coal tx-usecs)"
check_err "ethtool -C tx-usecs: refused on mixed vectors" 'Invalid argument' ic ethtool -C eth0 tx-usecs 10
check_err "ethtool -C rx-usecs 1023: above 1022" 'Invalid argument' ic ethtool -C eth0 rx-usecs 1023
check_err "ethtool -C rx-frames: not a parameter of ixgbevf" 'not supported|unsupported parameter|Operation not supported' \
	ic ethtool -C eth0 rx-frames 8
check "ethtool -C rx-usecs 100" ic ethtool -C eth0 rx-usecs 100
check_eq "read back" "100 0" "$(coal rx-usecs) $(coal tx-usecs)"
check "ethtool -C rx-usecs 1: dynamic again" ic ethtool -C eth0 rx-usecs 1

x=$(ic ethtool -x eth0)
check_match "ethtool -x: ixgbevf's 128-entry table" "RX flow hash indirection table for eth0 with $queues RX ring\\(s\\):" "$x"
check_eq "ethtool -x: 128 entries, each a queue of the VF" 128 \
	"$(awk '/^ *[0-9]+: / {for (i = 2; i <= NF; i++) if ($i < '"$queues"') n++} END {print n + 0}' <<<"$x")"
check_match "ethtool -x: a 40-byte key, toeplitz" 'toeplitz: on' "$x"
check_eq "ethtool -x: the key has 40 bytes" 40 \
	"$(awk '/^RSS hash key:/ {getline; print split($0, b, ":")}' <<<"$x")"
check_err "ethtool -X: the VF cannot set RSS" 'Operation not supported' ic ethtool -X eth0 equal 1
check_err "ethtool -n rx-flow-hash: not supported" 'Operation not supported' \
	ic ethtool -n eth0 rx-flow-hash tcp4

link=$(ic ethtool eth0)
check_match "ethtool: 10000baseT/Full supported" 'Supported link modes:[[:space:]]+10000baseT/Full' "$link"
check_match "ethtool: speed 10000Mb/s while up" 'Speed: 10000Mb/s' "$link"
check_match "ethtool: autonegotiation off" 'Auto-negotiation: off' "$link"
check_match "ethtool --show-priv-flags: legacy-rx off" '^legacy-rx *: off$' "$(ic ethtool --show-priv-flags eth0)"
check "ethtool --set-priv-flags legacy-rx on" ic ethtool --set-priv-flags eth0 legacy-rx on
check_match "read back" '^legacy-rx *: on$' "$(ic ethtool --show-priv-flags eth0)"
check "and off" ic ethtool --set-priv-flags eth0 legacy-rx off
check "ethtool -d: the register dump" ic ethtool -d eth0
check_match "ethtool -t online: both tests pass" 'The test result is PASS' "$(ic ethtool -t eth0 online)"
check_err "ethtool -p: cannot identify" 'Operation not supported' ic ethtool -p eth0 1

# ---- MTU: 68 to 9710 (mailbox API 1.1 and later); EC2's 9001 inside the VPC ----
check "mtu 9710, the driver's maximum" ip -n i-c4 link set eth0 mtu 9710
check_err "mtu 9711 refused" 'mtu greater than device maximum|Invalid argument' ip -n i-c4 link set eth0 mtu 9711
check "mtu 68, its minimum" ip -n i-c4 link set eth0 mtu 68
check_err "mtu 67 refused" 'mtu less than device minimum|Invalid argument' ip -n i-c4 link set eth0 mtu 67
check "mtu 9001 at both ends" sh -c "ip -n i-c4 link set eth0 mtu 9001 && ip -n i-m5 link set eth0 mtu 9001"
check "jumbo ping, not fragmented, c4 -> m5" ic ping -c 2 -W 2 -M "do" -s 8973 -q "$ip_m"
check "jumbo ping, m5 -> c4" im ping -c 2 -W 2 -M "do" -s 8973 -q "$ip_c"

# ---- traffic with the ENA instance: TCP with the VF's TSO and checksum offload ----
im iperf3 -s -1 -D >/dev/null 2>&1
wait_listen i-m5 5201
out=$(ic iperf3 -c "$ip_m" -t 3 -J 2>&1)
check "iperf3 c4 -> m5" test "$(jq '.end.sum_received.bytes' <<<"$out" 2>/dev/null || echo 0)" -gt 1000000
ic iperf3 -s -1 -D >/dev/null 2>&1
wait_listen i-c4 5201
out=$(im iperf3 -c "$ip_c" -t 3 -J 2>&1)
check "iperf3 m5 -> c4" test "$(jq '.end.sum_received.bytes' <<<"$out" 2>/dev/null || echo 0)" -gt 1000000
check "1 MiB over TCP, byte for byte, c4 -> m5" tcp_copy i-c4 i-m5 "$ip_m"
check_eq "nothing arrived with a bad checksum" 0 "$(s rx_csum_offload_errors)"

# A VLAN on the VF: the device inserts the tag; the VPC carries no VLANs.
check "a VLAN on eth0 (tx-vlan-offload inserts the tag)" ic ip link add link eth0 name eth0.7 type vlan id 7
ic ip addr add 10.77.0.1/24 dev eth0.7
ic ip link set eth0.7 up
check "the VPC drops tagged frames: nothing answers" sh -c '! ip netns exec i-c4 ping -c 2 -W 1 -q 10.77.0.2 >/dev/null'
ic ip link del eth0.7
check "untagged traffic is unaffected" ic ping -c 2 -W 2 -q "$ip_m"

# ---- XDP: ixgbevf's rule, a frame must fit one RX buffer ----
bpf=$VNITRO_TOP/selftests/bpf
if [[ -f $bpf/xdp_pass.bpf.o ]]; then
	check_err "XDP at mtu 9001: the frame does not fit an RX buffer" 'Invalid argument|do not fit' \
		ic ip link set dev eth0 xdpdrv obj "$bpf/xdp_pass.bpf.o" sec xdp
	ip -n i-c4 link set eth0 mtu 1500
	check "XDP at mtu 1500" ic ip link set dev eth0 xdpdrv obj "$bpf/xdp_pass.bpf.o" sec xdp
	check_err "no MTU change under XDP (ixgbevf_change_mtu)" 'Operation not permitted' \
		ip -n i-c4 link set eth0 mtu 1400
	check_match "ethtool -S: an XDP queue beside each RX queue" 'xdp_queue_0_packets' "$(ic ethtool -S eth0)"
	check "traffic through xdp_pass" ic ping -c 2 -W 2 -q "$ip_m"
	check "detach" ic ip link set dev eth0 xdpdrv off
else
	skip "the XDP programs are not built (make -C selftests/net)"
fi

# ---- EC2's refusals: no EFA, no ENA Express on these types ----
efa=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r '.id')
check_err "an EFA ENI is refused, with EC2's reason" \
	'c4.large does not support EFA: its enhanced networking is the Intel 82599 VF interface' \
	"$VNITRO" eni attach "$efa" instance i-c4 index 1
check_err "ENA Express is refused" 'c4.large does not support ENA Express: its enhanced networking is the Intel 82599 VF' \
	"$VNITRO" eni set "$eni_c" ena-express on
check_eq "nothing half-applied" "false 1" \
	"$("$VNITRO" -j eni show "$eni_c" | jq -r '.[0].ena_express') $("$VNITRO" -j instance show i-c4 | jq -r '.[0].eni_count')"
"$VNITRO" eni del "$efa" >/dev/null

# ---- a second ENI: the same personality, DHCP works the same ----
eni2=$("$VNITRO" -j eni add subnet subnet-default | jq -r '.id')
check "attach a second ENI to i-c4" "$VNITRO" eni attach "$eni2" instance i-c4 index 1
if2=$(eni_field "$eni2" ifname)
check_eq "it is an Intel VF too" "ixgbevf ixgbevf" \
	"$(eni_field "$eni2" adapter) $(ic ethtool -i "$if2" | sed -n 's/^driver: //p')"
ic ip link set "$if2" up
check "DHCP gives it its address (busybox udhcpc)" ic timeout 20 busybox udhcpc -i "$if2" -n -q -t 3 -T 2 -s /bin/true
check "detach it" "$VNITRO" eni detach "$eni2"

# ---- a plain user of the instance changes nothing ----
plain() { ic setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
check_err "ethtool -G as a plain user: refused" 'Operation not permitted' plain ethtool -G eth0 rx 256
check_err "ethtool -C as a plain user: refused" 'Operation not permitted' plain ethtool -C eth0 rx-usecs 10
check_err "ethtool --set-priv-flags as a plain user: refused" 'Operation not permitted' \
	plain ethtool --set-priv-flags eth0 legacy-rx on
check_eq "the other instance does not see the VF" "" "$(im ip -o link show | grep -i "$(eni_field "$eni_c" mac)")"

# ---- the EC2 API: DescribeInstances as EC2 describes an Intel VF instance ----
creds=$(mktemp)
chmod 600 "$creds"
echo "AKIDVNITROTEST00001 vnitro-test-secret" >"$creds"
vnitrod_api "$creds"
daemon=$vnitrod_pid
out=$(env AWS_ACCESS_KEY_ID=AKIDVNITROTEST00001 AWS_SECRET_ACCESS_KEY=vnitro-test-secret \
	AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" HOME="$(mktemp -d)" \
	/usr/bin/aws --endpoint-url http://127.0.0.1:8773 --output text ec2 describe-instances \
	--instance-ids i-c4 i-m5 \
	--query 'Reservations[].Instances[].[InstanceId, InstanceType, EnaSupport, SriovNetSupport]' 2>&1)
check_eq "aws ec2 describe-instances: c4.large has sriovNetSupport simple and no ENA; m5.large ENA" \
	"i-c4 c4.large False simple|i-m5 m5.large True None" "$(tr '\t' ' ' <<<"$out" | sort | paste -sd'|')"
kill "$daemon"
wait "$daemon" 2>/dev/null

"$VNITRO" eni del "$eni2" >/dev/null
"$VNITRO" instance del i-c4
"$VNITRO" instance del i-m5
summary

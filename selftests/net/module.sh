#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# module.sh - load and unload, the default world, and what stock tools see of it.
# vm: --no-module
#
#   +------------------- init namespace = instance i-host -------------------+
#   |  eth0 (ENA VF 1d0f:ec20 at 10000:00:03.0, driver vnitro, "ena")        |
#   +-------------------------------------------------------------------------+
#        vpc-default 172.31.0.0/16 -- subnet-default 172.31.0.0/20 us-east-1a
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
KO=$VNITRO_TOP/kmod/vnitro.ko

check "insmod succeeds" insmod "$KO"
check "module is listed" grep -q '^vnitro ' /proc/modules

vpcs=$("$VNITRO" -j vpc show)
check_eq "default VPC" 'vpc-default 172.31.0.0/16' "$(jq -r '.[0] | "\(.id) \(.cidr)"' <<<"$vpcs")"
subnets=$("$VNITRO" -j subnet show)
check_eq "default subnet" 'subnet-default vpc-default 172.31.0.0/20 us-east-1a' \
	"$(jq -r '.[0] | "\(.id) \(.vpc) \(.cidr) \(.az)"' <<<"$subnets")"
inst=$("$VNITRO" -j instance show)
check_eq "default instance" 'i-host subnet-default 1' \
	"$(jq -r '.[0] | "\(.name) \(.subnet) \(.eni_count)"' <<<"$inst")"

eni=$(primary_eni i-host)
check_match "primary ENI id looks like EC2's" '^eni-[0-9a-f]{17}$' "$eni"
check_eq "primary ENI attached as eth0 at index 0" 'in-use i-host 0 eth0 interface true' \
	"$(eni_field "$eni" '"\(.status) \(.instance) \(.device_index) \(.ifname) \(.type) \(.source_dest_check)"')"
check_eq "primary ENI got the first assignable address" '172.31.0.4' "$(eni_field "$eni" private_ip)"
mac=$(eni_field "$eni" mac)
check_match "MAC is locally administered unicast" '^[0-9a-f][26ae]:' "$mac"
check_eq "netdev carries the ENI's MAC" "$mac" "$(cat /sys/class/net/eth0/address)"

slot=$(eni_field "$eni" pci_slot)
check_match "PCI slot in vnitro's own domain" '^1[0-9a-f]{4}:00:[0-9a-f]{2}\.0$' "$slot"
lspci_out=$(lspci -nn -s "${slot%%:*}:00:" 2>&1)
check_match "lspci names the ENA" 'Ethernet controller \[0200\]: Amazon.com, Inc. Elastic Network Adapter \(ENA\) \[1d0f:ec20\]' "$lspci_out"
ethtool_out=$(ethtool -i eth0)
check_match "ethtool -i: driver ena" '^driver: ena$' "$ethtool_out"
check_match "ethtool -i: version" "^version: $(uname -r)\$" "$ethtool_out"
check_match "ethtool -i: bus-info is the ENI's PCI function" "^bus-info: $slot\$" "$ethtool_out"
check_eq "function is bound to vnitro's driver" vnitro \
	"$(basename "$(readlink "/sys/bus/pci/devices/$slot/driver")")"
check_eq "driver_override keeps the distribution's ena away" vnitro \
	"$(cat "/sys/bus/pci/devices/$slot/driver_override")"
check_eq "netdev's parent is the function" "$slot" "$(basename "$(readlink /sys/class/net/eth0/device)")"

# The distribution's ena must not grab our functions, even after a rescan.
modprobe ena 2>/dev/null
check "remove the function through sysfs" sh -c "echo 1 > /sys/bus/pci/devices/$slot/remove"
check "eth0 is gone with it" sh -c '! ip link show eth0'
check "rescan brings it back" sh -c 'echo 1 > /sys/bus/pci/rescan'
check_eq "rescanned function bound to vnitro, not ena" vnitro \
	"$(basename "$(readlink "/sys/bus/pci/devices/$slot/driver")")"
check "eth0 is back" ip link show eth0
rmmod ena 2>/dev/null

check "rmmod succeeds" rmmod vnitro
check "the family is gone" sh -c "! $VNITRO instance show 2>/dev/null"
check "eth0 is gone" sh -c '! ip link show eth0 2>/dev/null'
check "the PCI domain is gone" sh -c "! ls /sys/bus/pci/devices | grep -q '^${slot%%:*}:'"

for i in 1 2 3; do
	insmod "$KO" && rmmod vnitro || break
done
check "three more load/unload cycles" test "$i" = 3

check "insmod default_world=0" insmod "$KO" default_world=0
check_eq "no instance without the default world" 0 "$("$VNITRO" -j instance show | jq length)"
check_eq "no VPC without the default world" 0 "$("$VNITRO" -j vpc show | jq length)"
check "rmmod again" rmmod vnitro

check_eq "kernel log is clean" "" "$(dmesg | grep -E 'WARNING|BUG|Oops|refcount|leak' || true)"
summary

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# limits.sh - network cards and the PCI topology: the largest instance type's 64 interfaces
# on a bus per network card, and a topology that is full refusing with the limit's name and
# changing nothing.
# vm: --no-module --mem 3072
#
#   i-big (p5.48xlarge): on each of its 32 network cards an EFA at device index 1 and an
#   ENI at index 0 (card 0's is the primary): 64 ENA and 32 EFA functions, 32 buses
#   then, loaded with pci_buses=3: i-host (bus 0), i-a (bus 1, a p5), i-b (bus 2); i-c and
#   i-a's second network card find no bus until one is freed
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
KO=$VNITRO_TOP/kmod/vnitro.ko

# lib.sh's, with the PCI buses.
snapshot() {
	{
		"$VNITRO" -j instance show
		"$VNITRO" -j eni show
		ls /run/netns 2>/dev/null
		lspci -n | sort
		ls /sys/class/pci_bus
	} 2>&1
}

check "insmod" insmod "$KO"
check_match "instance types: p5.48xlarge has 32 network cards of 2 interfaces" \
	'^p5.48xlarge: vcpus 192 max-enis 64 network-cards 32 enis-per-card 2 ' "$("$VNITRO" instance types)"
check "a p5.48xlarge" "$VNITRO" instance add i-big subnet subnet-default type p5.48xlarge
# EC2's P5 layout, filled: an EFA at device index 1 of every card, and an ENA-only ENI at
# device index 0 of cards 1-31 (the primary holds card 0's).
bad=
for ((card = 0; card < 32; card++)); do
	eni=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
	"$VNITRO" eni attach "$eni" instance i-big card "$card" index 1 >/dev/null || bad+=" efa@$card"
	((card)) || continue
	eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
	"$VNITRO" eni attach "$eni" instance i-big card "$card" index 0 >/dev/null || bad+=" ena@$card"
done
check_eq "64 ENIs attach, two on each of the 32 network cards" "" "$bad"
check_eq "instance show counts 64" 64 "$("$VNITRO" -j instance show i-big | jq '.[0].eni_count')"
eni=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
check_err "a 65th is refused, naming the instance's limit" \
	'p5.48xlarge supports at most 64 network interfaces, and instance i-big has 64' \
	"$VNITRO" eni attach "$eni" instance i-big card 7 index 2
gone=$("$VNITRO" -j eni show | jq -r '.[] | select(.instance == "i-big" and .network_card == 3 and .device_index == 0) | .id')
check "detach card 3's ENI-only interface" "$VNITRO" eni detach "$gone"
check_err "a third on a full card is refused, naming the card's limit" \
	'p5.48xlarge supports at most 2 network interfaces per network card, and network card 7 of instance i-big has 2' \
	"$VNITRO" eni attach "$eni" instance i-big card 7 index 2
check_err "card 32 does not exist" 'network card 32 is out of range: p5.48xlarge has 32 network cards \(0 to 31\)' \
	"$VNITRO" eni attach "$eni" instance i-big card 32 index 1
check "card 3 takes it" "$VNITRO" eni attach "$eni" instance i-big card 3 index 0
"$VNITRO" eni del "$gone"
check_eq "eni show: card 5 holds an EFA at index 1 and an ENI at index 0" "0 interface,1 efa" \
	"$("$VNITRO" -j eni show | jq -r '[.[] | select(.instance == "i-big" and .network_card == 5) |
		"\(.device_index) \(.type)"] | sort | join(",")')"
slots=$("$VNITRO" -j eni show | jq -r '.[] | select(.instance == "i-big") | "\(.network_card) \(.pci_slot)"')
check_eq "a PCI bus for each network card" 32 "$(awk '{ split($2, a, ":"); print a[1] ":" a[2] }' <<<"$slots" | sort -u | wc -l)"
check_eq "  ... holding only that card's functions" 32 \
	"$(awk '{ split($2, a, ":"); print $1, a[1] ":" a[2] }' <<<"$slots" | sort -u | wc -l)"
host_bus=$(eni_field "$(primary_eni i-host)" pci_slot | cut -d: -f1,2)
check_eq "64 ENA and 32 EFA functions" "64 32" \
	"$(lspci -n -d 1d0f:ec20 | grep -vc "^$host_bus:") $(lspci -n -d 1d0f:efa2 | wc -l)"
check_eq "no bus of i-big's holds another instance's function" "$host_bus" \
	"$("$VNITRO" -j eni show | jq -r '.[] | select(.instance != "i-big" and .instance != null) | .pci_slot' | cut -d: -f1,2 | sort -u)"
check_eq "32 RDMA devices in i-big" 32 "$(ip netns exec i-big rdma dev | grep -c '^[0-9]*: efa_')"
check_eq "64 netdevs in i-big" 64 "$(ip -n i-big -o link show | grep -c ': eth')"
unbound=$(for s in $(lspci -D -n -d 1d0f: | awk '{ print $1 }'); do
	[[ $(basename "$(readlink "/sys/bus/pci/devices/$s/driver")") == vnitro ]] || echo "$s"
done)
check_eq "every function is bound to vnitro" "" "$unbound"
check "instance del i-big" "$VNITRO" instance del i-big
check_eq "its buses are gone" 1 "$(ls /sys/class/pci_bus | grep -c '^1[0-9a-f]\{4\}:')"
"$VNITRO" -j eni show | jq -r '.[] | select(.status == "available") | .id' |
	while read -r eni; do "$VNITRO" eni del "$eni"; done
check "rmmod" rmmod vnitro

check_err "pci_buses=0 is refused" "Invalid" insmod "$KO" pci_buses=0
check_match "  ... saying why" "pci_buses=0: between 1 and 1024" "$(dmesg | tail -5)"
check "insmod pci_buses=3" insmod "$KO" pci_buses=3
check "i-a (p5.48xlarge) gets the second bus" \
	"$VNITRO" instance add i-a subnet subnet-default type p5.48xlarge
check "i-b the third" "$VNITRO" instance add i-b subnet subnet-default
refuse "a fourth instance does not fit, and the error names the limit" \
	'virtual PCI topology is full \(pci_buses=3 buses of 29 functions, one or more per instance\)' \
	"$VNITRO" instance add i-c subnet subnet-default
eni=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
check "an EFA on i-a's card 0 shares its bus" "$VNITRO" eni attach "$eni" instance i-a index 1
eni=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
refuse "its card 1 needs a bus of its own: none is left" 'virtual PCI topology is full' \
	"$VNITRO" eni attach "$eni" instance i-a card 1 index 1
check "instance del i-b frees its bus" "$VNITRO" instance del i-b
check "  ... for i-a's card 1" "$VNITRO" eni attach "$eni" instance i-a card 1 index 1
check "instance del i-a frees both of its buses" "$VNITRO" instance del i-a
check "  ... for i-c" "$VNITRO" instance add i-c subnet subnet-default
check "  ... and i-b" "$VNITRO" instance add i-b subnet subnet-default
check_eq "no kernel splat" "" "$(splats)"
for inst in i-b i-c; do "$VNITRO" instance del "$inst"; done
"$VNITRO" -j eni show | jq -r '.[] | select(.status == "available") | .id' |
	while read -r eni; do "$VNITRO" eni del "$eni"; done
check "rmmod" rmmod vnitro
summary

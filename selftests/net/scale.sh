#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scale.sh - a cluster in one VM: SCALE_INSTANCES instances (default 75) with SCALE_ENIS ENIs
# each (default 4: 300), built with `vnitro apply`; traffic between random ENI pairs, ENIs
# moved between instances, and everything torn down to what the VM had before.
# vm: --mem 3072 --timeout 1200
#
#   i-s0 ... i-s74 (c5n.18xlarge)      vpc-scale 10.8.0.0/16
#     ethJ of i-sI is in subnet-sK, K = (I + J) % 5: at most one ENI per subnet and
#     instance, so every ENI answers its subnet without policy routing; eth0s route the
#     VPC through their subnet's router, and an instance answers another subnet from eth0
#     when it has no ENI in it (one subnet in five).
#   subnet-s0 10.8.0.0/20 .. subnet-s4 10.8.64.0/20, one AZ
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

n=${SCALE_INSTANCES:-75}
per=${SCALE_ENIS:-4}
[[ $n =~ ^[0-9]+$ ]] && ((n >= 10 && n <= 1000)) ||
	{ echo "scale.sh: SCALE_INSTANCES must be 10 to 1000" >&2; exit 2; }
[[ $per =~ ^[1-4]$ ]] || { echo "scale.sh: SCALE_ENIS must be 1 to 4" >&2; exit 2; }
seed=${SCALE_SEED:-$RANDOM}
RANDOM=$seed
echo "# $n instances x $per ENIs, seed $seed (SCALE_SEED=$seed repeats the pairs)"

objects=/sys/kernel/debug/vnitro/objects
objects_now() { grep -E '^(core_allocs|eni_functions|netdevs)' "$objects" | tr '\n' ' '; }
ena_count() { lspci -n -d 1d0f:ec20 | wc -l; }
# Our root buses: vnitro's domains are 10000 and up.
bus_count() { ls /sys/class/pci_bus | grep -c '^1[0-9a-f]\{4\}:'; }
mem_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }

# ip_of I J: the address of ENI J of instance I: host I + 10 of its subnet.
subnet_of() { echo $((($1 + $2) % 5)); }
ip_of() { echo "10.8.$((16 * $(subnet_of "$1" "$2") + ($1 + 10) / 256)).$((($1 + 10) % 256))"; }
eni_of() { printf 'eni-0%08x%08x' "$1" "$2"; }

world() {
	local i j sep=
	echo '{"version": 1, "vpcs": [{"id": "vpc-scale", "cidr": "10.8.0.0/16"}], "subnets": ['
	for i in 0 1 2 3 4; do
		echo "$sep{\"id\": \"subnet-s$i\", \"vpc\": \"vpc-scale\", \"cidr\": \"10.8.$((16 * i)).0/20\", \"az\": \"us-east-1a\"}"
		sep=,
	done
	echo '], "instances": ['
	sep=
	for ((i = 0; i < n; i++)); do
		echo "$sep{\"name\": \"i-s$i\", \"subnet\": \"subnet-s$(subnet_of "$i" 0)\", \"type\": \"c5n.18xlarge\"}"
		sep=,
	done
	echo '], "enis": ['
	sep=
	for ((i = 0; i < n; i++)); do
		for ((j = 0; j < per; j++)); do
			echo "$sep{\"id\": \"$(eni_of "$i" "$j")\", \"subnet\": \"subnet-s$(subnet_of "$i" "$j")\", \"private_ip\": \"$(ip_of "$i" "$j")\", \"instance\": \"i-s$i\", \"device_index\": $j}"
			sep=,
		done
	done
	echo ']}'
}

objects_before=$(objects_now)
enas_before=$(ena_count)
buses_before=$(bus_count)
mem_before=$(mem_kb)

world >/tmp/scale.json
start=$(date +%s%N)
check "vnitro apply: $n instances, $((n * per)) ENIs" "$VNITRO" apply /tmp/scale.json
ms=$((($(date +%s%N) - start) / 1000000))
echo "# apply took $ms ms: $((ms * 1000 / (n * per))) us per attached ENI"
echo "# MemAvailable went down $((mem_before - $(mem_kb))) KiB: $(((mem_before - $(mem_kb)) / (n * per))) KiB per ENI (instance included)"
check_eq "every ENI is in use" $((n * per)) \
	"$("$VNITRO" -j eni show | jq '[.[] | select(.instance | tostring | startswith("i-s"))] | length')"
check_eq "one ENA function per ENI" $((enas_before + n * per)) "$(ena_count)"

# The PCI topology: a bus per instance, all its functions on it, every one bound to vnitro.
"$VNITRO" -j eni show | jq -r '.[] | select(.instance | tostring | startswith("i-s")) |
	"\(.instance) \(.pci_slot)"' >/tmp/scale.slots
check_eq "each instance's ENIs share one bus" "$n" \
	"$(awk '{ split($2, a, ":"); print $1, a[1] ":" a[2] }' /tmp/scale.slots | sort -u | wc -l)"
check_eq "no two instances share a bus" "$n" \
	"$(awk '{ split($2, a, ":"); print a[1] ":" a[2] }' /tmp/scale.slots | sort -u | wc -l)"
check_eq "a bus per instance (and i-host's)" $((buses_before + n)) "$(bus_count)"
unbound=0
while read -r _ slot; do
	[[ $(basename "$(readlink "/sys/bus/pci/devices/$slot/driver")") == vnitro ]] ||
		unbound=$((unbound + 1))
done </tmp/scale.slots
check_eq "every function is bound to vnitro" 0 "$unbound"
last=$(tail -1 /tmp/scale.slots)
check_eq "ethtool -i: the last instance's bus-info" "bus-info: ${last#* }" \
	"$(ip netns exec "${last%% *}" ethtool -i "eth$((per - 1))" | grep '^bus-info')"

# Addresses as DHCP would give them; eth0 routes the VPC through its subnet's router.
start=$(date +%s%N)
for ((i = 0; i < n; i++)); do
	{
		echo "link set lo up"
		for ((j = 0; j < per; j++)); do
			echo "addr add $(ip_of "$i" "$j")/20 dev eth$j"
			echo "link set eth$j up"
		done
		echo "route add 10.8.0.0/16 via 10.8.$((16 * $(subnet_of "$i" 0))).1 dev eth0"
	} | ip -n "i-s$i" -b - || echo "# i-s$i: ip -b failed"
done
echo "# addresses and links up in $((($(date +%s%N) - start) / 1000000)) ms"

# ping_eni I J I2 J2: from ENI J of i-sI to ENI J2 of i-sI2.
ping_eni() {
	ip netns exec "i-s$1" ping -c 1 -W 3 -q -I "eth$2" "$(ip_of "$3" "$4")" >/dev/null
}

# Random pairs in one subnet, any device index: ENI J2 of I2 is in I's ENI J's subnet.
bad=
for ((k = 0; k < 40; k++)); do
	i=$((RANDOM % n)) j=$((RANDOM % per))
	i2=$(((i + 1 + RANDOM % (n - 1)) % n))
	j2=$((((i + j) % 5 - i2 % 5 + 5) % 5))
	((j2 < per)) || continue
	ping_eni "$i" "$j" "$i2" "$j2" || bad+=" i-s$i/eth$j->i-s$i2/eth$j2"
done
check_eq "40 random same-subnet pairs answer" "" "$bad"
# Across subnets, to instances with no ENI in the sender's subnet: I2 = I + 1 (mod 5).
bad=
for ((k = 0; k < 20; k++)); do
	i=$((RANDOM % n)) i2=$((5 * (RANDOM % (n / 5)) + (i + 1) % 5))
	((i2 < n)) || continue
	ping_eni "$i" 0 "$i2" 0 || bad+=" i-s$i->i-s$i2"
done
check_eq "20 random cross-subnet pairs answer through the router" "" "$bad"

# Moves: the last ENI of i-s0, i-s4, ... goes to the next of those instances, at the device
# index the one that left had, and answers a peer in its subnet from there.
last_j=$((per - 1))
moved=$(((n / 4) < 10 ? n / 4 : 10))
for ((m = 0; m < moved; m++)); do
	"$VNITRO" eni detach "$(eni_of $((4 * m)) "$last_j")" >/dev/null || echo "# detach $m failed"
done
bad=
for ((m = 0; m < moved; m++)); do
	to=$((4 * ((m + 1) % moved)))
	"$VNITRO" eni attach "$(eni_of $((4 * m)) "$last_j")" instance "i-s$to" index "$last_j" \
		>/dev/null || bad+=" attach-$m"
done
check_eq "$moved ENIs moved to other instances" "" "$bad"
bad=
for ((m = 0; m < moved; m++)); do
	to=$((4 * ((m + 1) % moved)))
	eni=$(eni_of $((4 * m)) "$last_j")
	ifname=$(eni_field "$eni" ifname)
	ip -n "i-s$to" addr add "$(ip_of $((4 * m)) "$last_j")/20" dev "$ifname"
	ip -n "i-s$to" link set "$ifname" up
	# A peer in its subnet that is not one of the moving instances.
	i2=$((4 * m + 1)) j2=$((((4 * m + last_j) % 5 - (4 * m + 1) % 5 + 5) % 5))
	[[ $(eni_field "$eni" instance) == "i-s$to" ]] || bad+=" $eni-not-in-i-s$to"
	ip netns exec "i-s$to" ping -c 1 -W 3 -q -I "$ifname" "$(ip_of "$i2" "$j2")" >/dev/null ||
		bad+=" $eni@i-s$to->i-s$i2/eth$j2"
done
check_eq "moved ENIs carry traffic in their new instances" "" "$bad"

# Teardown: instances (their primaries with them), then the ENIs left over.
for ((i = 0; i < n; i++)); do
	"$VNITRO" instance del "i-s$i" >/dev/null || echo "# instance del i-s$i failed"
done
"$VNITRO" -j eni show | jq -r '.[] | select(.subnet | startswith("subnet-s")) | .id' |
	while read -r eni; do "$VNITRO" eni del "$eni" >/dev/null; done
for i in 0 1 2 3 4; do "$VNITRO" subnet del "subnet-s$i" >/dev/null; done
"$VNITRO" vpc del vpc-scale >/dev/null
check_eq "no ENA function left over" "$enas_before" "$(ena_count)"
check_eq "no bus left over" "$buses_before" "$(bus_count)"
check_eq "no namespace left over" 0 "$(ip netns list | grep -c '^i-s')"
for ((k = 0; k < 100; k++)); do
	[[ $(objects_now) == "$objects_before" ]] && break
	sleep 0.1	# a netdev is freed a little after its namespace goes
done
check_eq "objects back to where they were" "$objects_before" "$(objects_now)"
check_eq "no kernel splat" "" "$(splats)"
kmemleak_clean "teardown"
summary

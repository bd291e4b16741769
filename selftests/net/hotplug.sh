#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hotplug.sh - attaching a secondary ENI hot-plugs an ENA function; detaching removes it.
#
#   +------ i-a ------+        +------ i-b ------+
#   | eth0 (primary)  |        | eth0 (primary)  |
#   | eth1 = $sec  <--+- moves +-> eth2 = $sec   |
#   +-----------------+        +-----------------+
#   ============= subnet-default (fabric) =============
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

ena_count() { lspci -n -d 1d0f:ec20 | wc -l; }

"$VNITRO" instance add i-a subnet subnet-default >/dev/null
"$VNITRO" instance add i-b subnet subnet-default >/dev/null
bring_up i-b "$(primary_eni i-b)"
ip_b=$(eni_field "$(primary_eni i-b)" private_ip)

before=$(ena_count)
out=$("$VNITRO" -j eni add subnet subnet-default)
sec=$(jq -r .id <<<"$out")
check_eq "a new ENI is available and has no device" 'available null null' \
	"$(jq -r '"\(.status) \(.instance) \(.ifname)"' <<<"$out")"
mac=$(jq -r .mac <<<"$out")
ip=$(jq -r .private_ip <<<"$out")
check_eq "no PCI function before attach" "$before" "$(ena_count)"

out=$("$VNITRO" -j eni attach "$sec" instance i-a index 1)
check_eq "attach reports the netdev" 'in-use i-a 1 eth1' \
	"$(jq -r '"\(.status) \(.instance) \(.device_index) \(.ifname)"' <<<"$out")"
check_eq "attach adds one ENA function" $((before + 1)) "$(ena_count)"
check_eq "eth1 appears in i-a with the ENI's MAC" "$mac" \
	"$(ip -n i-a -j link show eth1 | jq -r '.[0].address')"
check "it carries traffic" sh -c "
	ip -n i-a addr add $ip/20 dev eth1 && ip -n i-a link set eth1 up &&
	ip netns exec i-a ping -c 2 -W 2 -q -I eth1 $ip_b"
check_eq "instance show counts two ENIs" 2 "$("$VNITRO" -j instance show i-a | jq '.[0].eni_count')"

# Detach while a flood of pings is crossing it.
ip netns exec i-a ping -f -w 3 -I eth1 "$ip_b" >/dev/null 2>&1 &
flood=$!
sleep 1
check "detach under traffic" "$VNITRO" eni detach "$sec"
wait $flood
check_eq "detach removes the function" "$before" "$(ena_count)"
check "eth1 is gone from i-a" sh -c '! ip -n i-a link show eth1 2>/dev/null'
check_eq "the ENI is available again, same MAC and IP" "available $mac $ip" \
	"$(eni_field "$sec" '"\(.status) \(.mac) \(.private_ip)"')"

out=$("$VNITRO" -j eni attach "$sec" instance i-b index 2)
check_eq "it moves to i-b with its MAC and IP" "i-b 2 eth2 $mac $ip" \
	"$(jq -r '"\(.instance) \(.device_index) \(.ifname) \(.mac) \(.private_ip)"' <<<"$out")"
check "eth2 exists in i-b" ip -n i-b link show eth2

check "deleting i-b detaches the secondary ENI" "$VNITRO" instance del i-b
check_eq "which survives, available" available "$(eni_field "$sec" status)"
check "delete the ENI" "$VNITRO" eni del "$sec"

before=$(ena_count)
for n in $(seq 1 10); do
	id=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id) &&
		"$VNITRO" eni attach "$id" instance i-a index 3 >/dev/null &&
		"$VNITRO" eni detach "$id" && "$VNITRO" eni del "$id" || break
done
check_eq "ten attach/detach cycles" 10 "$n"
check_eq "nothing left behind" "$before" "$(ena_count)"
summary

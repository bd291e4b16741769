#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# errors.sh - every refusal says what is wrong, exits non-zero, and changes nothing.
#
#   i-host (eth0, primary)      i-a (eth0, primary; eth1 = $sec at index 1)
#   ===================== subnet-default ======================
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

"$VNITRO" instance add i-a subnet subnet-default >/dev/null
sec=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)
"$VNITRO" eni attach "$sec" instance i-a index 1 >/dev/null
host_eni=$(primary_eni i-host)
a_eni=$(primary_eni i-a)
spare=$("$VNITRO" -j eni add subnet subnet-default | jq -r .id)

refuse "unknown instance" 'instance "i-nope" does not exist' \
	"$VNITRO" eni attach "$spare" instance i-nope index 1
refuse "unknown ENI" 'network interface "eni-0000000000000dead" does not exist' \
	"$VNITRO" eni attach eni-0000000000000dead instance i-a index 2
refuse "unknown ENI on delete" 'does not exist' "$VNITRO" eni del eni-0000000000000dead
refuse "unknown instance on delete" 'instance "i-nope" does not exist' "$VNITRO" instance del i-nope
refuse "unknown subnet" 'subnet "subnet-nope" does not exist' \
	"$VNITRO" eni add subnet subnet-nope
refuse "instance in an unknown subnet" 'subnet "subnet-nope" does not exist' \
	"$VNITRO" instance add i-c subnet subnet-nope
refuse "device index taken" "device index 1 of instance i-a is already used by $sec" \
	"$VNITRO" eni attach "$spare" instance i-a index 1
refuse "device index out of range" 'device index 32 is out of range' \
	"$VNITRO" eni attach "$spare" instance i-a index 32
refuse "detaching the primary ENI" 'primary network interface \(device index 0\).*cannot be detached' \
	"$VNITRO" eni detach "$a_eni"
refuse "detaching i-host's primary ENI" 'cannot be detached' "$VNITRO" eni detach "$host_eni"
refuse "deleting an attached ENI" "is attached to instance i-a at device index 1 and cannot be deleted" \
	"$VNITRO" eni del "$sec"
refuse "attaching an attached ENI" 'is already attached to instance i-a' \
	"$VNITRO" eni attach "$sec" instance i-host index 1
refuse "detaching an available ENI" 'is not attached' "$VNITRO" eni detach "$spare"
refuse "duplicate instance" 'instance "i-a" already exists' \
	"$VNITRO" instance add i-a subnet subnet-default
refuse "address outside the subnet" 'address 10.0.0.5 is not in subnet subnet-default' \
	"$VNITRO" eni add subnet subnet-default ip 10.0.0.5
refuse "reserved address" 'reserved' "$VNITRO" eni add subnet subnet-default ip 172.31.0.1
refuse "address in use" 'already assigned' "$VNITRO" eni add subnet subnet-default ip 172.31.0.4
refuse "malformed IPv4 address" '"172.31.0" is not a valid IPv4 address' \
	"$VNITRO" eni add subnet subnet-default ip 172.31.0
refuse "IPv4 octet out of range" 'not a valid IPv4 address' \
	"$VNITRO" eni add subnet subnet-default ip 172.31.0.256
refuse "malformed MAC" 'MAC' "$VNITRO" eni add subnet subnet-default mac 02:00:00:00:00
refuse "multicast MAC" 'unicast' "$VNITRO" eni add subnet subnet-default mac 03:00:00:00:00:01
refuse "malformed ENI id" 'eni-' "$VNITRO" eni add eni-XYZ subnet subnet-default
refuse "malformed device index" 'index' "$VNITRO" eni attach "$spare" instance i-a index -1
refuse "bad instance name" 'name' "$VNITRO" instance add a/b subnet subnet-default
"$VNITRO" instance add i-small subnet subnet-default type t3.micro >/dev/null
efa=$("$VNITRO" -j eni add subnet subnet-default type efa | jq -r .id)
refuse "EFA ENI on an instance type without EFA" 't3.micro does not support EFA' \
	"$VNITRO" eni attach "$efa" instance i-small index 1

json=$("$VNITRO" -j eni del eni-0000000000000dead 2>&1 >/dev/null)
check_match "errors under -j are JSON" 'does not exist' "$(jq -r .error <<<"$json")"

# Raw netlink: the kernel's own policy, beyond what the CLI lets through.
check_err "kernel rejects reply-only attributes (strict policy)" 'failed policy validation' \
	"$VNITRO_TOP/selftests/net/genl-raw" reply-only-attr
check_err "  ... the adapter too: the instance type chooses it" 'failed policy validation' \
	"$VNITRO_TOP/selftests/net/genl-raw" adapter-attr
for a in vcpus peak efas; do
	check_err "  ... and the type's $a: an instance has what its type has" 'failed policy validation' \
		"$VNITRO_TOP/selftests/net/genl-raw" "$a-attr"
done
check_eq "  ... none of them made an instance" "" "$(ip netns list | grep -w i-genl-raw)"
check_err "kernel rejects a short MAC attribute" 'size out of range' \
	"$VNITRO_TOP/selftests/net/genl-raw" short-mac
check_err "kernel names a missing attribute" 'missing subnet id' \
	"$VNITRO_TOP/selftests/net/genl-raw" missing-subnet
check_err "non-admin users may not change anything" 'Operation not permitted' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VNITRO" eni add subnet subnet-default
check_err "non-admin users may not look either (every tenant's IPs and MACs)" 'Operation not permitted' \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$VNITRO" eni show

# The happy paths next to the refusals.
check "detach the secondary ENI" "$VNITRO" eni detach "$sec"
check_eq "it is available again" available "$(eni_field "$sec" status)"
check "its netdev left i-a" sh -c '! ip -n i-a link show eth1 2>/dev/null'
check "delete it" "$VNITRO" eni del "$sec"
summary

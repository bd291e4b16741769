#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# eip.sh - Elastic IPs: the internet reaches an instance at its public address, the address follows its ENI, the CLI's refusals.
#
#   +--- netns "internet" -----------+
#   | igw0 198.51.100.10/24          |     no route to 172.31.0.0/16: only public addresses
#   | 203.0.113.0/24 dev igw0        |
#   +---------------+----------------+
#                   | igw-1: 203.0.113.x <-> 172.31.0.y, one to one (the fabric's NAT)
#   ================+======= subnet-default (route 0.0.0.0/0 -> igw-1) ===================
#          |                                  |
#   +--- i-a -----------------------+   +--- i-b -----------------------+
#   | eth0 $ip_a    <- eipalloc-a   |   | eth0 $ip_b                    |
#   | eth1 = eni-5e41ce (before)    |   | eth1 = eni-5e41ce (after)     |
#   |   172.31.0.100 <- eipalloc-b  |   |   172.31.0.100 <- eipalloc-b  |
#   +-------------------------------+   +-------------------------------+
#   Each instance only ever has its private addresses; a web service (busybox nc) on port 80.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

CLIENT=198.51.100.10		# the internet host (TEST-NET-2)
POOL=203.0.113.0/24		# the default public pool (TEST-NET-3)
SVC_ENI=eni-5e41ce00000000001
SVC_IP=172.31.0.100

# web INSTANCE [ADDR]: a service on port 80 that names the instance and lingers 3 s per
# connection, so that both ends can be looked at while it is open.
servers=()
web() {
	ip netns exec "$1" timeout 120 busybox nc -ll -p 80 -e sh -c "echo served by $1; sleep 3" \
		>/dev/null 2>&1 &
	servers+=($!)
	wait_listen "$1" 80
}
# stop_web: the services web started (timeout passes the signal on to nc).
stop_web() {
	[[ ${#servers[@]} -gt 0 ]] && kill "${servers[@]}" 2>/dev/null
	wait "${servers[@]}" 2>/dev/null
	servers=()
}
# fetch ADDR: what the internet host gets from ADDR:80 (nothing after 5 s).
fetch() { ip netns exec internet timeout 5 busybox nc "$1" 80 2>/dev/null | head -1; }
eip_field() { "$VNITRO" -j eip show "$1" | jq -r ".[0] | $2"; }

two_instances
for inst in i-a i-b; do
	ip -n "$inst" route add default via 172.31.0.1
done
ip netns add internet
check "igw-1 into the internet namespace, the VPC's default route to it" sh -c \
	"'$VNITRO' igw add igw-1 vpc vpc-default netns internet >/dev/null &&
	 '$VNITRO' route add 0.0.0.0/0 subnet subnet-default via igw-1 >/dev/null"
ip -n internet link set lo up
ip -n internet addr add "$CLIENT/24" dev igw0
ip -n internet link set igw0 up
check "the internet routes the public pool to the gateway" ip -n internet route add "$POOL" dev igw0
dg=$("$VNITRO" -j sg show | jq -r '.[] | select(.vpc == "vpc-default" and .name == "default") | .id')
check "the default group lets the internet host in on port 80" \
	"$VNITRO" sg rule add "$dg" ingress proto tcp port 80 cidr "$CLIENT/32"

## allocate and associate

check_eq "the pool is TEST-NET-3 until set" "$POOL" "$("$VNITRO" -j eip pool | jq -r .pool)"
check "eip add eipalloc-a" "$VNITRO" eip add eipalloc-a
pub_a=$(eip_field eipalloc-a .public_ip)
check_eq "the lowest address of the pool" 203.0.113.1 "$pub_a"
check_eq "not associated: null fields" "null null null null" \
	"$(eip_field eipalloc-a '"\(.association_id) \(.eni) \(.private_ip) \(.instance)"')"
web i-a
check_eq "before association the public address answers nothing" "" "$(fetch "$pub_a")"
check "eip associate with i-a's primary ENI" "$VNITRO" eip associate eipalloc-a eni "$(primary_eni i-a)"
check_eq "associated to i-a's primary address" "$(primary_eni i-a) $ip_a i-a" \
	"$(eip_field eipalloc-a '"\(.eni) \(.private_ip) \(.instance)"')"
check_match "an association id" '^eipassoc-[0-9a-f]{17}$' "$(eip_field eipalloc-a .association_id)"

## the internet reaches i-a at the public address

# stdin held open 4 s: at its end nc would half-close, and the sockets leave "established".
sleep 4 | ip netns exec internet timeout 10 busybox nc "$pub_a" 80 >/tmp/eip.fetch 2>&1 &
fetch_pid=$!
# Until the connection is up (the first SYN waits for ARP on igw0; 5 s at most).
for ((i = 0; i < 50; i++)); do
	ip netns exec internet ss -Htn state established '( dport = :80 )' | grep -q . && break
	sleep 0.1
done
# (busybox nc listens on a dual-stack socket: [::ffff:A.B.C.D]:80)
check_match "i-a sees the internet host's own address" "$ip_a\\]?:80 +(\\[::ffff:)?$CLIENT\\]?:" \
	"$(ip netns exec i-a ss -Htn state established '( sport = :80 )')"
check_match "the internet host's connection is with the public address" "$CLIENT:[0-9]+ +$pub_a:80" \
	"$(ip netns exec internet ss -Htn state established '( dport = :80 )')"
wait "$fetch_pid"
check_eq "served by i-a" "served by i-a" "$(head -1 /tmp/eip.fetch)"
check_eq "i-a only has its private address" "$ip_a" \
	"$(ip -n i-a -j addr show eth0 | jq -r '[.[0].addr_info[] | select(.family == "inet") | .local] | join(" ")')"
check_match "the gateway answers ARP for the public address" '^02:' \
	"$(ip -n internet -j neigh show "$pub_a" dev igw0 | jq -r '.[0].lladdr')"
check_eq "no route to the private address from the internet" "" "$(fetch "$ip_a")"

## a secondary ENI with an Elastic IP moves from i-a to i-b (failover)

# serve INSTANCE: eth1 with the service address, source routing, a default route for the
# replies to the internet, and the web service.
serve() {
	local inst=$1
	source_routed "$inst" "$SVC_ENI" "$SVC_IP" &&
	ip -n "$inst" route add default via 172.31.0.1 dev "$(eni_field "$SVC_ENI" ifname)" table 100 ||
		return
	web "$inst"
}
check "a secondary ENI with the service address, on i-a at index 1" sh -c \
	"'$VNITRO' eni add $SVC_ENI subnet subnet-default ip $SVC_IP >/dev/null &&
	 '$VNITRO' eni attach $SVC_ENI instance i-a index 1 >/dev/null"
check "eip add eipalloc-b, associated with it" sh -c \
	"'$VNITRO' eip add eipalloc-b >/dev/null && '$VNITRO' eip associate eipalloc-b eni $SVC_ENI >/dev/null"
pub_b=$(eip_field eipalloc-b .public_ip)
check_eq "mapped to the service address" "$SVC_IP i-a" "$(eip_field eipalloc-b '"\(.private_ip) \(.instance)"')"
stop_web
serve i-a
check_eq "the internet reaches the service on i-a" "served by i-a" "$(fetch "$pub_b")"
check "detach from i-a, attach to i-b" sh -c \
	"'$VNITRO' eni detach $SVC_ENI && '$VNITRO' eni attach $SVC_ENI instance i-b index 1 >/dev/null"
check_eq "the address followed its ENI" "$SVC_ENI $SVC_IP i-b" \
	"$(eip_field eipalloc-b '"\(.eni) \(.private_ip) \(.instance)"')"
serve i-b
check_eq "the internet reaches the service on i-b, same public address" "served by i-b" "$(fetch "$pub_b")"
check_eq "i-b only has private addresses" "" \
	"$(ip -n i-b -j addr show | jq -r '.[].addr_info[] | select(.local | startswith("203.0.113.")) | .local')"

## disassociate: unreachable

check "eip disassociate by association id" "$VNITRO" eip disassociate "$(eip_field eipalloc-b .association_id)"
check_eq "the public address answers nothing" "" "$(fetch "$pub_b")"
check "disassociate again: nothing to do, no error" "$VNITRO" eip disassociate eipalloc-b
check "reassociate, then delete the ENI" sh -c \
	"'$VNITRO' eip associate eipalloc-b eni $SVC_ENI >/dev/null && '$VNITRO' eni detach $SVC_ENI &&
	 '$VNITRO' eni del $SVC_ENI"
check_eq "deleting the ENI disassociated its address, which stays allocated" "eipalloc-b null" \
	"$(eip_field eipalloc-b '"\(.id) \(.association_id)"')"

## quota and refusals

snapshot() {
	{ "$VNITRO" -j eip show; "$VNITRO" -j eip pool; "$VNITRO" -j igw show; } 2>&1
}
check "three more addresses: five in all" sh -c \
	"'$VNITRO' eip add >/dev/null && '$VNITRO' eip add >/dev/null && '$VNITRO' eip add >/dev/null"
refuse "the sixth is over the quota" 'AddressLimitExceeded.*Elastic IP addresses per Region' \
	"$VNITRO" eip add
refuse "an associated address cannot be released" 'InvalidIPAddress.InUse' "$VNITRO" eip del eipalloc-a
refuse "moving it needs allow-reassociation" 'Resource.AlreadyAssociated' \
	"$VNITRO" eip associate eipalloc-a eni "$(primary_eni i-b)"
refuse "a private address not the ENI's" 'not a private address of' \
	"$VNITRO" eip associate eipalloc-b eni "$(primary_eni i-b)" private-ip 172.31.0.250
# A route to the gateway keeps it too (vnitro's own rule, checked first): take it out a moment.
check "route del 0.0.0.0/0" "$VNITRO" route del 0.0.0.0/0 subnet subnet-default
refuse "the gateway stays while an address is mapped" \
	'DependencyViolation: Network vpc-default has some mapped public address\(es\)' "$VNITRO" igw del igw-1
check "route add 0.0.0.0/0 again" "$VNITRO" route add 0.0.0.0/0 subnet subnet-default via igw-1
refuse "a pool leaving out an allocated address" 'outside the public pool' \
	"$VNITRO" eip pool 198.51.100.0/24
refuse "an unknown allocation" 'eipalloc-99.*does not exist' "$VNITRO" eip del eipalloc-99
check "vpc-x with a subnet and an ENI, no gateway" sh -c \
	"'$VNITRO' vpc add vpc-x cidr 10.9.0.0/16 >/dev/null &&
	 '$VNITRO' subnet add subnet-x vpc vpc-x cidr 10.9.1.0/24 az us-east-1a >/dev/null &&
	 '$VNITRO' eni add eni-9 subnet subnet-x >/dev/null"
refuse "a VPC without an internet gateway" 'Gateway.NotAttached: Network vpc-x is not attached' \
	"$VNITRO" eip associate eipalloc-b eni eni-9
check_err "a usage error names what is wrong" 'not a valid allocation id' "$VNITRO" eip del eipalloc-XY
check "eip associate allow-reassociation moves it to i-b" \
	"$VNITRO" eip associate eipalloc-a eni "$(primary_eni i-b)" allow-reassociation
stop_web
web i-b
check_eq "the internet reaches i-b at i-a's old public address" "served by i-b" "$(fetch "$pub_a")"

## who may use them

check_err "a plain user cannot list addresses" 'Operation not permitted' plain "$VNITRO" eip show
refuse "a plain user cannot allocate" 'Operation not permitted' plain "$VNITRO" eip add
refuse "a plain user cannot release" 'Operation not permitted' plain "$VNITRO" eip del eipalloc-b
refuse "a plain user cannot associate" 'Operation not permitted' \
	plain "$VNITRO" eip associate eipalloc-b eni "$(primary_eni i-a)"
refuse "a plain user cannot disassociate" 'Operation not permitted' \
	plain "$VNITRO" eip disassociate eipalloc-a
check_err "a plain user cannot see the pool" 'Operation not permitted' plain "$VNITRO" eip pool
check_err "root inside an instance does not see the family" 'not loaded' \
	ip netns exec i-a "$VNITRO" eip show
refuse "... nor can associate an address with its own ENI" 'not loaded' \
	ip netns exec i-a "$VNITRO" eip associate eipalloc-a eni "$(primary_eni i-a)"

## teardown

check "disassociate, igw del" sh -c \
	"'$VNITRO' eip disassociate eipalloc-a && '$VNITRO' route del 0.0.0.0/0 subnet subnet-default &&
	 '$VNITRO' igw del igw-1"
check "release every address" sh -c \
	"for a in \$('$VNITRO' -j eip show | jq -r '.[].id'); do '$VNITRO' eip del \$a || exit 1; done"
check_eq "none left" 0 "$("$VNITRO" -j eip show | jq length)"
stop_web
check_eq "no kernel warnings" "" "$(splats)"
summary

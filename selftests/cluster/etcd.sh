#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# etcd.sh a|b - one of two hosts whose world lives in etcd (selftests/cluster/two-hosts.sh
# runs both): host a runs etcd (Debian's etcd-server, one member), each host runs vnitrod
# --etcd, which applies the world as it changes and keeps the host alive under a lease.
# cluster: two-hosts
#
#   host a (192.168.56.1): etcd; web (10.1.0.10), later cache (10.1.0.40)
#   host b (192.168.56.2): db (10.1.0.20) with eni-0a2 (10.1.0.11) at index 1
#
# Checks: the world stored once (vnitro cluster apply) reaches both hosts and ping crosses;
# two hosts changing it from one revision: the second is refused and told so, and its retry
# wins; etcd stopped: the data plane keeps forwarding, a change is refused with the reason,
# and once etcd is back a change made then reaches every host; host b dies: when its lease
# expires, host a's vnitrod detaches eni-0a2 from db in the world, and it can be attached on
# host a, where its address answers.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/cluster/common.sh
source "$(dirname "$0")/common.sh"
cluster_role "${1:-}"
export VNITRO_ETCD=http://192.168.56.1:2379

# world FILE: the cluster's world as dumped, less its revision, in FILE.
dumped() { "$VNITRO" cluster dump >"$1"; }

check "the underlay and gnv0" underlay_up
check "the tunnel, local 192.168.56.$me" "$VNITRO" tunnel set dev gnv0 local "192.168.56.$me"
if [[ $role == a ]]; then
	check "etcd on host a" start_etcd
	check_err "vnitrod: --etcd without --host" '--etcd URLS and --host ADDRESS go together' \
		"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD"
	check_err "vnitrod: a prefix with a trailing slash" '--prefix: expected "/NAME"' \
		"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host 192.168.56.1 --prefix /v/
	check_err "vnitrod: an endpoint that is no http:// URL" 'is not an etcd endpoint' \
		"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd ftp://x --host 192.168.56.1
	check_err "vnitrod: a host that is no address" 'expected this host.s underlay IPv4 address' \
		"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host host-a
	check_err "vnitrod refuses a host that is not the tunnel's" "tunnel says its address is 192.168.56.1" \
		timeout 10 "$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host 192.168.56.7
fi
check "host $role meets the other host (etcd up)" meet 1
"$VNITRO_TOP/tools/vnitrod/vnitrod" --etcd "$VNITRO_ETCD" --host "192.168.56.$me" 2>/tmp/vnitrod.log &
vnitrod=$!
check "vnitrod says host $role is alive" until_ok 20 bash -c \
	"$VNITRO cluster hosts | grep -q '^192\.168\.56\.$me applied '"

# ---- the world, stored once ----
cat >/tmp/world.json <<'EOF'
{
  "vpcs": [ { "id": "vpc-0c1", "cidr": "10.1.0.0/16" } ],
  "subnets": [ { "id": "subnet-0c1", "vpc": "vpc-0c1", "cidr": "10.1.0.0/24", "az": "us-east-1a" } ],
  "instances": [
    { "name": "web", "subnet": "subnet-0c1", "host": "192.168.56.1" },
    { "name": "db", "subnet": "subnet-0c1", "host": "192.168.56.2" }
  ],
  "enis": [
    { "id": "eni-0a1", "subnet": "subnet-0c1", "mac": "02:0a:00:00:00:01", "private_ip": "10.1.0.10",
      "instance": "web", "device_index": 0 },
    { "id": "eni-0b1", "subnet": "subnet-0c1", "mac": "02:0b:00:00:00:01", "private_ip": "10.1.0.20",
      "instance": "db", "device_index": 0 },
    { "id": "eni-0a2", "subnet": "subnet-0c1", "mac": "02:0a:00:00:00:02", "private_ip": "10.1.0.11",
      "instance": "db", "device_index": 1 }
  ]
}
EOF
if [[ $role == a ]]; then
	check_match "vnitro cluster apply stores it" '^cluster_revision [0-9]+$' \
		"$("$VNITRO" cluster apply /tmp/world.json)"
fi
check "vnitrod applied it on host $role" until_ok 30 "$VNITRO" instance show db
if [[ $role == a ]]; then
	check_match "web is here" '^web: ' "$("$VNITRO" instance show web)"
	check_match "db is host b's" '^db: .* host 192\.168\.56\.2' "$("$VNITRO" instance show db)"
	check "web is up" bring_up web eni-0a1
	peer_ip=10.1.0.20 local_inst=web
else
	check_match "db is here" '^db: ' "$("$VNITRO" instance show db)"
	check "db is up" bring_up db eni-0b1
	check "eni-0a2 up in db, source-routed" source_routed db eni-0a2 10.1.0.11
	peer_ip=10.1.0.10 local_inst=db
fi
check "host $role meets the other host (world applied)" meet 2
check "ping $peer_ip on the other host" until_ok 30 ip netns exec "$local_inst" ping -c 1 -W 2 "$peer_ip"
rev=$("$VNITRO" cluster dump | jq .cluster_revision)
check "cluster hosts: both hosts applied revision $rev" until_ok 20 bash -c \
	"$VNITRO -j cluster hosts | jq -e 'length == 2 and all(.[]; .applied == $rev)'"

# ---- two hosts change the world read at one revision ----
check "the world as both hosts read it" dumped /tmp/read.json
check "host $role meets the other host (both read it)" meet 3
if [[ $role == a ]]; then
	jq '.enis |= map(if .id == "eni-0b1" then .description = "changed on host a" else . end)' \
		/tmp/read.json >/tmp/mine.json
	check "host a's change, from that revision" "$VNITRO" cluster apply /tmp/mine.json
fi
check "host $role meets the other host (host a changed it)" meet 4
if [[ $role == b ]]; then
	jq '.enis |= map(if .id == "eni-0a1" then .description = "changed on host b" else . end)' \
		/tmp/read.json >/tmp/mine.json
	check_err "host b's change from the same revision is refused, not lost" \
		'changed since revision [0-9]+ \(it is at [0-9]+ now\): read it again' \
		"$VNITRO" cluster apply /tmp/mine.json
	dumped /tmp/read.json
	jq '.enis |= map(if .id == "eni-0a1" then .description = "changed on host b" else . end)' \
		/tmp/read.json >/tmp/mine.json
	check "read again, it is made" "$VNITRO" cluster apply /tmp/mine.json
	check_eq "both changes are in the world" "changed on host a|changed on host b" \
		"$("$VNITRO" cluster dump | jq -r '[.enis[] | select(.id == "eni-0b1" or .id == "eni-0a1") | .description] | sort | join("|")')"
fi
check "host $role meets the other host (both changes made)" meet 5
check "vnitrod applied both on host $role" until_ok 20 bash -c \
	"$VNITRO -j eni show | jq -e '[.[] | select(.id == \"eni-0a1\" or .id == \"eni-0b1\") | .description] | sort == [\"changed on host a\", \"changed on host b\"]'"

# ---- one command for every host: vnitro --cluster ----
if [[ $role == a ]]; then
	check "vnitro --cluster eni add on host a" "$VNITRO" --cluster eni add eni-0a3 \
		subnet subnet-0c1 ip 10.1.0.12 mac 02:0a:00:00:00:03
	check_eq "  ... stored: the world has it" 10.1.0.12 \
		"$("$VNITRO" cluster dump | jq -r '.enis[] | select(.id == "eni-0a3") | .private_ip')"
fi
check "host $role meets the other host (eni-0a3 added)" meet 21
check "vnitrod made eni-0a3 on host $role" until_ok 20 "$VNITRO" eni show eni-0a3 ||
	sed 's/^/# vnitrod: /' /tmp/vnitrod.log | tail -8
if [[ $role == b ]]; then
	check "vnitro --cluster eni attach on host b: host a's ENI to db" \
		until_ok 20 "$VNITRO" --cluster eni attach eni-0a3 instance db index 2
	check "eni-0a3 up in db, source-routed" source_routed db eni-0a3 10.1.0.12 101
	# As if host b's vnitrod lagged behind: its key says it applied revision 1.
	etcdctl --endpoints "$VNITRO_ETCD" put /vnitro/hosts/192.168.56.2 \
		'{"address": "192.168.56.2", "applied": 1}' >/dev/null
	check_err "a host behind the world's latest revision is refused" \
		'runs revision 1 of the world, not the latest \([0-9]+\): nothing done' \
		"$VNITRO" --cluster eni set eni-0a1 description "set on host b"
	check_eq "  ... nothing changed here" "changed on host b" \
		"$("$VNITRO" -j eni show eni-0a1 | jq -r '.[0].description')"
	check_err "the tunnel is each host's own: not with --cluster" 'not "tunnel"' \
		"$VNITRO" --cluster tunnel show
fi
check "host $role meets the other host (eni-0a3 attached)" meet 22
if [[ $role == a ]]; then
	check "vnitrod attached eni-0a3 to db here too" until_ok 20 bash -c \
		"$VNITRO -j eni show eni-0a3 | jq -e '.[0].instance == \"db\"'"
	check "web reaches 10.1.0.12 on host b" until_ok 20 ip netns exec web ping -c 1 -W 2 10.1.0.12
	check "vnitro --cluster eni set on host a" \
		until_ok 20 "$VNITRO" --cluster eni set eni-0a3 description "set on host a"
fi
check "host $role meets the other host (host a changed eni-0a3)" meet 23
if [[ $role == b ]]; then
	check "host b, once its vnitrod applied that, makes its own change" \
		until_ok 20 "$VNITRO" --cluster eni set eni-0a1 description "set on host b"
fi
check "host $role meets the other host (--cluster done)" meet 24
check "both changes on host $role" until_ok 20 bash -c \
	"$VNITRO -j eni show | jq -e '[.[] | select(.id == \"eni-0a1\" or .id == \"eni-0a3\") | .description] | sort == [\"set on host a\", \"set on host b\"]'"

# ---- etcd stops ----
if [[ $role == a ]]; then
	kill "$etcd_pid"
	wait "$etcd_pid" 2>/dev/null
fi
check "host $role meets the other host (etcd stopped)" meet 6
check_err "a change is refused while etcd cannot be reached" 'etcd cannot be reached' \
	"$VNITRO" cluster apply /tmp/world.json
check "the data plane keeps forwarding" ip netns exec "$local_inst" ping -c 3 -i 0.3 -W 2 "$peer_ip"
check "host $role meets the other host (both saw it)" meet 7
if [[ $role == a ]]; then
	check "etcd on host a again" start_etcd
fi
check "host $role meets the other host (etcd back)" meet 8
if [[ $role == b ]]; then
	# A change made once etcd is back: cache, an instance of host a.
	dumped /tmp/read.json
	jq '.instances += [{"name": "cache", "subnet": "subnet-0c1", "host": "192.168.56.1"}] |
	    .enis += [{"id": "eni-0ca1", "subnet": "subnet-0c1", "mac": "02:0c:0a:00:00:01",
		       "private_ip": "10.1.0.40", "instance": "cache", "device_index": 0}]' \
		/tmp/read.json >/tmp/mine.json
	check "host b adds cache, on host a" until_ok 20 "$VNITRO" cluster apply /tmp/mine.json
fi
check "host $role meets the other host (cache added)" meet 9
check "vnitrod on host $role converged: it knows cache" until_ok 30 "$VNITRO" instance show cache

# ---- host b dies ----
if [[ $role == b ]]; then
	kill -9 "$vnitrod"
	wait "$vnitrod" 2>/dev/null
	summary
	exit
fi
check "cache is up" bring_up cache eni-0ca1
check "host b's lease expires: it is no longer alive" until_ok 30 bash -c \
	"! $VNITRO cluster hosts | grep -q '^192\.168\.56\.2 '"
check "eni-0a2 is detached from db in the world" until_ok 20 bash -c \
	"$VNITRO cluster dump | jq -e '.enis[] | select(.id == \"eni-0a2\") | .instance == null'"
check "and here" until_ok 20 bash -c "$VNITRO -j eni show eni-0a2 | jq -e '.[0].status == \"available\"'"
dumped /tmp/read.json
jq '.enis |= map(if .id == "eni-0a2" then .instance = "web" | .device_index = 1 else . end)' \
	/tmp/read.json >/tmp/mine.json
check "eni-0a2 attached to web, through the world" "$VNITRO" cluster apply /tmp/mine.json
check "vnitrod attached it here" until_ok 20 bash -c \
	"$VNITRO -j eni show eni-0a2 | jq -e '.[0].instance == \"web\"'"
check "eni-0a2 up in web, source-routed" source_routed web eni-0a2 10.1.0.11
check "its address answers on host a now" until_ok 20 ip netns exec cache ping -c 1 -W 2 10.1.0.11
check_match "vnitrod logged the host it reaped" 'host 192\.168\.56\.2 is gone: eni-0a2 detached from db' \
	"$(cat /tmp/vnitrod.log)"
kill "$vnitrod" "$etcd_pid"
wait 2>/dev/null
summary

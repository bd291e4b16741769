#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# exec.sh - vnitro exec: each instance's persistent environment, as stock tools use it.
#
#   +----------- i-a ------------+                +------------ i-b -------------+
#   | netns i-a     eth0 --------+--- fabric -----+-------- eth0  xdp-filter     |
#   | uts   ip-172-31-0-5        |                | uts  ip-172-31-0-6  (native) |
#   | mnt   /sys (i-a's)         |                | mnt  /sys (i-b's)            |
#   |       /sys/fs/bpf (own)    |                |      /sys/fs/bpf: its pins   |
#   |       /etc/{resolv.conf,   |                |      /etc/{resolv.conf,      |
#   |            hostname,hosts} |                |           hostname,hosts}    |
#   +-------------^--------------+                +--------------^---------------+
#                 |   bind mounts, kept in the host's namespace: |
#                 +--- /run/vnitro-instances/{i-a,i-b}/{mnt,uts}-+
# Then the teardown: instance del, rmmod (the next vnitro command sweeps), a reload
# with instances left over.
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

KO=$VNITRO_TOP/kmod/vnitro.ko
RUN=/run/vnitro-instances
bpf=$VNITRO_TOP/selftests/bpf
vx() { "$VNITRO" exec "$@"; }
# mounts_of PATTERN: the host's mount points matching PATTERN.
mounts_of() { awk -v re="$1" '$5 ~ re {print $5}' /proc/self/mountinfo; }
# canary INSTANCE: a veth pair, c-INSTANCE here and its peer in the instance's namespace;
# c-INSTANCE goes away when that namespace is freed, and only then.
canary() { ip link add "c-$1" type veth peer name canary netns "$1"; }
# freed DESC INSTANCE...: their namespaces are freed (10 s at most): nothing holds them.
freed() {
	local desc=$1 i inst left
	shift
	for ((i = 0; i < 100; i++)); do
		left=
		for inst; do ip link show "c-$inst" >/dev/null 2>&1 && left+=" $inst"; done
		[[ -z $left ]] && break
		sleep 0.1
	done
	check_eq "$desc" "" "$left"
}
host_name=$(hostname)

if ! two_instances; then
	not_ok "instances i-a and i-b, each with its environment"
	summary
	exit
fi
name_a=ip-${ip_a//./-}
name_b=ip-${ip_b//./-}

# ---- created with the instance ----
check_eq "instance add made the environment: mnt and uts are namespace files" "nsfs nsfs" \
	"$(stat -f -c %T "$RUN/i-a/mnt" "$RUN/i-a/uts" | tr '\n' ' ' | sed 's/ $//')"
check_eq "  ... in a private mount" private \
	"$(findmnt -n -o PROPAGATION "$RUN")"
check_eq "hostname is EC2's IP name" "$name_a" "$(vx i-a hostname)"
check_eq "  ... /etc/hostname too" "$name_a" "$(vx i-a cat /etc/hostname)"
check_eq "  ... and i-b has its own" "$name_b" "$(vx i-b hostname)"
check_eq "  ... the host's is untouched" "$host_name" "$(hostname)"
check_eq "hostname -f: the us-east-1 FQDN, from /etc/hosts" "$name_a.ec2.internal" "$(vx i-a hostname -f)"
check_eq "getent hosts: the primary address" "$ip_a $name_a.ec2.internal $name_a" \
	"$(vx i-a getent hosts "$name_a" | tr -s ' \t' ' ')"
resolv=$(vx i-a cat /etc/resolv.conf)
check_match "resolv.conf: the VPC's DNS server (172.31.0.0/16 + 2)" '^nameserver 172\.31\.0\.2$' "$resolv"
check_match "resolv.conf: the DHCP domain" '^search ec2\.internal$' "$resolv"
check_eq "the network namespace: eth0 has the primary address" "$ip_a" \
	"$(vx i-a ip -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')"
check_eq "/sys is the instance's: eth0's MAC is the primary ENI's" "$(eni_field "$(primary_eni i-a)" mac)" \
	"$(vx i-a cat /sys/class/net/eth0/address)"
check_eq "bpffs at /sys/fs/bpf" bpf_fs "$(vx i-a stat -f -c %T /sys/fs/bpf)"
check "traffic from inside: i-a pings i-b" vx i-a ping -c 1 -W 5 "$ip_b"
check_eq "the cwd carries over" /tmp "$(cd /tmp && vx i-a pwd)"
check_eq "a shell without a command reads stdin" "$name_a" "$(echo hostname | SHELL=/bin/sh vx i-a)"

# ---- persistent, and per instance ----
check "a pin-like directory in i-a's bpffs" vx i-a mkdir /sys/fs/bpf/from-a
check "  ... a later exec finds it" vx i-a test -d /sys/fs/bpf/from-a
check "  ... i-b does not" vx i-b test ! -e /sys/fs/bpf/from-a
check "  ... nor the host" test ! -e /sys/fs/bpf/from-a
check "  ... nor ip netns exec (a bpffs-less /sys of its own, as ever)" \
	ip netns exec i-a test ! -e /sys/fs/bpf/from-a
check "i-a adds a name to its /etc/hosts" vx i-a sh -c 'echo "10.9.9.9 only-a" >>/etc/hosts'
check "  ... a later exec resolves it" vx i-a getent hosts only-a
check "  ... i-b does not" sh -c "! $VNITRO exec i-b getent hosts only-a"
check "  ... nor the host" sh -c '! getent hosts only-a'
check_eq "an instance sees no namespace files: not /run/netns" "" "$(vx i-a ls -A /run/netns)"
check_eq "  ... nor $RUN" "" "$(vx i-a ls -A "$RUN")"
check_err "vnitro exec from inside an environment is refused" 'inside an instance.s environment' \
	vx i-a "$VNITRO" exec i-b true
check_eq "plain ip netns exec still works" "$ip_a" \
	"$(ip netns exec i-a ip -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')"

# ---- xdp-filter: state that lives in bpffs across commands ----
# ena gives XDP TX queues half of the channels: load needs half of them free, as on EC2.
rx() { vx i-b ethtool -S eth0 | awk -v re="^queue_[0-9]+_rx_$1:\$" '$1 ~ re {s += $2} END {print s + 0}'; }
if ! command -v xdp-filter >/dev/null; then
	skip "xdp-filter: Debian's xdp-tools is not installed (make deps)"
elif (($(nproc) < 2)); then
	skip "xdp-filter: XDP needs at least 2 CPUs (VNITRO_SMP=2 or more)"
else
	max=$(vx i-b ethtool -l eth0 | awk '/^Pre-set/ {p = 1} p && /^Combined/ {print $2; exit}')
	check "ethtool -L eth0 combined $((max / 2)) (of $max): room for XDP TX queues" \
		vx i-b ethtool -L eth0 combined $((max / 2))
	check "xdp-filter load --mode native eth0" vx i-b xdp-filter load --mode native eth0
	check_match "  ... native XDP on eth0" 'xdp .*prog/xdp id' "$(ip -n i-b link show eth0 | tr '\n' ' ')"
	check_match "  ... its state pinned in i-b's bpffs" 'xdp-filter' "$(vx i-b ls /sys/fs/bpf)"
	check "  ... not in i-a's" vx i-a test ! -e /sys/fs/bpf/xdp-filter
	check "xdp-filter port 9000, a later exec" vx i-b xdp-filter port 9000
	drop0=$(rx xdp_drop)
	check_eq "UDP to port 9000 from i-a gets no reply" "sent 20 received 0" \
		"$(vx i-a "$bpf/udp_probe" "$ip_b" 20)"
	check_eq "  ... ena counts the 20 frames dropped by XDP" $((drop0 + 20)) "$(rx xdp_drop)"
	status=$(vx i-b xdp-filter status 2>&1)
	check_match "xdp-filter status, another exec: eth0 in native mode" '^ +eth0 \(native mode\)' "$status"
	check_match "  ... and port 9000 with its 20 hits" '^ +9000 +dst,tcp,udp +20$' "$status"
	check_match "  ... 20 packets dropped in all" '^ +XDP_DROP +20 pkts' "$status"
	check_err "ip netns exec has no bpffs: xdp-filter status finds nothing there" 'bpffs not mounted' \
		ip netns exec i-b xdp-filter status
	check "xdp-filter unload eth0" vx i-b xdp-filter unload eth0
	check_eq "  ... no XDP left on eth0" "" "$(ip -n i-b link show eth0 | grep -o 'prog/xdp')"
	check "ethtool -L eth0 combined $max again" vx i-b ethtool -L eth0 combined "$max"
fi

# ---- errors ----
check_err "exec of a missing instance: the kernel's error" 'nosuch' vx nosuch true
rc=0 missing=vnitro-no-such-command	# in a variable: check-deps.py need not find it
vx i-a "$missing" 2>/dev/null || rc=$?
check_eq "  ... a missing command: exit 127" 127 "$rc"
check_err "  ... and its error" "^Error: cannot run \"$missing\" in instance i-a: No such file or directory\$" \
	vx i-a "$missing"
check_err "exec of a bad instance name" 'is not a valid instance name' vx a/b true
check_err "exec without an instance" 'the instance NAME is required' vx
check_eq "a command's own status comes back" 3 "$(vx i-a sh -c 'exit 3'; echo $?)"

# ---- gone with the instance ----
for inst in i-a i-b; do check "a canary in $inst (a veth pair)" canary "$inst"; done
check "instance del i-a" "$VNITRO" instance del i-a
check "  ... its environment is gone" test ! -e "$RUN/i-a"
check_eq "  ... nothing of it stays mounted" "" "$(mounts_of "^$RUN/i-a")"
check_err "  ... exec of it fails" 'i-a' vx i-a true
check_eq "i-b's environment is untouched" "$name_b" "$(vx i-b hostname)"
check "instance del i-b" "$VNITRO" instance del i-b
check_eq "no environment left: $RUN is no mount point any more" "" "$(mounts_of "^$RUN")"
freed "the network namespaces of i-a and i-b are freed: no environment holds them" i-a i-b

# ---- rmmod: the next vnitro command sweeps ----
check "instances i-c and i-d" sh -c "$VNITRO instance add i-c subnet subnet-default >/dev/null &&
	$VNITRO instance add i-d subnet subnet-default >/dev/null"
check "exec in i-d (it already has its environment)" vx i-d true
check "rmmod vnitro" rmmod vnitro
check "after rmmod, the environments stay until a vnitro command runs" test -e "$RUN/i-c/mnt"
check_err "  ... vnitro instance show: the module is not loaded" 'not loaded' "$VNITRO" instance show
check_eq "  ... and it tore every environment down" "" "$(mounts_of "^$RUN")"
check "  ... their directories too" sh -c "! ls $RUN/i-* 2>/dev/null"

# ---- a reload with instances left over ----
check "insmod vnitro.ko" insmod "$KO"
check "instance i-c, its namespace file reused" "$VNITRO" instance add i-c subnet subnet-default
check "i-e" "$VNITRO" instance add i-e subnet subnet-default
check "rmmod and insmod, with i-c and i-e left over" sh -c "rmmod vnitro && insmod $KO"
check "  ... their environments are still there" test -e "$RUN/i-e/mnt" -a -e "$RUN/i-c/mnt"
check_err "exec of a left-over instance fails" 'i-e' vx i-e true
check "  ... and removes its environment" test ! -e "$RUN/i-e"
check "instance i-e again: a new environment" "$VNITRO" instance add i-e subnet subnet-default
ip_e=$(eni_field "$(primary_eni i-e)" private_ip)
check_eq "  ... with the new primary address's name" "ip-${ip_e//./-}" "$(vx i-e hostname)"
check "vnitro instance show sweeps i-c's" "$VNITRO" instance show
check "  ... gone" test ! -e "$RUN/i-c"
for inst in i-c i-d i-e; do check "a canary in $inst" canary "$inst"; done
check "instance del i-e" "$VNITRO" instance del i-e
for ns in i-c i-d; do ip netns del "$ns" 2>/dev/null; done
check_eq "nothing mounted under $RUN at the end" "" "$(mounts_of "^$RUN")"
freed "the network namespaces of i-c, i-d and i-e are freed" i-c i-d i-e

check_eq "kernel log is clean" "" "$(splats)"
summary

# SPDX-License-Identifier: GPL-2.0
# lib.sh - checks for the shell test suites: one "ok"/"not ok" line per check, a closing tally.
#
# Suites keep going after a failed check so that one run reports everything;
# `summary` prints "N passed, N failed" and sets the exit status.

VNITRO_TOP=${VNITRO_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VNITRO=${VNITRO:-$VNITRO_TOP/tools/vnitro}
export PATH="$VNITRO_TOP/tools:$PATH"
_passed=0
_failed=0
_out=$(mktemp)
trap 'rm -f "$_out"' EXIT

ok() { _passed=$((_passed + 1)); echo "ok - $*"; }
not_ok() { _failed=$((_failed + 1)); echo "not ok - $*"; }

# check DESC CMD...: CMD must succeed.
check() {
	local desc=$1
	shift
	if "$@" >"$_out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$_out"
		return 1
	fi
}

# check_err DESC PATTERN CMD...: CMD must fail, print nothing on stdout, and
# its stderr must match the extended regex PATTERN.
check_err() {
	local desc=$1 pattern=$2 rc=0 stdout
	shift 2
	stdout=$("$@" 2>"$_out") || rc=$?
	if [[ $rc -ne 0 && -z $stdout ]] && grep -Eq -- "$pattern" "$_out"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, expected an error matching /$pattern/)"
		{ echo "stdout: $stdout"; cat "$_out"; } | sed 's/^/#   /'
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [[ "$2" == "$3" ]]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   expected: $2"
		echo "#   actual:   $3"
		return 1
	fi
}

# check_match DESC REGEX TEXT
check_match() {
	if grep -Eq -- "$2" <<<"$3"; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   /$2/ not found in:"
		sed 's/^/#   /' <<<"$3"
	fi
}

skip() { echo "ok - SKIP $*"; }

# snapshot: what a refused command must leave unchanged; a suite may define its own.
snapshot() {
	{
		"$VNITRO" -j instance show
		"$VNITRO" -j eni show
		"$VNITRO" -j vpc show
		"$VNITRO" -j subnet show
		ls /run/netns 2>/dev/null
		lspci -n | sort
		ip -o link show | cut -d: -f2
	} 2>&1
}

# refuse DESC PATTERN CMD...: refused with a matching message and no change at all, as
# `snapshot` sees it.
refuse() {
	local desc=$1 pattern=$2 before after
	shift 2
	before=$(snapshot)
	check_err "$desc" "$pattern" "$@"
	after=$(snapshot)
	check_eq "  ... and nothing changed" "$before" "$after"
}

# splats: kernel messages that mean a bug (kmemleak's boot banner says "leak" too).
splats() {
	dmesg | grep -E 'WARNING|BUG|Oops|refcount_t|KASAN|UBSAN|lockdep|possible circular|sleeping function|kmemleak: [0-9]+ new suspected|rcu.*stall|hung_task|general protection' |
		grep -v 'Kernel memory leak detector' || true
}

# kmemleak_clean DESC: where the kernel has kmemleak (make check-debug), a scan finds nothing.
kmemleak_clean() {
	local k=/sys/kernel/debug/kmemleak
	if [[ ! -w $k ]]; then
		skip "$1: kmemleak (this kernel has none; make check-debug has it)"
		return
	fi
	echo scan >"$k"
	check_eq "$1: kmemleak finds no unreferenced object" 0 "$(grep -c 'unreferenced object' "$k")"
	head -40 "$k" | sed 's/^/#   /'
	echo clear >"$k"
}

summary() {
	echo "$_passed passed, $_failed failed"
	[[ $_failed -eq 0 ]]
}

# ---- vnitro helpers ----

# eni_field ID FIELD|"JQ STRING": a field (or an interpolated string) of `vnitro -j eni show ID`.
eni_field() {
	local filter=$2
	[[ $filter == \"* ]] || filter=".$filter"
	"$VNITRO" -j eni show "$1" | jq -r ".[0] | $filter"
}

# primary_eni INSTANCE: the id of an instance's primary ENI.
primary_eni() { "$VNITRO" -j instance show "$1" | jq -r '.[0].primary_eni'; }

# subnet_prefixlen SUBNET
subnet_prefixlen() { "$VNITRO" -j subnet show | jq -r --arg s "$1" '.[] | select(.id == $s) | .cidr' | cut -d/ -f2; }

# netns_cmd INSTANCE CMD...: run CMD in the instance (i-host is the init namespace).
netns_cmd() {
	local inst=$1
	shift
	if [[ $inst == i-host ]]; then "$@"; else ip netns exec "$inst" "$@"; fi
}

# with_debugfs INSTANCE CMD...: CMD in the instance with debugfs mounted (ip netns exec gives
# it a mount namespace of its own and a /sys of the instance's namespace, without debugfs).
with_debugfs() {
	local inst=$1
	shift
	netns_cmd "$inst" sh -c 'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug &&
		exec "$@"' with_debugfs "$@"
}

# uverbs_of DEVICE: the /dev/infiniband node of an RDMA device, from any namespace (the
# infiniband_verbs class is not per namespace; an instance's device is listed only in it).
uverbs_of() {
	local f
	for f in /sys/class/infiniband_verbs/uverbs*/ibdev; do
		[[ -r $f && $(<"$f") == "$1" ]] && basename "${f%/ibdev}"
	done
	return 0
}

# bring_up INSTANCE ENI: configure the ENI's address from the control plane, as DHCP would.
bring_up() {
	local inst=$1 eni=$2 ifname ip plen
	ifname=$(eni_field "$eni" ifname)
	ip=$(eni_field "$eni" private_ip)
	plen=$(subnet_prefixlen "$(eni_field "$eni" subnet)")
	netns_cmd "$inst" ip link set lo up
	netns_cmd "$inst" ip addr add "$ip/$plen" dev "$ifname"
	netns_cmd "$inst" ip link set "$ifname" up
}

# source_routed INSTANCE ENI ADDR [TABLE]: the ENI's private ADDR on its netdev in INSTANCE,
# up, with source-based policy routing in TABLE (default 100; one per ENI, as ec2-net-utils
# sets up), so that replies from ADDR leave through that ENI and not eth0, whose
# source/dest check would drop them.
source_routed() {
	local inst=$1 eni=$2 addr=$3 table=${4:-100} ifname subnet cidr
	ifname=$(eni_field "$eni" ifname)
	subnet=$(eni_field "$eni" subnet)
	cidr=$("$VNITRO" -j subnet show | jq -r --arg s "$subnet" '.[] | select(.id == $s) | .cidr')
	ip -n "$inst" addr add "$addr/${cidr#*/}" dev "$ifname" &&
	ip -n "$inst" link set "$ifname" up &&
	ip -n "$inst" rule add from "$addr" table "$table" &&
	ip -n "$inst" route add "$cidr" dev "$ifname" src "$addr" table "$table"
}

# efa_eni INSTANCE [SUBNET]: an EFA ENI in SUBNET (default subnet-default) attached to
# INSTANCE at device index 1, as a check; sets dev_X (X: the instance name after "i-")
# to its RDMA device, e.g. dev_a=efa_0.
efa_eni() {
	local inst=$1 subnet=${2:-subnet-default} eni
	eni=$("$VNITRO" -j eni add subnet "$subnet" type efa | jq -r .id)
	check "EFA ENI for $inst in $subnet" "$VNITRO" eni attach "$eni" instance "$inst" index 1
	declare -g "dev_${inst#i-}=$(eni_field "$eni" rdma_device)"
}

# pair NAME SERVER_CMD... -- CLIENT_CMD...: a server/client tool pair (perftest,
# fi_pingpong, ibv_*_pingpong) with the server in i-a and the client in i-b
# given "$ip_a"; output in /tmp/NAME.server and /tmp/NAME.client. Succeeds when
# both exit 0, else prints both statuses and the client's last lines.
# perftest calibrates the CPU clock by linear regression before it reports,
# and gives up ("r^2 ... < 0.9") when emulation jitters the timing: that is
# the measuring tool failing, so such a run gets one more try.
pair() {
	local name=$1 server=() client=() rc_s rc_c try pid
	shift
	while [[ $1 != -- ]]; do server+=("$1"); shift; done
	shift
	client=("$@")
	for try in 1 2; do
		ip netns exec i-a timeout 120 "${server[@]}" >"/tmp/$name.server" 2>&1 &
		pid=$!
		sleep 2		# the server listens on its TCP port for the exchange
		ip netns exec i-b timeout 120 "${client[@]}" "$ip_a" >"/tmp/$name.client" 2>&1
		rc_c=$?
		wait "$pid"
		rc_s=$?
		grep -q 'Correlation coefficient r^2' "/tmp/$name.client" "/tmp/$name.server" || break
		echo "# $name: perftest could not calibrate its clock (r^2 < 0.9), run $try; again"
	done
	[[ $rc_s -eq 0 && $rc_c -eq 0 ]] ||
		{ echo "# $name: server $rc_s, client $rc_c"; tail -5 "/tmp/$name.client" | sed 's/^/#   /'; return 1; }
}

# two_instances: i-a and i-b in subnet-default, configured and up; sets ip_a and ip_b.
two_instances() {
	local inst
	for inst in i-a i-b; do
		"$VNITRO" instance add "$inst" subnet subnet-default >/dev/null || return
		bring_up "$inst" "$(primary_eni "$inst")" || return
	done
	ip_a=$(eni_field "$(primary_eni i-a)" private_ip)
	ip_b=$(eni_field "$(primary_eni i-b)" private_ip)
}

# vnitrod_api CREDENTIALS: vnitrod's EC2 API endpoint in the background (its pid in
# vnitrod_pid, its log in /tmp/vnitrod.log), once it listens on 127.0.0.1:8773 (5 s at most).
vnitrod_api() {
	local i
	"$VNITRO_TOP/tools/vnitrod/vnitrod" --credentials "$1" 2>/tmp/vnitrod.log &
	vnitrod_pid=$!
	for ((i = 0; i < 50; i++)); do
		ss -Hltn "sport = :8773" | grep -q . && return
		sleep 0.1
	done
}

# wait_listen INSTANCE PORT: until a TCP socket listens on PORT there (5 s at most).
wait_listen() {
	local i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return
		sleep 0.1
	done
}

# tcp_copy FROM TO ADDR: 1 MiB over TCP from instance FROM to ADDR in TO, compared
# byte for byte. (bash's /dev/tcp sends everything; busybox nc as a sender
# drops the tail of its input on exit.)
tcp_copy() {
	local from=$1 to=$2 addr=$3
	head -c 1048576 /dev/urandom >/tmp/tcp_copy.tx
	ip netns exec "$to" sh -c 'timeout 20 busybox nc -l -p 7000 > /tmp/tcp_copy.rx' &
	wait_listen "$to" 7000
	ip netns exec "$from" bash -c "cat /tmp/tcp_copy.tx > /dev/tcp/$addr/7000"
	wait
	cmp /tmp/tcp_copy.tx /tmp/tcp_copy.rx
}

# ---- rings, coalescing, fault injection ----

# quiet_pair: two_instances with one queue pair each, no IPv6 chatter and
# permanent neighbours, so that every frame a check counts is one it sent.
quiet_pair() {
	local inst
	two_instances || return
	for inst in i-a i-b; do
		ip netns exec "$inst" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 || return
		ip netns exec "$inst" ethtool -L eth0 combined 1 || return
	done
	pin_neighbours
}

# pin_neighbours: i-a and i-b know each other's MAC permanently, so neither sends ARP
# (not even the reachability probe an aged entry gets). `ip link set down` flushes them.
pin_neighbours() {
	ip -n i-a neigh replace "$ip_b" lladdr "$(eni_field "$(primary_eni i-b)" mac)" dev eth0 nud permanent &&
	ip -n i-b neigh replace "$ip_a" lladdr "$(eni_field "$(primary_eni i-a)" mac)" dev eth0 nud permanent
}

# fault_dir INSTANCE [QUEUE]: debugfs fault injection for the instance's primary ENI's queue pair.
fault_dir() { echo "/sys/kernel/debug/vnitro/$(primary_eni "$1")/queue-${2:-0}"; }

# irq_field INSTANCE FIELD: a field of queue 0's debugfs irq file (interrupts, rx_usecs, rx_ring ...).
irq_field() { awk -v k="$2:" '$1 == k {print $2}' "$(fault_dir "$1")/irq"; }

# held_stat FIELD ENI...: FIELD of the debugfs irq files of every queue of the ENIs, summed (the
# largest, for a _max_ field): rx_held, rx_held_released, rx_held_late_100us ... (latency.c).
held_stat() {
	local f=$1 e
	shift
	for e in "$@"; do cat /sys/kernel/debug/vnitro/"$e"/queue-*/irq; done |
		awk -v k="$f:" '$1 == k {n = k ~ /max/ ? ($2 > n ? $2 : n) : n + $2} END {print n + 0}'
}

# plain COMMAND...: COMMAND as a plain host user (uid 65534, no groups, no capabilities).
plain() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }

# estat INSTANCE NAME: one `ethtool -S eth0` counter.
estat() { ip netns exec "$1" ethtool -S eth0 | awk -v k="$2:" '$1 == k {print $2}'; }

# link_stat INSTANCE rx|tx FIELD: an `ip -s link` counter of eth0 (packets, bytes, dropped ...).
link_stat() { ip -n "$1" -j -s link show eth0 | jq ".[0].stats64.$2.$3"; }

# udp_burst FROM ADDR N: N one-byte UDP datagrams from instance FROM to ADDR, port 9, back to back.
udp_burst() {
	ip netns exec "$1" bash -c 'for ((i = 0; i < $2; i++)); do echo >/dev/udp/$1/9; done' _ "$2" "$3"
}

# udp_paced FROM ADDR MBITS SECONDS [SIZE]: UDP datagrams of SIZE bytes (1400) from
# instance FROM to ADDR port 9000, paced at MBITS Mbit/s for SECONDS; prints the seconds
# it took. A full qdisc (ENOBUFS) skips a datagram, as a real sender's would be lost.
udp_paced() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" "${5:-1400}" <<'PY'
import socket, sys, time
addr, mbit, secs, size = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
buf, gap = bytes(size), size * 8 / (mbit * 1e6)
start = time.monotonic()
due = start
while due < start + secs:
    now = time.monotonic()
    if now < due:
        time.sleep(due - now)
    try:
        s.sendto(buf, (addr, 9000))
    except OSError:
        pass
    due += gap
print(f"{time.monotonic() - start:.3f}")
PY
}

# ---- the internet edge ----

INET_ADDR=198.51.100.10		# an address "on the internet" (TEST-NET-2)

# internet_gateway: namespace "internet" behind igw-1 of vpc-default, $INET_ADDR/24
# on its igw0 with a route back to the VPC, and subnet-default's default route to igw-1.
# dual_stack_a ADDR6: vpc-default and subnet-default with IPv6 blocks (2600:1f18:ab:1200::/56
# and its first /64), and instance i-a up in subnet-default with ADDR6 on eth0 at MTU 9001
# and its IPv6 default route from the router's advertisement; sets eni_a.
dual_stack_a() {
	local i
	"$VNITRO" vpc set vpc-default ipv6-cidr 2600:1f18:ab:1200::/56 >/dev/null
	"$VNITRO" subnet set subnet-default ipv6-cidr 2600:1f18:ab:1200::/64 >/dev/null
	"$VNITRO" instance add i-a subnet subnet-default >/dev/null
	eni_a=$(primary_eni i-a)
	bring_up i-a "$eni_a"
	"$VNITRO" eni assign "$eni_a" ipv6 "$1" >/dev/null
	ip -n i-a addr add "$1/128" dev eth0 nodad
	ip -n i-a link set eth0 mtu 9001
	for ((i = 0; i < 100; i++)); do
		[[ -n $(ip -n i-a -6 route show default) ]] && return
		sleep 0.1
	done
}

internet_gateway() {
	ip netns add internet &&
	"$VNITRO" igw add igw-1 vpc vpc-default netns internet >/dev/null &&
	"$VNITRO" route add 0.0.0.0/0 subnet subnet-default via igw-1 >/dev/null &&
	ip -n internet link set lo up &&
	ip -n internet addr add "$INET_ADDR/24" dev igw0 &&
	ip -n internet link set igw0 up &&
	ip -n internet route add 172.31.0.0/16 dev igw0
}

# tcp_send SECS FROM TO ADDR: tcp_copy where both ends give up after about SECS
# seconds; succeeds only if the whole MiB arrived intact.
tcp_send() {
	local secs=$1 from=$2 to=$3 addr=$4
	head -c 1048576 /dev/urandom >/tmp/tcp_copy.tx
	rm -f /tmp/tcp_copy.rx
	ip netns exec "$to" timeout "$((secs + 2))" busybox nc -l -p 7000 >/tmp/tcp_copy.rx &
	wait_listen "$to" 7000
	ip netns exec "$from" timeout "$secs" bash -c "cat /tmp/tcp_copy.tx > /dev/tcp/$addr/7000"
	wait
	cmp -s /tmp/tcp_copy.tx /tmp/tcp_copy.rx
}

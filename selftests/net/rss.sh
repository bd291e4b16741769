#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rss.sh - the receiver's RX queue is the one ENA's RSS picks; ethtool -x/-X/-n/-N as ena answers.
#
#   +------ i-a ------+                +------ i-b --------------------------+
#   | eth0 1.2.3.4    | -- fabric -->  | eth0 1.2.3.5  queues 0,1            |
#   |  udp :7000      |                |  key = the issue's, table weight 3 1|
#   +-----------------+                +-------------------------------------+
# (Addresses outside the subnet reach i-b only while there is no source/dest
# check; once the VPC issue adds it, this test must turn it off for i-a/i-b.)
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

KEY=77:d1:c9:34:a4:c9:bd:87:6e:35:dd:17:b2:e3:23:9e:39:6d:8a:93:2a:95:b4:72:3a:b3:7f:56:8e:de:b6:01:97:af:3b:2f:3a:70:e7:04

"$VNITRO" instance add i-a subnet subnet-default >/dev/null
"$VNITRO" instance add i-b subnet subnet-default >/dev/null
mac_b=$(eni_field "$(primary_eni i-b)" mac)
# The frames below come from 1.2.3.4, not an address of the ENIs: as on EC2,
# that needs source/dest check off at both ends, and a security group rule
# that lets the block in (the default group admits its members' addresses only).
for i in i-a i-b; do "$VNITRO" eni set "$(primary_eni $i)" source-dest-check off >/dev/null; done
"$VNITRO" sg rule add "$("$VNITRO" -j sg show | jq -r '.[] | select(.vpc == "vpc-default" and .name == "default") | .id')" \
	ingress proto all cidr 1.2.3.0/24 >/dev/null
for i in i-a i-b; do ip -n $i link set lo up; ip -n $i link set eth0 up; done
ip -n i-a addr add 1.2.3.4/24 dev eth0
ip -n i-b addr add 1.2.3.5/24 dev eth0
ip -n i-a neigh add 1.2.3.5 lladdr "$mac_b" dev eth0 nud permanent
ip -n i-b neigh add 1.2.3.4 lladdr "$(ip netns exec i-a cat /sys/class/net/eth0/address)" dev eth0 nud permanent

# The receiver under test: i-b (1.2.3.5), later i-t (1.2.3.6, a fixed-key type).
rx_ns=i-b rx_ip=1.2.3.5
b_ethtool() { ip netns exec "$rx_ns" ethtool "$@"; }
qcnt() { b_ethtool -S eth0 | awk -v k="queue_$1_rx_cnt:" '$1 == k {print $2}'; }
nq=$(b_ethtool -l eth0 | awk '/^Current/ {c = 1} c && /^Combined/ {print $2}')
if [[ $nq -lt 2 ]]; then
	skip "RSS steering needs 2 queues, this VM has $(nproc) CPU(s)"
	summary
	exit
fi

x=$(b_ethtool -x eth0)
check_match "ethtool -x: 128-entry table, default spread over $nq queues" '^  120: +0 +1 ' "$x"
check_match "ethtool -x: toeplitz is on" '^    toeplitz: on' "$x"
check_match "ethtool -x: a 40-byte key" '^([0-9a-f]{2}:){39}[0-9a-f]{2}$' "$x"
check_match "ethtool -n tcp4 hashes on IPs and ports" 'IP SA.*IP DA.*L4 bytes 0 & 1.*L4 bytes 2 & 3' \
	"$(b_ethtool -n eth0 rx-flow-hash tcp4 | tr '\n' ' ')"
# ethtool itself exits 0 here after printing the driver's refusal.
check_match "no flow hash settings for ah4, as ena" 'Operation not supported' \
	"$(b_ethtool -N eth0 rx-flow-hash ah4 sd 2>&1)"
check_err "an entry beyond the queues is refused" 'Invalid argument|Cannot set RX flow hash' \
	b_ethtool -X eth0 weight 1 1 1
check_err "the xor hash function is refused" 'Operation not supported|Cannot set RX flow hash' \
	b_ethtool -X eth0 hfunc xor

check "set the issue's key and weights 3:1 (entries 96..127 on queue 1)" b_ethtool -X eth0 hkey "$KEY" weight 3 1
check_match "ethtool -x echoes the key as written" "^${KEY:0:47}" "$(b_ethtool -x eth0)"
check_match "entry 101 is queue 1, entry 84 queue 0" '^   96: +1 ' "$(b_ethtool -x eth0)"

before0=$(qcnt 0) before1=$(qcnt 1)
# Ten datagrams from a fixed source port (perl is Essential in Debian; busybox nc has no UDP).
ip netns exec i-a perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(Proto => "udp", LocalAddr => "1.2.3.4:7000") or die "socket: $!";
	$s->send("datagram $_", 0, pack_sockaddr_in(7000, inet_aton("1.2.3.5"))) for 1 .. 10;'
sleep 0.5
d0=$(( $(qcnt 0) - before0 )) d1=$(( $(qcnt 1) - before1 ))
# ENA: hash 0x5b5eb8e5 -> entry 101 -> queue 1.  Textbook Toeplitz: 0xa9828bd4 -> entry 84 -> queue 0.
check_eq "1.2.3.4:7000 -> 1.2.3.5:7000 lands on ENA's entry 101 (queue 1), every datagram" "10 0" "$d1 $d0"

# steer_check DESC: 32 UDP flows (source ports 30000..30031, 3 datagrams each)
# must be counted on exactly the queues an ENA device picks with the key and
# table ethtool -x shows now (selftests/net/ena_hash.py is the oracle), or
# with the device's own key when it shows none.
steer_check() {
	local x key table expected got before ports
	x=$(b_ethtool -x eth0)
	key=$(awk '/^RSS hash key:/ {getline; print}' <<<"$x")
	[[ $key == *"not supported"* ]] && key=fixed
	table=$(awk '/^ +[0-9]+:/ {for (i = 2; i <= NF; i++) {printf "%s%s", sep, $i; sep = ","}}' <<<"$x")
	ports=$(seq 30000 30031)
	# shellcheck disable=SC2086
	expected=$("$(dirname "$0")/ena_hash.py" "$key" "$table" 1.2.3.4 "$rx_ip" 7000 $ports |
		   awk -v n="$nq" '{c[$1] += 3} END {for (q = 0; q < n; q++) printf "%d ", c[q]}')
	before=$(for ((q = 0; q < nq; q++)); do printf '%d ' "$(qcnt $q)"; done)
	ip netns exec i-a perl -MIO::Socket::INET -e '
		for my $port (30000 .. 30031) {
			# Unconnected: an ICMP port unreachable must not fail the next send.
			my $s = IO::Socket::INET->new(Proto => "udp", LocalAddr => "1.2.3.4:$port")
				or die "socket: $!";
			$s->send("flow $port", 0, pack_sockaddr_in(7000, inet_aton($ARGV[0]))) for 1 .. 3;
		}' "$rx_ip"
	sleep 0.5
	got=$(paste <(tr ' ' '\n' <<<"$before") \
		    <(for ((q = 0; q < nq; q++)); do echo "$(qcnt $q)"; done) |
	      awk 'NF == 2 {printf "%d ", $2 - $1}')
	check_eq "$1: per-queue counts are ENA's (table[hash % 128])" "$expected" "$got"
}

check "the hash oracle reproduces AWS's example" "$(dirname "$0")/ena_hash.py" --self-test
steer_check "issue's key, weights 3:1"
check "a random key and an uneven table" b_ethtool -X eth0 hkey "$(head -c 40 /dev/urandom | od -An -tx1 |
	tr -s ' \n' ':' | sed 's/^://; s/:$//')" weight 1 2
steer_check "random key, weights 1:2"

# Key and table changes under traffic: nothing breaks, traffic flows on.
ip netns exec i-b iperf3 -s -1 -D -B 1.2.3.5 >/dev/null 2>&1
wait_listen i-b 5201
ip netns exec i-a iperf3 -c 1.2.3.5 -B 1.2.3.4 -t 4 -P 2 >/tmp/rss-iperf.out 2>&1 &
iperf=$!
sleep 1
changes=0
for i in 1 2 3 4 5 6; do
	b_ethtool -X eth0 hkey "$(head -c 40 /dev/urandom | od -An -tx1 | tr -s ' \n' ':' |
		sed 's/^://; s/:$//')" >/dev/null && b_ethtool -X eth0 weight $((i % 3 + 1)) 1 >/dev/null &&
		changes=$((changes + 1))
	sleep 0.3
done
wait "$iperf"
check_eq "6 key and table changes during iperf3" 6 "$changes"
check_match "iperf3 ran to the end across them" 'receiver' "$(cat /tmp/rss-iperf.out)"
b_ethtool -X eth0 hkey "$KEY" weight 3 1
steer_check "after the changes, back to the issue's key"

check "back to hashing on IPs only for udp4" b_ethtool -N eth0 rx-flow-hash udp4 sd
check_match "ethtool -n udp4 shows it" 'IP SA.*IP DA' "$(b_ethtool -n eth0 rx-flow-hash udp4 | tr '\n' ' ')"
check "crc32 is ENA's other hash function" b_ethtool -X eth0 hfunc crc32
check_match "ethtool -x shows crc32 on" '^    crc32: on' "$(b_ethtool -x eth0)"
check_err "the kernel keeps a configured table from losing its queues" 'too low for existing indirection table' \
	b_ethtool -L eth0 combined 1
check "ethtool -X default, then -L combined 1" sh -c "ip netns exec i-b ethtool -X eth0 default &&
	ip netns exec i-b ethtool -L eth0 combined 1"
check_match "one queue: every entry is 0" '^  120: +0 +0 ' "$(b_ethtool -x eth0)"
check "and back to $nq queues" b_ethtool -L eth0 combined "$nq"
check_match "ethtool -L restored the default spread, as ena" '^  120: +0 +1 ' "$(b_ethtool -x eth0)"

# ---- a type whose ENA has a fixed key (t3.micro): only the table can be set ----
# ena_com_rss_init finds no ENA_ADMIN_RSS_HASH_FUNCTION feature: no key
# (get_rxfh_key_size 0), no function to read, and setting one fails in
# ena_com_fill_hash_function with EOPNOTSUPP.
"$VNITRO" instance add i-t type t3.micro subnet subnet-default >/dev/null
"$VNITRO" eni set "$(primary_eni i-t)" source-dest-check off >/dev/null
ip -n i-t link set lo up
ip -n i-t link set eth0 up
ip -n i-t addr add 1.2.3.6/24 dev eth0
ip -n i-a neigh add 1.2.3.6 lladdr "$(eni_field "$(primary_eni i-t)" mac)" dev eth0 nud permanent
ip -n i-t neigh add 1.2.3.4 lladdr "$(ip netns exec i-a cat /sys/class/net/eth0/address)" dev eth0 nud permanent
rx_ns=i-t rx_ip=1.2.3.6
nq=$(b_ethtool -l eth0 | awk '/^Current/ {c = 1} c && /^Combined/ {print $2}')
x=$(b_ethtool -x eth0)
check_match "t3.micro: ethtool -x shows the table" '^    0: +0 +1 ' "$x"
check_match "... but no key: the device does not give it out" 'RSS hash key:.Operation not supported' \
	"$(tr '\n' ' ' <<<"$x" | sed 's/ \+/ /g; s/: /:/')"
check_match "... nor its hash function" 'RSS hash function:.*Operation not supported' \
	"$(tr '\n' ' ' <<<"$x")"
check_err "ethtool -X hkey is refused (no key to set)" 'Hash key setting not supported' \
	b_ethtool -X eth0 hkey "$KEY"
# ethtool(8) reads no hash function back (ena_get_rxfh sets none on such a
# device), so it sends none: a function alone is no change at all to the
# ethtool core (Invalid argument), and with a table only the table is set.
check_err "ethtool -X hfunc crc32: nothing to send" 'Invalid argument' b_ethtool -X eth0 hfunc crc32
# Sent anyway (raw ETHTOOL_SRSSH), the driver answers as ena_set_rxfh does when
# ena_com_fill_hash_function finds no ENA_ADMIN_RSS_HASH_FUNCTION feature.
check_eq "the driver refuses crc32 with EOPNOTSUPP, as ena" "Operation not supported" \
	"$(ip netns exec "$rx_ns" "$(dirname "$0")/rxfh_set.py" eth0 crc32)"
check_eq "... and toeplitz too: the function cannot be chosen at all" "Operation not supported" \
	"$(ip netns exec "$rx_ns" "$(dirname "$0")/rxfh_set.py" eth0 toeplitz)"
check_match "... saying why in dmesg" 'fixed RSS key and hash function' "$(dmesg | tail -5)"
check_eq "refusals changed nothing" "$x" "$(b_ethtool -x eth0)"
check "ethtool -X weight 3 1 sets the table" b_ethtool -X eth0 weight 3 1
check_match "read back" '^   96: +1 ' "$(b_ethtool -x eth0)"
check "the oracle reproduces AWS's fixed-key examples" "$(dirname "$0")/ena_hash.py" --self-test
if ((nq >= 2)); then
	steer_check "t3.micro, the device's key, weights 3:1"
	check "ethtool -X equal 2" b_ethtool -X eth0 equal 2
	steer_check "t3.micro, the device's key, equal 2"
else
	skip "fixed-key steering needs 2 queues, this VM has $(nproc) CPU(s)"
fi
summary

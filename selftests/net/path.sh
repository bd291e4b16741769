#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# path.sh - the path model through "vnitro path": loss between ENIs, a seed that replays
# the same losses, the bounds, and who may set it.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0            | -- fabric -- | eth0            |   (UDP a -> b, port 9000)
#   +-----------------+              +-----------------+
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
knob() { cat "/sys/kernel/debug/vnitro/efa_fabric/$1"; }

check_eq "a new world's paths lose, delay and reorder nothing" \
	"loss-ppm 0 reorder-ppm 0 delay-us 0 reorder-delay-us 1000 jitter-us 0 congestion-ppm 0 congestion-delay-us 0 congestion-loss-ppm 0 episode-us 10000 paths 8 node-delay-us 0 az-delay-us 0 seed 0" \
	"$("$VNITRO" path show)"
check_err "a plain user cannot read the path model" "Operation not permitted" \
	plain "$VNITRO" path show
check_err "nor set it" "Operation not permitted" plain "$VNITRO" path set loss-ppm 1000000
check_err "nor one path of it" "Operation not permitted" plain "$VNITRO" path set path 2 delay-us 5
check_err "loss above a million ppm is refused" "0 to 1000000" \
	"$VNITRO" path set loss-ppm 1000001 delay-us 5
check_err "so is a delay above a second" "0 to 1000000" "$VNITRO" path set delay-us 1000001
check_eq "... and nothing changed" "0 0" "$(knob loss_ppm) $(knob delay_us)"
check "10 % loss, 20 us, seed 42" "$VNITRO" path set loss-ppm 100000 delay-us 20 seed 42
check_eq "debugfs shows the same model" "100000 20 42" \
	"$(knob loss_ppm) $(knob delay_us) $(knob seed)"
check_eq "JSON" "100000 0 20 1000 42" "$("$VNITRO" -j path show |
	jq -r '"\(.loss_ppm) \(.reorder_ppm) \(.delay_us) \(.reorder_delay_us) \(.seed)"')"

two_instances
pin_neighbours
before=$("$VNITRO" -j path show)
check_err "root inside an instance does not even see the control plane" 'family "vnitro" not found' \
	ip netns exec i-a "$VNITRO" path set path 2 delay-us 5
check_eq "... and nothing changed" "$before" "$("$VNITRO" -j path show)"
# A reader that answers nothing (no ICMP goes back to draw from the same losses) and
# writes down the number of each datagram it gets.
ip netns exec i-b python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 9000))
with open("/tmp/path.rx", "a", buffering=1) as f:
    while True:
        f.write(s.recv(2048).split(b" ")[0].decode() + "\n")' &
for ((i = 0; i < 50; i++)); do
	ip netns exec i-b ss -Hlun "sport = :9000" | grep -q . && break
	sleep 0.1
done
# run SEED: 500 numbered datagrams from i-a, one a millisecond, the seed written
# first; prints how many reached i-b and a digest of which.
run() {
	"$VNITRO" path set seed "$1" >/dev/null
	: >/tmp/path.rx
	ip netns exec i-a python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(500):
    s.sendto(b"%d " % i + b"x" * 100, (sys.argv[1], 9000))
    time.sleep(0.001)' "$ip_b"
	sleep 0.5
	echo "$(wc -l </tmp/path.rx) $(sort -n /tmp/path.rx | md5sum | cut -c1-8)"
}
read -r got digest <<<"$(run 42)"
check "about 10 % of 500 datagrams lost: $((500 - got))" test "$got" -ge 400 -a "$got" -le 480
check_eq "the same seed loses the same datagrams again" "$got $digest" "$(run 42)"
read -r other other_digest <<<"$(run 7)"
check "another seed loses others: $((500 - other)), digest $other_digest, not $digest" \
	test "$other" -ge 400 -a "$other" -le 480 -a "$other_digest" != "$digest"
check "no loss" "$VNITRO" path set loss-ppm 0 delay-us 0
check_eq "everything arrives" 500 "$(run 1 | cut -d' ' -f1)"

# ---- one path's own settings ----
check "path 2 alone: 700 us, jitter 100 us" "$VNITRO" path set path 2 delay-us 700 jitter-us 100
check_eq "path show lists it after the world" \
	"path 2: loss-ppm 0 delay-us 700 jitter-us 100 congestion-ppm 0 congestion-delay-us 0 congestion-loss-ppm 0" \
	"$("$VNITRO" path show | sed -n 2p)"
check_err "the seed is the world's, not a path's" "the world's, not one path's" \
	"$VNITRO" path set path 2 seed 5
check_err "a path past the world's count does not exist" "path 8 does not exist: the world has 8" \
	"$VNITRO" path set path 8 delay-us 5
check "fewer paths" "$VNITRO" path set paths 4
check_eq "path 2 keeps its own when only the count changes" 700 \
	"$("$VNITRO" -j path show | jq '.per_path[2].delay_us')"
"$VNITRO" dump >/tmp/path.dump
check "a world setting of a path's field" "$VNITRO" path set delay-us 0
check_eq "... replaces every path's" 0 "$("$VNITRO" -j path show | jq '[.per_path[].delay_us] | add')"
check "apply the dump" "$VNITRO" apply /tmp/path.dump
check_eq "path 2 is back, the world's count too" "700 100 4" \
	"$("$VNITRO" -j path show | jq -r '"\(.per_path[2].delay_us) \(.per_path[2].jitter_us) \(.paths)"')"
check "and back to a lossless world of 8 paths" "$VNITRO" path set delay-us 0 jitter-us 0 paths 8
check_eq "everything arrives again" 500 "$(run 1 | cut -d' ' -f1)"
kill %1 2>/dev/null
rm -f /tmp/path.rx /tmp/path.dump
summary

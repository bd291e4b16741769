#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# coalesce.sh - ENA interrupt moderation: ethtool -c/-C with ena's defaults and refusals, and its effect.
#
#   +------ i-a ------+              +------ i-b ------+
#   | eth0  1 queue   | -- fabric -- | eth0  1 queue   |   UDP flood a -> b (iperf3 -u)
#   +-----------------+              +-----------------+
#   i-b's queue-0/irq (debugfs) counts the interrupts its RX frames raised
set -u -o pipefail
source "$(dirname "$0")/../lib.sh"

quiet_pair

# coal INSTANCE NAME: a line of ethtool -c ("rx-usecs", "tx-usecs", "Adaptive RX" ...).
coal() {
	ip netns exec "$1" ethtool -c eth0 |
		awk -v k="$2:" 'index($0, k) == 1 {split(substr($0, length(k) + 1), f, " "); print f[1]}'
}
coals() { echo "$(coal "$1" rx-usecs)/$(coal "$1" tx-usecs)/$(coal "$1" "Adaptive RX")"; }

check_eq "defaults rx-usecs 20, tx-usecs 64, adaptive-rx off (ena_com.h)" 20/64/off "$(coals i-a)"
check "ethtool -C rx-usecs 100 tx-usecs 200" ip netns exec i-a ethtool -C eth0 rx-usecs 100 tx-usecs 200
check_eq "read back" 100/200/off "$(coals i-a)"
check "ethtool -C adaptive-rx on" ip netns exec i-a ethtool -C eth0 adaptive-rx on
check_eq "read back; rx-usecs stays the non-adaptive value, as ena" 100/200/on "$(coals i-a)"
check "ethtool -C rx-usecs 32767 tx-usecs 0 adaptive-rx off" \
	ip netns exec i-a ethtool -C eth0 rx-usecs 32767 tx-usecs 0 adaptive-rx off
check_eq "the device's 15-bit maximum and zero are accepted" 32767/0/off "$(coals i-a)"

check_err "rx-usecs above the 15-bit field is refused" 'maximum of 32767' \
	ip netns exec i-a ethtool -C eth0 rx-usecs 32768
check_err "tx-usecs too" 'maximum of 32767' ip netns exec i-a ethtool -C eth0 tx-usecs 100000
check_err "adaptive-tx is not supported by ena" 'unsupported parameter' \
	ip netns exec i-a ethtool -C eth0 adaptive-tx on
check_err "nor frame counts" 'unsupported parameter' ip netns exec i-a ethtool -C eth0 rx-frames 8
check_err "nor rx-usecs-irq" 'unsupported parameter' ip netns exec i-a ethtool -C eth0 rx-usecs-irq 8
check_eq "refusals changed nothing" 32767/0/off "$(coals i-a)"
ip netns exec i-a ethtool -C eth0 rx-usecs 20 tx-usecs 64

# flood RX_USECS: frames per interrupt on i-b's queue under a 2-second UDP flood.
flood() {
	local irq0 rx0 irqs frames
	ip netns exec i-b ethtool -C eth0 rx-usecs "$1"
	ip netns exec i-b iperf3 -s -1 -D >/dev/null 2>&1
	sleep 0.5
	irq0=$(irq_field i-b interrupts)
	rx0=$(estat i-b queue_0_rx_cnt)
	ip netns exec i-a iperf3 -u -c "$ip_b" -b 0 -l 64 -t 2 >/dev/null 2>&1
	irqs=$(( $(irq_field i-b interrupts) - irq0 ))
	frames=$(( $(estat i-b queue_0_rx_cnt) - rx0 ))
	echo "# rx-usecs $1: $frames frames, $irqs interrupts" >&2
	echo $(( frames * 10 / (irqs ? irqs : 1) ))	# tenths
}
check_eq "rx-usecs 0 is in effect on the queue" 0 "$(ip netns exec i-b ethtool -C eth0 rx-usecs 0; irq_field i-b rx_usecs)"
per0=$(flood 0)
per10ms=$(flood 10000)
echo "# frames per interrupt: $((per0 / 10)).$((per0 % 10)) at rx-usecs 0, $((per10ms / 10)).$((per10ms % 10)) at 10000"
check "moderation batches frames: per interrupt, 10 ms moderation gathers over twice as many as none" \
	test "$per10ms" -gt $((2 * per0))
check "and at least 4 per interrupt" test "$per10ms" -ge 40
check_eq "ethtool -S unmask_interrupt counts the same vector's unmasks" \
	"$(estat i-b queue_0_tx_unmask_interrupt)" "$(estat i-b queue_0_tx_napi_comp)"

# adaptive-rx: net_dim moves the interval among its RX profiles (lib/dim, EQE mode as ena).
ip netns exec i-b ethtool -C eth0 rx-usecs 20 adaptive-rx on
check_eq "adaptive-rx starts from rx-usecs" 20 "$(irq_field i-b rx_usecs)"
flood 20 >/dev/null
check_match "after a flood net_dim has chosen one of its profiles (1, 8, 64, 128, 256 us)" \
	'^(1|8|64|128|256)$' "$(irq_field i-b rx_usecs)"
check_eq "ethtool -c still reports the non-adaptive value" 20/64/on "$(coals i-b)"
ip netns exec i-b ethtool -C eth0 adaptive-rx off
check_eq "adaptive-rx off: rx-usecs is in effect again" 20 "$(irq_field i-b rx_usecs)"
check "traffic flows" ip netns exec i-a ping -c 2 -W 2 -q "$ip_b"
summary

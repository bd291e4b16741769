# SPDX-License-Identifier: GPL-2.0
# vm-reset.sh - sourced in the test VM by scripts/check.sh (VM_BATCH) and scripts/check-debug.sh,
# which run several suites in one boot.

# reset_vm: what the previous suite left behind, as far as the next one could trip over it:
# the processes in namespaces, the namespaces, the module (rmmod, retried: 1 if it stays),
# the environments of "vnitro exec" (their mounts under /run/vnitro-instances: the CLI's
# sweep, which works without the module), rdma_rxe, the initial namespace's nftables rules,
# /tmp (but the repository, the working directory, when it is a clone under /tmp).
reset_vm() {
	local ns f
	for ns in $(ip netns list | awk '{ print $1 }'); do
		# shellcheck disable=SC2046 # one pid a word
		kill -9 $(ip netns pids "$ns") 2>/dev/null
	done
	ip -all netns delete 2>/dev/null
	for _ in 1 2 3 4 5; do
		[[ -d /sys/module/vnitro ]] || break
		rmmod vnitro 2>/dev/null && break
		sleep 1
	done
	if [[ -d /sys/module/vnitro ]]; then
		echo "reset: rmmod vnitro failed: $(rmmod vnitro 2>&1)"
		return 1
	fi
	tools/vnitro instance show >/dev/null 2>&1
	[[ -d /sys/module/rdma_rxe ]] && modprobe -r rdma_rxe
	nft flush ruleset 2>/dev/null
	for f in /tmp/* /tmp/.[!.]*; do
		[[ -e $f && $PWD != "$f" && $PWD != "$f"/* ]] && rm -rf "$f"
	done
	return 0
}

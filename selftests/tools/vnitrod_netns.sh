# SPDX-License-Identifier: GPL-2.0-only
# vnitrod_netns.sh - what test_imds.sh and test_dns.sh share: TAP-style checks, and vnitrod_fake
# ($FAKE) against a network namespace of its own ($ns, "vnitrod-NAME-PID", lo up) that goes
# when the script exits. Source it with NAME as $1; without root it skips the whole script.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAKE=${FAKED:-$here/vnitrod_fake}
ns=vnitrod-$1-$$
n=0 passed=0 failed=0
daemon=

pass() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; echo "#   got: [$2]"; }
expect() { if [[ $3 == "$2" ]]; then pass "$1"; else fail "$1 (want [$2])" "$3"; fi; }
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; }

if [[ $(id -u) -ne 0 ]]; then
	echo "ok 1 - $1 # SKIP needs root for a network namespace"
	echo "0 passed, 0 failed"
	exit 0
fi
[[ -x $FAKE ]] || make -s -C "$here" vnitrod_fake >/dev/null
ip netns add "$ns" || exit 1
trap '[[ -n $daemon ]] && kill $daemon 2>/dev/null; ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up

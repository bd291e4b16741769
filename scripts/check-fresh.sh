#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-fresh.sh - `make check-fresh`: `make run` and `make check` in a freshly debootstrapped
# minimal Debian 12 root, as on a new machine; proves that `make deps` installs all they need.
#
# Usage: scripts/check-fresh.sh [--worktree] [--no-vm] [--refresh] [--keep]
#   --worktree  test the working tree (uncommitted changes and untracked files too), not HEAD
#   --no-vm     stop after make deps, make all and the guard (scripts/check-deps.py): no VM
#   --refresh   debootstrap again instead of unpacking the cached root
#   --keep      leave the root in place afterwards (its path is printed)
#
# The root is `debootstrap --variant=minbase --include=git,make,ca-certificates bookworm`
# from the host's Debian mirror (VNITRO_FRESH_MIRROR overrides it), cached as a tarball in
# $VNITRO_FRESH_CACHE (default /var/cache/vnitro) so that later runs only unpack it. The
# repository's HEAD is cloned into /root/vnitro there, and `make deps`, `make run </dev/null`
# and `make check </dev/null` run in it under chroot with /proc, /sys, /dev and /dev/pts
# mounted. Needs root and the apt mirror, not KVM (qemu/run uses TCG). The last line is the
# inner check's "N passed, N failed" (with --no-vm: the guard's).
set -euo pipefail

prog=check-fresh
top=$(cd "$(dirname "$0")/.." && pwd)
suite=bookworm
include=git,make,ca-certificates
cache=${VNITRO_FRESH_CACHE:-/var/cache/vnitro}
sys_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "$prog: $*" >&2
	exit 2
}

worktree=0 no_vm=0 refresh=0 keep=0
for arg; do
	case $arg in
	--worktree) worktree=1 ;;
	--no-vm) no_vm=1 ;;
	--refresh) refresh=1 ;;
	--keep) keep=1 ;;
	-h | --help) sed -n '6,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option: $arg (see --help)" ;;
	esac
done
[[ $EUID -eq 0 ]] || die "needs root (debootstrap, chroot, mount)"

# mirror: the host's Debian archive for $suite: deb822 sources first, then sources.list.
mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		uri=$(awk -v suite="$suite" '
			function stanza() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && enabled != "no" && uris != "")
					{ split(uris, u, " "); print u[1]; found = 1; exit }
				types = suites = uris = enabled = ""
			}
			/^#/ { next }
			/^[ \t]*$/ { stanza(); next }
			{ v = $0; sub(/^[^:]*:[ \t]*/, "", v) }
			tolower($1) == "types:" { types = v }
			tolower($1) == "suites:" { suites = v }
			tolower($1) == "uris:" { uris = v }
			tolower($1) == "enabled:" { enabled = tolower(v) }
			END { if (!found) stanza() }' "$f")
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		uri=$(sed 's/\[[^]]*\]//' "$f" | awk -v suite="$suite" '$1 == "deb" && $3 == suite {print $2; exit}')
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	echo http://deb.debian.org/debian
}

if ! command -v debootstrap >/dev/null; then
	echo "$prog: installing debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi

work=$(mktemp -d /var/tmp/vnitro-fresh.XXXXXX)
root=$work/root
mounted=()
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" ||
			echo "$prog: cannot unmount ${mounted[i]}" >&2
	done
	if ((keep)); then
		echo "$prog: the root is kept in $root" >&2
	elif grep -q " $work/" /proc/self/mounts; then
		echo "$prog: something is still mounted below $work; not deleting it" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the root: unpacked from the cache, or debootstrapped (and then cached) ----
declare -A secs
tarball=$cache/debian12-minbase-${include//,/-}.tar.gz
mkdir -p "$cache" "$root"
exec {lock_fd}>"$cache/.lock"
flock "$lock_fd"
start=$SECONDS
if [[ -s $tarball ]] && ((!refresh)); then
	echo "$prog: unpacking $tarball"
	tar -C "$root" --numeric-owner -xzf "$tarball"
	secs[root]=$((SECONDS - start))
	what="unpacked the cached root"
else
	m=${VNITRO_FRESH_MIRROR:-$(mirror)}
	echo "$prog: debootstrap --variant=minbase --include=$include $suite $m"
	debootstrap --variant=minbase --include="$include" "$suite" "$root" "$m" >"$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
	secs[root]=$((SECONDS - start))
	what="debootstrap"
	tar -C "$root" --numeric-owner --exclude='./var/cache/apt/archives/*.deb' -czf "$tarball.tmp" . &&
		mv -f "$tarball.tmp" "$tarball"
fi
flock -u "$lock_fd"
echo "$prog: $what: ${secs[root]} s"

# No daemons from package scripts; the host's resolver for apt.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"

# mnt ARGS... TARGET: mount, remembered for cleanup; binds are made slaves so that
# nothing mounted below them propagates back to the host.
mnt() {
	mount "$@"
	mounted+=("${!#}")
	[[ $1 != --bind ]] || mount --make-rslave "${!#}"
}
# The root a mount point of its own, as / is on a machine: the tools' tests remount
# / private (as `ip netns add` does), which fails on a plain directory.
mnt --bind "$root" "$root"
mnt -t proc proc "$root/proc"
mnt -t sysfs sysfs "$root/sys"
mnt --bind /dev "$root/dev"
mnt --bind /dev/pts "$root/dev/pts"

# ---- the repository: HEAD, or the working tree with --worktree ----
git clone -q "$top" "$root/root/vnitro"
git -C "$root/root/vnitro" checkout -q --detach "$(git -C "$top" rev-parse HEAD)"
if ((worktree)); then
	git -C "$top" diff --binary HEAD | git -C "$root/root/vnitro" apply --allow-empty
	git -C "$top" ls-files -z --others --exclude-standard |
		tar -C "$top" --null -T - -cf - | tar -C "$root/root/vnitro" -xf -
	echo "$prog: testing the working tree of $top (HEAD $(git -C "$top" rev-parse --short HEAD) + changes)"
else
	echo "$prog: testing HEAD $(git -C "$top" rev-parse --short HEAD) of $top"
fi

# inside NAME CMD: CMD (a shell command line) in the clone, under chroot, with a clean
# environment; output through, timed as secs[NAME], also kept in $work/NAME.log.
inside() {
	local name=$1 rc start=$SECONDS env=(HOME=/root "PATH=$sys_path" TERM=dumb LANG=C.UTF-8)
	[[ -z ${CI:-} ]] || env+=("CI=$CI")
	echo "$prog: === $2"
	set +e
	chroot "$root" /usr/bin/env -i "${env[@]}" /bin/bash -c "cd /root/vnitro && $2" 2>&1 |
		tee "$work/$name.log"
	rc=${PIPESTATUS[0]}
	set -e
	secs[$name]=$((SECONDS - start))
	echo "$prog: === $2: exit $rc, ${secs[$name]} s"
	return "$rc"
}

status=0
inside deps 'make deps </dev/null' || die "make deps failed in the fresh root"
inside all 'make -s all </dev/null' || die "make all failed in the fresh root"
if ((no_vm)); then
	inside guard 'scripts/check-deps.py' || status=1
	final=guard
else
	inside run 'make run </dev/null' || { status=1; echo "$prog: make run failed" >&2; }
	inside check 'make check </dev/null' || status=1
	final=check
fi

echo "$prog: timings: $what ${secs[root]} s, make deps ${secs[deps]} s, make all ${secs[all]} s$(
	for p in run check guard; do [[ -n ${secs[$p]:-} ]] && printf ', %s %s s' "$p" "${secs[$p]}"; done)"
tally=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/$final.log" | tail -n 1 || true)
if [[ -z $tally ]]; then
	echo "$prog: the inner $final printed no tally" >&2
	tally="0 passed, 1 failed"
	status=1
fi
echo "$tally"
exit "$status"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - builds the debug kernel of `make check-debug` (KASAN, lockdep, kmemleak...)
# from Debian's linux-source-6.1 and qemu/debug-kernel.config, once, and prints its directory.
#
# Usage: scripts/debug-kernel.sh
#
# The kernel is cached outside the clone, in $VNITRO_DEBUG_CACHE (default
# /var/cache/vnitro/debug-kernel), under a key made of the fragment, the source tarball and
# the compiler: a second run prints the directory at once, a changed fragment builds anew.
# The directory printed holds
#   bzImage                          the image to boot (qemu/run: VNITRO_KIMAGE)
#   build/                           the build tree, for `make -C DIR/build M=...`
#   modules/lib/modules/RELEASE/     the modules (qemu/run: VNITRO_KMODDIR)
#   build.log                        the build's output
# The source is unpacked next to it (src-HASH/), shared by the keys of one tarball. The
# build runs under `nice -n 19`; it takes 7-30 minutes on 2 cores, depending on the load.
set -euo pipefail

prog=debug-kernel
top=$(cd "$(dirname "$0")/.." && pwd)
fragment=$top/qemu/debug-kernel.config
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${VNITRO_DEBUG_CACHE:-/var/cache/vnitro/debug-kernel}

die() {
	echo "$prog: $*" >&2
	exit 1
}
say() { echo "$prog: $*" >&2; }

[[ $# -eq 0 ]] || { echo "usage: scripts/debug-kernel.sh" >&2; exit 2; }
[[ -r $tarball ]] || die "$tarball not found; run 'make deps' (it installs linux-source-6.1)"

srchash=$(sha256sum "$tarball" | cut -c1-16)
key=$({ cat "$fragment"; echo "$srchash"; gcc --version | head -n 1; } | sha256sum | cut -c1-16)
dir=$cache/$key
if [[ -e $dir/ok ]]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
# One build at a time; a second caller waits for it and then uses its result.
exec {lock_fd}>"$cache/.lock"
if ! flock -n "$lock_fd"; then
	say "waiting for another build of the debug kernel to finish"
	flock "$lock_fd"
fi
if [[ -e $dir/ok ]]; then
	echo "$dir"
	exit 0
fi

# The source tree, unpacked once per tarball: under a temporary name first, so that an
# interrupted unpacking is never taken for a tree.
src=$cache/src-$srchash/linux-source-6.1
if [[ ! -f $src/Makefile ]]; then
	say "unpacking $tarball"
	rm -rf "$cache/src-$srchash" "$cache/src-$srchash.tmp"
	mkdir -p "$cache/src-$srchash.tmp"
	tar -C "$cache/src-$srchash.tmp" -xJf "$tarball"
	mv "$cache/src-$srchash.tmp" "$cache/src-$srchash"
fi

rm -rf "$dir"
mkdir -p "$dir/build"
log=$dir/build.log
kmake() { nice -n 19 make -C "$src" O="$dir/build" "$@" >>"$log" 2>&1; }

start=$SECONDS
say "configuring in $dir (log: $log)"
kmake alldefconfig KCONFIG_ALLCONFIG="$fragment" || { tail -n 30 "$log" >&2; die "configuration failed"; }

# Kconfig drops a value whose dependencies are not met without a word: every line of the
# fragment must be in the resulting .config as written.
missing=$(awk '
	FNR == NR { have[$0] = 1; if (/^CONFIG_/) { sub(/=.*/, ""); set[$0] = 1 } next }
	/^CONFIG_/ && !have[$0] { print }
	/^# CONFIG_.* is not set$/ && set[$2] { print }' "$dir/build/.config" "$fragment")
[[ -z $missing ]] || die "values of $fragment that did not stick (unmet dependencies?):"$'\n'"$missing"

say "building bzImage and modules (nice -n 19, make -j$(nproc))"
kmake -j"$(nproc)" bzImage modules || { tail -n 40 "$log" >&2; die "the kernel build failed (log: $log)"; }
kmake INSTALL_MOD_PATH="$dir/modules" modules_install ||
	{ tail -n 20 "$log" >&2; die "modules_install failed (log: $log)"; }
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
release=$(make -s -C "$src" O="$dir/build" kernelrelease 2>/dev/null)
[[ -d $dir/modules/lib/modules/$release ]] || die "no modules/lib/modules/$release after modules_install"
touch "$dir/ok"
say "kernel $release built in $((SECONDS - start)) s"
echo "$dir"

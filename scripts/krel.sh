#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# krel.sh - prints the kernel release vnitro builds for and boots: the newest one
# with both an image in /boot and headers in /lib/modules/R/build. $VNITRO_KREL overrides.
set -euo pipefail

if [[ -n ${VNITRO_KREL:-} ]]; then
	echo "$VNITRO_KREL"
	exit 0
fi
for img in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
	rel=${img#/boot/vmlinuz-}
	if [[ -d /lib/modules/$rel/build ]]; then
		echo "$rel"
		exit 0
	fi
done
exit 1

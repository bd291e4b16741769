#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-tour.sh - `make run`: boots the VM, runs the tour, then leaves a shell if a terminal is attached.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [[ -t 0 && -t 1 ]]; then
	echo "After the tour you get a shell inside the VM; 'exit' (or Ctrl-D) powers it off."
	exec "$top/qemu/run" --interactive-after -- scripts/tour.sh
fi
exec "$top/qemu/run" -- scripts/tour.sh </dev/null

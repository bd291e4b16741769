#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The instance-type catalogue (Documentation/data/ec2-instance-types.tsv) is consistent, and
# the module's table (kmod/core/control/types_table.h) is what scripts/instance-types.py
# makes of it today: a hand edit of either, or a rule changed without regenerating, fails.
set -u
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/../lib.sh"
tsv=$VNITRO_TOP/Documentation/data/ec2-instance-types.tsv
table=$VNITRO_TOP/kmod/core/control/types_table.h
gen=$VNITRO_TOP/scripts/instance-types.py

check "the catalogue breaks none of --check's rules" python3 "$gen" --check "$tsv"
fresh=$(python3 "$gen" --emit-c "$tsv")
check_eq "types_table.h is --emit-c's output for the catalogue (regenerate it: see its header)" \
	"" "$(diff <(echo "$fresh") "$table" | head -20)"
check_match "it models the ENA and Intel VF types" '^VNITRO_TYPE\("c4.large", .*ixgbevf\)$' "$fresh"
check_eq "  ... and none of the netfront-only families" "" \
	"$(grep -E '^VNITRO_TYPE\("(c1|cc2|cr1|g2|hs1|m1|m2|m3|t1|t2)\.' <<<"$fresh")"
check_eq "  ... every other row of the catalogue" \
	"$(awk -F'\t' 'NR > 1 && $1 !~ /^(c1|cc2|cr1|g2|hs1|m1|m2|m3|t1|t2)\./' "$tsv" | wc -l)" \
	"$(grep -c '^VNITRO_TYPE(' <<<"$fresh")"
# A broken row is caught: a peak below the baseline.
bad=$(mktemp)
awk -F'\t' -v OFS='\t' '$1 == "m5.large" { $16 = 1 } 1' "$tsv" >"$bad"
out=$(python3 "$gen" --check "$bad" 2>&1)
check_eq "--check fails on a row that breaks a rule" 1 "$?"
check_match "  ... and names it" 'm5.large: peak_mbps 1 < baseline_mbps 750' "$out"
rm -f "$bad"
summary

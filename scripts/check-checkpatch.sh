#!/usr/bin/env bash
# scripts/checkpatch.pl --strict on every patch of both series (fixes
# first): 0 errors, 0 warnings, 0 checks, except what
# kernel/checkpatch-exceptions lists (patch file, as a path relative to
# patches/, and message type, each with a reason).  One check per patch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need perl perl
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"

exc=$TOP/kernel/checkpatch-exceptions
for f in $(patch_files); do
	p=${f#"$TOP"/patches/}
	ignore=$(sed -e 's/#.*//' "$exc" | awk -v p="$p" '$1 == p { print $2 }' | paste -sd, -)
	out=$(cd "$SRC" && perl scripts/checkpatch.pl --strict --no-tree --terse --show-types \
		${ignore:+--ignore "$ignore"} "$f" 2>&1) && rc=0 || rc=$?
	summary=$(printf '%s\n' "$out" | tail -n 1)
	if [ $rc = 0 ] && ! printf '%s\n' "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
		record PASS "checkpatch:$p" "${ignore:+ignored: $ignore}"
	else
		printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/  /' >&2
		record FAIL "checkpatch:$p" "$summary"
	fi
done

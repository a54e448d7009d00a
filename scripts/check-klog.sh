#!/usr/bin/env bash
# Scan kernel logs for splats: any BUG, WARNING, oops, KASAN, UBSAN, lockdep,
# "sleeping function called from invalid context", kmemleak or panic report,
# debug-objects report, kmemleak switching itself off (out of memory), or
# lockdep switching itself off, fails the check and is printed.
#
#   scripts/check-klog.sh NAME LOGFILE
set -euo pipefail
. "$(dirname "$0")/lib.sh"
name=$1 log=$2
[ -f "$log" ] || { record FAIL "kernel-log:$name" "no log $log"; exit 0; }
pat='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|KFENCE|circular locking|recursive locking|inconsistent lock state|possible irq lock inversion|suspicious RCU usage|sleeping function called|unreferenced object|Kernel panic|Call Trace|ODEBUG|memory leak detector disabled|turning off the locking correctness validator|Disabling lock debugging'
if grep -qE "$pat" "$log"; then
	grep -nE -A25 "$pat" "$log" | head -n 80 | sed 's/^/  /' >&2
	record FAIL "kernel-log:$name" "$(grep -cE "$pat" "$log") splat lines in $log"
else
	record PASS "kernel-log:$name" "no splat in $(wc -l <"$log") lines"
fi

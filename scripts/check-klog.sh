#!/usr/bin/env bash
# Scan kernel logs for splats: any BUG, WARNING, oops, KASAN, UBSAN, lockdep,
# "sleeping function called from invalid context", kmemleak or panic report,
# debug-objects report, kmemleak switching itself off (out of memory), or
# lockdep switching itself off, fails the check and is printed.
#
# One exception, kept in kernel/known-boot-warnings: a warning that the
# base kernel itself prints while booting (mainline's, not the series'),
# listed there with the logs it applies to, its exact text and the exact
# function names of its call trace, is tolerated in the boot phase of those
# logs only (scripts/klog-known.py cuts it out; the check says so).  Every
# other splat, and that one anywhere else or with any other call chain,
# still fails.
#
#   scripts/check-klog.sh NAME LOGFILE
set -euo pipefail
. "$(dirname "$0")/lib.sh"
name=$1 log=$2
known=$TOP/kernel/known-boot-warnings
[ -f "$log" ] || { record FAIL "kernel-log:$name" "no log $log"; exit 0; }
pat='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|KFENCE|circular locking|recursive locking|inconsistent lock state|possible irq lock inversion|suspicious RCU usage|sleeping function called|unreferenced object|Kernel panic|Call Trace|ODEBUG|memory leak detector disabled|turning off the locking correctness validator|Disabling lock debugging'
scan=$log tolerated=
if grep -qE "$pat" "$log" && [ -f "$known" ]; then
	need python3 python3
	scan=$(mktemp) notes=$(mktemp)
	trap 'rm -f "$scan" "$notes"' EXIT
	python3 "$TOP/scripts/klog-known.py" "$known" "$name" "$log" "$pat" >"$scan" 2>"$notes" ||
		{ cat "$notes" >&2; die "scripts/klog-known.py failed on $known"; }
	sed 's/^/  /' "$notes" >&2
	# "2x uml-smp-secondary-start" for the check's note.
	tolerated=$(sed -n 's/^tolerated \([^ ]*\) .*/\1/p' "$notes" | sort | uniq -c |
		awk '{ printf "%s%dx %s", (NR > 1 ? ", " : ""), $1, $2 }')
fi
note=
[ -z "$tolerated" ] ||
	note="; tolerated the known boot warning $tolerated (mainline UML's, kernel/known-boot-warnings)"
if grep -qE "$pat" "$scan"; then
	grep -nE -A25 "$pat" "$scan" | head -n 80 | sed 's/^/  /' >&2
	record FAIL "kernel-log:$name" "$(grep -cE "$pat" "$scan") splat lines in $log$note"
else
	record PASS "kernel-log:$name" "no splat in $(wc -l <"$log") lines$note"
fi

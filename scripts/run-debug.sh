#!/usr/bin/env bash
# Debug stage: the KUnit suites and the kselftests on a UML kernel with
# KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, UBSAN and kmemleak
# (kernel/uml-debug.config over kernel/uml.config), in build/uml-debug.
# Any splat in either kernel log fails the stage (scripts/check-klog.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export STAGE=debug
rc=0
"$TOP/scripts/run-kunit.sh" || rc=1
if [ -x "$BUILD_DIR/uml-debug/linux" ]; then
	"$TOP/scripts/run-kselftests.sh" || rc=1
fi
"$TOP/scripts/check-klog.sh" kunit-debug "$BUILD_DIR/uml-debug/test.log"
"$TOP/scripts/check-klog.sh" kselftest-debug "$OUT_DIR/kselftest-debug.log"
# Lockdep must still be on when the tests end (selftests/guest-init.sh
# prints debug_locks from /proc/lockdep_stats): a run in which it switched
# itself off checked nothing after that point.
if [ -x "$BUILD_DIR/uml-debug/linux" ]; then
	if tr -d '\r' <"$OUT_DIR/kselftest-debug.log" | grep -qE '^KSFT-UML: LOCKDEP debug_locks: 1$'; then
		record PASS lockdep-on:kselftest-debug "debug_locks: 1 after the tests"
	else
		record FAIL lockdep-on:kselftest-debug \
			"$(tr -d '\r' <"$OUT_DIR/kselftest-debug.log" | grep -E 'KSFT-UML: LOCKDEP' || echo 'no debug_locks line in the log')"
		rc=1
	fi
fi
exit $rc

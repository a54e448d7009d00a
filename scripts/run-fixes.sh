#!/usr/bin/env bash
# Fixes-alone stage: the fixes series without the feature series, as a
# maintainer (or a stable tree) that takes only the fixes gets it.  The UML
# test kernel is built from the fixes branch (its own work tree,
# build/fixes-tree, into build/uml-fixes; both kept between runs, so a
# rerun rebuilds only what the fixes changed) and runs the KUnit suites and
# the sync kselftests the fixes branch has (sync_test, sw_sync_race).  They
# count as their own suites (kunit-fixes, kselftest-fixes), and a splat in
# either kernel log fails (scripts/check-klog.sh).
#
#   scripts/run-fixes.sh     (make fixes)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export STAGE=fixes
rc=0
"$TOP/scripts/run-kunit.sh" || rc=1
if [ -x "$BUILD_DIR/uml-fixes/linux" ]; then
	"$TOP/scripts/run-kselftests.sh" || rc=1
fi
"$TOP/scripts/check-klog.sh" kunit-fixes "$BUILD_DIR/uml-fixes/test.log"
"$TOP/scripts/check-klog.sh" kselftest-fixes "$OUT_DIR/kselftest-fixes.log"
exit $rc

#!/usr/bin/env bash
# Build the UML test kernel from kernel/uml.config with kunit.py and run the
# KUnit suites it holds (the dma-buf suite and the series' own).  The build
# directory is reused, so a rerun after touching one file only rebuilds
# what depends on it.
#
#   scripts/run-kunit.sh [kunit.py filter glob]
#   STAGE=debug scripts/run-kunit.sh     the debug kernel: kernel/uml.config
#                                         plus kernel/uml-debug.config
#   STAGE=fixes scripts/run-kunit.sh     the test kernel of the fixes series
#                                         alone: the fixes branch, from its
#                                         own work tree (build/fixes-tree)
#
# Writes $OUT_DIR/kunit$SUFFIX.json and $OUT_DIR/kunit$SUFFIX.log, SUFFIX
# being "" or "-$STAGE"; builds in $BUILD_DIR/uml$SUFFIX.
#
# Cases marked "speed: slow" are reported as skipped (KUNIT_FILTER= runs
# them too): the slow DRM scheduler cases time job throughput against a
# deadline (drm_sched_scheduler_overhead_tests), which a loaded or debug
# UML kernel misses; nothing the series changes is only covered there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need python3 python3
need make make
need gcc gcc
need flex flex
need bison bison
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
src=$(stage_src)
sfx=${STAGE:+-$STAGE}
cfgs=(--kunitconfig="$TOP/kernel/uml.config")
# A stage's own fragment over the test configuration, when it has one.
[ -n "$sfx" ] && [ -f "$TOP/kernel/uml$sfx.config" ] && cfgs+=(--kunitconfig="$TOP/kernel/uml$sfx.config")
mkdir -p "$OUT_DIR" "$BUILD_DIR/uml$sfx"
log=$OUT_DIR/kunit$sfx.log

say "kunit: building the UML kernel${STAGE:+ ($STAGE)} in $BUILD_DIR/uml$sfx and running KUnit"
rc=0
(cd "$src" && python3 tools/testing/kunit/kunit.py run "${cfgs[@]}" \
	--build_dir="$BUILD_DIR/uml$sfx" --jobs="$JOBS" \
	--timeout="${KUNIT_TIMEOUT:-600}" --kernel_args="$TRACE_EVENTS_ARG" \
	--filter="${KUNIT_FILTER-speed>slow}" --filter_action=skip \
	--json="$OUT_DIR/kunit$sfx.json" ${1:+"$1"}) >"$log" 2>&1 || rc=$?
# kunit.py prints its own per-suite summary: show the end of it.
grep -E '^\[..:..:..\] (Testing complete|Elapsed time|=+ |\[(PASSED|FAILED|SKIPPED|CRASHED)\])' \
	"$log" | sed 's/^/  /' | tail -n 80 >&2 || true
if [ ! -s "$OUT_DIR/kunit$sfx.json" ]; then
	tail -n 40 "$log" >&2
	die "kunit.py produced no results (exit $rc); full log: $log"
fi
say "kunit: done (kunit.py exit $rc)"

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
# Writes $OUT_DIR/kunit$SUFFIX.json, $OUT_DIR/kunit$SUFFIX.log and the
# console $OUT_DIR/kunit$SUFFIX.console.log, SUFFIX
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
# Boot arguments: the trace events, and a multi-CPU stage's CPUs (the
# debug kernel: see uml_cpu_args).
cpu_args=$(uml_cpu_args "${cfgs[@]#--kunitconfig=}")
mkdir -p "$OUT_DIR" "$BUILD_DIR/uml$sfx"

# A multi-CPU kernel (the debug one) boots twice, unless a glob is given:
# the dma-buf suites on all its CPUs, so that their race cases run, then
# the DRM scheduler's suites on one CPU.  On two CPUs the DRM scheduler's
# own test drm_sched_basic_test ("Multiple inter-dependent job queues")
# takes a reference to the previous job's finished fence after submitting
# that job (prev->base.s_fence->finished): when the scheduler has already
# run and freed it on the other CPU, s_fence is NULL and the kernel dies
# (seen on this machine, KASAN kernel under load); a race in that test, not
# in dma-buf, and on one CPU it cannot happen.  Each boot has its results
# (kunit$SUFFIX.json, kunit$SUFFIX-1cpu.json) and its console log
# ($OUT_DIR/kunit$SUFFIX.console.log, ...-1cpu.console.log).
# The dma-buf boot runs the cases marked slow too: what the speed filter
# is for (the DRM scheduler's throughput deadlines) does not apply there
# (KUNIT_SMP_FILTER sets a filter for that boot).
runs=("$sfx|${1-}|$cpu_args|${KUNIT_FILTER-speed>slow}")
if [ -n "$cpu_args" ] && [ -z "${1-}" ]; then
	runs=("$sfx|${KUNIT_SMP_GLOB:-dma-buf*}|$cpu_args|${KUNIT_SMP_FILTER-}"
		"$sfx-1cpu|${KUNIT_1CPU_GLOB:-drm_sched*}||${KUNIT_FILTER-speed>slow}")
fi
rc=0 cmd=run
for r in "${runs[@]}"; do
	IFS='|' read -r name glob cpus filter <<<"$r"
	log=$OUT_DIR/kunit$name.log
	kargs=(--kernel_args="$TRACE_EVENTS_ARG")
	for a in $cpus; do
		kargs+=(--kernel_args="$a")
	done
	if [ $cmd = run ]; then
		say "kunit: building the UML kernel${STAGE:+ ($STAGE)} in $BUILD_DIR/uml$sfx and running KUnit${glob:+ $glob}${cpus:+ ($cpus)}"
		opts=("${cfgs[@]}" --jobs="$JOBS")
	else
		say "kunit: booting it again for ${glob:-all suites}${cpus:+ ($cpus)}${cpus:- (one CPU)}"
		opts=()
	fi
	rm -f "$OUT_DIR/kunit$name.json"
	(cd "$src" && python3 tools/testing/kunit/kunit.py $cmd "${opts[@]}" \
		--build_dir="$BUILD_DIR/uml$sfx" \
		--timeout="${KUNIT_TIMEOUT:-600}" "${kargs[@]}" \
		${filter:+--filter="$filter" --filter_action=skip} \
		--json="$OUT_DIR/kunit$name.json" ${glob:+"$glob"}) >"$log" 2>&1 || rc=$?
	cp "$BUILD_DIR/uml$sfx/test.log" "$OUT_DIR/kunit$name.console.log" 2>/dev/null || true
	# kunit.py prints its own per-suite summary: show the end of it.
	grep -E '^\[..:..:..\] (Testing complete|Elapsed time|=+ |\[(PASSED|FAILED|SKIPPED|CRASHED)\])' \
		"$log" | sed 's/^/  /' | tail -n 80 >&2 || true
	if [ ! -s "$OUT_DIR/kunit$name.json" ]; then
		tail -n 40 "$log" >&2
		die "kunit.py produced no results (exit $rc); full log: $log"
	fi
	cmd="exec"
done
say "kunit: done (kunit.py exit $rc)"

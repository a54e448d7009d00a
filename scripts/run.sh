#!/usr/bin/env bash
# The main job: install what is missing, obtain the base tree, apply the
# series, build the UML test kernel, run the dma-buf KUnit suites and the
# kselftests inside it, and report (summary, TAP and JUnit XML in out/).
#
#   scripts/run.sh           the main job ("make")
#   scripts/run.sh --test    the main job plus the series checks ("make test"):
#                            round-trip export, git am / quilt / b4 am, b4
#                            prep and b4 send on the branches, checkpatch,
#                            kernel-doc, the fixes series alone (its own UML
#                            kernel: KUnit suites and kselftests), the KUnit
#                            suites and kselftests on an
#                            SMP x86_64 kernel under QEMU, the debug UML
#                            stage (with allocation-failure injection), the
#                            kselftests on the LTS kernel (UML 6.1), bisect
#                            builds; ends with the line "N passed, N failed"
#
# Environment: KERNEL_SRC (another tree), OUT_DIR, BUILD_DIR, CACHE_DIR,
# JOBS, KSFT_TARGETS, KCSAN=1 (make test also runs the KCSAN stage),
# BENCH=1 (make test also builds the benchmark's two kernels and does one
# short run of it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

test=0
[ "${1:-}" = --test ] && test=1

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/{checks.txt,kunit*.json,kunit-smp.log,kunit-kcsan.log,kselftest*.tap,kselftest*-times.txt,results.*,summary.txt,counts,timings.txt,races-debug.txt,kcsan-reports.txt}

stage() {
	# stage NAME COMMAND...: run one stage, time it, keep going on failure
	# (the report counts what it left behind).
	local name=$1 t rc=0
	shift
	t=$(date +%s)
	say "== stage $name"
	"$@" || rc=$?
	printf '%-14s %4ds  exit %d\n' "$name" $(($(date +%s) - t)) $rc >>"$OUT_DIR/timings.txt"
	say "== stage $name: $(($(date +%s) - t))s, exit $rc"
	return 0
}

"$TOP/scripts/deps.sh"
# Without a tree nothing else can run: stop here with apply's message.
t=$(date +%s)
"$TOP/scripts/apply.sh"
printf '%-14s %4ds  exit 0\n' apply $(($(date +%s) - t)) >>"$OUT_DIR/timings.txt"
say "base: $(kgit log -1 --format='%h %s' "$(base_rev)"); fixes: $(kgit rev-list --count "$(base_rev)..$FIXES_BRANCH") patches; feature: $(kgit rev-list --count "$FIXES_BRANCH..$SERIES_BRANCH") patches"

if [ $test = 1 ]; then
	stage export-check sh -c '"$0"/scripts/check-export.sh && "$0"/scripts/lib-record.sh PASS export-roundtrip || "$0"/scripts/lib-record.sh FAIL export-roundtrip' "$TOP"
	stage apply-check "$TOP/scripts/check-apply.sh"
	stage b4-check "$TOP/scripts/check-b4.sh"
	stage checkpatch "$TOP/scripts/check-checkpatch.sh"
	stage kernel-doc "$TOP/scripts/check-kerneldoc.sh"
	stage fixes-alone "$TOP/scripts/run-fixes.sh"
fi
stage kunit "$TOP/scripts/run-kunit.sh"
stage kselftest "$TOP/scripts/run-kselftests.sh"
stage kernel-log sh -c '"$0"/scripts/check-klog.sh kunit "$1"/uml/test.log; "$0"/scripts/check-klog.sh kselftest "$2"/kselftest.log' "$TOP" "$BUILD_DIR" "$OUT_DIR"
if [ $test = 1 ]; then
	stage smp "$TOP/scripts/run-smp.sh"
	stage smp-log sh -c '"$0"/scripts/check-klog.sh kunit-smp "$1"/kunit-smp.log; "$0"/scripts/check-klog.sh kselftest-smp "$1"/kselftest-smp.log' "$TOP" "$OUT_DIR"
	stage debug "$TOP/scripts/run-debug.sh"
	stage lts "$TOP/scripts/run-lts.sh"
	# KCSAN=1: the KCSAN stage too (make kcsan; about as long as the SMP
	# stage, so not by default: see README, "KCSAN").
	[ "${KCSAN:-0}" = 0 ] || stage kcsan "$TOP/scripts/run-kcsan.sh"
	# BENCH=1: one short benchmark run too (its two kernels take about 12
	# minutes to build; the numbers are make bench's).
	[ "${BENCH:-0}" = 0 ] || stage bench sh -c '"$0"/bench/run.py --quick >"$1"/bench-quick.txt 2>&1 &&
		"$0"/scripts/lib-record.sh PASS bench-quick-run "builds and completes; numbers: make bench" ||
		{ tail -n 20 "$1"/bench-quick.txt; "$0"/scripts/lib-record.sh FAIL bench-quick-run "see $1/bench-quick.txt"; }' "$TOP" "$OUT_DIR"
	stage bisect "$TOP/scripts/check-bisect.sh"
	stage drivers "$TOP/scripts/check-drivers.sh"
fi

say "== summary (base $(kgit log -1 --format=%s "$(base_rev)"))"
sed 's/^/  /' "$OUT_DIR/timings.txt" >&2
rc=0
expect="kunit kselftest"
[ $test = 1 ] && expect="kunit kselftest kunit-fixes kselftest-fixes kunit-smp kselftest-smp kunit-debug kunit-debug-1cpu kselftest-debug kselftest-lts checks"
[ $test = 1 ] && [ "${KCSAN:-0}" != 0 ] && expect="$expect kunit-kcsan kselftest-kcsan"
REPORT_EXPECT=$expect python3 "$TOP/scripts/report.py" "$OUT_DIR" || rc=$?
say "reports: $OUT_DIR/results.tap $OUT_DIR/results.xml $OUT_DIR/summary.txt"
if [ $test = 1 ]; then
	read -r p f _ <"$OUT_DIR/counts"
	echo "$p passed, $f failed"
fi
exit $rc

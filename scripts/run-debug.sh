#!/usr/bin/env bash
# Debug stage: the KUnit suites and the kselftests on a UML kernel with
# KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, UBSAN and kmemleak
# (kernel/uml-debug.config over kernel/uml.config), in build/uml-debug,
# booted with 2 CPUs (ncpus=2 seccomp=on, from CONFIG_SMP and
# CONFIG_NR_CPUS: uml_cpu_args in lib.sh), so that the race tests run in
# parallel under the sanitizers.  The DRM scheduler's suites boot the same
# kernel on one CPU (scripts/run-kunit.sh says why).
# Any splat in a kernel log fails the stage (scripts/check-klog.sh; the one
# known boot warning of UML's SMP start-up: kernel/known-boot-warnings).
#
# Writes, besides the logs, $OUT_DIR/races-debug.txt: what each race test
# printed about how often its two sides overlapped, and records the check
# races-ran:debug (2 CPUs came up, and every race test ran and printed its
# count, the counts in its note).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export STAGE=debug
# Mainline's sync_test is left out here: on this kernel it runs only on
# one CPU (scripts/run-kselftests.sh says why), where it took 260 s of
# make test's hour; the UML, fixes, SMP and LTS kernels run it.
export KSFT_EXCLUDE=${KSFT_EXCLUDE-sync:sync_test}
rc=0
# The 1-CPU boots' results exist only when this run makes them.
rm -f "$OUT_DIR"/kunit-debug-1cpu.* "$OUT_DIR"/kselftest-debug-1cpu.*
"$TOP/scripts/run-kunit.sh" || rc=1
if [ -x "$BUILD_DIR/uml-debug/linux" ]; then
	"$TOP/scripts/run-kselftests.sh" || rc=1
fi
for k in kunit-debug kunit-debug-1cpu; do
	[ ! -f "$OUT_DIR/$k.json" ] || "$TOP/scripts/check-klog.sh" "$k" "$OUT_DIR/$k.console.log"
done
# The kselftests boot twice when KSFT_1CPU names a test that is not left
# out: the others on 2 CPUs, those on one (scripts/run-kselftests.sh).
for k in kselftest-debug kselftest-debug-1cpu; do
	[ $k = kselftest-debug ] || [ -f "$OUT_DIR/$k.log" ] || continue
	"$TOP/scripts/check-klog.sh" $k "$OUT_DIR/$k.log"
	# Lockdep must still be on when the tests end (selftests/guest-init.sh
	# prints debug_locks from /proc/lockdep_stats): a run in which it
	# switched itself off checked nothing after that point.
	if tr -d '\r' <"$OUT_DIR/$k.log" | grep -qE '^KSFT-UML: LOCKDEP debug_locks: 1$'; then
		record PASS "lockdep-on:$k" "debug_locks: 1 after the tests"
	else
		record FAIL "lockdep-on:$k" \
			"$(tr -d '\r' <"$OUT_DIR/$k.log" 2>/dev/null | grep -E 'KSFT-UML: LOCKDEP' || echo 'no debug_locks line in the log')"
		rc=1
	fi
done

# The race tests: did they run on 2 CPUs, and how often did they overlap?
# Each prints one count line when it ran (KUnit: kunit_info or pr_info;
# kselftests: TH_LOG), and skips without it on one CPU.
races=$OUT_DIR/races-debug.txt
kcon=$OUT_DIR/kunit-debug.console.log
klog=$OUT_DIR/kselftest-debug.log
kunit_races="test_race_signal_callback test_cb_remove_race"
ksft_races="sw_sync_race.c:close_vs_inc sw_sync_lifecycle.c:teardown_with_live_fences sw_sync_lifecycle.c:poll_race sw_sync_lifecycle.c:stress_seeded sw_sync_lifecycle.c:random_ioctls"
{
	printf 'CPUs: kunit: %s; kselftest: %s\n' \
		"$(tr -d '\r' <"$kcon" 2>/dev/null | grep -oE 'smp: Brought up [0-9]+ nodes?, [0-9]+ CPUs?' | head -n 1 || echo 'no smp line')" \
		"$(tr -d '\r' <"$klog" 2>/dev/null | grep -oE '^KSFT-UML: kernel .*, [0-9?]+ cpu' | head -n 1 || echo 'no KSFT-UML kernel line')"
	for t in $kunit_races; do
		# "    # test_x: 200 rounds ..." (kunit_info; not a failed
		# expectation), or test_race_signal_callback's per-thread
		# pr_info "thread_signal_callback[0] completed N passes, M misses".
		tr -d '\r' <"$kcon" 2>/dev/null | {
			if [ "$t" = test_race_signal_callback ]; then
				sed -n "s/^.*\(thread_signal_callback\[[0-9]*\] completed .*\)$/$t: \1/p"
			else
				sed -n "s/^ *# $t: \(.*[0-9].*\)$/$t: \1/p" |
					grep -vE 'FAILED|Test should be marked slow' || true
			fi
		}
	done
	for t in $ksft_races; do
		tr -d '\r' <"$klog" 2>/dev/null |
			sed -n "s/^# # ${t%%:*}:[0-9]*:${t#*:}:\(.*\)$/${t%%.c:*}.${t#*:}: \1/p"
	done
} >"$races"
sed 's/^/  races: /' "$races" >&2
missing=
cpus2=0
grep -qE '^CPUs: kunit: smp: Brought up [0-9]+ nodes?, 2 CPUs; kselftest: KSFT-UML: kernel .*, 2 cpu$' "$races" && cpus2=1
for t in $kunit_races sw_sync_race.close_vs_inc; do
	case $t in
	test_race_signal_callback) grep -q "^$t: thread_signal_callback" "$races" ;;
	*) grep -q "^$t: " "$races" ;;
	esac || missing="$missing $t"
done
# The note: the lines with the overlap counts, as the tests printed them
# (races-debug.txt also has the stress cases' other statistics).
note=$(grep -E '^[a-z_.]+: .*(overlapped|in flight|high-water|rounds with both|completed .* passes|closed while)' "$races" |
	awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }')
if [ $cpus2 = 1 ] && [ -z "$missing" ]; then
	record PASS races-ran:debug "2 CPUs; $note"
else
	record FAIL races-ran:debug "$(sed -n 's/^CPUs: //p' "$races")${missing:+; no count line from:$missing}"
	rc=1
fi
exit $rc

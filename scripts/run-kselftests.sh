#!/usr/bin/env bash
# Build the kselftest targets against the series' headers and run them
# inside the UML test kernel (built by scripts/run-kunit.sh), with the host
# root mounted read-only over hostfs and selftests/guest-init.sh as PID 1.
#
#   scripts/run-kselftests.sh [TARGET...]      default: $KSFT_TARGETS or "sync drivers/gpu/vkms"
#   KSFT_ONLY=sync:sw_sync_close scripts/run-kselftests.sh     one test only
#                                 (or several: a comma-separated list)
#
# A kernel built with CONFIG_FAULT_INJECTION also runs selftests/sw_sync_fault.c
# (collection sync-fault).
#
# Writes $OUT_DIR/kselftest$SUFFIX.log (the console) and
# $OUT_DIR/kselftest$SUFFIX.tap; STAGE=debug uses the kernel of
# build/uml-debug and SUFFIX "-debug"; UML_DIR=<O= dir> boots another UML
# kernel (for example STAGE=base UML_DIR=build/bench-base: the base kernel).
# STAGE=fixes builds the selftests from the fixes branch alone (its work
# tree build/fixes-tree, with its own headers-fixes, kselftest-fixes and
# kselftest-install-fixes) and boots build/uml-fixes.
# STAGE=smp boots the x86_64 SMP kernel of build/x86_64-smp (made by
# scripts/run-smp.sh; STAGE=kcsan: build/x86_64-kcsan) under QEMU instead:
# $SMP_CPUS CPUs (4), multi-threaded TCG (a KVM guest hangs on these
# machines), the host root shared read-only over virtio-9p, so the same
# init script and binaries run there.  STAGE=debug boots its UML kernel
# with 2 CPUs (uml_cpu_args in lib.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need make make
need gcc gcc

targets=${*:-${KSFT_TARGETS:-sync drivers/gpu/vkms}}
sfx=${STAGE:+-$STAGE}
case ${STAGE:-} in smp | kcsan) qemu=1 ;; *) qemu=0 ;; esac
if [ $qemu = 1 ]; then
	need qemu-system-x86_64 qemu-system-x86
	uml=$BUILD_DIR/x86_64-$STAGE
	[ -f "$uml/arch/x86/boot/bzImage" ] ||
		die "no SMP kernel at $uml/arch/x86/boot/bzImage: run scripts/run-smp.sh first"
else
	uml=${UML_DIR:-$BUILD_DIR/uml$sfx}
	[ -x "$uml/linux" ] || die "no UML kernel at $uml/linux: run scripts/run-kunit.sh first"
fi
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
src=$(stage_src)
# The headers and the selftests are built from the stage's source tree:
# a stage with a tree of its own (fixes) has its own directories for them.
osfx=
[ "$src" = "$SRC" ] || osfx=$sfx
hdr=$BUILD_DIR/headers$osfx
inst=$BUILD_DIR/kselftest-install$osfx
mkdir -p "$OUT_DIR"

say "kselftest: installing the uapi headers of ${src#"$TOP"/}"
make -s -C "$src" O="$hdr" headers_install >"$OUT_DIR/headers$osfx.log" 2>&1 ||
	{ cat "$OUT_DIR/headers$osfx.log" >&2; die "headers_install failed"; }

say "kselftest: building targets: $targets"
rm -rf "$inst"
if ! make -s -C "$src/tools/testing/selftests" O="$BUILD_DIR/kselftest$osfx" \
	TARGETS="$targets" KHDR_INCLUDES="-isystem $hdr/usr/include" \
	INSTALL_PATH="$inst" install >"$OUT_DIR/kselftest-build$osfx.log" 2>&1; then
	tail -n 30 "$OUT_DIR/kselftest-build$osfx.log" >&2
	die "building kselftests ($targets) failed; full log: $OUT_DIR/kselftest-build$osfx.log"
fi

# Kernels with fault injection (the debug stage) also run the harness's
# allocation-failure test, as one more collection of the same run.
if grep -q '^CONFIG_FAULT_INJECTION=y' "$uml/.config" 2>/dev/null; then
	say "kselftest: adding sync-fault:sw_sync_fault (the kernel has fault injection)"
	mkdir -p "$inst/sync-fault"
	gcc -O2 -Wall -Werror -isystem "$hdr/usr/include" \
		-I "$src/tools/testing/selftests/sync" \
		-o "$inst/sync-fault/sw_sync_fault" "$TOP/selftests/sw_sync_fault.c" ||
		die "building selftests/sw_sync_fault.c failed"
	echo sync-fault:sw_sync_fault >>"$inst/kselftest-list.txt"
fi

# KSFT_EXCLUDE: tests left out of this run (COLLECTION:TEST, separated by
# commas or spaces); the debug stage leaves out mainline's sync_test.
if [ -n "${KSFT_EXCLUDE:-}" ]; then
	excl=${KSFT_EXCLUDE//[, ]/$'\n'}
	grep -vxF -f <(printf '%s\n' "$excl") "$inst/kselftest-list.txt" >"$inst/kselftest-list.txt.new" || true
	mv "$inst/kselftest-list.txt.new" "$inst/kselftest-list.txt"
	say "kselftest: left out: ${KSFT_EXCLUDE}"
fi

# A multi-CPU UML kernel (the debug one) boots with its CPUs, and boots
# twice unless KSFT_ONLY names the tests: every test on its CPUs but those
# of KSFT_1CPU (default sync:sync_test), which then run on one CPU, as
# kselftest$SUFFIX-1cpu.  Mainline's sync_test ping-pongs 2 x 65536 fence
# waits between two threads (test_stress_two_threads_shared_timeline): on
# the 2-CPU UML debug kernel each wake-up crosses CPUs through a host
# signal and the program timed out after 900 s on this 2-core machine,
# where on one CPU it takes minutes.  Its stress cases run on the 4-CPU
# SMP kernel (STAGE=smp).
cpu_args=
[ $qemu = 1 ] || cpu_args=$(uml_cpu_args "$uml/.config")
boots=("$sfx|${KSFT_ONLY:-}|$cpu_args")
if [ -n "$cpu_args" ] && [ -z "${KSFT_ONLY:-}" ]; then
	one1=${KSFT_1CPU-sync:sync_test}
	one1=${one1//[, ]/$'\n'}
	one=$(grep -xF -f <(printf '%s\n' "$one1") "$inst/kselftest-list.txt" | paste -sd, - || true)
	many=$(grep -vxF -f <(printf '%s\n' "$one1") "$inst/kselftest-list.txt" | paste -sd, - || true)
	boots=("$sfx|$many|$cpu_args")
	[ -z "$one" ] || boots+=("$sfx-1cpu|$one|")
fi
# The runner's default is 45 s per test program.  Mainline's sync_test
# takes longer than that on UML, and under multi-threaded TCG on a loaded
# 2-core host also on the SMP kernel (a 45 s TIMEOUT was seen), so every
# kernel here gives the runner a longer per-program timeout: 300 s on the
# SMP kernel, 900 s on UML.  A program that times out is a failure in the
# report (scripts/report.py), also after cases that passed.
if [ $qemu = 1 ]; then
	KSFT_TIMEOUT=${KSFT_TIMEOUT:-300}
else
	KSFT_TIMEOUT=${KSFT_TIMEOUT:-900}
fi
for b in "${boots[@]}"; do
	IFS='|' read -r name only cpus <<<"$b"
	log=$OUT_DIR/kselftest$name.log
	init_env=(init="$TOP/selftests/guest-init.sh" KSFT_DIR="$inst"
		${KSFT_TIMEOUT:+KSFT_TIMEOUT="$KSFT_TIMEOUT"} ${only:+KSFT_ONLY="$only"} kunit.enable=0)
	if [ $qemu = 1 ]; then
		ncpu=${SMP_CPUS:-4}
		say "kselftest: booting the SMP kernel under QEMU (-smp $ncpu, TCG; host root over 9p, read-only)"
		timeout "${KSFT_BOOT_TIMEOUT:-1800}" qemu-system-x86_64 -nodefaults -nographic \
			-accel tcg,thread=multi -cpu max -smp "$ncpu" -m 1024 \
			-kernel "$uml/arch/x86/boot/bzImage" \
			-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
			-append "$TRACE_EVENTS_ARG console=ttyS0 root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L ro panic=-1 ${init_env[*]} KSFT_HALT=reboot" \
			-serial stdio -no-reboot </dev/null >"$log" 2>&1 || true
	else
		read -ra cpu_arg <<<"$cpus"
		say "kselftest: booting UML (hostfs root, read-only; ${cpus:-one CPU})${only:+ for $only}"
		timeout "${KSFT_BOOT_TIMEOUT:-1800}" "$uml/linux" mem=512M "${cpu_arg[@]}" "$TRACE_EVENTS_ARG" rootfstype=hostfs rootflags=/ ro \
			"${init_env[@]}" con=null con0=fd:0,fd:1 </dev/null >"$log" 2>&1 || true
	fi
	tr -d '\r' <"$log" | sed -n '/^KSFT-UML: BEGIN/,/^KSFT-UML: END/p' | sed '1d;$d' >"$OUT_DIR/kselftest$name.tap"
	grep -q '^KSFT-UML: END' "$log" ||
		{ tail -n 40 "$log" >&2; die "the test kernel did not finish the kselftests (see $log)"; }
	grep -q '^1\.\.[0-9]' "$OUT_DIR/kselftest$name.tap" ||
		{ tail -n 40 "$log" >&2; die "the kselftest run printed no TAP plan (see $log)"; }
	# Each program's wall time on this kernel (selftests/guest-init.sh).  The
	# series' own programs (the sync collection but mainline's sync_test, and
	# drivers/gpu/vkms) must
	# fit the runner's default 45 s on every kernel, the slowest included: the
	# longer timeout given above is for sync_test.
	times=$OUT_DIR/kselftest$name-times.txt
	tr -d '\r' <"$log" | sed -n 's/^KSFT-UML: TIME //p' >"$times"
	while read -r prog ms; do
		say "kselftest: $prog took $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s"
		case $prog in
		sync:sync_test) ;;
		sync:* | drivers/gpu/vkms:*)
			if [ "$ms" -le 45000 ]; then
				record PASS "runner-timeout${name}:$prog" "$((ms / 1000)) s of the runner's default 45 s"
			else
				record FAIL "runner-timeout${name}:$prog" "$((ms / 1000)) s: over the runner's default 45 s"
			fi ;;
		esac
	done <"$times"
	# The kernel was booted with $TRACE_EVENTS_ARG: every dma_fence and
	# sync_trace event must be on (guest-init.sh counts them in tracefs), or
	# the tracepoints' callers did not run what the README says they do.
	# The LTS kernel (scripts/run-lts.sh) is there for the selftests' sake
	# and is built without event tracing: no check there.
	if [ "${STAGE:-}" != lts ]; then
		tname=${name#-}
		ev=$(tr -d '\r' <"$log" | sed -n 's/^KSFT-UML: TRACE-EVENTS //p')
		if [ "$(printf '%s\n' "$ev" | grep -cE '^(dma_fence|sync_trace) ([1-9][0-9]*) of \2 enabled$')" = 2 ]; then
			record PASS "trace-events:${tname:-uml}" "$(printf '%s\n' "$ev" | paste -sd, - | sed 's/,/, /g')"
		else
			record FAIL "trace-events:${tname:-uml}" "booted with $TRACE_EVENTS_ARG, but: $(printf '%s\n' "${ev:-no TRACE-EVENTS line}" | paste -sd, - | sed 's/,/, /g') (CONFIG_EVENT_TRACING in $uml/.config?)"
		fi
	fi
	say "kselftest: done; TAP in $OUT_DIR/kselftest$name.tap"
done

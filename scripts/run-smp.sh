#!/usr/bin/env bash
# SMP stage: the KUnit suites in an x86_64 kernel with CONFIG_SMP, booted
# under QEMU with 4 CPUs and multi-threaded TCG, so that the race tests run
# truly in parallel (UML has one CPU: they skip there).
#
# kunit.py configures and builds the kernel, but its QEMU command line puts
# "-accel kvm" first: on these machines /dev/kvm exists and a KVM guest
# hangs right after the BIOS, so QEMU is started here with TCG forced, and
# kunit.py only parses the output.
#
# Then the kselftests in the same kernel (scripts/run-kselftests.sh with
# STAGE=smp: the host root over virtio-9p), so that the stress, poll and
# randomized ioctl cases run on 4 CPUs too.
#
# Writes $OUT_DIR/kunit-smp.{json,log} and $OUT_DIR/kselftest-smp.{tap,log}.
#
# STAGE=kcsan scripts/run-smp.sh (make kcsan) does the same with the
# data-race detector: kernel/x86_64-kcsan.config over x86_64-smp.config,
# in build/x86_64-kcsan, writing kunit-kcsan.* and kselftest-kcsan.*; its
# logs are checked like the others (a KCSAN report is a "BUG:" line).
# It is not part of make test unless KCSAN=1 (see README, "KCSAN").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need python3 python3
need qemu-system-x86_64 qemu-system-x86
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
export STAGE=${STAGE:-smp}
cfgs=(--kunitconfig="$TOP/kernel/x86_64-smp.config")
case $STAGE in
smp) ;;
kcsan) cfgs+=(--kunitconfig="$TOP/kernel/x86_64-kcsan.config") ;;
*) die "STAGE=$STAGE: run-smp.sh knows smp and kcsan" ;;
esac
obj=$BUILD_DIR/x86_64-$STAGE
mkdir -p "$OUT_DIR" "$obj"
cpus=${SMP_CPUS:-4}

say "$STAGE: configuring and building the x86_64 SMP kernel in $obj"
kunit() { (cd "$SRC" && python3 tools/testing/kunit/kunit.py "$@"); }
# "build" configures too; given without --kunitconfig it would fall back
# to kunit.py's default (all tests) configuration.
if ! kunit build --arch=x86_64 "${cfgs[@]}" \
	--build_dir="$obj" --jobs="$JOBS" >"$OUT_DIR/$STAGE-build.log" 2>&1; then
	tail -n 30 "$OUT_DIR/$STAGE-build.log" >&2
	die "building the x86_64 SMP kernel ($STAGE) failed; log: $OUT_DIR/$STAGE-build.log"
fi
grep -q '^CONFIG_SMP=y' "$obj/.config" || die "CONFIG_SMP is off in $obj/.config"
[ "$STAGE" != kcsan ] || grep -q '^CONFIG_KCSAN=y' "$obj/.config" ||
	die "CONFIG_KCSAN is off in $obj/.config (it needs gcc 11 or newer and no KASAN)"

say "$STAGE: booting it under QEMU (-smp $cpus, TCG multi-threaded; KVM not used)"
timeout "${SMP_TIMEOUT:-900}" qemu-system-x86_64 -nodefaults -nographic \
	-accel tcg,thread=multi -cpu max -smp "$cpus" -m 1024 \
	-kernel "$obj/arch/x86/boot/bzImage" \
	-append "kunit.enable=1 kunit.filter_glob=dma-buf* console=ttyS0 kunit_shutdown=reboot $TRACE_EVENTS_ARG" \
	-serial stdio -no-reboot </dev/null >"$OUT_DIR/kunit-$STAGE.log" 2>&1 || true
kunit parse --json="$OUT_DIR/kunit-$STAGE.json" <"$OUT_DIR/kunit-$STAGE.log" \
	>"$OUT_DIR/kunit-$STAGE.parsed" 2>&1 || true
grep -E 'Testing complete|CRASHED|FAILED' "$OUT_DIR/kunit-$STAGE.parsed" | sed 's/^/  /' >&2 || true
[ -s "$OUT_DIR/kunit-$STAGE.json" ] ||
	{ tail -n 30 "$OUT_DIR/kunit-$STAGE.log" >&2; die "no KUnit results from the SMP kernel ($STAGE)"; }
say "$STAGE: done"

"$TOP/scripts/run-kselftests.sh"

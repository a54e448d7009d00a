#!/usr/bin/env bash
# Build the kselftest targets against the series' headers and run them
# inside the UML test kernel (built by scripts/run-kunit.sh), with the host
# root mounted read-only over hostfs and selftests/uml-init.sh as PID 1.
#
#   scripts/run-kselftests.sh [TARGET...]      default: $KSFT_TARGETS or "sync"
#   KSFT_ONLY=sync:sw_sync_signal scripts/run-kselftests.sh    one test only
#
# Writes $OUT_DIR/kselftest$SUFFIX.log (the console) and
# $OUT_DIR/kselftest$SUFFIX.tap; STAGE=debug uses the kernel of
# build/uml-debug and SUFFIX "-debug"; UML_DIR=<O= dir> boots another UML
# kernel (for example STAGE=base UML_DIR=build/bench-base: the base kernel).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need make make
need gcc gcc

targets=${*:-${KSFT_TARGETS:-sync}}
sfx=${STAGE:+-$STAGE}
uml=${UML_DIR:-$BUILD_DIR/uml$sfx}
[ -x "$uml/linux" ] || die "no UML kernel at $uml/linux: run scripts/run-kunit.sh first"
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
mkdir -p "$OUT_DIR"

say "kselftest: installing the series' uapi headers"
make -s -C "$SRC" O="$BUILD_DIR/headers" headers_install >"$OUT_DIR/headers.log" 2>&1 ||
	{ cat "$OUT_DIR/headers.log" >&2; die "headers_install failed"; }

inst=$BUILD_DIR/kselftest-install
say "kselftest: building targets: $targets"
rm -rf "$inst"
if ! make -s -C "$SRC/tools/testing/selftests" O="$BUILD_DIR/kselftest" \
	TARGETS="$targets" KHDR_INCLUDES="-isystem $BUILD_DIR/headers/usr/include" \
	INSTALL_PATH="$inst" install >"$OUT_DIR/kselftest-build.log" 2>&1; then
	tail -n 30 "$OUT_DIR/kselftest-build.log" >&2
	die "building kselftests ($targets) failed; full log: $OUT_DIR/kselftest-build.log"
fi

say "kselftest: booting UML (hostfs root, read-only) to run them"
log=$OUT_DIR/kselftest$sfx.log
timeout "${KSFT_BOOT_TIMEOUT:-1800}" "$uml/linux" mem=512M rootfstype=hostfs rootflags=/ ro \
	init="$TOP/selftests/uml-init.sh" KSFT_DIR="$inst" \
	KSFT_TIMEOUT="${KSFT_TIMEOUT:-900}" ${KSFT_ONLY:+KSFT_ONLY="$KSFT_ONLY"} kunit.enable=0 \
	con=null con0=fd:0,fd:1 </dev/null >"$log" 2>&1 || true
tr -d '\r' <"$log" | sed -n '/^KSFT-UML: BEGIN/,/^KSFT-UML: END/p' | sed '1d;$d' >"$OUT_DIR/kselftest$sfx.tap"
grep -q '^KSFT-UML: END' "$log" ||
	{ tail -n 40 "$log" >&2; die "the UML kernel did not finish the kselftests (see $log)"; }
grep -q '^1\.\.[0-9]' "$OUT_DIR/kselftest$sfx.tap" ||
	{ tail -n 40 "$log" >&2; die "the kselftest run printed no TAP plan (see $log)"; }
say "kselftest: done; TAP in $OUT_DIR/kselftest$sfx.tap"

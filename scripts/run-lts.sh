#!/usr/bin/env bash
# LTS stage: the series' sync kselftests, built from the patched tree
# (kernel/src, its uapi headers), run in a UML kernel of the oldest LTS
# line Debian ships (LTS_LINE in kernel/base.conf: 6.1), as the stable
# test rings run mainline's kselftests on stable kernels.  On a kernel that
# lacks what a case tests, the case must skip with its reason, never fail.
#
#   scripts/run-lts.sh                  (make lts)
#   LTS_SRC=/path/to/linux scripts/run-lts.sh
#                                       another LTS tree (plain source)
#
# The tree is LTS_PACKAGE from LTS_SUITES (scripts/fetch-base.sh --lts,
# unpacked once into .cache/lts/), built as it is (no git, no patches) with
# O=build/uml-lts from kernel/uml-lts.config plus the patched tree's
# tools/testing/selftests/sync/config, the other options at their
# defaults (make olddefconfig, as kunit.py configures).  The selftests run
# through scripts/run-kselftests.sh (STAGE=lts): $OUT_DIR/kselftest-lts.tap
# (suite kselftest-lts in the report), kselftest-lts.log (the console) and
# kselftest-lts-times.txt (each program's wall time); a splat in the log fails
# (scripts/check-klog.sh, kernel-log:kselftest-lts).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export STAGE=lts
need make make
need gcc gcc
need flex flex
need bison bison
need bc bc
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"

if [ -n "${LTS_SRC:-}" ]; then
	lts=$LTS_SRC
	version="$(make -s -C "$lts" kernelversion 2>/dev/null || echo unknown) (LTS_SRC)"
else
	d=$("$TOP/scripts/fetch-base.sh" --lts)
	lts=$d/tree
	version=$(cat "$d/VERSION")
fi
is_kernel_tree "$lts" || die "$lts is not a kernel tree (no Makefile, Kconfig or drivers/dma-buf)"
[ ! -f "$lts/.config" ] ||
	die "$lts has a .config (an in-tree build): O= builds refuse such a tree; make mrproper there first"

obj=$BUILD_DIR/uml-lts
mkdir -p "$obj" "$OUT_DIR"
frags=("$TOP/kernel/uml-lts.config" "$SRC/tools/testing/selftests/sync/config")
for f in "${frags[@]}"; do
	[ -f "$f" ] || die "no config fragment $f"
done

# Configure only when the fragments or the tree changed, so that a rerun
# keeps .config as it is and make rebuilds nothing.
want=$(printf 'tree: %s\n' "$version"; cat "${frags[@]}")
if [ ! -f "$obj/.config" ] || [ "$want" != "$(cat "$obj/lts-config.stamp" 2>/dev/null)" ]; then
	say "lts: configuring UML $version in $obj"
	cat "${frags[@]}" >"$obj/.config"
	make -s -C "$lts" ARCH=um O="$obj" olddefconfig >"$OUT_DIR/lts-config.log" 2>&1 ||
		{ cat "$OUT_DIR/lts-config.log" >&2; die "make ARCH=um olddefconfig failed in $lts"; }
	printf '%s\n' "$want" >"$obj/lts-config.stamp"
fi
# Every option asked for must be in, as asked: one that Kconfig dropped
# has an unmet dependency in this tree.
missing=$(grep -h '^CONFIG_' "${frags[@]}" | sort -u |
	while read -r o; do grep -qxF "$o" "$obj/.config" || echo "$o"; done)
[ -z "$missing" ] ||
	die "not in $obj/.config: $(echo "$missing" | paste -sd' ' -) (an unmet dependency in $version: make -C $lts ARCH=um O=$obj menuconfig, then / and the option, shows it)"

say "lts: building UML $version in $obj"
t=$(date +%s)
if ! make -C "$lts" ARCH=um O="$obj" -j"$JOBS" linux >"$OUT_DIR/lts-build.log" 2>&1; then
	grep -E 'error|Error' "$OUT_DIR/lts-build.log" | head -n 20 >&2
	die "building UML $version failed with $(gcc -dumpfullversion 2>/dev/null || echo gcc); log: $OUT_DIR/lts-build.log"
fi
say "lts: built in $(($(date +%s) - t))s"

rc=0
UML_DIR=$obj "$TOP/scripts/run-kselftests.sh" || rc=1
"$TOP/scripts/check-klog.sh" kselftest-lts "$OUT_DIR/kselftest-lts.log"
exit $rc

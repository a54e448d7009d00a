#!/usr/bin/env bash
# Bisectability: every prefix of the series builds.  Each patch is checked
# out in the check tree and built incrementally with the UML test config
# (the configuration of build/uml), in its own O= directory that later runs
# reuse.  One check per patch.  The whole kernel is built and linked as the
# test kernels are (no W=1: W=1 runs kernel-doc on every file compiled,
# which made this stage the slowest one), and drivers/dma-buf is also built
# with W=1 in a second O= directory; a warning in drivers/dma-buf, from
# either build, fails the patch that brings it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need make make
need gcc gcc
cfg=$BUILD_DIR/uml/.config
[ -f "$cfg" ] || die "no $cfg: run scripts/run-kunit.sh first"
base=$(base_rev)
mapfile -t commits < <(kgit rev-list --reverse "$base..$SERIES_BRANCH")
wt=$(check_tree)
obj=$BUILD_DIR/bisect
wobj=$BUILD_DIR/bisect-w1
mkdir -p "$obj" "$wobj"
cp "$cfg" "$obj/.config"
cp "$cfg" "$wobj/.config"
# Compiler and kernel-doc diagnostics about drivers/dma-buf; nothing else in
# the logs counts.
diag='drivers/dma-buf/[^: ]+:[0-9]+(:[0-9]+)?: (warning|error)|[Ww]arning: [^ ]*drivers/dma-buf/[^: ]+:[0-9]+'
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	name=$(printf '%04d-%s' "$i" "$(kgit log -1 --format=%f "$c" | cut -c1-52)")
	git -C "$wt" checkout -q -f --detach "$c"
	say "bisect: building $name"
	log=$OUT_DIR/bisect-$i.log
	: >"$log"
	# olddefconfig for the first commit and for one that touches a Kconfig
	# file; otherwise the configuration cannot change (7s per tree saved).
	ok=true
	changed=$(kgit diff --name-only "$c^" "$c")
	if [ "$i" -eq 1 ] || [[ $changed == *Kconfig* ]]; then
		make -s -C "$wt" O="$obj" ARCH=um olddefconfig >>"$log" 2>&1 &&
			make -s -C "$wt" O="$wobj" ARCH=um olddefconfig >>"$log" 2>&1 ||
			ok=false
	fi
	if $ok &&
		make -s -C "$wt" O="$obj" ARCH=um -j"$JOBS" >>"$log" 2>&1 &&
		make -s -C "$wt" O="$wobj" ARCH=um -j"$JOBS" W=1 drivers/dma-buf/ >>"$log" 2>&1 &&
		! grep -E "$diag" "$log" >/dev/null; then
		record PASS "bisect-build:$name"
	else
		grep -E "$diag|Error [0-9]" "$log" | head -n 20 | sed 's/^/  /' >&2 || tail -n 20 "$log" >&2
		record FAIL "bisect-build:$name" "see $log"
	fi
done

#!/usr/bin/env bash
# Bisectability: every prefix of the series builds: every commit of the
# fixes series, then every commit of the feature series on top of them
# (base..$SERIES_BRANCH, which holds the fixes).  Each patch is checked
# out in the check tree and built incrementally with the UML test config
# (the configuration of build/uml), in its own O= directory that later runs
# reuse.  One check per patch.  The whole kernel is built and linked as the
# test kernels are (no W=1: W=1 runs kernel-doc on every file compiled,
# which made this stage the slowest one), and drivers/dma-buf is also built
# with W=1 and sparse (C=1: the files the patch makes recompile) in a
# second O= directory; a compiler or kernel-doc warning in drivers/dma-buf,
# from either build, fails the patch that brings it, and so does a sparse
# warning that the base does not give (the base's are collected first with
# C=2, and compared by file and message, without line numbers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need make make
need gcc gcc
cfg=$BUILD_DIR/uml/.config
[ -f "$cfg" ] || die "no $cfg: run scripts/run-kunit.sh first"
base=$(base_rev)
# Every commit of both series, fixes first ("COMMIT NAME", NAME as the
# patch file's: fixes/0001-..., then 0001-...).
check_stacked
mapfile -t commits < <(series_commits)
wt=$(check_tree)
obj=$BUILD_DIR/bisect
wobj=$BUILD_DIR/bisect-w1
mkdir -p "$obj" "$wobj" "$OUT_DIR"
cp "$cfg" "$obj/.config"
cp "$cfg" "$wobj/.config"
# Compiler and kernel-doc diagnostics about drivers/dma-buf; nothing else in
# the logs counts.
diag='drivers/dma-buf/[^: ]+:[0-9]+(:[0-9]+)?: (warning|error)|[Ww]arning: [^ ]*drivers/dma-buf/[^: ]+:[0-9]+'
# sparse's lines are "file:line:col: warning: ..." like gcc's, but gcc
# names the option ("[-Wfoo]") and kernel-doc gives no column.
is_sparse='^drivers/dma-buf/[^: ]+:[0-9]+:[0-9]+: (warning|error): '
sparse_warnings() { grep -E "$is_sparse" "$1" | grep -vF '[-W' |
	sed -E 's/:[0-9]+:[0-9]+:/:/' | sort -u || true; }
other_warnings() { grep -E "$diag" "$1" | { grep -vE "$is_sparse" || true; }
	grep -E "$is_sparse" "$1" | grep -F '[-W' || true; }
# The kernel refuses a sparse that cannot parse what it uses
# (scripts/checker-valid.sh; 7.3 needs __typeof_unqual__, which sparse
# 0.6.4, the newest release and what Debian ships, does not know): then
# the sparse part is reported as skipped, never as passed.
git -C "$wt" checkout -q -f --detach "$base"
: >"$OUT_DIR/bisect-sparse-base.txt"
if [ "$("$wt/scripts/checker-valid.sh" sparse -D__linux__ 2>/dev/null)" = 1 ]; then
	C=1
	say "bisect: sparse warnings of the base in drivers/dma-buf (C=2)"
	slog=$OUT_DIR/bisect-sparse-base.log
	make -s -C "$wt" O="$wobj" ARCH=um olddefconfig >"$slog" 2>&1
	make -s -C "$wt" O="$wobj" ARCH=um -j"$JOBS" W=1 drivers/dma-buf/ >>"$slog" 2>&1 || true
	: >"$slog"
	make -s -C "$wt" O="$wobj" ARCH=um -j"$JOBS" C=2 drivers/dma-buf/ >>"$slog" 2>&1 || true
	sparse_warnings "$slog" >"$OUT_DIR/bisect-sparse-base.txt"
	nbase=$(wc -l <"$OUT_DIR/bisect-sparse-base.txt")
else
	C=0
	record SKIP sparse:drivers/dma-buf "$(sparse --version 2>&1 | head -n 1) is refused by this kernel's scripts/checker-valid.sh (no __typeof_unqual__); builds run without C=1"
fi
i=0
for entry in "${commits[@]}"; do
	c=${entry%% *} name=${entry#* }
	i=$((i + 1))
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
	slog=$OUT_DIR/bisect-$i-sparse.log
	if $ok &&
		make -s -C "$wt" O="$obj" ARCH=um -j"$JOBS" >>"$log" 2>&1 &&
		make -s -C "$wt" O="$wobj" ARCH=um -j"$JOBS" W=1 C=$C drivers/dma-buf/ >"$slog" 2>&1 &&
		cat "$slog" >>"$log" &&
		[ -z "$(other_warnings "$log")" ] &&
		! sparse_warnings "$slog" | grep -vxFf "$OUT_DIR/bisect-sparse-base.txt" >/dev/null; then
		record PASS "bisect-build:$name"
	else
		sparse_warnings "$slog" | grep -vxFf "$OUT_DIR/bisect-sparse-base.txt" | sed 's/^/  new sparse: /' >&2 || true
		{ other_warnings "$log"; grep -E 'Error [0-9]' "$log"; } | head -n 20 | sed 's/^/  /' >&2 || tail -n 20 "$log" >&2
		record FAIL "bisect-build:$name" "see $log"
	fi
done
# The whole directory at the end of the series, against the base.
if [ "$C" = 1 ]; then
	say "bisect: sparse warnings of the series in drivers/dma-buf (C=2)"
	slog=$OUT_DIR/bisect-sparse-series.log
	make -s -C "$wt" O="$wobj" ARCH=um -j"$JOBS" C=2 drivers/dma-buf/ >"$slog" 2>&1 || true
	sparse_warnings "$slog" >"$OUT_DIR/bisect-sparse-series.txt"
	nser=$(wc -l <"$OUT_DIR/bisect-sparse-series.txt")
	new=$(grep -cvxFf "$OUT_DIR/bisect-sparse-base.txt" "$OUT_DIR/bisect-sparse-series.txt" || true)
	if [ "$new" -eq 0 ]; then
		record PASS sparse:drivers/dma-buf "base $nbase warnings, series $nser, none new"
	else
		grep -vxFf "$OUT_DIR/bisect-sparse-base.txt" "$OUT_DIR/bisect-sparse-series.txt" | sed 's/^/  /' >&2
		record FAIL sparse:drivers/dma-buf "base $nbase warnings, series $nser, $new new"
	fi
fi

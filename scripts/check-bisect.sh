#!/usr/bin/env bash
# Bisectability: every prefix of the series builds: every commit of the
# fixes series, then every commit of the feature series on top of them
# (base..$SERIES_BRANCH, which holds the fixes).  Each patch is checked
# out in the check tree and built incrementally with the UML test config
# (the configuration of build/uml), in its own O= directory that later runs
# reuse.  The whole kernel is built and linked as the test kernels are (no
# W=1: W=1 runs kernel-doc on every file compiled, which made this stage
# the slowest one), and drivers/dma-buf is also built with W=1 in a second
# O= directory; a compiler or kernel-doc warning in drivers/dma-buf, from
# either build, fails the patch that brings it (check bisect-build:PATCH).
#
# sparse (check bisect-sparse:PATCH): the sparse of scripts/fetch-sparse.sh
# (sid's, built from source: Debian 12's is too old for 7.3) runs on
# drivers/dma-buf at the base (C=2), then on what each patch makes
# recompile there (C=1 in the W=1 build) and on the C files outside it that
# the patch changes and the test kernel builds (C=2 on those objects, at
# the parent and at the patch).  Each patch's diagnostics are compared
# with what the same files gave at its parent, by file and message (no
# line numbers): a new one fails the patch; the detail gives both counts.
# sparse:drivers/dma-buf compares the whole directory at the end of the
# series with the base.  Only when no sparse can be fetched and built is
# sparse reported as skipped.
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
# the logs counts.  Paths are absolute under O= (the check tree's).
diag='drivers/dma-buf/[^: ]+:[0-9]+(:[0-9]+)?: (warning|error)|[Ww]arning: [^ ]*drivers/dma-buf/[^: ]+:[0-9]+'
other_warnings() { grep -E "$diag" "$1" || true; }

# sparse.  The makes that run it print their commands (no -s) with their
# output grouped per target (-Otarget), so that each sparse diagnostic
# follows the "CHECK file" line of the file whose check gave it (it may
# name a header).  sparse_split LOG KEEP OUT: the log without sparse's
# lines on stdout; in OUT, "FILE<TAB>" for each file checked whose path
# matches the regex KEEP and "FILE<TAB>DIAG" for each diagnostic of its
# check, DIAG being "path:line: warning: message" (no column; a
# multi-line message joined with " | ").  gcc's lines name their option
# ("[-Wfoo]"), kernel-doc's have no column: they stay in the log.
sparse_split() {
	awk -v top="$wt/" -v keep="$2" -v out="$3" '
	function flush() { if (cur != "") print f "\t" cur >out; cur = "" }
	function rel(p) { if (index(p, top) == 1) p = substr(p, length(top) + 1); sub(/^\.\//, "", p); return p }
	/^  CHECK   / { flush(); f = $2; if (f !~ keep) f = ""; else print f "\t" >out; next }
	/^  [A-Z0-9_]+ / { flush(); f = ""; print; next }
	f != "" && /^[^: ]+:[0-9]+:[0-9]+: (warning|error): / && !/\[-W/ {
		flush()
		m = $0; p = m; sub(/:[0-9]+:[0-9]+: .*/, "", p)
		l = substr(m, length(p) + 2); sub(/:.*/, "", l)
		sub(/^[^: ]+:[0-9]+:[0-9]+: /, "", m)
		cur = rel(p) ":" l ": " m
		next
	}
	f != "" && cur != "" && /^[^: ]+:[0-9]+:[0-9]+:    / { m = $0; sub(/^[^: ]+:[0-9]+:[0-9]+: +/, "", m); cur = cur " | " m; next }
	{ flush(); print }
	END { flush(); close(out) }' "$1"
	touch "$3"
}
# sparse_of FILES STATE: the diagnostics that the checks of FILES (one per
# line) gave, from a sparse_split output or the state: one line per place
# (a macro may report one three times), then without the line number,
# sorted, so that a message that a patch adds in a second place counts
# as new, and one that moves does not.
sparse_of() {
	awk -F '\t' 'FILENAME == ARGV[1] { f[$0] = 1; next } ($1 in f) && $2 != ""' "$1" "$2" | cut -f2- |
		sort -u | sed -E 's/^([^: ]+):[0-9]+: /\1: /' | sort
}
checked_in() { cut -f1 "$1" | sort -u; }
# The sparse state: the diagnostics of every file's last check (drivers/
# dma-buf at the base, then what each patch made recompile, and the files
# outside it that patches touch), which are the parent's for the next
# patch: a file that did not recompile gives what it gave before.
state=$OUT_DIR/bisect-sparse-state.txt
# state_update NEW: the files checked in NEW replace their lines.
state_update() {
	awk -F '\t' 'FILENAME == ARGV[1] { f[$1] = 1; next } !($1 in f)' "$1" "$state" >"$state.tmp"
	cat "$1" >>"$state.tmp"
	mv "$state.tmp" "$state"
}
# dmabuf_diags: what the state has for the files of drivers/dma-buf.
dmabuf_diags() { awk -F '\t' '$1 ~ /^drivers\/dma-buf\// { print $1 }' "$state" | sort -u >"$state.files"; sparse_of "$state.files" "$state"; }
# outside_objs COMMIT: the objects of the C files outside drivers/dma-buf
# (and tools/) that COMMIT changes and the test configuration builds (the
# object is in build/bisect), for the sparse check of the file itself.
outside_objs() {
	local f
	kgit diff --name-only --diff-filter=d "$1^" "$1" -- '*.c' ':!drivers/dma-buf/' ':!tools/' |
		while read -r f; do
			[ ! -f "$obj/${f%.c}.o" ] || echo "${f%.c}.o"
		done
}
# sparse_objs OUT OBJ...: sparse (C=2) on those objects of build/bisect,
# as they are in the check tree now; the diagnostics in OUT.
sparse_objs() {
	local out=$1
	shift
	: >"$out"
	[ "$#" -gt 0 ] || return 0
	make -C "$wt" O="$obj" ARCH=um -j"$JOBS" -Otarget C=2 CHECK="$sparse" "$@" >"$out.log" 2>&1 || true
	# Those files only (C=2 also checks scripts/mod/empty.c).
	sparse_split "$out.log" "^($(printf '%s\n' "$@" | sed 's/\.o$/.c/; s/[.]/[.]/g' | paste -sd'|'))\$" "$out" >/dev/null
}

# The kernel refuses a sparse that cannot parse what it uses
# (scripts/checker-valid.sh; 7.3 needs __typeof_unqual__, which Debian 12's
# sparse 0.6.4 does not know): scripts/fetch-sparse.sh builds sid's.  If
# that fails here, the sparse part is reported as skipped, never as passed.
git -C "$wt" checkout -q -f --detach "$base"
rm -f "$OUT_DIR"/bisect-*-sparse.* "$OUT_DIR"/bisect-*-sparse-* "$OUT_DIR"/bisect-sparse-*
if sparse=$("$TOP/scripts/fetch-sparse.sh" 2>"$OUT_DIR/bisect-sparse-fetch.log"); then
	C=1
	say "bisect: sparse warnings of the base in drivers/dma-buf (W=1 C=2, $sparse)"
	slog=$OUT_DIR/bisect-sparse-base.log
	make -s -C "$wt" O="$wobj" ARCH=um olddefconfig >"$slog" 2>&1
	make -C "$wt" O="$wobj" ARCH=um -j"$JOBS" -Otarget W=1 C=2 CHECK="$sparse" drivers/dma-buf/ >>"$slog" 2>&1 || true
	sparse_split "$slog" '^drivers/dma-buf/' "$state" >/dev/null
	dmabuf_diags >"$OUT_DIR/bisect-sparse-base.txt"
	nbase=$(wc -l <"$OUT_DIR/bisect-sparse-base.txt")
	say "bisect: base: $(checked_in "$state" | wc -l) files checked, $nbase sparse warnings"
	# The whole kernel at the base too, so that each patch's parent is
	# built when the files it touches outside drivers/dma-buf are checked.
	say "bisect: building the base"
	if ! make -s -C "$wt" O="$obj" ARCH=um olddefconfig >"$OUT_DIR/bisect-0.log" 2>&1 ||
		! make -s -C "$wt" O="$obj" ARCH=um -j"$JOBS" >>"$OUT_DIR/bisect-0.log" 2>&1; then
		tail -n 20 "$OUT_DIR/bisect-0.log" >&2
		die "the base does not build (see $OUT_DIR/bisect-0.log)"
	fi
else
	C=0
	sed 's/^/  /' "$OUT_DIR/bisect-sparse-fetch.log" >&2
	record SKIP sparse:drivers/dma-buf "no sparse that this kernel accepts: scripts/fetch-sparse.sh failed ($(grep -m1 'error:' "$OUT_DIR/bisect-sparse-fetch.log" | sed 's/^\[[0-9:]*\] error: //'))"
fi
chk=()
[ "$C" = 0 ] || chk=(CHECK="$sparse")
i=0
for entry in "${commits[@]}"; do
	c=${entry%% *} name=${entry#* }
	i=$((i + 1))
	sp=$OUT_DIR/bisect-$i-sparse
	# The parent's sparse diagnostics of the C files outside drivers/dma-buf
	# that the patch changes: the check tree and build/bisect are at the
	# parent now.
	if [ "$C" = 1 ]; then
		mapfile -t objs < <(outside_objs "$c")
		sparse_objs "$sp-parent.txt" "${objs[@]}"
		state_update "$sp-parent.txt"
	fi
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
	# drivers/dma-buf with W=1, and sparse on what recompiles (C=1).
	if $ok &&
		make -s -C "$wt" O="$obj" ARCH=um -j"$JOBS" >>"$log" 2>&1 &&
		make -C "$wt" O="$wobj" ARCH=um -j"$JOBS" -Otarget W=1 C=$C "${chk[@]}" drivers/dma-buf/ >"$sp.log" 2>&1; then
		:
	else
		ok=false
	fi
	sparse_split "$sp.log" '^drivers/dma-buf/' "$sp.txt" >>"$log"
	if $ok && [ -z "$(other_warnings "$log")" ]; then
		record PASS "bisect-build:$name"
	else
		{ other_warnings "$log"; grep -E 'Error [0-9]' "$log"; } | head -n 20 | sed 's/^/  /' >&2 || tail -n 20 "$log" >&2
		record FAIL "bisect-build:$name" "see $log"
	fi
	[ "$C" = 1 ] || continue
	# The patch's own: the files outside drivers/dma-buf again, then every
	# file checked at the patch against what the same files gave at the
	# parent (the state), by file and message.
	mapfile -t objs < <(outside_objs "$c")
	sparse_objs "$sp-outside.txt" "${objs[@]}"
	cat "$sp-outside.txt" >>"$sp.txt"
	sort -u <(checked_in "$sp.txt") <(checked_in "$sp-parent.txt") >"$sp.files"
	sparse_of "$sp.files" "$state" >"$sp.parent"
	sparse_of "$sp.files" "$sp.txt" >"$sp.patched"
	comm -13 "$sp.parent" "$sp.patched" >"$sp.new"
	state_update "$sp.txt"
	detail="$(wc -l <"$sp.files") files checked: parent $(wc -l <"$sp.parent") warnings, patch $(wc -l <"$sp.patched")"
	if [ -s "$sp.new" ]; then
		sed 's/^/  new sparse: /' "$sp.new" >&2
		record FAIL "bisect-sparse:$name" "$detail, $(wc -l <"$sp.new") new: $sp.new"
	else
		record PASS "bisect-sparse:$name" "$detail, none new"
	fi
done
# The whole directory at the end of the series, against the base.
if [ "$C" = 1 ]; then
	dmabuf_diags >"$OUT_DIR/bisect-sparse-series.txt"
	nser=$(wc -l <"$OUT_DIR/bisect-sparse-series.txt")
	new=$(comm -13 "$OUT_DIR/bisect-sparse-base.txt" "$OUT_DIR/bisect-sparse-series.txt" | wc -l)
	if [ "$new" -eq 0 ]; then
		record PASS sparse:drivers/dma-buf "base $nbase warnings, series $nser, none new"
	else
		comm -13 "$OUT_DIR/bisect-sparse-base.txt" "$OUT_DIR/bisect-sparse-series.txt" | sed 's/^/  /' >&2
		record FAIL sparse:drivers/dma-buf "base $nbase warnings, series $nser, $new new"
	fi
fi

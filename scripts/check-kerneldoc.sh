#!/usr/bin/env bash
# scripts/kernel-doc -Wall -none on every C source and header that a series
# touches, as they are at the tip of its branch: the fixes' files at the
# fixes branch (checks kernel-doc-fixes:FILE), and every file of both
# series at the feature branch (kernel-doc:FILE).  No new warning allowed:
# a warning that the base already gives for a file the series modifies
# (same text, line numbers aside) is mainline's: it is shown, not counted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need python3 python3
base=$(base_rev)
check_stacked
wt=$(check_tree)
# The warnings of one file, without line numbers, one per line.
kdoc() { (cd "$wt" && ./scripts/kernel-doc -Wall -none "$1" 2>&1) | sed -E 's/:[0-9]+ / /' | sort || true; }
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	check=kernel-doc
	[ "$s" = feature ] || check=kernel-doc-$s
	mapfile -t files < <(kgit diff --name-only --diff-filter=AM "$base" "$branch" -- '*.c' '*.h' |
		grep -v '^tools/' || true)
	git -C "$wt" checkout -q -f --detach "$branch"
	if [ "${#files[@]}" = 0 ]; then
		record PASS "$check" "no kernel C file touched"
		continue
	fi
	for f in "${files[@]}"; do
		out=$(kdoc "$f")
		old=
		if [ -n "$out" ] && kgit cat-file -e "$base:$f" 2>/dev/null; then
			git -C "$wt" checkout -q -f --detach "$base"
			old=$(kdoc "$f")
			git -C "$wt" checkout -q -f --detach "$branch"
		fi
		new=$(comm -23 <(printf '%s\n' "$out") <(printf '%s\n' "$old") | grep . || true)
		if [ -z "$new" ]; then
			record PASS "$check:$f" "${out:+$(printf '%s\n' "$out" | wc -l) warning(s) that the base has too}"
		else
			printf '%s\n' "$new" | sed 's/^/  /' >&2
			record FAIL "$check:$f" "$(printf '%s\n' "$new" | wc -l) new warning(s)"
		fi
	done
done

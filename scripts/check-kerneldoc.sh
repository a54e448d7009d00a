#!/usr/bin/env bash
# scripts/kernel-doc -Wall -none on every C source and header the series
# touches (as they are at the tip of the branch): no new warning allowed.
# A warning that the base already gives for a file the series modifies
# (same text, line numbers aside) is mainline's: it is shown, not counted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need python3 python3
base=$(base_rev)
mapfile -t files < <(kgit diff --name-only --diff-filter=AM "$base" "$SERIES_BRANCH" -- '*.c' '*.h' |
	grep -v '^tools/' || true)
wt=$(check_tree)
git -C "$wt" checkout -q -f --detach "$SERIES_BRANCH"
if [ "${#files[@]}" = 0 ]; then
	record PASS kernel-doc "no kernel C file touched"
	exit 0
fi
# The warnings of one file, without line numbers, one per line.
kdoc() { (cd "$wt" && ./scripts/kernel-doc -Wall -none "$1" 2>&1) | sed -E 's/:[0-9]+ / /' | sort || true; }
for f in "${files[@]}"; do
	out=$(kdoc "$f")
	old=
	if [ -n "$out" ] && kgit cat-file -e "$base:$f" 2>/dev/null; then
		git -C "$wt" checkout -q -f --detach "$base"
		old=$(kdoc "$f")
		git -C "$wt" checkout -q -f --detach "$SERIES_BRANCH"
	fi
	new=$(comm -23 <(printf '%s\n' "$out") <(printf '%s\n' "$old") | grep . || true)
	if [ -z "$new" ]; then
		record PASS "kernel-doc:$f" "${out:+$(printf '%s\n' "$out" | wc -l) warning(s) that the base has too}"
	else
		printf '%s\n' "$new" | sed 's/^/  /' >&2
		record FAIL "kernel-doc:$f" "$(printf '%s\n' "$new" | wc -l) new warning(s)"
	fi
done

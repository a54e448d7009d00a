#!/usr/bin/env bash
# scripts/kernel-doc -Wall -none on every C source and header the series
# touches (as they are at the tip of the branch): no warning allowed.
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
for f in "${files[@]}"; do
	out=$(cd "$wt" && ./scripts/kernel-doc -Wall -none "$f" 2>&1) || true
	if [ -z "$out" ]; then
		record PASS "kernel-doc:$f"
	else
		printf '%s\n' "$out" | sed 's/^/  /' >&2
		record FAIL "kernel-doc:$f" "$(printf '%s\n' "$out" | wc -l) warnings"
	fi
done

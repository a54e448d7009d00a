#!/usr/bin/env bash
# git range-diff of the previous revision of the series against this one.
#
#   scripts/range-diff.sh          (make range-diff)
#
# The previous revision is patches/v$((SERIES_REVISION - 1))/, the patches
# as they were posted (its fixes/ first, when it has one: v2 was one
# series).  It is applied once onto the base with git am and tagged
# series-v2 (series-vN) in kernel/src.  This revision is both series,
# patches/fixes/ then patches/, applied the same way (ref
# refs/series/applied), not taken from the branches, so that the commits
# are those a reader gets with b4 am or git am of the postings (the
# per-patch notes below "---" are not part of them);
# scripts/check-apply.sh checks that b4 am gives the same range-diff.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
[ "${SERIES_REVISION:-1}" -gt 1 ] || die "SERIES_REVISION in kernel/base.conf is 1: there is no previous revision"
prev=v$((SERIES_REVISION - 1))
prevdir=$TOP/patches/$prev
[ -f "$prevdir/series" ] || die "no $prev series at patches/$prev/series"

if ! kgit rev-parse -q --verify "refs/tags/series-$prev^{commit}" >/dev/null; then
	wt=$(check_tree)
	[ ! -f "$prevdir/fixes/series" ] || am_series "$wt" "$prevdir/fixes/series" "$prevdir/fixes"
	am_series "$wt" "$prevdir/series" "$prevdir"
	kgit tag "series-$prev" "$(git -C "$wt" rev-parse HEAD)"
	say "range-diff: tagged $prev as series-$prev ($(kgit rev-parse --short "series-$prev"))"
fi
wt=$(check_tree)
for s in $SERIES_NAMES; do
	am_series "$wt" "$(series_file "$s")" "$(series_dir "$s")"
done
kgit update-ref refs/series/applied "$(git -C "$wt" rev-parse HEAD)"
range_diff "series-$prev" refs/series/applied

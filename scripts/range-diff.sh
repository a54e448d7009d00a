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
#
# It also tags the previous revision for b4 (sent/BRANCH-vN, split into the
# two series: lib.sh, b4_sent_tags), so that b4 prep --compare-to vN works
# on each branch; scripts/check-b4.sh says how that range-diff differs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
prevtag=$(ensure_prev_tag)
# The tags b4 prep --compare-to looks for (sent/BRANCH-vN), on the same
# commits.
b4_sent_tags
wt=$(check_tree)
for s in $SERIES_NAMES; do
	am_series "$wt" "$(series_file "$s")" "$(series_dir "$s")"
done
kgit update-ref refs/series/applied "$(git -C "$wt" rev-parse HEAD)"
range_diff "$prevtag" refs/series/applied

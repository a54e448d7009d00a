#!/usr/bin/env bash
# Make both series branches of kernel/src b4 prep branches, or bring their
# b4 prep state up to date after the commits, cover-letter*.txt or
# kernel/base.conf changed (scripts/apply.sh and scripts/export.sh run it):
# the cover letter (the branch description, from cover-letter*.txt, with
# To/Cc from get_maintainer.pl), b4's tracking data (change-id, revision,
# base), each branch's cover letter template (base-commit:, change-id:,
# prerequisites), and the sent/BRANCH-vN tags of the previous revision for
# b4 prep --compare-to.  See b4_prep_sync in lib.sh and README, "Sending".
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need perl perl
need python3 python3
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
# (The identity plays no part here: b4 send takes the sender's own.)
EXPORT_IDENTITY=project resolve_identity
b4_prep_sync
for b in "$FIXES_BRANCH" "$SERIES_BRANCH"; do
	say "b4: $b is a b4 prep branch: v$(kgit config --get "branch.$b.b4-tracking" |
		python3 -c 'import json, sys; t = json.load(sys.stdin)["series"]; print(t["revision"], "change-id", t["change-id"])')"
done

#!/usr/bin/env bash
# Re-sign both series branches of kernel/src as the sender, in place, so
# that b4 send (which sends the commits as they are) sends them as the
# sender's own:
#
#   scripts/resign.sh                            (make resign)
#   EXPORT_IDENTITY=project scripts/resign.sh    back to the project identity
#
# The sender is git's user.name/user.email, or b4's sendemail identity
# (resolve_identity in lib.sh).  Every commit authored by the project
# identity or by that one gets it as its author, and their Signed-off-by:
# lines become one of it; other authors and trailers, the dates, the trees
# and the notes below "---" are kept.  The branches stay stacked, and
# scripts/apply.sh does the same to the branches it makes.  The export is
# not affected (it re-signs as the exporter anyway, and check-export as the
# project), and neither are the b4 prep state and its To/Cc.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
check_stacked
resolve_identity
resign_branches
if [ "$RESIGNED" = 1 ]; then
	say "resign: $FIXES_BRANCH and $SERIES_BRANCH signed off as $ID_NAME <$ID_EMAIL> ($ID_SOURCE)"
else
	say "resign: $FIXES_BRANCH and $SERIES_BRANCH are signed off as $ID_NAME <$ID_EMAIL> already ($ID_SOURCE)"
fi
note=$(signer_note)
[ -z "$note" ] || while IFS= read -r l; do say "resign: $l"; done <<<"$note"
"$TOP/scripts/b4-prep.sh"

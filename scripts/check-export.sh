#!/usr/bin/env bash
# Round-trip check: exporting the series branch again must give exactly
# what patches/ and series hold, byte for byte.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" --output "$tmp" 2>/dev/null
rc=0
diff -u "$TOP/series" "$tmp/series" || rc=1
for f in "$TOP"/patches/*.patch "$tmp"/*.patch; do
	b=$(basename "$f")
	cmp -s "$TOP/patches/$b" "$tmp/$b" || { echo "differs: patches/$b"; rc=1; }
done
[ $rc = 0 ] || die "patches/ is not what the branch exports: run scripts/export.sh"
echo "patches/ is byte-identical to the export of $SERIES_BRANCH"

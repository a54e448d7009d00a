#!/usr/bin/env bash
# Round-trip check: exporting the two series branches again must give
# exactly what patches/fixes/ (with patches/fixes/series) and patches/
# (with series) hold, byte for byte.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" --output "$tmp" 2>/dev/null
rc=0
diff -u "$TOP/series" "$tmp/series" || rc=1
diff -u "$TOP/patches/fixes/series" "$tmp/fixes/series" || rc=1
for s in $SERIES_NAMES; do
	p=$(series_prefix "$s")
	for b in $( (cd "$TOP/patches" && ls -1 "$p"*.patch; cd "$tmp" && ls -1 "$p"*.patch) 2>/dev/null | sort -u); do
		cmp -s "$TOP/patches/$b" "$tmp/$b" || { echo "differs: patches/$b"; rc=1; }
	done
done
[ $rc = 0 ] || die "patches/ and patches/fixes/ are not what the branches export: run scripts/export.sh"
echo "patches/fixes/ and patches/ are byte-identical to the export of $FIXES_BRANCH and $SERIES_BRANCH"

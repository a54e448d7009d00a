#!/usr/bin/env bash
# Round-trip check: exporting the two series branches again, in the project
# identity (EXPORT_IDENTITY=project: patches/ are the repository's copy,
# whoever's branches they are), must give exactly what patches/fixes/ (with
# patches/fixes/series) and patches/ (with series) hold, byte for byte.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
EXPORT_IDENTITY=project "$TOP/scripts/export.sh" --output "$tmp" 2>/dev/null
rc=0
diff -u "$TOP/series" "$tmp/series" || rc=1
diff -u "$TOP/patches/fixes/series" "$tmp/fixes/series" || rc=1
for s in $SERIES_NAMES; do
	p=$(series_prefix "$s")
	for b in $( (cd "$TOP/patches" && ls -1 "$p"*.patch; cd "$tmp" && ls -1 "$p"*.patch) 2>/dev/null | sort -u); do
		cmp -s "$TOP/patches/$b" "$tmp/$b" || { echo "differs: patches/$b"; rc=1; }
	done
done
if [ $rc != 0 ]; then
	# Exported with someone's own identity (make export without
	# EXPORT_IDENTITY=project), but otherwise what the branches give?
	if grep -qs '^From: ' "$TOP/patches/0000-cover-letter.patch" &&
		! grep -qxF "From: $PROJECT_NAME <$PROJECT_EMAIL>" "$TOP/patches/0000-cover-letter.patch"; then
		die "patches/ are not in the project identity ($(grep -m1 '^From: ' "$TOP/patches/0000-cover-letter.patch")): the repository's copy is made with EXPORT_IDENTITY=project scripts/export.sh"
	fi
	die "patches/ and patches/fixes/ are not what the branches export: run EXPORT_IDENTITY=project scripts/export.sh"
fi
echo "patches/fixes/ and patches/ are byte-identical to the export of $FIXES_BRANCH and $SERIES_BRANCH (in the project identity)"

#!/usr/bin/env bash
# Export the two series branches of kernel/src (git format-patch, each with
# a cover letter) and regenerate their quilt series files:
#   fixes    base..$FIXES_BRANCH           -> patches/fixes/, patches/fixes/series
#            (cover letter from cover-letter-fixes.txt)
#   feature  $FIXES_BRANCH..$SERIES_BRANCH -> patches/, series
#            (cover letter from cover-letter.txt)
#
#   scripts/export.sh [--output DIR]     DIR/fixes/ and DIR/ instead
#
# Both cover letters say base-commit: series-base and change-id: (the
# series' b4 change-id, kernel/base.conf); the feature one also names the
# fixes as its prerequisite, as b4 does: prerequisite-change-id: and one
# prerequisite-patch-id: line per fixes patch (git format-patch --base),
# and @FIXES@ in cover-letter.txt becomes the subject of the fixes series'
# cover letter.
#
# Identity: the patches are signed off and sent (From:, the cover letter's
# From:, the series' Signed-off-by: lines) as whoever exports them: git's
# user.name/user.email, or b4's sendemail identity (see resolve_identity in
# lib.sh), and as the project identity where none is configured.  patches/
# in the repository are in the project identity:
#
#   EXPORT_IDENTITY=project scripts/export.sh      what is committed
#
# (scripts/check-export.sh compares with that).  kernel/src is not changed:
# the re-signed commits are made in a scratch repository.  Exporting to
# patches/ (no --output) also brings the branches' b4 prep state up to
# date (b4_prep_sync).
#
# The output depends only on the commits (author, date, message, diff),
# the base and the identity: commit ids are zeroed, a cover letter's date is
# its last patch's author date, and there is no git version signature.  So
# exporting the same branches twice gives byte-identical files, which the
# round-trip check (scripts/check-export.sh) relies on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need perl perl

root=$TOP/patches
feature_series=$TOP/series
output=
if [ "${1:-}" = --output ]; then
	output=$2
	root=$2
	feature_series=$2/series
fi
base=$(base_rev)
check_stacked
for s in $SERIES_NAMES; do
	f=$(series_cover "$s")
	[ -f "$f" ] || die "no ${f#"$TOP"/}"
	[ "$(kgit rev-list --count "$(series_below "$s")..$(series_branch "$s")")" -gt 0 ] ||
		die "branch $(series_branch "$s") has no commits above $(series_below "$s")"
done

# Debian's top-level .gitignore ignores everything ("/*"), so a new file
# that was not added with "git add -f" is silently left out of the series.
lost=$(kgit ls-files --others --ignored --exclude-standard -- \
	$(kgit diff --name-only "$base" "$SERIES_BRANCH" | xargs -r -n1 dirname | sort -u) |
	grep -vE '(^|/)(\.|.*\.o$|.*\.cmd$)' || true)
[ -z "$lost" ] || die "files in kernel/src that are not in git (add them with git add -f): $lost"

resolve_identity
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The series as they are exported: re-signed as the sender (resign_series),
# in a scratch repository that borrows kernel/src's objects, which is left
# as it is.
repo=$tmp/repo
git init -q --bare "$repo"
echo "$(kgit rev-parse --path-format=absolute --git-common-dir)/objects" >"$repo/objects/info/alternates"
tips=$(resign_series "$repo")
git --git-dir="$repo" update-ref "refs/heads/$FIXES_BRANCH" "${tips% *}"
git --git-dir="$repo" update-ref "refs/heads/$SERIES_BRANCH" "${tips#* }"

# export_series NAME: format-patch one series into $tmp/NAME.
export_series() {
	local s=$1 hdr addr rcpt to=() cc=() f patches
	series_format_patch "$repo" "$s" "$tmp/$s.pass1"
	# To/Cc as scripts/get_maintainer.pl gives them for the patches of this
	# series (series_recipients).
	mapfile -t patches < <(patch_files_in "$tmp/$s.pass1")
	rcpt=$(series_recipients "$s" "${patches[@]}")
	while read -r hdr addr; do
		case $hdr in
		To:) to+=("--to=$addr") ;;
		Cc:) cc+=("--cc=$addr") ;;
		esac
	done <<<"$rcpt"
	series_format_patch "$repo" "$s" "$tmp/$s" "${to[@]}" "${cc[@]}"
	# The base's exact version, and the prerequisite series by its subject,
	# for the reader of the cover letter; b4's change-id: lines.
	cover_fill "$tmp/$s/0000-cover-letter.patch"
	cover_add_change_ids "$s" "$tmp/$s/0000-cover-letter.patch"

	# A commit message may end with per-revision notes after a "---" line
	# (as with b4 prep); format-patch then prints a second "---" before the
	# diffstat.  Make that one a blank line, so the notes sit below the one
	# "---" that git am cuts at (scripts/apply.sh puts them back).
	for f in "$tmp/$s"/[0-9][0-9][0-9][0-9]-*.patch; do
		case $f in */0000-cover-letter.patch) continue ;; esac
		awk '/^diff --git / { body = 1 }
			!body && /^---$/ && seps++ == 1 { print ""; next }
			{ print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
	done
}

for s in $SERIES_NAMES; do
	export_series "$s"
	p=$(series_prefix "$s")
	d=$root${p:+/${p%/}}
	mkdir -p "$d"
	rm -f "$d"/[0-9][0-9][0-9][0-9]-*.patch
	cp "$tmp/$s"/*.patch "$d/"
	sf=$feature_series
	[ -z "$p" ] || sf=$d/series
	list=$(cd "$tmp/$s" && ls -1 [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter')
	{
		echo "# quilt series: the patches of the series in order (made by scripts/export.sh)"
		printf '%s\n' "$list"
	} >"$sf"
	say "export: $s: $(printf '%s\n' "$list" | wc -l) patches and the cover letter in ${d#"$TOP"/}"
done
say "export: signed off and sent as $ID_NAME <$ID_EMAIL>, $ID_SOURCE"
# Writing patches/: the b4 prep state of the branches follows.
[ -n "$output" ] || "$TOP/scripts/b4-prep.sh"

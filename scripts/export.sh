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
# Both cover letters say base-commit: series-base; the feature one also has
# one prerequisite-patch-id: line per fixes patch (git format-patch
# --base), and @FIXES@ in cover-letter.txt becomes the subject of the
# fixes series' cover letter.
#
# The output depends only on the commits (author, date, message, diff) and
# the base: commit ids are zeroed, a cover letter's date is its last
# patch's author date, and there is no git version signature.  So exporting
# the same branches twice gives byte-identical files, which the round-trip
# check (scripts/check-export.sh) relies on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need perl perl

root=$TOP/patches
feature_series=$TOP/series
if [ "${1:-}" = --output ]; then
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

base_subject=$(kgit log -1 --format=%s "$base")
prefix=PATCH
[ "${SERIES_REVISION:-1}" -gt 1 ] && prefix="PATCH v$SERIES_REVISION"
# cover_text FILE: the cover letter source without its comment lines.
cover_text() { grep -v '^#' "$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# export_series NAME: format-patch one series into $tmp/NAME.
export_series() {
	local s=$1 below branch last_date addr to=() cc=() patches f
	below=$(series_below "$s")
	branch=$(series_branch "$s")
	last_date=$(kgit log -1 --format=%aD "$branch")
	fp() {
		GIT_COMMITTER_NAME=$BASE_AUTHOR_NAME GIT_COMMITTER_EMAIL=$BASE_AUTHOR_EMAIL \
		GIT_COMMITTER_DATE=$last_date \
		kgit -c branch."$branch".description="$(cover_text "$(series_cover "$s")")" \
			-c format.signature= -c diff.noprefix=false -c diff.renames=true \
			-c format.coverLetter=false -c format.numbered=auto \
			format-patch -q --zero-commit --no-signature --cover-letter \
			--cover-from-description=subject --base="$base" \
			--subject-prefix="$prefix" \
			--encode-email-headers "$@" "$below..$branch"
	}
	fp -o "$tmp/$s.pass1"

	# To/Cc as scripts/get_maintainer.pl gives them for the patches of this
	# series: maintainers and reviewers To, lists Cc (addresses only).
	mapfile -t patches < <(ls "$tmp/$s.pass1"/0[0-9][0-9][0-9]-*.patch | grep -v /0000-cover-letter)
	while read -r addr; do
		[ -n "$addr" ] && to+=("--to=$addr")
	done < <(cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats --non --no-l --no-r --no-s "${patches[@]}" 2>/dev/null | sort -u)
	while read -r addr; do
		# An address already in To: is not repeated in Cc:.
		[ -n "$addr" ] && [[ " ${to[*]} " != *" --to=$addr "* ]] && cc+=("--cc=$addr")
	done < <({
		cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --non --no-m --r --l --no-s "${patches[@]}" 2>/dev/null
		# shellcheck disable=SC2086 # FIXES_CC is a list of addresses
		[ "$s" != fixes ] || printf '%s\n' $FIXES_CC
	} | sort -u)

	fp -o "$tmp/$s" "${to[@]}" "${cc[@]}"
	# The base's exact version, and the prerequisite series by its subject,
	# for the reader of the cover letter.
	BASE_SUBJECT=$base_subject FIXES_SUBJECT=$fixes_subject perl -pi -e \
		's/\@BASE\@/$ENV{BASE_SUBJECT}/g; s/\@FIXES\@/$ENV{FIXES_SUBJECT}/g' \
		"$tmp/$s/0000-cover-letter.patch"

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

# The subject of the fixes series' cover letter, as the feature series'
# cover letter names it: "[PATCH v3 0/6] dma-buf: ..." (numbered as
# format-patch numbers it: "00/12" from 10 patches on).
nfixes=$(kgit rev-list --count "$base..$FIXES_BRANCH")
fixes_subject="[$prefix $(printf '%0*d' ${#nfixes} 0)/$nfixes] $(cover_text "$(series_cover fixes)" |
	awk 'NF { p = p (p == "" ? "" : " ") $0; next } p != "" { exit } END { print p }')"

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

#!/usr/bin/env bash
# Export the series branch of kernel/src into patches/ (git format-patch,
# with a cover letter built from cover-letter.txt) and regenerate series.
#
#   scripts/export.sh [--output DIR]     default: patches/ and series in the repo
#
# The output depends only on the commits (author, date, message, diff) and
# the base: commit ids are zeroed, the cover letter's date is the last
# patch's author date, and there is no git version signature.  So exporting
# the same branch twice gives byte-identical files, which the round-trip
# check (scripts/check-export.sh) relies on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need perl perl

outdir=$TOP/patches
series=$TOP/series
if [ "${1:-}" = --output ]; then
	outdir=$2
	series=$2/series
fi
base=$(base_rev)
branch=$SERIES_BRANCH
n=$(kgit rev-list --count "$base..$branch")
[ "$n" -gt 0 ] || die "branch $branch has no commits above the base"
[ -f "$TOP/cover-letter.txt" ] || die "no cover-letter.txt"

# Debian's top-level .gitignore ignores everything ("/*"), so a new file
# that was not added with "git add -f" is silently left out of the series.
lost=$(kgit ls-files --others --ignored --exclude-standard -- \
	$(kgit diff --name-only "$base" "$branch" | xargs -r -n1 dirname | sort -u) |
	grep -vE '(^|/)(\.|.*\.o$|.*\.cmd$)' || true)
[ -z "$lost" ] || die "files in kernel/src that are not in git (add them with git add -f): $lost"

base_subject=$(kgit log -1 --format=%s "$base")
prefix=PATCH
[ "${SERIES_REVISION:-1}" -gt 1 ] && prefix="PATCH v$SERIES_REVISION"
last_date=$(kgit log -1 --format=%aD "$branch")

fp() {
	GIT_COMMITTER_NAME=$BASE_AUTHOR_NAME GIT_COMMITTER_EMAIL=$BASE_AUTHOR_EMAIL \
	GIT_COMMITTER_DATE=$last_date \
	kgit -c branch."$branch".description="$(grep -v '^#' "$TOP/cover-letter.txt")" \
		-c format.signature= -c diff.noprefix=false -c diff.renames=true \
		-c format.coverLetter=false -c format.numbered=auto \
		format-patch -q --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --base="$base" \
		--subject-prefix="$prefix" \
		--encode-email-headers "$@" "$base..$branch"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fp -o "$tmp/pass1"

# To/Cc as scripts/get_maintainer.pl gives them for the whole series:
# maintainers and reviewers To, lists Cc (addresses only).
to=() cc=()
mapfile -t patches < <(ls "$tmp"/pass1/0[0-9][0-9][0-9]-*.patch | grep -v /0000-cover-letter)
while read -r addr; do
	[ -n "$addr" ] && to+=("--to=$addr")
done < <(cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
	--no-rolestats --non --no-l --no-r --no-s "${patches[@]}" 2>/dev/null | sort -u)
while read -r addr; do
	# An address already in To: is not repeated in Cc:.
	[ -n "$addr" ] && [[ " ${to[*]} " != *" --to=$addr "* ]] && cc+=("--cc=$addr")
done < <(cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
	--no-rolestats --non --no-m --r --l --no-s "${patches[@]}" 2>/dev/null | sort -u)

fp -o "$tmp/out" "${to[@]}" "${cc[@]}"
# The base's exact version, for the reader of the cover letter.
sed -i "s|@BASE@|$base_subject|" "$tmp/out/0000-cover-letter.patch"

# A commit message may end with per-revision notes after a "---" line (as
# with b4 prep); format-patch then prints a second "---" before the
# diffstat.  Make that one a blank line, so the notes sit below the one
# "---" that git am cuts at (scripts/apply.sh puts them back).
for f in "$tmp"/out/[0-9][0-9][0-9][0-9]-*.patch; do
	case $f in */0000-cover-letter.patch) continue ;; esac
	awk '/^diff --git / { body = 1 }
		!body && /^---$/ && seps++ == 1 { print ""; next }
		{ print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done

mkdir -p "$outdir"
rm -f "$outdir"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/out/*.patch "$outdir/"
{
	echo "# quilt series: the patches of the series in order (made by scripts/export.sh)"
	(cd "$tmp/out" && ls -1 [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter')
} >"$series"
say "export: $n patches and the cover letter in ${outdir#"$TOP"/}"

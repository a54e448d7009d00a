#!/usr/bin/env bash
# The series applies to the base with git am, with quilt (using series) and
# with b4 am (from an mbox of patches/).  Each result is recorded as a check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need quilt quilt
need b4 b4

mapfile -t files < <(patch_files)
[ "${#files[@]}" -gt 0 ] || die "series lists no patches"
tip=$(kgit rev-parse "$SERIES_BRANCH^{tree}")
wt=$(check_tree)
ident=(-c user.name="$BASE_AUTHOR_NAME" -c user.email="$BASE_AUTHOR_EMAIL")

# git am: every patch applies, and the result is the branch's tree.
if out=$(git -C "$wt" "${ident[@]}" am -q "${files[@]}" 2>&1) &&
	[ "$(git -C "$wt" rev-parse HEAD^{tree})" = "$tip" ]; then
	record PASS apply-git-am "${#files[@]} patches, tree equals $SERIES_BRANCH"
else
	printf '%s\n' "$out" | tail -n 20 >&2
	record FAIL apply-git-am "$(printf '%s\n' "$out" | grep -m1 -E '^(Patch failed|error:)' || echo 'tree differs from the branch')"
fi

# quilt push -a with the repo's series file, on a pristine base checkout.
wt=$(check_tree)
if out=$(cd "$wt" && QUILT_PATCHES="$TOP/patches" QUILT_SERIES="$TOP/series" \
	QUILT_PC="$wt/.pc" quilt push -a -q 2>&1) &&
	(cd "$wt" && git add -A -f . && git diff --cached --quiet "$tip" -- . ':!.pc'); then
	record PASS apply-quilt "quilt push -a: ${#files[@]} patches, tree equals $SERIES_BRANCH"
else
	printf '%s\n' "$out" | tail -n 20 >&2
	record FAIL apply-quilt "$(printf '%s\n' "$out" | grep -m1 -iE 'fail|error' || echo 'tree differs from the branch')"
fi

# b4 am on an mbox of patches/ (cover letter first), threaded with
# Message-Id/In-Reply-To headers as a mailing list archive has them.
wt=$(check_tree)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
for f in "$TOP/patches/0000-cover-letter.patch" "${files[@]}"; do
	# Header lines are unfolded (RFC 5322 says a folded header means the
	# same): b4 0.12 fails with "Header values may not contain linefeed"
	# when it copies a folded Subject from a local mbox.
	awk 'NR == 1 { print; next }
		!body && /^[ \t]/ { held = held " " substr($0, match($0, /[^ \t]/)); next }
		{ if (held != "") print held; held = "" }
		!body && /^$/ { body = 1 }
		!body { held = $0; next }
		{ print }' "$f" |
	awk -v i="$i" 'NR == 1 { print; next }
		!done && /^Subject:/ {
			printf "Message-Id: <series-%d@dma-fence-helpers.example.org>\n", i
			if (i > 0) printf "In-Reply-To: <series-0@dma-fence-helpers.example.org>\nReferences: <series-0@dma-fence-helpers.example.org>\n"
			done = 1
		}
		{ print }' >>"$tmp/series.mbox"
	echo >>"$tmp/series.mbox"
	i=$((i + 1))
done
mkdir -p "$tmp/b4"
if out=$(cd "$tmp" && b4 --offline-mode am -m series.mbox -o b4 -n series 2>&1) &&
	out2=$(git -C "$wt" "${ident[@]}" am -q "$tmp"/b4/*.mbx 2>&1) &&
	[ "$(git -C "$wt" rev-parse HEAD^{tree})" = "$tip" ]; then
	record PASS apply-b4-am "b4 am -m series.mbox, then git am: tree equals $SERIES_BRANCH"
	# What a reviewer gets from b4 am of the posting, compared with the
	# previous revision, is what make range-diff prints.
	if [ "${SERIES_REVISION:-1}" -gt 1 ]; then
		git -C "$wt" checkout -q -f --detach "$(base_rev)"
		# (range-diff.sh reuses the check tree: take the b4 commits first.)
		if out=$(git -C "$wt" "${ident[@]}" am -q --committer-date-is-author-date "$tmp"/b4/*.mbx 2>&1) &&
			b4head=$(git -C "$wt" rev-parse HEAD) &&
			mine=$("$TOP/scripts/range-diff.sh" 2>/dev/null) &&
			theirs=$(range_diff "series-v$((SERIES_REVISION - 1))" "$b4head") &&
			[ "$mine" = "$theirs" ]; then
			record PASS range-diff-b4-am "git range-diff of v$((SERIES_REVISION - 1)) against b4 am of the mbox equals make range-diff ($(printf '%s\n' "$mine" | wc -l) lines)"
		else
			diff <(printf '%s\n' "${mine:-}") <(printf '%s\n' "${theirs:-}") | head -n 20 >&2 || true
			record FAIL range-diff-b4-am "range-diff of the b4 am result differs from make range-diff"
		fi
	fi
else
	printf '%s\n%s\n' "$out" "${out2:-}" | tail -n 20 >&2
	record FAIL apply-b4-am "b4 am or git am of its output failed"
fi

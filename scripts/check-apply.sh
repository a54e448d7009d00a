#!/usr/bin/env bash
# Both series apply as they are posted: the fixes series (patches/fixes/)
# alone on the base, then the feature series (patches/) on top of that
# result, each with git am, with quilt (using patches/fixes/series and
# series) and with b4 am (from an mbox of each series); each result's tree
# must be that of its branch.  One recorded check per series and tool
# (apply-git-am:fixes, apply-git-am:feature, ...), and range-diff-b4-am:
# the range-diff of the previous revision against b4 am of both mboxes is
# what make range-diff prints.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need quilt quilt
need b4 b4
check_stacked
for s in $SERIES_NAMES; do
	[ -n "$(patch_files "$s")" ] || die "patches/$(series_prefix "$s")series lists no patches"
done
ident=(-c user.name="$BASE_AUTHOR_NAME" -c user.email="$BASE_AUTHOR_EMAIL")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What a series applies on, for the notes.
onto() { case $1 in fixes) echo "the base" ;; *) echo "the fixes series" ;; esac; }
tree_is() { [ "$(git -C "$1" rev-parse HEAD^{tree})" = "$(kgit rev-parse "$2^{tree}")" ]; }
# first_error OUTPUT DEFAULT: the line of a tool's output that says what failed.
first_error() { printf '%s\n' "$1" | grep -m1 -iE '^(Patch failed|error:)|fail' || echo "$2"; }

# git am: every patch applies, and the result is the branch's tree.
wt=$(check_tree)
below_ok=true
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	if ! $below_ok; then
		record FAIL "apply-git-am:$s" "not tried: the series below it did not apply"
		continue
	fi
	mapfile -t files < <(patch_files "$s")
	if out=$(git -C "$wt" "${ident[@]}" am -q "${files[@]}" 2>&1) && tree_is "$wt" "$branch"; then
		record PASS "apply-git-am:$s" "${#files[@]} patches on $(onto "$s"), tree equals $branch"
	else
		git -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n' "$out" | tail -n 20 >&2
		record FAIL "apply-git-am:$s" "$(first_error "$out" "tree differs from $branch")"
		below_ok=false
	fi
done

# quilt push -a with each series file, on a pristine base checkout; each
# series keeps its quilt state in its own directory (.pc/fixes, .pc/feature).
wt=$(check_tree)
below_ok=true
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	if ! $below_ok; then
		record FAIL "apply-quilt:$s" "not tried: the series below it did not apply"
		continue
	fi
	n=$(patch_files "$s" | wc -l)
	if out=$(cd "$wt" && QUILT_PATCHES=$(series_dir "$s") QUILT_SERIES=$(series_file "$s") \
		QUILT_PC="$wt/.pc/$s" quilt push -a -q 2>&1) &&
		(cd "$wt" && git add -A -f . && git diff --cached --quiet "$branch" -- . ':!.pc'); then
		record PASS "apply-quilt:$s" "quilt push -a: $n patches on $(onto "$s"), tree equals $branch"
	else
		printf '%s\n' "$out" | tail -n 20 >&2
		record FAIL "apply-quilt:$s" "$(first_error "$out" "tree differs from $branch")"
		below_ok=false
	fi
done

# b4 am on an mbox of each series (cover letter first), threaded with
# Message-Id/In-Reply-To headers as a mailing list archive has them; its
# output is applied with git am.
mbox() { # mbox NAME: $tmp/NAME.mbox from the cover letter and patches of series NAME
	local i=0 f
	for f in "$(series_dir "$1")/0000-cover-letter.patch" $(patch_files "$1"); do
		# Header lines are unfolded (RFC 5322 says a folded header means
		# the same): b4 0.12 fails with "Header values may not contain
		# linefeed" when it copies a folded Subject from a local mbox.
		awk 'NR == 1 { print; next }
			!body && /^[ \t]/ { held = held " " substr($0, match($0, /[^ \t]/)); next }
			{ if (held != "") print held; held = "" }
			!body && /^$/ { body = 1 }
			!body { held = $0; next }
			{ print }' "$f" |
		awk -v i="$i" -v s="$1" 'NR == 1 { print; next }
			!done && /^Subject:/ {
				printf "Message-Id: <%s-%d@dma-fence-helpers.example.org>\n", s, i
				if (i > 0) printf "In-Reply-To: <%s-0@dma-fence-helpers.example.org>\nReferences: <%s-0@dma-fence-helpers.example.org>\n", s, s
				done = 1
			}
			{ print }' >>"$tmp/$1.mbox"
		echo >>"$tmp/$1.mbox"
		i=$((i + 1))
	done
}
wt=$(check_tree)
below_ok=true
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	if ! $below_ok; then
		record FAIL "apply-b4-am:$s" "not tried: the series below it did not apply"
		continue
	fi
	mbox "$s"
	mkdir -p "$tmp/b4-$s"
	out2=
	# b4 0.12's am exits 1, silently, without a user.email (CI, a fresh
	# machine): it gets the project identity, which its output does not
	# carry.
	if out=$(cd "$tmp" && GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0="$BASE_AUTHOR_NAME" \
		GIT_CONFIG_KEY_1=user.email GIT_CONFIG_VALUE_1="$BASE_AUTHOR_EMAIL" \
		b4 --offline-mode am -m "$s.mbox" -o "b4-$s" -n "$s" 2>&1) &&
		out2=$(git -C "$wt" "${ident[@]}" am -q "$tmp/b4-$s/$s.mbx" 2>&1) &&
		tree_is "$wt" "$branch"; then
		record PASS "apply-b4-am:$s" "b4 am -m $s.mbox, then git am on $(onto "$s"): tree equals $branch"
	else
		git -C "$wt" am --abort >/dev/null 2>&1 || true
		printf '%s\n%s\n' "$out" "$out2" | tail -n 20 >&2
		record FAIL "apply-b4-am:$s" "b4 am or git am of its output failed, or the tree differs from $branch"
		below_ok=false
	fi
done

# What a reviewer gets from b4 am of both postings, compared with the
# previous revision, is what make range-diff prints.
if $below_ok && [ "${SERIES_REVISION:-1}" -gt 1 ]; then
	prev=v$((SERIES_REVISION - 1))
	git -C "$wt" checkout -q -f --detach "$(base_rev)"
	# (range-diff.sh reuses the check tree: take the b4 commits first.)
	ok=true
	for s in $SERIES_NAMES; do
		git -C "$wt" "${ident[@]}" am -q --committer-date-is-author-date "$tmp/b4-$s/$s.mbx" >&2 || ok=false
	done
	if $ok && b4head=$(git -C "$wt" rev-parse HEAD) &&
		mine=$("$TOP/scripts/range-diff.sh" 2>/dev/null) &&
		theirs=$(range_diff "series-$prev" "$b4head") &&
		[ "$mine" = "$theirs" ]; then
		record PASS range-diff-b4-am "git range-diff of $prev against b4 am of the fixes and feature mboxes equals make range-diff ($(printf '%s\n' "$mine" | wc -l) lines)"
	else
		diff <(printf '%s\n' "${mine:-}") <(printf '%s\n' "${theirs:-}") | head -n 20 >&2 || true
		record FAIL range-diff-b4-am "range-diff of the b4 am result differs from make range-diff"
	fi
fi

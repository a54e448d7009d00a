#!/usr/bin/env bash
# b4 on the two series branches, as a contributor uses it (b4 0.12,
# Debian 12's): each branch is a b4 prep branch (scripts/b4-prep.sh), and
# for each series (fixes, then feature) these are recorded checks:
#
#   b4-prep-show-revision:NAME   b4 prep --show-revision says
#                                v$SERIES_REVISION
#   b4-prep-edit-cover:NAME      b4 prep --edit-cover offers the cover
#                                letter of cover-letter*.txt (the editor
#                                only copies it: the branch is unchanged)
#   b4-send:NAME                 b4 send -o DIR writes the series as
#                                patches/ (or patches/fixes/) has it:
#                                subjects, From, To/Cc, commit messages,
#                                notes, diffs and the cover letter's text
#                                and base-commit:/change-id:/prerequisite
#                                lines (scripts/b4-mail.py compare says what
#                                is left out: the headers b4 sets, its
#                                diffstat, signature and cover layout)
#   b4-prep-compare-to:NAME      b4 prep --compare-to vN runs git
#                                range-diff of the previous revision's
#                                sent tag (lib.sh, b4_sent_tags) against
#                                the branch
#
# and range-diff-b4-prep: the two range-diffs of b4 prep --compare-to
# against make range-diff's; b4 0.12 cannot give that one (see the note),
# which is then reported as a skip with the reason, never as passed.
#
# b4 runs with none of the user's git or b4 settings (GIT_CONFIG_GLOBAL
# and HOME point elsewhere), as the identity the branch's commits are
# signed off by (the project's, or the sender's after scripts/resign.sh;
# b4-mail.py reads it as the project's, that of patches/), with an SMTP
# server named so that b4 send -o does not go for the web endpoint, which
# signs even what it only writes (b4 send -o never connects), and
# --no-sign --not-me-too, so that To/Cc are get_maintainer.pl's alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git
need b4 b4
need python3 python3
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first"
check_stacked
tmp=$(mktemp -d)
trees=()
cleanup() {
	local t
	for t in "${trees[@]}"; do b4_tree_done "$t" || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The branches' b4 prep state as apply.sh and export.sh leave it, and the
# previous revision with its sent tags.
"$TOP/scripts/b4-prep.sh"
prevtag=$(ensure_prev_tag)
b4_sent_tags
prev=${prevtag#series-}

mkdir -p "$tmp/home"
# b4env NAME EMAIL [KEY VALUE]...: env(1) arguments to run b4 with.
b4env() {
	local name=$1 email=$2 i=3
	shift 2
	local kv=(user.name "$name" user.email "$email" sendemail.smtpserver localhost "$@")
	printf '%s\0' env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$tmp/home" \
		XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache" \
		XDG_DATA_HOME="$tmp/home/.local/share" GIT_CONFIG_COUNT=$((${#kv[@]} / 2))
	i=0
	while [ $((i * 2)) -lt ${#kv[@]} ]; do
		printf '%s\0' "GIT_CONFIG_KEY_$i=${kv[$((i * 2))]}" "GIT_CONFIG_VALUE_$i=${kv[$((i * 2 + 1))]}"
		i=$((i + 1))
	done
}

declare -A compared
for s in $SERIES_NAMES; do
	branch=$(series_branch "$s")
	signer=$(series_signers "$branch")
	[ "$(printf '%s\n' "$signer" | wc -l)" = 1 ] || signer="$PROJECT_NAME <$PROJECT_EMAIL>"
	p=$(parse_ident "$signer")
	mapfile -d '' -t run < <(b4env "${p%%$'\n'*}" "${p#*$'\n'}")
	wt=$(b4_tree "$branch")
	trees+=("$wt")
	as="on $branch, as $signer"

	# b4 prep --show-revision
	if out=$(cd "$wt" && "${run[@]}" b4 prep --show-revision 2>&1) &&
		[ "${out%%$'\n'*}" = "v${SERIES_REVISION:-1}" ]; then
		record PASS "b4-prep-show-revision:$s" "${out%%$'\n'*}, $as"
	else
		printf '%s\n' "$out" | tail -n 5 >&2 || true
		record FAIL "b4-prep-show-revision:$s" "expected v${SERIES_REVISION:-1}: ${out%%$'\n'*}"
	fi

	# b4 prep --edit-cover, with an editor that copies what it is given.
	mapfile -d '' -t edit < <(b4env "${p%%$'\n'*}" "${p#*$'\n'}" \
		core.editor "sh -c 'cp \"\$0\" \"$tmp/edit-cover-$s\"'")
	if out=$(cd "$wt" && "${edit[@]}" b4 prep --edit-cover 2>&1) &&
		[ "$(cat "$tmp/edit-cover-$s" 2>/dev/null)" = "$(kgit config --get "branch.$branch.description")" ] &&
		cmp -s <(kgit config --get "branch.$branch.description") "$(series_state)/b4/$branch.cover"; then
		record PASS "b4-prep-edit-cover:$s" "offers the cover letter of $branch, from $(basename "$(series_cover "$s")") ($(wc -l <"$tmp/edit-cover-$s") lines), $as"
	else
		printf '%s\n' "$out" | tail -n 5 >&2 || true
		record FAIL "b4-prep-edit-cover:$s" "b4 prep --edit-cover failed or offered another text than the branch's cover letter"
	fi

	# b4 send -o
	if out=$(cd "$wt" && "${run[@]}" b4 send -o "$tmp/send-$s" --no-sign --not-me-too 2>&1) &&
		cmp=$(python3 "$TOP/scripts/b4-mail.py" compare "$(series_dir "$s")" "$tmp/send-$s" \
			--signer "$signer" --project "$PROJECT_NAME <$PROJECT_EMAIL>"); then
		record PASS "b4-send:$s" "b4 send -o $as: ${cmp/ as in $TOP\//: as in } (headers b4 sets, diffstat, signature and cover layout aside)"
	else
		printf '%s\n' "$out" | tail -n 5 >&2 || true
		printf '%s\n' "${cmp:-}" | sed -n '1,40s/^/  /p' >&2
		record FAIL "b4-send:$s" "b4 send -o failed, or its messages differ from patches/$(series_prefix "$s")"
	fi
	cmp=

	# b4 prep --compare-to vN: git range-diff of the sent tag's commits
	# (base-commit: in the tag .. the tag) and the branch's (fork point ..
	# HEAD), as this script runs it.
	tag=sent/$branch-$prev
	if kgit rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
		tbase=$(kgit cat-file -p "refs/tags/$tag" | sed -n 's/^base-commit: //p')
		start=$(kgit rev-parse "$(series_below "$s")^{commit}")
		if out=$(cd "$wt" && "${run[@]}" b4 prep --compare-to "$prev" 2>"$tmp/err-$s") &&
			mine=$(cd "$wt" && "${run[@]}" git range-diff "$tbase..$tag" "$start..HEAD") &&
			[ -n "$out" ] && [ "$out" = "$mine" ]; then
			compared[$s]=$out
			record PASS "b4-prep-compare-to:$s" "b4 prep --compare-to $prev $as: git range-diff of $tag ($(kgit rev-list --count "$tbase..$tag") patches of $prev) and $branch ($(kgit rev-list --count "$start..$branch")), $(printf '%s\n' "$out" | wc -l) lines"
		else
			tail -n 5 "$tmp/err-$s" >&2
			record FAIL "b4-prep-compare-to:$s" "b4 prep --compare-to $prev failed or did not give the range-diff of $tag and $branch"
		fi
	else
		record FAIL "b4-prep-compare-to:$s" "no tag $tag (lib.sh, b4_sent_tags)"
	fi
	b4_tree_done "$wt"
done

# make range-diff: one range-diff of the previous revision against both
# series, of the patches as posted, at --creation-factor=80.
if [ "${#compared[@]}" = 2 ] && mine=$("$TOP/scripts/range-diff.sh" 2>/dev/null); then
	theirs=$(for s in $SERIES_NAMES; do printf '%s\n' "${compared[$s]}"; done)
	if [ "$mine" = "$theirs" ]; then
		record PASS range-diff-b4-prep "b4 prep --compare-to $prev on $FIXES_BRANCH then $SERIES_BRANCH gives make range-diff's range-diff"
	else
		record SKIP range-diff-b4-prep "b4 0.12 cannot give make range-diff's range-diff ($(printf '%s\n' "$mine" | wc -l) lines; b4 prep --compare-to $prev: $(printf '%s\n' "${compared[fixes]}" | wc -l) on $FIXES_BRANCH, $(printf '%s\n' "${compared[feature]}" | wc -l) on $SERIES_BRANCH): b4 prep --compare-to execs a plain git range-diff, at the default --creation-factor (60; make range-diff needs 80 to pair v2's patches with their v3 versions) with no way to pass options, of one prep branch against its own sent tag (so one range-diff per series, where $prev was one series and make range-diff compares it with both), and of the branch's commits, whose messages carry the notes below --- that the posted patches (make range-diff's) leave out"
	fi
else
	record FAIL range-diff-b4-prep "make range-diff or b4 prep --compare-to failed"
fi

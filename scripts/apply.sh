#!/usr/bin/env bash
# Make the kernel work tree and put the two series on their branches.
#
#   scripts/apply.sh            base from kernel/base.conf into kernel/src
#   KERNEL_SRC=/path scripts/apply.sh
#                               any other tree: a git checkout (the series
#                               go on new branches at its HEAD) or a plain
#                               source directory (made a git repository in
#                               place, with one base commit)
#   scripts/apply.sh --reset    drop both series branches and re-apply
#                               patches/fixes/ and patches/
#
# The base becomes one commit with a fixed author, date and message, so its
# hash depends only on the source; it is tagged series-base.  The fixes
# branch (FIXES_BRANCH in kernel/base.conf) gets patches/fixes/ on the base,
# the feature branch (SERIES_BRANCH) patches/ on the fixes branch.  New
# branches are signed off (author and Signed-off-by:) as the sender: git's
# user.name/user.email or b4's sendemail identity, the project identity
# where none is configured (resolve_identity in lib.sh; scripts/resign.sh
# does it to existing branches).  A branch that exists already is left
# alone (it is where the series is edited); --reset rebuilds both from the
# patches.  Either way both end up b4 prep branches (b4_prep_sync in
# lib.sh: cover letter, tracking data, sent tags of the previous revision).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need git git

reset=0
[ "${1:-}" = --reset ] && reset=1

commit_base() {
	# commit_base MESSAGE: one deterministic commit of the whole tree.
	kgit add -A -f .
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		kgit -c user.name="$BASE_AUTHOR_NAME" -c user.email="$BASE_AUTHOR_EMAIL" \
		commit -q --no-verify -m "$1"
}

if [ -n "${KERNEL_SRC:-}" ]; then
	[ -d "$KERNEL_SRC" ] || die "KERNEL_SRC=$KERNEL_SRC is not a directory"
	is_kernel_tree "$KERNEL_SRC" ||
		die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree with drivers/dma-buf (no Makefile, Kconfig or include/linux/dma-fence.h)"
	if ! git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
		[ "$(git -C "$SRC" rev-parse --show-toplevel)" != "$(cd "$SRC" && pwd -P)" ]; then
		say "apply: $SRC is not a git checkout: making it one (one base commit)"
		kgit init -q -b base
		kgit config gc.auto 0
		commit_base "Base: plain source tree $(make -s -C "$SRC" kernelversion 2>/dev/null || echo unknown)"
	fi
	if ! kgit rev-parse -q --verify refs/tags/series-base >/dev/null; then
		kgit tag series-base HEAD
		say "apply: series-base = HEAD of $SRC ($(kgit rev-parse --short HEAD))"
	fi
else
	if [ ! -d "$SRC/.git" ]; then
		base=$("$TOP/scripts/fetch-base.sh")
		version=$(cat "$base/VERSION")
		say "apply: creating kernel/src from $version"
		rm -rf "$SRC.tmp"
		cp -a "$base/tree" "$SRC.tmp"
		SRC=$SRC.tmp
		kgit init -q -b base
		kgit config gc.auto 0
		kgit config core.untrackedCache true
		say "apply: committing the base tree (one deterministic commit)"
		commit_base "Linux ${version#* } (Debian ${version% *} ${version#* })

Base of the series: the source of the Debian package ${version% *},
version ${version#* }, as shipped (Debian's own patches included).
Fetched by scripts/fetch-base.sh; this commit has a fixed author, date
and message so that its hash depends on the source alone."
		kgit tag series-base HEAD
		SRC=${SRC%.tmp}
		mv "$SRC.tmp" "$SRC"
		say "apply: series-base = $(kgit rev-parse HEAD)"
	fi
fi

# apply_series NAME: git am the patches of one series onto HEAD, putting
# each patch's notes back at the end of its commit message.
apply_series() {
	local p out files notes
	mapfile -t list < <("$TOP/scripts/series-list.sh" "$1")
	say "apply: applying ${#list[@]} patches of patches/$(series_prefix "$1") onto $(kgit rev-parse --short HEAD)"
	for p in "${list[@]}"; do
		if ! out=$(kgit am -q --committer-date-is-author-date "$TOP/patches/$p" 2>&1); then
			kgit am --abort >/dev/null 2>&1 || true
			printf '%s\n' "$out" | sed 's/^/  /' >&2
			files=$(printf '%s\n' "$out" | sed -n 's/^error: \(patch failed: \)\?\([^:]*\):.*/\2/p' | sort -u | tr '\n' ' ')
			die "patch $p does not apply to $(kgit rev-parse --short HEAD)${files:+ (file: $files)}"
		fi
		# The patch's notes (below its "---") go back to the end of the
		# commit message, where scripts/export.sh takes them from.
		notes=$(patch_notes "$TOP/patches/$p")
		if [ -n "$notes" ]; then
			printf '%s\n---\n%s\n' "$(kgit log -1 --format=%B)" "$notes" |
				GIT_COMMITTER_DATE=$(kgit log -1 --format=%cD) \
				kgit commit -q --amend --no-verify --cleanup=verbatim -F -
		fi
	done
}

has_branch() { kgit rev-parse -q --verify "refs/heads/$1" >/dev/null; }

# The sender's identity (lib.sh), which new branches are signed off as; a
# half-configured one (user.name without user.email) must not stop the
# main job: the project identity then, with a warning.
if ! (resolve_identity) 2>/dev/null; then
	say "warning: $( (resolve_identity) 2>&1 | sed 's/^\[[0-9:]*\] error: //'): new branches get the project identity"
	export EXPORT_IDENTITY=project
fi
resolve_identity

# finish: both branches are b4 prep branches (scripts/b4-prep.sh); a
# failure there is reported, but does not stop the main job (make test's
# check-b4.sh fails then).
finish() {
	local note
	note=$(signer_note)
	[ -z "$note" ] || while IFS= read -r l; do say "apply: $l"; done <<<"$note"
	"$TOP/scripts/b4-prep.sh" || say "warning: the b4 prep state of $FIXES_BRANCH and $SERIES_BRANCH could not be made (scripts/lib.sh, b4_prep_sync): b4 prep and b4 send will not work on them"
}

base=$(base_rev)
if [ $reset = 0 ] && has_branch "$SERIES_BRANCH"; then
	has_branch "$FIXES_BRANCH" ||
		die "$SRC has the branch $SERIES_BRANCH but no $FIXES_BRANCH (it predates the fixes series): export what you want to keep, then run scripts/apply.sh --reset (make reset), which makes both from the patches"
	say "apply: branches $FIXES_BRANCH and $SERIES_BRANCH exist ($(kgit rev-list --count "$base..$FIXES_BRANCH") + $(kgit rev-list --count "$FIXES_BRANCH..$SERIES_BRANCH") commits above the base): left as they are (--reset rebuilds them from the patches)"
	[ "$(kgit symbolic-ref -q --short HEAD || true)" = "$SERIES_BRANCH" ] ||
		kgit checkout -q "$SERIES_BRANCH"
	finish
	exit 0
fi

[ -z "$(kgit status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes: commit or stash them first"
if [ $reset = 1 ]; then
	kgit checkout -q --detach "$base"
	for b in "$SERIES_BRANCH" "$FIXES_BRANCH"; do
		! has_branch "$b" || kgit branch -q -D "$b"
	done
fi
if has_branch "$FIXES_BRANCH"; then
	say "apply: branch $FIXES_BRANCH exists: left as it is"
else
	kgit checkout -q -b "$FIXES_BRANCH" "$base"
	apply_series fixes
	say "apply: branch $FIXES_BRANCH at $(kgit rev-parse --short HEAD)"
fi
kgit checkout -q -b "$SERIES_BRANCH" "$FIXES_BRANCH"
apply_series feature
# Signed off by the sender, as git am -s or b4 shazam -s would (the
# patches are in the project identity).
resign_branches
[ "$RESIGNED" = 0 ] || say "apply: signed off as $ID_NAME <$ID_EMAIL> ($ID_SOURCE)"
say "apply: branch $SERIES_BRANCH at $(kgit rev-parse --short HEAD)"
finish

# shellcheck shell=bash
# Common helpers for the scripts in this directory.  Source it; do not run it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../kernel/base.conf
. "$TOP/kernel/base.conf"

CACHE_DIR=${CACHE_DIR:-$TOP/.cache}
OUT_DIR=${OUT_DIR:-$TOP/out}
BUILD_DIR=${BUILD_DIR:-$TOP/build}
SRC=${KERNEL_SRC:-$TOP/kernel/src}
JOBS=${JOBS:-$(nproc)}

_t0=${_T0:-$(date +%s)}
export _T0=$_t0

elapsed() {
	local s=$(($(date +%s) - _T0))
	printf '%02d:%02d' $((s / 60)) $((s % 60))
}

# Progress lines: "[mm:ss] stage: message", on stderr so that they are seen
# while stdout may be captured.
# Every test kernel boots with all dma_fence and sw_sync events enabled, so
# that the ops callbacks the tracepoints call run on every init, signal and
# release path (kernels without event tracing ignore the parameter).
TRACE_EVENTS_ARG="trace_event=dma_fence:*,sync_trace:*"

say() { printf '[%s] %s\n' "$(elapsed)" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

need() {
	# need TOOL PACKAGE: stop with a message naming both when TOOL is missing.
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install the Debian package '$2' (or run scripts/deps.sh as root)"
}

is_kernel_tree() {
	[ -f "$1/Makefile" ] && [ -f "$1/Kconfig" ] && [ -d "$1/drivers/dma-buf" ] &&
		[ -f "$1/include/linux/dma-fence.h" ]
}

# git in the kernel tree, with a fixed identity so that am/commit never
# depend on the user's configuration.
kgit() {
	git -C "$SRC" -c user.name="$BASE_AUTHOR_NAME" \
		-c user.email="$BASE_AUTHOR_EMAIL" -c core.autocrlf=false \
		-c advice.detachedHead=false "$@"
}

base_rev() {
	# The commit the series sits on: the tag made by fetch-base.sh, or for a
	# KERNEL_SRC checkout the ref recorded when the branch was created.
	if kgit rev-parse -q --verify "refs/tags/series-base^{commit}" >/dev/null; then
		kgit rev-parse "refs/tags/series-base^{commit}"
	else
		die "no series-base tag in $SRC: run scripts/apply.sh first"
	fi
}

# record STATUS NAME [NOTE]: one line of $OUT_DIR/checks.txt (the series
# checks that report.py counts, one case each).
record() {
	mkdir -p "$OUT_DIR"
	printf '%s %s%s\n' "$1" "$2" "${3:+ # $3}" >>"$OUT_DIR/checks.txt"
	say "check: $1 $2${3:+ ($3)}"
}

# worktree_at DIR REV: a work tree of kernel/src at DIR (made when missing),
# detached at REV.  A checkout rewrites only the files that differ, so a
# build from a tree that stays at one commit stays incremental.
worktree_at() {
	local wt=$1 rev
	rev=$(kgit rev-parse "$2^{commit}")
	if [ ! -e "$wt/.git" ]; then
		rm -rf "$wt"
		kgit worktree prune
		kgit worktree add -q --detach "$wt" "$rev" >&2
	fi
	git -C "$wt" am --abort >/dev/null 2>&1 || true
	git -C "$wt" -c advice.detachedHead=false checkout -q -f --detach "$rev"
	echo "$wt"
}

# A scratch work tree of kernel/src for the checks, at the base commit.
check_tree() {
	local wt
	wt=$(worktree_at "$BUILD_DIR/check-tree" "$(base_rev)")
	git -C "$wt" clean -q -f -d -x
	echo "$wt"
}

# The source tree a test stage builds from: kernel/src (the series branch
# checked out), except for STAGE=fixes, which builds the fixes branch alone
# in its own work tree, build/fixes-tree (kept at that branch between runs).
stage_src() {
	if [ "${STAGE:-}" = fixes ]; then
		worktree_at "$BUILD_DIR/fixes-tree" "$FIXES_BRANCH"
	else
		echo "$SRC"
	fi
}

# The two series, in the order they apply (see kernel/base.conf): "fixes"
# is patches/fixes/ (quilt series file patches/fixes/series, cover letter
# from cover-letter-fixes.txt), the commits base..$FIXES_BRANCH; "feature"
# is patches/ (series, cover-letter.txt), $FIXES_BRANCH..$SERIES_BRANCH.
SERIES_NAMES="fixes feature"
# series_prefix NAME: where its patches lie, relative to patches/.
series_prefix() { case $1 in fixes) echo fixes/ ;; esac; }
series_dir() { local p; p=$(series_prefix "$1"); echo "$TOP/patches${p:+/${p%/}}"; }
series_file() { case $1 in fixes) echo "$TOP/patches/fixes/series" ;; *) echo "$TOP/series" ;; esac; }
series_cover() { case $1 in fixes) echo "$TOP/cover-letter-fixes.txt" ;; *) echo "$TOP/cover-letter.txt" ;; esac; }
series_branch() { case $1 in fixes) echo "$FIXES_BRANCH" ;; *) echo "$SERIES_BRANCH" ;; esac; }
# series_below NAME: what the series applies on (the base, or the fixes).
series_below() { case $1 in fixes) base_rev ;; *) echo "$FIXES_BRANCH" ;; esac; }

# The feature branch must contain the fixes branch: die otherwise.
check_stacked() {
	local b
	for b in "$FIXES_BRANCH" "$SERIES_BRANCH"; do
		kgit rev-parse -q --verify "refs/heads/$b" >/dev/null ||
			die "no branch $b in $SRC (scripts/apply.sh --reset makes both series' branches from patches/)"
	done
	kgit merge-base --is-ancestor "$FIXES_BRANCH" "$SERIES_BRANCH" ||
		die "$FIXES_BRANCH is not an ancestor of $SERIES_BRANCH: the feature branch must be built on the fixes branch (in $SRC: git rebase --onto $FIXES_BRANCH <old fixes tip> $SERIES_BRANCH)"
}

# series_commits: every commit of both series, oldest first, as "COMMIT
# NAME" with NAME the patch's file name without .patch, as the export
# gives it (fixes/0001-..., then 0001-...).
series_commits() {
	check_stacked
	local s c i
	for s in $SERIES_NAMES; do
		i=0
		for c in $(kgit rev-list --reverse "$(series_below "$s")..$(series_branch "$s")"); do
			i=$((i + 1))
			printf '%s %s%04d-%s\n' "$c" "$(series_prefix "$s")" "$i" \
				"$(kgit log -1 --format=%f "$c" | cut -c1-52)"
		done
	done
}

# patch_files [NAME]: the patch files of series NAME (default: both, fixes
# first), in order, with their full path.
patch_files() {
	"$TOP/scripts/series-list.sh" "$@" | sed "s|^|$TOP/patches/|"
}

# patch_notes FILE: the per-revision notes of a patch, the text between
# its "---" line and the diffstat ("v2: ..."), which git am leaves out of
# the commit message.  In the branch they follow a "---" line at the end of
# the commit message (as with b4 prep); scripts/export.sh puts them below
# the patch's own "---" and scripts/apply.sh puts them back after git am.
patch_notes() {
	awk '/^diff --git / { exit }
		seen { buf[n++] = $0 }
		!seen && /^---$/ { seen = 1 }
		END {
			while (n > 0 && buf[n - 1] == "") n--
			while (n > 0 && buf[n - 1] ~ /^ /) n--
			while (n > 0 && buf[n - 1] == "") n--
			for (i = 0; i < n; i++) print buf[i]
		}' "$1"
}

# am_series WORKTREE SERIESFILE PATCHDIR: git am the patches of a quilt
# series file, found in PATCHDIR, in WORKTREE with a fixed identity and
# committer date, so that the same patches always give the same commits.
am_series() {
	local wt=$1 series=$2 d=$3 p
	while read -r p; do
		git -C "$wt" -c user.name="$BASE_AUTHOR_NAME" -c user.email="$BASE_AUTHOR_EMAIL" \
			am -q --committer-date-is-author-date "$d/$p" >&2 || {
			git -C "$wt" am --abort >/dev/null 2>&1
			die "${d#"$TOP"/}/$p does not apply"
		}
	done < <(sed -e 's/#.*//' -e 's/[[:space:]].*//' "$series" | grep -v '^$')
}

# range_diff OLD NEW: git range-diff of two revisions of the series, each a
# commit above the base.  --creation-factor=80 pairs each v1 patch with the
# v2 patch that reworks it where the default (60) sees a new patch; at 100
# git pairs unrelated patches (v1's kernel-doc cleanup with a v2 sw_sync
# fix).
range_diff() {
	kgit range-diff --no-color --creation-factor=80 "$(base_rev)..$1" "$(base_rev)..$2"
}

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
# release path.  A kernel without event tracing would ignore the parameter:
# scripts/run-kselftests.sh checks in tracefs that the events are on.
TRACE_EVENTS_ARG="trace_event=dma_fence:*,sync_trace:*"

# uml_cpu_args CONFIG...: the boot arguments for the CPUs of a UML kernel
# built from these config files (fragments in the order they apply, or a
# build's .config): nothing for a uniprocessor kernel; with CONFIG_SMP=y,
# "ncpus=N seccomp=on", N being CONFIG_NR_CPUS (UML_NCPUS overrides it).
# UML starts one CPU unless told otherwise, and SMP needs the seccomp
# userspace mode (with the default ptrace mode the kernel stops with "SMP
# is not supported with PTRACE userspace"; seccomp=on stops it with a
# message when the host's seccomp does not work, rather than falling back).
uml_cpu_args() {
	local smp nr
	smp=$(sed -n 's/^CONFIG_SMP=//p; s/^# CONFIG_SMP is not set/n/p' "$@" | tail -n 1)
	[ "$smp" = y ] || return 0
	nr=$(sed -n 's/^CONFIG_NR_CPUS=//p' "$@" | tail -n 1)
	echo "ncpus=${UML_NCPUS:-${nr:-2}} seccomp=on"
}

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

# ensure_prev_tag: the tag series-vN of the previous revision, made once:
# patches/vN/ (its fixes/ first, when it has one: v2 was one series)
# applied onto the base with git am in the check tree.  Prints its name.
ensure_prev_tag() {
	local prev=v$((SERIES_REVISION - 1)) wt
	local prevdir=$TOP/patches/$prev
	[ "${SERIES_REVISION:-1}" -gt 1 ] || die "SERIES_REVISION in kernel/base.conf is 1: there is no previous revision"
	[ -f "$prevdir/series" ] || die "no $prev series at patches/$prev/series"
	if ! kgit rev-parse -q --verify "refs/tags/series-$prev^{commit}" >/dev/null; then
		wt=$(check_tree)
		[ ! -f "$prevdir/fixes/series" ] || am_series "$wt" "$prevdir/fixes/series" "$prevdir/fixes"
		am_series "$wt" "$prevdir/series" "$prevdir"
		kgit tag "series-$prev" "$(git -C "$wt" rev-parse HEAD)"
		say "range-diff: tagged $prev as series-$prev ($(kgit rev-parse --short "series-$prev"))"
	fi
	echo "series-$prev"
}

# range_diff OLD NEW: git range-diff of two revisions of the series, each a
# commit above the base.  --creation-factor=80 pairs each v1 patch with the
# v2 patch that reworks it where the default (60) sees a new patch; at 100
# git pairs unrelated patches (v1's kernel-doc cleanup with a v2 sw_sync
# fix).
range_diff() {
	kgit range-diff --no-color --creation-factor=80 "$(base_rev)..$1" "$(base_rev)..$2"
}

# ---------------------------------------------------------------------------
# Who the series is signed off and sent as.
#
# The patches carry in From: and in their Signed-off-by: line the identity
# of whoever exports or sends them, as git format-patch -s and b4 prep do:
# the kernel takes no anonymous contributions.  The project identity
# (BASE_AUTHOR_NAME/EMAIL) is only for the repository's own copy, patches/,
# and where no identity is configured (CI, a fresh machine).  In order:
#
#   EXPORT_IDENTITY=project          the project identity
#   EXPORT_IDENTITY="Name <email>"   that identity
#   sendemail.<id>.from, with id from b4.sendemail-identity, else
#   sendemail.from                   what b4 send (and git send-email)
#                                    puts in From:
#   user.name and user.email         what git and b4 sign off with
#   the project identity             when none of these is set
#
# The settings are read as the user has them (system, global and
# kernel/src's own git config); kgit's fixed identity plays no part.
PROJECT_NAME=$BASE_AUTHOR_NAME
PROJECT_EMAIL=$BASE_AUTHOR_EMAIL

# user_config KEY: the user's git setting KEY (empty when unset).
user_config() {
	local dir=$TOP
	[ -e "$SRC/.git" ] && dir=$SRC
	git -C "$dir" config --get "$1" 2>/dev/null || true
}

# parse_ident TEXT: the name and the address of "Name <address>" (or of a
# bare address, with an empty name), one per line; fails on anything else.
parse_ident() {
	local n a
	if [[ $1 =~ ^[[:space:]]*([^<>]*[^<>[:space:]])[[:space:]]*\<([^<>[:space:]]+@[^<>[:space:]]+)\>[[:space:]]*$ ]]; then
		n=${BASH_REMATCH[1]} a=${BASH_REMATCH[2]}
		[[ $n =~ ^\"(.*)\"$ ]] && n=${BASH_REMATCH[1]}
		printf '%s\n%s\n' "$n" "$a"
	elif [[ $1 =~ ^[[:space:]]*\<?([^<>[:space:]]+@[^<>[:space:]]+)\>?[[:space:]]*$ ]]; then
		printf '\n%s\n' "${BASH_REMATCH[1]}"
	else
		return 1
	fi
}

# configured_identity: CONF_NAME, CONF_EMAIL and CONF_SOURCE, the identity
# the user has configured (all empty when none), as b4 send takes it;
# CONF_ERROR says what is wrong with a setting that cannot be used.
configured_identity() {
	local id from='' name email p
	CONF_NAME='' CONF_EMAIL='' CONF_SOURCE='' CONF_ERROR=''
	id=$(user_config b4.sendemail-identity)
	if [ -n "$id" ]; then
		from=$(user_config "sendemail.$id.from")
		CONF_SOURCE="git config sendemail.$id.from (b4.sendemail-identity)"
	fi
	if [ -z "$from" ]; then
		from=$(user_config sendemail.from)
		CONF_SOURCE="git config sendemail.from"
	fi
	name=$(user_config user.name)
	email=$(user_config user.email)
	if [ -n "$from" ]; then
		if ! p=$(parse_ident "$from"); then
			CONF_ERROR="$CONF_SOURCE is '$from', not 'Name <address>'" CONF_SOURCE=
			return 0
		fi
		CONF_NAME=${p%%$'\n'*} CONF_EMAIL=${p#*$'\n'}
		[ -n "$CONF_NAME" ] || CONF_NAME=$name
	elif [ -n "$email" ]; then
		CONF_NAME=$name CONF_EMAIL=$email CONF_SOURCE="git config user.name and user.email"
	elif [ -n "$name" ]; then
		CONF_ERROR="git config has user.name but no user.email: set it (git config --global user.email ADDRESS), or run with EXPORT_IDENTITY=project"
		CONF_SOURCE=
		return 0
	else
		CONF_SOURCE=
		return 0
	fi
	if [ -z "$CONF_NAME" ]; then
		# As git does without user.name: the name in the passwd entry.
		CONF_NAME=$(getent passwd "$(id -u)" | cut -d: -f5 | cut -d, -f1)
		if [ -z "$CONF_NAME" ]; then
			CONF_ERROR="no name to go with $CONF_EMAIL: set git config user.name"
			CONF_EMAIL='' CONF_SOURCE=''
			return 0
		fi
		CONF_SOURCE="$CONF_SOURCE, name from the passwd entry"
	fi
}

# resolve_identity: ID_NAME, ID_EMAIL and ID_SOURCE, the identity to sign
# off and send as (see above), and CONF_* (configured_identity).
resolve_identity() {
	local p
	configured_identity
	case ${EXPORT_IDENTITY:-} in
	project)
		ID_NAME=$PROJECT_NAME ID_EMAIL=$PROJECT_EMAIL
		ID_SOURCE="the project identity (EXPORT_IDENTITY=project)" ;;
	"")
		[ -z "$CONF_ERROR" ] || die "$CONF_ERROR"
		if [ -n "$CONF_EMAIL" ]; then
			ID_NAME=$CONF_NAME ID_EMAIL=$CONF_EMAIL ID_SOURCE=$CONF_SOURCE
		else
			ID_NAME=$PROJECT_NAME ID_EMAIL=$PROJECT_EMAIL
			ID_SOURCE="the project identity (no identity configured: no git config user.email, sendemail.from or EXPORT_IDENTITY)"
		fi ;;
	*)
		p=$(parse_ident "$EXPORT_IDENTITY") && [ -n "${p%%$'\n'*}" ] ||
			die "EXPORT_IDENTITY='$EXPORT_IDENTITY': use 'project' or 'Name <address>'"
		ID_NAME=${p%%$'\n'*} ID_EMAIL=${p#*$'\n'} ID_SOURCE="EXPORT_IDENTITY" ;;
	esac
}

# resign_series GITDIR: the commits of both series, signed off as
# $ID_NAME <$ID_EMAIL> (resolve_identity), written into GITDIR (kernel/src's
# own, or a scratch repository that borrows its objects); prints the new
# tips of the fixes and of the feature branch.  The identities replaced are
# the project's, the configured one (CONF_*), and a commit's own author if
# its last Signed-off-by: is the author's (whoever re-signed it before): a
# commit authored by one of them gets the new identity as its author, and
# their Signed-off-by: lines in its message (above its "---" notes) become
# one line of the new identity.  Other authors and trailers are kept (a
# patch from someone else keeps its author and their sign-off), and so are
# dates, trees and notes.  A commit that this leaves unchanged keeps its id.
resign_series() {
	local gd=$1 base c tmp author parent tree adate cdate aname aemail f from
	local target="$ID_NAME <$ID_EMAIL>" froms="$PROJECT_NAME <$PROJECT_EMAIL>"
	local -A new
	local -a m
	check_stacked
	base=$(base_rev)
	[ -z "$(kgit rev-list --merges "$base..$SERIES_BRANCH")" ] ||
		die "$base..$SERIES_BRANCH has merge commits: the series must be a line of commits"
	[ -z "$CONF_EMAIL" ] || froms+=$'\n'"$CONF_NAME <$CONF_EMAIL>"
	tmp=$(mktemp -d)
	new[$base]=$base
	for c in $(kgit rev-list --reverse "$base..$SERIES_BRANCH"); do
		mapfile -t m < <(kgit show -s --format='%P%n%T%n%an%n%ae%n%ad%n%cd' --date=raw "$c")
		parent=${m[0]} tree=${m[1]} aname=${m[2]} aemail=${m[3]} adate=${m[4]} cdate=${m[5]}
		[ -n "$cdate" ] && [ -n "${new[$parent]:-}" ] || die "cannot re-sign $c: not a commit of the series"
		author="$aname <$aemail>"
		kgit cat-file commit "$c" | sed '1,/^$/d' >"$tmp/msg"
		# The author's own sign-off, last: the sender's commit.
		from=$froms
		[ "$(awk '!n && $0 == "---" { n = 1 } !n && /^Signed-off-by: / { l = $0 } END { print l }' "$tmp/msg")" != \
			"Signed-off-by: $author" ] || from+=$'\n'$author
		RESIGN_FROM=$from RESIGN_TO=$target awk '
			BEGIN {
				n = split(ENVIRON["RESIGN_FROM"], f, "\n")
				for (i = 1; i <= n; i++) sob["Signed-off-by: " f[i]] = 1
				to = "Signed-off-by: " ENVIRON["RESIGN_TO"]
				sob[to] = 1
			}
			!notes && $0 == "---" { notes = 1 }
			!notes && ($0 in sob) { if (!seen++) print to; next }
			{ print }' "$tmp/msg" >"$tmp/msg.new"
		while IFS= read -r f; do
			[ "$author" != "$f" ] || { aname=$ID_NAME aemail=$ID_EMAIL; break; }
		done <<<"$from"
		if [ "${new[$parent]}" = "$parent" ] && [ "$aname <$aemail>" = "$author" ] &&
			cmp -s "$tmp/msg" "$tmp/msg.new"; then
			new[$c]=$c
			continue
		fi
		new[$c]=$(GIT_AUTHOR_NAME=$aname GIT_AUTHOR_EMAIL=$aemail GIT_AUTHOR_DATE=$adate \
			GIT_COMMITTER_NAME=$ID_NAME GIT_COMMITTER_EMAIL=$ID_EMAIL GIT_COMMITTER_DATE=$cdate \
			git --git-dir="$gd" -c i18n.commitEncoding=UTF-8 \
			commit-tree --no-gpg-sign -p "${new[$parent]}" -F "$tmp/msg.new" "$tree") ||
			die "could not re-sign $(kgit log -1 --format='%h %s' "$c")"
	done
	rm -rf "$tmp"
	printf '%s %s\n' "${new[$(kgit rev-parse "$FIXES_BRANCH^{commit}")]}" \
		"${new[$(kgit rev-parse "$SERIES_BRANCH^{commit}")]}"
}

# series_signers BRANCH: the authors of the series' commits on BRANCH,
# "Name <address>", one per line.
series_signers() {
	local s
	for s in $SERIES_NAMES; do
		[ "$(series_branch "$s")" = "$1" ] || continue
		kgit log --format='%an <%ae>' "$(series_below "$s")..$1" | sort -u
	done
}

# ---------------------------------------------------------------------------
# The export of one series, and what its cover letter says.

# The subject prefix of both series: "PATCH v3" (plain "PATCH" for 1).
subject_prefix() {
	if [ "${SERIES_REVISION:-1}" -gt 1 ]; then echo "PATCH v$SERIES_REVISION"; else echo PATCH; fi
}
series_change_id() { case $1 in fixes) echo "$FIXES_CHANGE_ID" ;; *) echo "$SERIES_CHANGE_ID" ;; esac; }
# cover_text FILE: a cover letter source without its comment lines.
cover_text() { grep -v '^#' "$1"; }
# cover_subject NAME: the first paragraph of its cover letter source, on one
# line, as git format-patch --cover-from-description=subject makes it.
cover_subject() {
	cover_text "$(series_cover "$1")" |
		awk 'done { next } NF { p = p (p == "" ? "" : " ") $0; next } p != "" { done = 1 } END { print p }'
}
# fixes_subject: the subject of the fixes series' cover letter, as the
# feature series' cover letter names it (@FIXES@): "[PATCH v3 00/11] ..."
# (numbered as format-patch numbers it).
fixes_subject() {
	local n
	n=$(kgit rev-list --count "$(base_rev)..$FIXES_BRANCH")
	printf '[%s %0*d/%d] %s\n' "$(subject_prefix)" ${#n} 0 "$n" "$(cover_subject fixes)"
}
# cover_fill FILE: @BASE@ and @FIXES@ in FILE replaced (in place) by the
# base's subject and fixes_subject.
cover_fill() {
	BASE_SUBJECT=$(kgit log -1 --format=%s "$(base_rev)") FIXES_SUBJECT=$(fixes_subject) perl -pi -e \
		's/\@BASE\@/$ENV{BASE_SUBJECT}/g; s/\@FIXES\@/$ENV{FIXES_SUBJECT}/g' "$1"
}
# cover_add_change_ids NAME FILE: the cover letter FILE of series NAME gets
# b4's tracking lines next to git's base-commit: ones at its end:
# "change-id: ..." after base-commit:, and in the feature series, before
# its prerequisite-patch-id: lines (the fixes), "prerequisite-change-id:
# <fixes change-id>:vN", as b4 writes a prerequisite series.
cover_add_change_ids() {
	local pre=
	[ "$1" = fixes ] || pre="$FIXES_CHANGE_ID:v${SERIES_REVISION:-1}"
	CID=$(series_change_id "$1") PRE=$pre perl -0pi -e '
		# Only in the last base-commit: line and what follows it.
		if (/\A(.*\n)(base-commit: \S+\n)(.*)\z/s) {
			my ($head, $base, $rest) = ($1, $2, $3);
			$rest =~ s/^(prerequisite-patch-id: )/prerequisite-change-id: $ENV{PRE}\n$1/m
				if $ENV{PRE} ne "";
			$_ = "$head${base}change-id: $ENV{CID}\n$rest";
		}
	' "$2"
}

# series_format_patch GITDIR NAME OUTDIR [ARGS...]: git format-patch of
# series NAME (with its cover letter from cover-letter*.txt, as it is before
# cover_fill) from the repository GITDIR into OUTDIR: commit ids zeroed, the
# cover letter dated as its last patch and sent as the series' author
# ($ID_NAME, resolve_identity), no signature, base-commit: the base.  Blob
# ids in the index lines have 7 digits: git's default length grows with the
# number of objects in packs, which differs between kernel trees (a fresh
# one has no pack) and would change the export.  Attributes (diff=cpp, for
# the function names in hunk headers) and .mailmap come from kernel/src's
# work tree, also for a scratch GITDIR.
series_format_patch() {
	local gd=$1 s=$2 out=$3 branch last_date
	shift 3
	branch=$(series_branch "$s")
	last_date=$(git --git-dir="$gd" log -1 --format=%aD "$branch")
	GIT_COMMITTER_NAME=${ID_NAME:-$PROJECT_NAME} GIT_COMMITTER_EMAIL=${ID_EMAIL:-$PROJECT_EMAIL} \
	GIT_COMMITTER_DATE=$last_date \
	git -C "$SRC" --git-dir="$gd" --work-tree="$SRC" -c core.autocrlf=false -c core.abbrev=7 \
		-c branch."$branch".description="$(cover_text "$(series_cover "$s")")" \
		-c format.signature= -c diff.noprefix=false -c diff.renames=true \
		-c format.coverLetter=false -c format.numbered=auto \
		format-patch -q --zero-commit --no-signature --cover-letter \
		--cover-from-description=subject --base="$(base_rev)" \
		--subject-prefix="$(subject_prefix)" \
		--encode-email-headers -o "$out" "$@" "$(series_below "$s")..$branch"
}

# patch_files_in DIR: the patches (NNNN-*.patch) in DIR, without the cover
# letter, one per line.
patch_files_in() {
	local f
	for f in "$1"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "${f##*/}" = 0000-cover-letter.patch ] || printf '%s\n' "$f"
	done
}

# series_state: a directory of kernel/src's git directory for what the
# scripts keep about the branches (b4's cover templates, recipients).
series_state() {
	local d
	d=$(kgit rev-parse --path-format=absolute --git-common-dir)/series
	mkdir -p "$d"
	echo "$d"
}

# series_recipients NAME PATCH...: the To: and Cc: of series NAME, one
# "To: ADDRESS" or "Cc: ADDRESS" line each, as scripts/get_maintainer.pl
# gives them for its patches: maintainers and reviewers To, lists Cc
# (addresses only; an address in To: is not repeated in Cc:), and for the
# fixes also FIXES_CC.  Cached in series_state by the contents of the
# patches, MAINTAINERS and get_maintainer.pl (it takes seconds a series).
series_recipients() {
	local s=$1 key cache to
	shift
	key=$({ echo "$s $FIXES_CC"; cat "$SRC/MAINTAINERS" "$SRC/scripts/get_maintainer.pl" "$@"; } |
		sha256sum | cut -c1-40)
	cache=$(series_state)/recipients/$key
	if [ ! -s "$cache" ]; then
		mkdir -p "${cache%/*}"
		to=$(cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --non --no-l --no-r --no-s "$@" 2>/dev/null | sort -u)
		{
			printf '%s\n' "$to" | sed -n 's/^./To: &/p'
			{
				cd "$SRC" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
					--no-rolestats --non --no-m --r --l --no-s "$@" 2>/dev/null
				# shellcheck disable=SC2086 # FIXES_CC is a list of addresses
				[ "$s" != fixes ] || printf '%s\n' $FIXES_CC
			} | sort -u | { grep -vxF -f <(printf '%s\n' "$to") || true; } | sed -n 's/^./Cc: &/p'
		} >"$cache.tmp"
		[ -n "$to" ] || die "scripts/get_maintainer.pl found no maintainer for the $s series"
		mv "$cache.tmp" "$cache"
	fi
	cat "$cache"
}

# ---------------------------------------------------------------------------
# b4 prep and b4 send.
#
# Each series branch is a b4 prep branch (b4 0.12, Debian 12's), with the
# "branch-description" cover strategy: the cover letter is the branch's
# description (branch.NAME.description: subject line, blank line, body,
# then To:/Cc: trailers) and b4's tracking data is branch.NAME.b4-tracking
# (change-id, revision, base-branch: the fixes branch sits on the tag
# series-base, the feature branch on the fixes branch).  No commit is
# added to the branches.  b4's cover letter template for each branch
# (b4.prep-cover-template, set for that branch alone by an
# [includeIf "onbranch:NAME"] section of kernel/src's git config) ends with
# the same base-commit:, change-id: and prerequisite lines as the exported
# cover letter: b4 0.12 would write the commit below the series as the
# base (the fixes' tip, for the feature series) and knows no prerequisites.
# cover-letter*.txt stay the source of the cover letters: b4_prep_sync
# writes them (with @BASE@ and @FIXES@ filled in, and To/Cc from
# get_maintainer.pl) into the branches.

# b4_cover NAME RECIPIENTS: the b4 cover letter of series NAME; RECIPIENTS
# is a file of series_recipients lines.
b4_cover() {
	local f
	f=$(mktemp)
	cover_text "$(series_cover "$1")" | awk 'p { print; next } !NF && seen { p = 1 } NF { seen = 1 }' >"$f"
	cover_fill "$f"
	cover_subject "$1"
	echo
	# The body without blank lines around it, then the trailers.
	awk 'NF { for (; blank > 0; blank--) print ""; print; started = 1; next } started { blank++ }' "$f"
	echo
	cat "$2"
	rm -f "$f"
}

# b4_prep_sync: make (or bring up to date) both branches' b4 prep state from
# cover-letter*.txt, kernel/base.conf (revision, change-ids) and the
# commits.  A cover letter edited in a branch (b4 prep --edit-cover) is
# replaced, and saved in .git/series/b4/NAME.cover.edited.
b4_prep_sync() {
	local s branch st tmp cur old new json patches
	check_stacked
	st=$(series_state)/b4
	mkdir -p "$st"
	tmp=$(mktemp -d)
	for s in $SERIES_NAMES; do
		branch=$(series_branch "$s")
		series_format_patch "$(kgit rev-parse --absolute-git-dir)" "$s" "$tmp/$s"
		mapfile -t patches < <(patch_files_in "$tmp/$s")
		series_recipients "$s" "${patches[@]}" >"$tmp/$s.rcpt"

		# The cover letter.
		b4_cover "$s" "$tmp/$s.rcpt" >"$tmp/$s.cover"
		new=$(cat "$tmp/$s.cover")
		cur=$(kgit config --get "branch.$branch.description" || true)
		old=$(cat "$st/$branch.cover" 2>/dev/null || true)
		if [ -n "$cur" ] && [ "$cur" != "$new" ] && [ "$cur" != "$old" ]; then
			printf '%s\n' "$cur" >"$st/$branch.cover.edited"
			say "b4: the cover letter of $branch was changed in the branch (b4 prep --edit-cover?), but cover-letter*.txt is its source: replaced, the changed one saved in $st/$branch.cover.edited"
		fi
		kgit config "branch.$branch.description" "$new"
		printf '%s\n' "$new" >"$st/$branch.cover"

		# The tracking data: revision, change-id and base from here, the
		# rest (b4's history of sent revisions, extra prefixes) kept.
		json=$(OLD=$(kgit config --get "branch.$branch.b4-tracking" || true) \
			REV=${SERIES_REVISION:-1} CID=$(series_change_id "$s") \
			BASE=$(case $s in fixes) echo series-base ;; *) echo "$FIXES_BRANCH" ;; esac) \
			python3 -c '
import json, os
try:
    t = json.loads(os.environ["OLD"] or "{}")
except ValueError:
    t = {}
s = t.setdefault("series", {})
s["revision"] = int(os.environ["REV"])
s["change-id"] = os.environ["CID"]
s["base-branch"] = os.environ["BASE"]
s.setdefault("prefixes", [])
print(json.dumps(t))')
		kgit config "branch.$branch.b4-prep-cover-strategy" branch-description
		kgit config "branch.$branch.b4-tracking" "$json"

		# The cover letter template: b4's default, with the exported cover
		# letter's base-commit:, change-id: and prerequisite lines.
		cover_add_change_ids "$s" "$tmp/$s/0000-cover-letter.patch"
		{
			# shellcheck disable=SC2016 # b4's template variables
			printf '%s\n' '${cover}' '' '---' '${shortlog}' '' '${diffstat}' '---'
			sed -n '/^base-commit: /,$p' "$tmp/$s/0000-cover-letter.patch" | grep .
			# shellcheck disable=SC2016
			printf '%s\n' '' 'Best regards,' '-- ' '${signature}'
		} >"$st/$branch.cover-template"
		printf '# b4 settings of branch %s (scripts/lib.sh, b4_prep_sync)\n[b4]\n\tprep-cover-template = %s\n' \
			"$branch" "$st/$branch.cover-template" >"$st/$branch.gitconfig"
		kgit config "includeIf.onbranch:$branch.path" "$st/$branch.gitconfig"
	done
	rm -rf "$tmp"
	b4_sent_tags
}

# b4_sent_tags: when the previous revision is tagged (series-vN, see
# ensure_prev_tag), the tags b4 prep --compare-to vN looks for,
# sent/BRANCH-vN, as b4 send (or b4 prep --manual-reroll) would have made
# them: annotated, with base-commit: and change-id:.  The previous
# revision's fixes are its first patches (as many as patches/vN/fixes/
# has, or PREV_FIXES_COUNT when it was one series), its feature series the
# rest.  Tags that b4 made itself are left alone.
b4_sent_tags() {
	[ "${SERIES_REVISION:-1}" -gt 1 ] || return 0
	local p=$((SERIES_REVISION - 1)) base total nfix fixtip s tag target below msg
	kgit rev-parse -q --verify "refs/tags/series-v$p^{commit}" >/dev/null || return 0
	base=$(base_rev)
	total=$(kgit rev-list --count "$base..series-v$p")
	if [ -f "$TOP/patches/v$p/fixes/series" ]; then
		nfix=$(sed -e 's/#.*//' "$TOP/patches/v$p/fixes/series" | grep -c .)
	else
		nfix=${PREV_FIXES_COUNT:-0}
	fi
	fixtip=$(kgit rev-parse "series-v$p~$((total - nfix))")
	for s in $SERIES_NAMES; do
		tag=sent/$(series_branch "$s")-v$p
		case $s in
		fixes) target=$fixtip below=$base ;;
		*) target=$(kgit rev-parse "series-v$p^{commit}") below=$fixtip ;;
		esac
		[ "$target" != "$below" ] || continue
		if kgit rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
			case $(kgit cat-file -p "refs/tags/$tag") in
			*$'\n'"Recorded by scripts/lib.sh"*) ;;
			*) continue ;;
			esac
			[ "$(kgit rev-parse "$tag^{commit}")" != "$target" ] || continue
		fi
		msg="v$p of the $s series, as posted (patches/v$p/, tag series-v$p): patches $(
			[ "$s" = fixes ] && echo "1-$nfix" || echo "$((nfix + 1))-$total") of $total.

Recorded by scripts/lib.sh (b4_sent_tags) for b4 prep --compare-to v$p.

base-commit: $below
change-id: $(series_change_id "$s")"
		printf '%s\n' "$msg" | GIT_COMMITTER_DATE=$BASE_DATE kgit tag -f -a -F - "$tag" "$target" >/dev/null
		say "b4: tagged $tag ($(kgit rev-parse --short "$target"))"
	done
}

# b4_tree BRANCH: a work tree of kernel/src with BRANCH checked out, for b4
# (which works on the current branch): the one that has it checked out, or
# else a new one without files, $BUILD_DIR/b4-BRANCH (its index marks every
# file skip-worktree, so that git status is clean; only .gitattributes,
# .mailmap and .b4-config are there), which b4_tree_done removes: git rebase
# --update-refs does not move a branch that another work tree has checked
# out.
b4_tree() {
	local b=$1 wt f
	wt=$(kgit worktree list --porcelain |
		awk -v r="branch refs/heads/$b" '/^worktree / { w = substr($0, 10) } $0 == r && !f { print w; f = 1 }')
	if [ -n "$wt" ]; then
		echo "$wt"
		return
	fi
	wt=$BUILD_DIR/b4-$b
	rm -rf "$wt"
	kgit worktree prune
	mkdir -p "$BUILD_DIR"
	kgit worktree add -q --no-checkout "$wt" "$b" >&2
	git -C "$wt" read-tree HEAD
	git -C "$wt" ls-files -z | git -C "$wt" update-index -z --skip-worktree --stdin
	# What git and b4 read from the work tree: attributes (diff=cpp gives
	# the function names in hunk headers), .mailmap, b4's settings.
	git -C "$wt" ls-files -z -- .mailmap .b4-config ':(glob).gitattributes' ':(glob)**/.gitattributes' |
		while IFS= read -r -d '' f; do
			git -C "$wt" update-index --no-skip-worktree -- "$f"
			git -C "$wt" checkout -q -- "$f"
		done
	echo "$wt"
}
b4_tree_done() {
	case $1 in
	"$BUILD_DIR"/b4-*) [ ! -e "$1/.git" ] || kgit worktree remove --force "$1" ;;
	esac
}

# resign_branches: both series branches of kernel/src re-signed in place as
# $ID_NAME <$ID_EMAIL> (resign_series); the trees stay as they are, so does
# a work tree that has one of them checked out.  RESIGNED is 1 if that
# changed them, else 0.
resign_branches() {
	local tips of os
	of=$(kgit rev-parse "$FIXES_BRANCH^{commit}")
	os=$(kgit rev-parse "$SERIES_BRANCH^{commit}")
	tips=$(resign_series "$(kgit rev-parse --absolute-git-dir)") || die "could not re-sign the branches"
	[[ $tips =~ ^[0-9a-f]{40}\ [0-9a-f]{40}$ ]] || die "could not re-sign the branches ($tips)"
	RESIGNED=0
	[ "$tips" != "$of $os" ] || return 0
	kgit update-ref -m "resign: $ID_NAME <$ID_EMAIL>" "refs/heads/$FIXES_BRANCH" "${tips% *}" "$of"
	kgit update-ref -m "resign: $ID_NAME <$ID_EMAIL>" "refs/heads/$SERIES_BRANCH" "${tips#* }" "$os"
	RESIGNED=1
}

# signer_note: a line for each branch whose commits are not all authored by
# $ID_NAME <$ID_EMAIL>, saying so and what re-signs them.
signer_note() {
	local b who
	for b in "$FIXES_BRANCH" "$SERIES_BRANCH"; do
		who=$(series_signers "$b")
		[ "$who" != "$ID_NAME <$ID_EMAIL>" ] || continue
		echo "the commits of $b are by $(printf '%s\n' "$who" | paste -sd, - | sed 's/,/, /g'), not by $ID_NAME <$ID_EMAIL> ($ID_SOURCE): make resign signs them off as that"
	done
}

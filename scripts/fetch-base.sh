#!/usr/bin/env bash
# Fetch the newest linux-source package of a pinned release line
# (kernel/base.conf) from the Debian archive this machine is configured
# for, without touching the system's apt state, and unpack its source
# tarball into the cache.  Prints the path of the unpacked tree and writes
# its exact package version next to it (VERSION).
#
#   scripts/fetch-base.sh          the base of the series: BASE_PACKAGE from
#                                  BASE_SUITES, into .cache/base/ (private
#                                  apt state in .cache/apt/)
#   scripts/fetch-base.sh --lts    the LTS tree of the lts stage
#                                  (scripts/run-lts.sh): LTS_PACKAGE from
#                                  LTS_SUITES, into .cache/lts/ (private apt
#                                  state in .cache/apt-lts/)
#
# The archive URI is read from the machine's own apt sources; no host name
# is written here.  Everything apt keeps (sources list, lists, archives,
# status) lives in a private directory under the cache (lib-apt.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib-apt.sh
. "$(dirname "$0")/lib-apt.sh"

need dpkg-deb dpkg
need tar tar
need xz xz-utils

# fetch_source PACKAGE SUITES APT_DIR DEST_ROOT HINT: the newest PACKAGE of
# SUITES, unpacked into DEST_ROOT/PACKAGE-VERSION/tree (kept: a second call
# only updates the lists); prints DEST_ROOT/PACKAGE-VERSION.  HINT ends
# the message when no suite has the package.
fetch_source() {
	local pkg=$1 suites=$2 apt_dir=$3 root=$4 hint=$5
	local versions version v dest deb tarball
	local -a apt_opts debs tarballs

	apt_private "$apt_dir" deb "$suites" "or pass KERNEL_SRC=/path/to/linux"
	apt_opts=("${APT_OPTS[@]}")
	say "fetch: updating the private package lists ($suites)"
	apt_update

	# Newest version of the pinned package across the suites.
	versions=$(apt-cache "${apt_opts[@]}" madison "$pkg" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
	[ -n "$versions" ] || die "package $pkg not found in suites: $suites.  $hint"
	version=""
	for v in $versions; do
		if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
			version=$v
		fi
	done
	say "fetch: newest $pkg is $version"

	dest=$root/$pkg-$version
	if [ -f "$dest/.complete" ]; then
		say "fetch: reusing $dest"
		echo "$dest"
		return 0
	fi

	debs=("$apt_dir"/archives/"${pkg}"_"${version//:/%3a}"_*.deb)
	if [ ! -f "${debs[0]}" ]; then
		say "fetch: downloading $pkg=$version"
		(cd "$apt_dir/archives" && apt-get "${apt_opts[@]}" -qq download "$pkg=$version" >&2) ||
			die "apt-get download $pkg=$version failed"
		debs=("$apt_dir"/archives/"${pkg}"_"${version//:/%3a}"_*.deb)
		[ -f "${debs[0]}" ] || die "apt-get download $pkg=$version left no .deb in $apt_dir/archives"
	fi
	deb=${debs[0]}

	rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
	say "fetch: unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$dest.tmp/pkg"
	tarballs=("$dest.tmp"/pkg/usr/src/linux-source-*.tar.*)
	tarball=${tarballs[0]}
	[ -f "$tarball" ] || die "$(basename "$deb") holds no /usr/src/linux-source-*.tar.*"
	mkdir -p "$dest.tmp/tree"
	tar -xf "$tarball" -C "$dest.tmp/tree" --strip-components=1
	rm -rf "$dest.tmp/pkg"
	is_kernel_tree "$dest.tmp/tree" || die "$tarball did not unpack into a kernel tree"
	rm -rf "$dest" && mv "$dest.tmp" "$dest"
	echo "$pkg $version" >"$dest/VERSION"
	touch "$dest/.complete"
	say "fetch: tree at $dest/tree"
	echo "$dest"
}

case ${1:-} in
"")
	fetch_source "$BASE_PACKAGE" "$BASE_SUITES" "$CACHE_DIR/apt" "$CACHE_DIR/base" \
		"The pinned release line (BASE_LINE=$BASE_LINE in kernel/base.conf) is gone: rebase the series onto a newer line, or pass KERNEL_SRC=/path/to/linux" ;;
--lts)
	fetch_source "$LTS_PACKAGE" "$LTS_SUITES" "$CACHE_DIR/apt-lts" "$CACHE_DIR/lts" \
		"The LTS line (LTS_LINE=$LTS_LINE in kernel/base.conf) is gone from them: move LTS_LINE and LTS_SUITES to the oldest LTS line the archive still has, or pass LTS_SRC=/path/to/linux to scripts/run-lts.sh" ;;
*)
	die "usage: scripts/fetch-base.sh [--lts]" ;;
esac

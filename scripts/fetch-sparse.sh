#!/usr/bin/env bash
# A sparse that the kernel accepts, built from Debian's source package.
#
# The kernel refuses a checker that scripts/checker-valid.sh finds lacking
# (7.3 needs __typeof_unqual__, which sparse 0.6.4, Debian 12's and
# trixie's, cannot parse): C=1 then silently checks nothing.  sid carries
# a newer sparse (0.6.5~rc1 or later) as a source package.  This fetches
# the newest sparse source of $SPARSE_SUITE (default sid) from the Debian
# archive of this machine's apt sources, through a private apt
# configuration (lib-apt.sh: .cache/apt/sparse, nothing of the system's
# apt state touched), unpacks it with dpkg-source, builds the sparse
# program alone with plain make (no libxml, gtk, llvm or sqlite parts),
# keeps it in .cache/sparse-VERSION/ and prints its path:
#
#   CHECK=$(scripts/fetch-sparse.sh)
#
# The result must pass the kernel tree's scripts/checker-valid.sh (the
# tree of kernel/src, or KERNEL_SRC); otherwise this fails.  A sparse built
# before is reused without a download (no network needed) unless
# SPARSE_REFRESH=1; the first build takes about a minute.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=lib-apt.sh
. "$(dirname "$0")/lib-apt.sh"

need dpkg-source dpkg-dev
need make make
need gcc gcc
is_kernel_tree "$SRC" || die "$SRC is not a kernel tree: run scripts/apply.sh first (its scripts/checker-valid.sh judges the sparse)"
suite=${SPARSE_SUITE:-sid}

# valid BINARY: the kernel's own test, with the flags the kernel passes.
valid() {
	[ "$("$SRC/scripts/checker-valid.sh" "$1" -D__linux__ -Dlinux -D__STDC__ -Dunix -D__unix__ 2>/dev/null)" = 1 ]
}

# The newest sparse built before, when it still passes.
if [ "${SPARSE_REFRESH:-0}" != 1 ]; then
	for d in $(printf '%s\n' "$CACHE_DIR"/sparse-* | sort -V -r); do
		if [ -f "$d/.complete" ] && [ -x "$d/bin/sparse" ] && valid "$d/bin/sparse"; then
			say "sparse: reusing $d ($(cat "$d/VERSION"))"
			echo "$d/bin/sparse"
			exit 0
		fi
	done
fi

apt_private "$CACHE_DIR/apt/sparse" deb-src "$suite"
say "sparse: updating the private source lists ($suite)"
apt_update
version=
for v in $(apt-cache "${APT_OPTS[@]}" showsrc sparse 2>/dev/null | sed -n 's/^Version: //p'); do
	if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
		version=$v
	fi
done
[ -n "$version" ] || die "no source package sparse in suite $suite of the Debian archive"
dest=$CACHE_DIR/sparse-$version
if [ -f "$dest/.complete" ] && [ -x "$dest/bin/sparse" ]; then
	valid "$dest/bin/sparse" || die "$dest/bin/sparse ($version) is refused by $SRC/scripts/checker-valid.sh"
	say "sparse: reusing $dest"
	echo "$dest/bin/sparse"
	exit 0
fi

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
say "sparse: downloading the source of sparse $version ($suite)"
# apt checks the files against the signed Sources index.
(cd "$dest.tmp" && apt-get "${APT_OPTS[@]}" -qq --download-only source "sparse=$version" \
	>"$dest.tmp/download.log" 2>&1) ||
	{ sed 's/^/  /' "$dest.tmp/download.log" >&2; die "apt-get source sparse=$version failed"; }
dsc=$(find "$dest.tmp" -maxdepth 1 -name 'sparse_*.dsc' | head -n 1)
[ -n "$dsc" ] || die "apt-get source sparse=$version left no .dsc"
say "sparse: unpacking $(basename "$dsc") and building it"
dpkg-source -x "$dsc" "$dest.tmp/src" >"$dest.tmp/unpack.log" 2>&1 ||
	{ sed 's/^/  /' "$dest.tmp/unpack.log" >&2; die "dpkg-source -x $(basename "$dsc") failed"; }
# The checker alone: the optional parts (c2xml, the gtk viewer, the llvm
# back end, the sqlite semantic index) are not built.  Debian's packaging
# sets CC = gcc-16 (its build dependency): the machine's gcc does.
if ! make -C "$dest.tmp/src" -j"$JOBS" CC=gcc HAVE_LIBXML=no HAVE_GTK=no HAVE_LLVM=no HAVE_SQLITE=no \
	sparse >"$dest.tmp/build.log" 2>&1; then
	tail -n 30 "$dest.tmp/build.log" >&2
	die "building sparse $version failed (full log: $dest.tmp/build.log)"
fi
mkdir -p "$dest.tmp/bin"
cp "$dest.tmp/src/sparse" "$dest.tmp/bin/sparse"
valid "$dest.tmp/bin/sparse" ||
	die "sparse $version ($dest.tmp/bin/sparse) is refused by $SRC/scripts/checker-valid.sh"
rm -rf "$dest.tmp/src" "$dest"
mv "$dest.tmp" "$dest"
echo "sparse $version" >"$dest/VERSION"
touch "$dest/.complete"
# (sparse --version says 0.6.4 for 0.6.5~rc1: the tarball's Makefile has
# not been bumped; the package version is in VERSION.)
say "sparse: sparse $version at $dest/bin/sparse"
echo "$dest/bin/sparse"

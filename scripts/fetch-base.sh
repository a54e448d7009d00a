#!/usr/bin/env bash
# Fetch the newest linux-source package of the pinned release line
# (kernel/base.conf) from the Debian archive this machine is configured
# for, without touching the system's apt state, and unpack its source
# tarball into the cache.  Prints the path of the unpacked tree and writes
# its exact package version next to it (VERSION).
#
# The archive URI is read from the machine's own apt sources; no host name
# is written here.  Everything apt keeps (sources list, lists, archives,
# status) lives in a private directory under the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need apt-get apt
need dpkg-deb dpkg
need tar tar
need xz xz-utils

# The Debian archive URIs of the machine's apt sources (one-line and deb822
# formats); security and third-party archives are left out: only an archive
# that carries the main suites can carry linux-source.
debian_uris() {
	local f
	{
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
			[ -r "$f" ] || continue
			sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"
		done
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -r "$f" ] || continue
			# Only stanzas whose Types include "deb" and which are enabled.
			awk 'BEGIN { RS = ""; FS = "\n" }
			{
				types = ""; uris = ""; enabled = "yes"
				for (i = 1; i <= NF; i++) {
					if ($i ~ /^Types:/) types = $i
					else if ($i ~ /^URIs:/) uris = $i
					else if ($i ~ /^Enabled:/) enabled = $i
				}
				if (types ~ /[[:space:]]deb([[:space:]]|$)/ && enabled !~ /no/) {
					sub(/^URIs:[[:space:]]*/, "", uris); print uris
				}
			}' "$f" | tr ' ' '\n'
		done
	} | grep -E '^(https?|file|mirror\+[a-z]+)://' | grep -E '/debian/?$' | awk '!seen[$0]++'
}

uris=$(debian_uris)
[ -n "$uris" ] || die "no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d: configure one (a 'deb <uri>/debian <suite> main' line), or pass KERNEL_SRC=/path/to/linux"

APT_DIR=$CACHE_DIR/apt
mkdir -p "$APT_DIR"/{lists/partial,archives/partial,etc/preferences.d,etc/sources.list.d}
: > "$APT_DIR/status"
{
	for u in $uris; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $BASE_SUITES main"
	done
} > "$APT_DIR/etc/sources.list"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	die "/usr/share/keyrings/debian-archive-keyring.gpg missing: install the Debian package 'debian-archive-keyring'"

# sid's Release file on some mirrors is past Valid-Until; its signature is
# still checked.
APT_OPTS=(
	-o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list"
	-o "Dir::Etc::SourceParts=$APT_DIR/etc/sources.list.d"
	-o "Dir::Etc::Preferences=$APT_DIR/etc/preferences"
	-o "Dir::Etc::PreferencesParts=$APT_DIR/etc/preferences.d"
	-o "Dir::State::Lists=$APT_DIR/lists"
	-o "Dir::State::Status=$APT_DIR/status"
	-o "Dir::Cache=$APT_DIR/cache"
	-o "Dir::Cache::Archives=$APT_DIR/archives"
	-o "Acquire::Check-Valid-Until=false"
	-o "Acquire::Languages=none"
	-o "APT::Get::List-Cleanup=false"
	-o "Debug::NoLocking=true"
	-o "APT::Sandbox::User=root"
)
mkdir -p "$APT_DIR/cache"

say "fetch: updating the private package lists ($BASE_SUITES)"
if ! apt-get "${APT_OPTS[@]}" -q update > "$APT_DIR/update.log" 2>&1; then
	sed 's/^/  /' "$APT_DIR/update.log" >&2
	die "apt-get update failed for suites: $BASE_SUITES (see above); or pass KERNEL_SRC=/path/to/linux"
fi

# Newest version of the pinned package across the suites.
versions=$(apt-cache "${APT_OPTS[@]}" madison "$BASE_PACKAGE" 2>/dev/null |
	awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
if [ -z "$versions" ]; then
	die "package $BASE_PACKAGE not found in suites: $BASE_SUITES.  The pinned release line (BASE_LINE=$BASE_LINE in kernel/base.conf) is gone: rebase the series onto a newer line, or pass KERNEL_SRC=/path/to/linux"
fi
version=""
for v in $versions; do
	if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
		version=$v
	fi
done
say "fetch: newest $BASE_PACKAGE is $version"

dest=$CACHE_DIR/base/$BASE_PACKAGE-$version
if [ -f "$dest/.complete" ]; then
	say "fetch: reusing $dest"
	echo "$dest"
	exit 0
fi

deb=$(ls "$APT_DIR"/archives/"${BASE_PACKAGE}"_"${version//:/%3a}"_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	say "fetch: downloading $BASE_PACKAGE=$version"
	(cd "$APT_DIR/archives" && apt-get "${APT_OPTS[@]}" -qq download "$BASE_PACKAGE=$version" >&2) ||
		die "apt-get download $BASE_PACKAGE=$version failed"
	deb=$(ls "$APT_DIR"/archives/"${BASE_PACKAGE}"_*.deb | head -n 1)
fi

rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
say "fetch: unpacking $(basename "$deb")"
dpkg-deb -x "$deb" "$dest.tmp/pkg"
tarball=$(ls "$dest.tmp"/pkg/usr/src/linux-source-*.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || die "$(basename "$deb") holds no /usr/src/linux-source-*.tar.*"
mkdir -p "$dest.tmp/tree"
tar -xf "$tarball" -C "$dest.tmp/tree" --strip-components=1
rm -rf "$dest.tmp/pkg"
is_kernel_tree "$dest.tmp/tree" || die "$tarball did not unpack into a kernel tree"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "$BASE_PACKAGE $version" > "$dest/VERSION"
touch "$dest/.complete"
say "fetch: base tree at $dest/tree"
echo "$dest"

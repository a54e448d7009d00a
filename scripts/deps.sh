#!/usr/bin/env bash
# Install what the scripts need from Debian's archive (as root), or, when not
# root, say which packages are missing.  sparse is Debian 12's, too old for
# the kernel: scripts/fetch-sparse.sh builds sid's from source, with
# dpkg-source (dpkg-dev), gcc and make.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pkgs=(build-essential bc flex bison libelf-dev libssl-dev python3 perl git
	xz-utils quilt b4 rsync cpio kmod debian-archive-keyring ca-certificates
	qemu-system-x86 sparse dpkg-dev
	${EXTRA_PACKAGES:-})
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ "${#missing[@]}" = 0 ] && { say "deps: all installed"; exit 0; }
if [ "$(id -u)" != 0 ]; then
	die "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"
fi
say "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >/dev/null || die "apt-get update failed"
apt-get -q install -y --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install ${missing[*]} failed"
say "deps: installed"

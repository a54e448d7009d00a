# shellcheck shell=bash
# A private apt configuration for fetching packages from the Debian archive
# this machine is configured for, without touching the system's apt state.
# Source it after lib.sh; do not run it.
#
#   apt_private DIR TYPES SUITES [HINT]
#       sets APT_DIR=DIR and APT_OPTS: a sources list of its own (one line
#       per Debian archive URI of this machine, of each type in TYPES,
#       "deb" and/or "deb-src", for the SUITES, component main), and its
#       own lists, cache, archives and (empty) status, all under DIR.
#       HINT ends the message of a failure here or in apt_update (what
#       else the user can do).
#   apt_update
#       apt-get update with that configuration; dies with apt's output.
#
# The archive URIs are read from the machine's own apt sources; no host
# name is written here.

need apt-get apt

# The Debian archive URIs of the machine's apt sources (one-line and deb822
# formats); security and third-party archives are left out: only an archive
# that carries the main suites carries what the scripts fetch.
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

apt_private() {
	local dir=$1 types=$2 suites=$3 uris u t
	APT_SUITES=$suites APT_HINT=${4:+; $4}
	uris=$(debian_uris)
	[ -n "$uris" ] || die "no Debian archive found in /etc/apt/sources.list or /etc/apt/sources.list.d: configure one (a 'deb <uri>/debian <suite> main' line)$APT_HINT"
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] ||
		die "/usr/share/keyrings/debian-archive-keyring.gpg missing: install the Debian package 'debian-archive-keyring'"
	APT_DIR=$dir
	mkdir -p "$APT_DIR"/{lists/partial,archives/partial,cache,etc/preferences.d,etc/sources.list.d}
	: >"$APT_DIR/status"
	for u in $uris; do
		for t in $types; do
			echo "$t [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $suites main"
		done
	done >"$APT_DIR/etc/sources.list"
	# sid's Release file on some mirrors is past Valid-Until; its signature
	# is still checked.
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
}

apt_update() {
	if ! apt-get "${APT_OPTS[@]}" -q update >"$APT_DIR/update.log" 2>&1; then
		sed 's/^/  /' "$APT_DIR/update.log" >&2
		die "apt-get update failed for suites: $APT_SUITES (see above)$APT_HINT"
	fi
}

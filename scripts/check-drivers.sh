#!/usr/bin/env bash
# Driver conversions that the UML test kernel cannot build (PCI GPU drivers
# such as radeon need x86): every patch of both series that
# changes such a driver file has its objects built at that patch and at its
# parent, with W=1, in an x86_64 configuration (defconfig plus the drivers
# as modules, in $BUILD_DIR/x86-w1).  A build error, or a W=1 warning about
# a changed file that the parent does not give, fails the patch.  One check
# per patch that changes such a file; "ok" lines name the objects built.
#
#   scripts/check-drivers.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need make make
need gcc gcc
need flex flex
need bison bison
# The drivers the configuration builds, and the directories they own.
drivers='DRM_RADEON:drivers/gpu/drm/radeon/'
# Every commit of both series, fixes first ("COMMIT NAME", NAME as the
# patch file's: fixes/0001-..., then 0001-...).
check_stacked
mapfile -t commits < <(series_commits)
obj=$BUILD_DIR/x86-w1
mkdir -p "$obj" "$OUT_DIR"
wt=
configured=false

# Compiler and kernel-doc diagnostics about FILE, without line numbers, so
# that the same warning in the parent and the patch compare equal.
diags() { grep -E "^([^ ]*/)?$1:[0-9]+(:[0-9]+)?: (warning|error)|[Ww]arning: [^ ]*$1:[0-9]+" "$2" |
	sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u || true; }

build() { # build REV LOG OBJECTS...: build the objects at REV
	local rev=$1 log=$2
	shift 2
	git -C "$wt" checkout -q -f --detach "$rev"
	if ! $configured; then
		make -s -C "$wt" O="$obj" ARCH=x86_64 defconfig >"$log" 2>&1
		local d
		for d in $drivers; do
			"$wt/scripts/config" --file "$obj/.config" -m "${d%%:*}"
		done
		make -s -C "$wt" O="$obj" ARCH=x86_64 olddefconfig >>"$log" 2>&1
		configured=true
	else
		: >"$log"
	fi
	make -s -C "$wt" O="$obj" ARCH=x86_64 -j"$JOBS" W=1 "$@" >>"$log" 2>&1
}

i=0
for entry in "${commits[@]}"; do
	c=${entry%% *} name=${entry#* }
	i=$((i + 1))
	files=()
	for f in $(kgit diff --name-only --diff-filter=M "$c^" "$c" -- '*.c'); do
		for d in $drivers; do
			[[ $f == "${d#*:}"* ]] && files+=("$f")
		done
	done
	[ ${#files[@]} -gt 0 ] || continue
	[ -n "$wt" ] || wt=$(check_tree)
	objs=("${files[@]/%.c/.o}")
	say "drivers: building ${objs[*]} for $name (x86_64, W=1)"
	plog=$OUT_DIR/drivers-$i-parent.log log=$OUT_DIR/drivers-$i.log
	if ! build "$c^" "$plog" "${objs[@]}"; then
		record FAIL "driver-build:$name" "the parent does not build; see $plog"
		continue
	fi
	if ! build "$c" "$log" "${objs[@]}"; then
		grep -E 'error|Error [0-9]' "$log" | head -n 20 | sed 's/^/  /' >&2
		record FAIL "driver-build:$name" "see $log"
		continue
	fi
	new=
	for f in "${files[@]}"; do
		new+=$(comm -13 <(diags "$f" "$plog") <(diags "$f" "$log"))
	done
	if [ -n "$new" ]; then
		printf '%s\n' "$new" | sed 's/^/  new: /' >&2
		record FAIL "driver-build:$name" "new W=1 warnings; see $log"
	else
		record PASS "driver-build:$name" "${objs[*]}: W=1, no new warning"
	fi
done
[ -n "$wt" ] || record SKIP driver-build "no patch changes a driver only x86_64 builds"

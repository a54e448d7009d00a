#!/bin/sh
# PID 1 of the test kernel booted by scripts/run-kselftests.sh with the host
# root mounted read-only: UML over hostfs, or the x86_64 SMP kernel under
# QEMU over 9p.  Mounts what the tests need, runs the installed
# kselftests and powers off.  Everything is printed on the console, between
# markers that the host side uses to cut out the TAP stream.
#
# Environment (from the kernel command line):
#   KSFT_DIR      installed kselftests (run_kselftest.sh and the targets)
#   KSFT_TIMEOUT  per-test timeout in seconds
#   KSFT_ONLY     optional: run only this test (run_kselftest.sh -t COLLECTION:TEST),
#                 or these (a comma-separated list)
#   KSFT_HALT     optional: "reboot" ends with reboot -f (QEMU runs with
#                 -no-reboot, so that exits it); default poweroff -f
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# devtmpfs has no /dev/std* or /dev/fd (udev makes them): the kselftest
# runner writes its per-test output to /dev/stdout.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t debugfs debugfs /sys/kernel/debug
# vkms devices are made through configfs (drivers/gpu/vkms out_fence).
mount -t configfs configfs /sys/kernel/config 2>/dev/null
# Scratch space; the tests themselves stay on the read-only host root, so
# no tmpfs goes over the directory that holds them (or this script).
for d in /tmp /run; do
	case "$KSFT_DIR/ $0" in
	"$d"/* | *" $d"/*) echo "KSFT-UML: $d holds the tests: no tmpfs on it" ;;
	*) mount -t tmpfs tmpfs "$d" 2>/dev/null ;;
	esac
done

echo "KSFT-UML: kernel $(uname -r), $(nproc 2>/dev/null || echo ?) cpu"
# The trace events the kernel command line asks for (trace_event=): how
# many of each system's events are on, from tracefs.  A kernel without
# event tracing has no such directory (or no tracefs) and ignores the
# parameter: the host side fails the check then.
if mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; then
	for sys in dma_fence sync_trace; do
		n=0 on=0
		for e in /sys/kernel/tracing/events/"$sys"/*/enable; do
			[ -r "$e" ] || continue
			n=$((n + 1))
			[ "$(cat "$e")" = 1 ] && on=$((on + 1))
		done
		echo "KSFT-UML: TRACE-EVENTS $sys $on of $n enabled"
	done
else
	echo "KSFT-UML: TRACE-EVENTS no tracefs"
fi
# Debug kernels: forget what kmemleak suspects from boot, so that what it
# reports after the run comes from the tests.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo clear >/sys/kernel/debug/kmemleak
fi
echo "KSFT-UML: BEGIN"
# KSFT_ONLY: one COLLECTION:TEST, or several separated by commas.
set --
for t in $(echo "${KSFT_ONLY:-}" | tr ',' ' '); do
	set -- "$@" -t "$t"
done
# Each program's wall time, from the runner's "# selftests: C: T" line to
# its result line, in milliseconds: printed after END as
# "KSFT-UML: TIME C:T MS" (the host side checks it against the runner's
# default timeout).
{
	cd "$KSFT_DIR" && ./run_kselftest.sh ${KSFT_TIMEOUT:+-o "$KSFT_TIMEOUT"} "$@" 2>&1
	echo "KSFT-UML: END rc=$?"
} | {
	times= t0=
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"# selftests: "*)
			t0=$(date +%s%3N) ;;
		"ok "*" selftests: "* | "not ok "*" selftests: "*)
			[ -n "$t0" ] || continue
			name=${line#*selftests: }
			name=${name%% #*}
			times="$times KSFT-UML: TIME ${name%%: *}:${name#*: } $(($(date +%s%3N) - t0))
"
			t0= ;;
		esac
	done
	printf '%s' "$times" | sed 's/^ //'
}
# Debug kernels: ask kmemleak for what the tests left behind.  Objects
# must be older than its minimum age to be reported: scan twice.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo "KSFT-UML: KMEMLEAK-BEGIN"
	cat /sys/kernel/debug/kmemleak
	echo "KSFT-UML: KMEMLEAK-END"
fi
# Lockdep kernels: is lockdep still on after the tests?  It switches
# itself off after its first report or when it runs out of entries, and
# everything after that runs unchecked.
if [ -r /proc/lockdep_stats ]; then
	echo "KSFT-UML: LOCKDEP $(grep -E '^ *debug_locks:' /proc/lockdep_stats | tr -s ' ' | sed 's/^ //')"
fi
# A kernel splat while the tests ran is a failure too: show what dmesg has.
echo "KSFT-UML: DMESG-BEGIN"
dmesg 2>/dev/null
echo "KSFT-UML: DMESG-END"
if [ "${KSFT_HALT:-}" = reboot ]; then
	reboot -f
fi
poweroff -f

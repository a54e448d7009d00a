#!/bin/sh
# PID 1 of the UML test kernel (booted by scripts/run-kselftests.sh with a
# read-only hostfs root).  Mounts what the tests need, runs the installed
# kselftests and powers off.  Everything is printed on the console, between
# markers that the host side uses to cut out the TAP stream.
#
# Environment (from the kernel command line):
#   KSFT_DIR      installed kselftests (run_kselftest.sh and the targets)
#   KSFT_TIMEOUT  per-test timeout in seconds
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
# Scratch space; the tests themselves stay on the read-only host root.
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run 2>/dev/null

echo "KSFT-UML: kernel $(uname -r), $(nproc 2>/dev/null || echo ?) cpu"
echo "KSFT-UML: BEGIN"
cd "$KSFT_DIR" && ./run_kselftest.sh -o "${KSFT_TIMEOUT:-900}" 2>&1
echo "KSFT-UML: END rc=$?"
# A kernel splat while the tests ran is a failure too: show what dmesg has.
echo "KSFT-UML: DMESG-BEGIN"
dmesg 2>/dev/null
echo "KSFT-UML: DMESG-END"
poweroff -f

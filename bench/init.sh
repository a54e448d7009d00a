#!/bin/sh
# PID 1 of a benchmark boot (bench/run.py): load the benchmark module, run
# the userspace sw_sync benchmark, print everything on the console.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
insmod "$BENCH_KO" iters="$BENCH_ITERS" batches="$BENCH_BATCHES" ||
	echo "BENCH-ERROR insmod failed"
dmesg | grep -E 'BENCH'
"$BENCH_SW" "$BENCH_SECONDS"
poweroff -f

#!/usr/bin/env python3
"""Benchmark the series: base kernel against patched kernel, side by side.

  bench/run.py [--pairs N] [--iters N] [--batches N] [--seconds S] [--cpu N] [--quick]
  bench/run.py --from-json out/bench.json

Builds two UML kernels from kernel/uml.config plus module support, one from
the base commit (series-base) and one from the series branch, in their own
O= directories under build/ (reused between runs), the benchmark module
(bench/dma_fence_bench.c) against each, and the userspace sw_sync benchmark
(bench/sw_sync_bench.c).  Then boots the two alternately, base then patched,
N pairs, each boot loading the module and running the userspace benchmark
(bench/init.sh), and prints a table: operation, base ns/op, patched ns/op,
patched/base, and patched/floor, where the floor is one uncontended
spin_lock_irqsave()/unlock pair measured in the same boot.  Every sample
goes to out/bench.json.

Each boot is pinned to one host CPU (--cpu; -1 unpins): UML's kernel and
its processes switch on the host for every syscall, much faster and with less
spread when they share a CPU.

UML runs kernel code natively on the host CPU, so ns/op measured in it are
comparable between the two kernels on the same machine; the machine is
printed with the table.  Numbers are medians: of the batches within a boot,
then of the boots.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD_DIR", os.path.join(TOP, "build"))
OUT = os.environ.get("OUT_DIR", os.path.join(TOP, "out"))
SRC = os.environ.get("KERNEL_SRC", os.path.join(TOP, "kernel", "src"))
JOBS = os.environ.get("JOBS", str(os.cpu_count() or 2))


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def sh(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, **kw)
    if r.returncode:
        sys.stderr.write(r.stdout[-4000:])
        sys.exit(f"bench: failed: {' '.join(cmd)}")
    return r.stdout


def tree_for(which):
    """The source tree of a kernel: the series branch (kernel/src) or a
    worktree of it at the base commit."""
    if which == "patched":
        return SRC
    wt = os.path.join(BUILD, "bench-base-tree")
    base = sh(["git", "-C", SRC, "rev-parse", "series-base^{commit}"]).strip()
    if not os.path.exists(os.path.join(wt, ".git")):
        shutil.rmtree(wt, ignore_errors=True)
        sh(["git", "-C", SRC, "worktree", "prune"])
        sh(["git", "-C", SRC, "worktree", "add", "-q", "--detach", wt, base])
    else:
        head = sh(["git", "-C", wt, "rev-parse", "HEAD"]).strip()
        if head != base:
            sh(["git", "-C", wt, "checkout", "-q", "-f", "--detach", base])
    return wt


def build(which):
    src = tree_for(which)
    obj = os.path.join(BUILD, f"bench-{which}")
    kunit = os.path.join(src, "tools", "testing", "kunit", "kunit.py")
    cfgs = ["--kunitconfig", os.path.join(TOP, "kernel", "uml.config"),
            "--kunitconfig", os.path.join(TOP, "bench", "bench.config")]
    log(f"building the {which} kernel in {obj}")
    sh([sys.executable, kunit, "build", "--build_dir", obj, "--jobs", JOBS] + cfgs, cwd=src)
    mod = os.path.join(BUILD, f"bench-mod-{which}")
    os.makedirs(mod, exist_ok=True)
    shutil.copy(os.path.join(TOP, "bench", "dma_fence_bench.c"), mod)
    with open(os.path.join(mod, "Kbuild"), "w") as f:
        f.write("obj-m += dma_fence_bench.o\n")
    sh(["make", "-s", "-C", src, f"O={obj}", "ARCH=um", f"M={mod}", "modules"])
    return obj, os.path.join(mod, "dma_fence_bench.ko")


def prod_sizes(which):
    """Struct sizes and kmalloc buckets from an x86_64 defconfig build of the
    tree (a production configuration: no lock debugging): bench/sizes.c is
    compiled to assembly against it and the sizes are read back."""
    src = tree_for(which)
    obj = os.path.join(BUILD, f"sizes-{which}")
    mod = os.path.join(obj, "sizes-mod")
    if not os.path.exists(os.path.join(obj, "include", "generated", "autoconf.h")):
        log(f"{which}: x86_64 defconfig headers for the struct sizes in {obj}")
        sh(["make", "-s", "-C", src, "ARCH=x86_64", f"O={obj}", "defconfig"])
        sh(["make", "-s", "-C", src, "ARCH=x86_64", f"O={obj}", f"-j{JOBS}", "prepare"])
    os.makedirs(mod, exist_ok=True)
    shutil.copy(os.path.join(TOP, "bench", "sizes.c"), mod)
    with open(os.path.join(mod, "Kbuild"), "w") as f:
        f.write("obj-m := sizes.o\nccflags-y := -I$(srctree)/drivers/dma-buf\n")
    sh(["make", "-s", "-C", src, "ARCH=x86_64", f"O={obj}", f"M={mod}", "sizes.s"])
    with open(os.path.join(mod, "sizes.s")) as f:
        return {m.group(1): int(m.group(2)) for m in re.finditer(r"SIZE (\w+) (\d+)", f.read())}


def kmalloc_bucket(size):
    """The kmalloc cache a kmalloc() of this size comes from on x86_64."""
    return next(b for b in (8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
                            4096, 8192) if b >= size)


def boot(obj, ko, args):
    cmd = [os.path.join(obj, "linux"), "mem=512M", "rootfstype=hostfs",
           "rootflags=/", "ro", f"init={os.path.join(TOP, 'bench', 'init.sh')}",
           f"BENCH_KO={ko}", f"BENCH_SW={os.path.join(BUILD, 'bench', 'sw_sync_bench')}",
           f"BENCH_ITERS={args.iters}", f"BENCH_BATCHES={args.batches}",
           f"BENCH_SECONDS={args.seconds}", "kunit.enable=0",
           "con=null", "con0=fd:0,fd:1"]
    pin = None
    if args.cpu >= 0:
        def pin():
            os.sched_setaffinity(0, {args.cpu})
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace",
                       timeout=1800, preexec_fn=pin)
    out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout)
    res = {"kernel": {}, "user": {}, "info": []}
    for line in out.splitlines():
        m = re.search(r"\bBENCH (\S+) ([\d. ]+)$", line)
        if m:
            res["kernel"][m.group(1)] = [float(x) for x in m.group(2).split()]
        m = re.search(r"SWBENCH (\S+) (\d+)", line)
        if m:
            res["user"][m.group(1)] = float(m.group(2))
        m = re.search(r"BENCH-INFO (.*)", line)
        if m:
            res["info"].append(m.group(1).strip())
    if "BENCH-DONE" not in out:
        sys.stderr.write(out[-3000:])
        sys.exit("bench: the benchmark module did not complete")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--iters", type=int, default=20000)
    ap.add_argument("--batches", type=int, default=15)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)),
                    help="host CPU every boot is pinned to (default: the highest "
                    "allowed one); -1 leaves the boots unpinned")
    ap.add_argument("--quick", action="store_true",
                    help="one short pair: checks that everything builds and runs")
    ap.add_argument("--from-json", metavar="FILE",
                    help="print the table again from the samples of an earlier run")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            saved = json.load(f)
        args.cpu = -1  # runs saved before --cpu existed were unpinned
        for k, v in saved["args"].items():
            if k != "from_json":
                setattr(args, k, v)
        report(args, saved["runs"], write=False, sizes=saved.get("sizes"))
        return
    if args.quick:
        args.pairs, args.iters, args.batches, args.seconds = 1, 200, 3, 0.1

    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    sh(["gcc", "-O2", "-Wall", "-pthread", "-o", os.path.join(BUILD, "bench", "sw_sync_bench"),
        os.path.join(TOP, "bench", "sw_sync_bench.c")])
    kernels = {w: build(w) for w in ("base", "patched")}
    sizes = {w: prod_sizes(w) for w in ("base", "patched")}

    runs = {"base": [], "patched": []}
    for p in range(args.pairs):
        for w in ("base", "patched"):
            log(f"pair {p + 1}/{args.pairs}: {w}")
            runs[w].append(boot(*kernels[w], args))
    report(args, runs, write=True, sizes=sizes)


def report(args, runs, write, sizes=None):

    def med(w, op):
        vals = [statistics.median(r["kernel"][op]) for r in runs[w] if op in r["kernel"]]
        return statistics.median(vals) if vals else None

    FLOOR = "floor_spin_lock_irqsave"

    def per_floor(w, op):
        """op in units of the boot's own floor, one value per boot: a boot
        that runs slow as a whole (host noise) is slow in its floor too."""
        return [statistics.median(r["kernel"][op]) / statistics.median(r["kernel"][FLOOR])
                for r in runs[w] if op in r["kernel"] and r["kernel"].get(FLOOR)]

    def boot_ratio(b, p):
        """Median of the patched boots' values over the median of the base
        boots', with the smallest and largest single patched boot against
        that base median."""
        if not b or not p:
            return None
        mb = statistics.median(b)
        vals = [x / mb for x in p]
        return statistics.median(p) / mb, min(vals), max(vals)

    def nratio(op, old=None):
        """The robust patched/base ratio: median over the patched boots of
        op/floor, over the median over the base boots of op/floor.  With
        old, a same-kernel comparison (op against old, both patched): the
        median of the per-boot ratios.  Returns (ratio, lo, hi), lo and hi
        the smallest and largest single-boot ratio (for patched/base: each
        patched boot against the median base boot)."""
        if old:
            vals = [statistics.median(r["kernel"][op]) / statistics.median(r["kernel"][old])
                    for r in runs["patched"] if op in r["kernel"] and old in r["kernel"]]
            if not vals:
                return None
            return statistics.median(vals), min(vals), max(vals)
        return boot_ratio(per_floor("base", op), per_floor("patched", op))

    def fmt_r(r):
        return "-" if r is None else f"{r[0]:.3f} [{r[1]:.3f}-{r[2]:.3f}]"

    def fmt(v, digits=2):
        return "-" if v is None else f"{v:.{digits}f}"

    def umed(w, op):
        vals = [r["user"][op] for r in runs[w] if op in r["user"]]
        return statistics.median(vals) if vals else None

    ops = list(dict.fromkeys(op for w in runs for r in runs[w] for op in r["kernel"]))
    floor = {w: med(w, "floor_spin_lock_irqsave") for w in runs}
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [f"machine: {cpu}, {os.cpu_count()} CPUs, {platform.machine()}; "
             f"UML kernels, {args.pairs} boot pairs (base, patched alternately), "
             f"{'each pinned to host CPU %d' % args.cpu if args.cpu >= 0 else 'unpinned'}, "
             f"{args.batches} batches x {args.iters} ops per boot; medians",
             "patched/base: raw = median ns/op over median ns/op; per-floor = each boot's "
             "ns/op divided by that boot's floor (one uncontended spin_lock_irqsave pair) "
             "before the medians, [range] = the patched boots one by one against the median "
             "base boot; goals are read on per-floor",
             f"{'operation':<28} {'base ns/op':>11} {'patched ns/op':>14} {'raw':>7} "
             f"{'per-floor [range]':>24} {'patched/floor':>14}"]
    for op in ops:
        b, p = med("base", op), med("patched", op)
        fl = floor["patched"]
        lines.append(f"{op:<28} {fmt(b):>11} {fmt(p):>14} "
                     f"{(f'{p / b:.3f}' if b and p else '-'):>7} {fmt_r(nratio(op)):>24} "
                     f"{(f'{p / fl:.2f}' if p and fl else '-'):>14}")
    fb = [statistics.median(r["kernel"][FLOOR]) for r in runs["base"] if FLOOR in r["kernel"]]
    fp = [statistics.median(r["kernel"][FLOOR]) for r in runs["patched"] if FLOOR in r["kernel"]]
    lines.append("floor per boot (ns): base " + " ".join(f"{x:.2f}" for x in fb)
                 + "; patched " + " ".join(f"{x:.2f}" for x in fp))
    # Same-kernel comparisons: helper against what it replaces.
    for new, old in (("signal_error_helper", "signal_error_open_coded"),
                     ("init_on_issuer", "init64_manual_seqno"),
                     ("init_on_issuer", "init_crtc_open_coded")):
        r = nratio(new, old)
        if r:
            lines.append(f"patched: {new} / {old} = {fmt_r(r)} (median of per-boot ratios [range])")
    uops = list(dict.fromkeys(op for w in runs for r in runs[w] for op in r["user"]))

    def spread(w, op):
        vals = [r["user"][op] for r in runs[w] if op in r["user"]]
        return (max(vals) - min(vals)) / statistics.median(vals) if len(vals) > 1 else None

    # Spread: (slowest boot - fastest boot) / median, the boot-to-boot noise
    # that a patched/base ratio has to be read against.
    def uper_floor(w, op):
        """ops/s times the boot's floor (ns): a boot whose kernel runs slow
        as a whole does fewer ops/s and has a larger floor."""
        return [r["user"][op] * statistics.median(r["kernel"][FLOOR])
                for r in runs[w] if op in r["user"] and r["kernel"].get(FLOOR)]

    def unratio(op):
        """patched/base of ops/s, each boot normalised by its floor as for
        the kernel rows, with the range of the single patched boots."""
        return boot_ratio(uper_floor("base", op), uper_floor("patched", op))

    lines.append(f"{'sw_sync (userspace)':<28} {'base ops/s':>11} {'patched ops/s':>14} "
                 f"{'raw':>7} {'per-floor [range]':>24} {'base spread':>12} "
                 f"{'patched spread':>15}")
    for op in uops:
        b, p = umed("base", op), umed("patched", op)
        sb, sp = spread("base", op), spread("patched", op)
        lines.append(f"{op:<28} {fmt(b, 0):>11} {fmt(p, 0):>14} "
                     f"{(f'{p / b:.3f}' if b and p else '-'):>7} "
                     f"{fmt_r(unratio(op)):>24} "
                     f"{(f'{sb:.1%}' if sb is not None else '-'):>12} "
                     f"{(f'{sp:.1%}' if sp is not None else '-'):>15}")
    # The goals of the series, row by row: "meets" or "MISSES".
    def goal(label, value, ok):
        if value is None:
            lines.append(f"goal {label}: not measured")
        else:
            lines.append(f"goal {label}: {value:.3f} {'meets' if ok(value) else 'MISSES'}")

    def ratio(a, b):
        return a / b if a and b else None

    def rr(op, old=None):
        r = nratio(op, old)
        return r[0] if r else None

    goal("is_signaled_signaled patched/base <= 1.00", rr("is_signaled_signaled"),
         lambda v: v <= 1.00)
    goal("is_signaled_unsignaled_op patched/base <= 1.05", rr("is_signaled_unsignaled_op"),
         lambda v: v <= 1.05)
    goal("signal_error_helper/open_coded <= 1.02",
         rr("signal_error_helper", "signal_error_open_coded"), lambda v: v <= 1.02)
    goal("init_on_issuer/init64_manual_seqno <= 1.05",
         rr("init_on_issuer", "init64_manual_seqno"), lambda v: v <= 1.05)
    goal("init_on_issuer/init_crtc_open_coded <= 1.05",
         rr("init_on_issuer", "init_crtc_open_coded"), lambda v: v <= 1.05)
    for op in uops:
        r = unratio(op)
        goal(f"{op} patched/base (per-floor) >= 0.98", r[0] if r else None,
             lambda v: v >= 0.98)

    def size(w, what):
        for r in runs[w]:
            m = re.search(rf"sizeof\({what}\)=(\d+)", " ".join(r["info"]))
            if m:
                return int(m.group(1))
        return None
    sb, sp = size("base", "dma_fence"), size("patched", "dma_fence")
    lines.append(f"goal sizeof(struct dma_fence) unchanged: base {sb}, patched {sp} "
                 f"{'meets' if sb and sb == sp else 'MISSES'}")
    if sizes:
        lines.append("struct sizes, x86_64 defconfig (no lock debugging): size, kmalloc bucket")
        for st in dict.fromkeys(k for w in sizes for k in sizes[w]):
            row = [f"{w} {sizes[w][st]} (kmalloc-{kmalloc_bucket(sizes[w][st])})"
                   for w in sizes if st in sizes[w]]
            lines.append(f"  struct {st:<20} " + ", ".join(row))
    for w in runs:
        for i in dict.fromkeys(runs[w][0]["info"] if runs[w] else []):
            lines.append(f"{w}: {i}")
    table = "\n".join(lines)
    print(table)
    if not write:
        return
    with open(os.path.join(OUT, "bench.txt"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(OUT, "bench.json"), "w") as f:
        json.dump({"args": vars(args), "machine": cpu, "runs": runs, "sizes": sizes}, f, indent=1)
    log(f"table in {OUT}/bench.txt, samples in {OUT}/bench.json")


if __name__ == "__main__":
    main()

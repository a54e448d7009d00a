#!/usr/bin/env python3
"""Collect the results of one run into a summary, TAP and JUnit XML.

  report.py OUT_DIR

Reads what the stages left in OUT_DIR:
  kunit*.json       kunit.py --json output, one file per stage (kunit.json:
                    UML; kunit-fixes.json: UML, the fixes series alone;
                    kunit-smp.json: x86_64 SMP under QEMU; kunit-debug.json)
  kselftest*.tap    the run_kselftest.sh TAP stream cut from the console,
                    one file per stage (kselftest.tap, kselftest-fixes.tap,
                    kselftest-smp.tap, kselftest-debug.tap, kselftest-lts.tap:
                    the LTS kernel, scripts/run-lts.sh)
  checks.txt        one line per series check: "PASS|FAIL|SKIP name [# note]"
and writes results.tap, results.xml and summary.txt there.  Each KUnit case,
each kselftest case and each check counts once; a skipped case is reported
as skipped, never as passed.  Exit status 1 when anything failed or when a
stage that was expected left nothing behind.
"""
import glob
import json
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr


def kunit_cases(path):
    """Leaf cases of a kunit.py --json file as (suite, name, status, note)."""
    with open(path) as f:
        data = json.load(f)
    out = []

    def walk(suite, prefix):
        name = suite.get("name", "?")
        cases = suite.get("test_cases", [])
        subs = suite.get("sub_groups", [])
        for c in cases:
            st = c.get("status", "FAIL")
            out.append((prefix + name, c.get("name", "?"), st, ""))
        for s in subs:
            walk(s, prefix + name + "." if prefix or name else "")

    for s in data.get("sub_groups", []):
        walk(s, "")
    if data.get("status") not in ("PASS", "SKIP", None) and not out:
        out.append(("kunit", "run", "FAIL", data.get("status", "")))
    return out


RESULT = re.compile(r"^(not ok|ok)\s+\d+\s*-?\s*(.*?)(?:\s+#\s*(\w+)\s*(.*))?$")


def kselftest_cases(path):
    """Cases of a run_kselftest.sh stream: the inner TAP of each test binary,
    or the binary's own line when it printed no cases (crash, timeout,
    skip of the whole binary)."""
    out = []
    inner = []
    with open(path, errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("# "):
                m = RESULT.match(line[2:].strip())
                if m:
                    inner.append(m)
                continue
            m = RESULT.match(line.strip())
            if not m:
                continue
            binary = re.sub(r"^selftests:\s*", "", m.group(2)).replace(": ", "/")
            if inner:
                for im in inner:
                    out.append((binary, clean(im.group(2)), status(im), im.group(4) or ""))
                # A program that failed (a timeout, a crash) after cases
                # that all passed or skipped: its own failure counts too,
                # or the cases it never reached would pass unseen.
                if status(m) == "FAIL" and all(status(im) != "FAIL" for im in inner):
                    reason = " ".join(x for x in (m.group(3), m.group(4)) if x)
                    out.append((binary, binary + " (the program)", "FAIL", reason))
            else:
                out.append((binary, binary, status(m), m.group(4) or ""))
            inner = []
    return out


def clean(name):
    return re.sub(r"\s+", " ", name.replace("[RUN]", "")).strip()


def status(m):
    d = (m.group(3) or "").upper()
    if d == "SKIP":
        return "SKIP"
    if m.group(1) == "ok":
        return "PASS" if d != "TODO" else "FAIL"
    return "FAIL"


def checks(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            st, _, rest = line.partition(" ")
            name, _, note = rest.partition(" # ")
            out.append(("checks", name, st, note))
    return out


def main():
    outdir = sys.argv[1]
    suites = {}
    missing = []
    expect = os.environ.get("REPORT_EXPECT", "kunit kselftest checks").split()

    kfiles = sorted(glob.glob(os.path.join(outdir, "kunit*.json")))
    for p in kfiles:
        stage = os.path.basename(p)[:-5]
        for s, n, st, note in kunit_cases(p):
            suites.setdefault(f"{stage}:{s}", []).append((n, st, note))
    for e in expect:
        if e.startswith("kunit") and not os.path.exists(os.path.join(outdir, e + ".json")):
            missing.append(e)

    for ks in sorted(glob.glob(os.path.join(outdir, "kselftest*.tap"))):
        stage = os.path.basename(ks)[:-4]
        cases = kselftest_cases(ks)
        for s, n, st, note in cases:
            suites.setdefault(f"{stage}:{s}", []).append((n, st, note))
        if not cases:
            missing.append(stage)
    for e in expect:
        if e.startswith("kselftest") and not os.path.exists(os.path.join(outdir, e + ".tap")):
            missing.append(e)

    ck = os.path.join(outdir, "checks.txt")
    if os.path.exists(ck):
        for s, n, st, note in checks(ck):
            suites.setdefault(s, []).append((n, st, note))
    elif "checks" in expect:
        missing.append("checks")

    for m in missing:
        suites.setdefault(f"{m}:missing", []).append(
            ("stage produced no results", "FAIL", "see the logs in " + outdir))

    tap = ["TAP version 13"]
    total = sum(len(c) for c in suites.values())
    tap.append(f"1..{total}")
    xml = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    summary = []
    n = 0
    P = F = S = 0
    for suite, cases in suites.items():
        p = sum(1 for c in cases if c[1] == "PASS")
        f = sum(1 for c in cases if c[1] not in ("PASS", "SKIP"))
        s = sum(1 for c in cases if c[1] == "SKIP")
        P, F, S = P + p, F + f, S + s
        summary.append(f"  {suite:<44} {p:4d} passed {f:4d} failed {s:4d} skipped")
        xml.append(f"  <testsuite name={quoteattr(suite)} tests=\"{len(cases)}\" "
                   f"failures=\"{f}\" skipped=\"{s}\">")
        for name, st, note in cases:
            n += 1
            d = " # SKIP " + note if st == "SKIP" else ""
            tap.append(f"{'ok' if st in ('PASS', 'SKIP') else 'not ok'} {n} {suite}: {name}{d}")
            xml.append(f"    <testcase classname={quoteattr(suite)} name={quoteattr(name)}>")
            if st == "SKIP":
                xml.append(f"      <skipped message={quoteattr(note)}/>")
            elif st != "PASS":
                xml.append(f"      <failure message={quoteattr(note or st)}>{escape(st)}</failure>")
            xml.append("    </testcase>")
            if st not in ("PASS", "SKIP"):
                summary.append(f"      FAIL {name}{(' # ' + note) if note else ''}")
        xml.append("  </testsuite>")
    xml.append("</testsuites>")
    summary.append(f"  {'total':<44} {P:4d} passed {F:4d} failed {S:4d} skipped")

    with open(os.path.join(outdir, "results.tap"), "w") as f:
        f.write("\n".join(tap) + "\n")
    with open(os.path.join(outdir, "results.xml"), "w") as f:
        f.write("\n".join(xml) + "\n")
    with open(os.path.join(outdir, "summary.txt"), "w") as f:
        f.write("\n".join(summary) + "\n")
    print("\n".join(summary))
    with open(os.path.join(outdir, "counts"), "w") as f:
        f.write(f"{P} {F} {S}\n")
    return 1 if F else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Cut the known boot warnings of kernel/known-boot-warnings out of a log.

  klog-known.py SIGNATURES NAME LOG PATTERN

Prints LOG with each occurrence of a known warning removed, and on stderr
one line per occurrence that was tolerated ("tolerated NAME ...: WHY").
scripts/check-klog.sh then scans what is left for splats, as it scans any
other log: everything that is not exactly a known warning still fails.

An entry of SIGNATURES applies to the logs it names ("logs:", check names
as given to check-klog.sh) and only in their boot phase: the lines before
the first test output (KTAP/TAP header, a "KSFT-UML:" marker, "Run ... as
init process").  The dmesg that selftests/guest-init.sh prints after the
tests replays the boot: its boot phase counts as one too.  A warning is cut
only when it is whole and exact: its first "text:" line opens it (the
"=====" line above it goes with it), every "text:" line is among its
lines before its call trace ("*" matches any run of characters, so a
source line number is written "tree.c:*"), and the functions of its
"chain:" are frames of its call trace in that order, the last one being
its last frame (the thread's entry: nothing ran below it).  Frames are
compared by name (offsets, addresses, "? " and the compiler's ".cold" or
".constprop.0" suffixes dropped); other frames may lie between them, as
UML's call trace is a scan of the stack that also prints stale return
addresses ("?" frames).  A call trace ends at the first line that is not
a frame.  No other line of it may match PATTERN (check-klog.sh's splat
pattern, an extended regular expression without back-references): a
different report that happens to fall inside it keeps it whole.
"""
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")  # dmesg colours the replay on a tty
STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?(\[\s*[CT]\d+\]\s?)?")
FRAME = re.compile(r"^\s+(?:\[<[0-9a-f]+>\]\s+)?(?:\?\s+)?([A-Za-z0-9_.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+")
BOOT_END = re.compile(r"^(KTAP version|TAP version|KSFT-UML: |Run \S+ as init process)")
REPLAY = "KSFT-UML: DMESG-BEGIN"
TEXT_LINES = 40  # lines from the opening text line to "Call Trace:", at most


def parse(path):
    entries, cur = [], None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, val = line.partition(":")
            key, val = key.strip(), val.strip()
            if key == "name":
                cur = {"name": val, "logs": [], "text": [], "chain": [], "why": ""}
                entries.append(cur)
            elif cur is None:
                sys.exit(f"{path}: '{key}:' before the first 'name:'")
            elif key == "logs":
                cur["logs"] += val.split()
            elif key == "text":
                cur["text"].append(val)
            elif key == "chain":
                cur["chain"] += val.split()
            elif key == "why":
                cur["why"] = (cur["why"] + " " + val).strip()
            else:
                sys.exit(f"{path}: unknown key '{key}:'")
    for e in entries:
        if not e["text"] or not e["chain"] or not e["logs"]:
            sys.exit(f"{path}: entry {e['name']} needs logs:, text: and chain:")
    return entries


def glob_re(text):
    return re.compile("^" + ".*".join(re.escape(p) for p in text.split("*")) + "$")


def match_at(lines, body, i, e, splat):
    """End (exclusive) of entry e's warning opening at lines[i], or None."""
    if not glob_re(e["text"][0]).match(body[i]):
        return None
    j = i
    while j < len(lines) and j - i <= TEXT_LINES and body[j] != "Call Trace:":
        j += 1
    if j >= len(lines) or body[j] != "Call Trace:":
        return None
    texts = [glob_re(t) for t in e["text"]]
    for r in texts[1:]:
        if not any(r.match(b) for b in body[i:j]):
            return None
    for b in body[i:j]:
        if splat.search(b) and not any(r.match(b) for r in texts):
            return None
    k, chain = j + 1, []
    while k < len(lines):
        m = FRAME.match(STAMP.sub("", lines[k]).rstrip())
        if not m:
            break
        chain.append(m.group(1))
        k += 1
    # The frames' names without the compiler's suffixes (.cold,
    # .constprop.0, .isra.0): the chain's names in order, the last frame
    # its last name.
    chain = [c.split(".")[0] for c in chain]
    if not chain or chain[-1] != e["chain"][-1]:
        return None
    pos = 0
    for c in chain:
        if pos < len(e["chain"]) and c == e["chain"][pos]:
            pos += 1
    return k if pos == len(e["chain"]) else None


def main():
    sigs, name, log, pat = sys.argv[1:5]
    splat = re.compile(pat)
    entries = [e for e in parse(sigs) if name in e["logs"]]
    with open(log, errors="replace") as f:
        lines = [ANSI.sub("", x.rstrip("\n").replace("\r", "")) for x in f]
    body = [STAMP.sub("", x).strip() for x in lines]
    out, boot, i = [], True, 0
    while i < len(lines):
        if body[i] == REPLAY:
            boot = True
        elif BOOT_END.match(body[i]):
            boot = False
        end = None
        if boot:
            for e in entries:
                end = match_at(lines, body, i, e, splat)
                if end is not None:
                    break
        if end is None:
            out.append(lines[i])
            i += 1
            continue
        # The "=====" rule printed above the warning goes with it.
        if out and re.fullmatch(r"=+", STAMP.sub("", out[-1]).strip()):
            out.pop()
        print(f"tolerated {e['name']} at line {i + 1} of {log} (boot phase, "
              f"exact text and call chain): {e['why']}", file=sys.stderr)
        i = end
    for x in out:
        print(x)


if __name__ == "__main__":
    main()

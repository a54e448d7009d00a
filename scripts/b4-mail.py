#!/usr/bin/env python3
"""The messages b4 send -o writes, against the exported patches.

  b4-mail.py compare PATCHDIR B4DIR [--signer 'Name <addr>'] [--project 'Name <addr>']
        PATCHDIR holds a series as scripts/export.sh writes it (0000-cover-
        letter.patch, NNNN-*.patch), B4DIR what b4 send -o wrote for it.
        Prints one line per difference and exits 1 if there is any.  The
        b4 messages were sent as --signer; its From: and Signed-off-by:
        lines are read as --project's, the identity of PATCHDIR.

        Compared: the number of messages, and of each its Subject:, From:
        (or the From: line b4 puts at the top of the body when the author
        is not the sender), the To: and Cc: addresses, and the body: commit
        message, notes below "---" and diff, byte for byte, except for
        what the two tools do each their own way:
          - the headers b4 sets itself (Message-Id, Date, In-Reply-To,
            References, X-Mailer, X-B4-Tracking, MIME headers) and header
            folding;
          - b4 keeps a patch's notes between two "---" lines, where the
            export makes the second a blank line;
          - the diffstat (git show's, 80 columns, against format-patch's,
            72 columns with a summary of created files);
          - blob ids in index lines (7 digits in the export, git's
            default length in b4's);
          - b4's signature ("-- " and the git version);
          - the cover letter: b4 lays it out from its template (shortlog,
            diffstat, "Best regards," and a signature), so its text (up to
            b4's "---") is compared with the exported one's (up to the
            shortlog), and the base-commit:, change-id: and prerequisite
            lines at its end with the exported ones.

  b4-mail.py show B4DIR
        The From:, To:, Cc: and Subject: of each message, in order, and a
        warning for each one whose body starts with a From: line (its
        author is not the sender) or that has a Signed-off-by: other than
        the sender's.
"""
import argparse
import email
import email.policy
import email.utils
import os
import re
import sys

TRACKING = re.compile(r"^(base-commit|change-id|prerequisite-[a-z-]+): ")
DIFFSTAT_END = re.compile(r"^ \d+ files? changed")
SUMMARY = re.compile(r"^ (create|delete) mode |^ rename |^ copy |^ mode change ")


def load(path):
    with open(path, "rb") as fh:
        data = fh.read()
    if data.startswith(b"From ") and not data.startswith(b"From: "):
        data = data.split(b"\n", 1)[1]  # the mbox "From " line
    return email.message_from_bytes(data, policy=email.policy.default)


def header(msg, name):
    value = msg.get(name)
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def addresses(msg, name):
    return sorted(a for _, a in email.utils.getaddresses(msg.get_all(name, [])) if a)


def body(msg):
    return msg.get_payload(decode=True).decode("utf-8")


def counter(subject):
    m = re.search(r"\[[^]]*?(\d+)/\d+\]", subject)
    return int(m.group(1)) if m else None


def split_diff(text):
    i = text.find("\ndiff --git ")
    return (text, "") if i < 0 else (text[: i + 1], text[i + 1 :])


def normalise_patch(text, b4):
    """The body of a patch message, with what differs by tool alone made equal."""
    author = None
    if b4:
        m = re.match(r"From: (.*)\n\n", text)
        if m:
            author, text = m.group(1), text[m.end() :]
        # b4's signature: "-- " and the git version, last.
        text = re.sub(r"\n-- \n[^\n]*\n*\Z", "\n", text)
    head, diff = split_diff(text)
    lines = head.split("\n")
    if b4:
        seps = [i for i, l in enumerate(lines) if l == "---"]
        if len(seps) >= 2:
            lines[seps[1]] = ""
    # The diffstat block: its last line says how many files changed.
    ends = [i for i, l in enumerate(lines) if DIFFSTAT_END.match(l)]
    if ends:
        start = end = ends[-1]
        while start > 0 and lines[start - 1].startswith(" ") and "|" in lines[start - 1]:
            start -= 1
        end += 1
        while end < len(lines) and SUMMARY.match(lines[end]):
            end += 1
        lines[start:end] = ["<diffstat>"]
    diff = re.sub(r"(?m)^index ([0-9a-f]{7})[0-9a-f]*\.\.([0-9a-f]{7})[0-9a-f]*",
                  r"index \1..\2", diff)
    return author, "\n".join(lines) + diff.rstrip("\n") + "\n"


def cover_parts(text, b4):
    """Text of a cover letter, and its base-commit:/change-id:/prerequisite lines."""
    lines = text.split("\n")
    if b4:
        sig = max((i for i, l in enumerate(lines) if l == "-- "), default=len(lines))
        lines = lines[:sig]
        end = lines.index("---") if "---" in lines else len(lines)
    else:
        end = next((i for i, l in enumerate(lines) if re.match(r"^\S.* \(\d+\):$", l)), len(lines))
    start = max((i for i, l in enumerate(lines) if DIFFSTAT_END.match(l)), default=end)
    meta = [l for l in lines[start:] if TRACKING.match(l)]
    return "\n".join(lines[:end]).rstrip("\n"), meta


def compare(args):
    problems = []

    def differ(what, mine, theirs):
        problems.append(f"{what}:\n    patches/: {mine}\n    b4:       {theirs}")

    def as_project(value):
        return value.replace(args.signer, args.project) if args.signer else value

    exported = {}
    for name in sorted(os.listdir(args.patchdir)):
        if re.match(r"^\d{4}-.*\.patch$", name):
            exported[int(name[:4])] = os.path.join(args.patchdir, name)
    sent = {}
    for name in sorted(os.listdir(args.b4dir)):
        if name.endswith(".eml"):
            msg = load(os.path.join(args.b4dir, name))
            n = counter(header(msg, "Subject"))
            if n is None or n in sent:
                problems.append(f"{name}: no or a repeated [PATCH n/m] in its subject")
                continue
            sent[n] = (name, msg)
    if sorted(exported) != sorted(sent):
        differ("messages", sorted(exported), sorted(sent))
    # b4 send (as git send-email) also mails the addresses of a patch's
    # own "Cc:" trailers, and all of them on the cover letter: those may be
    # in b4's Cc: without being in the exported headers.
    trailer_cc = {}
    for n, path in exported.items():
        if n == 0:
            continue
        text = body(load(path)).split("\n---\n", 1)[0]
        # "Cc: stable@vger.kernel.org # 7.3.x": the comment after "#" is
        # not part of the address (git send-email and b4 drop it).
        trailer_cc[n] = {a for _, a in email.utils.getaddresses(
            [re.sub(r"\s+#.*$", "", l[4:]) for l in text.split("\n")
             if l.startswith("Cc: ")]) if a}
    trailer_cc[0] = set().union(*trailer_cc.values()) if trailer_cc else set()
    for n in sorted(set(exported) & set(sent)):
        mine = load(exported[n])
        name, theirs = sent[n]
        what = os.path.basename(exported[n])
        if header(mine, "Subject") != header(theirs, "Subject"):
            differ(f"{what}: Subject", header(mine, "Subject"), header(theirs, "Subject"))
        for h in ("To", "Cc"):
            a, b = set(addresses(mine, h)), set(addresses(theirs, h))
            extra = (trailer_cc.get(n, set()) - a) if h == "Cc" else set()
            if a - b or b - a - extra:
                differ(f"{what}: {h}", "only " + ", ".join(sorted(a - b)),
                       "only " + ", ".join(sorted(b - a - extra)))
        if n == 0:
            if header(mine, "From") != as_project(header(theirs, "From")):
                differ(f"{what}: From", header(mine, "From"), header(theirs, "From"))
            mtext, mmeta = cover_parts(body(mine), False)
            ttext, tmeta = cover_parts(body(theirs), True)
            if mtext != ttext:
                a, b = mtext.split("\n"), ttext.split("\n")
                i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                differ(f"{what}: cover letter text, line {i + 1}",
                       a[i] if i < len(a) else "(end)", b[i] if i < len(b) else "(end)")
            if mmeta != tmeta:
                differ(f"{what}: base-commit/change-id/prerequisite lines", mmeta, tmeta)
            continue
        _, mtext = normalise_patch(body(mine), False)
        author, ttext = normalise_patch(body(theirs), True)
        sender = author or header(theirs, "From")
        if header(mine, "From") != as_project(sender):
            differ(f"{what}: author", header(mine, "From"),
                   sender + (" (a From: line in the body)" if author else ""))
        ttext = "\n".join(as_project(l) if l.startswith("Signed-off-by: ") else l
                          for l in ttext.split("\n"))
        if mtext != ttext:
            a, b = mtext.split("\n"), ttext.split("\n")
            i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            differ(f"{what}: body, line {i + 1}", a[i] if i < len(a) else "(end)",
                   b[i] if i < len(b) else "(end)")
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(sent)} messages ({len(sent) - 1} patches and the cover letter) as in "
              f"{args.patchdir}")
    return 1 if problems else 0


def show(args):
    rc = 0
    for name in sorted(os.listdir(args.b4dir)):
        if not name.endswith(".eml"):
            continue
        msg = load(os.path.join(args.b4dir, name))
        sender = header(msg, "From")
        print(f"  Subject: {header(msg, 'Subject')}")
        print(f"    From: {sender}")
        print(f"    To: {', '.join(addresses(msg, 'To'))}")
        print(f"    Cc: {', '.join(addresses(msg, 'Cc'))}")
        text = body(msg)
        m = re.match(r"From: (.*)\n\n", text)
        if m:
            print(f"    WARNING: authored by {m.group(1)}, not by the sender (b4 puts a From: line in the body)")
            rc = 1
        _, addr = email.utils.parseaddr(sender)
        for sob in re.findall(r"(?m)^Signed-off-by: (.*)$", split_diff(text)[0]):
            if email.utils.parseaddr(sob)[1] != addr:
                print(f"    WARNING: Signed-off-by: {sob}, not the sender")
                rc = 1
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    c.add_argument("patchdir")
    c.add_argument("b4dir")
    c.add_argument("--signer", default="")
    c.add_argument("--project", default="")
    s = sub.add_parser("show")
    s.add_argument("b4dir")
    args = ap.parse_args()
    return compare(args) if args.cmd == "compare" else show(args)


if __name__ == "__main__":
    sys.exit(main())

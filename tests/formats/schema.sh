#!/usr/bin/env bash
# Every member the JSON and JSON Lines reports write is named in the man
# page's JSON SCHEMA: the reports of every testdata folder are walked, and a
# member whose name is not set in bold there fails the test. Keys of the
# objects that are maps (addresses by address; ignored, decoded and notes by
# reason, layer or note name) are data, not members: their values are walked.
. "$(dirname "$0")/lib.sh" "$@"
need python3
MAN=$(dirname "$0")/../../man/pktpath.1
n=0
for d in "$TESTDATA"/*/; do
	name=$(basename "$d")
	"$PKTPATH" --format json "$d" >"$TMP/$name.json" 2>/dev/null || true
	"$PKTPATH" --format jsonl "$d" >"$TMP/$name.jsonl" 2>/dev/null || true
	[ -s "$TMP/$name.json" ] || fail "no JSON report for $name"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n testdata folders"
python3 - "$MAN" "$TMP" <<'PY'
import json, os, re, shlex, sys

man, tmp = sys.argv[1], sys.argv[2]

def bold_words(path):
    """Identifiers set in bold in the JSON SCHEMA section of a roff page."""
    text = open(path).read().split("\n.SH JSON SCHEMA\n", 1)[1].split("\n.SH ", 1)[0]
    bold = []
    for line in text.splitlines():
        m = re.match(r"\.(B|BR|RB|BI|IB|IR|RI|I)\s+(.*)", line)
        if m:
            macro, rest = m.groups()
            try:
                args = shlex.split(rest.replace("\\", "\\\\"))
            except ValueError:
                args = rest.split()
            if macro == "B":
                bold += args
            elif len(macro) == 2:
                first_bold = macro[0] == "B"
                bold += [a for i, a in enumerate(args) if (i % 2 == 0) == first_bold]
        bold += re.findall(r"\\fB(.*?)\\f[RPI]", line)
    words = set()
    for b in bold:
        words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", b))
    return words

named = bold_words(man)
MAPS = {"addresses", "ignored", "decoded", "notes"}
missing = {}

def walk(v, where):
    if isinstance(v, dict):
        for k, x in v.items():
            if where.endswith(tuple("." + m for m in MAPS)) or where in MAPS:
                walk(x, where + ".*")
                continue
            if k not in named:
                missing.setdefault(k, where)
            walk(x, (where + "." if where else "") + k)
    elif isinstance(v, list):
        for x in v:
            walk(x, where + "[]")

reports = 0
for f in sorted(os.listdir(tmp)):
    p = os.path.join(tmp, f)
    if f.endswith(".json"):
        walk(json.load(open(p)), "")
        reports += 1
    elif f.endswith(".jsonl"):
        for line in open(p):
            walk(json.loads(line), "")
        reports += 1
if reports < 20:
    sys.exit("FAIL: only %d reports walked" % reports)
if missing:
    for k, where in sorted(missing.items()):
        print("FAIL: member %r (in %s) is not named in the man page's JSON SCHEMA" %
              (k, where or "the top level"), file=sys.stderr)
    sys.exit(1)
print("%d reports, every member named in the JSON SCHEMA (%d bold names)" % (reports, len(named)))
PY
echo PASS

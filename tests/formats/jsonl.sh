#!/usr/bin/env bash
# --format jsonl: a header line, one conversation per line, a summary line;
# every line valid JSON, the same conversations as the json document.
. "$(dirname "$0")/lib.sh" "$@"
need python3

status 0 "$PKTPATH" --format jsonl "$S6"
cp "$TMP/out" "$TMP/s6.jsonl"
status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/s6.json"
python3 - "$TMP/s6.jsonl" "$TMP/s6.json" <<'PY'
import json, sys

def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)

lines = open(sys.argv[1]).read().split("\n")
check(lines[-1] == "", "ends with a newline")
lines = lines[:-1]
objs = []
for i, l in enumerate(lines, 1):
    check(l.strip() != "" and "\n" not in l, "line %d not empty" % i)
    try:
        objs.append(json.loads(l))
    except ValueError as e:
        sys.exit("FAIL: line %d is not JSON: %s" % (i, e))
types = [o.get("type") for o in objs]
check(types[0] == "header" and types[-1] == "summary", "header first, summary last: %s" % types)
check(set(types[1:-1]) <= {"conversation"}, "conversations in between")
head, summ, convs = objs[0], objs[-1], objs[1:-1]
check(head["schema_version"] == 1 and len(head["points"]) == 10 and "nodes" in head, "header fields")
check("conversations" not in head, "no conversations array in the header")
check(summ["findings"]["conversations"] == len(convs), "one line per conversation")
check(summ["findings"]["stopped"] == 1 and "ignored" in summ and "addresses" in summ,
      "summary fields")
doc = json.load(open(sys.argv[2]))
strip = lambda c: {k: v for k, v in c.items() if k != "type"}
check([strip(c) for c in convs] == doc["conversations"],
      "the same conversations as --format json")
drop = [c for c in convs if c["origin"]["sport"] == 41601]
check(len(drop) == 1 and drop[0]["directions"][0]["verdict"] == "stopped", "the stopped flow")
print("PASS")
PY

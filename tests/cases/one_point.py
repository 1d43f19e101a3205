#!/usr/bin/env python3
"""ctest scenario.one_point: one capture alone never shows where a packet stopped.

usage: one_point.py PKTPATH TESTDATA_DIR [CORPUS_DIR]

Runs pktpath on every capture file of testdata/ alone (and, when given,
every file of the tcpdump corpus) and fails on each direction it calls
stopped or partial without an answer seen (an ICMP error or a TCP reset):
with no second point, nothing shows that a packet should have been seen
anywhere else, so an unanswered direction is "not_judged". It also fails
when a not_judged direction is missing from findings.items, or when the
header counts do not add up (conversations = delivered + stopped + partial
+ not_judged).
"""
import glob
import json
import os
import subprocess
import sys


def check(pktpath, path, label):
    run = subprocess.run([pktpath, "--format", "json", path], capture_output=True,
                         env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    if run.returncode == 2:
        return [], 0  # not a capture pktpath can read: corpus.run holds those
    rep = json.loads(run.stdout)
    bad = []
    judged = 0
    items = {(i["conversation"], i["direction"], i["kind"]) for i in rep["findings"]["items"]}
    for c in rep["conversations"]:
        for d in c["directions"]:
            v = d["verdict"]
            if v in ("stopped", "partial") and d["answered_by"] is None:
                bad.append("%s: conversation %d %s %s after %s with no answer seen"
                           % (label, c["id"], d["dir"], v,
                              (d["stopped"] or {}).get("after")))
            if v == "not_judged":
                judged += 1
                if (c["id"], d["dir"], "not_judged") not in items:
                    bad.append("%s: conversation %d %s not_judged but not in findings.items"
                               % (label, c["id"], d["dir"]))
    f = rep["findings"]
    if f["conversations"] != f["delivered"] + f["stopped"] + f["partial"] + f.get("not_judged", 0):
        bad.append("%s: findings do not add up: %s" % (label, json.dumps(f)[:200]))
    return bad, judged


def main():
    pktpath, data = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(data, "**", "*.pcap*"), recursive=True))
    if len(sys.argv) > 3 and os.path.isdir(sys.argv[3]):
        files += sorted(glob.glob(os.path.join(sys.argv[3], "*.pcap*")))
    bad, judged = [], 0
    for f in files:
        b, j = check(pktpath, f, os.path.relpath(f, os.path.dirname(data)))
        bad += b
        judged += j
    for line in bad:
        print("one_point.py: " + line)
    print("one_point.py: %d files alone, %d directions not judged, %d wrong"
          % (len(files), judged, len(bad)))
    # testdata holds unanswered directions (scenario 6's silent drop, 8's
    # black hole): a run that judged none of them checked nothing
    if judged == 0:
        print("one_point.py: no direction was not_judged: the check saw nothing to check")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

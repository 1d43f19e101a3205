#!/usr/bin/env python3
"""Compare the conclusions of two pktpath JSON reports of the same traffic.

usage: conclusions.py A.json B.json [--no-points] [--clock NODE=SECONDS[,TOL]]...

The two runs may see different capture points (a node's `tcpdump -i any`
file has no point inside the pods; a snaplen-cut or clock-shifted copy has
the same points). Conclusions are compared on the points both runs have:
per TCP/UDP/ICMP conversation and direction, the path restricted to those
points with the addresses and ports seen at each (so every NAT between two
of them), the verdict, the stop point and what was expected next, and where
the client IP was lost. Conversations are paired by the tuple at their
first common hop. --no-points compares what does not depend on point names
(a LINUX_SLL "any" file is one point): the sequence of distinct tuples
along each direction, every NAT (kind, from, to), verdicts, whether a
direction stopped, and the client IP loss. --clock checks B's estimated
offset of NODE against SECONDS (tolerance default 0.001 s). Exits 1 and
prints the differences when they disagree.
"""
import json
import sys

PROTOS = {"tcp", "udp", "icmp", "icmp6"}


def load(path):
    with open(path) as f:
        return json.load(f)


def common_points(a, b):
    return {p["name"] for p in a["points"] if p["packets"]} & {
        p["name"] for p in b["points"] if p["packets"]}


def hop_key(h):
    return (h["src"], h["sport"], h["dst"], h["dport"])


def restricted(d, common):
    """A direction's conclusions seen only through the common points."""
    hops = [h for h in d["hops"] if common is None or h["point"] in common]
    if not hops:
        return None, None
    stop = d["stopped"]
    lost = d["client_ip_lost"]
    if common is None:
        tuples = []
        for h in hops:
            if not tuples or tuples[-1] != hop_key(h):
                tuples.append(hop_key(h))
        return hop_key(hops[0]), {
            "tuples": tuples,
            "nat": sorted((n["kind"], n["from"], n["to"]) for n in d["nat"]),
            "verdict": d["verdict"],
            "stopped": stop is not None,
            "client_ip_lost": None if not lost else (lost["original"], lost["replaced_by"]),
        }
    out = {
        "path": [(h["point"] + (":" + h["dir"] if h["dir"] and d["path"].count(h["point"]) > 1
                                else ""),) + hop_key(h) for h in hops],
        "verdict": d["verdict"],
        "stopped": None if not stop else (stop["after"] if stop["after"] in common else "?",
                                          stop["expected_next"]
                                          if stop["expected_next"] in common else "?"),
        "client_ip_lost": None if not lost else (
            lost["original"], lost["replaced_by"],
            lost["after"] if lost["after"] in common else "?",
            lost["before"] if lost["before"] in common else "?"),
    }
    return hop_key(hops[0]), out


def conclusions(report, common):
    result = {}
    for c in report["conversations"]:
        if c["proto"] not in PROTOS:
            continue
        fwd = next((d for d in c["directions"] if d["dir"] == "forward"), None)
        if not fwd:
            continue
        key, _ = restricted(fwd, common)
        if key is None:
            continue
        per_dir = {}
        for d in c["directions"]:
            _, concl = restricted(d, common)
            if concl:
                per_dir[d["dir"]] = concl
        result[(c["proto"],) + key] = per_dir
    return result


def main(argv):
    a, b = load(argv[1]), load(argv[2])
    clocks = [arg.split("=", 1)[1] for arg in argv[3:] if arg.startswith("--clock=")]
    clocks += [argv[i + 1] for i, arg in enumerate(argv[3:], 3) if arg == "--clock"]
    common = None if "--no-points" in argv else common_points(a, b)
    ca, cb = conclusions(a, common), conclusions(b, common)
    diffs = []
    for key in sorted(set(ca) | set(cb), key=str):
        if key not in ca or key not in cb:
            diffs.append(f"{key}: only in {'A' if key in ca else 'B'}")
            continue
        for d in sorted(set(ca[key]) | set(cb[key])):
            x, y = ca[key].get(d), cb[key].get(d)
            if x != y:
                diffs.append(f"{key} {d}:\n    A {x}\n    B {y}")
    for spec in clocks:
        node, want = spec.split("=", 1)
        want, _, tol = want.partition(",")
        tol = float(tol) if tol else 0.001
        got = next((n["clock_offset"] for n in b["nodes"] if n["name"] == node), None)
        if got is None or abs(got - float(want)) > tol:
            diffs.append(f"clock {node}: want {want} +-{tol}, got {got}")
        else:
            print(f"clock {node}: {got:+.6f} s (want {float(want):+.6f}, error "
                  f"{abs(got - float(want)) * 1e6:.1f} us)")
    print(f"{argv[1]} vs {argv[2]}: {len(ca)} conversations on "
          f"{'all' if common is None else len(common)} common points, "
          f"{len(diffs)} difference(s)")
    for line in diffs:
        print("DIFF", line)
    return 1 if diffs or not ca else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

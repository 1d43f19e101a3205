#!/usr/bin/env python3
"""What the topology adds to the findings (issue: snapshot and analysis).

usage: topology_report.py PKTPATH TESTDATA

With the snapshots the lab recorded next to its captures: a pod's eth0 and
its host veth are paired both ways and the veth's bridge is known;
addresses are classified (node with its interface, pod with node, namespace
and veth, service from --service-cidr); a stopped direction names the route
it should have left by, in JSON and in the text report. The expected values
are the lab's configuration (tests/lab/lib/config.sh), not pktpath's output.
"""
import json
import subprocess
import sys

failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: want {want!r}, got {got!r}")


def run(pktpath, *args):
    out = subprocess.run([pktpath, *args], check=False, capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"pktpath {' '.join(args)}: exit {out.returncode}: {out.stderr}")
    return out.stdout


def main(pktpath, td):
    r = json.loads(run(pktpath, "--format", "json", "--service-cidr", "192.168.0.0/16",
                       f"{td}/2-cross-node-clusterip"))
    iface = {p["name"]: p["iface"] for p in r["points"]}
    check("pod eth0 peer", iface["node1/pod-centos/eth0"]["peer"], "node1/veth62c5b120")
    check("veth peer", iface["node1/veth62c5b120"]["peer"], "node1/pod-centos/eth0")
    check("veth bridge", iface["node1/veth62c5b120"]["master"], "cni0")
    check("node2 veth peer", iface["node2/veth225206b0"]["peer"], "node2/pod-nginx1/eth0")
    check("cni0 kind", iface["node1/cni0"]["kind"], "bridge")
    check("eth0 MAC", iface["node1/eth0"]["mac"], "00:16:3e:00:00:b4")
    a = r["addresses"]
    check("backend pod", {k: a["172.23.96.163"][k] for k in ("kind", "node", "netns", "host_veth")},
          {"kind": "pod", "node": "node2", "netns": "pod-nginx1",
           "host_veth": "node2/veth225206b0"})
    check("client pod", (a["172.23.96.23"]["kind"], a["172.23.96.23"]["node"]), ("pod", "node1"))
    check("ClusterIP", (a["192.168.13.23"]["kind"], a["192.168.13.23"]["prefix"]),
          ("service", "192.168.0.0/16"))

    r = json.loads(run(pktpath, "--format", "json", f"{td}/5-external-cluster-policy"))
    node = r["addresses"]["10.0.0.180"]
    check("SNAT address", (node["kind"], node["node"], node["iface"]), ("node", "node1", "eth0"))

    r = json.loads(run(pktpath, "--format", "json", f"{td}/6-silent-drop"))
    stop = next(d["stopped"] for c in r["conversations"] for d in c["directions"]
                if d["stopped"])
    check("stop device", stop["expected_dev"], "cni0")
    check("stop route", stop["expected_route"], "172.23.96.128/25 dev cni0")
    text = run(pktpath, f"{td}/3-local-policy-no-endpoint")
    line = "expected to leave by eth0 (route default via 10.0.0.1 dev eth0)"
    check("expected-next line in the text report", line in text, True)
    for f in failures:
        print("FAIL", f)
    print(f"topology report: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

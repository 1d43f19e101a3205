#!/usr/bin/env python3
"""check_snapshot.py SNAPSHOT IPDIR PREFIX - compares a `pktpath snapshot` of
the mktopo.sh node with `ip -j` output of the same namespaces, field by field
(IPDIR holds node.*.json, pod-a.*.json, pod-b.*.json and nsid.json), then
asserts the facts the topology loader relies on. Exit 1 on any difference."""
import collections
import json
import os
import re
import socket
import sys

snap_path, ipdir, prefix = sys.argv[1:4]
snap = json.load(open(snap_path))
errors = []


def err(msg):
    errors.append(msg)


def ipj(ns, what):
    return json.load(open(os.path.join(ipdir, f"{ns}.{what}.json")))


def eq(what, got, want):
    if got != want:
        err(f"{what}: snapshot has {got!r}, ip has {want!r}")


# --- top level -----------------------------------------------------------
eq("pktpath_snapshot", snap.get("pktpath_snapshot"), 1)
eq("hostname", snap.get("hostname"), socket.gethostname())
if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", snap.get("time") or ""):
    err(f"time: {snap.get('time')!r} is not RFC 3339 UTC")
names = [ns["name"] for ns in snap["namespaces"]]
eq("namespace names", names, [None, f"{prefix}-pod-a", f"{prefix}-pod-b"])
nsids = {e["name"]: e["nsid"] for e in json.load(open(os.path.join(ipdir, "nsid.json")))}
for ns, short in zip(snap["namespaces"], ["node", "pod-a", "pod-b"]):
    eq(f"{short} inode", ns["inode"], os.stat(f"/run/netns/{prefix}-{short}").st_ino)
    eq(f"{short} pid", ns["pid"], None)
    want = None if ns["name"] is None else nsids.get(ns["name"])
    eq(f"{short} netnsid (ip netns list-id)", ns["netnsid"], want)

# --- per namespace, field by field ---------------------------------------
TABLES = {"main": 254, "local": 255, "default": 253}


def norm_dst(d):
    if d == "default" or "/" in d:
        return d
    return d + ("/128" if ":" in d else "/32")


def ip_route(r):
    t = r.get("table", "main")
    nh = r.get("nexthops")
    return (
        TABLES.get(t, None) or int(t),
        norm_dst(r["dst"]),
        r.get("type", "unicast"),
        r.get("protocol", "boot"),
        r.get("scope", "global"),
        r.get("metric", 0),
        r.get("prefsrc"),
        r.get("gateway"),
        r.get("dev"),
        "onlink" in r.get("flags", []),
        None if nh is None else tuple(
            (h.get("gateway"), h.get("dev"), h.get("weight", 1), "onlink" in h.get("flags", []))
            for h in nh),
    )


def snap_route(r):
    nh = r["nexthops"]
    return (
        r["table"], r["dst"], r["type"], r["protocol"], r["scope"], r["metric"], r["prefsrc"],
        r["gateway"], r["dev"], r["onlink"],
        None if nh is None else tuple((h["gateway"], h["dev"], h["weight"], h["onlink"]) for h in nh),
    )


for ns, short in zip(snap["namespaces"], ["node", "pod-a", "pod-b"]):
    links = {l["ifindex"]: l for l in ns["links"]}
    iplinks = {l["ifindex"]: l for l in ipj(short, "link")}
    eq(f"{short}: ifindexes", sorted(links), sorted(iplinks))
    byname = {l["ifname"]: l["ifindex"] for l in iplinks.values()}
    for i, il in iplinks.items():
        l = links.get(i)
        if not l:
            continue
        w = f"{short}/{il['ifname']}"
        info = il.get("linkinfo", {})
        eq(f"{w} name", l["name"], il["ifname"])
        eq(f"{w} kind", l["kind"], info.get("info_kind"))
        eq(f"{w} link_type", l["link_type"], il["link_type"])
        eq(f"{w} mac", l["mac"], il.get("address"))
        eq(f"{w} mtu", l["mtu"], il["mtu"])
        eq(f"{w} operstate", l["operstate"], il["operstate"])
        eq(f"{w} up", l["up"], "UP" in il["flags"])
        m = il.get("master")
        eq(f"{w} master", l["master"], None if m is None else {"ifindex": byname[m], "name": m})
        if "link_index" in il:
            want = {"ifindex": il["link_index"], "netnsid": il.get("link_netnsid"), "name": None}
        elif il.get("link"):
            want = {"ifindex": byname[il["link"]], "netnsid": None, "name": il["link"]}
        else:
            want = None
        eq(f"{w} link", l["link"], want)
        if info.get("info_kind") == "vxlan":
            d = info["info_data"]
            eq(f"{w} vxlan", l["vxlan"], {"vni": d["id"], "port": d["port"], "local": d.get("local"),
                                         "dev": {"ifindex": byname[d["link"]], "name": d["link"]}})
        else:
            eq(f"{w} vxlan", l["vxlan"], None)

    ipaddrs = collections.Counter()
    for il in ipj(short, "addr"):
        for a in il.get("addr_info", []):
            ipaddrs[(il["ifindex"], il["ifname"], a["family"], a["local"], a["prefixlen"],
                     a["scope"])] += 1
    addrs = collections.Counter((a["ifindex"], a["ifname"], a["family"], a["address"],
                                 a["prefixlen"], a["scope"]) for a in ns["addresses"])
    for k in (addrs - ipaddrs):
        err(f"{short}: address only in the snapshot: {k}")
    for k in (ipaddrs - addrs):
        err(f"{short}: address only in ip: {k}")

    iproutes = collections.Counter(ip_route(r) for r in ipj(short, "route"))
    routes = collections.Counter(snap_route(r) for r in ns["routes"])
    for k in (routes - iproutes):
        err(f"{short}: route only in the snapshot: {k}")
    for k in (iproutes - routes):
        err(f"{short}: route only in ip: {k}")
    for r in ns["routes"]:
        if r["ifindex"] is not None and links.get(r["ifindex"], {}).get("name") != r["dev"]:
            err(f"{short}: route {r['dst']}: ifindex {r['ifindex']} is not {r['dev']}")

# --- what the topology loader relies on ------------------------------------
node, pa, pb = snap["namespaces"]
nl = {l["name"]: l for l in node["links"]}
for pod, veth in ((pa, "vethd7e7c6fd"), (pb, "veth3a1b2c4d")):
    eth0 = next(l for l in pod["links"] if l["name"] == "eth0")
    if eth0["link"]["ifindex"] != nl[veth]["ifindex"]:
        err(f"{pod['name']} eth0: peer ifindex {eth0['link']['ifindex']} is not {veth}'s")
    if eth0["link"]["netnsid"] is None:
        err(f"{pod['name']} eth0: no link netnsid")
    if nl[veth]["link"] != {"ifindex": eth0["ifindex"], "netnsid": pod["netnsid"], "name": None}:
        err(f"{veth}: link {nl[veth]['link']} does not lead to {pod['name']} eth0")
    if nl[veth]["master"] != {"ifindex": nl["cni0"]["ifindex"], "name": "cni0"}:
        err(f"{veth}: master is not cni0")
eq("flannel.1 vxlan", nl["flannel.1"]["vxlan"],
   {"vni": 1, "port": 8472, "local": "10.0.0.180", "dev": {"ifindex": nl["eth0"]["ifindex"], "name": "eth0"}})
eq("cni0 kind", nl["cni0"]["kind"], "bridge")
fl = [r for r in node["routes"] if r["dst"] == "172.23.96.128/25"]
eq("flannel route", [(r["gateway"], r["dev"], r["onlink"], r["table"]) for r in fl],
   [("172.23.96.128", "flannel.1", True, 254)])
tables = {r["table"] for r in node["routes"]}
if not {100, 254, 255} <= tables:
    err(f"tables {sorted(tables)}: want 100, 254 and 255")
mp = [r for r in node["routes"] if r["dst"] == "198.51.100.0/24"]
eq("multipath", [[(h["gateway"], h["weight"]) for h in r["nexthops"]] for r in mp],
   [[("10.0.0.2", 1), ("10.0.0.3", 2)]])
ll = [r for r in node["routes"] if r["dst"] == "fe80::/64"]
eq("fe80::/64 routes (one per IPv6 link)", len(ll), 5)

for e in errors:
    print("check_snapshot:", e, file=sys.stderr)
n = sum(len(ns["links"]) + len(ns["addresses"]) + len(ns["routes"]) for ns in snap["namespaces"])
print(f"check_snapshot: {n} links/addresses/routes compared, {len(errors)} differences")
sys.exit(1 if errors else 0)

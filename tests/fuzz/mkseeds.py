#!/usr/bin/env python3
"""mkseeds.py - seed inputs for the fuzz targets, from testdata/ and the
tcpdump corpus, in the input layouts fuzz_decode.c and fuzz_pipeline.c
describe. Deterministic: the same captures give the same seeds.

usage: mkseeds.py OUTDIR TESTDATA_DIR [CORPUS_DIR]
writes OUTDIR/decode/ and OUTDIR/pipeline/ (emptied first).
"""
import hashlib
import os
import struct
import sys

# fuzz_decode.c dlts[] and fuzz_pipeline.c dlts[] (first index of each)
DECODE_DLTS = [0, 1, 12, 14, 108, 113, 101, 228, 229, 276]
PIPE_DLTS = {1: 0, 113: 2, 276: 3, 0: 4, 101: 5, 12: 6, 14: 7, 108: 8, 228: 9, 229: 10}
PIPE_NAMES = ["node1/eth0", "node1/cni0", "node1/veth62c5b120", "node2/eth0", "node2/cni0",
              "node2/any", "node1/pod-centos/eth0", "node2/pod-nginx1/eth0", "client/eth0",
              "slb/eth0", "node1/eth0", "node1/any", "node2/flannel.1", "n3",
              "node2/veth225206b0", "x/y/z"]

MAX_DECODE_PER_FILE = 24
MAX_DECODE = 4000
MAX_PIPE_RECORDS = 160
MAX_RAW_FILE = 6000
MAX_RAW_PAIRS = 120


def read_pcap(b):
    """[(dlt, ts_ns, wirelen, frame)] of a pcap or pcapng file; [] if neither."""
    out = []
    if len(b) < 24:
        return out
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xd4, 0x4d) else ">"
        ns = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        dlt = struct.unpack(e + "I", b[20:24])[0] & 0x3ffffff
        off = 24
        while off + 16 <= len(b):
            sec, frac, cap, wire = struct.unpack(e + "IIII", b[off:off + 16])
            off += 16
            if cap > 262144 or off + cap > len(b):
                break
            out.append((dlt, sec * 10**9 + (frac if ns else frac * 1000), wire, b[off:off + cap]))
            off += cap
        return out
    if magic == b"\x0a\x0d\x0d\x0a":
        off, e, ifaces = 0, "<", []
        while off + 12 <= len(b):
            if b[off:off + 4] == b"\x0a\x0d\x0d\x0a":
                e = "<" if b[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                ifaces = []
            btype, blen = struct.unpack(e + "II", b[off:off + 8])
            if blen < 12 or off + blen > len(b):
                break
            body = b[off + 8:off + blen - 4]
            if btype == 1 and len(body) >= 8:
                ifaces.append(struct.unpack(e + "H", body[:2])[0])
            elif btype == 6 and len(body) >= 20:
                iface, hi, lo, cap, wire = struct.unpack(e + "IIIII", body[:20])
                if iface < len(ifaces) and 20 + cap <= len(body):
                    out.append((ifaces[iface], (hi << 32 | lo) * 1000, wire, body[20:20 + cap]))
            off += blen
        return out
    return out


def write(d, prefix, data, seen):
    h = hashlib.sha1(data).hexdigest()[:16]
    if h in seen:
        return
    seen.add(h)
    with open(os.path.join(d, prefix + h), "wb") as f:
        f.write(data)


def captures(root):
    for dp, dn, fn in os.walk(root):
        dn.sort()
        for n in sorted(fn):
            if n.endswith((".pcap", ".pcapng", ".cap")) or n[-1:].isdigit() and ".pcap" in n:
                yield os.path.join(dp, n)


def decode_seeds(out, files):
    seen, n = set(), 0
    for path in files:
        with open(path, "rb") as f:
            recs = read_pcap(f.read())
        kept = 0
        for dlt, _, wire, frame in recs:
            if dlt not in DECODE_DLTS or kept >= MAX_DECODE_PER_FILE or n >= MAX_DECODE:
                continue
            extra = min(max(wire - len(frame), 0), 0xfffe)
            before = len(seen)
            write(out, "d-", bytes([DECODE_DLTS.index(dlt), extra >> 8, extra & 255, 0]) + frame,
                  seen)
            if len(seen) > before:
                kept += 1
                n += 1
    return n


def synth_seed(points, fmt_for):
    """points: [(name index, [(dlt, ts, wire, frame)])] -> a synthesized-mode
    input; records merged in time order, each to its own file."""
    n = len(points)
    h0 = {1: 0, 2: 1, 3: 2}[n]
    b = bytearray([h0, 0, 0])
    for i, (ni, recs) in enumerate(points):
        dlt = recs[0][0] if recs else 1
        b += bytes([fmt_for(i), PIPE_DLTS.get(dlt, 0), ni, 0])
    merged = sorted((ts, i, wire, fr) for i, (_, recs) in enumerate(points)
                    for (_, ts, wire, fr) in recs[:MAX_PIPE_RECORDS // n])
    last = merged[0][0] if merged else 0
    for ts, i, wire, fr in merged:
        dt = max(0, min(255, (ts - last) // 7000))
        last = ts
        fr = fr[:65535]
        mask = (1 << i) | (0x40 if wire > len(fr) else 0)
        b += bytes([mask, dt]) + struct.pack(">H", len(fr)) + fr
    return bytes(b)


def pipeline_seeds(out, testdata, corpus):
    seen = set()
    # scenarios: up to three points in path order, as pcap and as pcapng
    for sc in sorted(os.listdir(testdata)) if os.path.isdir(testdata) else []:
        caps = list(captures(os.path.join(testdata, sc)))
        if not caps:
            continue
        pts = []
        for path in caps:
            rel = os.path.relpath(path, os.path.join(testdata, sc))
            name = rel.rsplit(".", 1)[0]
            with open(path, "rb") as f:
                recs = [r for r in read_pcap(f.read()) if r[0] in PIPE_DLTS]
            if recs:
                ni = PIPE_NAMES.index(name) if name in PIPE_NAMES else len(pts) % 16
                pts.append((ni, recs))
        for k in range(0, len(pts), 3):
            group, used = [], set()
            for ni, recs in pts[k:k + 3]:
                while ni in used:  # two points with one name: only one is read
                    ni = (ni + 1) % len(PIPE_NAMES)
                used.add(ni)
                group.append((ni, recs))
            write(out, "s-", synth_seed(group, lambda i: 0), seen)
            write(out, "n-", synth_seed(group, lambda i: 2 | (0x10 if i else 0)), seen)
        if pts:
            # one point's packets at three points: three-hop chains
            ni, recs = pts[0]
            b = bytearray([2, 0, 1])
            for i in range(3):
                b += bytes([0 if i != 1 else 2, PIPE_DLTS.get(recs[0][0], 0), [0, 1, 3][i], 0])
            for _, _, _, fr in recs[:MAX_PIPE_RECORDS]:
                b += bytes([7, 3]) + struct.pack(">H", len(fr)) + fr[:65535]
            write(out, "m-", bytes(b), seen)
    # corpus files as they are, file i with file i+1
    small = []
    if corpus and os.path.isdir(corpus):
        for n in sorted(os.listdir(corpus)):
            p = os.path.join(corpus, n)
            if os.path.isfile(p) and os.path.getsize(p) <= MAX_RAW_FILE:
                small.append(p)
    for a, b2 in list(zip(small, small[1:]))[:MAX_RAW_PAIRS]:
        with open(a, "rb") as f:
            x = f.read()
        with open(b2, "rb") as f:
            y = f.read()
        write(out, "r-", bytes([1 | 4, 0, 0]) + struct.pack(">H", len(x)) + x +
              struct.pack(">H", len(y)) + y, seen)
    return len(seen)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, testdata = sys.argv[1], sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else None
    for sub in ("decode", "pipeline"):
        d = os.path.join(out, sub)
        os.makedirs(d, exist_ok=True)
        for n in os.listdir(d):
            os.unlink(os.path.join(d, n))
    files = list(captures(testdata))
    if corpus and os.path.isdir(corpus):
        files += [os.path.join(corpus, n) for n in sorted(os.listdir(corpus))]
    nd = decode_seeds(os.path.join(out, "decode"), files)
    npl = pipeline_seeds(os.path.join(out, "pipeline"), testdata, corpus)
    print(f"mkseeds: {nd} decode seeds, {npl} pipeline seeds in {out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""fastflow.py - the worst case of one fast flow, as a capture bundle.

One TCP flow whose segments come GAP microseconds apart (100 k packets/s at
the default 10 us: one iperf, or a 1 Gbps download on a veth), captured at
node1/eth0 and, with --nodes 2, also at node2/eth0 5 us later. With --acks
the receiver ACKs every second segment. Frames are cut to 96 bytes
(-s 96), so a million packets stay small on disk. Deterministic.

With --hops N the flow crosses N points of one node instead (node1/p00 ...,
1 us apart, the TTL falling at each): a path longer than any real one.

usage: fastflow.py [--packets N] [--gap-us US] [--nodes 1|2] [--hops N] [--acks] OUTDIR
"""
import argparse
import os
import struct

SNAP = 96
MSS = 1448


def ip_sum(h):
    s = sum(struct.unpack("!10H", h))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def frame(src, dst, sport, dport, ipid, seq, ack, flags, plen, ttl=64):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    total = 20 + 20 + plen
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ipid & 0xFFFF, 0x4000, ttl, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", ip_sum(ip)) + ip[12:]
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
    pkt = eth + ip + tcp + bytes((seq + i) & 0xFF for i in range(min(plen, SNAP)))
    return pkt[:SNAP], 14 + total


def writer(path):
    f = open(path, "wb")
    # nanosecond pcap, Ethernet, snaplen 96
    f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, SNAP, 1))
    return f


def put(f, ts_ns, data, wirelen):
    f.write(struct.pack("<IIII", ts_ns // 10**9, ts_ns % 10**9, len(data), wirelen))
    f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=int, default=65536)
    ap.add_argument("--gap-us", type=float, default=10.0)
    ap.add_argument("--nodes", type=int, choices=(1, 2), default=2)
    ap.add_argument("--hops", type=int, default=0)
    ap.add_argument("--acks", action="store_true")
    ap.add_argument("outdir")
    a = ap.parse_args()
    c, s = bytes([10, 1, 0, 1]), bytes([10, 2, 0, 2])
    outs = []
    if a.hops:
        os.makedirs(os.path.join(a.outdir, "node1"), exist_ok=True)
        for n in range(a.hops):
            outs.append(writer(os.path.join(a.outdir, "node1", "p%02d.pcap" % n)))
    for n in range(1, a.nodes + 1 if not a.hops else 1):
        os.makedirs(os.path.join(a.outdir, "node%d" % n), exist_ok=True)
        outs.append(writer(os.path.join(a.outdir, "node%d" % n, "eth0.pcap")))
    t0 = 1715677200 * 10**9
    gap = int(a.gap_us * 1000)
    seq, ack_seq, ipid, ack_id = 1000, 5000, 1, 1
    # handshake, then data
    events = [(t0, (c, s, 40000, 80, ipid, seq - 1, 0, 0x02, 0), 0)]
    events.append((t0 + 50_000, (s, c, 80, 40000, 0, ack_seq - 1, seq, 0x12, 0), 1))
    t = t0 + 100_000
    for i in range(a.packets):
        ipid += 1
        events.append((t, (c, s, 40000, 80, ipid, seq, ack_seq, 0x10, MSS), 0))
        seq += MSS
        if a.acks and i % 2 == 1:
            ack_id += 1
            events.append((t + gap // 2, (s, c, 80, 40000, ack_id, ack_seq, seq, 0x10, 0), 1))
        t += gap
    step = 1_000 if a.hops else 5_000
    for ts, args, rev in events:
        # client -> server crosses node1 then node2 (or p00, p01, ...); the
        # reverse the other way; with --hops each point is a routed hop
        order = outs if not rev else list(reversed(outs))
        for k, f in enumerate(order):
            data, wl = frame(*args, ttl=255 - k if a.hops else 64)
            put(f, ts + step * k, data, wl)
    for f in outs:
        f.close()


if __name__ == "__main__":
    main()

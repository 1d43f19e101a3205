#!/usr/bin/env python3
"""split_pcap.py DIR - a bundle in which one conversation is first seen as two.

Point node1/pod sees a SYN of 10.0.0.1:40001 -> 10.0.0.2:80; point
node1/eth0 sees an unrelated SYN of the masqueraded form 10.9.9.9:50001 ->
10.0.0.2:80; a second later one data segment crosses both points, once in
each form (same IP ID, sequence number and payload: one wire packet, NAT in
between). The analysis meets two conversations, then the segment shows they
are one. Shards that own one each must say so (shard_split) and pktpath
merge must keep it once; a run over everything shows one conversation.
"""
import os
import struct
import sys


def ipv4(a):
    return bytes(int(x) for x in a.split("."))


def packet(src, sport, dst, dport, ttl, ipid, seq, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ipid, 0x4000, ttl, 6, 0,
                     ipv4(src), ipv4(dst))
    eth = bytes.fromhex("020000000002" "020000000001") + b"\x08\x00"
    return eth + ip + tcp


def write(path, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1))
        for ts_ns, data in records:
            f.write(struct.pack("<IIII", ts_ns // 10**9, ts_ns % 10**9, len(data), len(data)))
            f.write(data)


def main():
    out = sys.argv[1]
    os.makedirs(os.path.join(out, "node1"), exist_ok=True)
    t0 = 1_800_000_000 * 10**9
    syn, ack_psh = 0x02, 0x18
    data = b"hello, shard"
    pod = [(t0, packet("10.0.0.1", 40001, "10.0.0.2", 80, 64, 100, 1000, syn)),
           (t0 + 10**9, packet("10.0.0.1", 40001, "10.0.0.2", 80, 64, 300, 1001, ack_psh, data))]
    eth0 = [(t0 + 1000, packet("10.9.9.9", 50001, "10.0.0.2", 80, 63, 200, 5000, syn)),
            (t0 + 10**9 + 20000,
             packet("10.9.9.9", 50001, "10.0.0.2", 80, 63, 300, 1001, ack_psh, data))]
    write(os.path.join(out, "node1", "pod.pcap"), pod)
    write(os.path.join(out, "node1", "eth0.pcap"), eth0)


if __name__ == "__main__":
    main()

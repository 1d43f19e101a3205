#!/usr/bin/env python3
"""sll2_many.py OUT N - a hostile -i any capture (LINKTYPE_LINUX_SLL2): one
TCP conversation of N packets, each naming a new interface index. Used by
badinput.many_interfaces and faults.limits."""
import struct
import sys

out, n = sys.argv[1], int(sys.argv[2])
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 276))
    for i in range(n):
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0x4000, 64, 6, 0,
                         bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1000 + i, 0, 0x50, 0x10, 1000, 0, 0)
        sll2 = struct.pack("!HHIHBB8s", 0x0800, 0, i + 1, 1, 0, 6, b"\x02\0\0\0\0\x01\0\0")
        pkt = sll2 + ip + tcp
        f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(pkt), len(pkt)))
        f.write(pkt)

#!/usr/bin/env python3
"""ctest: verify.sh must reject a wrong truth in the issue-12 recordings.

usage: verify_selftest_trust.py TESTDATA_DIR

Copies a recorded folder, breaks one claim of its expected.json (a clock
offset, a protocol that is there, tied time stamps that are not, the count
or the marker of lost datagrams, a stop count, where a mid-flow NAT starts,
the ND destinations, an echo id, a VXLAN port, the in/out order at a
one-interface firewall) or, in a copy of its own, a capture (one that ends
before a lost datagram was due) and expects verify.sh to fail with a FAIL
line that names it. Exits 77 without tshark.
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def fl(e, i=0):
    return e["flows"][i]


def lost_single(e):
    return next(f for f in e["flows"] if f["forward"]["verdict"] == "stopped")


def shift_clock(e):
    e["clock"]["offsets"]["node2"]["offset"] += 0.01


def hop_port(e):
    fl(e)["forward"]["hops"][-1]["sport"] += 100


def vxlan_port(e):
    for h in fl(e)["forward"]["hops"]:
        if h.get("encap"):
            h["encap"]["dport"] = 8472


def swap_in_out(e):
    hops = fl(e)["forward"]["hops"]
    hops[0]["dir"], hops[1]["dir"] = hops[1]["dir"], hops[0]["dir"]


def end_before_last_loss(d, e):
    """node2/eth0 of 12f as if its capture had ended right after the last
    lost datagram: its records from the last flow's datagram on (the one sent
    after the pause) are dropped."""
    path, sport = os.path.join(d, "node2", "eth0.pcap"), e["flows"][-1]["origin"]["sport"]
    with open(path, "rb") as f:
        data = f.read()
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack_from(end + "I", data, pos + 8)[0]
        frame = data[pos + 16:pos + 16 + incl]
        ihl = (frame[14] & 15) * 4 if len(frame) > 14 else 0
        if frame[12:14] == b"\x08\x00" and frame[23] == 17 and \
                struct.unpack_from("!H", frame, 14 + ihl)[0] == sport:
            break
        pos += 16 + incl
    with open(path, "wb") as f:
        f.write(data[:pos])


MUTATIONS = [
    ("12b-udp-clock", "clock offset 10 ms off", shift_clock, "clock: with the stated offsets"),
    ("12b-udp-clock", "UDP claimed absent", lambda e: e["absent_protocols"].append("udp"), "absent_protocols"),
    ("12c-bridge-order", "more ties than there are",
     lambda e: fl(e, 2)["reverse"]["tied_timestamps"].update(min_packets=1000), "tied_timestamps"),
    ("12f-udp-loss", "one lost datagram more",
     lambda e: (fl(e)["forward"]["lost_marker"].update(packets=fl(e)["forward"]["lost_marker"]["packets"] + 1),
                fl(e)["forward"]["stopped"].update(packets=fl(e)["forward"]["stopped"]["packets"] + 1)), "lost_marker"),
    ("12f-udp-loss", "the kept datagrams as the lost ones",
     lambda e: fl(e)["forward"]["lost_marker"].update(marker="K"), "are not the"),
    ("12f-udp-loss", "a stop count of 2", lambda e: lost_single(e)["forward"]["stopped"].update(packets=2),
     "stopped.packets"),
    ("12f-udp-loss", "node2/eth0 ends before the last lost datagram was due", lambda e: None,
     "was not capturing", end_before_last_loss),
    ("12g-nat-midflow", "the NAT one packet earlier",
     lambda e: fl(e)["forward"]["nat"][0].update(untranslated_first=fl(e)["forward"]["nat"][0]["untranslated_first"] - 1,
                                                 packets=fl(e)["forward"]["nat"][0]["packets"] + 1), "mid-flow"),
    ("12i-ipv6-nd", "an NA to another address",
     lambda e: e["neighbour_advertisements"]["to"].update({"node2/eth0": "fe80::216:3eff:fe00:b6"}),
     "neighbour_advertisements"),
    ("12a-icmp-echo", "another echo id", hop_port, "no icmp packet"),
    ("12a-icmp-echo-single", "another echo id", hop_port, "no icmp packet"),
    ("12h-vxlan-6080", "VXLAN on 8472", vxlan_port, "in vxlan"),
    ("12h-vxlan-6080-firewall", "out before in at the firewall", swap_in_out, "fw/eth0"),
]


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    if not shutil.which("tshark"):
        return 77
    data, fail = sys.argv[1], 0
    with tempfile.TemporaryDirectory(prefix="pp-verify-selftest12.") as tmp:
        os.mkdir(os.path.join(tmp, ".tshark"))
        os.environ["VERIFY_TSHARK_CACHE"] = os.path.join(tmp, ".tshark")
        for n, (folder, what, mutate, word, *captures) in enumerate(MUTATIONS):
            # A broken capture gets a copy of the folder of its own.
            d = os.path.join(tmp, folder + ("-%d" % n if captures else ""))
            if not os.path.exists(d):
                shutil.copytree(os.path.join(data, folder), d)
                shutil.copy(os.path.join(d, "expected.json"), d + ".expected.json")
                for c in captures:
                    with open(d + ".expected.json", encoding="utf-8") as f:
                        c(d, json.load(f))
            with open(d + ".expected.json", encoding="utf-8") as f:
                e = json.load(f)
            mutate(e)
            with open(os.path.join(d, "expected.json"), "w", encoding="utf-8") as f:
                json.dump(e, f, indent=2)
            res = subprocess.run([os.path.join(HERE, "verify.sh"), d], capture_output=True, text=True)
            lines = [l for l in res.stderr.splitlines() if "FAIL:" in l and word in l]
            if res.returncode != 1 or not lines:
                print("verify_selftest_trust.py: %s: not rejected (%s): exit %d\n%s" % (
                    folder, what, res.returncode, res.stdout + res.stderr), file=sys.stderr)
                fail = 1
            else:
                print("rejected %s (%s): %s" % (folder, what, lines[0]))
    return fail


if __name__ == "__main__":
    sys.exit(main())

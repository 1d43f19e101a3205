#!/usr/bin/env python3
"""pktpath lab: UDP traffic with known contents for the issue-12 scenarios.

usage: udptool.py echo PORT                 answer every datagram with its own bytes
       udptool.py sink PORT...              receive and drop (no ICMP port unreachable)
       udptool.py rr DST PORT SPORT COUNT INTERVAL_MS [--size BYTES]
                                            COUNT requests, each waits for its answer;
                                            --size: each request BYTES long (the
                                            number, then a seeded filler)
       udptool.py queries DST PORT SPORT_BASE COUNT INTERVAL_MS
                                            COUNT one-request flows (DNS-like), one
                                            source port each, each waits for its answer
       udptool.py send DST PORT SPORT COUNT RATE [--loss PERMILLE SEED]
                        [--pause-after N PAUSED_FILE GO_FILE]
                                            COUNT datagrams one way at RATE per second
       udptool.py singles DST PORT SPORT_BASE COUNT LOST_EVERY [--tail SPORT DELAY]
                                            COUNT one-datagram flows, one source port each;
                                            with --tail, DELAY seconds after the last one
                                            more, unmarked, from SPORT

Every datagram of `send` and `singles` carries a marker byte and its number:
b"K0000042" (kept) or b"D0000042" (marked). The lab's lossy link drops the
marked ones; which are marked follows from the configuration alone
(loss_marks, also used by truth12.py), so the truth can name them. Prints one
summary line on stdout; exits 1 when an rr request goes unanswered.
"""
import os
import random
import socket
import sys
import time


def loss_marks(count, permille, seed):
    """Which of COUNT datagrams are marked for loss: a seeded PRNG."""
    rng = random.Random(seed)
    return [rng.random() * 1000 < permille for _ in range(count)]


def single_lost(i, every):
    """The one-datagram flows: every EVERY-th flow's datagram is marked."""
    return every > 0 and (i + 1) % every == 0


def payload(seq, lost):
    return b"%s%07d" % (b"D" if lost else b"K", seq)


def udp_socket(sport=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport is not None:
        s.bind(("0.0.0.0", sport))
    return s


def echo(port):
    s = udp_socket(port)
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def sink(ports):
    socks = [udp_socket(p) for p in ports]
    import select
    while True:
        r, _, _ = select.select(socks, [], [])
        for s in r:
            s.recv(65535)


def sized(msg, size):
    """msg padded to SIZE bytes with a filler seeded by msg (the same every
    run; no two requests alike)."""
    if size <= len(msg):
        return msg
    return msg + random.Random(msg).randbytes(size - len(msg))


def ask(s, msg):
    """Sends msg on the connected socket s: 1 when it comes back in time."""
    s.send(msg)
    try:
        while s.recv(65535) != msg:
            pass
        return 1
    except socket.timeout:
        return 0


def rr(dst, port, sport, count, interval_ms, size=0):
    s = udp_socket(sport)
    s.connect((dst, port))
    s.settimeout(1.0)
    answered = 0
    for i in range(1, count + 1):
        answered += ask(s, sized(b"R%07d" % i, size))
        time.sleep(interval_ms / 1000.0)
    print("rr %s:%d from port %d: %d requests%s, %d answered" % (
        dst, port, sport, count, " of %d bytes" % size if size else "", answered))
    return 0 if answered == count else 1


def queries(dst, port, sport_base, count, interval_ms):
    answered = 0
    for i in range(count):
        s = udp_socket(sport_base + i)
        s.connect((dst, port))
        s.settimeout(1.0)
        answered += ask(s, b"Q%07d" % (i + 1))
        s.close()
        time.sleep(interval_ms / 1000.0)
    print("queries %s:%d from ports %d-%d: %d one-request flows, %d answered" % (
        dst, port, sport_base, sport_base + count - 1, count, answered))
    return 0 if answered == count else 1


def send(dst, port, sport, count, rate, loss=None, pause=None):
    marks = loss_marks(count, *loss) if loss else [False] * count
    s = udp_socket(sport)
    s.connect((dst, port))
    t0 = time.monotonic()
    for i in range(count):
        if pause and i == pause[0]:
            open(pause[1], "w").close()
            while not os.path.exists(pause[2]):
                time.sleep(0.005)
            t0 = time.monotonic() - i / rate
        s.send(payload(i + 1, marks[i]))
        ahead = t0 + (i + 1) / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    print("send %s:%d from port %d: %d datagrams, %d marked for loss, in %.2f s" % (
        dst, port, sport, count, sum(marks), time.monotonic() - t0))
    return 0


def one_datagram(dst, port, sport, data):
    s = udp_socket(sport)
    s.sendto(data, (dst, port))
    s.close()


def singles(dst, port, sport_base, count, every, tail=None):
    lost = 0
    for i in range(count):
        one_datagram(dst, port, sport_base + i, payload(i + 1, single_lost(i, every)))
        lost += single_lost(i, every)
        time.sleep(0.01)
    more = ""
    if tail:
        t0 = time.monotonic()
        time.sleep(tail[1])
        one_datagram(dst, port, tail[0], payload(count + 1, False))
        more = ", then %.3f s later one from port %d, not marked" % (time.monotonic() - t0, tail[0])
    print("singles %s:%d from ports %d-%d: %d one-datagram flows, %d marked for loss%s" % (
        dst, port, sport_base, sport_base + count - 1, count, lost, more))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, a = argv[1], argv[2:]
    if cmd == "echo":
        return echo(int(a[0]))
    if cmd == "sink":
        return sink([int(p) for p in a])
    if cmd == "rr":
        size = int(a[a.index("--size") + 1]) if "--size" in a else 0
        return rr(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]), size)
    if cmd == "queries":
        return queries(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]))
    if cmd == "send":
        loss = pause = None
        if "--loss" in a:
            k = a.index("--loss")
            loss = (int(a[k + 1]), int(a[k + 2]))
        if "--pause-after" in a:
            k = a.index("--pause-after")
            pause = (int(a[k + 1]), a[k + 2], a[k + 3])
        return send(a[0], int(a[1]), int(a[2]), int(a[3]), float(a[4]), loss, pause)
    if cmd == "singles":
        tail = None
        if "--tail" in a:
            k = a.index("--tail")
            tail = (int(a[k + 1]), float(a[k + 2]))
        return singles(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), tail)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

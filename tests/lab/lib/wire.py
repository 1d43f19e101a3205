#!/usr/bin/env python3
"""pktpath lab: a cable with delay and jitter in one direction.

usage: wire.py NEAR FAR MIN_MS MAX_MS SEED

This kernel has no netem, so scenario 12d runs this instead: it copies every
frame received on interface NEAR to FAR at once, and every frame received on
FAR to NEAR after a uniform random delay in [MIN_MS, MAX_MS] (seeded), in
the order of their due times, so a later frame can overtake an earlier one
as with netem's jitter. Both interfaces live in a namespace without
addresses (the lab's pp-wire): the kernel there only hands frames to this
process. Prints "wire ready" when listening, and on SIGTERM how many frames
went each way.
"""
import heapq
import random
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 3
PACKET_OUTGOING = 4


def sock(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    near, far = sock(argv[1]), sock(argv[2])
    lo, hi = float(argv[3]) / 1000, float(argv[4]) / 1000
    rng = random.Random(int(argv[5]))
    due = []
    counts = {"passed": 0, "delayed": 0}
    seq = 0

    def stop(*_):
        print("wire: %d frames passed at once towards %s, %d delayed towards %s" % (
            counts["passed"], argv[2], counts["delayed"], argv[1]), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("wire ready", flush=True)
    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        ready, _, _ = select.select([near, far], [], [], timeout)
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue  # our own transmissions
                if s is near:
                    far.send(frame)
                    counts["passed"] += 1
                else:
                    seq += 1
                    heapq.heappush(due, (time.monotonic() + rng.uniform(lo, hi), seq, frame))
        now = time.monotonic()
        while due and due[0][0] <= now:
            near.send(heapq.heappop(due)[2])
            counts["delayed"] += 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

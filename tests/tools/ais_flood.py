#!/usr/bin/env python3
"""A flood of AIS position reports, each from a new random MMSI: what a
hostile or broken feeder can send to grow the tracker without bound.

    ais_flood.py COUNT [--seed N] [--out FILE]          write the sentences
    ais_flood.py COUNT [--seed N] --push HOST:PORT      send them over TCP

Class A position reports (type 1, ITU-R M.1371-5), one !AIVDM sentence
each, valid checksum, random MMSI (MID 201-775), position, speed and course.
With --push, prints one JSON line per chunk of --chunk reports: how long the
chunk took to send. The receiver's socket buffer pushes back, so over a
long flood the send rate is the receiver's processing rate."""
import argparse
import base64
import functools
import json
import operator
import random
import socket
import sys
import time


# The six-bit armoring (ITU-R M.1371-5, 6-bit ASCII) is base64 with another
# alphabet: 168 bits are 21 bytes and 28 characters either way.
B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
AIS = bytes(v + 48 if v < 40 else v + 56 for v in range(64))
TO_AIS = bytes.maketrans(B64, AIS)


def report(rng):
    mmsi = rng.randrange(201000000, 776000000)
    lat = rng.uniform(-60, 60)
    lon = rng.uniform(-180, 180)
    sog = rng.randrange(0, 300)              # 0.1 kn
    cog = rng.randrange(0, 3600)             # 0.1 degree
    fields = (
        (6, 1), (2, 0), (30, mmsi), (4, 0), (8, 0x80),   # type, repeat, MMSI, under way, no ROT
        (10, sog), (1, 0),
        (28, round(lon * 600000) & 0xFFFFFFF), (27, round(lat * 600000) & 0x7FFFFFF),
        (12, cog), (9, 511), (6, 60), (2, 0), (3, 0), (1, 0), (19, 0),
    )
    bits = 0
    for n, v in fields:
        bits = (bits << n) | (v & ((1 << n) - 1))
    payload = base64.b64encode(bits.to_bytes(21, "big")).translate(TO_AIS)
    body = b"AIVDM,1,1,,A," + payload + b",0"
    return b"!%s*%02X\n" % (body, functools.reduce(operator.xor, body))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--push")
    ap.add_argument("--chunk", type=int, default=10000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if not a.push:
        with open(a.out, "wb") if a.out else sys.stdout.buffer as f:
            for _ in range(a.count):
                f.write(report(rng))
        return
    host, port = a.push.rsplit(":", 1)
    # Built before the clock starts, so the rates are the receiver's.
    chunks = []
    for start in range(0, a.count, a.chunk):
        chunks.append(b"".join(report(rng) for _ in range(min(a.chunk, a.count - start))))
    s = socket.create_connection((host, int(port)))
    sent = 0
    for c in chunks:
        t0 = time.monotonic()
        s.sendall(c)
        dt = time.monotonic() - t0
        sent += c.count(b"\n")
        print(json.dumps({"sent": sent, "seconds": round(dt, 4)}), flush=True)
    s.close()


if __name__ == "__main__":
    main()

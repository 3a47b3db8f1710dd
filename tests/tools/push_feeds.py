#!/usr/bin/env python3
"""push_feeds.py PORT=FILE ... [--seed=N] [--max-chunk=N]: connects to every
127.0.0.1:PORT, then sends each FILE over its connection in turn in random chunk sizes (1 byte
to --max-chunk), then closes. A feeder for the live-equals-replay test."""
import random
import socket
import sys
import time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
opts = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
rng = random.Random(int(opts.get("seed", "1")))
max_chunk = int(opts.get("max-chunk", "65536"))
def connect(port):
    for attempt in range(100):
        try:
            return socket.create_connection(("127.0.0.1", int(port)))
        except OSError:
            time.sleep(0.1)
    sys.exit(f"cannot connect to 127.0.0.1:{port}")


# Every connection first, so the reader sees all its feeders before any ends.
conns = [(connect(spec.split("=", 1)[0]), spec.split("=", 1)[1]) for spec in args]
for s, path in conns:
    data = open(path, "rb").read()
    i = 0
    while i < len(data):
        n = rng.randint(1, max_chunk)
        s.sendall(data[i:i + n])
        i += n
    s.shutdown(socket.SHUT_WR)
    # Wait for the reader to close its side: everything was read.
    s.settimeout(600)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()

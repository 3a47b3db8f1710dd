"""live_probe.py: the latency probes of the live benchmarks (bench_live.py,
bench_stream_latency.sh). Probe i is vessel 990000001 + i, on a watchlist
and heard once: the time its alert comes out on the API's /api/v1/stream,
less the time it was sent, is the latency. 127.0.0.1 only."""
import socket
import sys
import time

PROBE_MMSI = 990000001


def connect(port, tries=200):
    """A connection to 127.0.0.1:port, waiting for the server to listen."""
    for _ in range(tries):
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            time.sleep(0.05)
    sys.exit(f"cannot connect to {port}")


def watch_alerts(port, probes, seen, ready, first=0):
    """Reads the HTTP server's /api/v1/stream (sets ready once asked) until it
    ends; seen[i] gets the time probe i's alert first arrived, for i in
    [first, first + probes). Run it in a thread."""
    s = connect(port)
    s.sendall(b"GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    ready.set()
    buf = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        now = time.time()
        buf += chunk
        while b"\n\n" in buf:
            msg, buf = buf.split(b"\n\n", 1)
            if b"event: alert" not in msg:
                continue
            for i in range(first, first + probes):
                if i not in seen and str(PROBE_MMSI + i).encode() in msg:
                    seen[i] = now

#!/usr/bin/env python3
"""sse_fanout.py URL CLIENTS SECONDS: opens CLIENTS concurrent connections to
the server-sent event stream at URL, reads them all for SECONDS with one
selector, and prints one JSON line: messages and bytes delivered, per-client
minimum and maximum, messages/s. Counts every "event:" line, whatever its
name; chunked framing is left in the byte count."""
import json
import selectors
import socket
import sys
import time
import urllib.parse

url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
u = urllib.parse.urlparse(url)
sel = selectors.DefaultSelector()
state = {}
for i in range(n):
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    s.sendall(f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}\r\nAccept: text/event-stream\r\n\r\n".encode())
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
    state[i] = {"msgs": 0, "bytes": 0, "tail": b"", "closed": False}
start = time.time()
end = start + seconds
while time.time() < end:
    for key, _ in sel.select(timeout=0.2):
        st = state[key.data]
        try:
            d = key.fileobj.recv(262144)
        except BlockingIOError:
            continue
        if not d:
            st["closed"] = True
            sel.unregister(key.fileobj)
            continue
        st["bytes"] += len(d)
        buf = st["tail"] + d
        st["msgs"] += buf.count(b"\nevent: ") + buf.startswith(b"event: ")
        st["tail"] = buf[-8:]
elapsed = time.time() - start
msgs = [st["msgs"] for st in state.values()]
print(json.dumps({"clients": n, "seconds": round(elapsed, 2), "messages": sum(msgs),
                  "messages_per_s": round(sum(msgs) / elapsed, 1),
                  "mbytes_per_s": round(sum(st["bytes"] for st in state.values()) / elapsed / 1e6, 2),
                  "min_per_client": min(msgs), "max_per_client": max(msgs),
                  "clients_served": sum(m > 0 for m in msgs),
                  "clients_closed": sum(st["closed"] for st in state.values())}))

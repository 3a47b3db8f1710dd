#!/usr/bin/env python3
"""rtltcp_emu.py: a small rtl_tcp server for the tests (127.0.0.1 only).

Serves a recording as rtl_tcp would: the 12-byte header ("RTL0", tuner type
5 = R820T, 29 gains), then the samples in chunks of uneven size, and logs
every 5-byte command it receives as a JSON line {"cmd": N, "value": V}
(value as a signed 32-bit number). Modes:
  normal     serve the file, close, exit
  drop-once  first connection: half the file, then close; second: the rest
  garbage    answer with an HTTP header instead of RTL0 (every connection)
  stall      header and a little data, then silence (connection kept open)
  skip       (with --rate) the middle third of the samples is not sent but
             still takes its time, counted as dropped: a server shedding
--rate SPS paces the samples in real time; a chunk the client's socket cannot
take at once is dropped and counted, as rtl_tcp's bounded buffer does.
--seconds S (with --rate) serves the file over and over for S seconds of
samples (the benchmark's sustained stream).
The port (--port, default: any free one) goes to --port-file once listening; a summary line goes to the log
at the end: {"served": BYTES, "dropped": BYTES, "connections": N}.
"""
import argparse, json, os, select, socket, struct, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--file", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--log", required=True)
ap.add_argument("--mode", default="normal", choices=["normal", "drop-once", "garbage", "stall", "skip"])
ap.add_argument("--rate", type=float, default=0)
ap.add_argument("--connections", type=int, default=1)
ap.add_argument("--seconds", type=float, default=0)
a = ap.parse_args()

data = open(a.file, "rb").read()
log = open(a.log, "w")
lock = threading.Lock()

def logj(o):
    with lock:
        log.write(json.dumps(o) + "\n")
        log.flush()

def read_commands(c):
    buf = b""
    while True:
        try:
            select.select([c], [], [], 1.0)
            b = c.recv(4096)
        except BlockingIOError:
            continue
        except OSError:
            return
        if not b:
            return
        buf += b
        while len(buf) >= 5:
            cmd, val = struct.unpack(">Bi", buf[:5])
            buf = buf[5:]
            logj({"cmd": cmd, "value": val})

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", a.port))
s.listen(4)
with open(a.port_file + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(a.port_file + ".tmp", a.port_file)

served = dropped = 0
sizes = [4093, 16384, 1, 777, 65536, 3]
conns = a.connections if a.mode != "drop-once" else 2
for k in range(conns):
    c, _ = s.accept()
    t = threading.Thread(target=read_commands, args=(c,), daemon=True)
    t.start()
    if a.mode == "garbage":
        c.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + data[:1000])
        time.sleep(0.2)
        c.close()
        continue
    c.sendall(b"RTL0" + struct.pack(">II", 5, 29))
    part = data
    if a.mode == "drop-once":
        part = data[: len(data) // 2] if k == 0 else data[len(data) // 2:]
    if a.mode == "stall":
        c.sendall(data[:10000])
        time.sleep(3600)
    if a.seconds and a.rate:
        total = int(a.seconds * a.rate) * 2
        part = memoryview(data * (1 + 9600 // len(data) + 1))
    else:
        total = len(part)
    start = time.monotonic()
    off = i = 0
    if a.rate:
        c.setblocking(False)
    while off < total:
        n = min(sizes[i % len(sizes)] if not a.rate else 9600, total - off)
        i += 1
        if a.seconds and a.rate:
            o = off % len(data)
            chunk = part[o:o + n]
        else:
            chunk = part[off:off + n]
        if a.rate:
            due = start + (off / 2) / a.rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            # Whole chunks are dropped (as rtl_tcp drops whole buffers), so
            # the client's I/Q pairs stay aligned: a chunk begun is finished.
            try:
                sent = 0 if a.mode == "skip" and total // 3 <= off < 2 * total // 3 else c.send(chunk)
            except BlockingIOError:
                sent = 0
            if 0 < sent < len(chunk):
                c.setblocking(True)
                c.sendall(chunk[sent:])
                c.setblocking(False)
                sent = len(chunk)
            served += sent
            dropped += len(chunk) - sent
        else:
            c.sendall(chunk)
            served += len(chunk)
        off += len(chunk)
    time.sleep(0.3)  # let the last commands arrive before closing
    c.close()
logj({"served": served, "dropped": dropped, "connections": conns})

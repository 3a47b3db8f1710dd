#!/usr/bin/env python3
"""bench_run.py ATALAYA ROOT: loopback ingest into `atalaya run` from 8 concurrent
Beast feeders. Each feeder sends its own aircraft (the Beast sample's DF17
frames re-addressed per feeder, CRC recomputed), so nothing is a duplicate.
Prints frames/s until every frame was processed, whether any was lost, and
peak memory. 127.0.0.1 only; stops by itself."""
import os
import socket
import subprocess
import sys
import threading
import time

atalaya, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "tests/tools"))
from modes_crc import crc24  # noqa: E402 (found through ROOT)

FEEDERS, PER_FEEDER = 8, int(os.environ.get("FRAMES", "100000"))


def frames_from_sample():
    avr = subprocess.run([atalaya, "decode", "--format", "avr",
                          os.path.join(root, "tests/samples/modes/beast/sample_dump1090.bin")],
                         capture_output=True, check=True).stdout.decode().split()
    out = []
    for line in avr:
        h = line[13:-1] if line.startswith("@") else line[1:-1]
        if len(h) == 28 and int(h[:2], 16) >> 3 == 17:
            out.append(bytes.fromhex(h))
    return out


def beast(frame, ts):
    body = ts.to_bytes(6, "big") + bytes([100]) + frame
    return b"\x1a\x33" + body.replace(b"\x1a", b"\x1a\x1a")


base = frames_from_sample()
streams = []
for k in range(FEEDERS):
    msgs = []
    ts = 0
    for i in range(PER_FEEDER):
        f = bytearray(base[i % len(base)][:11])
        addr = 0x300000 + k * 0x1000 + (i % 64)  # 64 aircraft per feeder
        f[1:4] = addr.to_bytes(3, "big")
        f += crc24(f).to_bytes(3, "big")
        ts += 12000 * 5  # 5 ms apart
        msgs.append(beast(bytes(f), ts))
    streams.append(b"".join(msgs))

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"beast+listen://127.0.0.1:{port}",
                         "--stats", "--stats-interval", "0.1"],
                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
frames_seen = [0]


def read_stats():
    for line in proc.stderr:
        if "frames " in line:
            frames_seen[0] = int(line.split("frames ")[1].split(",")[0])


threading.Thread(target=read_stats, daemon=True).start()
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.05)
base_frames = frames_seen[0]


def feed(data):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(data)
    c.close()


total = FEEDERS * PER_FEEDER
t0 = time.time()
threads = [threading.Thread(target=feed, args=(d,)) for d in streams]
for t in threads:
    t.start()
for t in threads:
    t.join()
deadline = time.time() + 120
while frames_seen[0] - base_frames < total and time.time() < deadline:
    time.sleep(0.02)
dt = time.time() - t0
with open(f"/proc/{proc.pid}/status") as f:
    hwm = next(l for l in f if l.startswith("VmHWM")).split()[1]
proc.terminate()
proc.wait(timeout=10)
got = frames_seen[0] - base_frames
print(f"8 feeders x {PER_FEEDER} Beast frames over loopback: {got} of {total} processed in {dt:.2f} s "
      f"= {got / dt / 1e6:.2f} M frames/s; lost {total - got}; peak memory {int(hwm) / 1024:.1f} MiB")

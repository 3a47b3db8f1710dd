#!/usr/bin/env python3
"""bench_live.py ATALAYA ROOT: the live operations centre under load.

A simulated recording (the levant hold-out: AIS NMEA and Beast) is pushed at
full speed over loopback TCP into `atalaya run --store --http` with every
detector on. Meanwhile a probe connection sends, every 0.25 s, one position
of a watchlisted vessel never heard before; its alert is stored and pushed
to the page's stream (/api/v1/stream). Printed:
  - sustained messages/s through decoders, tracker, watchlists, detectors
    and SQLite (wall time from the first byte to the end of the input),
    beside `ingest` of the same files in the same run (the batch path);
  - latency from a probe's send to its alert on the stream, p50 and p99 (the
    store commits once a second and the stream polls it once a second, so
    about 1-2 s is the design);
  - peak memory of run (VmHWM).
Everything stays on 127.0.0.1."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ais_lines import nmea, position  # noqa: E402
from live_probe import PROBE_MMSI, connect, watch_alerts  # noqa: E402

atalaya, root = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="atalaya-bench-live.")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


sim = subprocess.run([atalaya, "simulate", f"{root}/tests/scenarios/levant.json", "--ais", f"{tmp}/a.nmea",
                      "--modes", f"{tmp}/m.beast", "--truth", f"{tmp}/t.jsonl", "--seed", "23"],
                     capture_output=True)
if sim.returncode:
    sys.exit("simulate failed: " + sim.stderr.decode())
head = json.loads(open(f"{tmp}/t.jsonl").readline())
epoch = (head["start_ms"] - head.get("modes_ts12_at_start", 0) / 12000) / 1000
probes = 200
with open(f"{tmp}/probes.csv", "w") as f:
    f.write("kind,name,imo,mmsi,icao24,registration,callsign_prefix,flag,program,note\n")
    for i in range(probes):
        f.write(f"vessel,PROBE {i},,{PROBE_MMSI + i},,,,,BENCH,latency probe\n")
db = f"{tmp}/live.db"
subprocess.run([atalaya, "watchlist", "--db", db, "import", "--format", "csv", "--list", "bench",
                f"{tmp}/probes.csv"], check=True, capture_output=True)
ref = f"{tmp}/ref.db"
subprocess.run([atalaya, "watchlist", "--db", ref, "import", "--format", "csv", "--list", "bench",
                f"{tmp}/probes.csv"], check=True, capture_output=True)

t0 = time.time()
subprocess.run([atalaya, "ingest", "--quiet", "--store", f"sqlite:{ref}", "--modes-epoch", str(epoch),
                f"{tmp}/a.nmea", f"{tmp}/m.beast"], check=True)
ingest_s = time.time() - t0

p_ais, p_beast, p_probe, p_http = free_port(), free_port(), free_port(), free_port()
run = subprocess.Popen([atalaya, "run", "--input", f"nmea+listen://127.0.0.1:{p_ais}",
                        "--input", f"beast+listen://127.0.0.1:{p_beast}",
                        "--input", f"nmea+listen://127.0.0.1:{p_probe}",
                        "--store", f"sqlite:{db}", "--http", f"127.0.0.1:{p_http}",
                        "--modes-epoch", str(epoch), "--stats", "--stats-interval", "3600"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


seen = {}
sse_ready = threading.Event()
threading.Thread(target=watch_alerts, args=(p_http, probes, seen, sse_ready), daemon=True).start()
sse_ready.wait()
time.sleep(0.5)
ais_sock, beast_sock, probe_sock = connect(p_ais), connect(p_beast), connect(p_probe)
ais_lines = open(f"{tmp}/a.nmea", "rb").read().splitlines(keepends=True)
beast = open(f"{tmp}/m.beast", "rb").read()
cur_t = [int(head["start_ms"] / 1000)]
sent = {}
done = threading.Event()


def push_ais():
    batch = []
    for line in ais_lines:
        i = line.find(b"c:")
        if i >= 0:
            cur_t[0] = int(line[i + 2:i + 12])
        batch.append(line)
        if len(batch) == 200:
            ais_sock.sendall(b"".join(batch))
            batch = []
    ais_sock.sendall(b"".join(batch))


def push_beast():
    for i in range(0, len(beast), 65536):
        beast_sock.sendall(beast[i:i + 65536])


def push_probes():
    for i in range(probes):
        if done.is_set():
            return
        probe_sock.sendall(nmea(position(PROBE_MMSI + i, 34.0, 33.5), cur_t[0]).encode())
        sent[i] = time.time()
        time.sleep(0.25)


start = time.time()
threads = [threading.Thread(target=f) for f in (push_ais, push_beast)]
for t in threads:
    t.start()
pt = threading.Thread(target=push_probes)
pt.start()
for t in threads:
    t.join()
ais_sock.shutdown(socket.SHUT_WR)
beast_sock.shutdown(socket.SHUT_WR)
# The input is read when run closes its side.
for s in (ais_sock, beast_sock):
    s.settimeout(600)
    while s.recv(4096):
        pass
took = time.time() - start
done.set()
pt.join()
time.sleep(3)
rss = 0
try:
    for line in open(f"/proc/{run.pid}/status"):
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1])
except OSError:
    pass
run.terminate()
err = run.communicate(timeout=60)[1].decode()
stats = [l for l in err.splitlines() if "frames" in l]
msgs = 0
if stats:
    s = stats[-1]
    for key in ("frames ", "ais ", "sbs "):
        msgs += int(s.split(key)[1].split(",")[0].split(";")[0])
lat = sorted(seen[i] - sent[i] for i in seen if i in sent)


def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")


print(f"run --store --http, every detector, levant over loopback TCP: {msgs} messages in {took:.1f} s "
      f"= {msgs / took:,.0f} messages/s, peak {rss / 1024:.0f} MiB")
print(f"ingest of the same files (batch, same run): {msgs / ingest_s:,.0f} messages/s ({ingest_s:.1f} s)")
if subprocess.run(["sh", "-c", "command -v gpsdecode"], capture_output=True).returncode == 0:
    t0 = time.time()
    with open(f"{tmp}/a.nmea", "rb") as f:
        g = subprocess.run(["/usr/bin/time", "-f", "%M", "gpsdecode", "-j"], stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    g_s = time.time() - t0
    n_ais = sum(1 for _ in open(f"{tmp}/a.nmea", "rb"))
    peak = g.stderr.decode().strip().splitlines()[-1] if g.stderr else "?"
    print(f"peer: gpsdecode -j decoding only the AIS half (no tracking, no store): {n_ais / g_s:,.0f} lines/s, "
          f"peak {int(peak) // 1024 if peak.isdigit() else '?'} MiB")
print(f"probe alert latency, send -> pushed on /api/v1/stream: {len(lat)} of {len(sent)} probes, "
      f"p50 {pct(0.5) * 1000:.0f} ms, p99 {pct(0.99) * 1000:.0f} ms")
subprocess.run(["rm", "-rf", tmp])

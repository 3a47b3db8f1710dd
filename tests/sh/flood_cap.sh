#!/usr/bin/env bash
# A flood of AIS reports, each from a new random MMSI, into `atalaya run
# --http` over loopback TCP while a browser-like client reads vessels.json
# every second: the live entities stay under track.max_entities (the least
# recently heard evicted, and counted), peak memory stays bounded and the
# message rate at the end of the flood is at least half the rate at its
# start (docs/memory.md). ATALAYA_FLOOD=N reports (default 1,000,000) and
# ATALAYA_FLOOD_CAP (default 50,000) scale it up. The detectors are on, as
# in `run` by default: their vessels stay under detect.max_vessels (the
# tracker's cap unless set), the least recently heard with nothing open
# forgotten and counted; ATALAYA_FLOOD_DETECT=0 turns them off (--no-detect).
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$ATALAYA" "$root" "${ATALAYA_FLOOD:-1000000}" "${ATALAYA_FLOOD_CAP:-50000}" "${ATALAYA_FLOOD_DETECT:-1}" <<'PY'
import json, os, signal, socket, subprocess, sys, threading, time, urllib.request
atalaya, root, n, cap = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
detect = [] if sys.argv[5] == "1" else ["--no-detect"]
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
p_in, p_http = free_port(), free_port()
proc = subprocess.Popen([atalaya, "run", "--db", "/nonexistent", "--input", f"nmea+listen://127.0.0.1:{p_in}",
                         "--http", f"127.0.0.1:{p_http}", "--set", f"track.max_entities={cap}"] + detect,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
def get(path, timeout=30):
    with urllib.request.urlopen(f"http://127.0.0.1:{p_http}{path}", timeout=timeout) as r:
        return json.loads(r.read())
for _ in range(200):
    try:
        get("/api/v1/stats"); break
    except OSError:
        time.sleep(0.05)
if proc.poll() is not None:
    print("not ok - atalaya run did not start: " + proc.stderr.read().strip().replace("\n", " | ")[:300])
    sys.exit(0)
try:
    # The browser: vessels.json once a second, as the map polls it.
    seen, stop = [0], threading.Event()
    def poll():
        while not stop.wait(1.0):
            try:
                seen[0] = max(seen[0], len(get("/data/vessels.json").get("vessels", [])))
            except OSError:
                pass
    poller = threading.Thread(target=poll); poller.start()
    chunk = max(n // 50, 1000)
    flood = subprocess.Popen([sys.executable, f"{root}/tests/tools/ais_flood.py", str(n), "--seed", "11",
                              "--push", f"127.0.0.1:{p_in}", "--chunk", str(chunk)],
                             stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 900
    while time.time() < deadline:
        st = get("/api/v1/stats")
        if st["tracker"]["updates_ais"] >= n:
            break
        time.sleep(0.1)
    chunks = [json.loads(l) for l in flood.communicate(timeout=60)[0].splitlines()]
    stop.set(); poller.join()
    hwm = int(next(l.split()[1] for l in open(f"/proc/{proc.pid}/status") if l.startswith("VmHWM:")))
finally:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
tr = st["tracker"]
print(("ok" if tr["updates_ais"] >= n else "not ok") + f" - every report reached the tracker ({tr['updates_ais']} of {n})")
print(("ok" if st["vessels"] <= cap and seen[0] <= cap and st.get("tracker", {}).get("max_entities") == cap else "not ok")
      + f" - live vessels under the cap: {st['vessels']} now, {seen[0]} at most in vessels.json, cap {cap}")
ev = tr.get("evicted_vessels", 0)
print(("ok" if ev + st["vessels"] >= 0.99 * n and ev > 0 else "not ok")
      + f" - the least recently heard were evicted and counted ({ev})")
if detect:
    print("ok - detectors off (--no-detect) # SKIP their cap")
else:
    dt = st.get("detectors", {})
    dv, dev = dt.get("vessels", -1), dt.get("vessels_evicted", 0)
    print(("ok" if 0 <= dv <= cap and dt.get("max_vessels") == cap and dv + dev >= 0.99 * n and dev > 0 else "not ok")
          + f" - the detectors' vessels under the tracker's cap: {dv} now, {dev} forgotten and counted, cap {dt.get('max_vessels')}")
# Memory: what the capped picture needs (a vessel heard once is about 0.5
# KiB with its share of the documents), plus a fixed base; far below the
# 4.5 KiB per vessel of 256-point trails allocated up front. The detectors
# add about 2 KiB per vessel (its 1.5 KiB record, the spoofing detector's
# 0.5 KiB), and their land grid and coverage table a fixed 16 MiB.
limit = 64 * 1024 + cap * 3 + (0 if detect else 16 * 1024 + cap * 2)
if os.environ.get("ATALAYA_BUILD", "").rstrip("/").endswith("/asan"):
    # ASan's quarantine (256 MiB) and shadow memory are not the program's.
    print(f"ok - peak memory {hwm // 1024} MiB # SKIP the bound ({limit // 1024} MiB) is for the release build")
else:
    print(("ok" if hwm < limit else "not ok") + f" - peak memory {hwm // 1024} MiB (bound {limit // 1024} MiB)")
# The rate, from the sender: once the socket buffers between the two are
# full (about 6 MiB on Linux loopback), a chunk of reports takes as long to
# send as atalaya takes to read and track it (or, when atalaya keeps up, as
# the sender takes to write it). The chunks within 16 MiB of either end
# (filling the buffers, or left in them at the end) aside: the rate over the
# last third of the rest against the rate over the first third.
size = 50 * chunk  # bytes per chunk: an armored type 1 sentence is 50
edge = max(1, (16 << 20) // size + 1)
secs = [c["seconds"] for c in chunks[edge:len(chunks) - edge]]
k = len(secs) // 3
if k < 2:
    print(f"not ok - message rate: {len(chunks)} chunks, too few to measure (ATALAYA_FLOOD={n})")
else:
    first, last = k * chunk / max(sum(secs[:k]), 1e-6), k * chunk / max(sum(secs[-k:]), 1e-6)
    print(("ok" if last >= first / 2 else "not ok")
          + f" - message rate {last:,.0f}/s over the last third of the flood, {first:,.0f}/s over the first"
          + f" ({len(secs)} chunks of {chunk}, s: " + " ".join(f"{x:.3f}" for x in secs) + ")")
PY

#!/usr/bin/env bash
# sim_dump1090.sh: simulated Mode S read by an independent decoder. Twenty
# seconds of three aircraft (one squawking 7700) and a fourth taxiing in
# after landing (surface positions, CPR with the receiver as reference) are simulated as Beast and
# fed to dump1090-mutability's Beast input on 127.0.0.1 at the pace of their
# 12 MHz counter (it pairs CPR frames by arrival time); its SBS output must
# give the scenario's callsigns, altitudes and squawks, and positions that
# atalaya also decodes from the same file. Exit 77 (skip) without
# dump1090-mutability or python3.
set -u
command -v dump1090-mutability >/dev/null 2>&1 || { echo "# SKIP dump1090-mutability not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "# SKIP python3 not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/s.json" <<'JSON'
{"name": "DEMO dump1090 cross-check", "synthetic": true, "start": 1768176000, "duration_h": 1,
 "receivers": [{"id": "DEMO-RX", "lat": 12.0, "lon": -68.0, "alt_m": 50, "range_nm": 250}],
 "aircraft": [
  {"id": "A", "icao": "F1E101", "callsign": "DQT101", "cruise_ft": 31000, "speed_kt": 420, "depart_h": -0.5,
   "route": [{"lat": 11.0, "lon": -70.0}, {"lat": 12.0, "lon": -68.0}, {"lat": 13.0, "lon": -66.0}]},
  {"id": "B", "icao": "F1E102", "callsign": "DQT102", "cruise_ft": 24000, "speed_kt": 380, "depart_h": -0.5,
   "route": [{"lat": 13.0, "lon": -70.0}, {"lat": 12.2, "lon": -68.0}, {"lat": 11.0, "lon": -66.0}]},
  {"id": "C", "icao": "F1E103", "callsign": "DQT103", "squawk": "4312", "cruise_ft": 37000, "speed_kt": 450,
   "depart_h": -0.5, "route": [{"lat": 12.5, "lon": -71.0}, {"lat": 12.0, "lon": -67.5}, {"lat": 11.5, "lon": -64.0}]},
  {"id": "D", "icao": "F1E104", "callsign": "DQT104", "cruise_ft": 8000, "speed_kt": 250, "depart_h": -0.2,
   "taxi_km": 2, "taxi_kt": 15, "route": [{"lat": 12.8333, "lon": -68.1}, {"lat": 12.0, "lon": -68.1}]}
 ],
 "behaviours": [{"type": "squawk", "entity": "C", "code": 7700, "start_h": 0, "end_h": 1}]}
JSON
"$ATALAYA" simulate "$tmp/s.json" --modes "$tmp/m.beast" --seed 5 --hours 0.006 &&
    "$ATALAYA" decode --input beast --ref-lat 12.0 --ref-lon -68.0 "$tmp/m.beast" >"$tmp/ours.json" ||
    { echo "not ok - simulate and decode"; exit 1; }
exec python3 - "$tmp" <<'PY'
import json, os, socket, subprocess, sys, time
tmp = sys.argv[1]
data = open(os.path.join(tmp, "m.beast"), "rb").read()
# Beast frames: 0x1a, type, 6-byte counter, signal, payload; 0x1a doubled inside.
frames, i, sizes = [], 0, {0x32: 7, 0x33: 14}
while i + 1 < len(data):
    if data[i] != 0x1a or data[i + 1] not in sizes:
        i += 1
        continue
    need, j, body = 7 + sizes[data[i + 1]], i + 2, bytearray()
    while len(body) < need and j < len(data):
        if data[j] == 0x1a:
            j += 1  # the doubled escape
        body.append(data[j])
        j += 1
    frames.append((int.from_bytes(body[:6], "big"), data[i:j]))
    i = j
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
bi, sbs = free_port(), free_port()
proc = subprocess.Popen(
    ["dump1090-mutability", "--net-only", "--net-bind-address", "127.0.0.1",
     "--net-bi-port", str(bi), "--net-sbs-port", str(sbs), "--net-ri-port", "0",
     "--net-ro-port", "0", "--net-bo-port", "0", "--net-heartbeat", "0", "--quiet",
     "--lat", "12.0", "--lon", "-68.0"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
buf = b""
try:
    reader = None
    for _ in range(100):
        try:
            reader = socket.create_connection(("127.0.0.1", sbs), timeout=0.2); break
        except OSError:
            time.sleep(0.1)
    if reader is None:
        print("not ok - dump1090-mutability SBS port did not open"); sys.exit(1)
    feed = socket.create_connection(("127.0.0.1", bi), timeout=2)
    reader.setblocking(False)
    t0, ts0 = time.monotonic(), frames[0][0]
    for ts, raw in frames:
        delay = (ts - ts0) / 12e6 - (time.monotonic() - t0)
        if delay > 0:
            time.sleep(delay)
        feed.sendall(raw)
        try:
            buf += reader.recv(65536)
        except BlockingIOError:
            pass
    reader.settimeout(1.5)
    while True:
        try:
            chunk = reader.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
finally:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill(); proc.wait()
theirs = {"callsign": {}, "alt": {}, "squawk": {}, "pos": {}}
for line in buf.decode("ascii", "replace").splitlines():
    f = line.split(",")
    if len(f) < 18 or f[0] != "MSG":
        continue
    a = f[4].lower()
    for key, col in (("callsign", 10), ("alt", 11), ("squawk", 17)):
        if f[col].strip():
            theirs[key].setdefault(a, set()).add(f[col].strip())
    if f[14].strip() and f[15].strip():
        theirs["pos"].setdefault(a, []).append((float(f[14]), float(f[15])))
ours = {"alt": {}, "pos": {}}
for line in open(os.path.join(tmp, "ours.json")):
    m = json.loads(line)
    if "alt_baro" in m:
        ours["alt"].setdefault(m["icao"], set()).add(str(m["alt_baro"]))
    if "lat" in m:
        ours["pos"].setdefault(m["icao"], []).append((m["lat"], m["lon"]))
def report(name, ok, detail=""):
    print("%s - %s%s" % ("ok" if ok else "not ok", name, "" if ok else " # " + str(detail)))
want = {"f1e101": "DQT101", "f1e102": "DQT102", "f1e103": "DQT103", "f1e104": "DQT104"}
report("dump1090 reads the scenario's callsigns", {a: {c} for a, c in want.items()} == theirs["callsign"],
       theirs["callsign"])
report("dump1090 reads the altitudes atalaya reads", theirs["alt"] == ours["alt"] and len(ours["alt"]) == 4,
       (theirs["alt"], ours["alt"]))
sq = theirs["squawk"]  # D is on the ground: no DF5 or TC 28 there
report("dump1090 reads squawk 7700 from the squawking aircraft, 2000 from the others",
       sq == {"f1e101": {"2000"}, "f1e102": {"2000"}, "f1e103": {"7700"}}, sq)
near = lambda p, ps: any(abs(p[0] - q[0]) <= 0.0005 and abs(p[1] - q[1]) <= 0.0005 for q in ps)
tp = [(a, p) for a, ps in theirs["pos"].items() for p in ps]
miss = [x for x in tp if not near(x[1], ours["pos"].get(x[0], []))]
report("every dump1090 position is one atalaya decodes", len(tp) > 30 and not miss,
       "%d positions, %d unmatched" % (len(tp), len(miss)))
surf = {a: ps for a, ps in theirs["pos"].items() if a == "f1e104"}
report("dump1090 reads the taxiing aircraft's surface positions as atalaya does",
       len(surf.get("f1e104", [])) > 10 and all(near(p, ours["pos"].get("f1e104", [])) for p in surf["f1e104"])
       and all(abs(p[0] - 12.0) < 0.02 and abs(p[1] + 68.1) < 0.02 for p in surf["f1e104"]),
       "%d positions" % len(surf.get("f1e104", [])))
PY

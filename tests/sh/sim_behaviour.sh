#!/usr/bin/env bash
# atalaya simulate on a small scenario written here, decoded back by atalaya:
# broadcast schedules (ITU-R M.1371-5 Annex 1 tables 1-2, DO-260B 2.2.3.3.1),
# behaviours (AIS dark, ADS-B off, squawk 7700) and the truth file.
set -u
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/s.json" <<'JSON'
{"name": "DEMO test", "synthetic": true, "start": 1768176000, "duration_h": 3,
 "places": {"P1": [12.0, -68.5], "PORT": [12.05, -68.05], "F": [12.4, -68.0],
            "A1": [12.1, -68.1], "A2": [11.9, -67.9]},
 "receivers": [{"id": "DEMO-RX-T", "lat": 12.0, "lon": -68.0, "alt_m": 50, "range_nm": 60},
               {"id": "DEMO-SAT", "satellite": true, "pass_min": 10, "revisit_min": 60, "phase_min": 5}],
 "vessels": [
  {"id": "VA", "mmsi": 352990201, "imo": 1009077, "name": "DEMO SLOW", "callsign": "DT1",
   "shiptype": 80, "length_m": 200, "beam_m": 30, "draught_m": 11, "destination": "DEMO",
   "eta": "01-13 12:00", "speed_kn": 10, "route": [{"lat": 12.0, "lon": -68.4}, {"lat": 12.0, "lon": -67.6}]},
  {"id": "VF", "mmsi": 352990202, "name": "DEMO FAST", "shiptype": 60, "speed_kn": 18,
   "route": [{"lat": 11.8, "lon": -68.5}, {"lat": 11.8, "lon": -67.5}]},
  {"id": "VM", "mmsi": 352990203, "name": "DEMO MOORED", "shiptype": 70,
   "route": [{"at": "PORT", "stay_h": 10}]},
  {"id": "VB", "mmsi": 352990204, "name": "DEMO YACHT", "class": "B", "shiptype": 37, "speed_kn": 8,
   "route": [{"lat": 12.2, "lon": -68.3}, {"lat": 12.2, "lon": -67.9}]},
  {"id": "FAR", "mmsi": 352990207, "name": "DEMO FAR AWAY", "speed_kn": 12,
   "route": [{"lat": 20.0, "lon": -40.0}, {"lat": 20.0, "lon": -39.0}]},
  {"id": "VD", "mmsi": 352990208, "name": "DEMO DIVERTED", "speed_kn": 12,
   "route": [{"lat": 11.9, "lon": -68.4}, {"lat": 11.9, "lon": -67.4}, {"at": "F", "stay_h": 5}]},
  {"id": "VT1", "mmsi": 352990209, "name": "DEMO TURNING SLOW", "speed_kn": 10,
   "route": [{"lat": 11.7, "lon": -68.3}, {"lat": 11.7, "lon": -68.2, "loiter_h": 1, "loiter_nm": 1, "loiter_kn": 10},
             {"lat": 11.6, "lon": -68.2}]},
  {"id": "VT2", "mmsi": 352990210, "name": "DEMO TURNING FAST", "speed_kn": 18,
   "route": [{"lat": 11.6, "lon": -68.5}, {"lat": 11.6, "lon": -68.4, "loiter_h": 1, "loiter_nm": 0.9549, "loiter_kn": 18},
             {"lat": 11.5, "lon": -68.4}]},
  {"id": "VT3", "mmsi": 352990211, "name": "DEMO ALTERING", "speed_kn": 10,
   "route": [{"lat": 11.75, "lon": -68.0}, {"lat": 11.75, "lon": -67.93}, {"lat": 11.6, "lon": -67.93}]},
  {"id": "M1", "mmsi": 352990205, "name": "DEMO MEET A", "speed_kn": 12,
   "route": [{"lat": 12.3, "lon": -68.3}, {"lat": 12.3, "lon": -68.1, "until_h": 2.5}, {"lat": 12.3, "lon": -67.9}]},
  {"id": "M2", "mmsi": 352990206, "name": "DEMO MEET B", "speed_kn": 12,
   "route": [{"lat": 12.3, "lon": -67.9}, {"lat": 12.3015, "lon": -68.1, "until_h": 2.5}, {"lat": 12.3, "lon": -68.3}]}
 ],
 "aircraft": [
  {"id": "AC1", "icao": "F1E001", "callsign": "DQT1", "category": "A3", "squawk": "1200",
   "cruise_ft": 12000, "climb_fpm": 3000, "speed_kt": 250, "depart_h": 0.05,
   "route": [{"at": "P1"}, {"at": "F", "loiter_h": 2.6, "loiter_nm": 10}, {"at": "P1"}]},
  {"id": "AC2", "icao": "F1E002", "registration": "QX-TST", "adsb_version": 1, "category": "A1",
   "cruise_ft": 4000, "climb_fpm": 3000, "speed_kt": 250, "depart_h": 0.5, "taxi_km": 2, "taxi_kt": 15,
   "stand_min": 5, "route": [{"at": "A1"}, {"at": "A2", "stay_h": 0.5}, {"at": "A1"}]},
  {"id": "AC3", "icao": "F1E003", "callsign": "DQT3", "adsb_version": 0, "cruise_ft": 4000,
   "climb_fpm": 3000, "speed_kt": 250, "depart_h": 0.6, "route": [{"at": "A2"}, {"at": "A1"}]}
 ],
 "behaviours": [
  {"type": "ais_dark", "entity": "VA", "start_h": 1.0, "end_h": 1.5},
  {"type": "squawk", "entity": "AC1", "code": 7700, "start_h": 1.0, "end_h": 1.2},
  {"type": "adsb_off", "entity": "AC1", "start_h": 1.5, "end_h": 1.7},
  {"type": "ship_to_ship", "entities": ["M1", "M2"]},
  {"type": "identity", "entity": "VF", "start_h": 2.0, "end_h": 3.0, "mmsi": 352990299, "name": "DEMO NEW NAME"},
  {"type": "identity", "entity": "AC1", "start_h": 2.0, "end_h": 3.0, "callsign": "DQT9"},
  {"type": "spoof", "entity": "VM", "start_h": 1.0, "end_h": 1.5, "mode": "fixed", "lat": 12.5, "lon": -67.5},
  {"type": "divert", "entity": "VD", "start_h": 0.5, "to": "PORT"},
  {"type": "spoof", "entity": "VB", "start_h": 0.5, "end_h": 0.7, "mode": "offset", "lat": 0.5, "lon": 0},
  {"type": "spoof", "entity": "AC1", "start_h": 2.2, "end_h": 2.4, "mode": "circle", "lat": 12.9, "lon": -67.0,
   "radius_nm": 2}
 ]}
JSON
if ! "$ATALAYA" simulate "$tmp/s.json" --ais "$tmp/a.nmea" --modes "$tmp/m.beast" \
        --truth "$tmp/t.jsonl" --seed 3 2>"$tmp/err"; then
    echo "not ok - simulate small scenario ($(head -c 200 "$tmp/err"))"; exit 0
fi
echo "ok - simulate small scenario"
"$ATALAYA" decode "$tmp/a.nmea" >"$tmp/a.json" && "$ATALAYA" decode "$tmp/m.beast" >"$tmp/m.json" &&
    "$ATALAYA" decode --ref-lat 12.0 --ref-lon -68.0 "$tmp/m.beast" >"$tmp/mref.json" ||
    { echo "not ok - decode simulated output"; exit 0; }
python3 - "$tmp" <<'PY'
import json, sys
from datetime import datetime
d = sys.argv[1]
START = 1768176000
H = 3600
def iso(s): return datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").timestamp() - 0
ais = [json.loads(l) for l in open(d + "/a.json")]
for m in ais:
    m["t"] = int(datetime.fromisoformat(m["time"].replace("Z", "+00:00")).timestamp()) - START
modes = [json.loads(l) for l in open(d + "/m.json")]
truth = [json.loads(l) for l in open(d + "/t.jsonl")]
def check(name, ok, why=""):
    print(("ok - " if ok else "not ok - ") + name + ("" if ok else ": " + why))
def gaps(mmsi, types, lo=0, hi=3 * H):
    ts = [m["t"] for m in ais if m["mmsi"] == mmsi and m["type"] in types and lo <= m["t"] < hi]
    return [b - a for a, b in zip(ts, ts[1:])]
def all_eq(g, v): return len(g) > 3 and all(x == v for x in g)
g = gaps(352990201, {1}, 0, 1 * H)
check("class A at 10 kn reports every 10 s", all_eq(g, 10), str(sorted(set(g))))
g = gaps(352990202, {1})
check("class A at 18 kn reports every 6 s", all_eq(g, 6), str(sorted(set(g))))
g = gaps(352990203, {1})
check("class A moored reports every 3 min", all_eq(g, 180), str(sorted(set(g))))
g = gaps(352990204, {18}, 0, 2 * H)
check("class B at 8 kn reports every 30 s", all_eq(g, 30), str(sorted(set(g))))
g = gaps(352990204, {24})
check("class B type 24 A+B every 6 min", len(g) > 3 and all(x in (0, 360) for x in g), str(sorted(set(g))))
g = gaps(352990201, {5}, 1.5 * H)
check("class A type 5 every 6 min", all_eq(g, 360), str(sorted(set(g))))
va = [m["t"] for m in ais if m["mmsi"] == 352990201]
inside = [t for t in va if H <= t < 1.5 * H]
check("no AIS from a dark vessel inside its span", not inside and any(t < H for t in va)
      and any(t >= 1.5 * H for t in va), "%d inside" % len(inside))
s5 = [m for m in ais if m["type"] == 5 and m["mmsi"] == 352990201]
check("type 5 carries the scenario's identity", s5 and s5[0]["shipname"] == "DEMO SLOW"
      and s5[0]["imo"] == 1009077 and s5[0]["to_bow"] + s5[0]["to_stern"] == 200, str(s5[:1]))
ac = [m for m in modes if m.get("icao") == "f1e001"]
base = truth[0]["modes_ts12_at_start"] / 12e6
for m in ac: m["t"] = m["timestamp"] - base
def rate(pred, lo, hi):
    return sum(1 for m in ac if pred(m) and lo <= m["t"] < hi) / (hi - lo)
air = lambda m: m.get("df") == 17 and 9 <= m.get("tc", 0) <= 18
vel = lambda m: m.get("df") == 17 and m.get("tc") == 19
ident = lambda m: m.get("df") == 17 and 1 <= m.get("tc", 0) <= 4
r = rate(air, 0.3 * H, 0.9 * H)
check("ADS-B airborne position at 2 Hz", 1.9 <= r <= 2.1, "%.3f/s" % r)
r = rate(vel, 0.3 * H, 0.9 * H)
check("ADS-B velocity at 2 Hz", 1.9 <= r <= 2.1, "%.3f/s" % r)
r = rate(ident, 0.3 * H, 0.9 * H)
check("ADS-B identification every 5 s", 0.19 <= r <= 0.21, "%.3f/s" % r)
opst = lambda m: m.get("df") == 17 and m.get("tc") == 31
r = rate(opst, 0.3 * H, 0.9 * H)
check("ADS-B operational status every 2.5 s", 0.38 <= r <= 0.42, "%.3f/s" % r)
v2 = [m for m in ac if opst(m)]
check("operational status says version 2", v2 and all(m.get("version") == 2 for m in v2))
cb = [m for m in ac if m.get("df") in (20, 21) and 0.3 * H <= m["t"] < 0.9 * H]
r = len(cb) / (0.6 * H)
check("Comm-B DF20/DF21 identification every 10 s each", 0.18 <= r <= 0.22
      and all(m.get("callsign") == "DQT1" for m in cb), "%.3f/s" % r)
sq = [m for m in ac if m.get("squawk") == "7700"]
check("squawk 7700 only inside its span", sq and all(H <= m["t"] < 1.2 * H + 1 for m in sq)
      and any(m.get("df") == 5 for m in sq) and any(m.get("tc") == 28 for m in sq)
      and any(m.get("df") == 21 for m in sq), "%d frames" % len(sq))
off = [m for m in ac if 1.5 * H + 0.001 <= m["t"] < 1.7 * H]
check("no Mode S while the transponder is off", not off and rate(air, 1.7 * H, 1.8 * H) > 1.8, "%d frames" % len(off))
cs = [m for m in ac if m.get("callsign")]
check("callsign and address decode back", cs and cs[0]["callsign"] == "DQT1")
alt = [m["alt_baro"] for m in ac if air(m) and 0.5 * H <= m["t"] < 0.9 * H]
check("cruise altitude", alt and all(a == 12000 for a in alt), str(sorted(set(alt))[:5]))
old = [m["t"] for m in ais if m["mmsi"] == 352990202]
new = [m["t"] for m in ais if m["mmsi"] == 352990299]
n5 = [m for m in ais if m["mmsi"] == 352990299 and m["type"] == 5]
check("identity change: the new MMSI and name only inside the span",
      old and new and max(old) < 2 * H <= min(new) and n5 and n5[0]["shipname"] == "DEMO NEW NAME",
      "%d old, %d new" % (len(old), len(new)))
vm = [m for m in ais if m["mmsi"] == 352990203 and m["type"] == 1]
fake = [m for m in vm if H <= m["t"] < 1.5 * H]
real = [m for m in vm if not H <= m["t"] < 1.5 * H]
check("spoofed fixed position inside the span, the true one outside",
      fake and real and all(abs(m["lat"] - 12.5) < 1e-5 and abs(m["lon"] + 67.5) < 1e-5 for m in fake)
      and all(abs(m["lat"] - 12.05) < 1e-5 and abs(m["lon"] + 68.05) < 1e-5 for m in real),
      "%d fake, %d real" % (len(fake), len(real)))
vb = sorted((m["t"], m["lat"]) for m in ais if m["mmsi"] == 352990204 and m["type"] == 18)
jump = [lat for t, lat in vb if 0.5 * H <= t < 0.7 * H]
true = [lat for t, lat in vb if not 0.5 * H <= t < 0.7 * H]
check("spoofed offset: a 0.5 degree jump inside the span",
      jump and true and all(abs(l - 12.7) < 1e-4 for l in jump) and all(abs(l - 12.2) < 1e-4 for l in true))
import math
def nm(a, b, c, d):
    x = math.radians(d - b) * math.cos(math.radians((a + c) / 2)); y = math.radians(c - a)
    return 3440.065 * math.hypot(x, y)
circ = [m for m in ac if "lat" in m and 2.22 * H <= m["t"] < 2.38 * H]
check("spoofed ADS-B circle: positions 2 NM around the given point",
      len(circ) > 100 and all(abs(nm(m["lat"], m["lon"], 12.9, -67.0) - 2) < 0.05 for m in circ), len(circ))
c9 = [m["t"] for m in ac if m.get("callsign") == "DQT9"]
c1 = [m["t"] for m in ac if m.get("callsign") == "DQT1"]
check("aircraft callsign change inside the span", c9 and c1 and max(c1) < 2 * H <= min(c9))
far = [m for m in ais if m["mmsi"] == 352990207]
check("satellite hears a distant vessel during its passes only",
      len(far) > 100 and all((m["t"] - 300) % 3600 < 600 for m in far) and all(m["source"] == "DEMO-SAT" for m in far)
      and {(m["t"] - 300) // 3600 for m in far} == {0, 1, 2}, "%d messages" % len(far))
near = [m for m in ais if m["mmsi"] == 352990202]
check("coast station preferred where it hears", near and all(m["source"] == "DEMO-RX-T" for m in near))
vd = sorted((m["t"], m["lat"], m["lon"]) for m in ais if m["mmsi"] == 352990208 and m["type"] == 1)
dv = [t for t in truth if t["type"] == "divert"]
check("divert: leaves its route and ends at the new place",
      vd and abs(vd[-1][1] - 12.05) < 1e-4 and abs(vd[-1][2] + 68.05) < 1e-4 and dv and dv[0]["to"] == "PORT"
      and dv[0]["planned"] == "F" and dv[0]["start_ms"] == (START + 0.5 * H) * 1000
      and any(t["type"] == "port_call" and t.get("port") == "PORT" and t["entities"][0]["id"] == "VD" for t in truth),
      str(dv))
kinds = {t["type"] for t in truth}
check("truth header marks the scenario synthetic", truth[0]["type"] == "scenario" and truth[0]["synthetic"] is True)
dark = [t for t in truth if t["type"] == "ais_dark"]
check("truth: dark span and entity", dark and dark[0]["start_ms"] == (START + H) * 1000
      and dark[0]["entities"][0]["mmsi"] == 352990201)
sts = [t for t in truth if t["type"] == "ship_to_ship"]
ok = sts and {e["mmsi"] for e in sts[0]["entities"]} == {352990205, 352990206} \
    and sts[0]["end_ms"] == (START + 2.5 * H) * 1000 and sts[0]["start_ms"] < (START + 1.5 * H) * 1000
check("truth: ship-to-ship found from the motion", ok, str(sts))
check("truth: loiter, port call, squawk, adsb_off, identity, spoof",
      {"loiter", "port_call", "squawk", "adsb_off", "identity", "spoof"} <= kinds, str(kinds))
idt = [t for t in truth if t["type"] == "identity" and t["entities"][0]["id"] == "VF"]
check("truth: the identity broadcast beside the true one", idt and idt[0]["broadcast"]["mmsi"] == 352990299
      and idt[0]["entities"][0]["mmsi"] == 352990202, str(idt))
# AIS Class A changing course (ITU-R M.1371-5 Annex 1 table 1): 3 1/3 s at
# 0-14 kn, 2 s at 14-23 kn, on a loiter's circle and in a waypoint's turn.
lo1 = [t for t in truth if t["type"] == "loiter" and t["entities"][0]["id"] == "VT1"]
lo2 = [t for t in truth if t["type"] == "loiter" and t["entities"][0]["id"] == "VT2"]
def span(t): return (t["start_ms"] / 1000 - START + 60, t["end_ms"] / 1000 - START - 60)
if lo1 and lo2:
    a, b = span(lo1[0]); n = len([1 for m in ais if m["mmsi"] == 352990209 and m["type"] == 1 and a <= m["t"] < b])
    check("class A at 10 kn changing course reports every 3 1/3 s", abs(n / (b - a) - 0.3) < 0.01, "%.3f/s" % (n / (b - a)))
    g = gaps(352990209, {1}, span(lo1[0])[1] + 300, span(lo1[0])[1] + 1800)
    check("class A at 10 kn back on a course reports every 10 s", all_eq(g, 10), str(sorted(set(g))))
    a, b = span(lo2[0]); g = gaps(352990210, {1}, a, b)
    check("class A at 18 kn changing course reports every 2 s", all_eq(g, 2), str(sorted(set(g))))
    a, b = span(lo1[0])
    turn = [m for m in ais if m["mmsi"] == 352990209 and m["type"] == 1 and a <= m["t"] < b]
    check("rate of turn while circling", turn and all(m.get("turn", 0) > 0 for m in turn), str(turn[:1]))
else:
    check("loiters in the truth", False, str(kinds))
t3 = sorted(m["t"] for m in ais if m["mmsi"] == 352990211 and m["type"] == 1)
g = [b - a for a, b in zip(t3, t3[1:])]
fast = [x for x in g if x < 5]
check("a 90 degree alteration at a waypoint is reported at 3 1/3 s for its 3 min",
      50 <= len(fast) <= 56 and all(x in (3, 4) for x in fast) and g.count(10) > 20, "%d fast: %s" % (len(fast), sorted(set(g))))

# Ground phases (DO-260B 2.2.3.3.1.3): a stand with the transponder on
# (stand_min), the taxi (taxi_km at taxi_kt), takeoff at depart_h; the
# reverse after landing; surface position 2 Hz moving / 0.2 Hz stationary,
# identification 0.2 Hz / 0.1 Hz; CA 4; silent when parked.
mref = [json.loads(l) for l in open(d + "/mref.json")]
a2 = [m for m in mref if m.get("icao") == "f1e002"]
for m in a2: m["t"] = m["timestamp"] - base
surf = lambda m: m.get("df") == 17 and 5 <= m.get("tc", 0) <= 8
def rate2(pred, lo, hi): return sum(1 for m in a2 if pred(m) and lo <= m["t"] < hi) / (hi - lo)
fl = sorted((t for t in truth if t["type"] == "flight" and t["entities"][0]["id"] == "AC2"), key=lambda t: t["start_ms"])
check("truth: flights take off at depart_h, after the ground phase", len(fl) == 2
      and fl[0]["start_ms"] == (START + 0.5 * H) * 1000 and fl[0]["from"] == "A1" and fl[0]["to"] == "A2", str(fl))
taxi_s = 2000 / (15 * 1852 / 3600)
dep = 0.5 * H
r = rate2(surf, dep - taxi_s + 5, dep - 5)
check("surface position at 2 Hz while taxiing", 1.85 <= r <= 2.15, "%.3f/s" % r)
r = rate2(surf, dep - taxi_s - 295, dep - taxi_s - 5)
check("surface position every 5 s at the stand", 0.18 <= r <= 0.22, "%.3f/s" % r)
r = rate2(ident, dep - taxi_s - 295, dep - taxi_s - 5)
check("identification every 10 s at the stand", 0.09 <= r <= 0.11, "%.3f/s" % r)
r = rate2(ident, dep - taxi_s + 5, dep - 5)
check("identification every 5 s while taxiing", 0.15 <= r <= 0.25, "%.3f/s" % r)
early = [m for m in a2 if m["t"] < dep - taxi_s - 300 - 1]
check("silent at the stand before its ground phase", not early, "%d frames" % len(early))
air2 = [m["t"] for m in a2 if air(m)]
sf = [m for m in a2 if surf(m)]
check("airborne only after takeoff, surface only on the ground", air2 and min(air2) >= dep
      and all(m["t"] < dep or m["t"] >= fl[0]["end_ms"] / 1000 - START for m in sf), "%s" % (air2[:1],))
gnd = [m for m in a2 if m["t"] < dep and m.get("df") in (11, 17)]
check("CA 4 (on the ground) in DF11 and DF17 on the ground", gnd and all(m.get("ca") == 4 and m.get("on_ground") for m in gnd))
pos = [m for m in sf if "lat" in m]
near = lambda m, p: nm(m["lat"], m["lon"], *p) < 2.05 / 1.852
check("surface positions decode (receiver reference) at the airports, within the taxi distance",
      len(pos) > 0.95 * len(sf) and all(near(m, (12.1, -68.1)) or near(m, (11.9, -67.9)) for m in pos), "%d of %d" % (len(pos), len(sf)))
mv = [m for m in sf if dep - taxi_s + 2 <= m["t"] < dep - 2]
st = [m for m in sf if m["t"] < dep - taxi_s - 2]
check("movement 15 kt and ground track while taxiing; stopped, no track, at the stand",
      mv and all(m.get("groundspeed") == 15.0 and "track" in m for m in mv)
      and st and all(m.get("groundspeed") == 0.0 and "track" not in m for m in st))
land = fl[0]["end_ms"] / 1000 - START
r = rate2(surf, land + 5, land + taxi_s - 5)
check("after landing: taxi in at 2 Hz", 1.85 <= r <= 2.15, "%.3f/s" % r)
quiet = [m for m in a2 if land + taxi_s + 300 + 1 <= m["t"] < land + 1800 - taxi_s - 300 - 1]
check("silent between the ground phases of a turnaround", not quiet, "%d frames" % len(quiet))
cs2 = {m.get("callsign") for m in a2 if m.get("callsign")}
check("no callsign: the registration is the identification", cs2 == {"QXTST"}, str(cs2))
op2 = [m for m in a2 if opst(m)]
tss = lambda m: m.get("df") == 17 and m.get("tc") == 29
check("ADS-B version 1: TC 31 version 1, no TC 29", op2 and all(m.get("version") == 1 for m in op2)
      and not any(tss(m) for m in a2))
r = rate2(opst, dep - taxi_s - 295, dep - 5)
so = [m for m in a2 if opst(m) and m["t"] < dep]
check("surface operational status (TC 31/1) every 5 s on the ground", 0.18 <= r <= 0.22
      and so and all(m.get("subtype") == 1 and m.get("on_ground") for m in so), "%.3f/s" % r)
a3 = [m for m in modes if m.get("icao") == "f1e003"]
check("ADS-B version 0: no TC 31, no TC 29", a3 and not any(opst(m) or tss(m) for m in a3), "%d frames" % len(a3))
r = rate(tss, 0.3 * H, 0.9 * H)
ts = [m for m in ac if tss(m)]
check("ADS-B target state and status (TC 29/1) every 1.25 s, version 2", 0.76 <= r <= 0.84
      and all(m.get("nav_altitude_mcp") == 12000 and m.get("nac_p") == 9 for m in ts if 0.5 * H <= m["t"] < 0.9 * H),
      "%.3f/s" % r)

starts = [t["start_ms"] for t in truth[1:]]
check("truth in order of start time", starts == sorted(starts))
PY

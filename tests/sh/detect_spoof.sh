#!/usr/bin/env bash
# The spoofing detector (src/detect/spoof.c, land.c, gnss.c) on
#   1. constructed AIS (tests/tools/ais_make.py): J jumps 60 nm for 10 min and
#      comes back; K jumps and stays (the tracker gives in after 30 min);
#      T is heard alternately at two places 60 nm apart; L reports from 60 nm
#      inside Venezuela; P sits in La Guaira harbour on the coast; G has one
#      corrupt fix; C sails steadily; S steps 1.8 nm for 5 min: J, K one
#      implausible_speed each, T one mmsi_two_places, L one position_on_land,
#      V sails onto land from the sea, W is first heard where V ends:
#      nothing for P, G, C, S, V; position_on_land for W;
#   2. constructed ADS-B (tests/tools/modes_make.py, AVR with 12 MHz times):
#      A, B, C near the Dutch coast report NACp 2 for 4 min together, E alone
#      far away, D has five low reports among good ones: gnss_degraded for
#      A, B, C, E, one gnss_jamming_area of A, B, C, nothing for D;
#   3. a small simulated scenario with each spoofing mode the simulator has
#      (fixed point, offset jump, circle, and a fixed point on land; an
#      aircraft circling and one offset, judged by their own ground speed);
#   4. the Caribbean demo (seed 7): every truth "spoof" record is found, and
#      spoofing events on the rest of the traffic are counted (false positives).
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export PYTHONPATH="$root/tests/tools"

# ---- 1. AIS ----
python3 - "$tmp/ais.nmea" <<'PY'
import sys
from ais_make import pos1
t0 = 1700000000
lines = []
def track(mmsi, lat, lon, kn, start, end, step=10, dlat=0.0, spoof=None):
    for k in range(start, end, step):
        la, lo = lat + dlat * k, lon + k * kn / 3600 / 60
        if spoof:
            la, lo = spoof(k, la, lo)
        lines.append((t0 + k, pos1(mmsi, la, lo, kn, 90, t0 + k, "rx1")))
# J: +1 degree latitude (60 nm) from 30 to 40 min, then back
track(211000101, 20.0, -40.0, 12, 0, 3600, spoof=lambda k, la, lo: (la + 1.0, lo) if 1800 <= k < 2400 else (la, lo))
# K: the same jump from 30 min on, kept for an hour
track(211000102, 21.0, -41.0, 12, 0, 2 * 3600, spoof=lambda k, la, lo: (la + 1.0, lo) if k >= 1800 else (la, lo))
# T: two transmitters under one MMSI, 60 nm apart, interleaved 5 s apart
track(211000103, 22.0, -42.0, 10, 0, 1800)
track(211000103, 23.0, -42.0, 10, 905, 1800)
# L: 60 nm inside Venezuela (Guarico), slow
track(211000104, 9.2, -66.5, 2, 0, 1200, step=30)
# P: in La Guaira harbour, on the coastline of the land polygons
track(211000105, 10.605, -66.935, 0, 0, 1800, step=60)
# G: one corrupt fix in a steady track
track(211000106, 24.0, -44.0, 12, 0, 3600, spoof=lambda k, la, lo: (la + 3.0, lo) if k == 1800 else (la, lo))
# C: steady
track(211000107, 25.0, -45.0, 14, 0, 3600)
# V sails from the sea onto the Namib at 20 kn for 3 h (a track continuous at a plausible
# speed: an unmapped river or harbour, not a spoof); W is first heard where V ends
track(211000109, -19.5, 12.3, 20, 0, 3 * 3600, step=30)
track(211000110, -19.5, 12.3 + 60 / 60 / 0.9426, 0, 0, 1200, step=30)
# S: a 1.8 nm step for 5 min (late-stamped satellite reports look like this): under the 3 nm jump
track(211000108, 26.0, -46.0, 12, 0, 3600, spoof=lambda k, la, lo: (la + 0.03, lo) if 1800 <= k < 2100 else (la, lo))
open(sys.argv[1], "w").write("\n".join(s for _, s in sorted(lines)) + "\n")
PY
(cd "$tmp" && "$ATALAYA" replay --detect "$tmp/ais.nmea" >"$tmp/ais.ev" 2>"$tmp/ais.err") ||
    echo "not ok - replay constructed AIS ($(head -c 200 "$tmp/ais.err"))"
python3 - "$tmp/ais.ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
kinds = {"implausible_speed", "mmsi_two_places", "position_on_land", "gnss_degraded", "gnss_jamming_area"}
ev = [e for e in ev if e["event"] in kinds]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
def of(mmsi):
    return [e for e in ev if e.get("mmsi") == mmsi]
j = of(211000101)
check(len(j) == 1 and j[0]["event"] == "implausible_speed" and 55 <= j[0]["rejected"] <= 60
      and not j[0]["moved"] and abs(j[0]["rejected_lat"] - 21.0) < 0.01 and abs(j[0]["lat"] - 20.0) < 0.01
      and 55 < j[0]["distance_nm"] < 65 and j[0]["implied_speed_kt"] > 1000 and len(j[0]["evidence"]) == 3
      and 0.15 < j[0]["hours"] < 0.18,
      f"J: one implausible_speed spell for a 10 min jump, both positions, 60 rejected fixes "
      f"({[(e['event'], e.get('rejected'), e.get('moved')) for e in j]})")
k = of(211000102)
check(len(k) == 1 and k[0]["event"] == "implausible_speed" and k[0]["moved"] and 170 <= k[0]["rejected"] <= 181,
      f"K: a jump that stays is one spell, ended when the tracker takes the new place "
      f"({[(e['event'], e.get('rejected'), e.get('moved')) for e in k]})")
t = of(211000103)
check(len(t) == 1 and t[0]["event"] == "mmsi_two_places" and 55 < t[0]["distance_nm"] < 65
      and {round(t[0]["lat"]), round(t[0]["lat2"])} == {22, 23} and t[0]["returns"] >= 3
      and len(t[0]["evidence"]) == 2,
      f"T: one mmsi_two_places with both positions ({[(e['event'], e.get('distance_nm')) for e in t]})")
l = of(211000104)
check(len(l) == 1 and l[0]["event"] == "position_on_land" and l[0].get("country") == "Venezuela"
      and l[0]["inland_nm"] >= 5 and l[0]["fixes"] == 40,
      f"L: one position_on_land, 40 fixes, inside Venezuela ({[(e['event'], e.get('country'), e.get('fixes')) for e in l]})")
check(of(211000105) == [], f"P: a ship in harbour on the coastline is not on land ({of(211000105)})")
check(of(211000106) == [], f"G: one corrupt fix is a glitch, not a spell ({of(211000106)})")
check(of(211000107) == [], f"C: a consistent vessel gives nothing ({of(211000107)})")
check(of(211000108) == [], f"S: a 1.8 nm step is under the minimum jump ({of(211000108)})")
w = of(211000110)
check(len(w) == 1 and w[0]["event"] == "position_on_land" and w[0]["entry"] == "first_heard"
      and w[0]["inland_nm"] >= 5, f"W: first heard inland is position_on_land ({[(e['event'], e.get('entry')) for e in w]})")
check(of(211000109) == [], f"V: sailing onto land at a plausible speed is not reported by default ({of(211000109)})")
check(l and l[0]["entry"] == "first_heard", "L: entry first_heard")
check(len(ev) == 5, f"no other spoofing events ({len(ev)})")
PY

# ---- 2. ADS-B NACp ----
python3 - "$tmp/m.avr" <<'PY'
import math, sys
from modes_make import avr, opstatus, position
lines = []
def fly(icao, lat, lon, low_from, low_to, glitch=None):
    # 15 min eastbound at 450 kt: a position a second (even/odd), a TC 31 every 2.5 s
    for k in range(0, 900):
        la, lo = lat, lon + k * 450 / 3600 / 60 / math.cos(math.radians(lat))
        lines.append((k * 1000, avr(k * 12000000 + 12000000, position(icao, la, lo, 36000, k % 2 == 1))))
    for k in range(0, 900 * 2 // 5):
        t = k * 2500 + 500
        low = low_from <= t < low_to or (glitch and glitch[0] <= t < glitch[1])
        lines.append((t, avr(t * 12000 + 12000000, opstatus(icao, 2 if low else 9))))
fly(0x4CA0A1, 52.3, 3.6, 300000, 540000)
fly(0x4CA0B2, 52.6, 3.9, 320000, 560000)
fly(0x4CA0C3, 52.0, 4.1, 310000, 550000)
fly(0x4CA0D4, 52.4, 3.7, 10**9, 0, glitch=(400000, 412500))
fly(0x3C00E5, 40.0, -3.5, 300000, 540000)
open(sys.argv[1], "w").write("\n".join(s for _, s in sorted(lines)) + "\n")
PY
(cd "$tmp" && "$ATALAYA" replay --detect --modes-epoch 1700000000 "$tmp/m.avr" >"$tmp/m.ev" 2>"$tmp/m.err") ||
    echo "not ok - replay constructed ADS-B ($(head -c 200 "$tmp/m.err"))"
python3 - "$tmp/m.ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
deg = {e["icao"]: e for e in ev if e["event"] == "gnss_degraded"}
check(sorted(deg) == ["3c00e5", "4ca0a1", "4ca0b2", "4ca0c3"],
      f"gnss_degraded for A, B, C, E and not D's five low reports ({sorted(deg)})")
a = deg.get("4ca0a1", {})
check(a.get("min_nacp") == 2 and abs(a.get("t_start_ms", 0) - (1700000000000 + 300500)) <= 2500
      and 230000 < a.get("t_end_ms", 0) - a.get("t_start_ms", 0) < 245000 and abs(a.get("lat", 0) - 52.3) < 0.01
      and a.get("min_lon", 99) < a.get("max_lon", -99) and len(a.get("evidence", [])) == 2,
      f"A: NACp 2 from 5 min for 4 min, the last good position and the area flown ({a})")
jam = [e for e in ev if e["event"] == "gnss_jamming_area"]
check(len(jam) == 1 and sorted(jam[0]["icao"]) == ["4ca0a1", "4ca0b2", "4ca0c3"] and jam[0]["aircraft"] == 3
      and abs(jam[0]["lat"] - 52.3) < 0.5 and len(jam[0]["evidence"]) == 3,
      f"one gnss_jamming_area of A, B, C; E is alone ({[(e['icao'], e['lat']) for e in jam]})")
others = [e for e in ev if e["event"] in ("implausible_speed", "mmsi_two_places", "position_on_land")]
check(others == [], f"no kinematic events for consistent aircraft ({len(others)})")
PY

# ---- 3. the simulator's spoofing modes ----
cat >"$tmp/s.json" <<'JSON'
{"name": "DEMO spoof modes", "synthetic": true, "start": 1768176000, "duration_h": 4,
 "places": {"PORT": [12.05, -68.05]},
 "receivers": [{"id": "DEMO-RX-S", "lat": 12.0, "lon": -68.0, "alt_m": 50, "range_nm": 400}],
 "vessels": [
  {"id": "VF", "mmsi": 352990301, "name": "DEMO FIXED", "speed_kn": 10,
   "route": [{"lat": 12.5, "lon": -68.6}, {"lat": 12.5, "lon": -67.6}]},
  {"id": "VO", "mmsi": 352990302, "name": "DEMO OFFSET", "class": "B", "speed_kn": 8,
   "route": [{"lat": 12.2, "lon": -68.3}, {"lat": 12.2, "lon": -67.9}]},
  {"id": "VC", "mmsi": 352990303, "name": "DEMO CIRCLE", "speed_kn": 12,
   "route": [{"lat": 12.8, "lon": -68.4}, {"lat": 12.8, "lon": -67.4}]},
  {"id": "VL", "mmsi": 352990304, "name": "DEMO LANDED", "speed_kn": 12,
   "route": [{"lat": 11.9, "lon": -68.4}, {"lat": 11.9, "lon": -67.4}]},
  {"id": "VN", "mmsi": 352990305, "name": "DEMO HONEST", "speed_kn": 12,
   "route": [{"lat": 12.3, "lon": -68.4}, {"lat": 12.3, "lon": -67.4}]}
 ],
 "aircraft": [
  {"id": "AC1", "icao": "F1E101", "callsign": "DQS1", "category": "A3", "squawk": "1200",
   "cruise_ft": 12000, "climb_fpm": 3000, "speed_kt": 250, "depart_h": 0.05,
   "route": [{"lat": 12.0, "lon": -68.5}, {"lat": 12.4, "lon": -68.0, "loiter_h": 3, "loiter_nm": 10},
             {"lat": 12.0, "lon": -68.5}]},
  {"id": "AC2", "icao": "F1E102", "callsign": "DQS2", "category": "A3", "squawk": "1200",
   "cruise_ft": 20000, "climb_fpm": 2000, "speed_kt": 300, "depart_h": 0.1,
   "route": [{"lat": 11.8, "lon": -68.9}, {"lat": 12.6, "lon": -67.2}]},
  {"id": "AC3", "icao": "F1E103", "callsign": "DQS3", "category": "A3", "squawk": "1200",
   "cruise_ft": 18000, "climb_fpm": 2000, "speed_kt": 280, "depart_h": 0.2,
   "route": [{"lat": 12.6, "lon": -68.9}, {"lat": 11.9, "lon": -67.0}]}
 ],
 "behaviours": [
  {"type": "spoof", "entity": "AC1", "start_h": 1.2, "end_h": 1.4, "mode": "circle", "lat": 12.9, "lon": -67.0,
   "radius_nm": 2},
  {"type": "spoof", "entity": "AC3", "start_h": 0.35, "end_h": 0.55, "mode": "offset", "lat": 0.3, "lon": 0.3},
  {"type": "spoof", "entity": "VF", "start_h": 1.0, "end_h": 2.0, "mode": "fixed", "lat": 13.5, "lon": -67.0},
  {"type": "spoof", "entity": "VO", "start_h": 0.5, "end_h": 0.7, "mode": "offset", "lat": 0.5, "lon": 0},
  {"type": "spoof", "entity": "VC", "start_h": 1.5, "end_h": 3.0, "mode": "circle", "lat": 13.2, "lon": -66.5,
   "radius_nm": 1},
  {"type": "spoof", "entity": "VL", "start_h": 2.0, "end_h": 2.5, "mode": "fixed", "lat": 10.0, "lon": -67.5}
 ]}
JSON
if "$ATALAYA" simulate "$tmp/s.json" --ais "$tmp/s.nmea" --modes "$tmp/s.beast" --truth "$tmp/s.truth" --seed 3 \
        2>"$tmp/s.err" &&
    epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/s.truth") &&
    (cd "$tmp" && "$ATALAYA" replay --detect "$tmp/s.nmea" >"$tmp/s.ev" 2>>"$tmp/s.err" &&
        "$ATALAYA" replay --detect --modes-epoch "$epoch" "$tmp/s.beast" >>"$tmp/s.ev" 2>>"$tmp/s.err"); then
    python3 - "$tmp/s.truth" "$tmp/s.ev" <<'PY'
import json, sys
truth = [json.loads(l) for l in open(sys.argv[1])]
ev = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
spoofs = [r for r in truth if r.get("type") == "spoof"]
found = {}
def ident(x):
    return x.get("mmsi") or (x.get("icao") or "").lower()
for r in spoofs:
    who = r["entities"][0]
    found[r["mode"] + ":" + (who.get("name") or who["callsign"])] = sorted({e["event"] for e in ev
        if ident(e) == ident(who) and e["t_start_ms"] <= r["end_ms"] + 600000 and e["t_end_ms"] >= r["start_ms"] - 60000})
check(len(spoofs) == 6 and all("implausible_speed" in v for v in found.values()),
      f"each simulated spoofing mode (fixed, offset, circle; vessels and aircraft) is found: {found}")
ac = [e for e in ev if e["event"] == "implausible_speed" and "icao" in e]
check(all(e.get("reported_speed_kt") is not None for e in ac) and {e["icao"] for e in ac} == {"f1e101", "f1e103"},
      f"aircraft jumps are judged by their own ground speed, and only the spoofers' "
      f"({[(e['icao'], e.get('implied_speed_kt'), e.get('reported_speed_kt')) for e in ac]})")
landed = [e for e in ev if e["event"] == "position_on_land" and e["mmsi"] == 352990304]
check(len(landed) == 1 and landed[0]["entry"] == "jump" and "position_on_land" in found.get("fixed:DEMO LANDED", []),
      f"the fixed point on land is also one position_on_land, entered by a jump ({landed})")
honest = [e for e in ev if ident(e) in (352990305, "f1e102") and e["event"] not in ("ais_gap", "flight")]
check(honest == [], f"the honest vessel and aircraft give no spoofing event ({honest})")
PY
else
    echo "not ok - simulate/replay the spoof-modes scenario ($(head -c 200 "$tmp/s.err"))"
fi

# ---- 4. the Caribbean demo ----
if "$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/d.nmea" --modes "$tmp/d.beast" \
        --truth "$tmp/d.truth" --seed 7 2>"$tmp/d.err"; then
    epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/d.truth")
    (cd "$tmp" && "$ATALAYA" replay --detect "$tmp/d.nmea" >"$tmp/d.ev" 2>>"$tmp/d.err" &&
        "$ATALAYA" replay --detect --modes-epoch "$epoch" "$tmp/d.beast" >>"$tmp/d.ev" 2>>"$tmp/d.err") ||
        echo "not ok - replay the demo ($(head -c 200 "$tmp/d.err"))"
    python3 - "$tmp/d.truth" "$tmp/d.ev" <<'PY'
import collections, json, sys
truth = [json.loads(l) for l in open(sys.argv[1])]
ev = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
kinds = ("implausible_speed", "mmsi_two_places", "position_on_land", "gnss_degraded", "gnss_jamming_area")
sp = [e for e in ev if e.get("event") in kinds]
def ident(x):
    return x.get("mmsi") or (x.get("icao") or "").lower()
spoofs = [r for r in truth if r.get("type") == "spoof"]
recall = 0
spoofers = set()
for r in spoofs:
    who = ident(r["entities"][0])
    spoofers.add(who)
    hit = [e for e in sp if ident(e) == who and e["t_start_ms"] <= r["end_ms"] + 600000
           and e["t_end_ms"] >= r["start_ms"] - 60000]
    recall += bool(hit)
    print(f"# truth spoof {r['entities'][0]['name']} ({r['mode']}): {[(e['event'], e['start']) for e in hit]}")
check(spoofs and recall == len(spoofs), f"demo: every truth spoof record found ({recall}/{len(spoofs)})")
fp = collections.Counter(e["event"] for e in sp if ident(e) not in spoofers)
print(f"# demo false positives by kind on the non-spoofing traffic: {dict(fp) or 'none'}")
check(sum(fp.values()) == 0, f"demo: no spoofing events on the non-spoofing traffic ({sum(fp.values())}; the "
      f"background's straight routes cross land, sailed onto at a plausible speed, which is not reported)")
PY
else
    echo "not ok - simulate the demo ($(head -c 200 "$tmp/d.err"))"
fi

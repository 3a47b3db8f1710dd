#!/usr/bin/env bash
# Distress alerts (docs/detectors.md, "Distress") on a recording written for
# the test (tests/tools/ais_make.py): an AIS-SART active (status 14 and
# "SART ACTIVE"), an AIS-SART in test mode ("SART TEST", status 15), a MOB,
# an EPIRB-AIS, a ship broadcasting status 14 then back to 0, and an
# ordinary ship. The same events in replay --detect, ingest (the store, asked
# through query events) and run (a recording played as a live feed).
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PYTHONPATH="$root/tests/tools" python3 - "$tmp/log.nmea" <<'PY'
import sys
from ais_make import pos1, safety14
t0 = 1700000000
lines = []
def add(t, s): lines.append((t, s))
for k in range(0, 6):                             # SART active: every minute for 6 min
    add(t0 + 60 * k, pos1(970123456, 36.50, -6.30, 0.5, 0, t0 + 60 * k, status=14))
add(t0 + 30, safety14(970123456, "SART ACTIVE", t0 + 30))
add(t0 + 10, safety14(970654321, "SART TEST", t0 + 10))  # SART test
for k in range(0, 3):
    add(t0 + 15 + 60 * k, pos1(970654321, 36.60, -6.40, 0.0, 0, t0 + 15 + 60 * k, status=15))
for k in range(0, 4):                             # MOB
    add(t0 + 120 + 60 * k, pos1(972001234, 36.70, -6.50, 1.0, 90, t0 + 120 + 60 * k, status=14))
add(t0 + 150, safety14(972001234, "MOB ACTIVE", t0 + 150))
for k in range(0, 3):                             # EPIRB-AIS
    add(t0 + 200 + 60 * k, pos1(974009876, 36.80, -6.60, 0.2, 0, t0 + 200 + 60 * k, status=14))
for k, st in enumerate([0, 14, 14, 14, 0, 0]):    # a ship in distress for 3 min
    add(t0 + 60 * k, pos1(224000001, 36.90, -6.70 + 0.002 * k, 8.0, 90, t0 + 60 * k, status=st))
for k in range(0, 40):                            # an ordinary ship, heard for 40 min
    add(t0 + 60 * k, pos1(224000002, 37.00, -6.80 + 0.002 * k, 10.0, 90, t0 + 60 * k, status=0))
lines.sort(key=lambda x: x[0])
open(sys.argv[1], "w").write("\n".join(s for _, s in lines) + "\n")
PY
"$ATALAYA" replay --detect --stats "$tmp/log.nmea" >"$tmp/replay.json" 2>"$tmp/replay.err"
"$ATALAYA" ingest --store "sqlite:$tmp/s.db" "$tmp/log.nmea" >/dev/null 2>"$tmp/ingest.err"
"$ATALAYA" query --store "sqlite:$tmp/s.db" --format json --kind distress events >"$tmp/query.json" 2>"$tmp/query.err"
timeout 60 "$ATALAYA" run --speed 0 "$tmp/log.nmea" >"$tmp/run.json" 2>"$tmp/run.err"
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
def lines(p):
    out = []
    for l in open(p):
        l = l.strip()
        if l.startswith("{"):
            out.append(json.loads(l))
    return out
def final(evs):
    """The last word on each event (kind, key)."""
    last = {}
    for e in evs:
        if e.get("event") == "distress":
            last[e["key"]] = e
    return {e["mmsi"]: e for e in last.values()}
rp = final(lines(f"{tmp}/replay.json"))
want = {970123456: ("ais_sart", "active", "ais_sart", "closed"), 970654321: ("ais_sart", "test", None, "closed"),
        972001234: ("mob", "active", "mob", "closed"), 974009876: ("epirb", "active", "epirb", "closed"),
        224000001: ("vessel", "active", "status_14", "closed")}
check(set(rp) == set(want), f"replay --detect: one distress event per transmitter, none for the ordinary ship ({sorted(rp)})")
for m, (dev, mode, rule, state) in want.items():
    e = rp.get(m, {})
    check(e.get("device") == dev and e.get("mode") == mode and e.get("alert") == rule and e.get("state") == state
          and e.get("severity") == ("test" if mode == "test" else "critical"),
          f"replay: {m} is {dev} {mode}, alert {rule}, {state} "
          f"(got {e.get('device')} {e.get('mode')} {e.get('alert')} {e.get('state')} {e.get('severity')})")
    check(isinstance(e.get("lat"), float) and any("AIVDM" in x for x in e.get("evidence", [])),
          f"replay: {m} has a position and its sentences as evidence")
check(rp.get(970654321, {}).get("text") == "SART TEST" and rp.get(970123456, {}).get("text") == "SART ACTIVE",
      "the safety texts ride in the events")
s = rp.get(224000001, {})
check(s.get("t_end_ms") == (1700000000 + 240) * 1000 and s.get("t_start_ms") == (1700000000 + 60) * 1000,
      "status 14 runs from its first report to the report that clears it")
a = rp.get(970123456, {})
check(a.get("t_end_ms") == (1700000000 + 300) * 1000, "a SART's event ends at its last message (closed by silence)")
ts = [e for e in lines(f"{tmp}/replay.json") if e.get("event") == "distress" and e.get("mmsi") == 970654321]
check(ts and all("alert" not in e for e in ts), "a SART test never raises an alert")
check("distress: 4 (tests 1)" in open(f"{tmp}/replay.err").read(), "replay --stats counts distress alarms and tests")
q = lines(f"{tmp}/query.json")
qm = {e.get("mmsi"): e for e in q}
check(set(qm) == set(want) and all(qm[m].get("alert") == want[m][2] and qm[m].get("mode") == want[m][1] for m in want),
      f"ingest stores the same events, found by kind=distress ({sorted(qm)})")
rn = final(lines(f"{tmp}/run.json"))
check(set(rn) == set(want) and all(rn[m].get("alert") == want[m][2] and rn[m].get("state") == "closed" for m in want),
      f"run plays the recording and raises the same alerts ({sorted(rn)})")
PY

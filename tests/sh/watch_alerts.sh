#!/usr/bin/env bash
# Watchlist alerts on the real OFAC SDN list: a tanker listed by IMO and MMSI
# (FORTUNE, SDN) raises one sighting alert with its list entry and the raw
# sentences as evidence, then an area-entry alert when it sails into a polygon;
# a Mahan Air callsign (IRM, from SBS) matches through the operator designator;
# an unlisted vessel raises nothing; static data heard after the first
# message (the usual order) still matches.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$ATALAYA" watchlist --db "$tmp/w.db" import --format ofac-sdn "$root/data/sanctions/sdn_2024-05-03.csv.gz" >/dev/null 2>&1 \
  || { echo "not ok - SDN import failed"; exit 0; }
PYTHONPATH="$root/tests/tools" python3 - "$tmp" <<'PY'
import sys
from ais_make import pos1, static5
tmp = sys.argv[1]
t0 = 1700000000
lines = []
lines += static5(422303000, 9283746, "EPBL7", "FORTUNE", 80, "CARACAS", t0)
for i in range(6):  # heading east across 10.0 W into the box
    lines.append(pos1(422303000, 11.0, -10.2 + 0.05 * i, 11.0, 90.0, t0 + 600 * (i + 1)))
lines.append(pos1(235000111, 50.0, -1.0, 10.0, 45.0, t0 + 10))  # an unlisted British ship
open(f"{tmp}/log.nmea", "w").write("\n".join(lines) + "\n")
open(f"{tmp}/box.geojson", "w").write('{"type":"FeatureCollection","features":[{"type":"Feature",'
    '"properties":{"name":"TEST BOX"},"geometry":{"type":"Polygon","coordinates":'
    '[[[-10,10],[-9,10],[-9,12],[-10,12],[-10,10]]]}}]}')
open(f"{tmp}/air.sbs", "w").write("MSG,1,1,1,730123,1,2024/05/03,12:00:00.000,2024/05/03,12:00:00.000,IRM1234,,,,,,,,,,,0\n")
# The usual order: positions before the static data that names the entity.
# An unlisted MMSI whose type 5 gives FORTUNE's IMO; an aircraft seen at
# altitude before its Mahan Air callsign arrives.
late = [pos1(538000001, 11.0, -10.2, 11.0, 90.0, t0)]
late += static5(538000001, 9283746, "XXXX1", "OTHER NAME", 80, "CARACAS", t0 + 60)
open(f"{tmp}/late.nmea", "w").write("\n".join(late) + "\n")
open(f"{tmp}/late.sbs", "w").write(
    "MSG,3,1,1,730124,1,2024/05/03,11:59:50.000,2024/05/03,11:59:50.000,,35000,,,35.1,51.2,,,0,0,0,0\n"
    "MSG,1,1,1,730124,1,2024/05/03,12:00:00.000,2024/05/03,12:00:00.000,IRM1235,,,,,,,,,,,0\n")
PY
"$ATALAYA" replay --db "$tmp/w.db" --area "$tmp/box.geojson" "$tmp/log.nmea" >"$tmp/alerts" 2>"$tmp/err"
"$ATALAYA" replay --db "$tmp/w.db" "$tmp/air.sbs" >"$tmp/alerts_air" 2>>"$tmp/err"
"$ATALAYA" replay --db "$tmp/w.db" "$tmp/late.nmea" "$tmp/late.sbs" >"$tmp/alerts_late" 2>>"$tmp/err"
python3 - "$tmp/alerts" "$tmp/alerts_air" "$tmp/alerts_late" <<'PY'
import json, sys
al = [json.loads(l) for l in open(sys.argv[1])]
air = [json.loads(l) for l in open(sys.argv[2])]
late = [json.loads(l) for l in open(sys.argv[3])]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
s = [a for a in al if a["event"] == "watchlist_sighting"]
check(len(s) == 1 and s[0]["mmsi"] == 422303000 and s[0]["alert"] == s[0]["match"]["rule"]
      and s[0]["entities"] == [{"kind": "vessel", "mmsi": 422303000, "role": "subject"}],
      f"one sighting alert for FORTUNE, marked as an alert by its rule ({len(s)})")
e = s[0]["match"]["entry"] if s else {}
check(s and s[0]["match"]["rule"] in ("mmsi", "imo") and not s[0]["match"]["weak"] and e.get("program"),
      "the match names its rule and the SDN entry with its program")
check(s and any("AIVDM" in ev for ev in s[0]["evidence"]), "the alert carries the raw sentences")
a = [x for x in al if x["event"] == "area_entry"]
check(len(a) == 1 and a[0]["area"] == "TEST BOX" and -10 <= a[0]["lon"] <= -9, f"one area-entry alert ({len(a)})")
check(not [x for x in al if x.get("mmsi") == 235000111], "the unlisted vessel raises nothing")
check(len(air) == 1 and air[0]["match"]["rule"] == "operator" and air[0]["operator"] == "IRM",
      "IRM1234 matches Mahan Air through its designator")
check(any(x.get("mmsi") == 538000001 and x["match"]["rule"] == "imo" for x in late),
      "an IMO announced after the first position still matches")
check(any(x.get("icao") == "730124" and x["match"]["rule"] == "operator" for x in late),
      "a callsign heard after the first message still matches its operator")
PY

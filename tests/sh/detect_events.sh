#!/usr/bin/env bash
# Detectors on a constructed mid-Atlantic recording (tests/tools/ais_make.py):
#   A goes dark for 13 h, 600 nm from shore, while its receiver keeps hearing
#     others: one "likely_deliberate" gap;
#   D's receiver itself falls silent for 8 h: D's gap is "coverage", not dark;
#   B and C drift 300 m apart at 0.5 kn for 3 h: one encounter, and each loiters;
#   E drifts slowly 5 nm off Venezuela: too close to shore to be loitering;
#   F reports every 10 minutes all along: nothing;
#   G (IMO 9111113) falls silent for 14 h and reappears as another MMSI and
#     name: an MMSI identity change, and the gap, found through the IMO;
#   H renames itself: an identity change of its name (I, near G, is heard
#     throughout, so G's area had reception while G was silent).
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PYTHONPATH="$root/tests/tools" python3 - "$tmp/log.nmea" <<'PY'
import sys
from ais_make import pos1, static5
t0 = 1700000000
lines = []
def add(t, s): lines.append((t, s))
for k in range(0, 30 * 3600, 300):               # A: 12 kn eastbound, dark from 6 h to 19 h
    if 6 * 3600 <= k < 19 * 3600:
        continue
    add(t0 + k, pos1(211000001, 20.0, -40.0 + k * 12 / 3600 / 60 / 0.94, 12.0, 90, t0 + k, "rxA"))
for k in range(0, 30 * 3600, 600):               # F: steady, heard by rxA all along
    add(t0 + k, pos1(211000006, 21.0, -41.0 + k * 10 / 3600 / 60 / 0.93, 10.0, 90, t0 + k, "rxA"))
for k in range(0, 30 * 3600, 300):               # D: heard by rxB, which is silent 8-16 h
    if 8 * 3600 <= k < 16 * 3600:
        continue
    add(t0 + k, pos1(211000004, 25.0, -35.0 + k * 10 / 3600 / 60 / 0.9, 10.0, 90, t0 + k, "rxB"))
for k in range(10 * 3600, 13 * 3600, 180):       # B and C meet for 3 h
    add(t0 + k, pos1(211000002, 22.0, -45.0, 0.5, 0, t0 + k, "rxA"))
    add(t0 + k + 20, pos1(211000003, 22.0027, -45.0, 0.4, 180, t0 + k + 20, "rxA"))
for k in range(10 * 3600, 14 * 3600, 300):       # E: slow, 5 nm off the Venezuelan coast
    add(t0 + k, pos1(211000005, 10.70, -67.5, 0.5, 0, t0 + k, "rxA"))
for k in range(0, 30 * 3600, 600):               # I: a neighbour of G, heard all along
    add(t0 + k, pos1(211000009, 23.3, -37.5, 6.0, 0, t0 + k, "rxA"))
for k in range(0, 6 * 3600, 300):                # G under its first MMSI, then as a new one
    add(t0 + k, pos1(211000007, 23.0, -38.0 + k * 10 / 3600 / 60 / 0.92, 10.0, 90, t0 + k, "rxA"))
add(t0 + 60, static5(211000007, 9111113, "GGGG1", "OLD NAME", 80, "NOWHERE", t0 + 60, "rxA", seq=2))
for k in range(20 * 3600, 24 * 3600, 300):
    add(t0 + k, pos1(211000008, 23.0, -36.0 + (k - 20 * 3600) * 10 / 3600 / 60 / 0.92, 10.0, 90, t0 + k, "rxA"))
add(t0 + 20 * 3600 + 60, static5(211000008, 9111113, "GGGG2", "NEW NAME", 80, "NOWHERE", t0 + 20 * 3600 + 60, "rxA", seq=3))
add(t0 + 3600, static5(211000006, 9222228, "FFFF1", "FIRST", 70, "X", t0 + 3600, "rxA", seq=4))
add(t0 + 7200, static5(211000006, 9222228, "FFFF1", "SECOND", 70, "X", t0 + 7200, "rxA", seq=5))
lines = [(t, "\n".join(s) if isinstance(s, list) else s) for t, s in lines]
open(sys.argv[1], "w").write("\n".join(s for _, s in sorted(lines)) + "\n")
PY
(cd "$tmp" && "$ATALAYA" replay --detect --stats "$tmp/log.nmea" >"$tmp/ev" 2>"$tmp/err") || true
python3 - "$tmp/ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
gaps = [e for e in ev if e["event"] == "ais_gap" and e["state"] == "closed"]
# Silent for 6 h or more when the recording ends (B, C and E from 13-14 h, G's
# new MMSI from 24 h): open gaps, each as it stands at the end.
still = sorted(e["mmsi"] for e in ev if e["event"] == "ais_gap" and e["state"] == "open")
check(still == [211000002, 211000003, 211000005, 211000008]
      and all(e["t_end_ms"] == max(x["t_end_ms"] for x in ev) for e in ev if e["event"] == "ais_gap" and e["state"] == "open"),
      f"vessels silent at the end: open gaps up to the end of the input ({still})")
a = [g for g in gaps if g["mmsi"] == 211000001]
check(len(a) == 1 and a[0]["class"] == "likely_deliberate" and 12.9 < a[0]["hours"] < 13.1,
      f"A: one likely-deliberate 13 h gap ({[(g['class'], g['hours']) for g in a]})")
d = [g for g in gaps if g["mmsi"] == 211000004]
check(len(d) == 1 and d[0]["class"] == "coverage", f"D: a coverage gap, not dark ({[g['class'] for g in d]})")
g = [x for x in gaps if x["mmsi"] == 211000007]
check(len(g) == 1 and g[0].get("reappeared_as_mmsi") == 211000008 and g[0]["class"] == "likely_deliberate",
      f"G: the 14 h gap across its MMSI change ({[(x['class'], x.get('reappeared_as_mmsi')) for x in g]})")
check(len(gaps) == 3, f"no other gaps ({len(gaps)})")
ids = [e for e in ev if e["event"] == "identity_change"]
check(any(e["field"] == "mmsi" and e["old_mmsi"] == 211000007 and e["new_mmsi"] == 211000008 and e["imo"] == 9111113
          for e in ids), "G: identity change of MMSI under one IMO")
check(any(e["field"] == "name" and e["mmsi"] == 211000006 and e["old"] == "FIRST" and e["new"] == "SECOND"
          for e in ids), "H (F's renaming): identity change of name, old and new")
enc = [e for e in ev if e["event"] == "encounter"]
check(len(enc) == 1 and enc[0]["mmsi"] == [211000002, 211000003] and enc[0]["hours"] >= 2.9
      and enc[0]["min_distance_m"] < 320 and len(enc[0]["evidence"]) == 3,
      f"B and C: one encounter with evidence ({len(enc)})")
lo = sorted(e["mmsi"] for e in ev if e["event"] == "loitering")
check(lo == [211000002, 211000003], f"B and C loiter; E, 5 nm from shore, does not ({lo})")
check(all(e["evidence"] for e in ev), "every event carries raw sentences")
PY

# Real recordings: no identity change out of a name cut at the 20 characters
# of types 5/24 (type 21's name extension makes it longer), and no MMSI
# "change" linked through an IMO field that is not a real IMO number
# (0, 1073741823 and numbers failing the check digit are common in the wild).
for f in "$root/tests/samples/ais/amsa/ais.txt.gz" "$root/tests/samples/ais/amsa/exact-earth-augmented.txt"; do
    [ -f "$f" ] || continue
    "$ATALAYA" replay --detect "$f" | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
def imo_ok(i):
    if not 1000000 <= i <= 9999999: return False
    x = i // 10
    return sum((x // 10 ** k % 10) * (k + 2) for k in range(6)) % 10 == i % 10
cut = [e for e in ev if e.get("field") == "name" and min(len(e["old"]), len(e["new"])) == 20
       and e["old"][:20] == e["new"][:20]]
bad = [e for e in ev if e.get("field") == "mmsi" and not imo_ok(e["imo"])]
zero = [e for e in ev if e.get("t_start_ms", 1) <= 0]
ok = not cut and not bad and not zero
print(("ok" if ok else "not ok") + " - " + sys.argv[1] + ": no truncated-name changes, no MMSI links through invalid IMOs,"
      " no event before the first timestamp" + ("" if ok else f" ({len(cut)} cut, {len(bad)} bad IMO, {len(zero)} at t=0)"))' "$(basename "$f")"
done

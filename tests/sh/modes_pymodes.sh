#!/usr/bin/env bash
# modes_pymodes.sh: conformance with pyModeS's sample of 2000 real DF17
# messages ($ATALAYA_SHARED_DATA/modes/pymodes/sample_data_adsb.csv; GPL-3,
# test-only: read in place, never copied). Each row becomes an AVR line with
# a 12 MHz timestamp from the row's time, goes through `atalaya decode
# --input avr`, and the decoded icao and typecode must equal the row's on
# every row. Positions resolved from the CPR pairs must all lie within 250 NM
# of each other's median (one receiver's coverage). Skips (77) without the
# shared data or python3.
set -u
csv="${ATALAYA_SHARED_DATA:-}/modes/pymodes/sample_data_adsb.csv"
[ -r "$csv" ] || { echo "# SKIP pyModeS sample absent: $csv"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "# SKIP python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$csv" >"$tmp/in.avr" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
t0 = int(rows[0][0])
for ts, hexmsg, icao, tc in rows:
    print("@%012X%s;" % ((int(ts) - t0) * 12000000, hexmsg))
PY
if ! "$ATALAYA" decode --input avr "$tmp/in.avr" >"$tmp/out.json"; then
    echo "not ok - atalaya decode --input avr"
    exit 1
fi
exec python3 - "$csv" "$tmp/out.json" <<'PY'
import csv, json, math, sys
rows = list(csv.reader(open(sys.argv[1])))
out = [json.loads(l) for l in open(sys.argv[2])]

def report(name, ok, detail=""):
    print("%s - %s%s" % ("ok" if ok else "not ok", name, "" if ok else " # " + detail))

report("one decoded message per row", len(out) == len(rows), "%d vs %d" % (len(out), len(rows)))
bad = [(r, o) for r, o in zip(rows, out)
       if o.get("icao") != r[2].lower() or o.get("tc") != int(r[3])]
for r, o in bad[:5]:
    print("#   %s: want %s tc %s, got %s tc %s" % (r[1], r[2], r[3], o.get("icao"), o.get("tc")))
report("icao and typecode agree on every row", not bad and len(out) == len(rows), "%d differ" % len(bad))
pos = [(o["lat"], o["lon"]) for o in out if "lat" in o]
cpr = sum(1 for o in out if "cpr_format" in o)
print("# %d rows, %d position messages, %d positions resolved" % (len(rows), cpr, len(pos)))
report("positions resolved", len(pos) > cpr // 2, "%d of %d" % (len(pos), cpr))
if pos:
    mlat = sorted(p[0] for p in pos)[len(pos) // 2]
    mlon = sorted(p[1] for p in pos)[len(pos) // 2]
    def nm(a, b):
        r = math.pi / 180
        h = (math.sin((b[0] - a[0]) * r / 2) ** 2 +
             math.cos(a[0] * r) * math.cos(b[0] * r) * math.sin((b[1] - a[1]) * r / 2) ** 2)
        return 2 * 3440.065 * math.asin(min(1, math.sqrt(h)))
    far = [p for p in pos if nm((mlat, mlon), p) > 250]
    report("every position within 250 NM of the median", not far, "%d far" % len(far))
PY

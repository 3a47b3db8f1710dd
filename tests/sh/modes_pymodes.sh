#!/usr/bin/env bash
# modes_pymodes.sh: conformance with pyModeS's sample of 2000 real DF17
# messages ($ATALAYA_SHARED_DATA/modes/pymodes/sample_data_adsb.csv; GPL-3,
# test-only: read in place, never copied). Each row becomes an AVR line with
# a 12 MHz timestamp from the row's time, goes through `atalaya decode
# --input avr`, and the decoded icao and typecode must equal the row's on
# every row. Positions resolved from the CPR pairs must all lie within 250 NM
# of each other's median (one receiver's coverage), and each must equal what
# the independent CPR reference (tests/tools/modes_cpr_ref.py) computes from
# the same frames. Skips (77) without the shared data or python3.
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
exec python3 - "$csv" "$tmp/out.json" "${ATALAYA_ROOT:-.}/tests/tools/modes_cpr_ref.py" <<'PY'
import csv, json, math, sys
rows = list(csv.reader(open(sys.argv[1])))
out = [json.loads(l) for l in open(sys.argv[2])]
ref = {}
exec(open(sys.argv[3]).read().replace("\nmain()\n", "\n"), ref)

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

# Each resolved position again with the independent CPR reference
# (tests/tools/modes_cpr_ref.py): a global one from this frame and the
# latest frame of the other parity, a local one from the aircraft's last position.
last_cpr, last_pos, checked, wrong, kinds = {}, {}, 0, 0, {}
for o in out:
    if "cpr_format" not in o:
        continue
    a, odd = o["icao"], o["cpr_format"]
    c = (o["cpr_lat"], o["cpr_lon"])
    if "lat" in o:
        kind = o["pos_decode"]
        kinds[kind] = kinds.get(kind, 0) + 1
        want = None
        if kind == "global" and (a, 1 - odd) in last_cpr:
            other = last_cpr[(a, 1 - odd)]
            e, od = (c, other) if odd == 0 else (other, c)
            want = ref["glob"](e, od, odd == 1, False)
        elif kind == "local_aircraft" and a in last_pos:
            want = ref["local"](last_pos[a], c, odd == 1, False)
        checked += 1
        if want is None or abs(want[0] - o["lat"]) > 1e-5 or abs(want[1] - o["lon"]) > 1e-5:
            wrong += 1
            if wrong <= 5:
                print("#   %s %s: atalaya %s,%s reference %s" % (a, kind, o["lat"], o["lon"], want))
        last_pos[a] = (o["lat"], o["lon"])
    last_cpr[(a, odd)] = c
print("# %d positions recomputed with the reference (%s), %d differ"
      % (checked, ", ".join("%s %d" % kv for kv in sorted(kinds.items())), wrong))
report("positions equal the independent CPR reference", checked == len(pos) and wrong == 0,
       "%d of %d differ" % (wrong, checked))
PY

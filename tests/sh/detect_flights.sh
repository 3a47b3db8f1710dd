#!/usr/bin/env bash
# The flights detector (src/detect/flight.c) and emergency squawks.
# (a) The Caribbean demo scenario, simulated (seed 7) and replayed from its
#     Beast recording: the demo aircraft's flights (Tehran OIIE <-> Caracas
#     SVMI via Damascus OSDI, each leg a flight; the 747 Caracas <-> Ciudad
#     del Este SGES; DX2's diversion to Valencia SVVA) against the truth's
#     "flight" records, airports exact, times within 5 min; recall and
#     precision on every flight, background included. Background flights to
#     airports no receiver hears at low level (the scenario's radio horizons)
#     can only be partial: those are counted apart, and an end reported wrong
#     fails the test wherever it happens.
# (b) Constructed SBS recordings for the edge rules: an Atlantic crossing out
#     of coverage is one flight; a gap the aircraft must have landed in is two;
#     a touch-and-go; an aircraft first seen airborne; one heard only between
#     its climb and descent (airports inferred); a flight still airborne
#     at the end of input; squawk 7700 for 20 minutes, and a one-message 7500
#     that is not an emergency.
# KEEP_TMP=DIR keeps the recordings and events there for a look.
set -u
root=${ATALAYA_ROOT:-.}
tmp=${KEEP_TMP:-$(mktemp -d)}; [ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT; mkdir -p "$tmp"
export ATALAYA_DATA="$root/data"

# ---- (a) the demo scenario
"$ATALAYA" simulate "$root/scenarios/caribbean.json" --modes "$tmp/demo.beast" --truth "$tmp/truth.jsonl" \
    --seed 7 >/dev/null 2>"$tmp/sim.err" || { echo "not ok - simulate the demo scenario"; cat "$tmp/sim.err"; }
# The Beast counter starts at the receiver's uptime; the truth header says where (as scripts/demo.sh).
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h["modes_ts12_at_start"] / 12000) / 1000)' "$tmp/truth.jsonl")
"$ATALAYA" replay --detect --stats --modes-epoch "$epoch" "$tmp/demo.beast" >"$tmp/demo.ev" 2>"$tmp/demo.err" \
    || echo "not ok - replay --detect of the demo (exit $?)"
python3 - "$tmp/truth.jsonl" "$tmp/demo.ev" "$root/scenarios/caribbean.json" <<'PY'
import collections, json, math, sys
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
truth = [json.loads(l) for l in open(sys.argv[1])]
hdr, tf = truth[0], [t for t in truth[1:] if t["type"] == "flight"]
ev = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
sc = json.load(open(sys.argv[3]))
df = [e for e in ev if e["event"] == "flight"]
TOL = 5 * 60 * 1000

# Which places a receiver hears at 1000 ft (the simulator's radio horizon,
# docs/scenario-format.md): a flight from or to any other can only be partial.
def nm(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h)) / 1852
P = sc["places"]
def heard_low(p):
    for r in sc["receivers"]:
        if r.get("satellite"):
            continue
        at = P[r["at"]] if "at" in r else [r["lat"], r["lon"]]
        horizon = 1.23 * (math.sqrt(1000) + math.sqrt(r.get("alt_m", 30) * 3.28084))
        if p in P and nm(at, P[p]) <= min(r.get("range_nm", 40), horizon):
            return True
    return False
covered = {p: heard_low(p) for p in P}

by = collections.defaultdict(list)
for e in df:
    by[e["icao"]].append(e)
res, good, wrong = collections.Counter(), set(), []
for t in tf:
    icao = t["entities"][0]["icao"].lower()
    observable = covered.get(t["from"]) and covered.get(t["to"]) and t["start_ms"] > hdr["start_ms"]
    best, overlap = None, 0
    for e in by[icao]:
        o = min(e["t_end_ms"], t["end_ms"]) - max(e["t_start_ms"], t["start_ms"])
        if o > overlap:
            best, overlap = e, o
    t["found"] = best
    if not best:
        res["missed", observable] += 1
        continue
    bad, absent = [], 0
    for side, key, tk, ek in (("departure", "from", "start_ms", "t_start_ms"), ("arrival", "to", "end_ms", "t_end_ms")):
        if side + "_airport" not in best:
            absent += 1
        elif best[side + "_airport"] != t[key]:
            bad.append(f"{side} {best[side + '_airport']} not {t[key]}")
        elif best[side + "_method"] != "inferred_lowest" and abs(best[ek] - t[tk]) > TOL:
            bad.append(f"{side} time off by {abs(best[ek] - t[tk]) / 60000:.1f} min")
    kind = "wrong" if bad else "partial" if absent else "correct"
    res[kind, observable] += 1
    if bad:
        wrong.append(f"{t['entities'][0]['id']} {t['from']}-{t['to']} {t['start']}: {bad}")
    else:
        good.add(id(best))
# A flight that began after the aircraft's last landing in the scenario has no
# truth record (the simulator writes a flight when it lands): not a false one.
last_landing = collections.defaultdict(int)
for t in tf:
    icao = t["entities"][0]["icao"].lower()
    last_landing[icao] = max(last_landing[icao], t["end_ms"])
in_progress = [e for e in df if id(e) not in good and "arrival_airport" not in e
               and e["t_start_ms"] >= last_landing[e["icao"]]]
n = len(tf)
n_obs = sum(v for (k, o), v in res.items() if o)
correct = res["correct", True] + res["correct", False]
partial = res["partial", True] + res["partial", False]
missed = res["missed", True] + res["missed", False]
prec_den = len(df) - len(in_progress)
print(f"# demo flights: truth {n} ({n_obs} with both airports heard at low level), detected {len(df)}"
      f" ({len(in_progress)} still airborne at the end)")
print(f"# recall (both airports and times right): {correct}/{n} = {correct / n:.3f} of all;"
      f" {res['correct', True]}/{n_obs} = {res['correct', True] / n_obs:.3f} of those heard at both ends;"
      f" partial (an end unseen, none wrong) {partial}, missed {missed}")
print(f"# precision (no end reported wrong): {len(good)}/{prec_den} = {len(good) / prec_den:.3f};"
      f" exact {correct}/{prec_den} = {correct / prec_den:.3f}")
for w in wrong:
    print("#   wrong:", w)
check(not wrong, f"no flight reports a wrong airport or time ({len(wrong)})")
check(res["correct", True] == n_obs, f"every flight heard at both ends is found exactly ({res['correct', True]}/{n_obs})")
check(len(good) == prec_den, f"every detected flight is a true one ({len(good)}/{prec_den})")

demo = [t for t in tf if not t["background"]]
def show(t):
    e = t["found"]
    return (f"{t['entities'][0]['id']} {t['from']}-{t['to']}: " +
            (f"{e.get('departure_airport')}-{e.get('arrival_airport')} {e['start']}..{e['end']}" if e else "none"))
def exact(t):
    e = t["found"]
    return bool(e) and e.get("departure_airport") == t["from"] and e.get("arrival_airport") == t["to"] \
        and abs(e["t_start_ms"] - t["start_ms"]) <= TOL and abs(e["t_end_ms"] - t["end_ms"]) <= TOL
for ident, what in (("DX1", "sanctioned-style airline DQX711: OIIE-OSDI-SVMI and back, each leg"),
                    ("DX2", "DQX712: SVMI-OSDI-OIIE and back, diverted to SVVA at the end"),
                    ("CG1", "the 747 DQC401: SVMI-SGES and back")):
    legs = [t for t in demo if t["entities"][0]["id"] == ident]
    check(legs and all(exact(t) for t in legs), f"{ident}, {what} ({'; '.join(show(t) for t in legs)})")
# The ocean crossings are one flight each, across their silences.
long_legs = [t for t in demo if {t["from"], t["to"]} == {"OSDI", "SVMI"} or t["to"] == "SVVA"]
check(long_legs and all(t["found"] and t["found"].get("coverage_gaps", 0) >= 1 for t in long_legs),
      f"the {len(long_legs)} Atlantic crossings are each one flight across a coverage gap")
one = [e for e in df if e["icao"] == "f1d001"][0]
need = ["icao", "callsign", "operator", "departure_airport", "departure_name", "departure_country",
        "departure_country_code", "departure_time", "arrival_airport", "arrival_name", "arrival_country",
        "arrival_country_code", "arrival_time", "confidence", "confidence_reason", "positions",
        "max_altitude_ft", "distance_nm", "evidence"]
check(all(k in one for k in need) and one["departure_country_code"] == "IR" and one["arrival_country_code"] == "SY"
      and one["max_altitude_ft"] == 37000 and len(one["evidence"]) == 2 and all(one["evidence"]),
      f"flight fields, ISO codes and raw evidence ({ {k: one.get(k) for k in ('departure_country_code', 'arrival_country_code', 'max_altitude_ft')} })")
# The change back is seen up to a minute late: the simulator stops the ADS-B
# emergency status (TC 28) with the code, and the tracker lets the Mode S
# replies' code replace the ADS-B one only once that is stale (60 s).
sq = [e for e in ev if e["event"] == "emergency_squawk"]
t7600 = [t for t in truth if t["type"] == "squawk"][0]
check(len(sq) == 1 and sq[0]["squawk"] == "7600" and sq[0]["meaning"] == "radio failure" and sq[0]["icao"] == "f1d003"
      and t7600["start_ms"] - 60000 <= sq[0]["t_start_ms"] <= t7600["end_ms"]
      and abs(sq[0]["t_end_ms"] - t7600["end_ms"]) <= 90000,
      f"CG1's 7600 heard as it came into coverage, until it changed back ({[(e['squawk'], e['start'], e['end']) for e in sq]})")
PY

# ---- (b) constructed cases, as SBS (BaseStation) lines
python3 - "$tmp/cases.sbs" <<'PY'
import math, sys
T0 = 1768176000  # 2026-01-12T00:00:00Z
lines = []
def sbs(t, icao, cs="", alt="", gs="", trk="", lat="", lon="", sq="", ground=""):
    d = __import__("time").strftime("%Y/%m/%d", __import__("time").gmtime(t))
    c = __import__("time").strftime("%H:%M:%S", __import__("time").gmtime(t)) + f".{int(round((t % 1) * 1000)):03d}"
    lines.append((t, f"MSG,3,1,1,{icao},1,{d},{c},{d},{c},{cs},{alt},{gs},{trk},{lat},{lon},,{sq},0,0,0,{ground}"))
def gc(a, b, f):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    x1, x2 = [math.cos(la1) * math.cos(lo1), math.cos(la1) * math.sin(lo1), math.sin(la1)], \
             [math.cos(la2) * math.cos(lo2), math.cos(la2) * math.sin(lo2), math.sin(la2)]
    w = math.acos(max(-1, min(1, sum(p * q for p, q in zip(x1, x2)))))
    if w < 1e-12:
        return a
    s1, s2 = math.sin((1 - f) * w) / math.sin(w), math.sin(f * w) / math.sin(w)
    x = [s1 * p + s2 * q for p, q in zip(x1, x2)]
    return (math.degrees(math.atan2(x[2], math.hypot(x[0], x[1]))), math.degrees(math.atan2(x[1], x[0])))
def nm(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 3440.065 * math.asin(math.sqrt(h))
def fly(icao, cs, t0, a, b, kt=450, cruise=35000, ea=0, eb=0, step=10, heard=lambda f, d0, d1, alt: True,
        ground_before=0, ground_after=0, squawk=lambda t: "2000", flag=True):
    """a -> b at kt, climbing and descending at 2000 ft/min, taxiing for
    ground_before/after seconds: with the ground flag set when flag is true,
    else as a transponder that never says it is on the ground would (no flag,
    the field's altitude)."""
    total = nm(a, b) / kt * 3600
    g, ga, gb = ("-1", "", "") if flag else ("", int(ea), int(eb))
    for k in range(0, int(ground_before), 15):
        sbs(t0 - ground_before + k, icao, cs, ga, 12, 90, f"{a[0]:.5f}", f"{a[1] + 0.0005 * k / 15:.5f}", squawk(t0), g)
    for k in range(0, int(total) + 1, step):
        f = k / total
        p = gc(a, b, f)
        alt = min(cruise, ea + 2000 * k / 60, eb + 2000 * (total - k) / 60)
        if heard(f, f * nm(a, b), (1 - f) * nm(a, b), alt):
            sbs(t0 + k, icao, cs, int(alt) // 25 * 25, kt, 90, f"{p[0]:.5f}", f"{p[1]:.5f}", squawk(t0 + k),
                "0" if flag else "")
    for k in range(0, int(ground_after), 15):
        sbs(t0 + total + 5 + k, icao, cs, gb, 12, 90, f"{b[0]:.5f}", f"{b[1] + 0.0005 * k / 15:.5f}", squawk(t0 + total), g)
    return t0 + total
GCLP, TFFR = (27.9319, -15.3866), (16.2653, -61.5318)
TBPB, TTPP, TNCC, TNCA, TGPY = (13.0746, -59.4925), (10.5954, -61.3372), (12.1889, -68.9598), (12.5014, -70.0152), (12.0042, -61.7862)
near = lambda f, d0, d1, alt: d0 < 250 or d1 < 250  # receivers at both ends, an ocean between
# A: Gran Canaria -> Guadeloupe, 2,500 nm, heard only within 250 nm of either end
fly("A00001", "TST101", T0 + 3600, GCLP, TFFR, ea=78, eb=36, heard=near, ground_before=300, ground_after=600)
# B1: lost at cruise, heard again 6 h later at cruise 150 nm away: it landed in between
fly("B00001", "TST201", T0 + 3600, TBPB, TNCC, ea=169, eb=29, heard=lambda f, d0, d1, alt: f < 0.4, ground_before=300)
fly("B00001", "TST201", T0 + 3600 + 5 * 3600, TGPY, TNCA, ea=41, eb=60, heard=lambda f, d0, d1, alt: f > 0.5,
    ground_after=600)
# B2: lost at cruise, heard again 4 h later climbing from another runway: two flights (too slow to be one)
fly("B00002", "TST202", T0 + 3600, TNCA, TBPB, ea=60, eb=169, heard=lambda f, d0, d1, alt: f < 0.3, flag=False)
fly("B00002", "TST202", T0 + 3600 + 4 * 3600, TGPY, TTPP, ea=41, eb=58, flag=False)
# B3: lost at cruise 220 nm short of Grenada, heard again 35 min later, as fast as it flew, but
# climbing away from Grenada's runway: it landed and left again, two flights
t = fly("B00003", "TST203", T0 + 3600, TNCA, TGPY, ea=60, eb=41, heard=lambda f, d0, d1, alt: d1 > 220, flag=False)
fly("B00003", "TST203", t + 300, TGPY, TTPP, ea=41, eb=58, flag=False)
# B4: lost climbing out of Aruba, next heard an hour later on the ground at Barbados: it landed there
fly("B00004", "TST204", T0 + 3600, TNCA, TBPB, ea=60, eb=169, heard=lambda f, d0, d1, alt: f < 0.3,
    ground_before=300, ground_after=600)
# C: a circuit and a touch-and-go at Barbados (25 s on the runway), then on to Trinidad
P = (13.25, -59.35)
t = fly("C00001", "TST301", T0 + 7200, TBPB, P, kt=140, cruise=1500, ea=169, eb=1500, step=5, ground_before=300)
t = fly("C00001", "TST301", t + 5, P, TBPB, kt=140, cruise=1500, ea=1500, eb=169, step=5)
for k in range(0, 25, 5):
    sbs(t + 2 + k, "C00001", "TST301", "", 110, 90, "13.07460", "-59.49000", "2000", "-1")
fly("C00001", "TST301", t + 30, TBPB, TTPP, kt=250, cruise=15000, ea=169, eb=58, step=5, ground_after=600)
# D: first heard at cruise 150 nm out, then down to the runway at Curacao (no ground flag)
fly("D00001", "TST401", T0 + 3600, TGPY, TNCC, ea=41, eb=29, heard=lambda f, d0, d1, alt: d1 < 150, flag=False)
# E: squawks 7700 for 20 minutes in a flight Aruba -> Curacao -> ... and one corrupted 7500
e0 = T0 + 10800
fly("E00001", "TST501", e0, TNCA, TGPY, ea=60, eb=41, ground_before=300, ground_after=300,
    squawk=lambda t: "7700" if e0 + 1200 <= t < e0 + 2400 else "2000")
sbs(e0 + 3000.5, "E00001", "TST501", "", "", "", "", "", "7500")
# H: heard only from 15 nm out of Curacao (climbing through 4,000 ft) to 25 nm short of
# Barbados (descending through 6,800 ft): both airports inferred from the lowest points
fly("C00008", "TST801", T0 + 5 * 3600, TNCC, TBPB, ea=29, eb=169, heard=lambda f, d0, d1, alt: d0 > 15 and d1 > 25,
    flag=False)
# I: a transponder that never reports "on the ground": taxis 5 min at Aruba's altitude, flies to
# Curacao, taxis 10 min there: takeoff and landing times are where the climb starts and the descent ends
fly("C00007", "TST701", T0 + 6 * 3600, TNCA, TNCC, kt=250, cruise=9000, ea=60, eb=29, flag=False,
    ground_before=300, ground_after=600)
# J: a squat switch stuck at "ground" in the climb, cruise and descent, with no speed reported
# then: one flight, not a landing at 35,000 ft
fly("C0000A", "TST901", T0 + 7 * 3600, TNCC, TBPB, ea=29, eb=169, ground_before=300, ground_after=600)
n = 0
for j, (t, l) in enumerate(lines):
    f = l.split(",")
    if f[4] == "C0000A" and f[11] and int(f[11]) > 5000:
        f[21], f[12] = "-1", ""
        lines[j] = (t, ",".join(f))
        n += 1
assert n > 100
# G: the last aircraft of the recording, airborne 90 min after takeoff when the input ends
fly("C00006", "TST601", T0 + 9 * 3600, GCLP, TFFR, ea=78, eb=36, heard=lambda f, d0, d1, alt: d0 < 675,
    ground_before=300)
open(sys.argv[1], "w").write("\n".join(l for _, l in sorted(lines, key=lambda x: x[0])) + "\n")
PY
"$ATALAYA" replay --detect "$tmp/cases.sbs" >"$tmp/cases.ev" 2>"$tmp/cases.err" || echo "not ok - replay --detect of the constructed cases (exit $?)"
python3 - "$tmp/cases.ev" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
T0 = 1768176000000
fl = lambda icao: [e for e in ev if e["event"] == "flight" and e["icao"] == icao]
def ends(es):
    return [(e.get("departure_airport"), e.get("departure_method"), e.get("arrival_airport"), e.get("arrival_method"))
            for e in es]
a = fl("a00001")
check(len(a) == 1 and a[0].get("departure_airport") == "GCLP" and a[0].get("arrival_airport") == "TFFR"
      and a[0]["departure_method"] == a[0]["arrival_method"] == "air_ground_flag" and a[0].get("coverage_gaps") == 1
      and abs(a[0]["t_start_ms"] - (T0 + 3600000)) <= 1000 and a[0]["departure_country_code"] == "ES"
      and a[0]["distance_nm"] > 2400 and a[0]["max_altitude_ft"] == 35000,
      f"A: out of coverage over the Atlantic is one flight GCLP-TFFR on the ground flag ({ends(a)}, gaps {[e.get('coverage_gaps') for e in a]})")
b1 = fl("b00001")
check(len(b1) == 2 and b1[0].get("departure_airport") == "TBPB" and "arrival_airport" not in b1[0]
      and "departure_airport" not in b1[1] and b1[1].get("arrival_airport") == "TNCA",
      f"B1: lost at cruise, back 6 h later 150 nm away: two flights, the unseen ends absent ({ends(b1)})")
b2 = fl("b00002")
check(len(b2) == 2 and b2[0].get("departure_airport") == "TNCA" and "arrival_airport" not in b2[0]
      and b2[1].get("departure_airport") == "TGPY" and b2[1].get("departure_method") == "heard_at_runway"
      and b2[1].get("arrival_airport") == "TTPP",
      f"B2: back hours later climbing from another runway: two flights ({ends(b2)})")
c = fl("c00001")
b3 = fl("b00003")
check(len(b3) == 2 and b3[0].get("departure_airport") == "TNCA" and "arrival_airport" not in b3[0]
      and b3[1].get("departure_airport") == "TGPY" and b3[1].get("arrival_airport") == "TTPP",
      f"B3: back as fast as it flew, but climbing away from a runway: two flights ({ends(b3)})")
b4 = fl("b00004")
check(len(b4) == 1 and b4[0].get("departure_airport") == "TNCA" and b4[0].get("arrival_airport") == "TBPB"
      and b4[0]["arrival_method"] == "on_ground_after_gap" and "arrival_time" in b4[0],
      f"B4: lost airborne, next heard on the ground at Barbados: it landed there ({ends(b4)})")
check(len(c) == 1 and c[0].get("touch_and_go") == 1 and c[0].get("departure_airport") == "TBPB"
      and c[0].get("arrival_airport") == "TTPP",
      f"C: a touch-and-go is not a landing: one flight TBPB-TTPP, touch_and_go 1 ({ends(c)}, {[e.get('touch_and_go') for e in c]})")
d = fl("d00001")
check(len(d) == 1 and "departure_airport" not in d[0] and "departure_time" not in d[0]
      and d[0].get("arrival_airport") == "TNCC" and d[0]["arrival_method"] == "heard_at_runway"
      and d[0]["confidence"] <= 0.5 and "first heard airborne" in d[0]["confidence_reason"],
      f"D: first seen airborne: departure absent, arrival TNCC, lower confidence ({ends(d)}, {[e['confidence'] for e in d]})")
g = fl("c00006")
check(len(g) == 1 and g[0].get("departure_airport") == "GCLP" and "arrival_airport" not in g[0]
      and "end of the recording" in g[0]["confidence_reason"],
      f"G: airborne at the end of input: reported, departure GCLP, arrival absent ({ends(g)})")
i = fl("c00007")
t_i = T0 + 6 * 3600000
check(len(i) == 1 and i[0].get("departure_airport") == "TNCA" and i[0].get("arrival_airport") == "TNCC"
      and i[0]["departure_method"] == i[0]["arrival_method"] == "heard_at_runway"
      and abs(i[0]["t_start_ms"] - t_i) <= 15000 and abs(i[0]["t_end_ms"] - (t_i + 1000 * 3600 * 64.68 / 250)) <= 30000
      and i[0]["first_seen"] < i[0]["departure_time"] and i[0]["last_seen"] > i[0]["arrival_time"],
      f"I: taxiing reported as flight: takeoff where the climb starts, landing where the descent ends ({[(x['departure_time'], x['arrival_time'], x['first_seen'], x['last_seen']) for x in i]})")
j = fl("c0000a")
check(len(j) == 1 and j[0].get("departure_airport") == "TNCC" and j[0].get("arrival_airport") == "TBPB",
      f"J: a ground flag stuck on in flight is not a landing: one flight TNCC-TBPB ({ends(j)})")
h = fl("c00008")
check(len(h) == 1 and h[0].get("departure_airport") == "TNCC" and h[0].get("arrival_airport") == "TBPB"
      and h[0]["departure_method"] == h[0]["arrival_method"] == "inferred_lowest" and h[0]["confidence"] == 0.5
      and "departure_time" in h[0] and "arrival_time" in h[0],
      f"H: heard neither end low: both airports inferred from the lowest points, confidence 0.5 ({ends(h)}, {[x['confidence'] for x in h]})")
sq = [e for e in ev if e["event"] == "emergency_squawk"]
s7700 = [e for e in sq if e["squawk"] == "7700"]
check(len(s7700) == 1 and s7700[0]["icao"] == "e00001" and s7700[0]["meaning"] == "emergency"
      and s7700[0]["callsign"] == "TST501" and abs(s7700[0]["t_start_ms"] - (T0 + 10800000 + 1200000)) <= 10000
      and abs(s7700[0]["t_end_ms"] - (T0 + 10800000 + 2400000)) <= 10000 and len(s7700[0]["evidence"]) == 2
      and "lat" in s7700[0] and "altitude_ft" in s7700[0],
      f"E: squawk 7700 for 20 minutes, from when it was set to when it changed back ({[(e['squawk'], e['start'], e['end']) for e in sq]})")
check(not [e for e in sq if e["squawk"] == "7500"], "E: a single 7500 reply is not an emergency")
e = fl("e00001")
check(len(e) == 1 and e[0].get("departure_airport") == "TNCA" and e[0].get("arrival_airport") == "TGPY",
      f"E: its flight TNCA-TGPY ({ends(e)})")
check(all(all(x["evidence"]) for x in ev if "evidence" in x), "every event carries raw messages")
PY

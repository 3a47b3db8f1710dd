#!/usr/bin/env bash
# scripts/demo.sh: the main job, as far as it goes today: build; decode bundled
# real AIS (gpsd's sample of every message type) and Mode S (a Beast capture
# near Toulouse); load the real OFAC SDN list into a watchlist store; replay the
# recordings through the tracker with enrichment and watchlist matching; then
# simulate the synthetic Caribbean demo scenario (three days: tankers going
# dark, a meeting at sea, a sanctioned-style airline) and replay it with the
# demo watchlist and the detectors: alerts and events with their evidence.
# Output goes to demo-out/ (kept for a look afterwards).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
make -j"$(nproc 2>/dev/null || echo 2)" rel >/dev/null
bin=build/rel/atalaya out=demo-out
mkdir -p "$out"
echo "== atalaya decode: the first AIS messages of gpsd's sample (JSON lines, gpsd field names)"
$bin decode tests/samples/ais/gpsd/sample.aivdm | head -n 3
echo "== atalaya decode: Mode S from a Beast capture"
$bin decode tests/samples/modes/beast/sample_dump1090.bin | grep '"callsign"' | head -n 2
echo "== atalaya watchlist import: the OFAC SDN list of 2024-05-03"
rm -f "$out/atalaya.db"
$bin watchlist --db "$out/atalaya.db" import --format ofac-sdn data/sanctions/sdn_2024-05-03.csv.gz
$bin lookup --db "$out/atalaya.db" mmsi 422303000
echo "== atalaya replay: Norwegian coastal AIS (1000 lines) and the Toulouse Beast capture"
$bin replay --db "$out/atalaya.db" --stats --vessels-json "$out/vessels.json" \
    tests/samples/ais/kystverket/Ais1000Lines.nm4 >"$out/alerts.jsonl" 2>"$out/replay-stats.txt"
$bin replay --db "$out/atalaya.db" --aircraft-json "$out/aircraft.json" \
    tests/samples/modes/beast/sample_dump1090.bin >>"$out/alerts.jsonl"
head -n 8 "$out/replay-stats.txt"
echo "alerts: $(wc -l <"$out/alerts.jsonl") (no listed vessel is in these real recordings)"
python3 - "$out" <<'PY'
import json, sys
v = json.load(open(sys.argv[1] + "/vessels.json"))["vessels"]
a = json.load(open(sys.argv[1] + "/aircraft.json"))["aircraft"]
named = [x for x in v if x.get("name")][:3]
for x in named:
    print(f"vessel {x['mmsi']} {x['name']:<20} flag {x.get('flag', '?')}")
for x in a:
    if "flight" in x:
        print(f"aircraft {x['hex']} {x['flight'].strip():<8} alt {x.get('alt_baro', '?')} country {x.get('country', '?')}")
PY
echo "== atalaya simulate: the synthetic Caribbean demo scenario (3 days; names start with DEMO)"
$bin simulate scenarios/caribbean.json --ais "$out/demo.nmea" --modes "$out/demo.beast" \
    --truth "$out/demo-truth.jsonl" --seed 7
$bin watchlist --db "$out/atalaya.db" import --format csv --list demo scenarios/caribbean-watchlist.csv
echo "== atalaya replay --detect: the demo's AIS and Mode S with the demo watchlist"
$bin replay --db "$out/atalaya.db" --detect --stats --vessels-json "$out/demo-vessels.json" \
    "$out/demo.nmea" >"$out/demo-events.jsonl" 2>"$out/demo-stats.txt"
# The Beast counter starts at the receiver's uptime; the truth header says where.
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$out/demo-truth.jsonl")
$bin replay --db "$out/atalaya.db" --modes-epoch "$epoch" --aircraft-json "$out/demo-aircraft.json" \
    "$out/demo.beast" >>"$out/demo-events.jsonl" 2>/dev/null
grep -E '^(vessels|gaps|encounters|loitering|alerts)' "$out/demo-stats.txt"
python3 - "$out/demo-events.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
watched = {}
for e in ev:
    if e.get("alert") == "watchlist_sighting":
        name = e["match"]["entry"]["name"]
        who = e.get("mmsi") or e.get("icao24")
        watched[who] = name
        print(f"ALERT {e['time']} watchlisted {e['kind']} {who} = {name} (rule {e['match']['rule']}, list {e['match']['entry']['list']})")
for e in ev:
    if e.get("event") == "ais_gap" and e["class"] == "likely_deliberate" and e["mmsi"] in watched:
        again = f", back as MMSI {e['reappeared_as_mmsi']} ({e.get('name', '')})" if "reappeared_as_mmsi" in e else ""
        print(f"DARK  {e['start']} .. {e['end']} {watched[e['mmsi']]} dark {e['hours']} h, {e['shore_nm']}+ nm from shore{again}")
    if e.get("event") == "identity_change" and e.get("field") == "mmsi":
        print(f"IDENT {e['end']} IMO {e['imo']}: MMSI {e['old_mmsi']} -> {e['new_mmsi']} ({e.get('name', '')})")
    if e.get("event") in ("encounter", "loitering") and any(m in watched for m in (e["mmsi"] if isinstance(e["mmsi"], list) else [e["mmsi"]])):
        print(f"{e['event'].upper()[:5]} {e['start']} .. {e['end']} MMSI {e['mmsi']} at {e['lat']}, {e['lon']}")
PY
echo "== written: $out/vessels.json, $out/aircraft.json, $out/alerts.jsonl, $out/demo-events.jsonl, $out/demo-truth.jsonl"

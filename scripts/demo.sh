#!/usr/bin/env bash
# scripts/demo.sh: the main job, as far as it goes today: build; decode bundled
# real AIS (gpsd's sample of every message type) and Mode S (a Beast capture
# near Toulouse); load the real OFAC SDN list into a watchlist store; replay the
# recordings through the tracker with enrichment and watchlist matching; write
# the live picture as dump1090-compatible aircraft.json and vessels.json.
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
echo "== written: $out/vessels.json, $out/aircraft.json, $out/alerts.jsonl"

#!/usr/bin/env bash
# scripts/demo.sh: the main job. Installs what is missing, builds, decodes a
# little real AIS and Mode S, then simulates the synthetic Caribbean demo
# (three days: five tankers, two going dark, a meeting at sea, a
# sanctioned-style airline, a cargo 747), ingests it with the real OFAC SDN
# list and the demo watchlist into the embedded SQLite store, answers three
# analysts' questions from the command line, and serves the operations
# centre at http://127.0.0.1:8080 (Ctrl-C stops it).
#   DEMO_PORT=8081     another port
#   DEMO_NO_SERVE=1    stop after the answers (for scripts)
# Everything lands in demo-out/ (kept for a look afterwards).
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
make -j"$(nproc 2>/dev/null || echo 2)" rel >/dev/null
bin=build/rel/atalaya out=demo-out db=demo-out/atalaya.db
port=${DEMO_PORT:-8080}
mkdir -p "$out"

echo "== real recordings: gpsd's AIS sample and a Beast capture near Toulouse (JSON lines)"
$bin decode tests/samples/ais/gpsd/sample.aivdm | head -n 2
$bin decode tests/samples/modes/beast/sample_dump1090.bin | grep '"callsign"' | head -n 1

echo "== atalaya simulate: the synthetic Caribbean scenario (3 days; every name starts with DEMO)"
$bin simulate scenarios/caribbean.json --ais "$out/demo.nmea" --modes "$out/demo.beast" \
    --truth "$out/demo-truth.jsonl" --seed 7
# The Beast counter starts at the receiver's uptime; the truth header says when that was.
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$out/demo-truth.jsonl")

echo "== watchlists: the OFAC SDN list of 2024-05-03 and the demo's own list"
rm -f "$db" "$db-wal" "$db-shm"
$bin watchlist --db "$db" import --format ofac-sdn data/sanctions/sdn_2024-05-03.csv.gz
$bin watchlist --db "$db" import --format csv --list demo scenarios/caribbean-watchlist.csv

echo "== atalaya ingest: decoders, tracker, watchlists and detectors into $db"
$bin ingest --store "sqlite:$db" --modes-epoch "$epoch" \
    --port-polygons scenarios/caribbean-ports.geojson --geofence scenarios/caribbean-zones.geojson \
    "$out/demo.nmea" "$out/demo.beast"
$bin query --store "sqlite:$db" --count events | sed 's/^/events stored: /'

q() { echo; echo "\$ atalaya query $*"; $bin query --store "sqlite:$db" "$@"; }
echo
echo "== three questions"
echo "1. How many flights did the demo airline (designator DQX) fly into Venezuela in the three days?"
q flights --operator DQX --arrival-country VE --from 2026-01-12 --to 2026-01-15
echo
echo "2. Where did the cargo 747 DQC401 fly?"
q flights --callsign DQC401
echo
echo "3. Which tankers went dark at sea, and whom did they meet?"
q events --kind ais_gap,identity_change,encounter

if [ -n "${DEMO_NO_SERVE:-}" ]; then
    exit 0
fi
echo
echo "== the operations centre: http://127.0.0.1:$port/  (Ctrl-C to stop)"
echo "   the three questions: the examples of the flights panel (top left); search DEMO BOREALIS, open its dossier, click its dark gap; scrub the time slider"
exec $bin serve --store "sqlite:$db" --http "127.0.0.1:$port"

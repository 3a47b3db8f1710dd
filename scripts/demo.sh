#!/usr/bin/env bash
# scripts/demo.sh: the main job. Installs what is missing, builds, decodes a
# little real AIS and Mode S, then simulates the synthetic Caribbean demo
# (three days: five tankers, two going dark, a meeting at sea, a
# sanctioned-style airline, a cargo 747) while ingesting it, with the real
# OFAC SDN list and the demo watchlist, into the embedded SQLite store;
# answers three analysts' questions from the command line (printing each
# command with its --store), and serves the operations centre at
# http://127.0.0.1:8080 (Ctrl-C stops it).
#   DEMO_PORT=8081     another port
#   DEMO_NO_SERVE=1    stop after the answers (for scripts)
#   DEMO_SPEED=1000    how much faster than recorded the live run plays
# Then the same three days are played live through `atalaya run` at 1000x
# (DEMO_SPEED) into a second store, served beside the first on the next port:
# the analyst watches the demo unfold, events appearing as they happen.
# Everything lands in demo-out/ (kept for a look afterwards): the store
# atalaya.db, the simulator's truth, its AIS recording (demo.nmea.zst; the
# Beast one is only passed through: `atalaya simulate` makes both again, the
# same to the byte, for the live run, in a temporary folder, where the live
# run's store lives too) and the live run's event lines.
set -eu
cd "$(dirname "$0")/.."
bin=build/rel/atalaya out=demo-out db=demo-out/atalaya.db
port=${DEMO_PORT:-8080}
t_all=$SECONDS t_step=$SECONDS n=0
step() { # a step's title, numbered, with the time the one before took
    if [ "$n" -gt 0 ]; then echo "   ($((SECONDS - t_step)) s)"; fi
    n=$((n + 1)) t_step=$SECONDS
    echo "== [$n/6] $*"
}

step "dependencies and build (scripts/deps.sh build, make rel)"
scripts/deps.sh build
make -j"$(nproc 2>/dev/null || echo 2)" rel >/dev/null
mkdir -p "$out"
# Uncompressed recordings of older demos: hundreds of MB.
rm -f "$out/demo.nmea" "$out/demo.beast" "$db" "$db-wal" "$db-shm"

step "real recordings: gpsd's AIS sample and a Beast capture near Toulouse (JSON lines)"
$bin decode tests/samples/ais/gpsd/sample.aivdm | head -n 2
$bin decode tests/samples/modes/beast/sample_dump1090.bin | grep '"callsign"' | head -n 1

step "watchlists into $db: the OFAC SDN list of 2024-05-03 and the demo's own list"
$bin watchlist --db "$db" import --format ofac-sdn data/sanctions/sdn_2024-05-03.csv.gz
$bin watchlist --db "$db" import --format csv --list demo scenarios/caribbean-watchlist.csv

step "atalaya simulate | atalaya ingest: the synthetic Caribbean scenario (3 days; every name starts with DEMO)
   through the decoders, tracker, watchlists and detectors into $db, as it is simulated"
# The Beast counter starts at the receiver's uptime; the truth header says
# when that was (the same for any length of run, so a moment's run tells).
$bin simulate scenarios/caribbean.json --truth "$out/demo-truth.jsonl" --seed 7 --hours 0.01
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$out/demo-truth.jsonl")
# Both run at once: the AIS goes to the ingest through a pipe as it is made
# (and compressed beside it), the Beast recording to a compressed file that
# the ingest reads once the AIS is done (it takes its files one by one).
fifo=$(mktemp -d)
trap 'rm -rf "$fifo"' EXIT
mkfifo "$fifo/ais.sim" "$fifo/ais.in" "$fifo/beast.sim" "$fifo/beast.in"
tee "$fifo/ais.in" <"$fifo/ais.sim" | zstd -q -3 -f -o "$out/demo.nmea.zst" &
tee_pid=$!
(zstd -q -1 -f -o "$fifo/demo.beast.zst" <"$fifo/beast.sim" && cat "$fifo/demo.beast.zst" >"$fifo/beast.in") &
beast_pid=$!
$bin simulate scenarios/caribbean.json --ais "$fifo/ais.sim" --modes "$fifo/beast.sim" \
    --truth "$out/demo-truth.jsonl" --seed 7 &
sim_pid=$!
ingest_ok=0
$bin ingest --store "sqlite:$db" --modes-epoch "$epoch" \
    --port-polygons scenarios/caribbean-ports.geojson --geofence scenarios/caribbean-zones.geojson \
    "$fifo/ais.in" "$fifo/beast.in" || ingest_ok=$?
sim_ok=0
wait "$sim_pid" || sim_ok=$?
wait "$tee_pid" "$beast_pid" || true
if [ "$sim_ok" -ne 0 ] || [ "$ingest_ok" -ne 0 ]; then
    echo "demo: simulate exited $sim_ok, ingest $ingest_ok" >&2
    exit 1
fi
$bin query --store "sqlite:$db" --count events | sed 's/^/   events stored: /'

q() { echo; echo "\$ atalaya query --store sqlite:$db $*"; $bin query --store "sqlite:$db" "$@"; }
step "three questions (each command as you can run it again)"
echo "1. How many flights did the demo airline (designator DQX) fly into Venezuela in the three days?"
q flights --operator DQX --arrival-country VE --from 2026-01-12 --to 2026-01-15
echo
echo "2. Where did the cargo 747 DQC401 fly?"
q flights --callsign DQC401
echo
echo "3. Which tankers went dark at sea, and whom did they meet?"
q events --kind ais_gap,identity_change,encounter
echo "   ($((SECONDS - t_step)) s)"
echo
echo "demo: $((SECONDS - t_all)) s; demo-out/ holds $(du -sh "$out" | cut -f1) (the store, the truth, the AIS recording)"
echo "   more: atalaya query --store sqlite:$db entity 354990104     (DEMO DRACO: identities, events)"
echo "         atalaya serve --store sqlite:$db --http 127.0.0.1:$port"

if [ -n "${DEMO_NO_SERVE:-}" ]; then
    exit 0
fi
n=5
live_port=$((port + 1)) speed=${DEMO_SPEED:-1000}
step "the operations centre: the three days at http://127.0.0.1:$port/ (atalaya serve), and
   the same days live at http://127.0.0.1:$live_port/ (atalaya run, ${speed}x; Ctrl-C stops both)
   the event list opens on the alerts, the dark gaps, the rename and the meeting; click one to see it
   on the map with its evidence; search DEMO BOREALIS or DEMO QX; the flights questions are under ☰;
   press ? for the keyboard. Live (up in about 20 s, once the recordings are made again): targets
   move and events arrive as the recording plays (its event lines: demo-out/live-events.jsonl;
   its store lives in a temporary folder while it runs)"
rm -rf "$fifo"
# The recordings again (the simulator is deterministic by seed), then run
# plays them as a live feed; both in the background while serve starts.
live_tmp=$(mktemp -d)
(
    $bin simulate scenarios/caribbean.json --ais "$live_tmp/demo.nmea" --modes "$live_tmp/demo.beast" --seed 7 &&
        exec $bin run --store "sqlite:$live_tmp/live.db" --db "$db" --http "127.0.0.1:$live_port" --speed "$speed" \
            --modes-epoch "$epoch" --port-polygons scenarios/caribbean-ports.geojson \
            --geofence scenarios/caribbean-zones.geojson "$live_tmp/demo.nmea" "$live_tmp/demo.beast"
) >"$out/live-events.jsonl" 2>"$out/live.log" &
live_pid=$!
trap 'kill "$live_pid" 2>/dev/null; pkill -P "$live_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$live_tmp"' EXIT INT TERM
$bin serve --store "sqlite:$db" --http "127.0.0.1:$port"

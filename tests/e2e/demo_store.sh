# tests/e2e/demo_store.sh: sourced by tests/sh/web_investigate.sh and
# web_desk.sh (not a test of its own): the demo store the browser tests read,
# scenarios/caribbean.json simulated (seed 7), the demo watchlist imported,
# AIS and Beast ingested with the demo's port polygons and zones. Built once
# per binary, scenario and this file (test-data/, minutes on a shared
# machine) and reused; sets db. Needs bin, root, build; exits the test on
# failure with a "not ok" line.
# The demo store, keyed by what makes it: the binary, the scenario, the
# watchlist, the port polygons and zones, and this script.
key=$(cat "$bin" "$root"/scenarios/caribbean* "$root/tests/e2e/demo_store.sh" | sha256sum | cut -c1-16)
data="$build/test-data/demo_store-$key"
db="$data/store.db"
if [ ! -f "$data/complete" ]; then
    rm -rf "$build"/test-data/demo_store-* "$build"/test-data/web_investigate-*
    mkdir -p "$data"
    echo "# building the demo store in $data"
    # Each step bounded: a hang fails the test instead of holding the suite.
    timeout 1200 "$bin" simulate "$root/scenarios/caribbean.json" --ais "$data/demo.nmea" --modes "$data/demo.beast" \
        --truth "$data/demo-truth.jsonl" --seed 7 >"$data/simulate.log" 2>&1 ||
        { echo "not ok - atalaya simulate scenarios/caribbean.json"; cat "$data/simulate.log"; exit 1; }
    "$bin" watchlist --db "$db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >"$data/watchlist.log" 2>&1 ||
        { echo "not ok - atalaya watchlist import the demo watchlist"; cat "$data/watchlist.log"; exit 1; }
    # The Beast counter starts at the receiver's uptime; the truth header says
    # where (as scripts/demo.sh does).
    epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$data/demo-truth.jsonl")
    # ingest runs the detectors and matches the watchlists of the store's own
    # file (where the demo watchlist was just imported); the demo's port
    # polygons and zones as scripts/demo.sh passes them.
    opts=(--modes-epoch "$epoch")
    help=$("$bin" ingest --help 2>&1)
    case "$help" in *--port-polygons*) opts+=(--port-polygons "$root/scenarios/caribbean-ports.geojson") ;; esac
    case "$help" in *--geofence*) opts+=(--geofence "$root/scenarios/caribbean-zones.geojson") ;; esac
    timeout 1800 "$bin" ingest --store "sqlite:$db" "${opts[@]}" "$data/demo.nmea" "$data/demo.beast" >"$data/ingest.log" 2>&1 ||
        { echo "not ok - atalaya ingest ${opts[*]} the demo AIS and Beast"; tail -n 20 "$data/ingest.log"; exit 1; }
    rm -f "$data/demo.nmea" "$data/demo.beast"
    touch "$data/complete"
fi


#!/usr/bin/env bash
# The investigation page in a real browser (tests/e2e/investigate.test.mjs)
# against `atalaya serve --store` on the demo data: scenarios/caribbean.json
# simulated (seed 7), the demo watchlist imported, AIS and Beast ingested
# into a store, then chromium (Debian's, driven by playwright-core from the
# lock file) searches, opens dossiers, follows events to the map, scrubs the
# time slider and exports. Screenshots and the server's log land in the
# build's test-logs/web_investigate/. The store is built once per binary and
# scenario (test-data/, about 5 minutes on a shared machine) and reused.
# Skips (77) only when chromium is missing or `atalaya serve` does not exist.
set -u
root=${ATALAYA_ROOT:-.}
bin=${ATALAYA:?ATALAYA names the binary}
build=${ATALAYA_BUILD:-/tmp}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "# SKIP chromium not found at $chromium (scripts/deps.sh test installs it)"
    exit 77
fi
if ! "$bin" serve --help >/dev/null 2>&1; then
    if "$bin" serve --help 2>&1 | grep -q "unknown command"; then
        echo "# SKIP atalaya has no serve command yet (the store-backed API, branch h-web)"
        exit 77
    fi
    echo "not ok - atalaya serve --help"
    exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "not ok - node and npm are installed (scripts/deps.sh test)"
    exit 1
fi
e2e="$root/tests/e2e"
if [ ! -d "$e2e/node_modules/playwright-core" ]; then
    # The lock file pins playwright-core; it never downloads a browser.
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
        { echo "not ok - npm ci installs playwright-core"; exit 1; }
fi

# The demo store, keyed by what makes it: the binary, the scenario, the
# watchlist, the port polygons and zones, and this script.
key=$(cat "$bin" "$root"/scenarios/caribbean* "$0" | sha256sum | cut -c1-16)
data="$build/test-data/web_investigate-$key"
db="$data/store.db"
if [ ! -f "$data/complete" ]; then
    rm -rf "$build"/test-data/web_investigate-*
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

logs="$build/test-logs"
mkdir -p "$logs"
export ATALAYA_ARTEFACTS="$logs/web_investigate" ATALAYA_SERVER_LOG="$logs/web_investigate.server.log" CHROMIUM="$chromium"
exec timeout 300 python3 "$e2e/store_server.py" "$bin" "sqlite:$db" -- node "$e2e/investigate.test.mjs"

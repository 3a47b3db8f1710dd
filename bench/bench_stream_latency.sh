#!/usr/bin/env bash
# bench_stream_latency.sh ATALAYA [PROBES]: end-to-end latency of the
# scale-out deployment (docs/deploy.md), live: a receiver (`run --publish`,
# an NMEA TCP input), two stream workers (`ingest --from`) into PostgreSQL,
# and an API server (`serve --store postgresql://...`), on 127.0.0.1 with a
# throw-away nats-server and PostgreSQL. Background traffic of 200 vessels
# reporting every 2 s with the wall clock as their time (as a live coast
# station's feed), and every 0.5 s one position of a watchlisted vessel
# never heard before (a probe). Printed: latency from a probe's send to the
# receiver until its watchlist alert is pushed on serve's /api/v1/stream,
# p50 and p99, for the workers' default reorder window (10 s: messages wait
# that long in event time for a slower receiver's) and for a 1 s one. The
# design's parts: the window, a commit a second, serve's poll a second.
set -eu
atalaya=${1:?usage: bench_stream_latency.sh ATALAYA [PROBES]}
probes=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
ATALAYA=$atalaya ATALAYA_ROOT=$root
. "$root/tests/sh/pg_lib.sh"
. "$root/tests/sh/nats_lib.sh"
pg_start
tmp=$(mktemp -d)
pids=()
cleanup() { set +e; for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; nats_stop; pg_stop; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

{
    echo "kind,name,imo,mmsi,icao24,registration,callsign_prefix,flag,program,note"
    for i in $(seq 0 $((2 * probes - 1))); do echo "vessel,PROBE $i,,$((990000001 + i)),,,,,BENCH,latency probe"; done
} >"$tmp/probes.csv"
"$atalaya" watchlist --db "$tmp/wl.db" import --format csv --list bench "$tmp/probes.csv" >/dev/null 2>&1

round() { # NAME REORDER_MS FIRST_PROBE
    local name=$1 reorder=$2 first=$3 rx http
    # A server of its own: two streams on one server cannot share subjects.
    nats_stop
    nats_start
    trap cleanup EXIT
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$name"
    local store="postgresql://postgres@127.0.0.1:$PG_PORT/$name" url="$NATS_URL?stream=$name&shards=8"
    rx=$(free_port) http=$(free_port)
    "$atalaya" run --input "nmea+listen://127.0.0.1:$rx" --publish "$url" --receiver rx1 --spool "$tmp/spool-$name" \
        --no-detect 2>"$tmp/$name.run.log" &
    pids+=($!)
    for w in w1 w2; do
        "$atalaya" ingest --from "$url" --store "$store" --db "$tmp/wl.db" --worker "$w" --reorder-ms "$reorder" \
            2>"$tmp/$name.$w.log" &
        pids+=($!)
    done
    "$atalaya" serve --store "$store" --http "127.0.0.1:$http" 2>"$tmp/$name.serve.log" &
    pids+=($!)
    # Every unit held (8 shards and the global stage) before the clock starts.
    for _ in $(seq 300); do
        [ "$(cat "$tmp/$name".w?.log | grep -c 'took shard')" -ge 9 ] && break
        sleep 0.1
    done
    python3 - "$rx" "$http" "$probes" "$first" "$reorder" "$root/bench" <<'PY'
import sys, threading, time
sys.path.insert(0, sys.argv[6])
from ais_lines import nmea, position
from live_probe import PROBE_MMSI, connect, watch_alerts
rx, http, probes, first, reorder = (int(a) for a in sys.argv[1:6])

seen, sent = {}, {}
ready = threading.Event()
threading.Thread(target=watch_alerts, args=(http, probes, seen, ready, first), daemon=True).start()
ready.wait()
feed = connect(rx)
lock = threading.Lock()
stop = threading.Event()

def background():
    k = 0
    while not stop.is_set():
        t = int(time.time())
        lines = "".join(nmea(position(244000000 + (k * 100 + j) % 200, 15.0 + j * 0.01, -70.0), t) for j in range(100))
        with lock:
            feed.sendall(lines.encode())
        k += 1
        time.sleep(1.0)

bg = threading.Thread(target=background, daemon=True)
bg.start()
time.sleep(3)
for i in range(first, first + probes):
    line = nmea(position(PROBE_MMSI + i, 15.5, -70.5), int(time.time()))
    with lock:
        feed.sendall(line.encode())
        sent[i] = time.time()
    time.sleep(0.5)
deadline = time.time() + 30 + reorder / 1000
while len(seen) < probes and time.time() < deadline:
    time.sleep(0.2)
stop.set()
lat = sorted(seen[i] - sent[i] for i in seen)
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")
print(f"reorder window {reorder / 1000:g} s: {len(lat)} of {probes} probe alerts on serve's /api/v1/stream; "
      f"latency p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms (receiver -> stream -> worker -> PostgreSQL -> serve)")
PY
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    pids=()
}
round r10 10000 0
round r1 1000 "$probes"

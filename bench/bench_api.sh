#!/usr/bin/env bash
# bench_api.sh ATALAYA [HOURS]: the REST API of `atalaya serve` under load on
# loopback. Builds a store from HOURS (default 6) of the simulated Caribbean
# demo (AIS and Mode S ingested with the demo watchlist and the detectors),
# then measures with wrk (2 threads, 32 connections, 10 s each):
#   /api/v1/entities               the picture at the latest time
#   /api/v1/entities?at=MIDDLE     the picture at another fixed time
#   /api/v1/entities?at=RANDOM     a different moment every request (the time
#                                  slider dragged: never the cached answer)
#   /api/v1/entity/vessel/MMSI     a watched vessel's dossier
#   /api/v1/search?q=DEMO          free-text search
# printing requests/s and latency percentiles, and then the live stream's
# fan-out: 100 concurrent clients of /api/v1/stream for 10 s with a 100 ms
# refresh (messages/s delivered, every client served, drops from /stats).
set -eu
atalaya=${1:?usage: bench_api.sh ATALAYA [HOURS]}
hours=${2:-6}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "bench_api: wrk missing (scripts/deps.sh bench)"; exit 77; }
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

"$atalaya" simulate "$root/scenarios/caribbean.json" --ais "$tmp/d.nmea" --modes "$tmp/d.beast" \
    --truth "$tmp/t.jsonl" --seed 7 --hours "$hours" >/dev/null
"$atalaya" watchlist --db "$tmp/s.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/t.jsonl")
"$atalaya" ingest --quiet --store "sqlite:$tmp/s.db" --db "$tmp/s.db" --modes-epoch "$epoch" "$tmp/d.nmea" "$tmp/d.beast"
read -r rows t0 t1 <<<"$(sqlite3 -separator ' ' "$tmp/s.db" "SELECT count(*), min(t), max(t) FROM position")"
mmsi=$(sqlite3 "$tmp/s.db" "SELECT value FROM watchlist_ident WHERE type='mmsi' ORDER BY value LIMIT 1")
echo "store: $hours h of the demo, $rows positions, $(du -k "$tmp/s.db" | cut -f1) KiB"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() { # PORT [OPTIONS]: starts serve, waits until it listens
    local p=$1; shift
    "$atalaya" serve --store "sqlite:$tmp/s.db" --http "127.0.0.1:$p" "$@" 2>>"$tmp/serve.log" &
    pids+=($!)
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/api/v1/timespan" && return 0; sleep 0.1; done
    echo "bench_api: serve did not start"; cat "$tmp/serve.log"; exit 1
}
p=$(port); serve "$p"
base="http://127.0.0.1:$p"
printf '%-34s %10s %9s %9s %9s %9s %9s\n' endpoint req/s p50 p75 p90 p99 bytes
for path in "/api/v1/entities" "/api/v1/entities?at=$(((t0 + t1) / 2))" "/api/v1/entity/vessel/$mmsi" \
            "/api/v1/search?q=DEMO"; do
    size=$(curl -s "$base$path" | wc -c)
    wrk -t2 -c32 -d10s --latency "$base$path" >"$tmp/wrk.txt"
    awk -v path="${path:0:34}" -v size="$size" '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 } /^ +75%/ { p75 = $2 } /^ +90%/ { p90 = $2 } /^ +99%/ { p99 = $2 }
        /Non-2xx/ { bad = $NF }
        END { printf "%-34s %10s %9s %9s %9s %9s %9s%s\n", path, rps, p50, p75, p90, p99, size,
              bad ? "  NON-2xx: " bad : "" }' "$tmp/wrk.txt"
done
# The slider: a random second of the store's span every request (wrk Lua).
cat >"$tmp/slider.lua" <<LUA
local s0, span = $((t0 / 1000)), $(((t1 - t0) / 1000))
request = function() return wrk.format(nil, "/api/v1/entities?at=" .. (s0 + math.random(0, span)) .. "000") end
LUA
wrk -t2 -c32 -d10s --latency -s "$tmp/slider.lua" "$base" >"$tmp/wrk.txt"
awk '/Requests\/sec/ { rps = $2 } /^ +50%/ { p50 = $2 } /^ +75%/ { p75 = $2 } /^ +90%/ { p90 = $2 }
     /^ +99%/ { p99 = $2 } /Non-2xx/ { bad = $NF }
     END { printf "%-34s %10s %9s %9s %9s %9s %9s%s\n", "/api/v1/entities?at=RANDOM", rps, p50, p75, p90, p99, "~",
           bad ? "  NON-2xx: " bad : "" }' "$tmp/wrk.txt"

p=$(port); serve "$p" --refresh-ms 100
echo "stream fan-out: 100 clients of /api/v1/stream, 10 s, snapshot every 100 ms ($(curl -s "http://127.0.0.1:$p/api/v1/entities" | wc -c) bytes)"
python3 "$root/bench/sse_fanout.py" "http://127.0.0.1:$p/api/v1/stream" 100 10
curl -s "http://127.0.0.1:$p/api/v1/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin)["stream"]; print("server:", json.dumps(s))'

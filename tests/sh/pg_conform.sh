#!/usr/bin/env bash
# Backend conformance: the Caribbean demo (the first ATALAYA_PG_HOURS hours,
# default 12; 0 for all three days) ingested into SQLite and into a
# throw-away PostgreSQL (pg_lib.sh) gives the same rows, byte-identical
# `atalaya query flights|portcalls|events|track|entity|area` output in every
# format, and `atalaya serve` over each answers the API and the page alike.
# A second ingest of the same recordings into PostgreSQL adds no position,
# identity, event or alert (natural keys; events by kind and key).
set -u
root=${ATALAYA_ROOT:-.}
hours=${ATALAYA_PG_HOURS:-12}
. "$root/tests/sh/pg_lib.sh"
pg_start || { echo "not ok - pg_conform: the server did not start"; exit 1; }
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; pg_stop; rm -rf "$tmp"' EXIT
lite="sqlite:$tmp/s.db"

hflag=(); [ "$hours" != 0 ] && hflag=(--hours "$hours")
"$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/demo.nmea" --modes "$tmp/demo.beast" \
    --truth "$tmp/truth.jsonl" --seed 7 "${hflag[@]}" || { echo "not ok - pg_conform: simulate"; exit 1; }
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/truth.jsonl")
# Watchlists and registry in their own file, the same for both stores.
"$ATALAYA" watchlist --db "$tmp/ref.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
ingest() {
    "$ATALAYA" ingest --quiet --store "$1" --db "$tmp/ref.db" --modes-epoch "$epoch" \
        --port-polygons "$root/scenarios/caribbean-ports.geojson" --geofence "$root/scenarios/caribbean-zones.geojson" \
        "$tmp/demo.nmea" "$tmp/demo.beast"
}
ingest "$lite" 2>"$tmp/err.s" || { echo "not ok - pg_conform: ingest into SQLite"; cat "$tmp/err.s"; exit 1; }
if ingest "$PG_URL" 2>"$tmp/err.p"; then echo "ok - ingest into PostgreSQL"
else echo "not ok - ingest into PostgreSQL"; cat "$tmp/err.p"; exit 1; fi

counts_s=$(for t in position identity event event_entity alert; do sqlite3 "$tmp/s.db" "SELECT count(*) FROM $t"; done | tr '\n' ' ')
counts_p=$(for t in position identity event event_entity alert; do pg_psql "SELECT count(*) FROM $t"; done | tr '\n' ' ')
if [ "$counts_s" = "$counts_p" ] && [ "${counts_s%% *}" -gt 1000 ]; then
    echo "ok - same rows in both stores (positions identities events event-entities alerts: $counts_s)"
else echo "not ok - rows differ: SQLite $counts_s, PostgreSQL $counts_p"; fi

# Entities to ask about: the busiest vessel and aircraft, an entity of an event.
mmsi=$(sqlite3 "$tmp/s.db" "SELECT id FROM position WHERE kind=1 GROUP BY id ORDER BY count(*) DESC, id LIMIT 1")
icao=$(sqlite3 "$tmp/s.db" "SELECT printf('%06x', id) FROM position WHERE kind=2 GROUP BY id ORDER BY count(*) DESC, id LIMIT 1")
evm=$(sqlite3 "$tmp/s.db" "SELECT id FROM event_entity WHERE kind=1 ORDER BY event LIMIT 1")
n=0 same=0
while IFS= read -r q; do
    [ -n "$q" ] || continue
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$ATALAYA" query --store "$lite" $q >"$tmp/q.s" 2>&1; rs=$?
    # shellcheck disable=SC2086
    "$ATALAYA" query --store "$PG_URL" $q >"$tmp/q.p" 2>&1; rp=$?
    if [ $rs = 0 ] && [ $rp = 0 ] && [ -s "$tmp/q.s" ] && cmp -s "$tmp/q.s" "$tmp/q.p"; then
        same=$((same + 1))
        echo "ok - query $q: same $(wc -c <"$tmp/q.s") bytes"
    else
        echo "not ok - query $q (exit $rs/$rp)"; diff "$tmp/q.s" "$tmp/q.p" | head -n 6
    fi
done <<EOF
flights --operator DQX --arrival-country VE
--format json flights
--format csv flights --callsign DQC401
flights --operator dmx --arrival-country venezuela
--format csv flights --departure TNCA --arrival-country ve
--count flights --operator DMX
portcalls
--format json portcalls
portcalls --country ve
--format json portcalls --imo 1001128
events
--format json events
--format csv events --kind ais_gap,identity_change,encounter
--format json events --entity $evm
--format geojson events --bbox 5,-80,20,-55
--count events
events --state open
--format json events --state closed
--format csv events --state open --kind port_call,geofence_dwell
track $mmsi
--format csv track $mmsi
--format geojson track $icao
--format kml track $icao
entity $mmsi
--format json entity $icao
--format json entity $evm
area -- 10 -70 13 -60
--format csv area -- -30 -75 40 55
--format json --from 2026-01-12T01:00Z --to 2026-01-12T02:30Z area -- 11.5 -69.5 12.5 -68
EOF

# The API and the page, byte for byte, from a server over each store.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # VAR store: VAR gets the base URL (not $(serve ...): its pid must reach the trap)
    local var=$1 port; shift; port=$(free_port)
    "$ATALAYA" serve --store "$1" --http "127.0.0.1:$port" >"$tmp/serve.$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/timespan" && break
        sleep 0.1
    done
    printf -v "$var" 'http://127.0.0.1:%s' "$port"
}
serve bs "$lite"; serve bp "$PG_URL"
mid=$(curl -s "$bs/api/v1/timespan" | python3 -c 'import json,sys; d=json.load(sys.stdin); print((d["from"]+d["to"])//2)' 2>/dev/null)
[ -n "$mid" ] || echo "not ok - serve over SQLite: no timespan"
while IFS= read -r path; do
    [ -n "$path" ] || continue
    cs=$(curl -s -o "$tmp/h.s" -w '%{http_code}' "$bs$path")
    cp=$(curl -s -o "$tmp/h.p" -w '%{http_code}' "$bp$path")
    if [ "$cs" = 200 ] && [ "$cp" = 200 ] && [ -s "$tmp/h.s" ] && cmp -s "$tmp/h.s" "$tmp/h.p"; then
        echo "ok - serve $path: same $(wc -c <"$tmp/h.s") bytes"
    else
        echo "not ok - serve $path (HTTP $cs/$cp)"; diff <(head -c 600 "$tmp/h.s") <(head -c 600 "$tmp/h.p") | head -n 6
    fi
done <<EOF
/
/api/v1/timespan
/api/v1/entities
/api/v1/entities?at=$mid
/api/v1/entities?kind=aircraft&bbox=5,-80,20,-55&at=$mid
/api/v1/entity/vessel/$mmsi
/api/v1/entity/aircraft/$icao
/api/v1/track/vessel/$mmsi
/api/v1/track/aircraft/$icao
/api/v1/events?limit=500
/api/v1/events?state=open
/api/v1/events?state=closed&limit=200
/api/v1/triage
/api/v1/triage?state=open&kind=port_call,geofence_dwell
/api/v1/find?q=DQX
/api/v1/find?q=DEMO
/api/v1/flights
/api/v1/flights?operator=dmx&arrival_country=VE
/api/v1/portcalls
/api/v1/portcalls?country=ve&imo=1001128
/api/v1/alerts
/api/v1/search?q=DEMO
/api/v1/search?q=$mmsi
/api/v1/search?q=$icao
/api/v1/watchlist
EOF

# Both servers stop cleanly (SIGTERM), with nothing in their logs from a
# sanitizer.
for p in "${pids[@]}"; do kill "$p"; wait "$p"; echo "exit $?"; done >"$tmp/exits"
pids=()
if ! grep -qv '^exit 0$' "$tmp/exits" && ! grep -qE 'Sanitizer|runtime error' "$tmp"/serve.*.log; then
    echo "ok - both servers exit cleanly"
else echo "not ok - a server: $(tr '\n' ' ' <"$tmp/exits")"; cat "$tmp"/serve.*.log | head -n 20; fi

# Natural keys: the same recordings again add no position, identity, event or alert.
ingest "$PG_URL" 2>>"$tmp/err.p"
again=$(for t in position identity event alert; do pg_psql "SELECT count(*) FROM $t"; done | tr '\n' ' ')
want=$(echo "$counts_p" | awk '{print $1, $2, $3, $5}')
if [ "$(echo $again)" = "$want" ]; then echo "ok - a second ingest of the same recordings adds no position, identity, event or alert ($want)"
else echo "not ok - after a second ingest: positions identities events alerts $again, were $want"; fi

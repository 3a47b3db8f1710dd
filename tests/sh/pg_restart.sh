#!/usr/bin/env bash
# PostgreSQL restarted under a running ingest: the writer reconnects, sends
# its open batch again, and ends with the same rows and the same query
# answers as an ingest into SQLite of the same recordings: nothing lost,
# nothing doubled. The first 6 hours of the Caribbean demo; the server is
# stopped (fast: every connection cut) once rows are arriving and started
# again two seconds later on the same port.
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/pg_lib.sh"
pg_start || { echo "not ok - pg_restart: the server did not start"; exit 1; }
tmp=$(mktemp -d)
ingest_pid=
trap '[ -n "$ingest_pid" ] && kill "$ingest_pid" 2>/dev/null; pg_stop; rm -rf "$tmp"' EXIT

"$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/demo.nmea" --modes "$tmp/demo.beast" \
    --truth "$tmp/truth.jsonl" --seed 7 --hours 6 || { echo "not ok - pg_restart: simulate"; exit 1; }
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/truth.jsonl")
"$ATALAYA" watchlist --db "$tmp/ref.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
ingest() {
    # Small batches: many commits, so the restart falls between and inside them.
    "$ATALAYA" ingest --quiet --batch 500 --store "$1" --db "$tmp/ref.db" --modes-epoch "$epoch" \
        --port-polygons "$root/scenarios/caribbean-ports.geojson" "$tmp/demo.nmea" "$tmp/demo.beast"
}
ingest "sqlite:$tmp/s.db" 2>"$tmp/err.s" || { echo "not ok - pg_restart: ingest into SQLite"; cat "$tmp/err.s"; exit 1; }

ingest "$PG_URL" 2>"$tmp/err.p" &
ingest_pid=$!
before=0
for _ in $(seq 600); do
    before=$(pg_psql "SELECT count(*) FROM position" 2>/dev/null || echo 0)
    [ "${before:-0}" -gt 0 ] && break
    sleep 0.1
done
pg_ctl_ stop -m fast
sleep 2
pg_server_start
wait "$ingest_pid"; rc=$?
ingest_pid=
if [ $rc = 0 ] && [ "${before:-0}" -gt 0 ]; then
    echo "ok - ingest survives a server restart at $before positions"
else
    echo "not ok - ingest across the restart: exit $rc, restart at ${before:-0} positions"; cat "$tmp/err.p"
fi

counts_s=$(for t in position identity event event_entity alert; do sqlite3 "$tmp/s.db" "SELECT count(*) FROM $t"; done | tr '\n' ' ')
counts_p=$(for t in position identity event event_entity alert; do pg_psql "SELECT count(*) FROM $t"; done | tr '\n' ' ')
if [ "$counts_s" = "$counts_p" ]; then echo "ok - the same rows as SQLite after the restart ($counts_s)"
else echo "not ok - rows after the restart: PostgreSQL $counts_p, SQLite $counts_s"; fi
mmsi=$(sqlite3 "$tmp/s.db" "SELECT id FROM position WHERE kind=1 GROUP BY id ORDER BY count(*) DESC, id LIMIT 1")
for q in "--format json events" "--format csv track $mmsi" "--format json entity $mmsi"; do
    # shellcheck disable=SC2086
    "$ATALAYA" query --store "sqlite:$tmp/s.db" $q >"$tmp/q.s" 2>&1
    # shellcheck disable=SC2086
    "$ATALAYA" query --store "$PG_URL" $q >"$tmp/q.p" 2>&1
    if [ -s "$tmp/q.s" ] && cmp -s "$tmp/q.s" "$tmp/q.p"; then echo "ok - query $q after the restart: same"
    else echo "not ok - query $q after the restart"; diff "$tmp/q.s" "$tmp/q.p" | head -n 6; fi
done

# A server whose database is gone still stops on SIGTERM at once: its
# reconnect back-off (up to a minute) gives way to the stop request.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ATALAYA" serve --store "$PG_URL" --http "127.0.0.1:$port" --refresh-ms 200 >"$tmp/serve.log" 2>&1 &
serve_pid=$!
trap '[ -n "$ingest_pid" ] && kill "$ingest_pid" 2>/dev/null; kill -9 "$serve_pid" 2>/dev/null; pg_stop; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/timespan" && break; sleep 0.1; done
pg_ctl_ stop -m fast
curl -s -m 1 -o /dev/null "http://127.0.0.1:$port/api/v1/timespan"
sleep 1
t0=$(date +%s%N)
kill -TERM "$serve_pid"
for _ in $(seq 100); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.1; done
ms=$((($(date +%s%N) - t0) / 1000000))
if ! kill -0 "$serve_pid" 2>/dev/null; then echo "ok - serve stops on SIGTERM in $ms ms with its database gone"
else echo "not ok - serve still running 10 s after SIGTERM with its database gone"; fi

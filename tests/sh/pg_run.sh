#!/usr/bin/env bash
# `run --store postgresql://...` and watchlists kept in PostgreSQL. The
# Caribbean demo's first ATALAYA_PG_RUN_HOURS hours (default 8) with its
# watchlist: once put into a PostgreSQL store through `serve`'s API
# (POST /api/v1/watchlist, the entries GET gives over a SQLite file that
# `watchlist import` filled), a PostgreSQL-only deployment (no --db file)
# raises the same watchlist alerts and events as ingest into SQLite with
# --db; and `run --store postgresql://...` (the store sink, a commit every
# second) pushed the recordings over loopback TCP stores the events and
# positions `ingest --store postgresql://...` of the same files stores; the
# input marks read back from PostgreSQL (`ingest --resume` finds both files
# stored).
# Everything on 127.0.0.1; the server is a throw-away cluster (pg_lib.sh).
set -u
root=$(cd "${ATALAYA_ROOT:-.}" && pwd)
hours=${ATALAYA_PG_RUN_HOURS:-8}
. "$root/tests/sh/pg_lib.sh"
pg_start || { echo "not ok - pg_run: the server did not start"; exit 1; }
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; pg_stop; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pg_psql "CREATE DATABASE live" || { echo "not ok - pg_run: second database"; exit 1; }
url_i=$PG_URL url_r=${PG_URL%/*}/live

"$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais demo.nmea --modes demo.beast --truth truth.jsonl \
    --seed 7 --hours "$hours" || { echo "not ok - pg_run: simulate"; exit 1; }
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' truth.jsonl)
"$ATALAYA" watchlist --db ref.db import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
opts=(--modes-epoch "$epoch" --port-polygons "$root/scenarios/caribbean-ports.geojson"
      --geofence "$root/scenarios/caribbean-zones.geojson")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
serve() { # VAR store [token]: VAR gets the base URL (not $(serve ...): its pid must reach the trap)
    local var=$1 port; shift; port=$(free_port)
    "$ATALAYA" serve --store "$1" --http "127.0.0.1:$port" ${2:+--write-token "$2"} >"serve.$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/timespan" && break
        sleep 0.1
    done
    printf -v "$var" 'http://127.0.0.1:%s' "$port"
}
stop_servers() { for p in "${pids[@]}"; do kill "$p"; wait "$p" 2>/dev/null; done; pids=(); }

# The watchlist as the API gives it over the SQLite file, posted into both
# PostgreSQL databases.
token=pg-run-test-token-0123456789
serve bs sqlite:ref.db; serve bi "$url_i" "$token"; serve br "$url_r" "$token"
curl -s "$bs/api/v1/watchlist" >wl.json
posted=$(python3 - "$bi" "$br" "$token" <<'PY'
import json, sys, urllib.request
entries = json.load(open("wl.json"))["entries"]
ok = 0
for base in sys.argv[1:3]:
    for e in entries:
        e = {k: v for k, v in e.items() if k != "id"}
        req = urllib.request.Request(base + "/api/v1/watchlist", data=json.dumps(e).encode(), method="POST",
                                     headers={"Authorization": "Bearer " + sys.argv[3],
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req) as r:
                ok += r.status in (200, 201)
        except Exception as x:
            print("#", x, file=sys.stderr)
print(ok, 2 * len(entries))
PY
)
curl -s "$bi/api/v1/watchlist" | python3 -c 'import json,sys; [print(json.dumps({k:v for k,v in e.items() if k!="id"},sort_keys=True)) for e in json.load(sys.stdin)["entries"]]' >wl.p
python3 -c 'import json,sys; [print(json.dumps({k:v for k,v in e.items() if k!="id"},sort_keys=True)) for e in json.load(open("wl.json"))["entries"]]' >wl.s
stop_servers
set -- $posted
if [ "${2:-0}" -gt 0 ] && [ "$1" = "$2" ] && cmp -s wl.s wl.p; then
    echo "ok - the watchlist put into PostgreSQL through the API ($(wc -l <wl.s) entries, as over SQLite)"
else echo "not ok - watchlist into PostgreSQL: posted $posted"; diff wl.s wl.p | head -n 4; fi

# A PostgreSQL-only ingest (no --db) against SQLite with --db: same events, alerts among them.
"$ATALAYA" ingest --quiet --store sqlite:s.db --db ref.db "${opts[@]}" demo.nmea demo.beast 2>err.s ||
    { echo "not ok - pg_run: ingest into SQLite"; cat err.s; exit 1; }
if "$ATALAYA" ingest --quiet --store "$url_i" "${opts[@]}" demo.nmea demo.beast 2>err.i; then
    echo "ok - ingest into PostgreSQL with its own watchlists"
else echo "not ok - ingest into PostgreSQL"; cat err.i; exit 1; fi
"$ATALAYA" query --store sqlite:s.db --format json events >ev.s
"$ATALAYA" query --store "$url_i" --format json events >ev.i
alerts_s=$(sqlite3 s.db "SELECT count(*) FROM alert")
alerts_i=$(pg_psql "SELECT count(*) FROM alert")
if [ "$alerts_s" -gt 0 ] && [ "$alerts_s" = "$alerts_i" ] && cmp -s ev.s ev.i; then
    echo "ok - watchlists from the PostgreSQL store: the same $alerts_i alerts and $(wc -l <ev.i) events, byte for byte"
else echo "not ok - alerts SQLite $alerts_s, PostgreSQL $alerts_i"; diff ev.s ev.i | head -n 4; fi

# Resumable ingest: the marks went in with the rows, so --resume after a
# complete ingest writes nothing.
n0=$(pg_psql "SELECT count(*) FROM position")
"$ATALAYA" ingest --store "$url_i" --resume "${opts[@]}" demo.nmea demo.beast 2>resume.err
n1=$(pg_psql "SELECT count(*) FROM position")
if [ "$(grep -c 'already$' resume.err)" = 2 ] && [ "$n0" = "$n1" ]; then
    echo "ok - ingest --resume on PostgreSQL: both files found stored already, no row added ($n1)"
else echo "not ok - ingest --resume on PostgreSQL: positions $n0 -> $n1"; grep -v 'already$' resume.err | tail -3; fi

# run --store postgresql:// and run --store sqlite:, the recordings pushed
# over loopback TCP in random chunks until the feeders hang up, against
# ingest of the same files. (run keeps one fix fewer than ingest on this
# recording, with either store: the positions are compared run to run.)
live() { # store name
    local p1 p2 pid rc
    p1=$(free_port) p2=$(free_port)
    "$ATALAYA" run --input "nmea+listen://127.0.0.1:$p1" --input "beast+listen://127.0.0.1:$p2" \
        --store "$1" "${opts[@]}" --end-with-feeds >"run.$2.out" 2>"run.$2.err" &
    pid=$!; pids+=($pid)
    timeout 300 python3 "$root/tests/tools/push_feeds.py" "$p1=demo.nmea" "$p2=demo.beast" --seed=5 --max-chunk=8192
    if ! timeout 120 tail --pid="$pid" -f /dev/null; then echo "not ok - run ($2) did not end with its feeds"; fi
    wait "$pid"; rc=$?; pids=()
    [ "$rc" -eq 0 ] && echo "ok - run --store $2 ends with its feeds" ||
        { echo "not ok - run ($2) exit status $rc"; sed 's/^/# /' "run.$2.err" | tail -5; }
}
live "$url_r" postgresql
"$ATALAYA" query --store "$url_r" --format json events >ev.r
python3 "$root/tests/tools/events_diff.py" ev.i ev.r "run --store postgresql:// stores the events ingest --store postgresql:// stores"
live sqlite:live.db sqlite
n_r=$(PG_DB=live pg_psql "SELECT count(*) FROM position")
n_s=$(sqlite3 live.db "SELECT count(*) FROM position")
a_r=$(PG_DB=live pg_psql "SELECT count(*) FROM alert")
if [ -n "$n_r" ] && [ "$n_r" -gt 1000 ] && [ "$n_s" = "$n_r" ] && [ "$a_r" = "$alerts_i" ]; then
    echo "ok - run stores the same positions into PostgreSQL as into SQLite ($n_r), and ingest's $a_r alerts"
else echo "not ok - run's positions PostgreSQL $n_r, SQLite $n_s; alerts ingest $alerts_i, run $a_r"; fi

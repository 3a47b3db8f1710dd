#!/usr/bin/env bash
# Restart continuity on the Caribbean demo (scenarios/caribbean.json, AIS):
# `run --store` takes the first part of the recording over loopback TCP, is
# killed (kill -9) once it has committed it, and is started again on the
# same store with the rest. Before a byte of the rest arrives, the restarted
# run's live picture (/data/vessels.json, what the page reads) already shows
# the ships the killed run showed; and at the end the store holds exactly
# the events `ingest` of the whole recording stores (every kind, state,
# start, end and field): the dark gaps across the cut (one open at the cut,
# one of a ship heard two hours before the cut that goes dark after it, and
# reappears under another MMSI), the port calls, geofence visits and
# loitering in progress at the cut are neither split nor lost, because the
# detectors' state comes back from the store's checkpoint (docs/pipeline.md,
# "Restart"). ATALAYA_RESTART_CUT (UTC, default 2026-01-12T23:00:00) moves
# the cut; ATALAYA_RESTART_HOURS takes only the demo's first hours (the
# sanitizer pass: 30). ATALAYA_RESTART_STORE: the store run writes (default
# sqlite:live.db; pg_run_restart_demo.sh gives a PostgreSQL URL, the
# watchlist then from live.db, and RESTART_COUNT_SQL a command that prints
# the rows of an SQL count). Everything on 127.0.0.1.
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/restart_lib.sh"
"$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais demo.nmea --seed 7 ${ATALAYA_RESTART_HOURS:+--hours "$ATALAYA_RESTART_HOURS"} 2>sim.err ||
    { echo "not ok - simulate the Caribbean demo"; sed 's/^/# /' sim.err; exit 1; }
for db in ref.db live.db; do
    "$ATALAYA" watchlist --db "$db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" 2>/dev/null
done
# One feed, and no duplicate filter: pushed at wire speed, copies are judged by arrival
# (pipeline.c), which no recording replays alike.
opts=("${wl[@]}" --dedupe-ms 0 --port-polygons "$root/scenarios/caribbean-ports.geojson" --geofence "$root/scenarios/caribbean-zones.geojson")
"$ATALAYA" ingest --quiet --store sqlite:ref.db --dedupe-ms 0 --port-polygons "$root/scenarios/caribbean-ports.geojson" \
    --geofence "$root/scenarios/caribbean-zones.geojson" demo.nmea
"$ATALAYA" query --store sqlite:ref.db --format json events >ref.json
cut=$(utc_seconds "${ATALAYA_RESTART_CUT:-2026-01-12T23:00:00}")
split_at "$cut" demo.nmea
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# push PORT FILE HTTP_PORT: sends the file, then waits until the run has
# taken every message (its AIS counter stops moving) and committed (1 s).
push() {
    python3 - "$@" <<'PY'
import json, socket, sys, time, urllib.request
port, path, http = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for _ in range(200):
    try:
        s = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.05)
s.sendall(open(path, "rb").read())
def ais():
    with urllib.request.urlopen(f"http://127.0.0.1:{http}/api/v1/stats", timeout=10) as r:
        return json.loads(r.read())["tracker"]["updates_ais"]
last, still = -1, 0
while still < 8:
    time.sleep(0.25)
    n = ais()
    still = still + 1 if n == last else 0
    last = n
time.sleep(2.5)
PY
}
wait_http() {
    python3 - "$1" <<'PY'
import sys, time, urllib.request
for _ in range(400):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/stats", timeout=5).read(); break
    except OSError:
        time.sleep(0.05)
PY
}
vessels() { python3 -c 'import json,sys,time,urllib.request
u = f"http://127.0.0.1:{sys.argv[1]}/data/vessels.json"
# The first read after a pause gets the last version rendered, and starts the rendering again (docs/memory.md).
urllib.request.urlopen(u, timeout=10).read(); time.sleep(2.5)
print(len(json.loads(urllib.request.urlopen(u, timeout=10).read())["vessels"]))' "$1"; }

p_in=$(free_port) p_http=$(free_port)
"$ATALAYA" run --input "nmea+listen://127.0.0.1:$p_in" --http "127.0.0.1:$p_http" --store "$live" "${opts[@]}" \
    >run1.out 2>run1.err &
pid=$!
wait_http "$p_http"
push "$p_in" part1.nmea "$p_http"
before=$(vessels "$p_http")
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
if [ "$live" = sqlite:live.db ]; then
    records=$(python3 -c 'import sqlite3; print(sqlite3.connect("live.db").execute("select count(*) from det_state").fetchone()[0])')
else
    records=$($RESTART_COUNT_SQL "select count(*) from det_state")
fi
if [ "${records:-0}" -gt 0 ]; then
    echo "ok - the killed run left a detector checkpoint ($records records)"
else
    echo "not ok - no detector checkpoint in the store ($records)"
fi

p_in=$(free_port) p_http=$(free_port)
"$ATALAYA" run --input "nmea+listen://127.0.0.1:$p_in" --http "127.0.0.1:$p_http" --store "$live" "${opts[@]}" \
    --end-with-feeds >run2.out 2>run2.err &
pid=$!
wait_http "$p_http"
after=$(vessels "$p_http")
if [ -n "$before" ] && [ "$before" -gt 0 ] && [ "$after" = "$before" ]; then
    echo "ok - the restarted run shows the killed run's $after ships before any message arrives"
else
    echo "not ok - ships on the live page: $before before the kill, $after after the restart"
fi
grep -h "restored\|open events" run2.err | sed 's/^/# /'
push "$p_in" part2.nmea "$p_http"
if ! timeout 120 tail --pid="$pid" -f /dev/null; then echo "not ok - run did not end with its feed"; fi
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || { echo "not ok - second run exit status $rc"; sed 's/^/# /' run2.err | tail -3; }
"$ATALAYA" query --store "$live" --format json events >live.json
python3 "$root/tests/tools/events_diff.py" ref.json live.json \
    "killed at the cut and restarted, run stores the events ingest of the whole recording stores"
python3 - "$cut" <<'PY'
import json, sys
cut = int(sys.argv[1]) * 1000
def load(p):
    return [json.loads(l) for l in open(p)]
def across(evs, kinds):
    return sorted((e["event"], e["key"], e["state"], e["t_start_ms"], e["t_end_ms"]) for e in evs
                  if e["event"] in kinds and e["t_start_ms"] < cut < e["t_end_ms"])
for kinds, what in ((("ais_gap",), "dark gaps"), (("port_call", "geofence_dwell", "geofence_exit"), "port calls and geofence visits"),
                    (("loitering", "encounter"), "loitering and meetings")):
    a, b = across(load("ref.json"), kinds), across(load("live.json"), kinds)
    print(("ok" if a == b and a else "not ok") + f" - {what} across the cut are ingest's ({len(b)} vs {len(a)})")
PY

#!/usr/bin/env bash
# Restart without loss: `run --store` is killed (kill -9) while a vessel of
# the levant hold-out is dark, its gap already raised open by the clock, and
# started again on the same store with the rest of the recording. The gap is
# stored once, with its true start and end, as `ingest` of the whole file
# stores it; no event and no watchlist alert is stored twice; every event that
# had closed before the kill is stored as ingest stores it. Loopback only.
# ATALAYA_RESTART_STORE: the store run writes (default sqlite:live.db;
# pg_run_restart.sh gives a PostgreSQL URL, the watchlist then from live.db).
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/restart_lib.sh"
"$ATALAYA" simulate "$root/tests/scenarios/levant.json" --ais a.nmea --modes m.beast --truth t.jsonl --seed 23 \
    2>/dev/null || { echo "not ok - simulate"; exit 1; }
# The dark vessel and one heard on both sides of the restart are on a watchlist.
printf 'kind,name,imo,mmsi,icao24,registration,callsign_prefix,flag,program,note\nvessel,DARK ONE,,538990501,,,,,TEST,restart test\nvessel,HEARD THROUGH,,209990504,,,,,TEST,restart test\n' >wl.csv
for db in ref.db live.db; do "$ATALAYA" watchlist --db "$db" import --format csv --list t wl.csv 2>/dev/null; done
"$ATALAYA" ingest --quiet --store sqlite:ref.db a.nmea
# 538990501 goes dark at 05:59:57 on 2026-04-06 and is heard again at 19:02:20;
# cut at 14:00, when the gap is open (raised at 12:00 by the pipeline's clock).
cut=$(utc_seconds 2026-04-06T14:00:00)
split_at "$cut" a.nmea
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ATALAYA" run --input "nmea+listen://127.0.0.1:$port" --store "$live" "${wl[@]}" >run1.out 2>run1.err &
pid=$!
python3 - "$port" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", port)); break
    except OSError:
        time.sleep(0.05)
s.sendall(open("part1.nmea", "rb").read())
time.sleep(3)  # read and committed (the store commits every second)
PY
open_before=$("$ATALAYA" query --store "$live" --format json events --kind ais_gap --state open 2>/dev/null | grep -c 538990501)
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=
if [ "$open_before" = 1 ]; then
    echo "ok - before the kill, the dark vessel's gap is stored open"
else
    echo "not ok - open gap before the kill: $open_before"
fi
"$ATALAYA" run --store "$live" "${wl[@]}" part2.nmea >run2.out 2>run2.err
rc=$?
[ "$rc" -eq 0 ] || { echo "not ok - second run exit status $rc"; sed 's/^/# /' run2.err | tail -3; }
grep -q "open events in the store" run2.err && echo "ok - the second run picked up the open events: $(grep 'open events' run2.err | sed 's/.*run: //')" ||
    echo "not ok - the second run did not report picking up open events"
"$ATALAYA" query --store sqlite:ref.db --format json events >ref.json
"$ATALAYA" query --store "$live" --format json events >live.json
python3 - "$cut" <<'PY'
import json, sys
cut_ms = int(sys.argv[1]) * 1000
def load(p):
    return [json.loads(l) for l in open(p)]
ref, live = load("ref.json"), load("live.json")
def gaps(evs):
    return [e for e in evs if e["event"] == "ais_gap" and any(x.get("mmsi") == 538990501 for x in e["entities"])]
g_ref, g_live = gaps(ref), gaps(live)
same = len(g_live) == 1 and len(g_ref) == 1 and all(
    g_live[0][k] == g_ref[0][k] for k in ("state", "key", "t_start_ms", "t_end_ms", "class", "lat", "lon"))
print(("ok" if same else "not ok") +
      f" - the gap across the restart is stored once, closed, with ingest's start, end and class "
      f"({[(g['state'], g['start'], g['end']) for g in g_live]} vs {[(g['state'], g['start'], g['end']) for g in g_ref]})")
keys = [(e["event"], e["key"]) for e in live]
dup = len(keys) - len(set(keys))
def who(e):
    return tuple(sorted(str(x.get("mmsi") or x.get("icao")) for x in e["entities"]))
starts = [(e["event"], who(e), e["t_start_ms"]) for e in live]
dup2 = len(starts) - len(set(starts))
print(("ok" if dup == 0 and dup2 == 0 else "not ok") + f" - no event stored twice ({len(live)} events; {dup} repeated keys, {dup2} repeated starts)")
def sightings(evs):
    return sorted((e["key"], e["t_start_ms"]) for e in evs if e["event"] == "watchlist_sighting")
s_ref, s_live = sightings(ref), sightings(live)
# Seen again after 6 h unheard is a new sighting (watch.h); a restart is not.
print(("ok" if s_ref == s_live and s_live else "not ok") +
      f" - the watched vessels' sighting alerts are ingest's, none raised by the restart ({len(s_live)} vs {len(s_ref)})")
def closed_before(evs):
    return {json.dumps({k: v for k, v in e.items() if k != "id"}, sort_keys=True)
            for e in evs if e["state"] == "closed" and e["t_end_ms"] < cut_ms - 3600 * 1000 and not e.get("alert")}
a, b = closed_before(ref), closed_before(live)
print(("ok" if a == b and a else "not ok") + f" - the {len(b)} events closed before the kill are ingest's ({len(a)})")
PY

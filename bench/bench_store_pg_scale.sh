#!/usr/bin/env bash
# bench_store_pg_scale.sh ATALAYA [POSITIONS [DAYS]]: `query flights
# --operator DQX --arrival-country VE` over a PostgreSQL store of POSITIONS
# positions (default 100 M) and DAYS days of events (default: as many as the
# positions make, 438 for 100 M).
# The 72-hour Caribbean demo is ingested once (about 685,000 positions and
# the flights, port calls and other events the detectors find in it); the
# store is then grown by copies of those three days laid end to end in time
# (positions in new day partitions, events with their own keys and entity
# rows), as a deployment that has kept a year of such traffic would hold.
# With DAYS beyond what POSITIONS make, the later copies hold events only:
# the flights query reads events, not positions, so 14 months of events
# over a few million positions measure it in minutes, where the 100 M
# positions take tens of minutes and 40 GB.
# Every copy's flights match the query too, so the answer grows with the
# store: the figure is the whole command (process start, connection, query,
# printing), the median of 11, with and without a one-week window (--from,
# --to), each with the plan the server ran (auto_explain, EXPLAIN ANALYZE's
# form). The store's bytes per position are printed beside.
# ATALAYA_SCALE_THEN=BIN measures again with another build on the same store,
# after the first: its first command applies its newer migrations, as on a
# deployment's existing database (the store is made by ATALAYA).
# Loading 100 M positions takes tens of minutes on a 2-core machine (the
# GiST index on the point dominates); the disk needs about 40 GB.
set -eu
atalaya=${1:?usage: bench_store_pg_scale.sh ATALAYA [POSITIONS [DAYS]]}
target=${2:-100000000}
days=${3:-0}
then=${ATALAYA_SCALE_THEN:-}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/pg_demo_lib.sh"
span=$((72 * 3600 * 1000))

demo
t0=$(now)
"$atalaya" ingest --quiet --store "$PG_URL" --db "$tmp/ref.db" --modes-epoch "$epoch" \
    --port-polygons "$root/scenarios/caribbean-ports.geojson" "$tmp/demo.nmea" "$tmp/demo.beast"
echo "demo ingested in $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"
base=$(pg_psql "SELECT count(*) FROM position")
tmin=$(pg_psql "SELECT min(t) FROM position")
maxrid=$(pg_psql "SELECT max(rid) FROM event")
pcopies=$(( (target + base - 1) / base ))
copies=$pcopies
[ "$days" = 0 ] || copies=$(( (days + 2) / 3 ))
[ "$pcopies" -le "$copies" ] || pcopies=$copies
echo "demo: $base positions, $(pg_psql "SELECT count(*) FROM event") events; $copies copies of 72 h" \
     "($pcopies with positions) to reach $target positions${3:+ and $days days}"

# Copy k: the demo's rows shifted by k * 72 h; event keys made distinct by
# their top bits (event_key is unique on (kind, ekey)).
t0=$(now)
for k in $(seq 1 $((copies - 1))); do
    shift_ms=$((k * span))
    if [ "$k" -lt "$pcopies" ]; then
        d0=$(( (tmin + shift_ms) / 86400000 )) d1=$(( (tmin + shift_ms + span) / 86400000 + 1 ))
        for d in $(seq "$d0" "$d1"); do
            pg_psql "SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS position_d$d PARTITION OF position
                     FOR VALUES FROM ($((d * 86400000))) TO ($(((d + 1) * 86400000)))"
        done
        pg_psql "INSERT INTO position(t, id, kind, pos, alt, speed, course, source)
                 SELECT t + $shift_ms, id, kind, pos, alt, speed, course, source FROM position
                 WHERE t < $((tmin + span))"
    fi
    pg_psql "INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence, state, ekey, alert)
             SELECT kind, t_start + $shift_ms, t_end + $shift_ms, entities, lat, lon, details, evidence, state,
                    ekey # ($k::bigint << 52), alert FROM event WHERE rid <= $maxrid;
             INSERT INTO event_entity(event, n, kind, id, role)
             SELECT e2.rid, ee.n, ee.kind, ee.id, ee.role FROM event e1 JOIN event_entity ee ON ee.event = e1.rid
             JOIN event e2 ON e2.kind = e1.kind AND e2.ekey = e1.ekey # ($k::bigint << 52) WHERE e1.rid <= $maxrid"
    if [ $((k % 10)) = 0 ]; then
        echo "copy $k/$((copies - 1)): $(( (k < pcopies ? k + 1 : pcopies) * base )) positions, $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"
    fi
done
pg_psql "UPDATE position_top SET tmax = (SELECT max(t) FROM position WHERE t >= $(( tmin + (pcopies - 1) * span )))"
pg_psql "VACUUM ANALYZE"
npos=$(pg_psql "SELECT count(*) FROM position")
bytes=$(pg_psql "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent='position'::regclass")
nev=$(pg_psql "SELECT count(*) FROM event")
echo "store: $npos positions ($(echo "$bytes / $npos" | bc -l | xargs printf '%.1f') B/position, $((bytes / 1024 / 1024 / 1024)) GiB), $nev events; loaded in $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"

# The plan of the query's event statement, as the server ran it: auto_explain
# logs every statement of one more run, and the one reading event is printed.
plan() { # BIN ARGS...
    local bin=$1 mark; shift
    mark=$(wc -l <"$PG_TMP/log")
    PGOPTIONS='-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0
               -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on' \
        "$bin" query --store "$PG_URL" "$@" >/dev/null
    tail -n +"$((mark + 1))" "$PG_TMP/log" |
        awk '/^[0-9][0-9][0-9][0-9]-/ { keep = 0; next } /Query Text: SELECT rid, kind/ { keep = 1 }
             keep { print "    " $0 }'
}
week0=$(( (tmin + (copies / 2) * span) / 1000 )) week1=$(( (tmin + (copies / 2) * span) / 1000 + 7 * 86400 ))
since=$(date -u -d "@$week0" +%Y-%m-%dT%H:%M:%SZ) until=$(date -u -d "@$week1" +%Y-%m-%dT%H:%M:%SZ)
q=(flights --operator DQX --arrival-country VE)
measure() { # BIN
    local bin=$1 n_all n_week
    n_all=$("$bin" query --store "$PG_URL" --format csv "${q[@]}" | tail -n +2 | wc -l)
    n_week=$("$bin" query --store "$PG_URL" --format csv "${q[@]}" --from "$since" --to "$until" | tail -n +2 | wc -l)
    echo "$bin (schema $(pg_psql "SELECT max(version) FROM atalaya_schema")):"
    printf '  query %s over %d positions, %d events: %.1f ms (%d flights)\n' "${q[*]}" "$npos" "$nev" \
        "$(median_ms "$bin" query --store "$PG_URL" "${q[@]}")" "$n_all"
    plan "$bin" "${q[@]}"
    printf '  the same within one week (%s .. %s): %.1f ms (%d flights)\n' "$since" "$until" \
        "$(median_ms "$bin" query --store "$PG_URL" "${q[@]}" --from "$since" --to "$until")" "$n_week"
    plan "$bin" "${q[@]}" --from "$since" --to "$until"
}
measure "$atalaya"
if [ -n "$then" ]; then
    t0=$(now)
    "$then" query --store "$PG_URL" --count events >/dev/null
    echo "$then opened the store (its migrations applied) in $(echo "$(now) - $t0" | bc | xargs printf '%.1f') s"
    measure "$then"
fi

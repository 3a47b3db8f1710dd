#!/usr/bin/env bash
# bench_store_pg_scale.sh ATALAYA [POSITIONS]: `query flights --operator DQX
# --arrival-country VE` over a PostgreSQL store of POSITIONS positions
# (default 100 M), and the same over SQLite at the same size when
# ATALAYA_SCALE_SQLITE=1.
# The 72-hour Caribbean demo is ingested once (about 685,000 positions and
# the flights, port calls and other events the detectors find in it); the
# store is then grown by copies of those three days laid end to end in time
# (positions in new day partitions, events with their own keys and entity
# rows), as a deployment that has kept a year of such traffic would hold.
# Every copy's flights match the query too, so the answer grows with the
# store: the figure is the whole command (process start, connection, query,
# printing), the median of 11, with and without a one-week window (--from,
# --to). The store's bytes per position are printed beside.
# Loading 100 M positions takes tens of minutes on a 2-core machine (the
# GiST index on the point dominates); the disk needs about 40 GB.
set -eu
atalaya=${1:?usage: bench_store_pg_scale.sh ATALAYA [POSITIONS]}
target=${2:-100000000}
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
copies=$(( (target + base - 1) / base ))
echo "demo: $base positions, $(pg_psql "SELECT count(*) FROM event") events; $copies copies of 72 h to reach $target"

# Copy k: the demo's rows shifted by k * 72 h; event keys made distinct by
# their top bits (event_key is unique on (kind, ekey)).
t0=$(now)
for k in $(seq 1 $((copies - 1))); do
    shift_ms=$((k * span))
    d0=$(( (tmin + shift_ms) / 86400000 )) d1=$(( (tmin + shift_ms + span) / 86400000 + 1 ))
    for d in $(seq "$d0" "$d1"); do
        pg_psql "SET client_min_messages = warning; CREATE TABLE IF NOT EXISTS position_d$d PARTITION OF position
                 FOR VALUES FROM ($((d * 86400000))) TO ($(((d + 1) * 86400000)))"
    done
    pg_psql "INSERT INTO position(t, id, kind, pos, alt, speed, course, source)
             SELECT t + $shift_ms, id, kind, pos, alt, speed, course, source FROM position
             WHERE t < $((tmin + span))"
    pg_psql "INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence, state, ekey, alert)
             SELECT kind, t_start + $shift_ms, t_end + $shift_ms, entities, lat, lon, details, evidence, state,
                    ekey # ($k::bigint << 52), alert FROM event WHERE rid <= $maxrid;
             INSERT INTO event_entity(event, n, kind, id, role)
             SELECT e2.rid, ee.n, ee.kind, ee.id, ee.role FROM event e1 JOIN event_entity ee ON ee.event = e1.rid
             JOIN event e2 ON e2.kind = e1.kind AND e2.ekey = e1.ekey # ($k::bigint << 52) WHERE e1.rid <= $maxrid"
    if [ $((k % 10)) = 0 ]; then
        echo "copy $k/$((copies - 1)): $(( (k + 1) * base )) positions, $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"
    fi
done
pg_psql "UPDATE position_top SET tmax = (SELECT max(t) FROM position WHERE t >= $(( tmin + (copies - 1) * span )))"
pg_psql "VACUUM ANALYZE"
npos=$(pg_psql "SELECT count(*) FROM position")
bytes=$(pg_psql "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent='position'::regclass")
nev=$(pg_psql "SELECT count(*) FROM event")
echo "store: $npos positions ($(echo "$bytes / $npos" | bc -l | xargs printf '%.1f') B/position, $((bytes / 1024 / 1024 / 1024)) GiB), $nev events; loaded in $(echo "$(now) - $t0" | bc | xargs printf '%.0f') s"

n_all=$("$atalaya" query --store "$PG_URL" --format csv flights --operator DQX --arrival-country VE | tail -n +2 | wc -l)
week0=$(( (tmin + (copies / 2) * span) / 1000 )) week1=$(( (tmin + (copies / 2) * span) / 1000 + 7 * 86400 ))
since=$(date -u -d "@$week0" +%Y-%m-%dT%H:%M:%SZ) until=$(date -u -d "@$week1" +%Y-%m-%dT%H:%M:%SZ)
n_week=$("$atalaya" query --store "$PG_URL" --format csv flights --operator DQX --arrival-country VE --from "$since" --to "$until" | tail -n +2 | wc -l)
printf 'query flights --operator DQX --arrival-country VE over %d positions: %.1f ms (%d flights)\n' "$npos" \
    "$(median_ms "$atalaya" query --store "$PG_URL" flights --operator DQX --arrival-country VE)" "$n_all"
printf '  the same within one week (%s .. %s): %.1f ms (%d flights)\n' "$since" "$until" \
    "$(median_ms "$atalaya" query --store "$PG_URL" flights --operator DQX --arrival-country VE --from "$since" --to "$until")" \
    "$n_week"

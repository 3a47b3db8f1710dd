#!/usr/bin/env bash
# bench_store_pg.sh ATALAYA [HOURS]: the PostgreSQL store beside the SQLite
# store, on the same input in the same run. Simulates the Caribbean demo
# (HOURS, default all 72), ingests it into SQLite and into a throw-away
# PostgreSQL 15 + PostGIS (tests/sh/pg_lib.sh: fsync off, as a test cluster;
# commits still wait for the server), and prints for each:
#   - ingest messages/s (AIS messages + Mode S updates, as `replay --stats`
#     counts them, over the ingest's wall time, detectors on);
#   - bytes per stored position: the position table with its indexes (SQLite:
#     position, position_entity, position_t and the segment R*Tree, from
#     dbstat; PostgreSQL: every partition with its indexes);
#   - `query flights --operator DQX --arrival-country VE` latency, the median
#     of 11 runs of the whole command (process start included).
set -eu
atalaya=${1:?usage: bench_store_pg.sh ATALAYA [HOURS]}
hours=${2:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/pg_demo_lib.sh"

hflag=(); [ "$hours" != 0 ] && hflag=(--hours "$hours")
demo "${hflag[@]}"
msgs=$("$atalaya" replay --stats --modes-epoch "$epoch" "$tmp/demo.nmea" "$tmp/demo.beast" 2>&1 >/dev/null |
    awk -F': ' '$1 == "messages" || $1 == "mode s updates" {n += $2} END {print n}')
echo "input: $(du -ch "$tmp/demo.nmea" "$tmp/demo.beast" | tail -1 | cut -f1), $msgs messages"

ingest() {
    "$atalaya" ingest --quiet --store "$1" --db "$tmp/ref.db" --modes-epoch "$epoch" \
        --port-polygons "$root/scenarios/caribbean-ports.geojson" --geofence "$root/scenarios/caribbean-zones.geojson" \
        "$tmp/demo.nmea" "$tmp/demo.beast"
}
t0=$(now); ingest "sqlite:$tmp/s.db"; t1=$(now); ingest "$PG_URL"; t2=$(now)

npos_s=$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM position")
npos_p=$(pg_psql "SELECT count(*) FROM position")
bytes_s=$(sqlite3 "$tmp/s.db" "SELECT sum(pgsize) FROM dbstat WHERE name IN ('position', 'position_entity', 'position_t')
    OR name LIKE 'position_seg%'")
bytes_p=$(pg_psql "SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent='position'::regclass")
heap_p=$(pg_psql "SELECT sum(pg_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent='position'::regclass")

flights() { "$atalaya" query --store "$1" flights --operator DQX --arrival-country VE; }
q_s=$(median_ms flights "sqlite:$tmp/s.db") q_p=$(median_ms flights "$PG_URL")

printf '%-11s %12s %12s %14s %10s %14s\n' store "ingest s" "messages/s" positions "B/position" "flights query"
printf '%-11s %12.1f %12.0f %14d %10.1f %11.1f ms\n' sqlite "$(echo "$t1 - $t0" | bc)" "$(echo "$msgs / ($t1 - $t0)" | bc -l)" \
    "$npos_s" "$(echo "$bytes_s / $npos_s" | bc -l)" "$q_s"
printf '%-11s %12.1f %12.0f %14d %10.1f %11.1f ms\n' postgresql "$(echo "$t2 - $t1" | bc)" "$(echo "$msgs / ($t2 - $t1)" | bc -l)" \
    "$npos_p" "$(echo "$bytes_p / $npos_p" | bc -l)" "$q_p"
echo "postgresql heap alone: $(echo "$heap_p / $npos_p" | bc -l | xargs printf '%.1f') B/position (the rest: the natural-key b-tree, GiST, BRIN)"

#!/usr/bin/env bash
# bench_store.sh ATALAYA: the SQLite store's write rate. Ingests the AMSA log
# (44,687 sentences) repeated N times (default 20) with the store on, and
# replays it without a store as the baseline; prints messages/s for both and
# stored rows/s. Then the same positions bulk-loaded by the sqlite3 shell
# (.import into the same table in one transaction) as a ceiling.
set -eu
atalaya=${1:?usage: bench_store.sh ATALAYA [N]}
n=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for _ in $(seq "$n"); do cat "$root/tests/samples/ais/amsa/ais.txt.gz"; done >"$tmp/big.gz"
msgs=$((44687 * n))
now() { date +%s.%N; }

t0=$(now); "$atalaya" replay "$tmp/big.gz" >/dev/null 2>&1; t1=$(now)
"$atalaya" ingest --store "sqlite:$tmp/s.db" "$tmp/big.gz" 2>/dev/null; t2=$(now)
rows=$(sqlite3 "$tmp/s.db" "SELECT (SELECT count(*) FROM position) + (SELECT count(*) FROM identity)")
echo "replay (no store): $(echo "$msgs / ($t1 - $t0)" | bc) messages/s"
echo "ingest (sqlite):   $(echo "$msgs / ($t2 - $t1)" | bc) messages/s, $rows rows, $(echo "$rows / ($t2 - $t1)" | bc) rows/s"
echo "database: $(du -k "$tmp/s.db" | cut -f1) KiB"

sqlite3 -csv "$tmp/s.db" "SELECT kind,id,t,lat,lon,alt,speed,course,source FROM position" >"$tmp/pos.csv"
npos=$(wc -l <"$tmp/pos.csv")
sqlite3 "$tmp/s.db" "DELETE FROM position; DELETE FROM position_seg"
t3=$(now)
sqlite3 "$tmp/s.db" <<SQL
CREATE TEMP TABLE position_in(kind,id,t,lat,lon,alt,speed,course,source);
.mode csv
BEGIN;
.import $tmp/pos.csv position_in
INSERT INTO position(kind,id,t,lat,lon,alt,speed,course,source) SELECT * FROM position_in;
COMMIT;
SQL
t4=$(now)
echo "sqlite3 .import (no R*Tree, one transaction): $(echo "$npos / ($t4 - $t3)" | bc) rows/s"

#!/usr/bin/env bash
# bench_ingest.sh ATALAYA: the whole ingest path and the analysts' question.
#  1. The synthetic Caribbean demo (three days of AIS and Beast) through
#     decoders, tracker, watchlist and every detector into SQLite: messages/s
#     and peak memory, beside the same recording replayed with the detectors
#     and no store, and beside gpsdecode -j decoding only the AIS half (the
#     peer, for scale: it neither tracks nor stores).
#  2. "Flights by operator arriving in a country between two dates" over a
#     store holding the demo's events plus ATALAYA_BENCH_POSITIONS extra
#     position rows (default 100,000,000; needs about 6 GB of disk and some
#     minutes to build with the sqlite3 shell): best of 5, in ms.
set -eu
atalaya=${1:?usage: bench_ingest.sh ATALAYA}
npos=${ATALAYA_BENCH_POSITIONS:-100000000}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atalaya-bench-ingest.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
peak() { sed -n 's/^peak \([0-9]*\)$/\1/p' "$1"; }

"$atalaya" simulate "$root/scenarios/caribbean.json" --ais "$tmp/demo.nmea" --modes "$tmp/demo.beast" \
    --truth "$tmp/truth.jsonl" --seed 7
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/truth.jsonl")
"$atalaya" watchlist --db "$tmp/s.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null

t0=$(now)
/usr/bin/time -f 'peak %M' -o "$tmp/t.replay" "$atalaya" replay --db "$tmp/s.db" --detect --stats \
    --modes-epoch "$epoch" "$tmp/demo.nmea" "$tmp/demo.beast" >/dev/null 2>"$tmp/replay.stats"
t1=$(now)
/usr/bin/time -f 'peak %M' -o "$tmp/t.ingest" "$atalaya" ingest --quiet --store "sqlite:$tmp/s.db" \
    --modes-epoch "$epoch" "$tmp/demo.nmea" "$tmp/demo.beast"
t2=$(now)
msgs=$(sed -n 's/^\(ais\|mode s\) updates: //p' "$tmp/replay.stats" | paste -sd+ | bc)
rows=$(sqlite3 "$tmp/s.db" "SELECT (SELECT count(*) FROM position) + (SELECT count(*) FROM identity) + (SELECT count(*) FROM event)")
events=$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM event")
replay_rate=$(echo "$msgs / ($t1 - $t0)" | bc)
ingest_rate=$(echo "$msgs / ($t2 - $t1)" | bc)
echo "demo: $msgs tracker updates (AIS and Mode S), $events events"
echo "replay --detect (no store): $replay_rate messages/s, peak $(peak "$tmp/t.replay") KiB"
echo "ingest (detectors + SQLite): $ingest_rate messages/s, $rows rows, peak $(peak "$tmp/t.ingest") KiB"
if command -v gpsdecode >/dev/null; then
    ais=$(sed -n 's/^ais updates: //p' "$tmp/replay.stats")
    t3=$(now)
    /usr/bin/time -f 'peak %M' -o "$tmp/t.gpsd" gpsdecode -j <"$tmp/demo.nmea" >/dev/null
    t4=$(now)
    gr=$(echo "$ais / ($t4 - $t3)" | bc)
    echo "gpsdecode -j (AIS decode only): $gr messages/s, peak $(peak "$tmp/t.gpsd") KiB"
    echo "ratio ingest / gpsdecode: $(echo "scale=2; $ingest_rate / $gr" | bc)x"
fi

# The flights question over a large store. Extra positions go straight in
# with the sqlite3 shell (no R*Tree: the question does not touch positions;
# the point is that it stays fast however much history sits beside it).
from=$(sqlite3 "$tmp/s.db" "SELECT min(t_start) FROM event WHERE kind='flight'")
to=$(sqlite3 "$tmp/s.db" "SELECT max(t_end) FROM event WHERE kind='flight'")
if [ -z "$from" ]; then
    echo "no flights in the demo store: the flights detector did not run"; exit 1
fi
have=$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM position")
if [ "$npos" -gt "$have" ]; then
    t5=$(now)
    sqlite3 "$tmp/s.db" "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $npos - $have)
      INSERT INTO position(kind, id, t, lat, lon, alt, speed, course, source)
      SELECT 1 + (i % 2), 100000 + (i % 200000), $from + (i * 7) % ($to - $from), (i % 1500) / 10.0 - 75,
             (i % 3600) / 10.0 - 180, NULL, (i % 200) / 10.0, i % 360, 'ais_a' FROM n;" >/dev/null
    t6=$(now)
    echo "store filled to $npos positions in $(echo "$t6 - $t5" | bc | cut -d. -f1) s ($(du -m "$tmp/s.db" | cut -f1) MiB)"
fi
best=
for _ in 1 2 3 4 5; do
    a=$(now)
    n=$("$atalaya" query --store "sqlite:$tmp/s.db" --count flights --operator DQX --arrival-country VE \
        --from "$from" --to "$to")
    b=$(now)
    ms=$(echo "($b - $a) * 1000" | bc | cut -d. -f1)
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "query flights --operator DQX --arrival-country VE (whole command, $n flights) over $(sqlite3 "$tmp/s.db" "SELECT count(*) FROM position") positions: best of 5 ${best} ms"

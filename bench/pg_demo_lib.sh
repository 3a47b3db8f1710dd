#!/usr/bin/env bash
# bench/pg_demo_lib.sh: what the PostgreSQL store benchmarks
# (bench_store_pg.sh, bench_store_pg_scale.sh) share. Sourced after setting
# atalaya and root: starts a throw-away PostgreSQL + PostGIS
# (tests/sh/pg_lib.sh), makes tmp, and traps EXIT to stop the server and
# remove tmp.
#   demo [SIMULATE-OPTIONS...]  the Caribbean demo (seed 7) in $tmp/demo.nmea
#                        and $tmp/demo.beast, its truth in $tmp/truth.jsonl;
#                        sets epoch (the Beast clock's start, for
#                        --modes-epoch); the demo watchlist in $tmp/ref.db
#   now                  seconds since the epoch, with nanoseconds
#   median_ms CMD...     the median of 11 runs of CMD (its output dropped), in
#                        ms: the whole command, process start included
ATALAYA_ROOT=$root
. "$root/tests/sh/pg_lib.sh"
pg_start
tmp=$(mktemp -d)
trap 'pg_stop; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }

demo() {
    "$atalaya" simulate "$root/scenarios/caribbean.json" --ais "$tmp/demo.nmea" --modes "$tmp/demo.beast" \
        --truth "$tmp/truth.jsonl" --seed 7 "$@"
    epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/truth.jsonl")
    "$atalaya" watchlist --db "$tmp/ref.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
}

median_ms() {
    local i
    for i in $(seq 11); do
        local a b; a=$(now)
        "$@" >/dev/null
        b=$(now); echo "($b - $a) * 1000" | bc
    done | sort -n | sed -n 6p
}

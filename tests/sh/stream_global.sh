#!/usr/bin/env bash
# Stream workers: events that need more than one entity's reports (detect.h,
# det_kind_global: encounters, GNSS jamming areas, AIS gaps weighed by the
# reception of others nearby, identity links between MMSIs) come out of the
# global stage as a single node raises them, although the entities fall in
# different shards. tests/samples/stream/meet.json: ALFA and BRAVO meet at
# sea for five hours; CHARLIE goes dark for seven and a half beside DELTA.
# The recording is published by `atalaya run --publish` (8 shards) and taken
# by two workers into a throw-away PostgreSQL; the result is compared with a
# single-node `atalaya ingest` of the same recording.
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/pg_lib.sh"
. "$root/tests/sh/nats_lib.sh"
. "$root/tests/sh/stream_lib.sh"
STREAM_SHARDS=8
pg_start || { echo "not ok - stream_global: PostgreSQL did not start"; exit 1; }
nats_start || { echo "not ok - stream_global: nats-server did not start"; exit 1; }
tmp=$(mktemp -d)
trap 'stream_kill_all; nats_stop; pg_stop; rm -rf "$tmp"' EXIT

"$ATALAYA" simulate "$root/tests/samples/stream/meet.json" --ais "$tmp/meet.nmea" --seed 1 ||
    { echo "not ok - stream_global: simulate"; exit 1; }
"$ATALAYA" watchlist --db "$tmp/wl.db" import --format csv --list demo \
    "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
screatedb ref && screatedb work || { echo "not ok - stream_global: databases"; exit 1; }
# shellcheck disable=SC2046
"$ATALAYA" ingest -q --store "$(sdb_url ref)" $(stream_opts) "$tmp/meet.nmea" 2>"$tmp/ref.err" ||
    { echo "not ok - stream_global: reference ingest"; cat "$tmp/ref.err"; exit 1; }

# The entities the global events are about, each in a shard of its own.
shards=$(python3 - <<'PY'
def shard(kind, i, n):
    h = 2166136261
    for b in (kind, i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255):
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h % n
print(" ".join(str(shard(1, m, 8)) for m in (232000001, 232000002, 232000003, 232000004)))
PY
)
if [ "$(tr ' ' '\n' <<<"$shards" | sort -u | wc -l)" -eq 4 ]; then
    echo "ok - stream_global: ALFA, BRAVO, CHARLIE and DELTA in four different shards ($shards)"
else echo "not ok - stream_global: the vessels share shards ($shards): the test proves nothing"; fi
enc=$(spsql ref "SELECT count(*) FROM event WHERE kind = 'encounter'")
gap=$(spsql ref "SELECT count(*) FROM event WHERE kind = 'ais_gap' AND details LIKE '%\"others_heard_nearby\":%'")
if [ "$enc" -ge 1 ] && [ "$gap" -ge 1 ]; then echo "ok - stream_global: the reference has $enc encounter and $gap gap"
else echo "not ok - stream_global: the reference has $enc encounters and $gap gaps"; fi

url="$NATS_URL?shards=$STREAM_SHARDS"
stream_worker w1 work "$url"
stream_worker w2 work "$url"
"$ATALAYA" run --publish "$url" --receiver rx-1 --spool "$tmp/spool" --no-detect "$tmp/meet.nmea" \
    2>"$tmp/run.err" || { echo "not ok - stream_global: run --publish"; cat "$tmp/run.err"; }
if stream_drained ATALAYA 120; then echo "ok - stream_global: every message committed by the shards and the global stage"
else echo "not ok - stream_global: not drained"; stream_show_logs "$tmp/w1.log" "$tmp/w2.log"; fi
if grep -q "took shard $STREAM_SHARDS" "$tmp/w1.log" "$tmp/w2.log"; then
    echo "ok - stream_global: one worker holds the global stage (shard $STREAM_SHARDS)"
else echo "not ok - stream_global: nobody took the global stage"; fi
stream_stop_workers stream_global
stream_compare work stream_global
w_enc=$(spsql work "SELECT count(*) FROM event WHERE kind = 'encounter'")
w_near=$(spsql work "SELECT details::jsonb->>'others_heard_nearby' FROM event WHERE kind = 'ais_gap'")
r_near=$(spsql ref "SELECT details::jsonb->>'others_heard_nearby' FROM event WHERE kind = 'ais_gap'")
if [ "$w_enc" = "$enc" ] && [ -n "$w_near" ] && [ "$w_near" = "$r_near" ]; then
    echo "ok - stream_global: the meeting across shards found; the gap weighs every vessel heard nearby ($w_near)"
else echo "not ok - stream_global: encounters $w_enc (want $enc), others heard nearby '$w_near' (want '$r_near')"; fi

# The shared picture: two API servers on the store the workers wrote answer
# alike, so a load balancer may send any request to either.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ports=()
for _ in 1 2; do
    p=$(free_port)
    "$ATALAYA" serve --store "$(sdb_url work)" --http "127.0.0.1:$p" 2>>"$tmp/serve.log" &
    wpids+=($!) ports+=("$p")
done
for p in "${ports[@]}"; do
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/api/v1/timespan" && break; sleep 0.1; done
done
same=0
for path in /data/vessels.json /api/v1/events /api/v1/entities; do
    curl -s "http://127.0.0.1:${ports[0]}$path" >"$tmp/a.json"
    curl -s "http://127.0.0.1:${ports[1]}$path" >"$tmp/b.json"
    if [ -s "$tmp/a.json" ] && cmp -s "$tmp/a.json" "$tmp/b.json" && grep -q 232000001 "$tmp/a.json"; then same=$((same + 1))
    else echo "# $path differs or is empty"; fi
done
if [ "$same" -eq 3 ]; then echo "ok - stream_global: two API servers on the workers' store give the same picture, events and entities"
else echo "not ok - stream_global: the API servers differ ($same of 3 the same)"; fi

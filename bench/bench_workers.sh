#!/usr/bin/env bash
# bench_workers.sh ATALAYA [HOURS] [SHARDS]: stream workers into PostgreSQL
# (issue 11). Simulates the Caribbean scenario's AIS (HOURS, default 6),
# publishes it as three receivers (tests/sh/obs_pub.py) into a throw-away
# nats-server -js (SHARDS, default 16), then, with every detector on (the
# demo's watchlist, geofences and port polygons; positions thinned, as
# `ingest` does by default), into a throw-away PostgreSQL (pg_lib.sh):
#   - single-node `atalaya ingest` of the merged recording, for scale;
#   - one worker taking the whole stream: messages/s, resident memory;
#   - two workers at once on this machine: messages/s in all and per worker;
#   - kill -9 of one of the two: seconds until the other holds the dead
#     one's shards (lease expiry + next renewal), and until it has replayed
#     them and caught up.
# Messages/s: messages in the stream over the wall time from the workers'
# start until every shard's consumer has every message acknowledged
# (committed), polled every 0.5 s.
set -eu
atalaya=${1:?usage: bench_workers.sh ATALAYA [HOURS] [SHARDS]}
hours=${2:-6}
STREAM_SHARDS=${3:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
ATALAYA=$atalaya ATALAYA_ROOT=$root ATALAYA_STREAM_HOURS=$hours
. "$root/tests/sh/pg_lib.sh"
. "$root/tests/sh/nats_lib.sh"
. "$root/tests/sh/stream_lib.sh"
pg_start
nats_start
tmp=$(mktemp -d)
trap 'set +e; stream_kill_all; nats_stop; pg_stop; rm -rf "$tmp"' EXIT # the libraries' stops are not set -e safe
now() { date +%s.%N; }
secs() { python3 -c "print(round($2 - $1, 2))"; }
stream_opts() { # every detector on, positions thinned
    echo --db "$tmp/wl.db" --port-polygons "$root/scenarios/caribbean-ports.geojson" \
        --geofence "$root/scenarios/caribbean-zones.geojson"
}

t0=$(now)
stream_setup
# A worker run once makes the stream (link.h) that the receivers publish to.
url="$NATS_URL?shards=$STREAM_SHARDS"
screatedb init
stream_worker w0 init "$url"
sleep 2
stream_stop_workers init >/dev/null
t1=$(now)
n=$(python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" "$STREAM_SHARDS" "${rx[@]}")
t2=$(now)
echo "input: $hours h of AIS, $n messages from three receivers, $STREAM_SHARDS shards"
echo "publish (test publisher, as fast as acknowledged): $(python3 -c "print(round($n / ($t2 - $t1)))") messages/s"
# The reference ingest in stream_setup ran with --positions all; once more as the workers run.
screatedb single
t3=$(now)
# shellcheck disable=SC2046
"$atalaya" ingest -q --store "$(sdb_url single)" $(stream_opts) "$tmp/merged.nmea"
t4=$(now)
echo "single-node ingest into PostgreSQL: $(python3 -c "print(round($n / ($t4 - $t3)))") messages/s"

run_workers() { # DB NAMES...: start them, wait until all is committed; took gets the seconds
    local db=$1 w s0
    shift
    screatedb "$db"
    python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" "$STREAM_SHARDS" --reset ATALAYA
    s0=$(now)
    for w in "$@"; do stream_worker "$w" "$db" "$url"; done
    # Until every shard is held: the first lease round, the pipelines and
    # store connections opened.
    local held=0
    while [ "$held" -lt "$STREAM_SHARDS" ]; do
        sleep 0.05
        held=0
        for w in "$@"; do
            held=$((held + $(grep -c 'took shard' "$tmp/$w.log" || true) - $(grep -c 'handed shard' "$tmp/$w.log" || true)))
        done
    done
    s1=$(now)
    stream_drained ATALAYA 900 >/dev/null
    s2=$(now)
    took=$(secs "$s0" "$s2") started=$(secs "$s0" "$s1") rate=$(python3 -c "print(round($n / ($s2 - $s1)))")
}
run_workers one w1
# shellcheck disable=SC2154 # set by stream_worker
rss=$(ps -o rss= -p "$wpid_w1")
echo "1 worker: $rate messages/s once started ($took s in all, $started s to start); $((rss / 1024)) MiB resident with $STREAM_SHARDS shards"
stream_stop_workers "1 worker" >/dev/null
run_workers two w2a w2b
echo "2 workers: $rate messages/s in all once started, $((rate / 2)) per worker ($took s in all, $started s to start)"

# kill -9 one of the two: its shards move to the other, which replays them.
held=$(($(grep -c "took shard" "$tmp/w2a.log" || true) - $(grep -c -E "handed shard|lost|lapse|rebuilding" "$tmp/w2a.log" || true)))
before=$(grep -c 'took shard' "$tmp/w2b.log" || true)
k0=$(now)
# shellcheck disable=SC2154 # set by stream_worker
kill -9 "$wpid_w2a"
took=
for _ in $(seq 1200); do
    if [ $(($(grep -c 'took shard' "$tmp/w2b.log") - before)) -ge "$held" ]; then took=$(secs "$k0" "$(now)"); break; fi
    sleep 0.1
done
stream_drained ATALAYA 900 >/dev/null
caught=$(secs "$k0" "$(now)")
echo "kill -9 of a worker holding $held shards: taken over in ${took:-never} s, replayed and caught up in $caught s"
stream_stop_workers "2 workers" >/dev/null
echo "(setup: $(secs "$t0" "$t1") s)"

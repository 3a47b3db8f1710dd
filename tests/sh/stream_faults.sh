#!/usr/bin/env bash
# Stream workers, exactly once through faults (issue 11): three receivers
# publish a small Caribbean scenario (ATALAYA_STREAM_HOURS, default 3) into
# a throw-away nats-server -js; two `atalaya ingest --from nats://...`
# workers share its shards through leases and write a throw-away
# PostgreSQL. Separate runs, each on its own stream and database: no fault;
# one worker killed with kill -9 mid-stream (the other takes its shards
# within 30 s); PostgreSQL restarted mid-stream. Each run ends with the same
# positions, identities, alerts and events as one single-node `atalaya
# ingest` of the same recordings merged (stream_lib.sh says how events are
# compared). The receivers here are the test publisher obs_pub.py; the
# receiver-side faults (nats-server restart, a receiver's link cut) are in
# stream_faults_rx.sh with the real publisher.
#   STREAM_CASES="plain kill pgrestart"   the runs to make (default all)
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/pg_lib.sh"
. "$root/tests/sh/nats_lib.sh"
. "$root/tests/sh/stream_lib.sh"
pg_start || { echo "not ok - stream_faults: PostgreSQL did not start"; exit 1; }
tmp=$(mktemp -d)
trap 'stream_kill_all; nats_stop; pg_stop; rm -rf "$tmp"' EXIT
stream_setup || { echo "not ok - stream_faults: scenario or reference ingest"; exit 1; }
total=$(grep -c '' "$tmp/merged.nmea")
rate=${ATALAYA_STREAM_RATE:-12000}

# Shards held by a worker now, from its log.
held() { echo $(($(grep -c 'took shard' "$tmp/$1.log") - $(grep -c -E 'handed shard|lost|lapse|rebuilding' "$tmp/$1.log"))); }

run() { # NAME: two workers, the publisher at $rate, then the fault
    local name=$1
    # A server of its own: streams on one server cannot share subjects.
    nats_stop
    nats_start || { echo "not ok - $name: nats-server did not start"; exit 1; }
    trap 'stream_kill_all; nats_stop; pg_stop; rm -rf "$tmp"' EXIT
    screatedb "$name"
    url="$NATS_URL?stream=$name&shards=$STREAM_SHARDS"
    stream_worker "${name}_w1" "$name" "$url"
    stream_worker "${name}_w2" "$name" "$url"
    sleep 1
    stream_publish --rate "$rate"
}

finish() { # NAME
    local name=$1
    wait "$pub_pid"; local prc=$?
    pub_pid=
    if [ "$prc" -eq 0 ]; then echo "ok - $name: $(cat "$tmp/pub.out") messages published by three receivers"
    else echo "not ok - $name: publisher: $(cat "$tmp/pub.out")"; fi
    if stream_drained "$name" 120; then echo "ok - $name: every message committed and acknowledged"
    else echo "not ok - $name: not every message acknowledged"; stream_show_logs "$tmp/${name}"_w*.log; fi
    stream_compare "$name" "$name"
    stream_stop_workers "$name"
}

cases=" ${STREAM_CASES:-plain kill pgrestart} "

# 1. No fault: the two workers split the shards and match the reference.
if [[ $cases == *" plain "* ]]; then
run plain
finish plain
a=$(grep -c 'took shard' "$tmp/plain_w1.log"); b=$(grep -c 'took shard' "$tmp/plain_w2.log")
if [ "$a" -gt 0 ] && [ "$b" -gt 0 ]; then echo "ok - plain: both workers held shards (took $a and $b)"
else echo "not ok - plain: shards taken $a and $b"; fi
# A worker that takes shards stored in full replays them and writes nothing:
# the marks, not only the store's natural keys, keep each row once.
stream_reset plain
stream_worker plain_w3 plain "$url"
if stream_drained plain 120; then
    stream_stop_workers plain
    last=$(grep ' rows$' "$tmp/plain_w3.log" | tail -n 1) sent=$(cat "$tmp/pub.out")
    # Every message twice: once by its entity shard, once by the global stage.
    if [[ $last == *" $((2 * sent)) messages "*" 0 rows" ]]; then
        echo "ok - plain: a third worker replays the $sent stored messages and writes no row"
    else echo "not ok - plain: the third worker: $last"; fi
    stream_compare plain "plain (after the replay)"
else echo "not ok - plain: the third worker did not take the stream"; stream_show_logs "$tmp/plain_w3.log"; stream_kill_all; fi
fi

# 2. kill -9 one worker mid-stream, the one holding the global stage: its
# shards move to the other, the global stage with them.
if [[ $cases == *" kill "* ]]; then
run kill
sleep "$(python3 -c "print(round($total / $rate / 3, 1))")"
victim= other=
for _ in $(seq 200); do # (on a loaded machine the leases may not be all taken yet)
    if grep -q "took shard $STREAM_SHARDS\$" "$tmp/kill_w1.log"; then victim=kill_w1 other=kill_w2; break; fi
    if grep -q "took shard $STREAM_SHARDS\$" "$tmp/kill_w2.log"; then victim=kill_w2 other=kill_w1; break; fi
    sleep 0.1
done
[ -n "$victim" ] || { victim=kill_w1 other=kill_w2; }
moved=$(held $victim)
before=$(grep -c 'took shard' "$tmp/$other.log")
vpid=wpid_$victim
kill -9 "${!vpid}"; wait "${!vpid}" 2>/dev/null
t0=$(date +%s.%N) took=
for _ in $(seq 600); do
    if [ $(($(grep -c 'took shard' "$tmp/$other.log") - before)) -ge "$moved" ]; then
        took=$(python3 -c "print(round($(date +%s.%N) - $t0, 1))"); break
    fi
    sleep 0.1
done
if [ -n "$took" ] && [ "$moved" -gt 0 ] && python3 -c "import sys; sys.exit(0 if $took <= 30 else 1)"; then
    echo "ok - kill: the other worker took the $moved shards of the killed one ($(sed -n 's/.*took shard //p' "$tmp/$other.log" | tail -n "$moved" | sort -n | paste -sd' '); $STREAM_SHARDS is the global stage) in $took s"
else echo "not ok - kill: $moved shards not taken over within 60 s (${took:-never})"; stream_show_logs "$tmp/$victim.log" "$tmp/$other.log"; fi
finish kill
fi

# 3. PostgreSQL restarted mid-stream.
if [[ $cases == *" pgrestart "* ]]; then
run pgrestart
sleep "$(python3 -c "print(round($total / $rate / 3, 1))")"
if pg_restart; then echo "ok - pgrestart: PostgreSQL restarted mid-stream"
else echo "not ok - pgrestart: PostgreSQL did not come back"; fi
finish pgrestart
fi

#!/usr/bin/env bash
# Stream workers behind real receivers, through the receiver-side faults
# (issue 11): three `atalaya run --publish` receivers play a small Caribbean
# scenario (ATALAYA_STREAM_HOURS, default 2) at ATALAYA_STREAM_SPEED times
# (default 120: a minute) into a throw-away nats-server -js, two `atalaya ingest
# --from` workers write a throw-away PostgreSQL. Separate runs: nats-server
# killed (-9) mid-stream and started again on the same folder; one
# receiver's link cut for 30 s (a TCP relay in front of the server, killed
# and started again: the receiver spools, then drains). Each ends with the
# same positions, identities, alerts and events as a single-node `atalaya
# ingest` of the same recordings merged (stream_lib.sh), with every consumer
# drained (nothing left pending: a consumer the restarted server brought back
# older than it was is made again, shard.c). The workers' reorder window
# (1.5 h) covers the late receiver: 30 s at 120x is an hour of event time,
# and without the window (STREAM_REORDER_MS=0) the positions of a vessel
# both rxb and another receiver hear come too late for the tracker and are
# lost (718 of 86116 here).
#   STREAM_CASES="natsrestart linkcut"   the runs to make (default both)
#   STREAM_REORDER_MS=N                  the workers' window (default 5400000)
set -u
root=${ATALAYA_ROOT:-.}
ATALAYA_STREAM_HOURS=${ATALAYA_STREAM_HOURS:-2}
speed=${ATALAYA_STREAM_SPEED:-120}
. "$root/tests/sh/pg_lib.sh"
. "$root/tests/sh/nats_lib.sh"
. "$root/tests/sh/stream_lib.sh"
pg_start || { echo "not ok - stream_faults_rx: PostgreSQL did not start"; exit 1; }
tmp=$(mktemp -d)
rpids=() relay_pid=
cleanup() {
    local p
    for p in "${rpids[@]}" $relay_pid; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    stream_kill_all; nats_stop; pg_stop; rm -rf "$tmp"
}
trap cleanup EXIT
stream_setup || { echo "not ok - stream_faults_rx: scenario or reference ingest"; exit 1; }
cases=" ${STREAM_CASES:-natsrestart linkcut} "

# A TCP relay 127.0.0.1:$1 -> 127.0.0.1:$2; killing it cuts the link.
relay_start() {
    python3 -c '
import socket, sys, threading
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(16)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    for s in (a, b):
        try: s.close()
        except OSError: pass
while True:
    c, _ = ls.accept()
    u = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
' "$1" "$2" &
    relay_pid=$!
    sleep 0.3
}

fresh_nats() { # a server of its own per run: streams on one server cannot share subjects
    nats_stop
    nats_start || { echo "not ok - $1: nats-server did not start"; exit 1; }
    trap cleanup EXIT
}

run() { # NAME [relay port for receiver rxb]
    local name=$1 via=${2:-}
    screatedb "$name"
    url="$NATS_URL?stream=$name&shards=$STREAM_SHARDS"
    stream_worker "${name}_w1" "$name" "$url" --reorder-ms "${STREAM_REORDER_MS:-5400000}"
    stream_worker "${name}_w2" "$name" "$url" --reorder-ms "${STREAM_REORDER_MS:-5400000}"
    sleep 1
    rpids=()
    local r u
    for r in rxa rxb rxc; do
        u=$url
        [ "$r" = rxb ] && [ -n "$via" ] && u="nats://127.0.0.1:$via?stream=$name&shards=$STREAM_SHARDS"
        "$ATALAYA" run --publish "$u" --receiver "$r" --spool "$tmp/spool-$name-$r" --no-detect --speed "$speed" \
            "$tmp/$r.nmea" >"$tmp/$name-$r.out" 2>"$tmp/$name-$r.err" &
        rpids+=($!)
    done
}

# The receiver saw its link go (publish.h's summary counts outages).
outages() { sed -n 's/.*outages \([0-9]*\).*/\1/p' "$tmp/$1-$2.err" | tail -n 1; }

finish() { # NAME
    local name=$1 p bad=0
    for p in "${rpids[@]}"; do wait "$p" || bad=$((bad + 1)); done
    rpids=()
    if [ "$bad" -eq 0 ]; then echo "ok - $name: the three receivers published their recordings"
    else echo "not ok - $name: $bad receivers failed"; tail -n 3 "$tmp/$name"-rx?.err; fi
    if stream_drained "$name" 180; then echo "ok - $name: every message committed and acknowledged"
    else echo "not ok - $name: not every message acknowledged"; stream_show_logs "$tmp/${name}"_w*.log; fi
    grep -h "went back" "$tmp/${name}"_w*.log | sed "s/^/# /"
    stream_compare "$name" "$name"
    stream_stop_workers "$name"
}

if [[ $cases == *" natsrestart "* ]]; then
    fresh_nats natsrestart
    run natsrestart
    sleep 8
    nats_kill
    # The workers' acks made meanwhile and after it name deliveries the
    # server may have forgotten (it writes a consumer's state behind):
    # without the consumer made again, some stayed pending for ever (2 of 3
    # runs). 5 s: a pause of the stream shorter than the workers' window (at
    # most 10 s, shard.c) is not taken for the end of a burst, so the
    # receivers' messages in flight at the kill, sent again after it, still
    # come in event-time order (with a 2 s pause rule, 2 to 8 positions came
    # too late for the tracker).
    sleep 5
    if nats_start; then echo "ok - natsrestart: nats-server killed and started again mid-stream"
    else echo "not ok - natsrestart: nats-server did not start again"; fi
    trap cleanup EXIT
    finish natsrestart
    o="$(outages natsrestart rxa) $(outages natsrestart rxb) $(outages natsrestart rxc)"
    if [[ $o =~ ^[1-9][0-9]*\ [1-9][0-9]*\ [1-9][0-9]*$ ]]; then echo "ok - natsrestart: every receiver saw the outage ($o)"
    else echo "not ok - natsrestart: receivers' outages: $o"; fi
fi

if [[ $cases == *" linkcut "* ]]; then
    rport=$(pg_free_port)
    fresh_nats linkcut
    relay_start "$rport" "$NATS_PORT"
    run linkcut "$rport"
    sleep 6
    kill -9 "$relay_pid"; wait "$relay_pid" 2>/dev/null; relay_pid=
    sleep 30
    relay_start "$rport" "$NATS_PORT"
    echo "ok - linkcut: receiver rxb's link cut for 30 s mid-stream"
    finish linkcut
    o="$(outages linkcut rxa) $(outages linkcut rxb) $(outages linkcut rxc)"
    if [[ $o =~ ^0\ [1-9][0-9]*\ 0$ ]]; then echo "ok - linkcut: rxb saw its link go, the others did not ($o)"
    else echo "not ok - linkcut: receivers' outages: $o"; fi
fi

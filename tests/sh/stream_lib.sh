#!/usr/bin/env bash
# tests/sh/stream_lib.sh: what the stream-worker tests share (sourced, after
# pg_lib.sh and nats_lib.sh have started their servers): a small
# three-receiver scenario, its single-node reference in PostgreSQL, workers
# started and stopped by pid, and the comparison of a run's store with the
# reference.
#   stream_setup            scenario (ATALAYA_STREAM_HOURS, default 3) split
#                           into three receivers' recordings, merged back in
#                           (time, receiver) order, and that ingested by one
#                           `atalaya ingest` into database ref
#   stream_worker NAME DB URL   start `ingest --from URL` into DB (pid in
#                           wpid_NAME, log in $tmp/NAME.log)
#   stream_publish URL ARGS start the test publisher (obs_pub.py; pid pub_pid)
#   stream_drained STREAM   wait until the workers committed every message
#   stream_reset STREAM     delete the shards' consumers (workers stopped), so
#                           that the next workers are drained only once they
#                           have made them again and read the stream
#   stream_compare DB LABEL `ok`/`not ok` lines: DB against ref
#   stream_stop_workers     SIGTERM every worker; `ok` when all exit 0
#   stream_show_logs FILE.. each log's sanitizer report in full, else its tail
# The caller sets tmp (a temporary folder) and a trap that calls
# stream_kill_all, nats_stop and pg_stop.
ATALAYA_STREAM_HOURS=${ATALAYA_STREAM_HOURS:-3}
STREAM_SHARDS=${STREAM_SHARDS:-8}
wpids=() pub_pid=

spsql() { # DB SQL
    "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -c "$2"
}
sdb_url() { echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"; }
screatedb() { "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1"; }

# The pipeline options every ingest here takes, the reference's and the workers'.
stream_opts() {
    echo --positions all --db "$tmp/wl.db" --port-polygons "$root/scenarios/caribbean-ports.geojson" \
        --geofence "$root/scenarios/caribbean-zones.geojson"
}

stream_setup() {
    "$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/demo.nmea" --seed 7 \
        --hours "$ATALAYA_STREAM_HOURS" || return 1
    "$ATALAYA" watchlist --db "$tmp/wl.db" import --format csv --list demo \
        "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1 || return 1
    # Three receivers: the Caracas station, the other coast stations, the satellites.
    awk -v d="$tmp" '{ if ($0 ~ /^\\s:DEMO-RX-CARACAS/) print > (d "/rxa.nmea");
                       else if ($0 ~ /^\\s:DEMO-SAT/) print > (d "/rxc.nmea"); else print > (d "/rxb.nmea") }' \
        "$tmp/demo.nmea"
    rx=("rxa=$tmp/rxa.nmea" "rxb=$tmp/rxb.nmea" "rxc=$tmp/rxc.nmea")
    python3 "$root/tests/sh/obs_pub.py" 0 1 --merged "$tmp/merged.nmea" "${rx[@]}" || return 1
    screatedb ref || return 1
    # shellcheck disable=SC2046
    "$ATALAYA" ingest -q --store "$(sdb_url ref)" $(stream_opts) "$tmp/merged.nmea" 2>"$tmp/ref.err" ||
        { cat "$tmp/ref.err" >&2; return 1; }
}

stream_worker() { # NAME DB URL [more options]
    local name=$1 db=$2 url=$3
    shift 3
    # shellcheck disable=SC2046
    "$ATALAYA" ingest --from "$url" --store "$(sdb_url "$db")" --worker "$name" $(stream_opts) "$@" \
        >>"$tmp/$name.log" 2>&1 &
    printf -v "wpid_$name" '%s' $!
    wpids+=($!)
}

stream_publish() { # URL-port shards, then obs_pub options
    python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" "$STREAM_SHARDS" "$@" "${rx[@]}" >"$tmp/pub.out" 2>&1 &
    pub_pid=$!
}

stream_reset() { python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" "$STREAM_SHARDS" --reset "$1"; }

stream_drained() { python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" "$STREAM_SHARDS" --drained "$1" "${2:-120}"; }

stream_show_logs() { # FILE...: what a failed check prints of the workers' logs
    local f
    for f in "$@"; do
        echo "==> $f <=="
        if grep -q -E '^==[0-9]+==ERROR|runtime error:' "$f"; then
            sed -n -E '/^==[0-9]+==ERROR|runtime error:/,$p' "$f" | grep -v -E '^ +(Shadow|Addressable|Partially|Heap|Freed|Stack|Global|Poisoned|Container|Array|Intra|ASan|Left|Right|Contiguous)' | head -n 60
        else tail -n 5 "$f"; fi
    done
}

stream_kill_all() { # (in a trap under set -e too: never fails)
    local p
    if [ -n "$pub_pid" ]; then kill -9 "$pub_pid" 2>/dev/null || true; fi
    for p in "${wpids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    wpids=() pub_pid=
}

stream_stop_workers() { # LABEL
    local p rc bad=0
    for p in "${wpids[@]}"; do
        kill -0 "$p" 2>/dev/null || continue
        kill -TERM "$p"
        wait "$p"; rc=$?
        [ "$rc" -eq 0 ] || bad=$((bad + 1))
    done
    wpids=()
    if [ "$bad" -eq 0 ]; then echo "ok - $1: workers stop cleanly on SIGTERM"
    else echo "not ok - $1: $bad workers exited non-zero on SIGTERM"; fi
}

# One line per row, in a fixed order, for each kind of content compared.
stream_dump() { # DB OUT-PREFIX
    spsql "$1" "SELECT concat_ws(',', kind, id, t, ST_AsText(pos::geometry), alt, speed, course, source)
                FROM position ORDER BY kind, id, t, source" >"$2.pos"
    spsql "$1" "SELECT concat_ws(',', kind, id, field, value, valid_from, valid_to) FROM identity
                ORDER BY kind, id, field, valid_from, value" >"$2.ids"
    spsql "$1" "SELECT concat_ws('|', kind, ekey, t_start, t_end, entities, lat, lon, details, alert) FROM event
                WHERE state = 0 ORDER BY kind, ekey" >"$2.closed"
    spsql "$1" "SELECT concat_ws('|', kind, ekey, t_start) FROM event ORDER BY kind, ekey" >"$2.starts"
    spsql "$1" "SELECT concat_ws('|', t, kind, id, rule, key) FROM alert ORDER BY key" >"$2.alerts"
}

stream_compare() { # DB LABEL
    local db=$1 label=$2 f
    stream_dump ref "$tmp/r"
    stream_dump "$db" "$tmp/w"
    for f in pos ids alerts; do
        if cmp -s "$tmp/r.$f" "$tmp/w.$f" && { [ "$f" = alerts ] || [ -s "$tmp/r.$f" ]; }; then
            echo "ok - $label: $f the same as single-node ingest ($(wc -l <"$tmp/r.$f") rows)"
        else
            echo "not ok - $label: $f differ from single-node ingest ($(wc -l <"$tmp/w.$f") rows, want $(wc -l <"$tmp/r.$f"))"
            diff "$tmp/r.$f" "$tmp/w.$f" | head -n 6
        fi
    done
    # Events: every one the reference has, once, with its true start; every
    # event the workers closed, closed alike. The reference also closes at
    # the end of its input what a worker, whose stream goes on, keeps open.
    local extra
    extra=$(comm -13 <(sort "$tmp/r.closed") <(sort "$tmp/w.closed") | wc -l)
    if cmp -s "$tmp/r.starts" "$tmp/w.starts" && [ "$extra" -eq 0 ] && [ -s "$tmp/w.closed" ]; then
        echo "ok - $label: events the same as single-node ingest ($(wc -l <"$tmp/w.starts") events, $(wc -l <"$tmp/w.closed") closed; the reference closed $(($(wc -l <"$tmp/r.closed") - $(wc -l <"$tmp/w.closed"))) more at the end of its input)"
    else
        echo "not ok - $label: events differ ($(wc -l <"$tmp/w.starts") events, want $(wc -l <"$tmp/r.starts"); $extra closed unlike the reference)"
        diff "$tmp/r.starts" "$tmp/w.starts" | head -n 4
        comm -13 <(sort "$tmp/r.closed") <(sort "$tmp/w.closed") | head -n 2 | cut -c1-300
    fi
}

# Run directly: the test publisher checked against the real one. A small
# recording published by `atalaya run --publish` and by obs_pub.py (each on
# a server of its own) reads back alike in `atalaya stream dump`: the same
# messages in the same order, each with the same shard, entity, receiver,
# source, event time and payload size.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    root=${ATALAYA_ROOT:-.}
    ATALAYA=${ATALAYA:-$root/build/rel/atalaya}
    . "$root/tests/sh/nats_lib.sh"
    nats_start || { echo "not ok - stream_lib: nats-server did not start"; exit 1; }
    tmp=$(mktemp -d)
    trap 'nats_stop; rm -rf "$tmp"' EXIT
    "$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/a.nmea" --seed 7 --hours 0.05 2>/dev/null
    u="$NATS_URL?stream=CHECK&shards=8"
    "$ATALAYA" run --publish "$u" --receiver rxa --spool "$tmp/spool" --no-detect "$tmp/a.nmea" 2>"$tmp/run.err"
    "$ATALAYA" stream dump "$u" | awk '{print $2, $3, $4, $5, $6, $8}' >"$tmp/real"
    nats_stop
    nats_start || { echo "not ok - stream_lib: nats-server did not start again"; exit 1; }
    trap 'nats_stop; rm -rf "$tmp"' EXIT
    u="$NATS_URL?stream=CHECK&shards=8"
    "$ATALAYA" stream info "$u" >/dev/null # makes the stream
    python3 "$root/tests/sh/obs_pub.py" "$NATS_PORT" 8 "rxa=$tmp/a.nmea" >/dev/null
    "$ATALAYA" stream dump "$u" | awk '{print $2, $3, $4, $5, $6, $8}' >"$tmp/test"
    if [ "$(wc -l <"$tmp/real")" -gt 500 ] && cmp -s "$tmp/real" "$tmp/test"; then
        echo "ok - stream_lib: obs_pub.py publishes what run --publish does ($(wc -l <"$tmp/real") messages: shard, entity, receiver, source, time, size)"
    else
        echo "not ok - stream_lib: obs_pub.py and run --publish differ ($(wc -l <"$tmp/test") vs $(wc -l <"$tmp/real") messages)"
        diff "$tmp/real" "$tmp/test" | head -n 6
    fi
fi

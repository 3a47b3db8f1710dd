#!/usr/bin/env bash
# tests/sh/publish_lib.sh: what the run --publish tests (stream_publish.sh,
# stream_outage.sh) share. Sourced after setting bin (the atalaya to run). Run directly, it checks its readers on a canned summary line and
# dump.
#   publish_setup NAME   starts a throw-away nats-server (nats_lib.sh), makes
#                        tmp, and traps EXIT to kill -9 the run in runpid,
#                        remove tmp and stop the server; ok, nok and check
#                        then print their lines as NAME's
#   fresh_server WHAT    a new server (streams on one server cannot share the
#                        subjects); "not ok - NAME: WHAT" and exit when it
#                        does not start
#   stop_server          stops the server (SIGTERM) and waits until its port
#                        is closed; nats_start starts it again
#   taken ERR            taken N from the last summary line run --stats wrote
#   field ERR NAME       NAME's count (spooled, drained, dropped ...) from it
#   total URL            the messages the stream holds
#   validated NMEA BEAST what `atalaya decode` validates in the two files
#                        (AIS messages and Mode S frames)
#   took_all LABEL ERR AFTER  n (taken, from ERR) and t (total of U); checks
#                        that n is what decode validates ($want) and t is n:
#                        nothing lost, nothing doubled; LABEL before the
#                        lines' text, AFTER after "nothing doubled"
#   ids_once DUMP        how many of `stream dump`'s message ids are 1, 2 ...
#                        (each counted once): N when every id 1..N is there
. "$(dirname "${BASH_SOURCE[0]}")/nats_lib.sh"

publish_setup() {
    T=$1
    nats_start || { echo "not ok - $T: nats-server did not start"; exit 1; }
    tmp=$(mktemp -d)
    runpid=
    trap publish_cleanup EXIT
}
publish_cleanup() { [ -n "$runpid" ] && kill -9 "$runpid" 2>/dev/null; rm -rf "$tmp"; nats_stop; }

ok() { echo "ok - $T: $1"; }
nok() { echo "not ok - $T: $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

fresh_server() {
    nats_stop
    nats_start || { nok "$1"; exit 1; }
    trap publish_cleanup EXIT
}

stop_server() { kill "$NATS_PID"; wait "$NATS_PID" 2>/dev/null; NATS_PID=; nats_wait_down; }

taken() { sed -n 's/.*publish .* taken \([0-9]*\) .*/\1/p' "$1" | tail -1; }
field() { sed -n "s/.*publish .* $2 \\([0-9]*\\)[,;) ].*/\\1/p" "$1" | tail -1; }
total() { "$bin" stream info "$1" | sed -n 's/^total //p'; }
validated() {
    echo $(( $("$bin" decode --stats "$1" 2>&1 >/dev/null | sed -n 's/^messages: //p') +
             $("$bin" decode --stats "$2" 2>&1 >/dev/null | sed -n 's/^validated: //p') ))
}
took_all() {
    n=$(taken "$2")
    t=$(total "$U")
    check "$1the run took what decode validates ($n of $want)" "[ '$n' = '$want' ]"
    check "$1nothing lost, nothing doubled$3 ($t in the stream)" "[ '$t' = '$n' ]"
}
ids_once() { awk '{split($7, a, "."); print a[3]}' "$1" | sort -nu | awk 'NR == $1 {k++} END {print k}'; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    T=publish_lib
    d=$(mktemp -d)
    echo 'run: publish nats://127.0.0.1:1 as rx: taken 12 (skipped 1), published 9, acknowledged 9 (duplicates 0), spooled 3, drained 2, found 0, dropped 1, rejected 0, torn 0, outages 1; spool 1 messages, 80 bytes; connected' >"$d/err"
    check "taken and field read run's summary line" \
        "[ \"\$(taken '$d/err')/\$(field '$d/err' spooled)/\$(field '$d/err' drained)/\$(field '$d/err' outages)\" = 12/3/2/1 ]"
    printf '%s\n' '0 vessel:1 rx 0 nmea 1 rx.1.2' '0 vessel:1 rx 0 nmea 1 rx.1.1' '0 vessel:1 rx 0 nmea 1 rx.1.2' >"$d/dump"
    printf '%s\n' '0 vessel:1 rx 0 nmea 1 rx.1.1' '0 vessel:1 rx 0 nmea 1 rx.1.3' >"$d/gap"
    check "ids_once counts ids 1..N once, and stops at a missing one" "[ \$(ids_once '$d/dump') = 2 ] && [ \$(ids_once '$d/gap') = 1 ]"
    rm -rf "$d"
fi

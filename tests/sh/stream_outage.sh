#!/usr/bin/env bash
# A publishing receiver (run --publish) whose server goes away, against a
# throw-away nats-server -js on 127.0.0.1 (tests/sh/nats_lib.sh):
#   1. the link cut for STREAM_OUTAGE_S seconds (default 30) while run keeps
#      reading a recording played at 20x: the spool grows during the
#      outage, drains when the server is back, and the stream ends with
#      exactly what the run took: nothing lost, nothing doubled;
#   2. the receiver started with no server, killed -9 with a spool on disk,
#      a torn record added at the spool's end: the next start (server up,
#      no input) sends the spool, every record once, the torn end counted;
#   3. the server away and a 64 KiB spool: the oldest messages are dropped
#      (a warning, counted), the newest kept and sent when the server is
#      back.
set -u
root=${ATALAYA_ROOT:-.}
bin=${ATALAYA:-$root/build/rel/atalaya}
outage=${STREAM_OUTAGE_S:-30}
. "$root/tests/sh/publish_lib.sh"
publish_setup stream_outage

spool_bytes() { cat "$1"/*.spool 2>/dev/null | wc -c; }
# empty_stream_server_away WHAT: a fresh server, U a stream made on it (empty),
# then the server stopped.
empty_stream_server_away() {
    fresh_server "$1"
    U="$NATS_URL?shards=4"
    "$bin" stream info "$U" >/dev/null
    stop_server
}

# ---- 1. the link cut while the receiver reads
# Event time played at 20x: the outage, 5 s before it and 10 s after.
hours=$(python3 -c "print(($outage + 15) * 20 / 3600)")
"$bin" simulate "$root/scenarios/caribbean.json" --ais "$tmp/a.nmea" --modes "$tmp/m.beast" --seed 3 --hours "$hours" 2>/dev/null
want=$(validated "$tmp/a.nmea" "$tmp/m.beast")
U="$NATS_URL?shards=4"
"$bin" run --publish "$U" --receiver rx-cut --spool "$tmp/sp1" --no-detect --speed 20 --stats --stats-interval 5 \
  "$tmp/a.nmea" "$tmp/m.beast" 2>"$tmp/run1.err" &
runpid=$!
sleep 5
before=$(total "$U")
stop_server
sleep $((outage / 2))
mid=$(spool_bytes "$tmp/sp1")
sleep $((outage - outage / 2))
late=$(spool_bytes "$tmp/sp1")
nats_start || nok "nats-server starts again"
wait "$runpid"; rc=$?; runpid=
check "run exits 0" "[ $rc -eq 0 ]"
check "messages reached the stream before the cut ($before)" "[ '${before:-0}' -gt 0 ]"
check "the spool grows during the outage ($mid, then $late bytes)" "[ $mid -gt 0 ] && [ $late -gt $mid ]"
took_all "" "$tmp/run1.err" " after a ${outage} s outage"
"$bin" stream dump "$U" >"$tmp/dump1"
check "every message id once, 1..N" "[ \$(ids_once '$tmp/dump1') = '$n' ]"
spooled=$(field "$tmp/run1.err" spooled) drained=$(field "$tmp/run1.err" drained)
check "spooled and drained counted ($spooled, $drained)" "[ '${spooled:-0}' -gt 0 ] && [ '${drained:-0}' -ge '${spooled:-0}' ]"
check "the spool emptied" "tail -1 '$tmp/run1.err' | grep -q 'spool 0 messages, 0 bytes' && [ \$(spool_bytes '$tmp/sp1') -eq 0 ]"
check "the outage and the return were reported" "grep -q 'spooling to' '$tmp/run1.err' && grep -q 'acknowledging again' '$tmp/run1.err'"

# ---- 2. killed -9 with a spool on disk
empty_stream_server_away "nats-server starts (2)"
"$bin" run --publish "$U" --receiver rx-kill --spool "$tmp/sp2" --no-detect --speed 20 "$tmp/a.nmea" 2>"$tmp/run2.err" &
runpid=$!
sleep 4
kill -9 "$runpid"; wait "$runpid" 2>/dev/null; runpid=
last=$(ls "$tmp/sp2"/*.spool | tail -1)
printf 'AO1\001\001torn' >>"$last"
"$bin" stream spool "$tmp/sp2" >"$tmp/spool2"
k=$(sed -n 's/.*: \([0-9]*\) messages.*/\1/p' "$tmp/spool2")
check "a spool on disk after kill -9 ($k messages)" "[ '${k:-0}' -gt 0 ]"
check "its torn end found and cut off" "grep -q 'torn ends cut off 1' '$tmp/spool2'"
nats_start || nok "nats-server starts again (2)"
"$bin" run --publish "$U" --receiver rx-kill --spool "$tmp/sp2" 2>"$tmp/run3.err"
rc=$?
check "the next start exits 0" "[ $rc -eq 0 ]"
check "it found the spool" "grep -q 'found $k,' '$tmp/run3.err'"
t=$(total "$U")
check "the spool was sent: $t of $k" "[ '$t' = '$k' ]"
"$bin" stream dump "$U" >"$tmp/dump2"
check "the killed run's messages 1..$k, each once" "[ \$(ids_once '$tmp/dump2') = '$k' ]"
check "the spool is empty" "[ \$(spool_bytes '$tmp/sp2') -eq 0 ]"

# ---- 3. a full spool drops the oldest
empty_stream_server_away "nats-server starts (3)"
"$bin" run --publish "$U" --receiver rx-full --spool "$tmp/sp3" --spool-max 65536 --publish-wait 0 --no-detect \
  "$tmp/a.nmea" 2>"$tmp/run4.err"
n=$(taken "$tmp/run4.err") dropped=$(field "$tmp/run4.err" dropped)
held=$(sed -n 's/.*; spool \([0-9]*\) messages.*/\1/p' "$tmp/run4.err" | tail -1)
check "a full spool warns" "grep -q 'spool .* full (65536 bytes): dropped its oldest' '$tmp/run4.err'"
check "dropped and held add up ($dropped + $held of $n)" "[ '${dropped:-0}' -gt 0 ] && [ \$(( ${dropped:-0} + ${held:-0} )) -eq '$n' ]"
check "the spool stays within its bound" "[ \$(spool_bytes '$tmp/sp3') -le 65536 ]"
nats_start || nok "nats-server starts again (3)"
"$bin" run --publish "$U" --receiver rx-full --spool "$tmp/sp3" 2>"$tmp/run5.err"
t=$(total "$U")
check "what was held is sent ($t of $held)" "[ '$t' = '$held' ]"
"$bin" stream dump "$U" >"$tmp/dump3"
check "the newest were kept: ids $((n - held + 1))..$n" "[ \$(awk '{split(\$7, a, \".\"); print a[3]}' '$tmp/dump3' | sort -n | awk -v first=$((n - held + 1)) 'NR == 1 {ok = \$1 == first} {last = \$1} END {print ok && last == $n}') = 1 ]"
exit 0

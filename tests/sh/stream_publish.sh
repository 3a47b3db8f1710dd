#!/usr/bin/env bash
# run --publish nats:// against a throw-away nats-server -js on 127.0.0.1
# (tests/sh/nats_lib.sh, stopped by its trap even on failure):
#   1. a small simulated recording (AIS NMEA and Beast) published as fast as
#      it goes: the stream holds exactly as many messages as the run took,
#      which is what `atalaya decode` validates in the same files; spread
#      over the 4 shards, each entity in exactly one shard, every message id
#      once, headers as docs/formats/stream.md says; again beside --store;
#   2. the same, played over ~9 s while nats-server is stopped (then, in a
#      second run, killed -9) and started again on the same store folder:
#      nothing lost, nothing doubled;
#   3. test_publish's cases that need a server (a message the stream refuses
#      for its size is dropped and counted, not sent again for ever).
set -u
root=${ATALAYA_ROOT:-.}
bin=${ATALAYA:-$root/build/rel/atalaya}
. "$root/tests/sh/publish_lib.sh"
publish_setup stream_publish

"$bin" simulate "$root/scenarios/caribbean.json" --ais "$tmp/a.nmea" --modes "$tmp/m.beast" --seed 7 --hours 0.05 2>/dev/null
# What the decoders validate in the same files: AIS messages and Mode S frames.
want=$(validated "$tmp/a.nmea" "$tmp/m.beast")

# ---- 1. as fast as it goes
U="$NATS_URL?stream=ONE&shards=4"
"$bin" run --publish "$U" --receiver rx-1 --spool "$tmp/sp1" --no-detect "$tmp/a.nmea" "$tmp/m.beast" 2>"$tmp/run1.err"
rc=$?
check "run exits 0" "[ $rc -eq 0 ]"
n=$(taken "$tmp/run1.err")
check "the run took what decode validates ($n of $want)" "[ -n '$n' ] && [ '$n' -eq $want ] && [ $want -gt 1000 ]"
t=$(total "$U")
check "the stream holds exactly that ($t)" "[ '$t' = '$n' ]"
"$bin" stream info "$U" >"$tmp/info1"
check "spread over 4 shards" "[ \$(awk '/^shard/ && \$3 > 0' '$tmp/info1' | wc -l) -eq 4 ]"
"$bin" stream dump "$U" >"$tmp/dump1"
check "dump shows every message" "[ \$(wc -l <'$tmp/dump1') -eq $n ]"
check "each entity in exactly one shard" "[ -z \"\$(awk '{print \$3, \$2}' '$tmp/dump1' | sort -u | awk '{print \$1}' | uniq -d)\" ]"
check "every message id once" "[ -z \"\$(awk '{print \$7}' '$tmp/dump1' | sort | uniq -d)\" ]"
check "ids are receiver.boot.seq, 1..N in order" "awk '{split(\$7, a, \".\"); if (a[1] != \"rx-1\" || a[3] != NR) bad = 1} END {exit bad}' '$tmp/dump1'"
check "both sources, vessels and aircraft" "grep -q ' vessel:[0-9]\{9\} rx-1 nmea ' '$tmp/dump1' && grep -q ' aircraft:[0-9a-f]\{6\} rx-1 beast ' '$tmp/dump1'"
check "AIS event times in ms since the epoch" "awk '\$5 == \"nmea\" && (length(\$6) != 13 || \$6 !~ /^1[0-9]+\$/) {bad = 1} END {exit bad}' '$tmp/dump1'"
check "nothing spooled, nothing left" "grep -q 'spooled 0, drained 0, found 0, dropped 0, rejected 0, torn 0, outages 0; spool 0 messages' '$tmp/run1.err' && [ -z \"\$(ls '$tmp/sp1' | grep spool)\" ]"
# Publishing beside the store: the same messages again (a new run: new ids),
# and the store gets its rows.
"$bin" run --publish "$U" --receiver rx-1 --spool "$tmp/sp1" --store "sqlite:$tmp/s.db" --stats \
  "$tmp/a.nmea" "$tmp/m.beast" >/dev/null 2>"$tmp/run1b.err"
rows=$(sed -n 's/.*store rows \([0-9]*\),.*/\1/p' "$tmp/run1b.err" | tail -1)
t=$(total "$U")
check "beside --store: the stream gets them all again ($t), the store its rows (${rows:-none})" \
  "[ '$t' = \$((2 * n)) ] && [ '${rows:-0}' -gt 0 ]"
# A second stream with another shard count on the same name is refused.
"$bin" stream info "$NATS_URL?stream=ONE&shards=8" >/dev/null 2>"$tmp/err8"
check "a different shard count is refused" "grep -q 'made with 4 shards' '$tmp/err8'"

# ---- 2. nats-server restarted mid-stream (same store folder): stopped
# (SIGTERM), then killed (-9); a fresh server first each time (streams on one
# server cannot share the subjects).
for how in stop kill; do
  fresh_server "nats-server did not start again"
  U="$NATS_URL?stream=TWO&shards=4"
  # 0.05 h = 180 s of events at 20x: about 9 s.
  "$bin" run --publish "$U" --receiver rx-2 --spool "$tmp/sp2" --no-detect --speed 20 --stats --stats-interval 1 \
    "$tmp/a.nmea" "$tmp/m.beast" 2>"$tmp/run2.err" &
  runpid=$!
  sleep 3
  if [ $how = stop ]; then
    stop_server
  else
    nats_kill
  fi
  sleep 1
  nats_start || nok "nats-server restarts"
  wait "$runpid"; rc=$?; runpid=
  check "$how: run exits 0 after the restart" "[ $rc -eq 0 ]"
  took_all "$how: " "$tmp/run2.err" ""
  "$bin" stream dump "$U" >"$tmp/dump2"
  check "$how: every message id once" "[ \$(awk '{print \$7}' '$tmp/dump2' | sort -u | wc -l) -eq $n ]"
  check "$how: the outage was seen and spooled" "grep -q 'outages [1-9]' '$tmp/run2.err' && grep -q 'spooling to' '$tmp/run2.err'"
  check "$how: the spool emptied" "tail -1 '$tmp/run2.err' | grep -q 'spool 0 messages, 0 bytes'"
done

# ---- 3. test_publish with a server (a fresh one: it makes its own stream)
fresh_server "nats-server did not start (3)"
ATALAYA_TEST_NATS=$NATS_URL "${ATALAYA_BUILD:-$root/build/rel}/tests/test_publish" 2>&1 |
  sed 's/^ok - /ok - stream_publish: /; s/^not ok - /not ok - stream_publish: /'
exit 0

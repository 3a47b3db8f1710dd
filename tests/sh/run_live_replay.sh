#!/usr/bin/env bash
# Live equals replay: a simulated recording (the levant hold-out: AIS NMEA
# with tag-block times, Beast with 12 MHz counters) pushed over loopback TCP
# into `run --store` in random chunk sizes, and played from files at
# --speed 1000, gives the stored events `ingest` of the same files gives:
# same kinds, entities, start, end and fields. Everything on 127.0.0.1.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d)
pids=
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
if ! "$ATALAYA" simulate "$root/tests/scenarios/levant.json" --ais a.nmea --modes m.beast --truth t.jsonl \
        --seed 23 2>sim.err; then
    echo "not ok - simulate levant"; sed 's/^/# /' sim.err; exit 1
fi
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' t.jsonl)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rows() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from " + sys.argv[2]).fetchone()[0])' "$1" "$2"; }
events() { "$ATALAYA" query --store "sqlite:$1" --format json events >"$2"; }

"$ATALAYA" ingest --quiet --store sqlite:ref.db --modes-epoch "$epoch" a.nmea m.beast
events ref.db ref.json

# Over TCP, two feeders, random chunks (1 byte to 64 KiB), until they hang up.
for seed in 3 4; do
    p1=$(free_port) p2=$(free_port)
    rm -f live.db*
    "$ATALAYA" run --input "nmea+listen://127.0.0.1:$p1" --input "beast+listen://127.0.0.1:$p2" \
        --store sqlite:live.db --modes-epoch "$epoch" --end-with-feeds >live.out 2>live.err &
    pid=$!; pids="$pids $pid"
    timeout 300 python3 "$root/tests/tools/push_feeds.py" "$p1=a.nmea" "$p2=m.beast" --seed=$seed \
        --max-chunk=$((seed == 3 ? 65536 : 700))
    if ! timeout 120 tail --pid="$pid" -f /dev/null; then echo "not ok - run did not end with its feeds"; fi
    wait "$pid"; rc=$?
    [ "$rc" -eq 0 ] || { echo "not ok - run exit status $rc"; sed 's/^/# /' live.err | tail -5; }
    events live.db live.json
    python3 "$root/tests/tools/events_diff.py" ref.json live.json "run over TCP (chunks up to $((seed == 3 ? 65536 : 700)) bytes) stores the events ingest stores"
    n_ref=$(rows ref.db position) n_live=$(rows live.db position)
    if [ -n "$n_live" ] && [ "$n_ref" = "$n_live" ]; then echo "ok - same positions stored ($n_live)"; else echo "not ok - positions: ingest $n_ref, run $n_live"; fi
done

# Played from files as a live feed at 1000x: the first four hours of each.
python3 - <<'PY'
import json
start = json.loads(open("t.jsonl").readline())["start_ms"]
cut = start + 4 * 3600 * 1000
with open("a.nmea", "rb") as f, open("a4.nmea", "wb") as o:
    for line in f:
        i = line.find(b"c:")
        if i >= 0 and int(line[i + 2:i + 12]) * 1000 > cut:
            break
        o.write(line)
PY
size=$(stat -c %s m.beast); head -c $((size / 12)) m.beast >m4.beast
"$ATALAYA" ingest --quiet --store sqlite:ref4.db --modes-epoch "$epoch" a4.nmea m4.beast
events ref4.db ref4.json
t0=$(date +%s.%N)
timeout 120 "$ATALAYA" run --store sqlite:speed.db --modes-epoch "$epoch" --speed 1000 a4.nmea m4.beast >speed.out 2>speed.err
rc=$?
t1=$(date +%s.%N)
[ "$rc" -eq 0 ] || { echo "not ok - run --speed 1000 exit status $rc"; sed 's/^/# /' speed.err | tail -5; }
events speed.db speed.json
python3 "$root/tests/tools/events_diff.py" ref4.json speed.json "run --speed 1000 from files stores the events ingest stores"
python3 - "$t0" "$t1" <<'PY'
import sys
took = float(sys.argv[2]) - float(sys.argv[1])
# Four hours at 1000x is 14.4 s: played as a live feed, not as fast as possible.
print(("ok" if 12 < took < 60 else "not ok") + f" - --speed 1000 paces four hours of recording over {took:.1f} s")
PY
n_ref=$(rows ref4.db position) n_live=$(rows speed.db position)
if [ -n "$n_live" ] && [ "$n_ref" = "$n_live" ]; then echo "ok - same positions stored at --speed 1000 ($n_live)"; else echo "not ok - positions: ingest $n_ref, run --speed $n_live"; fi

#!/usr/bin/env bash
# A full disk never stops detection: `run --store` on a file-size limit
# (ulimit -f) that the store outgrows halfway reports and counts the failed
# writes, keeps detecting (its event lines equal replay --detect's), keeps
# what it had committed (the file passes SQLite's integrity check), and
# exits with status 2.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ATALAYA" simulate "$root/tests/scenarios/levant.json" --ais a.nmea --modes m.beast --truth t.jsonl --seed 23 2>/dev/null ||
    { echo "not ok - simulate"; exit 1; }
"$ATALAYA" replay --detect a.nmea >replay.out 2>/dev/null
"$ATALAYA" ingest --quiet --store sqlite:ref.db a.nmea
full=$(stat -c %s ref.db)
# Less than the whole recording needs (in 512-byte blocks; the WAL grows
# first, up to its checkpoint).
limit=$((full / 512))
(ulimit -f "$limit"; "$ATALAYA" run --store sqlite:live.db --stats a.nmea >run.out 2>run.err)
rc=$?
if [ "$rc" -eq 2 ] && grep -q "store write failed" run.err; then
    echo "ok - the failed writes are reported and the exit status says so"
else
    echo "not ok - exit status $rc, stderr:"; sed 's/^/# /' run.err | tail -5
fi
# run prints every state of an event as it happens (open, updated, closed);
# replay prints each in its final state: the closed ones must be the same.
grep '"state":"closed"' replay.out >replay.closed; grep '"state":"closed"' run.out >run.closed
if [ -s run.closed ] && cmp -s replay.closed run.closed; then
    echo "ok - detection went on: run's closed events equal replay --detect's ($(wc -l <run.closed))"
else
    echo "not ok - run's closed events differ from replay's ($(wc -l <run.closed) vs $(wc -l <replay.closed))"
fi
python3 - <<'PY'
import sqlite3
db = sqlite3.connect("live.db")
ok = db.execute("pragma integrity_check").fetchone()[0] == "ok"
n = db.execute("select count(*) from position").fetchone()[0]
ref = sqlite3.connect("ref.db")
refn = ref.execute("select count(*) from position").fetchone()[0]
print(("ok" if ok and 0 < n < refn else "not ok") +
      f" - what was committed is intact: integrity {'ok' if ok else 'FAILED'}, {n} of {refn} positions kept")
PY

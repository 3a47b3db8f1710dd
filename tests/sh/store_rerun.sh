#!/usr/bin/env bash
# Re-running an ingest leaves the rows of one clean run (docs/store.md,
# "Running ingest again"): the same files twice; a kill -9 and the same
# command again; kill -9 twice and `--resume`. Twelve hours of the synthetic
# Caribbean demo (AIS and Beast, with port calls, gaps, encounters, flights
# and watchlist alerts).
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
command -v sqlite3 >/dev/null || { echo "ok - store_rerun # SKIP no sqlite3 CLI"; exit 0; }

"$ATALAYA" simulate "$root/scenarios/caribbean.json" --ais "$tmp/a.nmea" --modes "$tmp/m.beast" \
    --truth "$tmp/truth.jsonl" --seed 7 --hours 12
epoch=$(python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); print((h["start_ms"] - h.get("modes_ts12_at_start", 0) / 12000) / 1000)' "$tmp/truth.jsonl")
"$ATALAYA" watchlist --db "$tmp/empty.db" import --format csv --list demo "$root/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
# WAL from the start, as ingest sets it, so the polls below never lock the writer out.
sqlite3 "$tmp/empty.db" "PRAGMA journal_mode=WAL" >/dev/null

ingest() { # DB [options]: the demo into DB
    local db=$1; shift
    "$ATALAYA" ingest --quiet --batch 1000 --store "sqlite:$db" --modes-epoch "$epoch" "$@" "$tmp/a.nmea" "$tmp/m.beast"
}
counts() { # positions identities events alerts
    sqlite3 "$1" "SELECT (SELECT count(*) FROM position)||' '||(SELECT count(*) FROM identity)||' '||
                  (SELECT count(*) FROM event)||' '||(SELECT count(*) FROM alert)"
}
dump() { # every row but row ids (and the event write order), in a fixed order
    sqlite3 "$1" "SELECT kind,id,t,lat,lon,alt,speed,course,source FROM position ORDER BY kind,id,t,source;
                  SELECT kind,id,field,value,valid_from,valid_to FROM identity ORDER BY kind,id,field,valid_from,value;
                  SELECT t,kind,id,rule,message,evidence,key FROM alert ORDER BY t,kind,id,rule,message;
                  SELECT kind,key,state,t_start,t_end,entities,lat,lon,details,evidence,alert FROM event
                  ORDER BY kind,key"
}
same() { # NAME DB: counts as one clean run
    local want got
    want=$(counts "$tmp/clean.db"); got=$(counts "$2")
    if [ "$want" = "$got" ]; then echo "ok - $1: $got rows as one clean run"
    else echo "not ok - $1: $got, one clean run has $want (positions identities events alerts)"; fi
}
# Starts an ingest, kills it with -9 once it has committed some positions
# and before it ends.
kill_midway() { # DB MIN_POSITIONS [options]
    local db=$1 min=$2 n=0; shift 2
    # exec: the pid is atalaya's own, not a subshell's
    (exec "$ATALAYA" ingest --quiet --batch 1000 --store "sqlite:$db" --modes-epoch "$epoch" "$@" \
        "$tmp/a.nmea" "$tmp/m.beast" 2>/dev/null) & pid=$!
    for _ in $(seq 400); do
        n=$(sqlite3 "$db" "SELECT count(*) FROM position" 2>/dev/null || echo 0)
        [ "${n:-0}" -gt "$min" ] 2>/dev/null && break
        sleep 0.02
    done
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
}

cp "$tmp/empty.db" "$tmp/clean.db"; ingest "$tmp/clean.db"
read -r npos nid nev nal <<<"$(counts "$tmp/clean.db")"
if [ "$npos" -gt 10000 ] && [ "$nid" -gt 100 ] && [ "$nev" -gt 20 ] && [ "$nal" -gt 0 ]; then
    echo "ok - one clean run: $npos positions, $nid identity rows, $nev events, $nal alerts"
else echo "not ok - the demo gave too few rows to test with: $npos $nid $nev $nal"; fi

cp "$tmp/empty.db" "$tmp/twice.db"; ingest "$tmp/twice.db"; ingest "$tmp/twice.db"
same "ingest twice" "$tmp/twice.db"
if [ "$(dump "$tmp/twice.db" | md5sum)" = "$(dump "$tmp/clean.db" | md5sum)" ]; then
    echo "ok - ingest twice: every row as one clean run, value for value"
else echo "not ok - ingest twice: rows differ from one clean run"; fi
ingest "$tmp/twice.db" --resume
same "ingest twice, then --resume" "$tmp/twice.db"

# kill -9, then the same command again.
cp "$tmp/empty.db" "$tmp/again.db"
kill_midway "$tmp/again.db" 20000
k=$(counts "$tmp/again.db" | cut -d' ' -f1)
ingest "$tmp/again.db"
if [ "$k" -gt 0 ] && [ "$k" -lt "$npos" ]; then same "kill -9 after $k positions, then ingest again" "$tmp/again.db"
else echo "not ok - the kill came at $k of $npos positions"; fi
if [ "$(dump "$tmp/again.db" | md5sum)" = "$(dump "$tmp/clean.db" | md5sum)" ]; then
    echo "ok - kill -9, then ingest again: every row as one clean run, value for value"
else echo "not ok - kill -9, then ingest again: rows differ from one clean run"; fi

# kill -9 twice, each time resumed; then a last --resume to the end: every
# row exactly once, and the rows before each mark not written again.
cp "$tmp/empty.db" "$tmp/resume.db"
kill_midway "$tmp/resume.db" 15000
k1=$(counts "$tmp/resume.db" | cut -d' ' -f1)
kill_midway "$tmp/resume.db" 60000 --resume
k2=$(counts "$tmp/resume.db" | cut -d' ' -f1)
ingest "$tmp/resume.db" --resume
if [ "$k1" -gt 0 ] && [ "$k2" -gt "$k1" ] && [ "$k2" -lt "$npos" ]; then
    same "kill -9 at $k1 and $k2 positions, each time --resume" "$tmp/resume.db"
else echo "not ok - kills at $k1 and $k2 of $npos positions"; fi
if [ "$(dump "$tmp/resume.db" | md5sum)" = "$(dump "$tmp/clean.db" | md5sum)" ]; then
    echo "ok - after --resume: every row (positions, identities, events, alerts) as one clean run"
else echo "not ok - after --resume: rows differ from one clean run"; diff <(dump "$tmp/clean.db") <(dump "$tmp/resume.db") | head -5; fi
if [ "$(sqlite3 "$tmp/resume.db" "PRAGMA integrity_check")" = ok ]; then echo "ok - integrity after the kills"
else echo "not ok - integrity_check after the kills"; fi

# A file that changed is read from the start: not mistaken for the one marked.
cp "$tmp/resume.db" "$tmp/changed.db"
printf '\\c:0*00\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C\n' | cat - "$tmp/a.nmea" >"$tmp/a2.nmea"
mv "$tmp/a2.nmea" "$tmp/a.nmea"
msg=$("$ATALAYA" ingest --resume --store "sqlite:$tmp/changed.db" --modes-epoch "$epoch" "$tmp/a.nmea" "$tmp/m.beast" 2>&1 >/dev/null)
case $msg in
    *"a.nmea: stored"*) echo "not ok - a changed file taken for the one marked: $msg" ;;
    *"m.beast: stored in full already"*) echo "ok - --resume reads a changed file from its start, skips the unchanged one" ;;
    *) echo "not ok - --resume with a changed file: $msg" ;;
esac

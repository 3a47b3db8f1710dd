#!/usr/bin/env bash
# atalaya ingest and query against a SQLite store: a bundled recording goes in
# and comes back out, the rows do not depend on how the recording is cut into
# files, and a kill -9 in mid-ingest loses no committed batch.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log=$root/tests/samples/ais/amsa/exact-earth-augmented.txt
command -v sqlite3 >/dev/null || { echo "ok - store_ingest # SKIP no sqlite3 CLI"; exit 0; }

dump() { # the stored rows, without row ids
    sqlite3 "$1" "SELECT kind,id,t,lat,lon,alt,speed,course,source FROM position ORDER BY rowid;
                  SELECT kind,id,field,value,valid_from,valid_to FROM identity ORDER BY rowid;
                  SELECT kind,t_start,t_end,entities,lat,lon,details,evidence,state,key,alert FROM event ORDER BY rowid;
                  SELECT event,kind,id,role FROM event_entity ORDER BY rowid;"
}

"$ATALAYA" ingest --positions all --store "sqlite:$tmp/one.db" "$log" 2>"$tmp/err1"
npos=$(sqlite3 "$tmp/one.db" "SELECT count(*) FROM position")
nseg=$(sqlite3 "$tmp/one.db" "SELECT count(*) FROM position_seg")
# Every position lies in a segment box of its entity and hour (migration 5).
uncovered=$(sqlite3 "$tmp/one.db" "SELECT count(*) FROM position p WHERE NOT EXISTS (SELECT 1 FROM position_seg s
    WHERE s.kind=p.kind AND s.id=p.id AND p.t BETWEEN s.t0 AND s.t1
    AND p.lat BETWEEN s.min_lat AND s.max_lat AND p.lon BETWEEN s.min_lon AND s.max_lon)")
npos_decoded=$("$ATALAYA" replay --stats "$log" 2>&1 >/dev/null | sed -n 's/^positions: //p')
if [ "$npos" -gt 1000 ] && [ "$npos" = "$npos_decoded" ] && [ "$nseg" -gt 0 ] && [ "$nseg" -lt "$npos" ] && [ "$uncovered" = 0 ] && [ ! -s "$tmp/err1" ]; then
    echo "ok - ingest stores every accepted position ($npos, $nseg segment boxes) and quiet when piped"
else
    echo "not ok - stored $npos positions ($nseg segments, $uncovered outside them), tracker accepted $npos_decoded"; cat "$tmp/err1"
fi

# Thinned (the default): far fewer rows, but no vessel goes more than a
# minute between stored fixes while it was heard, and every silence keeps
# the fixes on both sides of it.
"$ATALAYA" ingest --store "sqlite:$tmp/thin.db" "$log" 2>/dev/null
if python3 - "$tmp/one.db" "$tmp/thin.db" <<'PY'
import sqlite3, sys
def tracks(path):
    t = {}
    for k, i, ms in sqlite3.connect(path).execute("SELECT kind, id, t FROM position ORDER BY rowid"):
        t.setdefault((k, i), []).append(ms)
    return t
full, thin = tracks(sys.argv[1]), tracks(sys.argv[2])
nf, nt = sum(map(len, full.values())), sum(map(len, thin.values()))
assert set(full) == set(thin) and nt < nf, (nf, nt)
for e, ts in full.items():
    kept = set(thin[e])
    assert ts[0] in kept and ts[-1] in kept, e
    for a, b in zip(ts, ts[1:]):
        if b - a >= 60000:   # a silence: both sides kept
            assert a in kept and b in kept, (e, a, b)
    th = sorted(thin[e])
    for a, b in zip(th, th[1:]):   # a stored gap of over a minute only across a silence
        inside = [x for x in ts if a < x < b]
        assert b - a <= 60000 or not inside, (e, a, b)
PY
then echo "ok - thinned positions: fewer rows, none over a minute apart while heard, both sides of each silence"
else echo "not ok - thinned positions"; fi

# Query one vessel back: its track is what the table holds for it, in time order.
mmsi=$(sqlite3 "$tmp/one.db" "SELECT id FROM position GROUP BY id ORDER BY count(*) DESC, id LIMIT 1")
"$ATALAYA" query --store "sqlite:$tmp/one.db" --format json track "$mmsi" >"$tmp/track.json"
"$ATALAYA" query --store "sqlite:$tmp/one.db" --format csv track "$mmsi" >"$tmp/track.csv"
"$ATALAYA" query --store "sqlite:$tmp/one.db" --format geojson track "$mmsi" >"$tmp/track.geojson"
if python3 - "$tmp" "$mmsi" "$(sqlite3 "$tmp/one.db" "SELECT count(*) FROM position WHERE id=$mmsi")" <<'PY'
import csv, json, sys
d, mmsi, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [json.loads(l) for l in open(d + "/track.json")]
assert len(rows) == n > 1, (len(rows), n)
assert all(r["mmsi"] == mmsi and r["kind"] == "vessel" for r in rows)
assert [r["t_ms"] for r in rows] == sorted(r["t_ms"] for r in rows)
c = list(csv.DictReader(open(d + "/track.csv")))
assert len(c) == n and float(c[0]["lat"]) == rows[0]["lat"]
g = json.load(open(d + "/track.geojson"))
f = g["features"][0]
assert f["geometry"]["type"] == "LineString" and len(f["geometry"]["coordinates"]) == n
assert f["geometry"]["coordinates"][0] == [rows[0]["lon"], rows[0]["lat"]]
PY
then echo "ok - query track as json, csv and geojson ($mmsi)"; else echo "not ok - query track $mmsi"; fi

# Identity history (the AMSA log has vessels renamed while heard): a changed
# field has closed rows and one open row, each closing when the next opens.
"$ATALAYA" ingest --store "sqlite:$tmp/amsa.db" "$root/tests/samples/ais/amsa/ais.txt.gz"
chg=$(sqlite3 "$tmp/amsa.db" "SELECT id FROM identity WHERE valid_to IS NOT NULL ORDER BY id LIMIT 1")
if [ -n "$chg" ] && "$ATALAYA" query --store "sqlite:$tmp/amsa.db" --format json entity "$chg" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["identities"]
by = {}
for r in rows: by.setdefault(r["field"], []).append(r)
ok = any(len(v) > 1 and v[-1]["valid_to_ms"] is None and
         all(a["valid_to_ms"] == b["valid_from_ms"] for a, b in zip(v, v[1:])) for v in by.values())
sys.exit(0 if ok else 1)'; then
    echo "ok - entity $chg: identity history with contiguous validity"
else
    echo "not ok - no identity history for '$chg'"
fi

# Cut in two files, ingested in one run: the same rows.
split -n l/2 "$log" "$tmp/part."
"$ATALAYA" ingest --positions all --store "sqlite:$tmp/two.db" "$tmp"/part.* 2>/dev/null
if [ "$(dump "$tmp/one.db" | md5sum)" = "$(dump "$tmp/two.db" | md5sum)" ]; then
    echo "ok - one file or two: identical rows"
else
    echo "not ok - split ingest differs"
fi

# Events too: the AMSA log (identity changes, a buoy's impossible jump) in
# one file and cut in three give the same events with the same evidence.
zcat "$root/tests/samples/ais/amsa/ais.txt.gz" >"$tmp/amsa.nmea"
split -n l/3 "$tmp/amsa.nmea" "$tmp/apart."
"$ATALAYA" ingest --store "sqlite:$tmp/a1.db" "$tmp/amsa.nmea" 2>/dev/null
"$ATALAYA" ingest --store "sqlite:$tmp/a3.db" "$tmp"/apart.* 2>/dev/null
nev=$(sqlite3 "$tmp/a1.db" "SELECT count(*) FROM event")
if [ "$nev" -gt 0 ] && [ "$(dump "$tmp/a1.db" | md5sum)" = "$(dump "$tmp/a3.db" | md5sum)" ]; then
    echo "ok - one file or three: identical positions, identities and events ($nev events)"
else
    echo "not ok - chunked ingest: $nev events in one file, $(sqlite3 "$tmp/a3.db" "SELECT count(*) FROM event") in three; or rows differ"
fi
# The same input again adds no event: one row per (kind, key), updated in place.
evdump() { sqlite3 "$1" "SELECT kind,t_start,t_end,entities,details,evidence,state,key FROM event ORDER BY rowid"; }
before=$(evdump "$tmp/a1.db" | md5sum)
"$ATALAYA" ingest --store "sqlite:$tmp/a1.db" "$tmp/amsa.nmea" 2>/dev/null
if [ "$(sqlite3 "$tmp/a1.db" "SELECT count(*) FROM event")" = "$nev" ] && [ "$(evdump "$tmp/a1.db" | md5sum)" = "$before" ]; then
    echo "ok - the same input ingested twice: the same $nev events, none added"
else
    echo "not ok - a second ingest of the same input: $(sqlite3 "$tmp/a1.db" "SELECT count(*) FROM event") events, was $nev"
fi
# query events --state: X reports for an hour and falls silent while Y goes on
# for ten: an open gap (X still dark at the end) beside closed events.
PYTHONPATH="$root/tests/tools" python3 - "$tmp/dark.nmea" <<'PY'
import sys
from ais_make import pos1
t0 = 1700000000
lines = [(t0 + k, pos1(211000021, 20.0, -40.0, 0.5, 0, t0 + k, "rx")) for k in range(0, 3 * 3600, 300)]
lines += [(t0 + k, pos1(211000022, 21.0, -41.0 + k / 40000, 10.0, 90, t0 + k, "rx")) for k in range(0, 10 * 3600, 600)]
open(sys.argv[1], "w").write("\n".join(s for _, s in sorted(lines)) + "\n")
PY
"$ATALAYA" ingest --store "sqlite:$tmp/dark.db" "$tmp/dark.nmea" 2>/dev/null
nall=$(sqlite3 "$tmp/dark.db" "SELECT count(*) FROM event")
nopen=$(sqlite3 "$tmp/dark.db" "SELECT count(*) FROM event WHERE state=1 AND kind='ais_gap'")
qo=$("$ATALAYA" query --store "sqlite:$tmp/dark.db" --format json events --state open | grep -c '"state":"open"')
qc=$("$ATALAYA" query --store "sqlite:$tmp/dark.db" --format json events --state closed | grep -c '"state":"closed"')
"$ATALAYA" query --store "sqlite:$tmp/dark.db" events --state maybe >/dev/null 2>&1; rcbad=$?
if [ "$nopen" = 1 ] && [ "$qo" = "$(sqlite3 "$tmp/dark.db" "SELECT count(*) FROM event WHERE state=1")" ] &&
   [ $((qo + qc)) = "$nall" ] && [ "$qc" -gt 0 ] && [ "$rcbad" = 1 ]; then
    echo "ok - query events --state open|closed ($qo open, the dark vessel's gap among them; $qc closed); --state maybe refused"
else
    echo "not ok - query events --state: $qo open ($nopen open gaps), $qc closed, of $nall; bad state rc $rcbad"
fi
# One writer: an event from the store in --format json is the line replay
# --detect printed (closed events and, for the dark vessel, an open one).
for pair in "amsa.nmea a1.db" "dark.nmea dark.db"; do
    set -- $pair
    "$ATALAYA" replay --detect "$tmp/$1" 2>/dev/null | sort >"$tmp/replay.jsonl"
    "$ATALAYA" query --store "sqlite:$tmp/$2" --format json events | sed 's/^{"id":[0-9]*,/{/' | sort >"$tmp/query.jsonl"
    if [ -s "$tmp/replay.jsonl" ] && cmp -s "$tmp/replay.jsonl" "$tmp/query.jsonl"; then
        echo "ok - $1: query events --format json gives replay --detect's lines byte for byte ($(wc -l <"$tmp/query.jsonl") events, with the row id)"
    else
        echo "not ok - $1: query events and replay --detect differ"; diff "$tmp/replay.jsonl" "$tmp/query.jsonl" | head -4 | sed 's/^/# /'
    fi
done

# kill -9 during a large ingest (the AMSA log twenty times over, gzip members
# concatenated): what was committed is a prefix of a complete run, the file
# passes integrity_check, and a second run completes on it.
big=$tmp/big.gz
for _ in $(seq 20); do cat "$root/tests/samples/ais/amsa/ais.txt.gz"; done >"$big"
"$ATALAYA" ingest --store "sqlite:$tmp/full.db" --batch 1000 "$big" 2>/dev/null
"$ATALAYA" ingest --store "sqlite:$tmp/crash.db" --batch 1000 "$big" 2>/dev/null &
pid=$!
# Kill once the first batches are committed, however fast the ingest is
# (a fixed sleep outlasts a fast build's whole run).
for _ in $(seq 100); do
    n=$(sqlite3 "$tmp/crash.db" "SELECT count(*) FROM position" 2>/dev/null || true)
    [ "${n:-0}" -ge 3000 ] && break
    sleep 0.05
done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
kept=$(sqlite3 "$tmp/crash.db" "SELECT count(*) FROM position")
full=$(sqlite3 "$tmp/full.db" "SELECT count(*) FROM position")
q="SELECT kind,id,t,lat,lon,speed,course,source FROM position ORDER BY rowid LIMIT $kept"
if [ "$kept" -gt 0 ] && [ "$kept" -lt "$full" ] &&
   [ "$(sqlite3 "$tmp/crash.db" "$q" | md5sum)" = "$(sqlite3 "$tmp/full.db" "$q" | md5sum)" ] &&
   [ "$(sqlite3 "$tmp/crash.db" "PRAGMA integrity_check")" = ok ]; then
    echo "ok - kill -9 keeps the committed batches ($kept of $full positions), integrity ok"
else
    echo "not ok - after kill -9: $kept of $full positions, $(sqlite3 "$tmp/crash.db" "PRAGMA integrity_check" | head -1)"
fi
if "$ATALAYA" ingest --positions all --store "sqlite:$tmp/crash.db" "$log" 2>/dev/null &&
   [ "$(sqlite3 "$tmp/crash.db" "PRAGMA integrity_check")" = ok ] &&
   [ "$(sqlite3 "$tmp/crash.db" "SELECT count(*) FROM position")" = $((kept + npos)) ]; then
    echo "ok - a second run after the crash continues cleanly"
else
    echo "not ok - second run after the crash"
fi

# Area query through the segment R*Tree: one row per entity with a fix in the
# box, the same entities and latest fixes a plain scan of the table finds, for
# several boxes and windows (whole store, a few hours, ten minutes).
span=$(sqlite3 "$tmp/amsa.db" "SELECT min(t) || ' ' || max(t) FROM position")
t0=${span% *}; t9=${span#* }
area_ok=1; area_n=0
for box in "-11 142 -10 143" "-40 110 -10 155" "-34 151 -33.5 151.5" "-20 115 -19 117"; do
    for win in "$t0 $t9" "$((t0 + 3600000)) $((t0 + 4 * 3600000))" "$((t9 - 600000)) $t9"; do
        set -- $box; la0=$1 lo0=$2 la1=$3 lo1=$4; set -- $win; from=$1 to=$2
        got=$("$ATALAYA" query --store "sqlite:$tmp/amsa.db" --from "$from" --to "$to" --format json area -- $box |
              python3 -c 'import json,sys; [print(r["mmsi"], r["t_ms"]) for r in map(json.loads, sys.stdin)]')
        want=$(sqlite3 -separator ' ' "$tmp/amsa.db" "SELECT id, max(t) FROM position
            WHERE lat BETWEEN $la0 AND $la1 AND lon BETWEEN $lo0 AND $lo1 AND t BETWEEN $from AND $to
            GROUP BY kind, id ORDER BY kind, id")
        [ "$got" = "$want" ] || { area_ok=0; echo "# area $box [$from, $to]: got '$got', want '$want'"; }
        area_n=$((area_n + $(printf '%s' "$want" | grep -c .)))
    done
done
if [ "$area_ok" = 1 ] && [ "$area_n" -gt 0 ]; then
    echo "ok - area query matches a table scan over 12 boxes and windows ($area_n entity fixes)"
else
    echo "not ok - area query differs from a table scan"
fi

# Retention counts event time: with --retain-days 0.001 (86.4 s) only the last
# 86.4 s before the newest message remain.
"$ATALAYA" ingest --store "sqlite:$tmp/ret.db" --retain-days 0.001 "$root/tests/samples/ais/amsa/ais.txt.gz"
span=$(sqlite3 "$tmp/ret.db" "SELECT (SELECT max(t) FROM position) - min(t) FROM position")
left=$(sqlite3 "$tmp/ret.db" "SELECT count(*) FROM position")
all=$(sqlite3 "$tmp/amsa.db" "SELECT count(*) FROM position")
if [ "$span" -le 86400 ] && [ "$left" -gt 0 ] && [ "$left" -lt "$all" ]; then
    echo "ok - retention keeps the last 86.4 s of event time ($left of $all positions)"
else
    echo "not ok - retention: span $span ms, $left of $all positions"
fi

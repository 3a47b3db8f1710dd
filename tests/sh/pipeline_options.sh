#!/usr/bin/env bash
# One option table for replay, ingest and run: a detector threshold set with
# --set or in a config file changes what every one of them detects, and
# `atalaya config --defaults` lists the three commands.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ATALAYA" simulate "$root/tests/scenarios/levant.json" --ais a.nmea --modes m.beast --truth t.jsonl --seed 23 \
    --hours 30 2>/dev/null || { echo "not ok - simulate"; exit 1; }
gaps() { grep -c '"event":"ais_gap"' "$1"; }
"$ATALAYA" replay --detect a.nmea >default.out 2>/dev/null
"$ATALAYA" replay --detect --set gap.min_h=40 a.nmea >set.out 2>/dev/null
printf '# thresholds\n[replay]\nstats = false\ngap.min_h = 40\n' >t.conf
"$ATALAYA" replay --detect --config t.conf a.nmea >conf.out 2>/dev/null
d=$(gaps default.out) s=$(gaps set.out) c=$(gaps conf.out)
if [ "$d" -gt 0 ] && [ "$s" -eq 0 ] && [ "$c" -eq 0 ]; then
    echo "ok - replay: --set gap.min_h=40 and the same in a config file leave no gaps ($d by default)"
else
    echo "not ok - replay gaps: default $d, --set $s, config $c"
fi
"$ATALAYA" ingest --quiet --store sqlite:a.db --set gap.min_h=40 a.nmea
"$ATALAYA" run --store sqlite:b.db --set gap.min_h=40 a.nmea >run.out 2>/dev/null
na=$("$ATALAYA" query --store sqlite:a.db --count events --kind ais_gap)
nb=$("$ATALAYA" query --store sqlite:b.db --count events --kind ais_gap)
if [ "$na" = 0 ] && [ "$nb" = 0 ] && [ "$(gaps run.out)" = 0 ]; then
    echo "ok - ingest and run take --set as replay does"
else
    echo "not ok - gaps stored: ingest $na, run $nb"
fi
if ! "$ATALAYA" replay --set gap.bogus=1 a.nmea >/dev/null 2>err && grep -q "unknown threshold 'gap.bogus'" err; then
    echo "ok - an unknown threshold is refused: $(head -n1 err)"
else
    echo "not ok - an unknown threshold was not refused"
fi
"$ATALAYA" config --defaults >defaults.txt
if grep -q '^\[replay\]' defaults.txt && grep -q '^\[ingest\]' defaults.txt && grep -q '^\[run\]' defaults.txt &&
    grep -q 'gap.min_h' defaults.txt; then
    echo "ok - config --defaults lists replay, ingest, run and the thresholds"
else
    echo "not ok - config --defaults misses a command"; head -n 20 defaults.txt | sed 's/^/# /'
fi

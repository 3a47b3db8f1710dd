#!/usr/bin/env bash
# ais_corrupt.sh: about 10% corrupted lines (bit flips, truncations, binary
# junk, 100 kB lines, fragments that never complete) inserted into AMSA's
# real log must not change a single decoded message, and every inserted line
# must show up in --stats.
set -u
command -v python3 >/dev/null || { echo "# SKIP python3 missing"; exit 77; }
log=$ATALAYA_ROOT/tests/samples/ais/amsa/ais.txt.gz
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }

counts=$(python3 "$ATALAYA_ROOT/tests/sh/ais_corrupt_gen.py" "$log" "$tmp/dirty.nmea" 2) || { nok generator; exit 1; }
echo "# inserted: $counts"
set -- $counts
junk=$2 orphans=$4 overlong=$6

"$ATALAYA" decode --input nmea --stats "$log" >"$tmp/clean.json" 2>"$tmp/clean.stats" || nok "decode clean"
"$ATALAYA" decode --input nmea --stats "$tmp/dirty.nmea" >"$tmp/dirty.json" 2>"$tmp/dirty.stats" || nok "decode dirty"

if cmp -s "$tmp/clean.json" "$tmp/dirty.json" && [ -s "$tmp/clean.json" ]; then
    ok "every good message decodes exactly as without the junk ($(wc -l <"$tmp/clean.json") messages)"
else
    nok "good messages changed by junk"
    diff "$tmp/clean.json" "$tmp/dirty.json" | head -n 10
fi

stat() { awk -F': ' -v k="$2" '$1 == k { print $2 }' "$1"; }
delta() { echo $(($(stat "$tmp/dirty.stats" "$1") - $(stat "$tmp/clean.stats" "$1"))); }
bad_delta=0
for k in bad_checksum bad_armor bad_sentence overlong not_ais; do
    bad_delta=$((bad_delta + $(delta $k)))
done
[ "$(delta lines)" -eq "$junk" ] && ok "lines: +$junk" || nok "lines: +$(delta lines), want +$junk"
[ "$(delta messages)" -eq 0 ] && ok "messages unchanged" || nok "messages changed by $(delta messages)"
[ "$(delta orphans)" -eq "$orphans" ] && ok "orphans: +$orphans" || nok "orphans: +$(delta orphans), want +$orphans"
[ "$(delta overlong)" -eq "$overlong" ] && ok "overlong: +$overlong" || nok "overlong: +$(delta overlong), want +$overlong"
[ "$bad_delta" -eq $((junk - orphans)) ] && ok "every other junk line counted as bad or not AIS (+$bad_delta)" ||
    nok "bad lines: +$bad_delta, want +$((junk - orphans))"
[ "$(delta bad_checksum)" -gt 0 ] && ok "bit flips and truncations caught by the checksum (+$(delta bad_checksum))" ||
    nok "no checksum errors counted"

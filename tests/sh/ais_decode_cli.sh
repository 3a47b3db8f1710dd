#!/usr/bin/env bash
# ais_decode_cli.sh: `atalaya decode` on AIS input end to end: formats, stdin
# and compressed input, --stats, and exit status on a damaged input.
set -u
s=$ATALAYA_ROOT/tests/samples/ais
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fi; }

"$ATALAYA" decode --stats "$s/amsa/ais.txt.gz" >"$tmp/a.json" 2>"$tmp/a.stats"
t "json: one object per message" '[ "$(wc -l <"$tmp/a.json")" -eq "$(awk -F": " "\$1==\"messages\"{print \$2}" "$tmp/a.stats")" ]'
t "json: every line parses" 'python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$tmp/a.json"'
t "stats: lines read" 'grep -qx "lines: 44687" "$tmp/a.stats"'
zcat "$s/amsa/ais.txt.gz" | "$ATALAYA" decode >"$tmp/b.json"
t "stdin gives the same as a .gz file" 'cmp -s "$tmp/a.json" "$tmp/b.json"'
zcat "$s/amsa/ais.txt.gz" | sed 's/$/\r/' | "$ATALAYA" decode --input nmea >"$tmp/c.json"
t "CRLF line ends give the same" 'cmp -s "$tmp/a.json" "$tmp/c.json"'

"$ATALAYA" decode --format csv --stats "$s/libais/typeexamples.nmea" >"$tmp/t.csv" 2>"$tmp/t.stats"
t "csv: header once, then one row per message" '[ "$(grep -c "^time,source," "$tmp/t.csv")" -eq 1 ] && [ "$(wc -l <"$tmp/t.csv")" -eq $((1 + $(awk -F": " "\$1==\"messages\"{print \$2}" "$tmp/t.stats"))) ]'
t "csv: USCG station and time" 'grep -q "^2012-01-01T05:01:00.000Z,r003669946,A,1,0,367033650," "$tmp/t.csv"'
t "format none: no output" '[ ! -s "$("$ATALAYA" decode --format none "$s/libais/typeexamples.nmea" >"$tmp/n.out"; echo "$tmp/n.out")" ]'
t "-u: unscaled" '"$ATALAYA" decode -u "$s/libais/typeexamples.nmea" | head -n 1 | grep -q "\"scaled\":false"'
t "tag block time and source in JSON" '"$ATALAYA" decode "$s/libais/tagblock.nmea" | head -n 1 | grep -q "\"time\":\"2014-12-10T00:41:53.000Z\",\"source\":\"rORBCOMM104\""'
t "Gatehouse time in JSON" '"$ATALAYA" decode "$s/pyais/gatehouse.nmea" | head -n 1 | grep -q "\"time\":\"2008-05-09T00:00:00.010Z\""'

# A directory opens but cannot be read: the file before it is still decoded.
"$ATALAYA" decode --input nmea "$s/libais/tagblock.nmea" "$tmp" >"$tmp/d.json" 2>/dev/null; rc=$?
t "read error: exit 2 after the readable input" '[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/d.json")" -eq 4 ]'

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

# Navigational status 11, 12 and 14 (ITU-R M.1371-5 table 50) in types 1 and
# 27: code and legend, in JSON and CSV. The sentences are built here, bit by bit.
python3 - >"$tmp/st.nmea" <<'PY'
def nmea(fields):
    bits = "".join(format(v & ((1 << n) - 1), "0%db" % n) for v, n in fields)
    bits += "0" * (-len(bits) % 6)
    p = "".join(chr(v + 48 if v < 40 else v + 56) for v in (int(bits[i:i + 6], 2) for i in range(0, len(bits), 6)))
    body = "AIVDM,1,1,,A,%s,0" % p
    c = 0
    for ch in body:
        c ^= ord(ch)
    return "!%s*%02X" % (body, c)
for st in (11, 12, 14):
    # type 1: type, repeat, mmsi, status, turn, speed, accuracy, lon, lat, course, heading, second, maneuver, spare, raim, radio
    print(nmea([(1, 6), (0, 2), (970012345, 30), (st, 4), (-128, 8), (0, 10), (1, 1), (int(-5.5 * 600000), 28),
                (int(43.25 * 600000), 27), (3600, 12), (511, 9), (10, 6), (0, 2), (0, 3), (0, 1), (0, 19)]))
    # type 27: type, repeat, mmsi, accuracy, raim, status, lon, lat, speed, course, gnss, spare
    print(nmea([(27, 6), (0, 2), (244110563, 30), (0, 1), (0, 1), (st, 4), (int(4.5 * 600), 18),
                (int(52.1 * 600), 17), (12, 6), (90, 9), (0, 1), (0, 1)]))
PY
"$ATALAYA" decode "$tmp/st.nmea" >"$tmp/st.json"
"$ATALAYA" decode --format csv "$tmp/st.nmea" >"$tmp/st.csv"
t "status 11/12/14 legends, types 1 and 27, code beside" 'python3 - "$tmp/st.json" <<PY
import json, sys
want = {11: "Power-driven vessel towing astern", 12: "Power-driven vessel pushing ahead or towing alongside",
        14: "AIS-SART active (MOB-AIS, EPIRB-AIS)"}
got = [(m["type"], m["status"], m["status_text"]) for m in map(json.loads, open(sys.argv[1]))]
exp = [(t, s, want[s]) for s in (11, 12, 14) for t in (1, 27)]
sys.exit(0 if got == exp else print(got) or 1)
PY'
t "status legends in CSV" 'grep -q ",14,\"AIS-SART active (MOB-AIS, EPIRB-AIS)\"," "$tmp/st.csv" && grep -c ",11,Power-driven vessel towing astern," "$tmp/st.csv" | grep -qx 2'

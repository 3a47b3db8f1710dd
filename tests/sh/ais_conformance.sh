#!/usr/bin/env bash
# AIS conformance: atalaya decode against gpsd's and libais's expected outputs,
# field by field (tests/tools/ais_compare.py; tolerated differences are the ones
# in docs/ais-differences.md and nothing else).
set -u
root=${ATALAYA_ROOT:-.}
s=$root/tests/samples/ais
cmp=$root/tests/tools/ais_compare.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check() { # name expected input [--libais]
    local name=$1 exp=$2 in=$3; shift 3
    local u=; grep -q '"scaled":false' "$exp" && u=-u  # gpsd's daemon logs are unscaled
    if ! "$ATALAYA" decode $u "$in" >"$tmp/out.json" 2>"$tmp/err"; then
        echo "not ok - $name (decode failed: $(head -c 200 "$tmp/err"))"; return
    fi
    if python3 "$cmp" "$@" "$exp" "$tmp/out.json" >"$tmp/report"; then
        echo "ok - $name: $(head -n 1 "$tmp/report")"
    else
        echo "not ok - $name"; cat "$tmp/report"
    fi
}
# gpsd's regression sample of every type, and its daemon logs (their .chk holds
# gpsd's JSON for every line; the comparer keeps the AIS ones).
check "gpsd sample.aivdm" "$s/gpsd/sample.aivdm.js.chk" "$s/gpsd/sample.aivdm"
for log in "$s"/gpsd/*.log; do
    check "gpsd $(basename "$log")" "$log.chk" "$log"
done
check "libais typeexamples" "$s/libais/typeexamples.json" "$s/libais/typeexamples.nmea" --libais
check "libais tagblock" "$s/libais/tagblock.json" "$s/libais/tagblock.nmea" --libais
# Live differential on libais's 345-message test log when gpsdecode is installed.
if command -v gpsdecode >/dev/null; then
    grep -v '^#' "$s/libais/test.aivdm" | gpsdecode -j >"$tmp/g.json" 2>/dev/null
    check "gpsdecode differential libais test.aivdm" "$tmp/g.json" "$s/libais/test.aivdm"
else
    echo "ok - gpsdecode differential # SKIP gpsdecode not installed"
fi

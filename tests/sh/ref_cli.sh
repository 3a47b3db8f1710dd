#!/usr/bin/env bash
# atalaya registry / watchlist / lookup end to end: the real OFAC SDN list
# (bundled copy) into a fresh store, then lookups through the CLI.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/t.db
export ATALAYA_DATA=$root/data
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }
has() { # name json pattern...
    local name=$1 json=$2; shift 2
    for p in "$@"; do
        case $json in *"$p"*) ;; *) nok "$name (missing $p in: ${json:0:300})"; return ;; esac
    done
    ok "$name"
}

"$ATALAYA" watchlist --db "$db" import --format ofac-sdn "$root/data/sanctions/sdn_2024-05-03.csv.gz" 2>"$tmp/err" \
    && grep -q '851 vessels (844 with IMO, 154 with MMSI), 376 aircraft' "$tmp/err" \
    && ok "sdn import: $(head -c 300 "$tmp/err")" || nok "sdn import: $(cat "$tmp/err")"
n=$("$ATALAYA" watchlist --db "$db" list --kind vessel | wc -l)
[ "$n" -eq 851 ] && ok "list --kind vessel: 851" || nok "list --kind vessel: $n"
# Importing again replaces the list.
"$ATALAYA" watchlist --db "$db" import --format ofac-sdn "$root/data/sanctions/sdn_2024-05-03.csv.gz" 2>/dev/null
n=$("$ATALAYA" watchlist --db "$db" list --list ofac-sdn | wc -l)
[ "$n" -eq 14965 ] && ok "re-import replaces: $n entries" || nok "re-import: $n entries"

has "lookup mmsi FORTUNE" "$("$ATALAYA" lookup --db "$db" mmsi 422303000)" \
    '"flag":"Iran' '"rule":"mmsi"' '"entry_num":"15068"' '"list_date":"2024-05-03"'
has "lookup imo FOREST" "$("$ATALAYA" lookup --db "$db" imo 9283760)" '"rule":"imo"' '"name":"FOREST"'
has "lookup callsign Conviasa" "$("$ATALAYA" lookup --db "$db" callsign VCV123)" \
    '"icao":"VCV"' '"rule":"operator"' '"entry_num":"28230"'
has "lookup vessel name" "$("$ATALAYA" lookup --db "$db" vessel 'M/T Amuay.')" '"rule":"name"' '"weak":true'
has "lookup clean vessel" "$("$ATALAYA" lookup --db "$db" mmsi 244123456)" '"watchlist":[]' '"flag":"Netherlands'
has "lookup point" "$("$ATALAYA" lookup --db "$db" point 43.63 1.37)" '"country":"France"' '"icao":"LFBO"'

# Without $ATALAYA_DATA the binary finds ../../data beside itself (build/<mode>/atalaya).
has "data dir beside the binary" "$(env -u ATALAYA_DATA "$ATALAYA" lookup --db "$tmp/none.db" mmsi 374123000)" \
    '"flag":"Panama' '"watchlist":[]'
has "missing data dir" "$(ATALAYA_DATA=$tmp/nowhere "$ATALAYA" lookup mmsi 1 2>&1)" 'reference data not found'

# The user's own list, add and remove.
printf 'kind,name,mmsi,flag,program,note\nvessel,Sea Star,244123456,Netherlands,mine,test\n' >"$tmp/mine.csv"
"$ATALAYA" watchlist --db "$db" import --format csv --list mine "$tmp/mine.csv" 2>/dev/null
has "csv list matches" "$("$ATALAYA" lookup --db "$db" mmsi 244123456)" '"list":"mine"' '"rule":"mmsi"'
id=$("$ATALAYA" watchlist --db "$db" add --kind aircraft --name 'Test jet' --icao24 abc123)
has "add" "$("$ATALAYA" lookup --db "$db" icao24 ABC123)" '"rule":"icao24"' '"name":"Test jet"'
"$ATALAYA" watchlist --db "$db" remove "$id" && has "remove" "$("$ATALAYA" lookup --db "$db" icao24 abc123)" '"watchlist":[]' \
    || nok "remove $id"
"$ATALAYA" watchlist --db "$db" remove "$id" 2>/dev/null; [ $? -eq 1 ] && ok "remove twice: exit 1" || nok "remove twice"

# Registry: a small table always; the 619k-row demo table when the shared data is there.
printf 'icao24,registration,icao_type,db_flags,description\n731821,EP-FAA,B742,00,BOEING 747-200\n' >"$tmp/reg.csv"
"$ATALAYA" registry --db "$db" import "$tmp/reg.csv" 2>/dev/null
has "registry rule" "$("$ATALAYA" lookup --db "$db" icao24 731821)" '"registration":"EP-FAA"' '"rule":"registry"' '"entry_num":"26345"'
big=${ATALAYA_SHARED_DATA:-}/ref/aircraft_db/aircraft_icao24_registry.csv.gz
if [ -r "$big" ]; then
    s=$(date +%s.%N)
    "$ATALAYA" registry --db "$tmp/big.db" import "$big" 2>"$tmp/err"
    t=$(awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    grep -q 'imported 619472 aircraft' "$tmp/err" && awk -v t="$t" 'BEGIN { exit !(t < 20) }' \
        && ok "registry import 619472 rows in ${t}s" || nok "registry import: $(cat "$tmp/err") in ${t}s"
    has "registry by reg" "$("$ATALAYA" registry --db "$tmp/big.db" reg yv1004)" '"icao24":"0d80ae"' '"type":"A342"'
else
    echo "ok - registry import 619k # SKIP no shared data"
fi

# OpenSanctions FollowTheMoney (a small file written for the tests), beside the SDN list:
# the lookup finds the FtM entry with its datasets, sanction authority and listing date.
s=$root/tests/samples/sanctions
"$ATALAYA" watchlist --db "$db" import --format ftm "$s/entities.ftm.json" 2>"$tmp/err" \
    && grep -q '2 not entities' "$tmp/err" && grep -q '2 identifiers flagged invalid' "$tmp/err" \
    && ok "ftm import: $(head -c 200 "$tmp/err")" || nok "ftm import: $(cat "$tmp/err")"
has "lookup imo from FtM" "$("$ATALAYA" lookup --db "$db" imo 9176541)" '"list":"opensanctions"' \
    '"dataset":["us_ofac_sdn","eu_fsf"]' '"authority":["Office of Foreign Assets Control","Council of the European Union"]' \
    '"listed":["2024-02-23","2024-06-24"]' '"source_url":["https://sanctions.example.org/vessel/1"'
"$ATALAYA" watchlist --db "$db" import --format ftm --list os-nested "$s/targets.nested.json" 2>/dev/null
has "lookup callsign: FtM operator by designator" "$("$ATALAYA" lookup --db "$db" callsign VCV77)" \
    '"list":"os-nested"' '"entry_num":"n-org-2"' '"entry_num":"28230"'
has "OFAC suffixed IMO (ARCTICA 1) matches" "$("$ATALAYA" lookup --db "$db" imo 9228980)" '"name":"ARCTICA 1"' '"imo":["9228980"]'
n=$("$ATALAYA" watchlist --db "$db" list --list ofac-sdn | wc -l)
[ "$n" -eq 14965 ] && ok "ftm lists beside ofac-sdn: $n SDN entries kept" || nok "ofac-sdn after ftm: $n"

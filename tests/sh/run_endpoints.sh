#!/usr/bin/env bash
# `atalaya run` endpoints: every default port `run --help` lists is the one an
# endpoint without :PORT gets (seen through --dry-run, which opens nothing);
# "raw" is dump1090's name for AVR; an endpoint with no conventional port, a
# bad port or an output that does not listen is refused with its name in the
# message.
set -u
A=${ATALAYA:?}
n=0
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
help=$("$A" run --help)
table=$(printf '%s\n' "$help" | awk '$1 ~ /^[a-z]+\+(tcp|listen|udp)$/ && ($2 == "input" || $2 == "output") && $3 ~ /^[0-9]+$/ {print $1, $2, $3}')
bad=""
while read -r name dir port; do
    n=$((n + 1))
    got=$("$A" run --dry-run "--$dir" "$name://" 2>&1)
    [ "$got" = "$dir $name://127.0.0.1:$port" ] || bad="$bad [$name $dir: help says $port, got '$got']"
done <<<"$table"
if [ "$n" -eq 12 ] && [ -z "$bad" ]; then ok "each of the $n default ports in --help is what run uses"; else nok "help and behaviour differ ($n rows)$bad"; fi

got=$("$A" run --dry-run --input raw+tcp://10.1.2.3 --input raw+listen://:31001 --output raw+listen:// 2>&1)
want=$'input avr+tcp://10.1.2.3:30002\ninput avr+listen://127.0.0.1:31001\noutput avr+listen://127.0.0.1:30002'
if [ "$got" = "$want" ]; then ok "raw+ is AVR, in and out"; else nok "raw+ alias: '$got'"; fi

got=$("$A" run --dry-run --input 'beast+tcp://[::1]' --input nmea+udp://0.0.0.0 --input some.bin 2>&1)
want=$'input beast+tcp://[::1]:30005\ninput nmea+udp://0.0.0.0:10110\ninput file some.bin'
if [ "$got" = "$want" ]; then ok "IPv6 in brackets, other hosts, files"; else nok "forms: '$got'"; fi

refused() { # spec option wanted-text
    local out rc
    out=$("$A" run --dry-run "$2" "$1" 2>&1); rc=$?
    [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -qF "'$1'" && printf '%s' "$out" | grep -qF "$3"
}
if refused sbs+listen:// --input "give :PORT" && refused sbs+udp://x --input "give :PORT" \
    && refused beast+tcp://x:70000 --input "1 to 65535" && refused beast+tcp://x:1 --output "listen" \
    && refused foo+tcp://x:1 --input "raw"; then
    ok "no conventional port, a bad port, a non-listening output: refused, naming the endpoint"
else
    nok "refusals"
fi
# The same refusal when run for real, before anything is opened.
out=$("$A" run --db /nonexistent --input sbs+listen://127.0.0.1 2>&1); rc=$?
if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -qF "give :PORT"; then ok "run refuses it too (status $rc)"; else nok "run: status $rc, '$out'"; fi

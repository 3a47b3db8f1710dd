#!/usr/bin/env bash
# `decode --input iq+rtltcp://...` against a small rtl_tcp emulator
# (rtltcp_emu.py, 127.0.0.1 only) serving recordings: the same output as
# decoding the file, the tuning commands the emulator received, no sample
# dropped at 2.4 MS/s in real time, reconnection after a cut, and a clear
# end (no hang) for a server that sends garbage or stops sending.
set -u
at=${ATALAYA:-build/rel/atalaya}
root=${ATALAYA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

. "$root/tests/sh/rtltcp_lib.sh"
# reap: waits for the last emulator, at most 20 s (a test must not hang).
reap() {
    local p=${pids[-1]}
    for _ in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
}

vessels_json "DEMO rtltcp" >"$tmp/s.json"
"$at" simulate "$tmp/s.json" --hours 0.005 --ais-iq "$tmp/a.cu8" --snr 22 2>/dev/null
t0=2026-01-12T00:00:00Z
"$at" decode --band ais --sample-rate 288k --start-time $t0 --format nmea "$tmp/a.cu8" >"$tmp/ref.nmea"

name="rtltcp: AIS over rtl_tcp gives the file's sentences; commands rate, ppm, freq, gain, agc"
emu ais --file "$tmp/a.cu8"
timeout 60 "$at" decode --band ais --start-time $t0 --format nmea \
    --input "iq+rtltcp://127.0.0.1:$port?gain=49.6&ppm=-3&agc=1&retries=1" >"$tmp/ais.nmea" 2>"$tmp/ais.err"
reap
ok python3 - "$tmp/ref.nmea" "$tmp/ais.nmea" "$tmp/ais.log" <<'PY'
import json, sys
ref, got = open(sys.argv[1]).read(), open(sys.argv[2]).read()
assert ref == got and ref.count("AIVDM") > 5, (ref.count("\n"), got.count("\n"))
cmds = [json.loads(l) for l in open(sys.argv[3]) if '"cmd"' in l]
want = [(2, 288000), (5, -3), (1, 162000000), (3, 1), (4, 496), (8, 1)]
assert [(c["cmd"], c["value"]) for c in cmds] == want, cmds
PY

name="rtltcp: Mode S at 2.4 MS/s in real time: no sample dropped, the file's frames, auto gain"
# The 2.4 MS/s sample four times over: 1.4 s of samples in real time.
iq=$tmp/modes4.bin
for _ in 1 2 3 4; do cat "$root/tests/samples/modes/dump1090/modes1_2m4.bin"; done >"$iq"
"$at" decode --input iq --sample-rate 2.4M --format avr "$iq" >"$tmp/ref.avr"
emu modes --file "$iq" --rate 2400000
timeout 60 "$at" decode --format avr --stats --input "iq+rtltcp://127.0.0.1:$port?retries=1" >"$tmp/modes.avr" 2>"$tmp/modes.err"
reap
ok python3 - "$tmp/ref.avr" "$tmp/modes.avr" "$tmp/modes.log" "$iq" "$tmp/modes.err" <<'PY'
import json, os, sys
assert open(sys.argv[1]).read() == open(sys.argv[2]).read()
log = [json.loads(l) for l in open(sys.argv[3])]
cmds = [(c["cmd"], c["value"]) for c in log if "cmd" in c]
assert cmds == [(2, 2400000), (1, 1090000000), (3, 0), (8, 0)], cmds
end = log[-1]
assert end["dropped"] == 0 and end["served"] == os.path.getsize(sys.argv[4]), end
assert "rtl_tcp sample bytes: %d" % end["served"] in open(sys.argv[5]).read()
PY

name="rtltcp: a connection cut half way is reconnected and decoding goes on"
emu cut --file "$tmp/a.cu8" --mode drop-once
timeout 60 "$at" decode --band ais --start-time $t0 --format nmea --stats \
    --input "iq+rtltcp://127.0.0.1:$port?retries=2" >"$tmp/cut.nmea" 2>"$tmp/cut.err"
reap
ok test "$(grep -c '^rtl_tcp connects: 2$' "$tmp/cut.err")" = 1 -a \
    "$(grep -c AIVDM "$tmp/cut.nmea")" -ge "$(( $(grep -c AIVDM "$tmp/ref.nmea") - 2 ))"

name="rtltcp: a server that is not rtl_tcp: counted bad headers, exit 2, no hang"
emu bad --file "$tmp/a.cu8" --mode garbage --connections 2
rc=0; timeout 30 "$at" decode --band ais --stats --input "iq+rtltcp://127.0.0.1:$port?retries=2" \
    >"$tmp/bad.out" 2>"$tmp/bad.err" || rc=$?
ok test "$rc" = 2 -a "$(grep -c '^rtl_tcp bad headers: 2$' "$tmp/bad.err")" = 1 -a ! -s "$tmp/bad.out"

name="rtltcp: a server that stops sending times out and the client gives up"
emu stall --file "$tmp/a.cu8" --mode stall
rc=0; timeout 30 "$at" decode --band ais --stats --input "iq+rtltcp://127.0.0.1:$port?retries=2&timeout=1" \
    >/dev/null 2>"$tmp/stall.err" || rc=$?
ok test "$rc" = 0 -a "$(grep -c '^rtl_tcp timeouts: 2$' "$tmp/stall.err")" = 1

name="rtltcp: nothing listening: refused, gives up (exit 2); bad URLs are errors"
rc=0; timeout 30 "$at" decode --band ais --input "iq+rtltcp://127.0.0.1:1?retries=2" >/dev/null 2>"$tmp/ref.err" || rc=$?
r2=0; "$at" decode --band ais --input "iq+rtltcp://127.0.0.1:1234?frq=1" 2>/dev/null || r2=$?
r3=0; "$at" decode --band ais --input "iq+rtltcp://127.0.0.1:1234?rate=5M" 2>/dev/null || r3=$?
r4=0; "$at" decode --band ais --iq-format cs16 --input "iq+rtltcp://127.0.0.1:1234" 2>/dev/null || r4=$?
ok test "$rc" = 2 -a "$r2" = 1 -a "$r3" = 1 -a "$r4" = 1

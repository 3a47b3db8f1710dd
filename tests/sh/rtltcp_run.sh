#!/usr/bin/env bash
# `atalaya run --input iq+rtltcp://...?band=...` against the rtl_tcp emulator
# (rtltcp_emu.py, 127.0.0.1 only): AIS from the simulator's I/Q stores the
# vessels its truth names, Mode S from the 2.4 MS/s sample gives what the
# file gives; the tuning commands received; samples shed by the server are
# counted; a late server is found and its AIS re-broadcast as NMEA with tag
# blocks; a connection cut mid-stream is
# reconnected and decoding goes on; a server that is not rtl_tcp or that falls
# silent is a counted error the run survives; rtlsdr:// without a dongle is a
# clear error. Every wait is bounded.
set -u
at=${ATALAYA:-build/rel/atalaya}
case $at in /*) ;; *) at=$PWD/$at ;; esac
root=${ATALAYA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

. "$root/tests/sh/rtltcp_lib.sh"
# waitpid PID SECONDS: waits for a process to end, at most SECONDS.
waitpid() {
    for _ in $(seq $(( $2 * 10 ))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    return 1
}
# runbg NAME ARGS...: atalaya run in the background (stats to NAME.err), sets $run_pid.
runbg() {
    local n=$1; shift
    "$at" run --db /nonexistent --no-detect --stats --stats-interval 100 "$@" >"$tmp/$n.out" 2>"$tmp/$n.err" &
    run_pid=$!
    pids+=($run_pid)
}
# stop PID: SIGTERM, then its exit status in $rc (124: it did not stop in 10 s).
stop() {
    kill -TERM "$1" 2>/dev/null
    if waitpid "$1" 10; then wait "$1"; rc=$?; else rc=124; kill -9 "$1" 2>/dev/null; fi
}

vessels_json "DEMO rtltcp run" >"$tmp/s.json"
"$at" simulate "$tmp/s.json" --hours 0.005 --ais-iq "$tmp/a.cu8" --ais-iq-truth "$tmp/a.truth" --snr 22 >/dev/null 2>&1
# The vessels the truth names (MMSI from each burst's payload) and the
# messages decode finds in the file: what run must find from rtl_tcp.
python3 - "$tmp/a.truth" >"$tmp/truth.mmsi" <<'PY'
import json, sys
def mmsi(p):
    bits = "".join(format((ord(c) - 48) - (8 if ord(c) - 48 > 40 else 0), "06b") for c in p)
    return int(bits[8:38], 2)
print("\n".join(sorted({str(mmsi(b["payload"])) for b in map(json.loads, open(sys.argv[1])) if not b["collided"]})))
PY
nref=$("$at" decode --band ais --sample-rate 288k --format nmea "$tmp/a.cu8" | grep -c AIVDM)

# store_mmsi DB: the vessels in a store.
store_mmsi() { sqlite3 "$1" "select distinct id from identity where kind = 1 union select distinct id from position where kind = 1" | sort; }
# stat NAME FIELD [PORT]: a counter from the latest rtl_tcp stats line of NAME.err.
stat() { sed -n "s/.*rtl_tcp [0-9.]*:${3:-[0-9]*} .*[:;,(] \{0,1\}$2 \([0-9]*\).*/\1/p" "$tmp/$1.err" | tail -1; }

name="rtltcp run: AIS band over rtl_tcp stores the vessels the truth names, at arrival time; commands freq, rate, gain, ppm"
emu ais --file "$tmp/a.cu8"
t0=$(date +%s)
timeout 60 "$at" run --db /nonexistent --no-detect --stats --end-with-feeds --store "sqlite:$tmp/ais.db" \
    --input "iq+rtltcp://127.0.0.1:$port?band=ais&gain=49.6&ppm=-3" >/dev/null 2>"$tmp/ais.err"
rc=$?
waitpid "$emu_pid" 10
ok python3 - "$tmp/truth.mmsi" "$tmp/ais.log" "$tmp/ais.err" "$rc" "$t0" "$nref" "$tmp/ais.db" "$tmp/a.cu8" <<'PY'
import json, os, sqlite3, sys, time
truth, log, err, rc, t0, nref, db, iq = sys.argv[1:]
assert rc == "0", rc
want = set(open(truth).read().split())
con = sqlite3.connect(db)
got = {str(r[0]) for r in con.execute("select id from identity where kind = 1 union select id from position where kind = 1")}
assert want and got == want, (want, got)
names = {r[0] for r in con.execute("select value from identity where field = 'name'")}
assert names & {"DEMO ONE", "DEMO TWO", "DEMO THREE"}, names
# Samples carry no time: positions take their arrival (now), not the scenario's 2026-01-12.
ts = [r[0] for r in con.execute("select t from position")]
assert ts and all(int(t0) * 1000 - 1000 <= t <= time.time() * 1000 + 1000 for t in ts), ts
cmds = [(c["cmd"], c["value"]) for c in map(json.loads, open(log)) if "cmd" in c]
assert cmds == [(2, 288000), (5, -3), (1, 162000000), (3, 1), (4, 496), (8, 0)], cmds
e = open(err).read()
assert "samples %d," % (os.path.getsize(iq) // 2) in e and ", ais %s," % nref in e, e
PY

name="rtltcp run: Mode S band at 2.4 MS/s in real time: the file's candidate frames and aircraft, no sample dropped"
iq=$tmp/modes4.bin
for _ in 1 2 3 4; do cat "$root/tests/samples/modes/dump1090/modes1_2m4.bin"; done >"$iq"
"$at" decode --input iq --sample-rate 2.4M --format none --stats "$iq" 2>"$tmp/ref_modes.err"
"$at" ingest --no-detect --store "sqlite:$tmp/ref_modes.db" "$iq" >/dev/null 2>&1
emu modes --file "$iq" --rate 2400000
timeout 60 "$at" run --db /nonexistent --no-detect --stats --end-with-feeds --store "sqlite:$tmp/modes.db" \
    --input "iq+rtltcp://127.0.0.1:$port?band=1090&gain=42" >/dev/null 2>"$tmp/modes.err"
rc=$?
waitpid "$emu_pid" 10
ok python3 - "$tmp/ref_modes.err" "$tmp/modes.err" "$tmp/modes.log" "$iq" "$rc" "$tmp/ref_modes.db" "$tmp/modes.db" <<'PY'
import json, os, re, sqlite3, sys
ref, err, log, iq, rc, rdb, db = sys.argv[1:]
assert rc == "0", rc
cand = int(re.search(r"candidate frames: (\d+)", open(ref).read()).group(1))
e = open(err).read()
assert "frames %d," % cand in e and cand > 1000, (cand, e)
assert "samples %d, dropped 0" % (os.path.getsize(iq) // 2) in e, e
ents = lambda d: set(sqlite3.connect(d).execute("select kind, id from identity union select kind, id from position"))
assert ents(rdb) and ents(rdb) == ents(db), (ents(rdb), ents(db))
log = [json.loads(l) for l in open(log)]
cmds = [(c["cmd"], c["value"]) for c in log if "cmd" in c]
assert cmds == [(2, 2400000), (1, 1090000000), (3, 1), (4, 420), (8, 0)], cmds
assert log[-1]["dropped"] == 0 and log[-1]["served"] == os.path.getsize(iq), log[-1]
PY

name="rtltcp run: samples a server sheds are counted as dropped (short of the rate)"
emu skip --file "$iq" --rate 2400000 --mode skip
timeout 60 "$at" run --db /nonexistent --no-detect --stats --end-with-feeds \
    --input "iq+rtltcp://127.0.0.1:$port?band=1090" >/dev/null 2>"$tmp/skip.err"
rc=$?
waitpid "$emu_pid" 10
# The emulator keeps time while it sends nothing: run sees the gap, less its
# 0.1 s of slack for bursty servers (240,000 samples at 2.4 MS/s).
ok python3 - "$tmp/skip.log" "$tmp/skip.err" "$rc" <<'PY'
import json, re, sys
log, err, rc = sys.argv[1:]
end = [json.loads(l) for l in open(log)][-1]
e = open(err).read()
got, short = map(int, re.findall(r"samples (\d+), dropped (\d+)", e)[-1])
shed = end["dropped"] // 2
assert rc == "0" and got == end["served"] // 2 and shed > 500000, (rc, got, end)
assert shed - 240000 - 100000 <= short <= shed, (shed, short)
PY

name="rtltcp run: a server that comes up late is connected to; its AIS goes out as NMEA with tag blocks (arrival time, level)"
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
q=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runbg late --input "iq+rtltcp://127.0.0.1:$p?band=ais" --output "nmea+listen://127.0.0.1:$q"
t0=$(date +%s)
python3 - "$q" "$nref" >"$tmp/late.nmea" <<'PY' &
import socket, sys, time
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20); break
    except OSError:
        time.sleep(0.05)
buf, end = b"", time.monotonic() + 20
while buf.count(b"AIVDM") < int(sys.argv[2]) and time.monotonic() < end:
    d = c.recv(65536)
    if not d:
        break
    buf += d
sys.stdout.write(buf.decode())
PY
client=$!
pids+=($client)
sleep 0.5
emu late --file "$tmp/a.cu8" --port "$p"
waitpid "$client" 25
stop "$run_pid"
ok python3 - "$tmp/late.nmea" "$nref" "$t0" "$rc" <<'PY'
import re, sys, time
lines, nref, t0, rc = open(sys.argv[1]).read().splitlines(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
assert rc == "0" and len(lines) == nref, (rc, len(lines), nref)
for l in lines:
    m = re.fullmatch(r"\\c:(\d+),i:(-?[\d.]+)dBFS\*[0-9A-F]{2}\\!AIVDM,\d,\d,\d?,[AB],[^*]+\*[0-9A-F]{2}", l)
    assert m, l
    assert t0 * 1000 <= int(m.group(1)) <= time.time() * 1000, l
PY

name="rtltcp run: a connection cut mid-stream is reconnected (counted) and decoding goes on"
emu cut --file "$tmp/a.cu8" --mode drop-once
runbg cut --input "iq+rtltcp://127.0.0.1:$port?band=ais" --stats-interval 0.5
waitpid "$emu_pid" 20
# Until every sample served is demodulated (a slow build takes a while), 20 s at most.
all=$(( $(wc -c <"$tmp/a.cu8") / 2 ))
for _ in $(seq 200); do [ "$(stat cut samples)" = "$all" ] && break; sleep 0.1; done
sleep 0.6
alive=no; kill -0 "$run_pid" 2>/dev/null && alive=yes
stop "$run_pid"
ok test "$alive" = yes -a "$rc" = 0 -a "$(stat cut connects)" = 2 -a "$(stat cut reconnects)" = 1 \
    -a "$(stat cut samples)" = "$all" \
    -a "$(sed -n 's/.*, ais \([0-9]*\),.*/\1/p' "$tmp/cut.err" | tail -1)" -ge $(( nref - 1 ))

name="rtltcp run: a server that is not rtl_tcp: counted bad headers, retried, the run goes on with its other input"
emu bad --file "$tmp/a.cu8" --mode garbage --connections 2
bad=$port
emu good --file "$tmp/a.cu8"
runbg bad --store "sqlite:$tmp/bad.db" --input "iq+rtltcp://127.0.0.1:$bad?band=ais" \
    --input "iq+rtltcp://127.0.0.1:$port?band=ais" --stats-interval 0.5
waitpid "$emu_pid" 20
waitpid "${pids[-3]}" 20
for _ in $(seq 200); do [ "$(stat bad samples "$port")" = "$all" ] && break; sleep 0.1; done
sleep 0.6
alive=no; kill -0 "$run_pid" 2>/dev/null && alive=yes
stop "$run_pid"
ok test "$alive" = yes -a "$rc" = 0 -a "$(grep -c "127.0.0.1:$bad (ais): not an rtl_tcp server (bad header)" "$tmp/bad.err")" = 2 \
    -a "$(stat bad samples "$bad")" = 0 -a "$(stat bad 'bad headers' "$bad")" = 2 \
    -a "$(store_mmsi "$tmp/bad.db")" = "$(cat "$tmp/truth.mmsi")"

name="rtltcp run: a server that falls silent times out (counted) and is tried again; the run survives"
emu stall --file "$tmp/a.cu8" --mode stall
runbg stall --input "iq+rtltcp://127.0.0.1:$port?band=ais&timeout=1"
sleep 2.5
alive=no; kill -0 "$run_pid" 2>/dev/null && alive=yes
stop "$run_pid"
ok test "$alive" = yes -a "$rc" = 0 -a "$(stat stall timeouts)" -ge 1 -a "$(stat stall samples)" = 5000 \
    -a "$(grep -c 'no samples for 1 s (timeout); trying again in 1 s' "$tmp/stall.err")" -ge 1

name="rtltcp run: nothing listening is retried with back-off; bad URLs and a missing band are errors"
p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runbg refused --input "iq+rtltcp://127.0.0.1:$p?band=ais"
sleep 2.5
stop "$run_pid"
r1=0; "$at" run --db /nonexistent --input "iq+rtltcp://127.0.0.1:$p" 2>"$tmp/r1.err" || r1=$?
r2=0; "$at" run --db /nonexistent --input "iq+rtltcp://127.0.0.1:$p?band=1090&rate=1M" 2>/dev/null || r2=$?
r3=0; "$at" run --db /nonexistent --input "iq+rtltcp://127.0.0.1:$p?band=vhf" 2>/dev/null || r3=$?
ok test "$rc" = 0 -a "$(grep -c 'trying again in [12] s' "$tmp/refused.err")" -ge 2 \
    -a "$r1" = 1 -a "$r2" = 1 -a "$r3" = 1 -a "$(grep -c 'band=ais (162 MHz) or band=1090' "$tmp/r1.err")" = 1

name="rtltcp run: --dry-run resolves rtl_tcp and rtlsdr inputs"
"$at" run --dry-run --input "iq+rtltcp://127.0.0.1:1234?band=ais&gain=40" --input "rtlsdr://1?band=1090&ppm=2" >"$tmp/dry.out"
ok diff - "$tmp/dry.out" <<'EOF2'
input rtl_tcp 127.0.0.1:1234 band ais freq 162000000 rate 288000 gain 40.0 dB ppm 0 agc 0
input rtlsdr 1 band 1090 freq 1090000000 rate 2400000 gain auto ppm 2 agc 0
EOF2

name="rtlsdr: without a dongle, a clear error and a non-zero exit (no crash); --help says whether it is built in"
rc=0; timeout 20 "$at" run --db /nonexistent --input "rtlsdr://0?band=ais" >/dev/null 2>"$tmp/dev.err" || rc=$?
if "$at" run --help 2>&1 | grep -q 'librtlsdr: built in'; then
    want="rtlsdr://0?band=ais: no RTL-SDR device found"
else
    want="built without librtlsdr"
fi
ok test "$rc" = 1 -a "$(grep -c "$want" "$tmp/dev.err")" = 1

#!/usr/bin/env bash
# bench_rtltcp.sh ATALAYA [SECONDS]: rtl_tcp input sustained at 2.4 MS/s.
# The tests' rtl_tcp emulator (tests/sh/rtltcp_emu.py, 127.0.0.1 only)
# serves the 2.4 MS/s Mode S sample (modes1_2m4.bin) over and over, paced in
# real time, for SECONDS (default 30) into `atalaya run --input
# iq+rtltcp://...?band=1090 --store`; it drops whole chunks the client's
# socket cannot take at once, as rtl_tcp does, and counts them. Printed:
# samples sent, received and dropped (the emulator's count, and run's own
# shortfall estimate), frames, and run's CPU as % of one core over the run.
# Then the same for the AIS band (the simulator's I/Q at 288 kS/s).
# Beside it, as a reference: dump1090-mutability cannot read rtl_tcp in
# Debian's build (it reads a dongle or a file), so its line is
# `dump1090-mutability --ifile` on the same bytes (the Mode S stream's
# samples written to a file, read as fast as it can): CPU seconds, and the %
# of one core it would need to keep up in real time; `atalaya decode --input
# iq` on that file is given the same way. Goal (issue 16): no sample dropped.
set -eu
atalaya=${1:?usage: bench_rtltcp.sh ATALAYA [SECONDS]}
secs=${2:-30}
case $atalaya in /*) ;; *) atalaya=$PWD/$atalaya ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
cd "$tmp"

# live BAND FILE RATE: emulator + run; prints the result line.
live() {
    local band=$1 file=$2 rate=$3
    rm -f "$tmp/port" "$tmp/emu.log"
    python3 "$root/tests/sh/rtltcp_emu.py" --file "$file" --rate "$rate" --seconds "$secs" \
        --port-file "$tmp/port" --log "$tmp/emu.log" &
    pids+=($!)
    local emu=$!
    for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
    rm -f "$tmp/$band.db"*
    python3 - "$atalaya" "$band" "$(cat "$tmp/port")" "$rate" "$tmp" "$secs" <<'PY'
import json, os, re, subprocess, sys, time
at, band, port, rate, tmp, secs = sys.argv[1:]
t0 = time.monotonic()
err = open(f"{tmp}/{band}.err", "w")
p = subprocess.Popen([at, "run", "--db", "/nonexistent", "--no-detect", "--stats", "--end-with-feeds",
                      "--store", f"sqlite:{tmp}/{band}.db",
                      "--input", f"iq+rtltcp://127.0.0.1:{port}?band={band}&rate={rate}&timeout=10"],
                     stdout=subprocess.DEVNULL, stderr=err)
_, st, ru = os.wait4(p.pid, 0)
wall = time.monotonic() - t0
cpu = ru.ru_utime + ru.ru_stime
time.sleep(0.5)
log = [json.loads(l) for l in open(f"{tmp}/emu.log")]
end = log[-1]
e = open(f"{tmp}/{band}.err").read()
got = int(re.findall(r"samples (\d+), dropped", e)[-1])
short = int(re.findall(r"dropped (\d+)", e)[-1])
frames = re.findall(r"frames (\d+), ais (\d+)", e)[-1]
sent, dropped = end["served"] // 2, end["dropped"] // 2
print(f"{band:>5} {int(rate):>8} S/s {float(secs):5.0f} s: samples sent {sent}, received {got}"
      f" ({'all' if got == sent else 'MISSING %d' % (sent - got)}), dropped by the server {dropped}"
      f" (run's estimate {short}); {'frames ' + frames[0] if band == '1090' else 'AIS messages ' + frames[1]};"
      f" run CPU {cpu:.2f} s = {100 * cpu / wall:.1f}% of one core (wall {wall:.1f} s)")
sys.exit(0 if dropped == 0 and got == sent else 3)
PY
    local rc=$?
    wait "$emu" 2>/dev/null || true
    return $rc
}

modes=$root/tests/samples/modes/dump1090/modes1_2m4.bin
echo "rtl_tcp input sustained in real time, emulator -> atalaya run --store (2 cores shared: CPU % is of one core)"
rc=0
live 1090 "$modes" 2400000 || rc=$?

"$atalaya" simulate /dev/stdin --hours 0.01 --ais-iq "$tmp/ais.cu8" --snr 20 >/dev/null 2>&1 <<'JSON'
{"name": "DEMO bench rtltcp", "synthetic": true, "start": 1768176000, "duration_h": 1,
 "receivers": [{"id": "DEMO-RX", "lat": 12.0, "lon": -68.0, "alt_m": 30, "range_nm": 60}],
 "vessels": [
  {"id": "A", "mmsi": 352990401, "name": "DEMO ONE", "speed_kn": 14, "route": [{"lat": 12.1, "lon": -68.1}, {"lat": 12.3, "lon": -68.3}]},
  {"id": "B", "mmsi": 352990402, "name": "DEMO TWO", "speed_kn": 22, "route": [{"lat": 11.9, "lon": -67.9}, {"lat": 11.5, "lon": -67.5}]}]}
JSON
live ais "$tmp/ais.cu8" 288000 || rc=$?

# The reference: the Mode S stream's bytes as a file.
python3 - "$modes" "$tmp/stream.bin" "$secs" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
total = int(float(sys.argv[3]) * 2400000) * 2
with open(sys.argv[2], "wb") as f:
    while total > 0:
        f.write(data[:total]); total -= len(data)
PY
# cpu_of NAME CMD...: CPU seconds of CMD, and the % of one core it needs at 2.4 MS/s in real time.
cpu_of() {
    local name=$1; shift
    python3 - "$name" "$secs" "$@" <<'PY'
import os, subprocess, sys
name, secs, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, st, ru = os.wait4(p.pid, 0)
cpu = ru.ru_utime + ru.ru_stime
print(f"reference, same bytes from a file ({secs:.0f} s at 2.4 MS/s): {name}: CPU {cpu:.2f} s = {100 * cpu / secs:.1f}% of one core in real time")
PY
}
if command -v dump1090-mutability >/dev/null; then
    echo "dump1090-mutability (Debian) has no rtl_tcp input: its reference is --ifile on the same bytes"
    cpu_of "dump1090-mutability --ifile" dump1090-mutability --ifile "$tmp/stream.bin" --iformat UC8 --quiet
else
    echo "dump1090-mutability missing (scripts/deps.sh bench): no reference line"
fi
cpu_of "atalaya decode --input iq" "$atalaya" decode --input iq --sample-rate 2.4M --format none "$tmp/stream.bin"
[ "$rc" = 0 ] && echo "goal met: no sample dropped" || echo "goal NOT met: samples dropped or missing"
exit "$rc"

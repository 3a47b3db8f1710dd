#!/usr/bin/env bash
# tests/sh/rtltcp_lib.sh: what the rtl_tcp tests (rtltcp_input.sh,
# rtltcp_run.sh) share. Sourced after setting root and tmp, and pids=() (the
# processes the caller's trap kills). Run directly, it checks itself.
#   ok CMD...          "ok - $name" when CMD succeeds, else "not ok - $name"
#   emu NAME ARGS...   starts the emulator (rtltcp_emu.py, 127.0.0.1 only) with
#                      ARGS, logging to $tmp/NAME.log; waits for its port:
#                      sets port and emu_pid
#   vessels_json NAME  prints a scenario named NAME: three vessels (two
#                      class A, one class B) around one receiver off Curaçao
ok() { if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi; }

emu() {
    local n=$1; shift
    python3 "$root/tests/sh/rtltcp_emu.py" --port-file "$tmp/$n.port" --log "$tmp/$n.log" "$@" &
    pids+=($!)
    emu_pid=$!
    for _ in $(seq 100); do [ -s "$tmp/$n.port" ] && break; sleep 0.05; done
    port=$(cat "$tmp/$n.port")
}

vessels_json() {
    cat <<JSON
{"name": "$1", "synthetic": true, "start": 1768176000, "duration_h": 1,
 "receivers": [{"id": "DEMO-RX", "lat": 12.0, "lon": -68.0, "alt_m": 30, "range_nm": 60}],
 "vessels": [
  {"id": "A", "mmsi": 352990401, "name": "DEMO ONE", "speed_kn": 14, "route": [{"lat": 12.1, "lon": -68.1}, {"lat": 12.3, "lon": -68.3}]},
  {"id": "B", "mmsi": 352990402, "name": "DEMO TWO", "speed_kn": 22, "route": [{"lat": 11.9, "lon": -67.9}, {"lat": 11.5, "lon": -67.5}]},
  {"id": "C", "mmsi": 352990403, "name": "DEMO THREE", "class": "B", "speed_kn": 6, "route": [{"lat": 12.0, "lon": -68.2}, {"lat": 12.2, "lon": -68.2}]}]}
JSON
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    root=$(cd "$(dirname "$0")/../.." && pwd)
    tmp=$(mktemp -d)
    pids=()
    trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT
    name="rtltcp_lib: vessels_json is a scenario of three vessels named as asked"
    vessels_json "DEMO lib" >"$tmp/s.json"
    ok python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["name"] == "DEMO lib" and len(s["vessels"]) == 3' "$tmp/s.json"
    name="rtltcp_lib: emu serves the rtl_tcp header and the file on \$port"
    head -c 1000 /dev/urandom >"$tmp/f.cu8"
    emu t --file "$tmp/f.cu8"
    ok python3 - "$port" "$tmp/f.cu8" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
got = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
assert got[:4] == b"RTL0" and got[12:] == open(sys.argv[2], "rb").read(), len(got)
PY
fi

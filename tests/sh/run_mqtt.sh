#!/usr/bin/env bash
# run --output mqtt:// against a mosquitto broker started here on 127.0.0.1
# (a free port, its config in a temporary folder, stopped by the trap):
#   1. a small recording (AIS with a SART alarm and a SART test, SBS aircraft)
#      pushed fast: positions per entity on t/vessel/{mmsi} and
#      t/aircraft/{icao} as compact JSON, thinned to one a second, every
#      event on t/event/{kind}, every alert (not the test) on t/alert/{rule};
#   2. a recording played over ~12 s while the broker is stopped and started
#      again: run reconnects and publishing resumes (positions from the end of
#      the recording arrive; --stats counts the second connection);
#   3. no broker when run starts: it retries and publishes once one is up.
set -u
root=${ATALAYA_ROOT:-.}
command -v mosquitto >/dev/null && command -v mosquitto_sub >/dev/null || {
  echo "ok - run_mqtt # SKIP mosquitto or mosquitto_sub missing (scripts/deps.sh test)"; exit 0; }
tmp=$(mktemp -d)
broker= sub=
stop() { for p in $sub $broker; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap 'stop; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$tmp/mosquitto.conf"
start_broker() {
  mosquitto -c "$tmp/mosquitto.conf" >>"$tmp/broker.log" 2>&1 &
  broker=$!
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
start_sub() { # $1: output file; subscribes to everything under t/, reconnecting on its own
  mosquitto_sub -h 127.0.0.1 -p "$port" -t 't/#' -v -q 1 >"$1" 2>>"$tmp/sub.err" &
  sub=$!
  sleep 0.5
}
start_broker || { echo "not ok - mosquitto did not start on 127.0.0.1:$port"; cat "$tmp/broker.log"; exit 0; }

PYTHONPATH="$root/tests/tools" python3 - "$tmp" <<'PY'
import sys, time
from ais_make import pos1, safety14
tmp = sys.argv[1]
t0 = 1700000000
L = []
for k in range(5):  # a SART alarm, a minute apart
    L.append((t0 + 60 * k, pos1(970123456, 36.5, -6.3, 0.5, 0, t0 + 60 * k, status=14)))
L.append((t0 + 5, safety14(970654321, "SART TEST", t0 + 5)))  # a test: an event, no alert
L.append((t0 + 6, pos1(970654321, 36.6, -6.4, 0.0, 0, t0 + 6, status=15)))
for k in range(10):  # a ship reporting twice in each second: one position a second goes out
    for _ in range(2):
        L.append((t0 + k, pos1(224000002, 37.0, -6.8 + 0.0001 * k, 10.0, 90, t0 + k)))
L.sort(key=lambda x: x[0])
open(f"{tmp}/one.nmea", "w").write("\n".join(s for _, s in L) + "\n")
def sbs(icao, t, alt, lat, lon, cs=""):
    ts = time.strftime("%Y/%m/%d,%H:%M:%S", time.gmtime(t)) + ".000"
    d, h = ts.split(",")
    if cs:
        return f"MSG,1,1,1,{icao},1,{d},{h},{d},{h},{cs},,,,,,,,,,,0"
    return f"MSG,3,1,1,{icao},1,{d},{h},{d},{h},,{alt},,,{lat},{lon},,,0,0,0,0"
A = [sbs("3C6586", t0, 0, 0, 0, "DLH4AB")] + [sbs("3C6586", t0 + k, 35000, 48.0 + 0.01 * k, 11.0, "") for k in range(1, 6)]
open(f"{tmp}/one.sbs", "w").write("\n".join(A) + "\n")
# The second recording: one ship a second for 60 s of event time.
B = [pos1(224000003, 37.5, -7.0 + 0.001 * k, 12.0, 90, t0 + 1000 + k) for k in range(60)]
open(f"{tmp}/two.nmea", "w").write("\n".join(B) + "\n")
PY

# ---- 0. the URL as resolved, and bad ones refused at start
out=$("$ATALAYA" run --dry-run --output 'mqtt://127.0.0.1?qos=2' --output "mqtt://127.0.0.1:$port/?topic=a/b/" 2>&1)
[ "$out" = "output mqtt://127.0.0.1:1883 topic atalaya qos 2
output mqtt://127.0.0.1:$port topic a/b qos 0" ] && echo "ok - run --dry-run resolves mqtt outputs (port 1883, prefix atalaya)" \
  || echo "not ok - run --dry-run mqtt outputs: $out"
bad=0
for u in 'mqtt://127.0.0.1:1883?qos=3' 'mqtt://127.0.0.1:1883?topic=a/%23' 'mqtt://127.0.0.1:1883?retain=1' 'mqtt://:1883' \
         'mqtt://127.0.0.1:99999'; do
  u=${u//%23/#}
  "$ATALAYA" run --dry-run --output "$u" >/dev/null 2>"$tmp/bad.err" && { bad=1; echo "# accepted: $u"; }
  grep -q "atalaya run: --output mqtt://" "$tmp/bad.err" || { bad=1; echo "# no message for $u"; }
done
[ $bad -eq 0 ] && echo "ok - a bad mqtt URL (qos 3, a wildcard in the prefix, an unknown parameter, no host, port 99999) is refused with a message" \
  || echo "not ok - bad mqtt URLs"

# ---- 1. topics and documents
start_sub "$tmp/sub1"
timeout 60 "$ATALAYA" run --stats --output "mqtt://127.0.0.1:$port?topic=t&qos=1" "$tmp/one.nmea" "$tmp/one.sbs" \
  >"$tmp/run1.out" 2>"$tmp/run1.err"
rc1=$?
sleep 0.5
kill "$sub" 2>/dev/null; wait "$sub" 2>/dev/null; sub=
[ $rc1 -eq 0 ] && echo "ok - run with an mqtt output plays the recording and exits 0" \
  || { echo "not ok - run with an mqtt output exited $rc1"; cat "$tmp/run1.err"; }
python3 - "$tmp/sub1" "$tmp/run1.err" <<'PY'
import json, sys
msgs = []
for line in open(sys.argv[1]):
    topic, _, body = line.rstrip("\n").partition(" ")
    msgs.append((topic, json.loads(body)))
err = open(sys.argv[2]).read()
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
def on(t): return [b for tp, b in msgs if tp == t]
ship = on("t/vessel/224000002")
check(len(ship) == 10 and [b["t_ms"] for b in ship] == [(1700000000 + k) * 1000 for k in range(10)],
      f"a ship reporting twice a second: one position a second on t/vessel/224000002 ({len(ship)})")
check(ship and all(set(b) >= {"time", "t_ms", "mmsi", "lat", "lon", "speed", "course"} and b["mmsi"] == 224000002
                   and b["speed"] == 10.0 and b["course"] == 90.0 for b in ship),
      "vessel positions: time, lat, lon, speed, course")
ac = on("t/aircraft/3c6586")
check(len(ac) == 5 and all(b.get("altitude") == 35000 and b.get("callsign") == "DLH4AB" and b.get("icao") == "3c6586"
                           and abs(b["lat"] - 48.0) < 0.1 for b in ac),
      f"aircraft positions on t/aircraft/3c6586 with altitude and callsign ({len(ac)})")
check(len(on("t/vessel/970123456")) == 5, "the SART's positions on its own topic")
ev = on("t/event/distress")
al = on("t/alert/ais_sart")
check(ev and all(b["event"] == "distress" and b["entities"] and b["evidence"] for b in ev),
      f"events on t/event/distress as the one event JSON ({len(ev)})")
check(al and all(b["alert"] == "ais_sart" and b["mmsi"] == 970123456 and b["severity"] == "critical" for b in al)
      and {b["key"] for b in al} <= {b["key"] for b in ev},
      f"the SART alarm also on t/alert/ais_sart ({len(al)})")
test = [b for b in ev if b["mmsi"] == 970654321]
check(test and all(b["mode"] == "test" and "alert" not in b for b in test)
      and not [t for t, b in msgs if t.startswith("t/alert/") and b.get("mmsi") == 970654321],
      "the SART test is an event on t/event/distress, never an alert")
check(not [t for t, _ in msgs if not (t.startswith("t/vessel/") or t.startswith("t/aircraft/")
                                      or t.startswith("t/event/") or t.startswith("t/alert/"))],
      "every topic under the prefix is one of vessel, aircraft, event, alert")
check("mqtt 127.0.0.1:" in err and "connects 1," in err and "dropped 0" in err and "thinned 10" in err,
      "--stats counts the mqtt output (one connection, 10 thinned, none dropped)")
PY

# ---- 2. the broker restarts mid-stream
start_sub "$tmp/sub2"
"$ATALAYA" run --stats --speed 5 --output "mqtt://127.0.0.1:$port?topic=t" "$tmp/two.nmea" \
  >"$tmp/run2.out" 2>"$tmp/run2.err" &
run=$!
sleep 3
kill "$sub" "$broker"; wait "$sub" "$broker" 2>/dev/null
sleep 1.5
start_broker || echo "not ok - mosquitto did not start again"
start_sub "$tmp/sub3"
wait $run
rc2=$?
sleep 0.5
python3 - "$tmp/sub2" "$tmp/sub3" "$tmp/run2.err" "$rc2" <<'PY'
import json, sys
def load(p):
    out = []
    for line in open(p):
        topic, _, body = line.rstrip("\n").partition(" ")
        if topic == "t/vessel/224000003":
            out.append(json.loads(body)["t_ms"])
    return out
before, after, err, rc = load(sys.argv[1]), load(sys.argv[2]), open(sys.argv[3]).read(), int(sys.argv[4])
def check(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)
end = (1700000000 + 1059) * 1000
check(rc == 0, f"run outlives the broker's restart and exits 0 ({rc})")
check(before and max(before) < end - 20000, f"positions arrived before the broker stopped ({len(before)})")
check(after and max(after) == end and min(after) > max(before or [0]),
      f"after the restart publishing resumes, up to the recording's last position ({len(after)})")
check("connects 2, disconnects 1" in err, "--stats: the connection was lost once and made again")
PY

# ---- 3. no broker when run starts: it keeps trying, and publishes once one is up
kill "$sub" "$broker" 2>/dev/null; wait "$sub" "$broker" 2>/dev/null; sub= broker=
"$ATALAYA" run --stats --speed 5 --output "mqtt://127.0.0.1:$port?topic=t&qos=1" "$tmp/two.nmea" \
  >"$tmp/run3.out" 2>"$tmp/run3.err" &
run=$!
sleep 4
start_broker || echo "not ok - mosquitto did not start the third time"
start_sub "$tmp/sub4"
wait $run
rc3=$?
sleep 0.5
python3 - "$tmp/sub4" "$tmp/run3.err" "$rc3" <<'PY'
import json, sys
got = [json.loads(l.split(" ", 1)[1])["t_ms"] for l in open(sys.argv[1]) if l.startswith("t/vessel/224000003 ")]
err, rc = open(sys.argv[2]).read(), int(sys.argv[3])
ok = rc == 0 and got and max(got) == (1700000000 + 1059) * 1000 and "connects 1, disconnects 0" in err
print(("ok" if ok else "not ok") + f" - no broker at start: run retries and publishes once it is up ({len(got)} positions)")
PY

#!/usr/bin/env bash
# Bad feeds never stop the good one or detection: while a feeder pushes the
# levant AIS recording into `run`, a second one sends 4 MB of random bytes
# and then stalls, and a third sends half a Beast frame and hangs up. run's
# event lines still equal replay --detect's of the good recording, and run
# ends when the feeders have gone. Loopback only.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp"
"$ATALAYA" simulate "$root/tests/scenarios/levant.json" --ais a.nmea --modes m.beast --truth t.jsonl --seed 23 2>/dev/null ||
    { echo "not ok - simulate"; exit 1; }
"$ATALAYA" replay --detect a.nmea >replay.out 2>/dev/null
ports=$(python3 -c 'import socket
for _ in range(3):
    s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
read -r p1 p2 p3 <<<"$(echo $ports)"
"$ATALAYA" run --input "nmea+listen://127.0.0.1:$p1" --input "nmea+listen://127.0.0.1:$p2" \
    --input "beast+listen://127.0.0.1:$p3" --end-with-feeds --stats >run.out 2>run.err &
pid=$!
timeout 300 python3 - "$p1" "$p2" "$p3" <<'PY'
import os, socket, sys, time
p1, p2, p3 = map(int, sys.argv[1:])
def connect(p):
    for _ in range(100):
        try:
            return socket.create_connection(("127.0.0.1", p))
        except OSError:
            time.sleep(0.05)
    sys.exit("cannot connect")
good, junk, cut = connect(p1), connect(p2), connect(p3)
junk.sendall(os.urandom(4 << 20))            # garbage, then silence
cut.sendall(b"\x1a\x33\x00\x00\x00\x01\x02\x03\x80\x8d\x48")  # half a long Beast frame
cut.close()                                  # hangs up mid-frame
data = open("a.nmea", "rb").read()
for i in range(0, len(data), 8192):
    good.sendall(data[i:i + 8192])
good.shutdown(socket.SHUT_WR)
good.settimeout(300)
while good.recv(4096):
    pass
junk.close()                                 # the stalled feeder goes last
PY
if timeout 60 tail --pid="$pid" -f /dev/null; then
    wait "$pid"; rc=$?
    echo "ok - run ended when its feeders had gone (status $rc)"
else
    echo "not ok - run did not end"
fi
pid=
# run prints every state of an event as it happens; replay each in its final
# state: the closed ones must be the same.
grep '"state":"closed"' replay.out >replay.closed; grep '"state":"closed"' run.out >run.closed
if [ -s run.closed ] && cmp -s replay.closed run.closed; then
    echo "ok - detection unaffected by the bad feeds: $(wc -l <run.closed) closed events equal replay --detect's"
else
    echo "not ok - closed events differ ($(wc -l <run.closed) vs $(wc -l <replay.closed))"; diff replay.closed run.closed | head -4 | cut -c1-200
fi

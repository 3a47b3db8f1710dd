#!/usr/bin/env bash
# AIS from I/Q: the simulator's dongle recording (GMSK bursts on both
# channels in white noise) decoded back by `atalaya decode --band ais`:
# every burst that did not collide, exactly once, and nothing else, at
# 288 kS/s cu8 and 1.536 MS/s cs16, both detectors; noise only gives
# nothing; bad input gives a clear error or counted rejects.
set -u
at=${ATALAYA:-build/rel/atalaya}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/s.json" <<'PY'
import json, random, sys
random.seed(5)
v = []
for i in range(12):
    lat = 12.0 + random.uniform(-0.4, 0.4); lon = -68.0 + random.uniform(-0.4, 0.4)
    d = {"id": "V%d" % i, "mmsi": 352990300 + i, "name": "DEMO IQ %d" % i, "shiptype": 70,
         "speed_kn": random.choice([0, 8, 14, 22]),
         "route": [{"lat": lat, "lon": lon}, {"lat": lat + 0.2, "lon": lon + 0.2}]}
    if i % 4 == 3: d["class"] = "B"
    v.append(d)
v.append({"id": "FAR", "mmsi": 352990399, "name": "DEMO FAR", "speed_kn": 10,
          "route": [{"lat": 20.0, "lon": -40.0}, {"lat": 20.0, "lon": -39.0}]})
json.dump({"name": "DEMO iq", "synthetic": True, "start": 1768176000, "duration_h": 1,
           "receivers": [{"id": "DEMO-RX-IQ", "lat": 12.0, "lon": -68.0, "alt_m": 30, "range_nm": 60}],
           "vessels": v}, open(sys.argv[1], "w"))
PY
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); s["vessels"]=[x for x in s["vessels"] if x["id"]=="FAR"]; json.dump(s,open(sys.argv[2],"w"))' "$tmp/s.json" "$tmp/far.json"

ok() { if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi; }

# rate format hours demod
round_trip() {
    local rate=$1 fmt=$2 hours=$3 demod=$4
    name="aisdemod: $rate $fmt $demod at 20 dB: every clean burst once, nothing false"
    "$at" simulate "$tmp/s.json" --hours "$hours" --ais-iq "$tmp/a.iq" --ais-iq-truth "$tmp/t.json" \
        --sample-rate "$rate" --iq-format "$fmt" --snr 20 --ppm 1.5 --seed 3 2>"$tmp/err"
    "$at" decode --band ais --sample-rate "$rate" --iq-format "$fmt" --ais-demod "$demod" --format nmea \
        "$tmp/a.iq" >"$tmp/out.nmea" 2>>"$tmp/err"
    ok python3 "$here/aisdemod_cmp.py" "$tmp/t.json" "$tmp/out.nmea"
}
round_trip 288k cu8 0.01 coherent
round_trip 288k cu8 0.01 noncoherent
round_trip 1.536M cs16 0.004 coherent

name="aisdemod: JSON output carries channel and sample time from --start-time"
"$at" simulate "$tmp/s.json" --hours 0.004 --ais-iq "$tmp/b.iq" --ais-iq-truth "$tmp/bt.json" --snr 25 2>/dev/null
"$at" decode --band ais --sample-rate 288k --start-time 2026-01-12T00:00:00Z "$tmp/b.iq" >"$tmp/b.json"
ok python3 - "$tmp/bt.json" "$tmp/b.json" <<'PY'
import json, sys
t = [json.loads(l) for l in open(sys.argv[1]) if '"collided":false' in l]
d = [json.loads(l) for l in open(sys.argv[2])]
assert len(d) >= len(t) > 3, (len(d), len(t))
import datetime
for x in d:
    assert x["channel"] in "AB"
    ms = datetime.datetime.fromisoformat(x["time"].replace("Z", "+00:00")).timestamp() * 1000
    # the start flag ends 4.2 ms into the burst, which starts on the slot
    # boundary at or up to 27 ms before the time the truth gives
    assert any(x["channel"] == b["channel"] and -30 <= ms - b["time_ms"] <= 60 for b in t), (x, ms)
PY

name="aisdemod: noise only (vessel out of range) gives no message"
"$at" simulate "$tmp/far.json" --hours 0.01 --ais-iq "$tmp/n.iq" 2>/dev/null
out=$("$at" decode --band ais --sample-rate 288k --format nmea --stats "$tmp/n.iq" 2>"$tmp/st")
ok test -s "$tmp/n.iq" -a -z "$out"

name="aisdemod: a truncated file (half a sample) is counted, the rest decoded"
head -c $(( $(stat -c %s "$tmp/b.iq") - 1 )) "$tmp/b.iq" >"$tmp/trunc.iq"
n=$("$at" decode --band ais --sample-rate 288k --format nmea --stats "$tmp/trunc.iq" 2>"$tmp/st" | grep -c AIVDM)
ok test "$n" -gt 3 -a "$(grep -c '^trailing bytes dropped: 1$' "$tmp/st")" = 1

name="aisdemod: wrong rate, wrong format, a bad WAV and a Mode S output format are clear errors"
r1=0; "$at" decode --band ais --sample-rate 10k "$tmp/b.iq" 2>"$tmp/e1" >/dev/null || r1=$?
r2=0; "$at" decode --band ais --iq-format s24 "$tmp/b.iq" 2>"$tmp/e2" >/dev/null || r2=$?
printf 'RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0\x80\xbb\0\0\0\0\0\0\x06\0\x18\0data\0\0\0\0' >"$tmp/bad.wav"
r3=0; "$at" decode --band ais "$tmp/bad.wav" 2>"$tmp/e3" >/dev/null || r3=$?
r4=0; "$at" decode --band ais --format avr "$tmp/b.iq" 2>"$tmp/e4" >/dev/null || r4=$?
ok test "$r1" = 1 -a "$r2" = 1 -a "$r3" = 1 -a "$r4" = 1 -a -s "$tmp/e1" -a -s "$tmp/e2" -a -s "$tmp/e3" -a -s "$tmp/e4"

name="aisdemod: a wildly wrong rate (2.4M read as 288k) decodes nothing and ends"
"$at" simulate "$tmp/s.json" --hours 0.002 --ais-iq "$tmp/w.iq" --sample-rate 2.4M --snr 25 2>/dev/null
ok test -z "$(timeout 60 "$at" decode --band ais --sample-rate 288k --format nmea "$tmp/w.iq")"

name="aisdemod: a cs16 WAV file sets its own rate and format"
python3 - "$tmp/w.iq" "$tmp/w.wav" <<'PY'
import struct, sys
cu8 = open(sys.argv[1], "rb").read()
pcm = struct.pack("<%dh" % len(cu8), *[(b - 127) * 256 for b in cu8])
hdr = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 2400000, 9600000, 4, 16)
open(sys.argv[2], "wb").write(hdr + b"data" + struct.pack("<I", len(pcm)) + pcm)
PY
ok test "$("$at" decode --band ais --format nmea "$tmp/w.wav" | grep -c AIVDM)" -gt 0

#!/usr/bin/env bash
# bench_ais_iq.sh ATALAYA: AIS from I/Q, atalaya beside AIS-catcher, on the
# simulator's dongle recordings (20 vessels within 30 NM of one receiver,
# GMSK on both channels, white noise, 1.5 ppm receiver error, colliding
# slots) at 288 kS/s and 1.536 MS/s cu8, every burst at one SNR (Es/N0 in
# dB: 0 to 25) per file. For each: bursts that did not collide, how many
# each decoder recovered (exact payload and channel), false messages, CPU
# seconds. AIS-catcher (GPL, not in Debian) runs with its default model
# (-m 2) and -m 1 when a build is found: $AISCATCHER, or
# /tmp/AIS-catcher/build/AIS-catcher, built there from a copy of its public
# source at /tmp/AIS-catcher (cmake -DWEBVIEWER=OFF) when the copy exists;
# without one the AIS-catcher columns say so and atalaya's are still given.
# Goals (issue 16): at least AIS-catcher's yield at every SNR, no false
# message, at no more CPU.
set -eu
atalaya=${1:?usage: bench_ais_iq.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SECONDS_PER_FILE=${SECONDS_PER_FILE:-60}
SNRS=${SNRS:-"0 3 6 8 10 12 15 20 25"}
RATES=${RATES:-"288k 1.536M"}

aisc=${AISCATCHER:-/tmp/AIS-catcher/build/AIS-catcher}
if [ -z "${AISCATCHER:-}" ] && [ ! -x "$aisc" ] && [ -f /tmp/AIS-catcher/CMakeLists.txt ]; then
    echo "building AIS-catcher in /tmp/AIS-catcher/build (outside the repository) ..."
    (mkdir -p /tmp/AIS-catcher/build && cd /tmp/AIS-catcher/build &&
        cmake .. -DWEBVIEWER=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null && make -j2 >/dev/null) ||
        echo "AIS-catcher build failed"
fi
if [ ! -x "$aisc" ]; then
    echo "AIS-catcher not found (set AISCATCHER, or put its source at /tmp/AIS-catcher): its columns are skipped"
    aisc=
fi

python3 - "$tmp/s.json" <<'PY'
import json, math, random, sys
random.seed(16)
v = []
for i in range(20):
    # spread over 2-30 NM so that the levels differ but --snr sets them all
    r = random.uniform(2, 30) / 60; a = random.uniform(0, 2 * math.pi)
    lat = 12.0 + r * math.cos(a); lon = -68.0 + r * math.sin(a)
    d = {"id": "V%d" % i, "mmsi": 352991000 + i, "name": "DEMO BENCH %d" % i, "shiptype": 70,
         "speed_kn": random.choice([0, 6, 12, 18, 25]),
         "route": [{"lat": lat, "lon": lon}, {"lat": lat + 0.3, "lon": lon - 0.3}]}
    if i % 5 == 4: d["class"] = "B"
    v.append(d)
json.dump({"name": "DEMO bench", "synthetic": True, "start": 1768176000, "duration_h": 1,
           "receivers": [{"id": "DEMO-RX-B", "lat": 12.0, "lon": -68.0, "alt_m": 30, "range_nm": 60}],
           "vessels": v}, open(sys.argv[1], "w"))
PY

# cpu CMD...: runs CMD with stdout to $out, prints user+sys CPU seconds.
cpu() {
    /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >"$out" 2>"$tmp/stderr" || true
    awk '{ printf "%.2f", $1 + $2 }' "$tmp/time"
}
# count TRUTH NMEA: "recovered false"
count() {
    python3 "$root/tests/sh/aisdemod_cmp.py" "$1" "$2" 2>/dev/null |
        awk '{ print $6, $10 }' || true
}

hours=$(python3 -c "print($SECONDS_PER_FILE / 3600)")
printf '%-7s %5s %6s | %-18s | %-18s | %-18s | %-18s\n' rate snr clean "atalaya coherent" "atalaya noncoh" \
    "AIS-catcher -m 2" "AIS-catcher -m 1"
printf '%-7s %5s %6s | %-18s | %-18s | %-18s | %-18s\n' "" "(dB)" bursts "got false cpu_s" \
    "got false cpu_s" "got false cpu_s" "got false cpu_s"
for rate in $RATES; do
    sps=$(python3 -c "r='$rate'; print(int(float(r[:-1]) * (1e3 if r[-1] == 'k' else 1e6)))")
    for snr in $SNRS; do
        "$atalaya" simulate "$tmp/s.json" --hours "$hours" --ais-iq "$tmp/a.cu8" --ais-iq-truth "$tmp/t.json" \
            --sample-rate "$rate" --snr "$snr" --ppm 1.5 --seed 7 2>/dev/null
        clean=$(grep -c '"collided":false' "$tmp/t.json")
        cols=()
        for demod in coherent noncoherent; do
            out=$tmp/at.nmea
            c=$(cpu "$atalaya" decode --band ais --sample-rate "$rate" --ais-demod "$demod" --format nmea "$tmp/a.cu8")
            cols+=("$(count "$tmp/t.json" "$out") $c")
        done
        for m in 2 1; do
            if [ -z "$aisc" ]; then cols+=("-"); continue; fi
            out=$tmp/ac.nmea
            c=$(cpu "$aisc" -r cu8 "$tmp/a.cu8" -s "$sps" -m "$m" -n)
            cols+=("$(count "$tmp/t.json" "$out") $c")
        done
        printf '%-7s %5s %6s | %-18s | %-18s | %-18s | %-18s\n' "$rate" "$snr" "$clean" "${cols[@]}"
    done
done

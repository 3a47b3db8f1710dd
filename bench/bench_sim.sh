#!/usr/bin/env bash
# bench_sim.sh ATALAYA: how fast `atalaya simulate` generates the demo
# scenario (scenarios/caribbean.json, 72 h, seed 7): messages transmitted
# (every AIS message and Mode S frame the model sends) and written (heard by
# a receiver) per second, with outputs to files and to /dev/null (generation
# without the disk), plus CPU seconds and peak RSS (GNU time). Then the
# decode rate of the generated files through atalaya and gpsdecode, so the
# generator can be compared with the decoders that read what it writes.
# Goal (issue 5): the demo scenario in seconds, not minutes.
set -eu
atalaya=${1:?usage: bench_sim.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sc=$root/scenarios/caribbean.json
run() { # label ais modes
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$atalaya" simulate "$sc" --seed 7 --stats \
        --ais "$2" --modes "$3" --truth "$tmp/t.jsonl" 2>"$tmp/stats"
    read -r wall user sys rss <"$tmp/time"
    sent=$(awk -F': ' '$1 == "ais_sent" || $1 == "modes_sent" { n += $2 } END { print n }' "$tmp/stats")
    heard=$(awk -F': ' '$1 == "ais_heard" || $1 == "modes_heard" { n += $2 } END { print n }' "$tmp/stats")
    printf '%-22s %7.2f s wall  %6.2f s cpu  %9d sent/s  %9d written/s  %6d MiB peak\n' "$1" "$wall" \
        "$(echo "$user + $sys" | bc)" "$(echo "$sent / $wall" | bc)" "$(echo "$heard / $wall" | bc)" \
        $((rss / 1024))
}
run "files (AIS + Beast)" "$tmp/a.nmea" "$tmp/m.beast"
cat "$tmp/stats"
echo "files: AIS $(($(stat -c %s "$tmp/a.nmea") / 1048576)) MiB, Beast $(($(stat -c %s "$tmp/m.beast") / 1048576)) MiB, truth $(wc -l <"$tmp/t.jsonl") lines"
run "/dev/null" /dev/null /dev/null
for f in a.nmea m.beast; do
    /usr/bin/time -f '%e' -o "$tmp/time" "$atalaya" decode --format none "$tmp/$f" 2>/dev/null
    echo "atalaya decode --format none $f: $(cat "$tmp/time") s"
done
if command -v gpsdecode >/dev/null; then
    /usr/bin/time -f '%e' -o "$tmp/time" gpsdecode -j <"$tmp/a.nmea" >/dev/null 2>&1
    echo "gpsdecode -j a.nmea: $(cat "$tmp/time") s"
fi

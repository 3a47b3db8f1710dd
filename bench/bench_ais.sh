#!/usr/bin/env bash
# bench_ais.sh ATALAYA: AIS decoding speed beside the peers, on the same real
# input in one run: AMSA's log (tests/samples/ais/amsa/ais.txt.gz, 44,687
# lines) repeated to about a million lines, uncompressed, read from a file.
#   atalaya decode (JSON), atalaya decode --format none (decode only),
#   gpsdecode -j (Debian gpsd-clients), libais (python3-ais, bench/libais_loop.py).
# Prints seconds, lines/s, the ratio to gpsdecode and peak RSS (GNU time %M),
# and the CPU seconds (user + sys) beside the wall time: on a shared machine
# the wall time also counts waiting for a core. Then the in-memory rate
# without file I/O (bench/bench_ais_decode.c, built here against the same
# build's libraries) and, when perf can record, where the decode-only run
# spends its time, by stage and by function.
# Goals (issue 2): >= 10x gpsdecode with JSON output, >= 20 M sentences/s decode-only.
set -eu
atalaya=${1:?usage: bench_ais.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
in=$tmp/amsa_1m.nmea
zcat "$root/tests/samples/ais/amsa/ais.txt.gz" >"$tmp/one.nmea"
reps=$(( (1000000 + $(wc -l <"$tmp/one.nmea") - 1) / $(wc -l <"$tmp/one.nmea") ))
for _ in $(seq "$reps"); do cat "$tmp/one.nmea"; done >"$in"
lines=$(wc -l <"$in")
sentences=$("$atalaya" decode --input nmea --format none --stats "$in" 2>&1 >/dev/null | awk -F': ' '$1 == "sentences" { print $2 }')
echo "input: $lines lines ($sentences AIS sentences), $(($(stat -c %s "$in") / 1048576)) MiB: AMSA log x$reps"

# best NAME CMD...: the best wall time of 3 runs (1 for slow peers), the CPU
# time of that run and the peak RSS.
best() {
    local name=$1 runs=$2 t0 t1 best_s= cpu= rss=0 m; shift 2
    for _ in $(seq "$runs"); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" >/dev/null 2>"$tmp/err" || { echo "$name failed: $(tail -n 3 "$tmp/err")"; return 1; }
        t1=$EPOCHREALTIME
        read -r m u k < <(tail -n 1 "$tmp/rss")
        [ "$m" -gt "$rss" ] && rss=$m
        read -r best_s cpu < <(awk -v a="$t0" -v b="$t1" -v best="$best_s" -v cpu="$cpu" -v u="$u" -v k="$k" \
            'BEGIN { s = b - a; if (best == "" || s < best) print s, u + k; else print best, cpu }')
    done
    printf '%s\t%s\t%s\t%s\n' "$name" "$best_s" "$rss" "$cpu" >>"$tmp/results"
}
best "atalaya decode (JSON)" 3 "$atalaya" decode --input nmea "$in"
best "atalaya decode --format none" 3 "$atalaya" decode --input nmea --format none "$in"
best "gpsdecode -j" 1 sh -c 'exec gpsdecode -j <"$0"' "$in"
best "libais (python3-ais loop)" 1 /usr/bin/python3 "$root/bench/libais_loop.py" "$in"

awk -F'\t' -v lines="$lines" -v sentences="$sentences" '
    { name[NR] = $1; sec[NR] = $2; rss[NR] = $3; cpu[NR] = $4; if ($1 == "gpsdecode -j") g = $2 }
    END {
        printf "%-34s %8s %8s %14s %12s %10s\n", "decoder", "seconds", "CPU s", "lines/s", "vs gpsdecode", "peak RSS"
        for (i = 1; i <= NR; i++)
            printf "%-34s %8.3f %8.2f %14.0f %11.1fx %7.1f MiB\n", name[i], sec[i], cpu[i], lines / sec[i], g / sec[i], rss[i] / 1024
        for (i = 1; i <= NR; i++) {
            if (name[i] == "atalaya decode (JSON)") printf "JSON output: %.1fx gpsdecode (goal >= 10x)\n", g / sec[i]
            if (name[i] == "atalaya decode --format none") printf "decode only: %.2f M sentences/s, %.2f M lines/s (goal >= 20 M sentences/s)\n", sentences / sec[i] / 1e6, lines / sec[i] / 1e6
        }
    }' "$tmp/results"

lib=$(dirname "$atalaya")
if [ -f "$lib/libais.a" ] && [ -f "$lib/libcommon.a" ]; then
    ${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -I"$root/src" -o "$tmp/bench_ais_decode" "$root/bench/bench_ais_decode.c" \
        "$lib/libais.a" "$lib/libcommon.a" && "$tmp/bench_ais_decode" "$in"
fi

# Where the decode-only run's time goes (perf samples by function, summed by
# stage), when perf is installed and allowed to record.
if command -v perf >/dev/null &&
    perf record -q -F 4999 -o "$tmp/perf.data" -- "$atalaya" decode --input nmea --format none "$in" >/dev/null 2>"$tmp/err"; then
    perf report -i "$tmp/perf.data" --stdio --no-children --sort sym 2>/dev/null | awk '
        /^ *[0-9.]+%/ {
            pct = $1 + 0; sym = $NF; kern = $2 == "[k]"
            if (kern) stage = "read(2) and kernel"
            else if (sym ~ /^(in_getline|getline_|__memchr|memchr)/) stage = "line splitting (common/input)"
            else if (sym ~ /^(ais_feed_line|feed|scan_checksum|ais_scan_checksum|ais_armor|apply_suffix|parse_suffix|ais_tagblock|ais_reasm)/) stage = "framing (ais/nmea, armor, reassembly)"
            else if (sym ~ /^(ais_decode|ais_text|decode_|set_|msg_|bits_)/) stage = "message decode (ais_decode)"
            else stage = "other"
            by[stage] += pct
            if (n < 12) top[n++] = sprintf("  %6.2f%%  %s", pct, sym)
        }
        END {
            print "decode-only profile (perf), by stage:"
            ns = split("read(2) and kernel|line splitting (common/input)|framing (ais/nmea, armor, reassembly)|message decode (ais_decode)|other", order, "|")
            for (i = 1; i <= ns; i++) printf "  %6.2f%%  %s\n", by[order[i]], order[i]
            print "top functions:"
            for (i = 0; i < n; i++) print top[i]
        }'
fi

#!/usr/bin/env bash
# bench_publish.sh ATALAYA: the publish rate of one receiver (`run --publish`
# into NATS JetStream, issue 11), beside the same `run` with no output, in
# the same run of this script, on two recordings read as fast as they go:
#   AIS:   AMSA's log (tests/samples/ais/amsa/ais.txt.gz) repeated to about
#          BENCH_PUBLISH_LINES lines (default 500,000)
#   Beast: the simulated Caribbean scenario's Mode S (atalaya simulate,
#          BENCH_PUBLISH_HOURS hours, default 3)
# Both runs are `run --no-detect` (decoders and tracker; the detectors would
# measure themselves): with --publish every validated message also goes to
# a throw-away nats-server -js on 127.0.0.1 (tests/sh/nats_lib.sh), 16
# shards, acked asynchronously. Prints wall seconds, messages/s, the run's
# CPU seconds and peak RSS (GNU time), and the CPU seconds nats-server used
# during the publishing run (its /proc stat). On this shared 2-core machine
# the receiver and the server compete for the cores: the wall time counts
# that wait.
set -eu
atalaya=${1:?usage: bench_publish.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/sh/nats_lib.sh"
nats_start
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; nats_stop' EXIT
lines=${BENCH_PUBLISH_LINES:-500000}
hours=${BENCH_PUBLISH_HOURS:-3}

zcat "$root/tests/samples/ais/amsa/ais.txt.gz" >"$tmp/one.nmea"
reps=$(( (lines + $(wc -l <"$tmp/one.nmea") - 1) / $(wc -l <"$tmp/one.nmea") ))
for _ in $(seq "$reps"); do cat "$tmp/one.nmea"; done >"$tmp/ais.nmea"
"$atalaya" simulate "$root/scenarios/caribbean.json" --modes "$tmp/modes.beast" --seed 1 --hours "$hours" 2>/dev/null
echo "AIS:   $(wc -l <"$tmp/ais.nmea") lines, $(($(stat -c %s "$tmp/ais.nmea") / 1048576)) MiB (AMSA log x$reps)"
echo "Beast: $(($(stat -c %s "$tmp/modes.beast") / 1048576)) MiB (simulated, $hours h)"

server_cpu() { # nats-server's user + system CPU, in clock ticks
    awk '{print $14 + $15}' "/proc/$NATS_PID/stat"
}
hz=$(getconf CLK_TCK)

# one NAME FILE [ARGS...]: one run; a line of results.
one() {
    local name=$1 file=$2 t0 t1 c0 c1 m u k n; shift 2
    c0=$(server_cpu)
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$atalaya" run --no-detect "$@" "$file" >/dev/null 2>"$tmp/err" ||
        { echo "$name failed: $(tail -n 3 "$tmp/err")"; return 1; }
    t1=$EPOCHREALTIME
    c1=$(server_cpu)
    read -r m u k < <(tail -n 1 "$tmp/rss")
    n=$(sed -n 's/.*publish .* taken \([0-9]*\) .*/\1/p' "$tmp/err")
    if [ -z "$n" ]; then # no --publish: what the decoders validate in the same file
        n=$(( $("$atalaya" decode --stats "$file" 2>&1 >/dev/null | awk -F': ' '$1 == "messages" || $1 == "validated" {s += $2} END {print s + 0}') ))
    fi
    grep -q 'publish .* dropped 0, rejected 0, torn 0, outages 0; spool 0 messages' "$tmp/err" ||
        case "$*" in *--publish*) echo "$name: not everything acknowledged: $(tail -n 1 "$tmp/err")"; return 1;; esac
    awk -v name="$name" -v a="$t0" -v b="$t1" -v n="$n" -v m="$m" -v cpu="$u + $k" -v sc="$((c1 - c0))" -v hz="$hz" \
        'BEGIN { s = b - a; split(cpu, c, " + "); printf "%-36s %9d %8.2f %11.0f %8.2f %9.1f MiB %10.2f\n", name, n, s, n / s, c[1] + c[2], m / 1024, sc / hz }'
}

printf "%-36s %9s %8s %11s %8s %13s %10s\n" "run" "messages" "seconds" "messages/s" "CPU s" "peak RSS" "server CPU s"
for rec in ais.nmea modes.beast; do
    one "run ${rec##*.} (no output)" "$tmp/$rec"
    one "run ${rec##*.} --publish" "$tmp/$rec" --publish "$NATS_URL" --receiver bench --spool "$tmp/spool"
done
echo "nats-server: $(nats-server --version 2>&1 | head -n 1); peak RSS of nats-server $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$NATS_PID/status")"

#!/usr/bin/env bash
# bench_modes.sh ATALAYA: Mode S speed and yield beside dump1090-mutability
# (Debian), on the same input in one run.
#  1. Frames: the Beast sample (tests/samples/modes/beast/sample_dump1090.bin,
#     239 frames) repeated to ~1 M frames, and the same frames as AVR text.
#     atalaya decode --format none (framer + CRC + decode) and JSON, beside
#     dump1090-mutability --net-only fed the same Beast stream on a 127.0.0.1
#     port. dump1090 paces its network loop (it sleeps between reads), so its
#     wall time says little about its speed: the comparison uses CPU seconds
#     (utime + stime from /proc) for both, and shows the wall times too.
#  2. IQ: modes1_2m4.bin (2.4 MS/s uc8) repeated x50, atalaya --input iq beside
#     dump1090-mutability --ifile: speed as a multiple of real time and the
#     number of messages each accepts.
#  3. In-memory rates without I/O (bench/bench_modes_frames.c, built here).
# Goals (issue 3): decode-only >= 20 M frames/s; Beast >= 5x dump1090;
# IQ >= 50x real time at 2.4 MS/s and a yield >= dump1090's.
set -eu
atalaya=${1:?usage: bench_modes.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
d1090=
cleanup() { if [ -n "$d1090" ]; then kill "$d1090" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
command -v dump1090-mutability >/dev/null || { echo "dump1090-mutability missing: scripts/deps.sh bench"; exit 1; }
tck=$(getconf CLK_TCK)

python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(b * 4200)' \
    "$root/tests/samples/modes/beast/sample_dump1090.bin" "$tmp/1m.beast"
"$atalaya" decode --input beast --format avr "$tmp/1m.beast" >"$tmp/1m.avr"
frames=$("$atalaya" decode --input beast --format none --stats "$tmp/1m.beast" 2>&1 >/dev/null | awk -F': ' '$1 == "frames" { print $2 }')
echo "frames input: $frames frames (Beast sample x4200): Beast $(($(stat -c %s "$tmp/1m.beast") / 1024)) KiB, AVR $(($(stat -c %s "$tmp/1m.avr") / 1024)) KiB"

# rusage CMD...: runs CMD, then prints "cpu_s wall_s" to stderr, CPU from
# wait4() (microseconds; GNU time's %U/%S stop at 10 ms). Peak RSS comes from
# GNU time %M instead: a forked Python child's maxrss counts Python itself.
rusage() {
    python3 -c 'import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, st, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
print(f"{ru.ru_utime + ru.ru_stime:.4f} {wall:.4f}", file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(st))' "$@"
}

# measure OUT NAME RUNS CMD...: best of RUNS by CPU seconds; appends
# "name <tab> cpu s <tab> wall s <tab> peak RSS KiB" to OUT. stdout of CMD goes to $tmp/last.out, stderr to $tmp/last.err.
measure() {
    local out=$1 name=$2 runs=$3 wall cpu best_cpu= best_wall= rss=0 m; shift 3
    for _ in $(seq "$runs"); do
        rusage /usr/bin/time -f %M -o "$tmp/rss" "$@" >"$tmp/last.out" 2>"$tmp/last.err" ||
            { echo "$name failed: $(tail -n 3 "$tmp/last.err")"; return 1; }
        read -r cpu wall < <(tail -n 1 "$tmp/last.err")
        m=$(tail -n 1 "$tmp/rss")
        [ "$m" -gt "$rss" ] && rss=$m
        if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc -l)" = 1 ]; then best_cpu=$cpu; best_wall=$wall; fi
    done
    printf '%s\t%s\t%s\t%s\n' "$name" "$best_cpu" "$best_wall" "$rss" >>"$out"
}

# dump1090 OUT NAME FILE: dump1090-mutability --net-only, FILE sent to its Beast
# input port on 127.0.0.1; CPU seconds of the feed, from /proc. Its --stats
# report (at SIGTERM) is left in $tmp/d1090.out.
dump1090_net() {
    local out=$1 name=$2 file=$3 port c0 c1 t0 t1 rss
    port=$((20000 + RANDOM % 20000))
    dump1090-mutability --net-only --net-bind-address 127.0.0.1 --net-bi-port "$port" --net-ri-port 0 \
        --net-ro-port 0 --net-sbs-port 0 --net-bo-port 0 --net-heartbeat 0 --quiet --stats >"$tmp/d1090.out" 2>&1 &
    d1090=$!
    # The feeder waits for the port, prints when it starts sending, and
    # returns when dump1090 closes the connection after reading to EOF.
    python3 -c 'import socket, sys, time
data = open(sys.argv[2], "rb").read()
for _ in range(100):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        break
    except OSError:
        time.sleep(0.05)
print(flush=True)
s.sendall(data); s.shutdown(socket.SHUT_WR); s.recv(1)' "$port" "$file" | {
        read -r _
        c0=$(awk '{ print $14 + $15 }' "/proc/$d1090/stat")
        echo "$c0 $EPOCHREALTIME" >"$tmp/feed0"
        cat >/dev/null
    }
    t1=$EPOCHREALTIME
    read -r c0 t0 <"$tmp/feed0"
    sleep 0.5 # let it finish decoding what it read
    c1=$(awk '{ print $14 + $15 }' "/proc/$d1090/stat")
    rss=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$d1090/status")
    kill -TERM "$d1090"; wait "$d1090" || true; d1090=
    printf '%s\t%s\t%s\t%s\n' "$name" "$(echo "($c1 - $c0) / $tck" | bc -l)" "$(echo "$t1 - $t0" | bc -l)" "$rss" >>"$out"
}

measure "$tmp/f" "atalaya beast --format none" 3 "$atalaya" decode --input beast --format none "$tmp/1m.beast"
measure "$tmp/f" "atalaya beast (JSON)" 3 "$atalaya" decode --input beast "$tmp/1m.beast"
measure "$tmp/f" "atalaya avr --format none" 3 "$atalaya" decode --input avr --format none "$tmp/1m.avr"
dump1090_net "$tmp/f" "dump1090-mutability --net-only" "$tmp/1m.beast"
d_usable=$(awk '/total usable messages/ { print $1 }' "$tmp/d1090.out")
a_valid=$("$atalaya" decode --input beast --format none --stats "$tmp/1m.beast" 2>&1 >/dev/null | awk -F': ' '$1 == "validated" { print $2 }')
echo "messages accepted: atalaya $a_valid, dump1090-mutability $d_usable"
awk -F'\t' -v frames="$frames" '
    { name[NR] = $1; cpu[NR] = $2; wall[NR] = $3; rss[NR] = $4; if ($1 ~ /^dump1090/) { dc = $2; dw = $3 } }
    END {
        printf "%-32s %8s %8s %14s %14s %9s\n", "frames", "cpu s", "wall s", "frames/cpu s", "vs dump1090", "peak RSS"
        for (i = 1; i <= NR; i++)
            printf "%-32s %8.3f %8.3f %14.0f %13.1fx %6.1f MiB\n", name[i], cpu[i], wall[i], frames / cpu[i], dc / cpu[i], rss[i] / 1024
        for (i = 1; i <= NR; i++)
            if (name[i] == "atalaya beast --format none")
                printf "Beast -> decoded: %.1fx dump1090-mutability by CPU time, %.1fx by wall time (goal >= 5x)\n", dc / cpu[i], dw / wall[i]
    }' "$tmp/f"

# IQ at 2.4 MS/s.
python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(b * 50)' \
    "$root/tests/samples/modes/dump1090/modes1_2m4.bin" "$tmp/iq.bin"
samples=$(($(stat -c %s "$tmp/iq.bin") / 2))
echo
echo "IQ input: modes1_2m4.bin x50, $samples samples = $(echo "$samples / 2400000" | bc -l | cut -c1-5) s at 2.4 MS/s (uc8)"
measure "$tmp/q" "atalaya --input iq" 3 "$atalaya" decode --input iq --sample-rate 2.4 --iq-format uc8 --format none --stats "$tmp/iq.bin"
a_iq=$(awk -F': ' '$1 == "validated" { print $2 }' "$tmp/last.err")
measure "$tmp/q" "dump1090-mutability --ifile" 3 dump1090-mutability --ifile "$tmp/iq.bin" --iformat UC8 --quiet --stats
d_iq=$(awk '/total usable messages/ { print $1 }' "$tmp/last.out" "$tmp/last.err" | head -n 1)
awk -F'\t' -v samples="$samples" -v a="$a_iq" -v d="$d_iq" '
    { name[NR] = $1; cpu[NR] = $2; wall[NR] = $3; rss[NR] = $4; if ($1 ~ /^dump1090/) dc = $2 }
    END {
        printf "%-32s %8s %8s %12s %12s %9s\n", "IQ", "cpu s", "wall s", "MS/cpu s", "x real time", "peak RSS"
        for (i = 1; i <= NR; i++)
            printf "%-32s %8.3f %8.3f %12.1f %11.1fx %6.1f MiB\n", name[i], cpu[i], wall[i], samples / cpu[i] / 1e6, samples / 2.4e6 / cpu[i], rss[i] / 1024
        for (i = 1; i <= NR; i++)
            if (name[i] == "atalaya --input iq")
                printf "IQ: %.1fx real time by CPU time (goal >= 50x), %.2fx dump1090-mutability speed; messages: atalaya %d, dump1090-mutability %d (%.2fx yield)\n",
                    samples / 2.4e6 / cpu[i], dc / cpu[i], a, d, a / d
    }' "$tmp/q"

lib=$(dirname "$atalaya")
if [ -f "$lib/libmodes.a" ] && [ -f "$lib/libcommon.a" ]; then
    echo
    ${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -I"$root/src" -o "$tmp/bench_modes_frames" "$root/bench/bench_modes_frames.c" \
        "$lib/libmodes.a" "$lib/libcommon.a" -lm -lpthread && "$tmp/bench_modes_frames" "$tmp/1m.beast"
fi

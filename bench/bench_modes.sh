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
#  2. IQ: modes1_2m4.bin (2.4 MS/s uc8) repeated x200 (171 MB; IQ_REPEAT),
#     atalaya --input iq beside dump1090-mutability --ifile, and readsb
#     --device-type ifile when a copy outside the repo is found (READSB=path,
#     on PATH, or built in /tmp/readsb from a copy of its public source
#     there; skipped with a message otherwise). IQ_ROUNDS rounds (3) of
#     one run each, back to back; per round the CPU seconds (utime + stime)
#     and their ratio, then the best of each, the messages each accepts and
#     how many of each one's frames fail an independent CRC check (0).
#     `bench_modes.sh ATALAYA iq` runs this section alone.
#  3. In-memory rates without I/O (bench/bench_modes_frames.c, built here).
# Goals (issue 3): decode-only >= 20 M frames/s; Beast >= 5x dump1090;
# IQ >= 50x real time at 2.4 MS/s and a yield >= dump1090's; IQ CPU time at
# most half dump1090-mutability's (issue 16).
set -eu
atalaya=${1:?usage: bench_modes.sh ATALAYA [iq]}
only=${2:-} # "iq": section 2 only
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
d1090=
cleanup() { if [ -n "$d1090" ]; then kill "$d1090" 2>/dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
command -v dump1090-mutability >/dev/null || { echo "dump1090-mutability missing: scripts/deps.sh bench"; exit 1; }
tck=$(getconf CLK_TCK)

if [ "$only" != iq ]; then
python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(b * 4200)' \
    "$root/tests/samples/modes/beast/sample_dump1090.bin" "$tmp/1m.beast"
"$atalaya" decode --input beast --format avr "$tmp/1m.beast" >"$tmp/1m.avr"
frames=$("$atalaya" decode --input beast --format none --stats "$tmp/1m.beast" 2>&1 >/dev/null | awk -F': ' '$1 == "frames" { print $2 }')
echo "frames input: $frames frames (Beast sample x4200): Beast $(($(stat -c %s "$tmp/1m.beast") / 1024)) KiB, AVR $(($(stat -c %s "$tmp/1m.avr") / 1024)) KiB"
fi

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

if [ "$only" != iq ]; then
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
fi

# 2. IQ at 2.4 MS/s: the demodulators' CPU time on one file, in rounds (the
# machine may be shared: each round runs every program once, back to back,
# and the ratio is taken within the round).
iq_section() {
    local rounds=${IQ_ROUNDS:-3} repeat=${IQ_REPEAT:-200} readsb=${READSB:-} r a d q
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); open(sys.argv[2], "wb").write(b * int(sys.argv[3]))' \
        "$root/tests/samples/modes/dump1090/modes1_2m4.bin" "$tmp/iq.bin" "$repeat"
    samples=$(($(stat -c %s "$tmp/iq.bin") / 2))
    echo
    echo "IQ input: modes1_2m4.bin x$repeat, $(($(stat -c %s "$tmp/iq.bin") / 1000000)) MB, $samples samples = $(echo "$samples / 2400000" | bc -l | cut -c1-5) s at 2.4 MS/s (uc8)"
    # readsb (GPL) is never part of the repo: $READSB, readsb on PATH, or
    # /tmp/readsb/readsb, built there from a copy of its public source at
    # /tmp/readsb (make RTLSDR=no) when the copy exists.
    [ -z "$readsb" ] && readsb=$(command -v readsb || true)
    [ -z "$readsb" ] && readsb=/tmp/readsb/readsb
    if [ ! -x "$readsb" ] && [ -z "${READSB:-}" ] && [ -f /tmp/readsb/Makefile ]; then
        echo "building readsb in /tmp/readsb (outside the repository) ..."
        make -C /tmp/readsb -j2 RTLSDR=no >/tmp/readsb/build.log 2>&1 || echo "readsb build failed: /tmp/readsb/build.log"
    fi
    if [ -x "$readsb" ]; then
        echo "readsb: $readsb"
    else
        echo "readsb: skipped (no built copy: set READSB=/path/to/readsb, or put its source at /tmp/readsb)"
        readsb=
    fi
    : >"$tmp/rounds"
    for r in $(seq "$rounds"); do
        rusage "$atalaya" decode --input iq --sample-rate 2.4 --iq-format uc8 --format none --stats "$tmp/iq.bin" \
            >/dev/null 2>"$tmp/a.err" || { echo "atalaya failed: $(tail -n 3 "$tmp/a.err")"; return 1; }
        read -r a _ < <(tail -n 1 "$tmp/a.err")
        rusage dump1090-mutability --ifile "$tmp/iq.bin" --iformat UC8 --quiet --stats >"$tmp/d.out" 2>"$tmp/d.err" ||
            { echo "dump1090-mutability failed: $(tail -n 3 "$tmp/d.err")"; return 1; }
        read -r d _ < <(tail -n 1 "$tmp/d.err")
        q=-
        if [ -n "$readsb" ]; then
            rusage "$readsb" --device-type ifile --ifile "$tmp/iq.bin" --iformat UC8 --quiet --stats \
                >"$tmp/r.out" 2>"$tmp/r.err" || { echo "readsb failed: $(tail -n 3 "$tmp/r.err")"; return 1; }
            read -r q _ < <(tail -n 1 "$tmp/r.err")
        fi
        echo "$a $d $q" >>"$tmp/rounds"
    done
    # Yields (of the last round): messages accepted, and frames failing CRC:
    # each program's frames (atalaya --format avr, the peers' --raw) re-checked
    # here, independently of all three: DF11/17/18 by their parity, the
    # address/parity formats by an address a clean DF11/17/18 carried before.
    a_ok=$(awk -F': ' '$1 == "validated" { print $2 }' "$tmp/a.err")
    d_ok=$(awk '/total usable messages/ { print $1 }' "$tmp/d.out" "$tmp/d.err" | head -n 1)
    r_ok=-
    [ -n "$readsb" ] && r_ok=$(awk '/total usable messages/ { print $1 }' "$tmp/r.out" "$tmp/r.err" | head -n 1)
    "$atalaya" decode --input iq --sample-rate 2.4 --iq-format uc8 --format avr "$tmp/iq.bin" >"$tmp/a.frames"
    dump1090-mutability --ifile "$tmp/iq.bin" --iformat UC8 --raw >"$tmp/d.frames" 2>/dev/null
    [ -n "$readsb" ] && "$readsb" --device-type ifile --ifile "$tmp/iq.bin" --iformat UC8 --raw >"$tmp/r.frames" 2>/dev/null
    crc_fails() {
        python3 - "$1" "$root/tests/tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from modes_crc import residual
seen, bad, n, memo = set(), 0, 0, {}
for line in open(sys.argv[1]):
    line = line.strip().rstrip(";")
    if line.startswith("@"):
        h = line[13:]
    elif line.startswith("*"):
        h = line[1:]
    else:
        continue
    if len(h) not in (14, 28):
        continue  # Mode A/C
    n += 1
    if h not in memo:
        memo[h] = residual(h)
    r, df = memo[h], int(h[:2], 16) >> 3
    if df in (11, 17, 18):
        ok = r == 0 or (df == 11 and r < 0x80)
        if ok:
            seen.add(int(h[2:8], 16))
    else:
        ok = r in seen
    bad += not ok
print(bad, n)
PY
    }
    read -r a_bad a_n < <(crc_fails "$tmp/a.frames")
    read -r d_bad d_n < <(crc_fails "$tmp/d.frames")
    r_bad=- r_n=-
    [ -n "$readsb" ] && read -r r_bad r_n < <(crc_fails "$tmp/r.frames")
    echo "frames re-checked: atalaya $a_n, dump1090-mutability $d_n${readsb:+, readsb $r_n}"
    awk -v samples="$samples" -v a_ok="$a_ok" -v d_ok="$d_ok" -v r_ok="$r_ok" -v a_bad="$a_bad" -v d_bad="$d_bad" -v r_bad="$r_bad" '
        { a[NR] = $1; d[NR] = $2; q[NR] = $3
          printf "round %d: CPU s atalaya %.3f, dump1090-mutability %.3f (%.2fx)%s\n", NR, $1, $2, $2 / $1,
              $3 == "-" ? "" : sprintf(", readsb %.3f (%.2fx)", $3, $3 / $1) }
        END {
            ba = a[1]; bd = d[1]; bq = q[1]
            for (i = 2; i <= NR; i++) { if (a[i] < ba) ba = a[i]; if (d[i] < bd) bd = d[i]; if (q[i] < bq) bq = q[i] }
            printf "%-30s %9s %13s %12s %14s\n", "IQ (best of " NR " rounds)", "CPU s", "x real time", "messages", "failing CRC"
            printf "%-30s %9.3f %12.1fx %12d %14s\n", "atalaya --input iq", ba, samples / 2.4e6 / ba, a_ok, a_bad
            printf "%-30s %9.3f %12.1fx %12d %14s\n", "dump1090-mutability --ifile", bd, samples / 2.4e6 / bd, d_ok, d_bad
            if (bq != "-")
                printf "%-30s %9.3f %12.1fx %12d %14s\n", "readsb --ifile", bq, samples / 2.4e6 / bq, r_ok, r_bad
            printf "IQ: atalaya uses %.2f of dump1090-mutability'"'"'s CPU time (%.2fx faster; goal >= 2x)%s; messages: atalaya %d, dump1090-mutability %d (%.2fx yield)%s\n",
                ba / bd, bd / ba, bq != "-" ? sprintf(", %.2fx readsb", bq / ba) : "", a_ok, d_ok, a_ok / d_ok,
                r_ok != "-" ? sprintf(", readsb %d", r_ok) : ""
        }' "$tmp/rounds"
}
iq_section

[ "$only" = iq ] && exit 0
lib=$(dirname "$atalaya")
if [ -f "$lib/libmodes.a" ] && [ -f "$lib/libcommon.a" ]; then
    echo
    ${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -I"$root/src" -o "$tmp/bench_modes_frames" "$root/bench/bench_modes_frames.c" \
        "$lib/libmodes.a" "$lib/libcommon.a" -lm -lpthread && "$tmp/bench_modes_frames" "$tmp/1m.beast"
fi

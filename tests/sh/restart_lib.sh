#!/usr/bin/env bash
# tests/sh/restart_lib.sh: what the restart tests (run_restart.sh,
# run_restart_demo.sh) share. Sourced after setting root; it sets live (the
# store run writes: ATALAYA_RESTART_STORE, default sqlite:live.db), wl (the
# --db option run needs for the watchlist when live is not SQLite), pid (the
# run to kill -9 on exit), makes a temporary folder, goes into it, and traps
# EXIT to kill the run and remove the folder.
#   utc_seconds TIME    seconds since the epoch of TIME (YYYY-MM-DDTHH:MM:SS, UTC)
#   split_at CUT FILE   FILE's lines up to the first whose tag block time
#                       (c:) is after CUT into part1.nmea, the rest into
#                       part2.nmea
live=${ATALAYA_RESTART_STORE:-sqlite:live.db}
wl=(); [ "$live" = sqlite:live.db ] || wl=(--db live.db)
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
cd "$tmp" || exit 1

utc_seconds() {
    python3 -c 'import calendar,sys,time; print(calendar.timegm(time.strptime(sys.argv[1],"%Y-%m-%dT%H:%M:%S")))' "$1"
}

split_at() {
    python3 - "$1" "$2" <<'PY'
import sys
cut = int(sys.argv[1])
a, b = open("part1.nmea", "wb"), open("part2.nmea", "wb")
out = a
for line in open(sys.argv[2], "rb"):
    i = line.find(b"c:")
    if i >= 0 and int(line[i + 2:i + 12]) > cut:
        out = b
    out.write(line)
PY
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    [ "$(utc_seconds 2026-04-06T14:00:00)" = 1775484000 ] && echo "ok - restart_lib: utc_seconds" ||
        echo "not ok - restart_lib: utc_seconds gives $(utc_seconds 2026-04-06T14:00:00)"
    printf '\\c:1775483999*00\\!a\n!b\n\\c:1775484001*00\\!c\n!d\n' >in.nmea
    split_at 1775484000 in.nmea
    [ "$(cat part1.nmea)" = "$(printf '\\c:1775483999*00\\!a\n!b')" ] &&
        [ "$(cat part2.nmea)" = "$(printf '\\c:1775484001*00\\!c\n!d')" ] &&
        echo "ok - restart_lib: split_at cuts before the first line past the cut" ||
        echo "not ok - restart_lib: split_at gives $(wc -l <part1.nmea) + $(wc -l <part2.nmea) lines"
fi

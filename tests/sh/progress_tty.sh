#!/usr/bin/env bash
# Progress lines (common/progress.h) on a pseudo-terminal: `simulate` on a
# terminal shows a live line (share of the scenario, messages, messages/s,
# time left), redrawn in place at most ~4 times a second, then one summary
# line; with stderr not a terminal it prints nothing extra and writes the same
# files.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }
command -v python3 >/dev/null || { echo "ok - progress_tty # SKIP no python3"; exit 0; }

# Runs a command with stdin, stdout and stderr on a new pseudo-terminal;
# prints what the terminal received.
on_pty() {
    python3 - "$@" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(st))
PY
}

sc=$root/scenarios/caribbean.json
t0=$(date +%s%N)
on_pty "$ATALAYA" simulate "$sc" --ais "$tmp/tty.nmea" --modes "$tmp/tty.beast" --hours 8 >"$tmp/tty.out"; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ $rc -eq 0 ] && ok "simulate on a terminal: exit 0 ($ms ms)" || nok "simulate on a terminal: exit $rc"
# Split at carriage returns: each drawing of the line.
tr '\r' '\n' <"$tmp/tty.out" | grep -a 'simulate:' >"$tmp/lines"
live=$(grep -ac '% of\|h of ' "$tmp/lines")
grep -aqE '^simulate: [0-9.]+ h of 8\.0 h \([0-9]+%\), [0-9.]+ (k |M )?messages, [0-9.]+ (k |M )?messages/s, [0-9]+:[0-9]{2} left' "$tmp/lines" \
    && ok "live line: $(grep -a ' left' "$tmp/lines" | head -n 1 | tr -d '\033' | cut -c1-100)" \
    || nok "no live line in: $(head -c 300 "$tmp/tty.out" | cat -v)"
# At most ~4 redraws a second (one spare for the first and the last).
max=$((ms * 4 / 1000 + 2))
[ "$live" -ge 1 ] && [ "$live" -le "$max" ] && ok "$live live lines in $ms ms (at most $max)" \
    || nok "$live live lines in $ms ms (at most $max)"
grep -aqE '^simulate: done, 8\.0 h, [0-9.]+ (k |M )?messages in [0-9.]+ s \([0-9.]+ (k |M )?messages/s\)' "$tmp/lines" \
    && ok "summary: $(grep -a 'done,' "$tmp/lines" | tr -d '\033' | cut -c1-100)" || nok "no summary line"
# The live line is redrawn in place: no newline before the summary's.
[ "$(tr -cd '\n' <"$tmp/tty.out" | wc -c)" -eq 1 ] && ok "one line on the terminal (redrawn in place)" \
    || nok "$(tr -cd '\n' <"$tmp/tty.out" | wc -c) newlines on the terminal"

# Not a terminal: nothing on stderr, the same output.
"$ATALAYA" simulate "$sc" --ais "$tmp/pipe.nmea" --modes "$tmp/pipe.beast" --hours 8 2>"$tmp/err" </dev/null | cat >/dev/null
[ ! -s "$tmp/err" ] && ok "nothing extra when stderr is not a terminal" || nok "stderr: $(head -c 200 "$tmp/err")"
cmp -s "$tmp/tty.nmea" "$tmp/pipe.nmea" && cmp -s "$tmp/tty.beast" "$tmp/pipe.beast" \
    && ok "same files with and without the progress line" || nok "files differ with the progress line"

# ingest and replay of recordings: bytes of the files' total, messages/s,
# time left, then a summary; nothing extra when not a terminal.
for cmd in ingest replay; do
    if [ "$cmd" = ingest ]; then args=(ingest --store "sqlite:$tmp/p.db"); else args=(replay --detect); fi
    on_pty "$ATALAYA" "${args[@]}" "$tmp/tty.nmea" "$tmp/tty.beast" >"$tmp/$cmd.out" 2>&1
    tr '\r' '\n' <"$tmp/$cmd.out" | grep -a "^$cmd:" >"$tmp/$cmd.lines"
    grep -aqE "^$cmd: [0-9.]+ MB of [0-9.]+ MB \([0-9]+%\), [0-9.]+ (k |M )?messages, [0-9.]+ (k |M )?messages/s" "$tmp/$cmd.lines" \
        && ok "$cmd: live line: $(grep -a ' MB of ' "$tmp/$cmd.lines" | head -n 1 | tr -d '\033' | cut -c1-100)" \
        || nok "$cmd: no live line in: $(head -c 300 "$tmp/$cmd.out" | cat -v)"
    grep -aqE "^$cmd: done, " "$tmp/$cmd.lines" && ok "$cmd: summary: $(grep -a 'done,' "$tmp/$cmd.lines" | tr -d '\033' | cut -c1-100)" \
        || nok "$cmd: no summary line"
done
rm -f "$tmp/p.db"*
"$ATALAYA" ingest --store "sqlite:$tmp/p.db" "$tmp/tty.nmea" 2>"$tmp/err" </dev/null
[ ! -s "$tmp/err" ] && ok "ingest: nothing extra when stderr is not a terminal" || nok "ingest stderr: $(head -c 200 "$tmp/err")"

#!/usr/bin/env bash
# install.sh: `make install DESTDIR=... PREFIX=/usr` of the binary under test,
# then the installed copy alone (no $ATALAYA_DATA, no $ATALAYA_WEB, run from
# elsewhere) finds its data and web files: `serve` gives the page and
# /data/receiver.json, `run` with the example config (paths moved into the
# temporary folder) as the systemd unit starts it serves the page too; man
# pages for every command; the systemd units pass `systemd-analyze verify`
# (when present). Then the Debian package is built with dpkg-buildpackage
# from a copy of the sources (when dpkg-buildpackage and debhelper are
# present, else skipped with a message), and the binary unpacked from the
# .deb serves the page. Loopback only; servers stopped by a trap.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
fails=0
t() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fails=$((fails + 1)); fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 100); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

dest=$tmp/root
make -s -C "$root" install DESTDIR="$dest" PREFIX=/usr BIN="$ATALAYA" MANOUT="$tmp/man" >"$tmp/make.log" 2>&1
t "make install DESTDIR PREFIX=/usr" '[ $? -eq 0 ] && [ -x "$dest/usr/bin/atalaya" ] || { cat "$tmp/make.log"; false; }'
t "data, web files, example config installed" '[ -f "$dest/usr/share/atalaya/mid/mid.csv" ] && [ -f "$dest/usr/share/atalaya/web/index.html" ] && [ -f "$dest/etc/atalaya/run.conf" ] && [ -f "$dest/usr/share/atalaya/examples/run.conf" ]'
ncmd=$("$ATALAYA" --help | grep -cE '^  [a-z]+  +')
t "a man page per command ($ncmd) and atalaya(1)" '[ "$(ls "$dest/usr/share/man/man1" | grep -c "^atalaya-.*\.1$")" -eq "$ncmd" ] && grep -q "^\.SH OPTIONS" "$dest/usr/share/man/man1/atalaya-run.1" && grep -q "json\\\\-dir" "$dest/usr/share/man/man1/atalaya-run.1"'
if command -v man >/dev/null; then
    t "man renders atalaya-watchlist(1) with --format ftm" 'MANWIDTH=100 man -l "$dest/usr/share/man/man1/atalaya-watchlist.1" 2>/dev/null | grep -q "ofac-sdn|ftm|csv"'
fi
t "units point at the installed binary and config" 'grep -q "^ExecStart=/usr/bin/atalaya run --config /etc/atalaya/run.conf$" "$dest/lib/systemd/system/atalaya.service" && grep -q "^DynamicUser=yes" "$dest/lib/systemd/system/atalaya-serve.service"'

inst=$dest/usr/bin/atalaya
env -u ATALAYA_DATA -u ATALAYA_WEB "$inst" ingest --store "sqlite:$tmp/s.db" "$root/tests/samples/ais/libais/typeexamples.nmea" >/dev/null 2>&1
port=$(free_port)
(cd /; exec env -u ATALAYA_DATA -u ATALAYA_WEB "$inst" serve --store "sqlite:$tmp/s.db" --http "127.0.0.1:$port" >"$tmp/serve.log" 2>&1) &
pids+=($!)
wait_http "http://127.0.0.1:$port/"
t "installed serve: the page" 'curl -sf "http://127.0.0.1:$port/" | cmp -s - "$root/web/index.html"'
t "installed serve: /data/receiver.json" 'curl -sf "http://127.0.0.1:$port/data/receiver.json" | grep -q "\"version\":\"atalaya"'
t "installed binary finds its reference data" 'env -u ATALAYA_DATA "$inst" lookup --db "$tmp/none.db" mmsi 374123000 | grep -q "\"flag\":\"Panama"'

# The run unit's command line, its config moved into the temporary folder.
hport=$(free_port)
sed -e "s|^http = .*|http = 127.0.0.1:$hport|" -e "s|/run/atalaya|$tmp/json|" -e "s|/var/lib/atalaya|$tmp|" \
    -e "s|127.0.0.1:30005|127.0.0.1:$(free_port)|" -e "s|127.0.0.1:10110|127.0.0.1:$(free_port)|" \
    "$dest/etc/atalaya/run.conf" >"$tmp/run.conf"
mkdir -p "$tmp/json"
(cd /; exec env -u ATALAYA_DATA -u ATALAYA_WEB "$inst" run --config "$tmp/run.conf" >"$tmp/run.log" 2>&1) &
pids+=($!)
wait_http "http://127.0.0.1:$hport/"
t "installed run with the example config: the page, receiver.json in json-dir" 'curl -sf "http://127.0.0.1:$hport/" | grep -qi "<html" && sleep 1.2 && [ -s "$tmp/json/receiver.json" ]'

if command -v systemd-analyze >/dev/null; then
    mkdir -p "$tmp/units"
    for u in "$dest"/lib/systemd/system/*.service; do
        sed "s|/usr/bin/atalaya|$inst|" "$u" >"$tmp/units/$(basename "$u")"
    done
    t "systemd-analyze verify the units" 'systemd-analyze verify --man=no "$tmp"/units/*.service 2>"$tmp/verify.log" || { cat "$tmp/verify.log"; false; }'
    t "systemd-analyze security: exposure below 2.0 (hardened)" 'systemd-analyze security --offline=true "$tmp/units/atalaya.service" 2>&1 | grep -oE "exposure level for atalaya.service: [0-9.]+" | awk "{exit !(\$NF < 2.0)}"'
    # Every system call `run` makes (started as the unit does, pages fetched)
    # must pass the unit's SystemCallFilter: a call it denies fails with EPERM.
    if command -v strace >/dev/null; then
        sport=$(free_port)
        sed "s|^http = .*|http = 127.0.0.1:$sport|" "$tmp/run.conf" >"$tmp/run2.conf"
        (cd /; exec timeout -s INT 5 strace -f -qq -o "$tmp/strace.txt" env -u ATALAYA_DATA -u ATALAYA_WEB "$inst" run --config "$tmp/run2.conf" >/dev/null 2>&1) &
        spid=$!
        wait_http "http://127.0.0.1:$sport/"
        for u in / /data/aircraft.json /data/receiver.json /api/v1/stats; do curl -s "http://127.0.0.1:$sport$u" >/dev/null; done
        wait "$spid"
        t "system calls of run all pass the unit's SystemCallFilter" 'python3 - "$tmp/strace.txt" "$dest/lib/systemd/system/atalaya.service" <<PY
import re, subprocess, sys
def expand(g, seen):
    out = set()
    for l in subprocess.run(["systemd-analyze", "syscall-filter", g], capture_output=True, text=True).stdout.splitlines():
        l = l.strip()
        if not l or l.startswith("#") or l == g:
            continue
        if l.startswith("@"):
            if l not in seen:
                seen.add(l)
                out |= expand(l, seen)
        else:
            out.add(l)
    return out
allowed, denied = set(), set()
for l in open(sys.argv[2]):
    if l.startswith("SystemCallFilter="):
        v = l.split("=", 1)[1].split()
        if v[0].startswith("~"):
            for g in [v[0][1:]] + v[1:]:
                denied |= expand(g, set()) if g.startswith("@") else {g}
        else:
            for g in v:
                allowed |= expand(g, set()) if g.startswith("@") else {g}
used = {m.group(1) for l in open(sys.argv[1]) for m in [re.match(r"^\\d+\\s+([a-z0-9_]+)\\(", l)] if m}
bad = sorted(used - (allowed - denied))
print("# %d distinct system calls; refused: %s" % (len(used), bad or "none"))
sys.exit(1 if bad or len(used) < 20 else 0)
PY'
    else
        echo "ok - system calls of run pass the SystemCallFilter # SKIP strace not installed"
    fi
else
    echo "ok - systemd-analyze verify the units # SKIP systemd-analyze not installed"
fi

if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
    echo "ok - Debian package # SKIP dpkg-buildpackage or debhelper missing (apt-get install dpkg-dev debhelper)"
    exit $((fails > 0))
fi
src=$tmp/deb/src
mkdir -p "$src"
(cd "$root" && { git ls-files; git ls-files --others --exclude-standard; } | sort -u |
    while read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done | grep -v '/node_modules/' | tar -cf - -T -) | tar -xf - -C "$src"
start=$(date +%s)
(cd "$src" && timeout 300 dpkg-buildpackage -b -us -uc -j2 >"$tmp/deb/build.log" 2>&1)
rc=$?
secs=$(( $(date +%s) - start ))
deb=$(ls "$tmp"/deb/atalaya_*_*.deb 2>/dev/null | head -n 1)
t "dpkg-buildpackage builds the .deb (${secs} s)" '[ $rc -eq 0 ] && [ -n "$deb" ] || { tail -n 20 "$tmp/deb/build.log"; false; }'
[ -n "$deb" ] || exit 1
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/deb/list"
t ".deb: binary, units, conffile, man pages, data, web" 'grep -qx "./usr/bin/atalaya" "$tmp/deb/list" && grep -qx "./lib/systemd/system/atalaya.service" "$tmp/deb/list" && grep -qx "./usr/share/atalaya/web/index.html" "$tmp/deb/list" && grep -qx "./usr/share/man/man1/atalaya-run.1.gz" "$tmp/deb/list" && dpkg-deb -f "$deb" Depends | grep -q libmicrohttpd && dpkg-deb -I "$deb" conffiles | grep -qx "/etc/atalaya/run.conf"'
dpkg-deb -e "$deb" "$tmp/deb/ctl"
t ".deb: postinst enables and starts atalaya.service" 'grep -q "deb-systemd-helper enable .atalaya.service." "$tmp/deb/ctl/postinst" && grep -q "_dh_action=start" "$tmp/deb/ctl/postinst" && grep -q "deb-systemd-invoke .*atalaya.service" "$tmp/deb/ctl/postinst"'
t ".deb: the stream worker unit installed, not enabled or started (it needs worker.conf filled in)" 'grep -qx "./lib/systemd/system/atalaya-worker.service" "$tmp/deb/list" && grep -qx "./etc/atalaya/worker.conf" "$tmp/deb/list" && grep -q "was-enabled .atalaya-worker.service." "$tmp/deb/ctl/postinst" && ! grep -q "deb-systemd-invoke .*atalaya-worker" "$tmp/deb/ctl/postinst"'
dpkg-deb -x "$deb" "$tmp/deb/x"
port=$(free_port)
(cd /; exec env -u ATALAYA_DATA -u ATALAYA_WEB "$tmp/deb/x/usr/bin/atalaya" serve --store "sqlite:$tmp/s.db" --http "127.0.0.1:$port" >"$tmp/deb/serve.log" 2>&1) &
pids+=($!)
wait_http "http://127.0.0.1:$port/"
t "the packaged binary serves the page" 'curl -sf "http://127.0.0.1:$port/" | cmp -s - "$root/web/index.html"'
exit $((fails > 0))

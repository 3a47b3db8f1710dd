#!/usr/bin/env bash
# tests/sh/nats_lib.sh: a throw-away nats-server with JetStream for tests and
# benchmarks. Sourced: `. tests/sh/nats_lib.sh; nats_start` sets NATS_URL
# (nats://127.0.0.1:PORT) and NATS_TMP, and a trap on EXIT stops the server
# and removes its folder, also when the script fails. The server listens on
# a free 127.0.0.1 port only, keeps its JetStream files in the folder, and
# has no monitoring port. nats-server is installed when missing and
# possible; only when that cannot be done does the caller exit 77 (skipped).
# A caller with its own cleanup sets its trap after nats_start and calls
# nats_stop in it. Run directly, it checks itself.
#   nats_start       start (a second call after nats_kill restarts it on the
#                    same port with the same files)
#   nats_kill        kill -9 the server (its files stay: nats_start again)
#   nats_stop        stop it and remove the folder
#   nats_wait_down   wait until nothing listens on the port
NATS_TMP= NATS_PORT= NATS_URL= NATS_PID=

nats_skip() { echo "ok - ${0##*/} # SKIP $*"; exit 77; }

nats_need() {
    command -v nats-server >/dev/null && return 0
    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || nats_skip "needs nats-server (not installed; no root to install it)"
        sudo=sudo
    fi
    echo "# installing nats-server" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nats-server >/dev/null 2>&1 ||
        { $sudo apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nats-server >/dev/null 2>&1; } ||
        nats_skip "cannot install nats-server"
    command -v nats-server >/dev/null || nats_skip "cannot install nats-server"
}

nats_port_open() {
    python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(0.2)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

nats_start() {
    nats_need
    if [ -z "$NATS_TMP" ]; then
        NATS_TMP=$(mktemp -d /tmp/atalaya-nats.XXXXXX)
        NATS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        NATS_URL=nats://127.0.0.1:$NATS_PORT
        trap nats_stop EXIT
    fi
    nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$NATS_TMP/js" >>"$NATS_TMP/log" 2>&1 &
    NATS_PID=$!
    local i
    for i in $(seq 100); do
        nats_port_open "$NATS_PORT" && return 0
        kill -0 "$NATS_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "# nats-server did not start:" >&2
    tail -5 "$NATS_TMP/log" >&2
    return 1
}

nats_wait_down() {
    local i
    for i in $(seq 100); do
        nats_port_open "$NATS_PORT" || return 0
        sleep 0.1
    done
    return 1
}

nats_kill() {
    [ -n "$NATS_PID" ] || return 0
    kill -9 "$NATS_PID" 2>/dev/null || true
    wait "$NATS_PID" 2>/dev/null || true
    NATS_PID=
    nats_wait_down
}

nats_stop() { # never fails (traps under set -e)
    if [ -n "$NATS_PID" ]; then
        kill "$NATS_PID" 2>/dev/null || true
        wait "$NATS_PID" 2>/dev/null || true
        NATS_PID=
    fi
    if [ -n "$NATS_TMP" ]; then rm -rf "$NATS_TMP" || true; fi
    NATS_TMP=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    nats_start || { echo "not ok - nats_lib: start"; exit 1; }
    echo "ok - nats_lib: nats-server -js on $NATS_URL"
    nats_kill && nats_start && echo "ok - nats_lib: kill -9 and restart on the same port" ||
        echo "not ok - nats_lib: restart"
    port=$NATS_PORT tmp=$NATS_TMP
    nats_stop
    if ! nats_port_open "$port" && [ ! -e "$tmp" ]; then echo "ok - nats_lib: stopped and removed"; else echo "not ok - nats_lib: still there"; fi
fi

#!/usr/bin/env bash
# tests/sh/pg_lib.sh: a throw-away PostgreSQL 15 + PostGIS cluster for tests
# and benchmarks. Sourced: `. tests/sh/pg_lib.sh; pg_start` sets PG_URL
# (postgresql://postgres@127.0.0.1:PORT/atalaya) and PG_TMP, and a trap on
# EXIT stops the server and removes its folder, also when the script fails.
# The cluster lives in a temporary folder, listens on a free 127.0.0.1 port
# only (no Unix socket outside the folder), and runs as the postgres user
# when the script runs as root (initdb refuses root). Missing packages are
# installed (postgresql-15, postgresql-15-postgis-3); only when that cannot
# be done does the caller exit 77 (skipped), with the reason.
# A caller with its own cleanup sets its trap after pg_start and calls
# pg_stop in it. Run directly, it checks itself: start, answer with PostGIS, stop, gone.
#   pg_start [DB]   start a cluster with database DB (default atalaya)
#   pg_stop         stop it now (the trap does it otherwise)
#   pg_psql SQL     run SQL in the database, unaligned, tuples only
#   pg_restart      stop and start the same cluster on the same port

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_TMP= PG_PORT= PG_URL= PG_DB=atalaya
pg_as=()

pg_skip() { echo "ok - ${0##*/} # SKIP $*"; exit 77; }

# The packages, installed when missing and possible.
pg_need() {
    local pkgs=() p
    [ -x "$PG_BIN/initdb" ] || pkgs+=(postgresql-15)
    ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || pkgs+=(postgresql-15-postgis-3)
    [ ${#pkgs[@]} -eq 0 ] && return 0
    local sudo=
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || pg_skip "needs ${pkgs[*]} (not installed; no root to install them)"
        sudo=sudo
    fi
    echo "# installing ${pkgs[*]}" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
        { $sudo apt-get update -qq >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1; } ||
        pg_skip "cannot install ${pkgs[*]}"
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || pg_skip "cannot install $p"
    done
}

# A free TCP port on 127.0.0.1 (the kernel's choice of an ephemeral one).
pg_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_ctl_() { "${pg_as[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -t 60 "$@" >/dev/null; }

pg_stop() {
    [ -n "$PG_TMP" ] || return 0
    # Never fails: called from traps of scripts under set -e, where a
    # failure would skip the rest of the clean-up.
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then pg_ctl_ stop -m immediate 2>/dev/null || true; fi
    rm -rf "$PG_TMP" || true
    PG_TMP=
}

pg_psql() {
    "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" -c "$1"
}

pg_server_start() {
    pg_ctl_ start -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='$PG_TMP/sock' -c fsync=off -c full_page_writes=off -c max_wal_size=1GB" ||
        { cat "$PG_TMP/log" >&2; return 1; }
}

pg_restart() { pg_ctl_ stop -m fast && pg_server_start; }

pg_start() {
    PG_DB=${1:-atalaya}
    pg_need
    PG_TMP=$(mktemp -d /tmp/atalaya-pg.XXXXXX)
    trap 'pg_stop' EXIT
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || pg_skip "no postgres user to run the server as"
        chown postgres "$PG_TMP"
        pg_as=(runuser -u postgres --)
    fi
    mkdir -p "$PG_TMP/sock"
    [ ${#pg_as[@]} -eq 0 ] || chown postgres "$PG_TMP/sock"
    "${pg_as[@]}" "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1 ||
        { cat "$PG_TMP/initdb.log" >&2; return 1; }
    local tries
    for tries in 1 2 3; do
        PG_PORT=$(pg_free_port)
        pg_server_start 2>/dev/null && break
        PG_PORT=
    done
    [ -n "$PG_PORT" ] || { cat "$PG_TMP/log" >&2; return 1; }
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$PG_DB" || return 1
    PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$PG_DB"
    export PG_URL PG_TMP PG_PORT
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    pg_start
    v=$(pg_psql "CREATE EXTENSION IF NOT EXISTS postgis; SELECT postgis_lib_version()" 2>&1)
    dir=$PG_TMP
    if [ -n "$v" ] && [ "$(pg_psql 'SELECT 1')" = 1 ]; then
        echo "ok - pg_lib starts PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') with PostGIS $v on 127.0.0.1:$PG_PORT"
    else
        echo "not ok - pg_lib: server or PostGIS not answering: $v"
    fi
    pg_stop
    if [ ! -e "$dir" ] && ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
        echo "ok - pg_lib stops the server and removes its folder"
    else
        echo "not ok - pg_lib left $dir or a server on $PG_PORT"
    fi
fi

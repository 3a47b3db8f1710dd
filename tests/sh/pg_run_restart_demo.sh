#!/usr/bin/env bash
# run_restart_demo.sh with PostgreSQL as run's store: the Caribbean demo
# killed (kill -9) at a cut and restarted on the same database stores the
# events ingest of the whole recording stores, the detectors' checkpoint
# (det_state) and the live picture read back through the PostgreSQL store.
# A throw-away cluster (pg_lib.sh).
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/pg_lib.sh"
pg_start || { echo "not ok - pg_run_restart_demo: the server did not start"; exit 1; }
export RESTART_COUNT_SQL=pg_psql
export -f pg_psql
export PG_BIN PG_PORT PG_DB
ATALAYA_RESTART_STORE=$PG_URL bash "$root/tests/sh/run_restart_demo.sh"

#!/usr/bin/env bash
# run_restart.sh with PostgreSQL as run's store: `run --store postgresql://`
# killed (kill -9) while a vessel's gap is open, started again on the same
# database with the rest of the recording, gives ingest's one gap, its
# sighting alerts and no event twice (open events read back through the
# PostgreSQL store's query_open_events). A throw-away cluster (pg_lib.sh).
set -u
root=${ATALAYA_ROOT:-.}
. "$root/tests/sh/pg_lib.sh"
pg_start || { echo "not ok - pg_run_restart: the server did not start"; exit 1; }
ATALAYA_RESTART_STORE=$PG_URL bash "$root/tests/sh/run_restart.sh"

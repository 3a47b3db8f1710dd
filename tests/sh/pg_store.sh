#!/usr/bin/env bash
# The store's unit tests against PostgreSQL: starts a throw-away cluster
# (pg_lib.sh) and runs test_store_pg with its URL: the tests every backend
# passes (tests/unit/store_conform.h, also run on SQLite by test_store_sqlite)
# and PostgreSQL's own (partitions, retention, natural keys, reconnect).
set -u
root=${ATALAYA_ROOT:-.}
build=${ATALAYA_BUILD:-$root/build/rel}
. "$root/tests/sh/pg_lib.sh"
[ -x "$build/tests/test_store_pg" ] || { echo "not ok - pg_store: no $build/tests/test_store_pg"; exit 1; }
pg_start || { echo "not ok - pg_store: the server did not start"; exit 1; }
ATALAYA_PG_URL=$PG_URL "$build/tests/test_store_pg"

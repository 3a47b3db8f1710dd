#!/usr/bin/env bash
# The HTTP API of `atalaya run --http` over loopback: every endpoint with the
# data fed in, static files, and 4xx answers for escapes, long URLs, other
# methods, bodies and symlinks out of the web root (tests/e2e/api_test.py).
set -u
root=${ATALAYA_ROOT:-.}
export ATALAYA_SERVER_LOG=${ATALAYA_BUILD:-/tmp}/test-logs/http_api.server.log
exec python3 "$root/tests/e2e/live_server.py" "$ATALAYA" "$root" -- python3 "$root/tests/e2e/api_test.py" "$ATALAYA"

#!/usr/bin/env bash
# `atalaya serve` under load and abuse, loopback only, about 30 s: keep-alive
# and pipelining, slowloris from one address, JSON 4xx for bad, empty and
# unknown parameters and oversize requests, gzip, ETag/304
# (tests/e2e/http_load_test.py).
set -u
root=${ATALAYA_ROOT:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/http_load.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/e2e/http_load_test.py" "$ATALAYA" "$root" "$work"

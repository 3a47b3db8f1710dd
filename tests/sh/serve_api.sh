#!/usr/bin/env bash
# `atalaya serve` over a store built from a simulated recording: every API
# endpoint against the store's rows, 400s for bad parameters, the write token
# (403 without it, 201/200 with it), bounded bodies (413), the live stream
# (a snapshot, then a row committed by another writer), a slow stream client
# dropped and counted (tests/e2e/serve_test.py).
set -u
root=${ATALAYA_ROOT:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/serve_api.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/e2e/serve_test.py" "$ATALAYA" "$root" "$work"

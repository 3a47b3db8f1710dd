#!/usr/bin/env bash
# `atalaya run` with a listen input under 300 silent feeders and a low
# descriptor limit: caps, no spinning on EMFILE, --http still answering, idle
# feeders closed (tests/e2e/feeders_test.py). Loopback only, about 20 s.
set -u
root=${ATALAYA_ROOT:-.}
work=$(mktemp -d "${TMPDIR:-/tmp}/run_feeders.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/e2e/feeders_test.py" "$ATALAYA" "$root" "$work"

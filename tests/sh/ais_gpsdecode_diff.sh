#!/usr/bin/env bash
# ais_gpsdecode_diff.sh: AMSA's real log (44,687 lines) through atalaya and
# gpsdecode -j, compared message by message; fails on any mismatch that
# docs/ais-differences.md does not explain. Skips without gpsdecode.
set -u
command -v gpsdecode >/dev/null || { echo "# SKIP gpsdecode missing (Debian gpsd-clients)"; exit 77; }
command -v python3 >/dev/null || { echo "# SKIP python3 missing"; exit 77; }
if python3 "$ATALAYA_ROOT/tests/sh/ais_gpsdecode_diff.py" "$ATALAYA" \
    "$ATALAYA_ROOT/tests/samples/ais/amsa/ais.txt.gz" "$ATALAYA_ROOT/tests/tools/ais_compare.py"; then
    echo "ok - gpsdecode differential on amsa/ais.txt.gz"
else
    echo "not ok - gpsdecode differential on amsa/ais.txt.gz"
fi

#!/usr/bin/env bash
# scripts/demo.sh: the main job, for now: build and decode a bundled real AIS log
# (gpsd's sample of every message type), printing JSON lines and the counters.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build
make -j"$(nproc 2>/dev/null || echo 2)" rel >/dev/null
build/rel/atalaya decode --stats tests/samples/ais/gpsd/sample.aivdm

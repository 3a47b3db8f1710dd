#!/usr/bin/env bash
# bench_run.sh ATALAYA: loopback ingest into `atalaya run` from 8 concurrent
# Beast feeders (frames/s, nothing lost, peak memory); see bench_run.py.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python3 "$root/bench/bench_run.py" "$1" "$root"

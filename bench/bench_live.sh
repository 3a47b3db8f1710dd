#!/usr/bin/env bash
# bench_live.sh ATALAYA: the live operations centre under load (bench_live.py):
# run --store --http with every detector on a full-speed loopback feed,
# messages/s and peak memory beside ingest of the same files and gpsdecode
# decoding the AIS half, and the latency of an alert to the page's stream.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python3 "$root/bench/bench_live.py" "${1:?usage: bench_live.sh ATALAYA}" "$root"

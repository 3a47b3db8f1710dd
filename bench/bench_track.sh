#!/usr/bin/env bash
# bench_track.sh ATALAYA: tracker update rate with 200,000 vessels and 15,000
# aircraft live, and memory per tracked entity (goal <= 1 KiB plus trail).
# Built here against the same build's libraries (bench/bench_track.c).
set -eu
atalaya=${1:?usage: bench_track.sh ATALAYA}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$(dirname "$atalaya")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -std=c17 -O2 -D_GNU_SOURCE -I"$root/src" -o "$tmp/bench_track" "$root/bench/bench_track.c" \
   -Wl,--start-group "$build"/lib*.a -Wl,--end-group -lsqlite3 -ljansson -lz -lzstd -lm -lpthread
"$tmp/bench_track" 200000 15000 20 1
"$tmp/bench_track" 200000 15000 20 64
"$tmp/bench_track" 200000 15000 20 256

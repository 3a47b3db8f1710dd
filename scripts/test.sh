#!/usr/bin/env bash
# scripts/test.sh: the README's test command. Installs what is missing, builds
# from scratch, runs the whole suite on the release build and again under
# ASan+UBSan (with the fuzz corpora replayed), and ends with one summary line.
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh test || { echo "0 passed, 1 failed"; exit 1; }
make clean >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
if ! make -j"$jobs" WERROR=1 rel asan >build.log 2>&1; then
  tail -n 40 build.log; echo "0 passed, 1 failed"; exit 1
fi
grep -E 'warning:' build.log | sort -u | head -n 20
total_p=0 total_f=0 total_s=0
for mode in rel asan; do
  echo "== tests on build/$mode"
  # The sanitizer pass runs the restart test on the demo's first 30 hours
  # (the cut is at 23 h: the same code paths and events across it, in half
  # the time under ASan); the release pass on all of it.
  small=(); [ "$mode" = asan ] && small=(ATALAYA_RESTART_HOURS=30)
  out=$(env "${small[@]}" tests/run.sh build/$mode | tee -a /dev/stderr | tail -n 1)
  read -r p _ f _ s _ <<<"${out//,/}"
  total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
done 2>&1
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]

#!/usr/bin/env bash
# tests/run.sh BUILD_DIR: runs every unit-test binary in BUILD_DIR/tests and every
# script in tests/sh/ against BUILD_DIR/atalaya, counts "ok"/"not ok" lines, and
# ends with the line "N passed, N failed, N skipped".
# A script with no ok/not ok lines counts as one test by its exit status
# (77 = skipped, as automake does).
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
export ATALAYA="$build/atalaya" ATALAYA_BUILD="$build" ATALAYA_ROOT="$root"
export ATALAYA_SHARED_DATA=${ATALAYA_SHARED_DATA:-$(cd "$root/.." && pwd)/shared/data}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0 skipped=0
logdir="$build/test-logs"; mkdir -p "$logdir"

count() { # name exit-status logfile (started at $t0, seconds since the epoch)
    local name=$1 rc=$2 log=$3 ok nok sk secs=$(($(date +%s) - t0))
    ok=$(grep -c '^ok - ' "$log" || true)
    sk=$(grep -c '^ok - .*# SKIP' "$log" || true)
    nok=$(grep -c '^not ok - ' "$log" || true)
    ok=$((ok - sk))
    if [ $((ok + nok + sk)) -eq 0 ]; then
        if [ "$rc" -eq 0 ]; then ok=1; elif [ "$rc" -eq 77 ]; then sk=1; else nok=1; fi
    elif [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$nok" -eq 0 ]; then
        nok=1 # crashed or exited non-zero after its last ok line
    fi
    passed=$((passed + ok)); failed=$((failed + nok)); skipped=$((skipped + sk))
    if [ "$nok" -ne 0 ]; then
        echo "FAIL $name ($nok failed, ${secs} s; log: $log)"
        grep -v '^ok - ' "$log" | tail -n 60 | sed 's/^/    /'
    else
        if [ "$sk" -ne 0 ]; then echo "pass $name ($ok passed, $sk skipped, ${secs} s)"; else echo "pass $name ($ok passed, ${secs} s)"; fi
    fi
}

for t in "$build"/tests/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    case "$t" in *.o|*.d) continue;; esac
    n=$(basename "$t"); log="$logdir/$n.log"; t0=$(date +%s)
    (cd "$root" && "$t") >"$log" 2>&1; count "$n" $? "$log"
done
for s in "$root"/tests/sh/*.sh; do
    [ -f "$s" ] || continue
    n=$(basename "$s" .sh); log="$logdir/$n.log"; t0=$(date +%s)
    (cd "$root" && bash "$s") >"$log" 2>&1; count "$n" $? "$log"
done
for r in "$build"/fuzzreplay/fuzz_*; do
    [ -x "$r" ] && [ -f "$r" ] || continue
    case "$r" in *.o|*.d) continue;; esac
    n=$(basename "$r"); log="$logdir/$n.replay.log"; t0=$(date +%s)
    (cd "$root" && "$r" "tests/fuzz/corpus/$n") >"$log" 2>&1; count "corpus:$n" $? "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

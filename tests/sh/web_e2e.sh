#!/usr/bin/env bash
# The live map in a real browser (tests/e2e/map.test.mjs): playwright-core from
# npm (installed here from the lock file) driving Debian's chromium against
# `atalaya run --http` fed over loopback. Screenshots land in the build's
# test-logs/web_e2e/. Skips (77) only when chromium is missing.
set -u
root=${ATALAYA_ROOT:-.}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "# SKIP chromium not found at $chromium (scripts/deps.sh test installs it)"
    exit 77
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "not ok - node and npm are installed (scripts/deps.sh test)"
    exit 1
fi
e2e="$root/tests/e2e"
if [ ! -d "$e2e/node_modules/playwright-core" ]; then
    # The lock file pins playwright-core; it never downloads a browser.
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) ||
        { echo "not ok - npm ci installs playwright-core"; exit 1; }
fi
logs=${ATALAYA_BUILD:-/tmp}/test-logs
mkdir -p "$logs"
export ATALAYA_ARTEFACTS="$logs/web_e2e" ATALAYA_SERVER_LOG="$logs/web_e2e.server.log" CHROMIUM="$chromium"
exec timeout 120 python3 "$root/tests/e2e/live_server.py" "$ATALAYA" "$root" -- node "$e2e/map.test.mjs"

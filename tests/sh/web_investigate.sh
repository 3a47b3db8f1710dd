#!/usr/bin/env bash
# The investigation page in a real browser (tests/e2e/investigate.test.mjs)
# against `atalaya serve --store` on the demo data: scenarios/caribbean.json
# simulated (seed 7), the demo watchlist imported, AIS and Beast ingested
# into a store, then chromium (Debian's, driven by playwright-core from the
# lock file) searches, opens dossiers, follows events to the map, scrubs the
# time slider and exports. Screenshots and the server's log land in the
# build's test-logs/web_investigate/. The store is built once per binary and
# scenario (test-data/, about 5 minutes on a shared machine) and reused.
# Skips (77) only when chromium is missing or `atalaya serve` does not exist.
set -u
root=${ATALAYA_ROOT:-.}
bin=${ATALAYA:?ATALAYA names the binary}
build=${ATALAYA_BUILD:-/tmp}
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "# SKIP chromium not found at $chromium (scripts/deps.sh test installs it)"
    exit 77
fi
if ! "$bin" serve --help >/dev/null 2>&1; then
    if "$bin" serve --help 2>&1 | grep -q "unknown command"; then
        echo "# SKIP atalaya has no serve command yet (the store-backed API, branch h-web)"
        exit 77
    fi
    echo "not ok - atalaya serve --help"
    exit 1
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

# The demo store (shared with web_desk.sh).
. "$root/tests/e2e/demo_store.sh"

logs="$build/test-logs"
mkdir -p "$logs"
export ATALAYA_ARTEFACTS="$logs/web_investigate" ATALAYA_SERVER_LOG="$logs/web_investigate.server.log" CHROMIUM="$chromium"
exec timeout 300 python3 "$e2e/store_server.py" "$bin" "sqlite:$db" -- node "$e2e/investigate.test.mjs"

#!/usr/bin/env bash
# The analyst's desk in a real browser (tests/e2e/desk.test.mjs) against
# `atalaya serve --store` on the demo store (tests/e2e/demo_store.sh, shared
# with web_investigate.sh): the triaged event list and its counts, labels and
# symbols apart, hover cards, the target table, the keyboard, the 1:10m
# basemap with Curaçao and nothing across the antimeridian, airports and
# ports, the rename chain in a dossier, search by airline name, an aircraft's
# last track, the evidence drawer. Screenshots, one per item, land in the
# build's test-logs/screens/ for review.
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

# The demo store (shared with web_investigate.sh).
. "$root/tests/e2e/demo_store.sh"

logs="$build/test-logs"
mkdir -p "$logs/screens"
export ATALAYA_ARTEFACTS="$logs/screens" ATALAYA_SERVER_LOG="$logs/web_desk.server.log" CHROMIUM="$chromium"
exec timeout 300 python3 "$e2e/store_server.py" "$bin" "sqlite:$db" -- node "$e2e/desk.test.mjs"

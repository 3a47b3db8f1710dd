#!/usr/bin/env bash
# `atalaya query` (and `serve`) only read: a store that does not exist is an
# error with a non-zero exit, and no empty file is left where it was looked
# for (the README's commands copied after the demo, from another folder).
set -u
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$ATALAYA" query flights --callsign DQC401 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$tmp/atalaya.db" ] && grep -q "no such store" "$tmp/err" && [ ! -s "$tmp/out" ]; then
    echo "ok - query on the default store that does not exist: exit $rc, no file made ($(head -c 80 "$tmp/err"))"
else
    echo "not ok - query on a missing default store: exit $rc, file made: $([ -e "$tmp/atalaya.db" ] && echo yes || echo no)"
    cat "$tmp/err"
fi
"$ATALAYA" query --store "sqlite:$tmp/nowhere/x.db" --count events >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$tmp/nowhere" ]; then
    echo "ok - query --store naming a missing file: exit $rc"
else
    echo "not ok - query --store naming a missing file: exit $rc"
fi
"$ATALAYA" serve --store "sqlite:$tmp/none.db" --http 127.0.0.1:0 >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$tmp/none.db" ]; then
    echo "ok - serve on a missing store: exit $rc, no file made"
else
    echo "not ok - serve on a missing store: exit $rc"
fi
# An existing store still answers: one made by the watchlist import.
"$ATALAYA" watchlist --db "$tmp/w.db" import --format csv --list demo "${ATALAYA_ROOT:-.}/scenarios/caribbean-watchlist.csv" >/dev/null 2>&1
n=$("$ATALAYA" query --store "sqlite:$tmp/w.db" --count events 2>"$tmp/err")
rc=$?
if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
    echo "ok - query on an existing store answers ($n)"
else
    echo "not ok - query on an existing store: exit $rc"; cat "$tmp/err"
fi

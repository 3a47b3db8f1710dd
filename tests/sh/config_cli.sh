#!/usr/bin/env bash
# atalaya config and the option tables of common/config: --defaults lists
# every threshold with its value and where it comes from, every threshold is
# documented in docs/detectors.md, --check finds the bad line of a file, and a
# command reads its [section] of a config file with the command line winning.
set -u
root=${ATALAYA_ROOT:-.}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; }

"$ATALAYA" config --defaults >"$tmp/defaults.conf" 2>"$tmp/err" || nok "config --defaults: $(cat "$tmp/err")"
# The thresholds: the dotted names before the first [section].
sed -n '/^\[/q;p' "$tmp/defaults.conf" | grep -oE '^[a-z_]+\.[a-z_]+' >"$tmp/names"
n=$(wc -l <"$tmp/names")
[ "$n" -ge 60 ] && ok "config --defaults lists $n thresholds" || nok "config --defaults lists $n thresholds"
missing=$(while read -r name; do grep -qF "\`$name\`" "$root/docs/detectors.md" || echo "$name"; done <"$tmp/names")
[ -z "$missing" ] && ok "every threshold is documented in docs/detectors.md" \
    || nok "undocumented in docs/detectors.md: $(echo $missing)"
for want in '^gap.min_h = 6 .*# h; default;' '^port.stop_kn = 0.2 ' '^track.vessel_expire_s = 3600 .*# s; default' \
    '^\[decode\]' '^format = json ' '^\[watchlist import\]'; do
    grep -qE "$want" "$tmp/defaults.conf" && ok "defaults: $want" || nok "defaults: $want missing"
done

# The output is itself a valid config file.
"$ATALAYA" config --check "$tmp/defaults.conf" >"$tmp/out" 2>&1 && ok "defaults pass --check" \
    || nok "defaults fail --check: $(cat "$tmp/out")"

# Where each value comes from: file, then --set over it.
printf '# mine\ngap.min_h = 9\nset loiter.min_h = 4\n[decode]\nformat = csv\n' >"$tmp/a.conf"
"$ATALAYA" config --defaults --config "$tmp/a.conf" --set gap.min_h=10 --set track.trail_points=64 >"$tmp/d2" 2>&1
grep -qE '^gap.min_h = 10 .*# h; --set;' "$tmp/d2" && grep -qE '^loiter.min_h = 4 .*# h; config file;' "$tmp/d2" \
    && grep -qE '^track.trail_points = 64 .*--set' "$tmp/d2" && grep -qE '^encounter.min_h = 2 .*default' "$tmp/d2" \
    && sed -n '/^\[decode\]/,/^\[/p' "$tmp/d2" | grep -qE '^format = csv .*config file' \
    && ok "values with their origin (default, config file, --set)" || nok "origins: $(grep -E '^(gap|loiter).min_h|^format' "$tmp/d2")"

# Bad input: the line and the reason, exit 1.
bad() { # name expected-message file-content
    printf "$3" >"$tmp/bad.conf"
    out=$("$ATALAYA" config --check "$tmp/bad.conf" 2>&1); rc=$?
    case $out in *"$2"*) [ $rc -eq 1 ] && ok "--check: $1" || nok "--check $1: rc $rc";; *) nok "--check $1: $out";; esac
}
bad "unknown threshold" "bad.conf:2: unknown threshold 'gap.minh'" '# x\ngap.minh = 3\n'
bad "not a number" "bad.conf:1: encounter.distance_m: '5OO' is not a number" 'encounter.distance_m = 5OO\n'
bad "zero" "bad.conf:1: gap.min_h: '0' must be > 0" 'gap.min_h = 0\n'
bad "unknown command" "bad.conf:2: unknown command [nope]" '[nope]\nx = 1\n'
bad "unknown option" "bad.conf:2: unknown setting 'formt' for decode" '[decode]\nformt = csv\n'
bad "option value" "bad.conf:2: --limit: 'ten' is not a whole number" '[query]\nlimit = ten\n'
bad "no equals" "bad.conf:1: expected name = value" 'gap.min_h 6\n'
out=$("$ATALAYA" config --defaults --set gap.min_h=abc 2>&1); rc=$?
[ $rc -eq 1 ] && case $out in *"gap.min_h: 'abc' is not a number"*) true;; *) false;; esac \
    && ok "--set with a bad value: $out" || nok "--set bad value: rc $rc $out"

# A command reads its section (and skips thresholds and other sections); the command line wins.
line='!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A'
echo "$line" >"$tmp/one.nmea"
printf 'gap.min_h = 9\n[query]\nlimit = 3\n[decode]\nformat = csv\n' >"$tmp/c.conf"
csv=$("$ATALAYA" decode --config "$tmp/c.conf" "$tmp/one.nmea" 2>&1)
json=$("$ATALAYA" decode --config "$tmp/c.conf" --format json "$tmp/one.nmea" 2>&1)
plain=$("$ATALAYA" decode "$tmp/one.nmea" 2>&1)
[ "$(echo "$csv" | wc -l)" -eq 2 ] && case $csv in *mmsi*) true;; *) false;; esac && [ "$json" = "$plain" ] \
    && case $json in '{'*) true;; *) false;; esac \
    && ok "decode --config: its section applies, the command line wins" || nok "decode --config: $csv / $json"
out=$("$ATALAYA" decode --config "$tmp/nope.conf" "$tmp/one.nmea" 2>&1); rc=$?
[ $rc -eq 1 ] && case $out in *"nope.conf: No such file"*) true;; *) false;; esac && ok "missing config file: $out" \
    || nok "missing config file: rc $rc $out"
# Options as getopt took them: short letters, after the files, "--" before arguments.
[ "$("$ATALAYA" decode "$tmp/one.nmea" -f csv)" = "$csv" ] && ok "options after the files" || nok "options after the files"
[ "$("$ATALAYA" decode -u -- "$tmp/one.nmea")" = "$("$ATALAYA" decode --unscaled "$tmp/one.nmea")" ] \
    && ok "-u and --" || nok "-u and --"
out=$("$ATALAYA" decode --bogus "$tmp/one.nmea" 2>&1); rc=$?
[ $rc -eq 1 ] && case $out in *"unknown option --bogus"*) true;; *) false;; esac && ok "unknown option: $out" \
    || nok "unknown option: rc $rc $out"
for c in decode query serve simulate lookup registry watchlist config; do
    "$ATALAYA" $c --help >"$tmp/h" 2>&1 && grep -q '^usage: atalaya' "$tmp/h" && grep -q -- '--' "$tmp/h" \
        && ok "$c --help" || nok "$c --help: $(head -3 "$tmp/h")"
done

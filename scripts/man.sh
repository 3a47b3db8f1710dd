#!/bin/sh
# scripts/man.sh ATALAYA OUTDIR VERSION: man pages from the program's own
# help (the option tables print it), so they never drift from the code:
# atalaya.1 from `atalaya --help`, atalaya-CMD.1 from `atalaya CMD --help`.
# Option lines ("  --name VALUE   text", continued by deeper-indented lines)
# become .TP entries; everything else is kept as written.
set -eu
bin=$1 out=$2 version=$3
mkdir -p "$out"
date=${SOURCE_DATE_EPOCH:+$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)}
date=${date:-$(date -u +%Y-%m-%d)}

# roff from help text on stdin: $1 page name, $2 one-line summary.
page() {
    awk -v name="$1" -v summary="$2" -v version="$version" -v date="$date" '
    function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); if (s ~ /^[.\047]/) s = "\\&" s; return s }
    function plain(on) { if (on && !nf) printf ".nf\n"; if (!on && nf) printf ".fi\n"; nf = on }
    BEGIN {
        printf ".TH %s 1 \"%s\" \"atalaya %s\" \"atalaya manual\"\n", toupper(name), date, version
        printf ".SH NAME\n%s \\- %s\n", name, esc(summary)
    }
    NR == 1 && /^usage: / { sub(/^usage: /, ""); printf ".SH SYNOPSIS\n.nf\n%s\n.fi\n.SH DESCRIPTION\n", esc($0); next }
    NR == 1 { printf ".SH DESCRIPTION\n" }
    /^ *--?[a-zA-Z0-9]/ && match($0, /^ *-/) {
        line = $0; sub(/^ +/, "", line)
        if (match(line, /   +/)) { opt = substr(line, 1, RSTART - 1); text = substr(line, RSTART + RLENGTH) }
        else { opt = line; text = "" }
        plain(0)
        if (!opts++) printf ".SH OPTIONS\n"
        printf ".TP\n.B %s\n%s\n", esc(opt), esc(text); inopt = 1; next
    }
    inopt && /^       +[^ ]/ { t = $0; sub(/^ +/, "", t); printf "%s\n", esc(t); next }
    { inopt = 0; plain(1); printf "%s\n", esc($0) }
    END { plain(0); printf ".SH SEE ALSO\n\\fBatalaya\\fR(1), and the documentation under docs/ in the source\n" }'
}

"$bin" --help | page atalaya "air and sea domain awareness: AIS and Mode S decoding, tracking, alerts, store, web map" >"$out/atalaya.1"
"$bin" --help | awk '/^  [a-z]+  +/ { print $1 "\t" substr($0, index($0, $2)) }' |
while IFS="$(printf '\t')" read -r cmd summary; do
    "$bin" "$cmd" --help 2>&1 | page "atalaya-$cmd" "$summary" >"$out/atalaya-$cmd.1"
done

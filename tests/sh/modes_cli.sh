#!/usr/bin/env bash
# atalaya decode for Mode S feeder streams, end to end: format detection
# (Beast, AVR, gzip), streams cut anywhere and split across files, junk
# between frames (skipped and counted), conversions Beast <-> AVR that keep
# bytes, 12 MHz times and signal, and option errors.
set -u
root=${ATALAYA_ROOT:-.}
beast=$root/tests/samples/modes/beast/sample_dump1090.bin
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
check() { # name command...: ok when the command succeeds
    local name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}
stat_of() { awk -F': ' -v k="$1" '$1 == k { print $2 }' "$2"; }

"$ATALAYA" decode --input beast --format json --stats "$beast" >"$tmp/ref.json" 2>"$tmp/ref.stats"
"$ATALAYA" decode --input beast --format avr "$beast" >"$tmp/ref.avr"
frames=$(stat_of frames "$tmp/ref.stats")
valid=$(stat_of validated "$tmp/ref.stats")
check "Beast sample: 239 frames, all validated ones written ($valid)" \
    test "$frames" = 239 -a "$(wc -l <"$tmp/ref.json")" = "$valid" -a "$valid" -gt 200

# Detection: the same output with --input auto, from a gzip file too.
"$ATALAYA" decode --format avr "$beast" >"$tmp/auto.avr"
check "auto detects Beast" cmp -s "$tmp/ref.avr" "$tmp/auto.avr"
gzip -c "$beast" >"$tmp/b.gz"
"$ATALAYA" decode --format avr "$tmp/b.gz" >"$tmp/gz.avr"
check "auto detects gzip-compressed Beast" cmp -s "$tmp/ref.avr" "$tmp/gz.avr"

# A stream cut anywhere (mid-frame, between an escape byte and its double)
# and handed over as consecutive files: the framer carries on, same frames.
size=$(stat -c %s "$beast")
ok=1
for cut in 1 17 1000 $((size / 2)) $((size - 3)); do
    head -c "$cut" "$beast" >"$tmp/a.bin"
    tail -c +"$((cut + 1))" "$beast" >"$tmp/b.bin"
    "$ATALAYA" decode --input beast --format avr "$tmp/a.bin" "$tmp/b.bin" >"$tmp/cut.avr"
    cmp -s "$tmp/ref.avr" "$tmp/cut.avr" || { ok=0; echo "# cut at $cut differs"; }
done
# Every 0x1a position in the file: a cut right after an escape byte.
for cut in $(python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); print(" ".join(str(i+1) for i in range(len(b)) if b[i]==0x1a and i+1<len(b) and b[i+1]==0x1a))' "$beast"); do
    head -c "$cut" "$beast" >"$tmp/a.bin"
    tail -c +"$((cut + 1))" "$beast" >"$tmp/b.bin"
    "$ATALAYA" decode --input beast --format avr "$tmp/a.bin" "$tmp/b.bin" >"$tmp/cut.avr"
    cmp -s "$tmp/ref.avr" "$tmp/cut.avr" || { ok=0; echo "# escape cut at $cut differs"; }
done
check "Beast cut anywhere across files: same frames" test $ok = 1

# Junk between frames (never containing 0x1a): skipped, counted, nothing lost.
python3 - "$beast" "$tmp/junk.bin" <<'PY'
import sys, random
b = open(sys.argv[1], "rb").read()
random.seed(3)
out, junk, i = bytearray(), 0, 0
while i < len(b):
    j = b.find(b"\x1a", i + 1)
    while j > 0 and b[j + 1] == 0x1a:   # skip escaped pairs: find a frame start
        j = b.find(b"\x1a", j + 2)
    j = len(b) if j < 0 else j
    out += b[i:j]
    n = random.randrange(0, 9)
    out += bytes(random.choice([x for x in range(256) if x != 0x1a]) for _ in range(n))
    junk += n
    i = j
open(sys.argv[2], "wb").write(out)
print(junk, file=open(sys.argv[2] + ".n", "w"))
PY
"$ATALAYA" decode --input beast --format avr --stats "$tmp/junk.bin" >"$tmp/junk.avr" 2>"$tmp/junk.stats"
check "junk between Beast frames skipped, same frames" cmp -s "$tmp/ref.avr" "$tmp/junk.avr"
check "junk bytes counted ($(cat "$tmp/junk.bin.n"))" \
    test "$(stat_of 'garbage bytes' "$tmp/junk.stats")" = "$(cat "$tmp/junk.bin.n")"

# Conversions keep everything: Beast -> AVR -> Beast -> JSON equals Beast -> JSON
# (bytes, 12 MHz counter; the signal survives the Beast byte).
"$ATALAYA" decode --input beast --format beast "$beast" >"$tmp/re.beast"
"$ATALAYA" decode --format json "$tmp/re.beast" >"$tmp/re.json"
check "Beast -> Beast -> JSON unchanged" cmp -s "$tmp/ref.json" "$tmp/re.json"
"$ATALAYA" decode --format avr "$tmp/re.beast" >"$tmp/re.avr"
check "Beast -> Beast -> AVR unchanged" cmp -s "$tmp/ref.avr" "$tmp/re.avr"
"$ATALAYA" decode --input avr --format avr "$tmp/ref.avr" >"$tmp/avr2.avr"
check "AVR -> AVR unchanged (12 MHz times kept)" cmp -s "$tmp/ref.avr" "$tmp/avr2.avr"
check "AVR lines are @ + 12 hex digits + frame" \
    test "$(grep -cvE '^@[0-9A-F]{12}([0-9A-F]{14}|[0-9A-F]{28});$' "$tmp/ref.avr")" = 0

# AVR text with CRLF, comments, junk lines and '*' frames without time: detected and framed.
{ echo "# a comment"; sed 's/^@[0-9A-F]\{12\}/*/; s/$/\r/' "$tmp/ref.avr"; echo "garbage line"; } >"$tmp/plain.avr"
"$ATALAYA" decode --format avr --stats "$tmp/plain.avr" >"$tmp/plain.out" 2>"$tmp/plain.stats"
check "AVR with CRLF and junk lines: all frames back" \
    test "$(wc -l <"$tmp/plain.out")" = "$(wc -l <"$tmp/ref.avr")" -a "$(grep -c '^\*' "$tmp/plain.out")" = "$(wc -l <"$tmp/ref.avr")"

# Option errors exit non-zero with a message.
"$ATALAYA" decode --input iq --sample-rate 3.2M /dev/null >/dev/null 2>"$tmp/err"; rc=$?
check "unsupported sample rate refused" test $rc -ne 0 -a -s "$tmp/err"
"$ATALAYA" decode --input iq --iq-format cs8 /dev/null >/dev/null 2>"$tmp/err"; rc=$?
check "unsupported IQ format refused" test $rc -ne 0 -a -s "$tmp/err"

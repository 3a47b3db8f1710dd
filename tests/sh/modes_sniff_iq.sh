#!/usr/bin/env bash
# --input auto on raw I/Q: antirez's modes1.bin (8-bit samples near the 127.5
# midpoint, no control bytes) and a 16-bit conversion of it are taken for I/Q,
# not text, and give the same frames as --input iq; a text log is still text.
set -u
dir=${ATALAYA_ROOT:-.}/tests/samples/modes/dump1090
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$ATALAYA" decode --input iq --sample-rate 2.0 --format avr "$dir/modes1.bin" >"$tmp/iq.avr"
"$ATALAYA" decode --sample-rate 2.0 --format avr "$dir/modes1.bin" >"$tmp/auto.avr"
if [ -s "$tmp/iq.avr" ] && cmp -s "$tmp/iq.avr" "$tmp/auto.avr"; then
    echo "ok - uc8 I/Q detected ($(wc -l <"$tmp/auto.avr") frames, same as --input iq)"
else
    echo "not ok - uc8 I/Q detected"
fi
python3 -c 'import struct, sys
b = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(struct.pack("<%dh" % len(b), *(int((x - 127.5) * 255) for x in b)))' "$dir/modes1.bin" "$tmp/sc16.bin"
"$ATALAYA" decode --sample-rate 2.0 --iq-format sc16 --format avr "$tmp/sc16.bin" >"$tmp/sc16.avr"
n=$(wc -l <"$tmp/sc16.avr")
if [ "$n" -ge 214 ]; then echo "ok - sc16 I/Q detected ($n frames)"; else echo "not ok - sc16 I/Q detected ($n frames)"; fi
printf '*8D4840D6202CC371C32CE0576098;\n' | "$ATALAYA" decode --format avr >"$tmp/text.avr"
if grep -q '8D4840D6202CC371C32CE0576098' "$tmp/text.avr"; then echo "ok - AVR text still AVR"; else echo "not ok - AVR text still AVR"; fi

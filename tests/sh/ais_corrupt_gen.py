#!/usr/bin/env python3
"""ais_corrupt_gen.py IN.gz OUT SEED: copies a real AIS log and inserts about
one corrupted line per ten good ones: single bit flips and truncations of
real sentences, binary junk, 100 kB lines, and first parts of messages that
never complete. Good lines are never changed or removed, so every good
message must decode exactly as before. Prints the inserted counts as
"junk_lines N orphan_fragments N overlong N" (junk_lines counts lines as the
reader splits them: a flip can turn a byte into '\\n')."""
import functools
import gzip
import random
import sys


def checksum(body):
    return functools.reduce(lambda a, c: a ^ c, body, 0)


def main():
    src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(seed)
    good = gzip.open(src, 'rb').read().split(b'\n')
    if good and good[-1] == b'':
        good.pop()
    sentences = [l for l in good if l.startswith(b'!') and b'*' in l]
    out, junk_lines, orphans, overlong = [], 0, 0, 0
    for line in good:
        out.append(line)
        if rnd.random() >= 0.10:
            continue
        # 100 kB lines are rare so the file stays small; each costs the
        # reader the same whatever its length.
        kind = rnd.choices(range(5), weights=[30, 25, 20, 1, 24])[0]
        # Corruptions stay inside the part the checksum covers: metadata
        # appended after it (AMSA's ",<ms>") is unprotected by design.
        if kind == 0:  # one bit flipped in a real sentence
            b = bytearray(rnd.choice(sentences))
            i, bit = rnd.randrange(b.index(b'*') + 3), rnd.randrange(8)
            # Bit 5 of a checksum letter only changes its case ('A' <-> 'a'),
            # which still reads as the same hex digit: not a corruption.
            if b[i - 3:i - 2] == b'*' or b[i - 2:i - 1] == b'*':
                bit = rnd.choice([0, 1, 2, 3, 4, 6, 7])
            b[i] ^= 1 << bit
            bad = bytes(b)
        elif kind == 1:  # a real sentence cut short
            s = rnd.choice(sentences)
            bad = s[:rnd.randrange(s.index(b'*') + 2)]
        elif kind == 2:  # binary junk
            bad = bytes(rnd.choice([x for x in range(256) if x != 10]) for _ in range(rnd.randrange(1, 200)))
        elif kind == 3:  # a 100 kB line
            bad = bytes(33 + x % 94 for x in rnd.randbytes(100 * 1024))
            overlong += 1
        else:  # a first part of 9 whose other parts never come, from its own source
            body = b'AIVDM,9,1,%d,%s,%s,0' % (rnd.randrange(10), rnd.choice([b'A', b'B']),
                                               bytes(rnd.choice(b'0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw') for _ in range(60)))
            tag = b's:junk%d' % rnd.randrange(1000)
            bad = b'\\%s*%02X\\!%s*%02X' % (tag, checksum(tag), body, checksum(body))
            orphans += 1
        junk_lines += bad.count(b'\n') + 1
        out.append(bad)
    with open(dst, 'wb') as f:
        f.write(b'\n'.join(out) + b'\n')
    print('junk_lines %d orphan_fragments %d overlong %d' % (junk_lines, orphans, overlong))


if __name__ == '__main__':
    main()

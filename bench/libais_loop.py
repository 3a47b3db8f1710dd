#!/usr/bin/python3
"""libais_loop.py FILE: the libais peer for bench_ais.sh: ais.decode() (libais's
C++ decoder, Debian python3-ais) over every payload of an NMEA file, with the
least Python around it: split the sentence, join multi-part payloads in
order, decode. Prints "decoded N failed N"."""
import sys

import ais


def main():
    decoded = failed = 0
    parts = {}
    with open(sys.argv[1], "rb") as f:
        for raw in f:
            if raw[:1] != b"!" or raw[3:6] not in (b"VDM", b"VDO"):
                continue
            field = raw.split(b",")
            if len(field) < 7:
                continue
            total, num, key = field[1], field[2], (field[3], field[4])
            payload = field[5].decode("latin-1")
            fill = field[6][:1]
            if total != b"1":
                parts.setdefault(key, []).append(payload)
                if num != total:
                    continue
                payload = "".join(parts.pop(key))
            try:
                ais.decode(payload, int(fill))
                decoded += 1
            except Exception:
                failed += 1
    print(f"decoded {decoded} failed {failed}")


if __name__ == "__main__":
    main()

"""ais_lines.py: AIS sentences the benchmarks send as a live feed would:
an ITU-R M.1371-5 type 1 position report, armoured into an AIVDM sentence
with a tag block carrying its time (c:, UNIX seconds)."""


def armor(bits):
    out = []
    for i in range(0, len(bits), 6):
        v = int(bits[i:i + 6].ljust(6, "0"), 2)
        out.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(out)


def nmea(payload, t_s):
    body = f"AIVDM,1,1,,A,{payload},0"
    cs = 0
    for c in body:
        cs ^= ord(c)
    tag = f"c:{t_s}"
    tcs = 0
    for c in tag:
        tcs ^= ord(c)
    return f"\\{tag}*{tcs:02X}\\!{body}*{cs:02X}\r\n"


def position(mmsi, lat, lon):
    """A type 1 report: under way, 10 kn, course 90."""
    f = [(1, 6), (0, 2), (mmsi, 30), (0, 4), (0, 8), (100, 10), (1, 1),
         (int(lon * 600000) & ((1 << 28) - 1), 28), (int(lat * 600000) & ((1 << 27) - 1), 27),
         (900, 12), (90, 9), (60, 6), (0, 2), (0, 3), (0, 1), (0, 19)]
    return armor("".join(format(v, f"0{n}b") for v, n in f))

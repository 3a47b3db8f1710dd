#!/usr/bin/env python3
"""ais_make.py: writes AIS type 1 and type 5 sentences from field values, an
independent (Python) encoder for tests. Usage as a module: pos1(...), static5(...)."""


def _bits(fields):
    s = ""
    for value, width in fields:
        if value < 0:
            value += 1 << width
        s += format(value, f"0{width}b")
    return s


def _sixbit(text, n):
    out = []
    for ch in text.upper().ljust(n, "@")[:n]:
        c = ord(ch)
        out.append((c - 64 if c >= 64 else c, 6))
    return out


def _armour(bits):
    fill = (6 - len(bits) % 6) % 6
    bits += "0" * fill
    chars = []
    for i in range(0, len(bits), 6):
        v = int(bits[i:i + 6], 2)
        chars.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(chars), fill


def _sentence(body):
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"!{body}*{cs:02X}"


def _tag(t_s, source):
    body = f"s:{source},c:{t_s}"
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    return f"\\{body}*{cs:02X}\\"


def pos1(mmsi, lat, lon, sog_kn, cog, t_s, source="rx1", status=0):
    bits = _bits([(1, 6), (0, 2), (mmsi, 30), (status, 4), (0, 8), (round(sog_kn * 10), 10), (1, 1),
                  (round(lon * 600000), 28), (round(lat * 600000), 27), (round(cog * 10), 12), (511, 9),
                  (t_s % 60, 6), (0, 2), (0, 3), (0, 1), (0, 19)])
    payload, fill = _armour(bits)
    return _tag(t_s, source) + _sentence(f"AIVDM,1,1,,A,{payload},{fill}")


def static5(mmsi, imo, callsign, name, shiptype, dest, t_s, source="rx1", seq=1):
    fields = [(5, 6), (0, 2), (mmsi, 30), (0, 2), (imo, 30)] + _sixbit(callsign, 7) + _sixbit(name, 20) + \
             [(shiptype, 8), (100, 9), (20, 9), (10, 6), (10, 6), (1, 4), (1, 4), (15, 5), (12, 5), (0, 6),
              (80, 8)] + _sixbit(dest, 20) + [(0, 1), (0, 1)]
    payload, fill = _armour(_bits(fields))
    a, b = payload[:60], payload[60:]
    return [_tag(t_s, source) + _sentence(f"AIVDM,2,1,{seq},A,{a},0"),
            _sentence(f"AIVDM,2,2,{seq},A,{b},{fill}")]


def safety14(mmsi, text, t_s, source="rx1"):
    """Type 14, safety related broadcast (ITU-R M.1371-5 table 63): 40 header bits, then six-bit text."""
    payload, fill = _armour(_bits([(14, 6), (0, 2), (mmsi, 30), (0, 2)] + _sixbit(text, len(text))))
    return _tag(t_s, source) + _sentence(f"AIVDM,1,1,,A,{payload},{fill}")

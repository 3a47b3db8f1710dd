#!/usr/bin/env python3
"""readsb_fields.py: readsb's published description of receiver.json and
aircraft.json (README-json.md of wiedehopf/readsb, section references to
DO-260B), transcribed as facts: each key, its JSON type, unit and range.
check_receiver() and check_aircraft() return the list of departures of a
document from it: a key readsb does not describe (unless it is one of our
documented additions), a wrong type, a value outside its range, a null.
"""
import math
import re

NUM, INT, STR, LIST, OBJ = "number", "integer", "string", "list", "object"


def _rng(lo, hi):
    return lambda v: lo <= v <= hi


# receiver.json: "version: the version of readsb in use; refresh: how often
# aircraft.json is updated, in milliseconds; history: the current number of
# valid history files; lat, lon: the receiver, decimal degrees, optional".
RECEIVER = {
    "version": (STR, None, True),
    "refresh": (INT, lambda v: v > 0, True),
    "history": (INT, lambda v: v >= 0, True),
    "lat": (NUM, _rng(-90, 90), False),
    "lon": (NUM, _rng(-180, 180), False),
}

# aircraft.json top level: now (seconds since the epoch), messages (total Mode S
# messages processed), aircraft (array; keys omitted if data is not available).
TOP = {
    "now": (NUM, lambda v: 0 <= v < 1e10, True),  # seconds (ms would be 1e12)
    "messages": (INT, lambda v: v >= 0, True),
    "aircraft": (LIST, None, True),
}

TYPES = {"adsb_icao", "adsb_icao_nt", "adsr_icao", "tisb_icao", "adsc", "mlat", "other", "mode_s",
         "adsb_other", "adsr_other", "tisb_other", "tisb_trackfile"}
EMERGENCY = {"none", "general", "lifeguard", "minfuel", "nordo", "unlawful", "downed", "reserved"}
deg360 = lambda v: 0 <= v < 360  # "true track over ground in degrees (0-359)"

# key: (type, check, unit) per README-json.md.
AIRCRAFT = {
    "hex": (STR, lambda v: re.fullmatch(r"~?[0-9a-f]{6}", v) is not None, "24-bit address, 6 hex digits, ~ non-ICAO"),
    "type": (STR, lambda v: v in TYPES, "best source of current data"),
    "flight": (STR, lambda v: len(v) == 8, "callsign as 8 chars"),
    "alt_baro": ("int|ground", None, "feet, or \"ground\""),
    "alt_geom": (INT, None, "feet, WGS84"),
    "gs": (NUM, lambda v: v >= 0, "knots"),
    "ias": (NUM, lambda v: v >= 0, "knots"),
    "tas": (NUM, lambda v: v >= 0, "knots"),
    "mach": (NUM, lambda v: v >= 0, "Mach"),
    "track": (NUM, deg360, "degrees true"),
    "track_rate": (NUM, None, "degrees/second"),
    "roll": (NUM, _rng(-180, 180), "degrees"),
    "mag_heading": (NUM, deg360, "degrees magnetic"),
    "true_heading": (NUM, deg360, "degrees true"),
    "baro_rate": (INT, None, "feet/minute"),
    "geom_rate": (INT, None, "feet/minute"),
    "squawk": (STR, lambda v: re.fullmatch(r"[0-7]{4}", v) is not None, "4 octal digits"),
    "emergency": (STR, lambda v: v in EMERGENCY, "emergency/priority status"),
    "category": (STR, lambda v: re.fullmatch(r"[A-D][0-7]", v) is not None, "A0-D7"),
    "nav_qnh": (NUM, None, "hPa"),
    "nav_altitude_mcp": (INT, None, "feet"),
    "nav_altitude_fms": (INT, None, "feet"),
    "nav_heading": (NUM, None, "degrees"),
    "nav_modes": (LIST, None, "engaged modes"),
    "lat": (NUM, _rng(-90, 90), "degrees"),
    "lon": (NUM, _rng(-180, 180), "degrees"),
    "nic": (INT, _rng(0, 11), "NIC"),
    "rc": (INT, lambda v: v >= 0, "metres"),
    "seen_pos": (NUM, lambda v: v >= 0, "seconds before now"),
    "version": (INT, _rng(0, 7), "ADS-B version"),
    "nic_baro": (INT, _rng(0, 1), ""),
    "nac_p": (INT, _rng(0, 11), ""),
    "nac_v": (INT, _rng(0, 4), ""),
    "sil": (INT, _rng(0, 3), ""),
    "sil_type": (STR, lambda v: v in ("unknown", "perhour", "persample"), ""),
    "gva": (INT, _rng(0, 3), ""),
    "sda": (INT, _rng(0, 3), ""),
    "mlat": (LIST, None, "fields from MLAT"),
    "tisb": (LIST, None, "fields from TIS-B"),
    "messages": (INT, lambda v: v >= 0, "count"),
    "seen": (NUM, lambda v: v >= 0, "seconds before now"),
    "rssi": (NUM, lambda v: v <= 0, "dBFS, always negative"),
    "alert": (INT, _rng(0, 1), "bit"),
    "spi": (INT, _rng(0, 1), "bit"),
    "wd": (NUM, None, "degrees"), "ws": (NUM, None, "knots"),
    "oat": (NUM, None, "C"), "tat": (NUM, None, "C"),
    "r": (STR, None, "registration"), "t": (STR, None, "type"), "desc": (STR, None, "long type"),
    "dbFlags": (INT, None, "bitfield"),
    "lastPosition": (OBJ, None, "{lat, lon, age}"),
    "rr_lat": (NUM, _rng(-90, 90), "degrees"), "rr_lon": (NUM, _rng(-180, 180), "degrees"),
}

# Keys we add, documented in docs/formats/live-json.md; tar1090 ignores them.
OURS = {"country": STR, "operator": STR}


def _type_ok(kind, v):
    if kind == NUM:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    if kind == INT:
        return isinstance(v, int) and not isinstance(v, bool)
    if kind == STR:
        return isinstance(v, str)
    if kind == LIST:
        return isinstance(v, list)
    if kind == OBJ:
        return isinstance(v, dict)
    if kind == "int|ground":
        return v == "ground" or (isinstance(v, int) and not isinstance(v, bool))
    return False


def _check(obj, table, where, extra=None):
    bad = []
    for k, spec in table.items():
        if len(spec) == 3 and spec[2] is True and k not in obj:
            bad.append(f"{where}: required key {k} missing")
    for k, v in obj.items():
        if v is None:
            bad.append(f"{where}: {k} is null (readsb omits keys without data)")
        elif k in table:
            kind, ok = table[k][0], table[k][1]
            if not _type_ok(kind, v):
                bad.append(f"{where}: {k}={v!r} is not {kind}")
            elif ok and not (v == "ground" or ok(v)):
                bad.append(f"{where}: {k}={v!r} out of range ({table[k][2] if len(table[k]) > 2 else ''})")
        elif extra and k in extra:
            if not _type_ok(extra[k], v):
                bad.append(f"{where}: {k}={v!r} is not {extra[k]}")
        else:
            bad.append(f"{where}: key {k} is not in readsb's description")
    return bad


def check_receiver(doc):
    return _check(doc, RECEIVER, "receiver.json")


def check_aircraft(doc):
    bad = _check(doc, TOP, "aircraft.json")
    for a in doc.get("aircraft", []):
        bad += _check(a, AIRCRAFT, f"aircraft {a.get('hex')}", OURS)
    return bad

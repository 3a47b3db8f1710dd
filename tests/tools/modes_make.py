#!/usr/bin/env python3
"""modes_make.py: writes ADS-B DF17 frames from field values, an independent
(Python) encoder for tests, from DO-260B as the C decoder is: airborne
position (TC 11, CPR from modes_cpr_ref.py) and operational status (TC 31,
version 2, with a chosen NACp). avr(ts12, frame) gives an AVR line with a
12 MHz timestamp ("@" + 12 hex digits), which replay maps to UTC with
--modes-epoch. Bits are numbered from 1, as in the standard."""
import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):  # the reference prints its tables when imported
    from modes_cpr_ref import encode


def crc24(bits88):
    """Mode S parity (Annex 10 Vol IV 3.1.2.3.3): generator 0x1FFF409."""
    v = int(bits88, 2) << 24
    g = 0x1FFF409
    for i in range(87 + 24, 23, -1):
        if v >> i & 1:
            v ^= g << (i - 24)
    return v & 0xFFFFFF


def _frame(icao, me_fields):
    bits = format(17, "05b") + format(5, "03b") + format(icao, "024b")
    me = "".join(format(v, f"0{w}b") for v, w in me_fields)
    assert len(me) == 56
    bits += me
    bits += format(crc24(bits), "024b")
    return format(int(bits, 2), "028x")


def position(icao, lat, lon, alt_ft, odd):
    n = round((alt_ft + 1000) / 25)
    alt = (n >> 4) << 5 | 1 << 4 | (n & 0xF)  # Q bit set: 25 ft steps
    yz, xz = encode(lat, lon, odd, False)
    return _frame(icao, [(11, 5), (0, 2), (0, 1), (alt, 12), (0, 1), (1 if odd else 0, 1), (yz, 17), (xz, 17)])


def opstatus(icao, nac_p):
    # ME 1-5 TC 31, 6-8 subtype 0 (airborne), 9-24 capability class, 25-40
    # operational mode, 41-43 version 2, 44 NIC-A, 45-48 NACp, 49-50 GVA,
    # 51-52 SIL, 53 NIC-baro, 54 HRD, 55 SIL supplement, 56 reserved.
    return _frame(icao, [(31, 5), (0, 3), (0, 16), (0, 16), (2, 3), (0, 1), (nac_p, 4), (2, 2), (3, 2),
                         (1, 1), (0, 1), (0, 1), (0, 1)])


def avr(ts12, frame):
    return f"@{ts12:012X}{frame.upper()};"

/* decode.c: payload bits -> struct ais_msg summary, by message type.
 *
 * Bit offsets are gpsd's AIVDM.txt / ITU-R M.1371-5 numbering: 0-based start
 * and width. Length policy is gpsd's permissive one: a payload shorter than
 * the last field the summary needs is rejected (AIS_ESHORT); longer ones are
 * accepted, because many transmitters in the wild pad their messages. A
 * payload shorter than the last fixed field its type defines (gpsd accepts
 * type 5 at 420 of 424 bits, for one) is copied into the message's own
 * zero-padded buffer, so fields past the end read as zero bits, as in gpsd,
 * and no reader ever goes past the caller's buffer.
 */
#include "ais/ais.h"

#include <string.h>

#include "ais/text.h"
#include "common/bits.h"

#define U(s, w) ((unsigned)bits_u(bits, (s), (w)))
#define S(s, w) ((int)bits_s(bits, (s), (w)))

/* Minimum accepted lengths per type, as gpsd accepts them (e.g. type 1 at 163
 * bits: some transponders cut the radio status short). */
static const unsigned short min_bits[28] = {
    [1] = 163, [2] = 163, [3] = 163, [4] = 168, [5] = 420, [6] = 88,  [7] = 72,  [8] = 56,  [9] = 168,
    [10] = 72, [11] = 168, [12] = 72, [13] = 72, [14] = 40, [15] = 88, [16] = 96, [17] = 80, [18] = 168,
    [19] = 312, [20] = 72, [21] = 272, [22] = 168, [23] = 160, [24] = 160, [25] = 40, [26] = 60, [27] = 96,
};

/* Positions in 1/10000 minute (I4) with the 181/91 degree 'not available' values. */
static void set_pos(struct ais_msg *m, int lon_raw, int lat_raw, double div)
{
    /* Range-check the integers (181 and 91 degrees are 'not available'), and
     * divide only positions that will be used. */
    double lim = div;
    if (lon_raw >= -180 * lim && lon_raw <= 180 * lim && lat_raw >= -90 * lim && lat_raw <= 90 * lim) {
        m->lon = lon_raw / div;
        m->lat = lat_raw / div;
        m->has |= AIS_HAS_POS;
    }
}

static void set_kinematics(struct ais_msg *m, unsigned sog, unsigned cog, unsigned hdg)
{
    m->sog_dkn = (uint16_t)sog;
    m->cog_ddeg = (uint16_t)cog;
    m->heading_deg = (uint16_t)hdg;
    if (sog != 1023)
        m->has |= AIS_HAS_SOG;
    if (cog < 3600)
        m->has |= AIS_HAS_COG;
    if (hdg < 360)
        m->has |= AIS_HAS_HEADING;
}

static void set_second(struct ais_msg *m, unsigned sec)
{
    m->utc_second = (uint8_t)sec;
    if (sec < 60)
        m->has |= AIS_HAS_SECOND;
}

static void set_dims(struct ais_msg *m, const uint8_t *bits, unsigned start)
{
    m->to_bow = (uint16_t)U(start, 9);
    m->to_stern = (uint16_t)U(start + 9, 9);
    m->to_port = (uint8_t)U(start + 18, 6);
    m->to_starboard = (uint8_t)U(start + 24, 6);
    if (m->to_bow || m->to_stern || m->to_port || m->to_starboard)
        m->has |= AIS_HAS_DIMS;
}

static void set_shiptype(struct ais_msg *m, unsigned t)
{
    m->shiptype = (uint8_t)t;
    if (t > 0 && t < 100)
        m->has |= AIS_HAS_SHIPTYPE;
}

static void set_name(struct ais_msg *m, const uint8_t *bits, unsigned nbits, unsigned start, unsigned n)
{
    if (ais_text(bits, nbits, start, n, m->shipname))
        m->has |= AIS_HAS_NAME;
}

/* The first 144 bits of a type 1-3 report as three big-endian words, so the
 * hot path extracts every field with constant shifts (this is most of all
 * AIS traffic: see bench/bench_ais.sh). */
struct words144 {
    uint64_t w[3];
};

/* Three 8-byte loads keeping the top 48 bits of each (no field below
 * straddles more than two words). The last load reads bytes 12..19, inside
 * the 21 bytes of the shortest accepted type 1-3 payload (163 bits; anything
 * under 168 bits is read from the zero-padded copy anyway). */
static inline void load144(const uint8_t *b, struct words144 *x)
{
    for (int k = 0; k < 3; k++)
        x->w[k] = bits_load_be64(b + 6 * k) >> 16;
}

/* Field of `width` bits at 0-based `start` (start + width <= 144). */
static inline uint64_t fu(const struct words144 *x, unsigned start, unsigned width)
{
    unsigned k = start / 48, off = start % 48;
    uint64_t v;
    if (off + width <= 48) {
        v = x->w[k] >> (48 - off - width);
    } else {
        unsigned lo = off + width - 48;
        v = (x->w[k] << lo) | (x->w[k + 1] >> (48 - lo));
    }
    return v & ((UINT64_C(1) << width) - 1);
}

static inline int64_t fs(const struct words144 *x, unsigned start, unsigned width)
{
    uint64_t v = fu(x, start, width);
    return (int64_t)(v ^ (UINT64_C(1) << (width - 1))) - (int64_t)(UINT64_C(1) << (width - 1));
}

static void decode_class_a_position(struct ais_msg *m, const uint8_t *bits)
{
    struct words144 x;
    load144(bits, &x);
    unsigned status = (unsigned)fu(&x, 38, 4);
    int turn = (int)fs(&x, 42, 8);
    m->station = AIS_STATION_CLASS_A;
    m->nav_status = (uint8_t)status;
    if (status != 15)
        m->has |= AIS_HAS_STATUS;
    m->turn = (int8_t)turn;
    if (turn != -128)
        m->has |= AIS_HAS_TURN;
    set_kinematics(m, (unsigned)fu(&x, 50, 10), (unsigned)fu(&x, 116, 12), (unsigned)fu(&x, 128, 9));
    m->accuracy = fu(&x, 60, 1);
    set_pos(m, (int)fs(&x, 61, 28), (int)fs(&x, 89, 27), 600000.0);
    set_second(m, (unsigned)fu(&x, 137, 6));
}

/* Types 4 and 11 (168 bits; every field below bit 144, so the same words). */
static void decode_base_station(struct ais_msg *m, const uint8_t *bits)
{
    struct words144 x;
    load144(bits, &x);
    m->station = m->type == 4 ? AIS_STATION_BASE : AIS_STATION_OTHER;
    m->utc_year = (uint16_t)fu(&x, 38, 14);
    m->utc_month = (uint8_t)fu(&x, 52, 4);
    m->utc_day = (uint8_t)fu(&x, 56, 5);
    m->utc_hour = (uint8_t)fu(&x, 61, 5);
    m->utc_minute = (uint8_t)fu(&x, 66, 6);
    m->utc_second = (uint8_t)fu(&x, 72, 6);
    if (m->utc_year && m->utc_month && m->utc_day && m->utc_hour < 24 && m->utc_minute < 60 &&
        m->utc_second < 60)
        m->has |= AIS_HAS_UTC;
    m->accuracy = fu(&x, 78, 1);
    set_pos(m, (int)fs(&x, 79, 28), (int)fs(&x, 107, 27), 600000.0);
}

static void decode_static_voyage(struct ais_msg *m, const uint8_t *bits, unsigned nbits)
{
    m->station = AIS_STATION_CLASS_A;
    m->imo = U(40, 30);
    if (m->imo)
        m->has |= AIS_HAS_IMO;
    if (ais_text(bits, nbits, 70, 7, m->callsign))
        m->has |= AIS_HAS_CALLSIGN;
    set_name(m, bits, nbits, 112, 20);
    set_shiptype(m, U(232, 8));
    set_dims(m, bits, 240);
    m->eta_month = (uint8_t)U(274, 4);
    m->eta_day = (uint8_t)U(278, 5);
    m->eta_hour = (uint8_t)U(283, 5);
    m->eta_minute = (uint8_t)U(288, 6);
    if (m->eta_month && m->eta_day)
        m->has |= AIS_HAS_ETA;
    m->draught_dm = (uint8_t)U(294, 8);
    if (m->draught_dm)
        m->has |= AIS_HAS_DRAUGHT;
    if (ais_text(bits, nbits, 302, 20, m->destination))
        m->has |= AIS_HAS_DEST;
}

static void decode_sar(struct ais_msg *m, const uint8_t *bits)
{
    unsigned alt = U(38, 12), sog = U(50, 10);
    m->station = AIS_STATION_SAR;
    m->alt_m = (uint16_t)alt;
    if (alt != 4095)
        m->has |= AIS_HAS_ALT;
    /* Type 9 speed is in whole knots (1023 n/a, 1022 means 1022 kn or more). */
    set_kinematics(m, sog == 1023 ? 1023 : sog * 10, U(116, 12), 511);
    m->accuracy = U(60, 1);
    set_pos(m, S(61, 28), S(89, 27), 600000.0);
    set_second(m, U(128, 6));
}

static void decode_class_b_position(struct ais_msg *m, const uint8_t *bits, unsigned nbits)
{
    m->station = AIS_STATION_CLASS_B;
    set_kinematics(m, U(46, 10), U(112, 12), U(124, 9));
    m->accuracy = U(56, 1);
    set_pos(m, S(57, 28), S(85, 27), 600000.0);
    set_second(m, U(133, 6));
    if (m->type == 19) {
        set_name(m, bits, nbits, 143, 20);
        set_shiptype(m, U(263, 8));
        set_dims(m, bits, 271);
    }
}

static void decode_aton(struct ais_msg *m, const uint8_t *bits, unsigned nbits)
{
    m->station = AIS_STATION_ATON;
    set_name(m, bits, nbits, 43, 20);
    /* Name extension: up to 14 more characters after the fixed 272 bits. */
    size_t n = strlen(m->shipname);
    if (n == 20 && nbits > 272) {
        unsigned extra = (nbits - 272) / 6;
        if (extra > 14)
            extra = 14;
        ais_text(bits, nbits, 272, extra, m->shipname + 20);
    }
    m->accuracy = U(163, 1);
    set_pos(m, S(164, 28), S(192, 27), 600000.0);
    set_dims(m, bits, 219);
    set_second(m, U(253, 6));
}

static void decode_static_b(struct ais_msg *m, const uint8_t *bits, unsigned nbits)
{
    m->station = AIS_STATION_CLASS_B;
    m->part = (uint8_t)U(38, 2);
    if (m->part == 0) {
        set_name(m, bits, nbits, 40, 20);
        return;
    }
    set_shiptype(m, U(40, 8));
    if (ais_text(bits, nbits, 90, 7, m->callsign))
        m->has |= AIS_HAS_CALLSIGN;
    /* An auxiliary craft (MMSI 98MIDxxxx) sends its mothership's MMSI instead of dimensions. */
    if (m->mmsi / 10000000 != 98)
        set_dims(m, bits, 132);
}

static void decode_long_range(struct ais_msg *m, const uint8_t *bits)
{
    unsigned status = U(40, 4), sog = U(79, 6), cog = U(85, 9);
    m->station = AIS_STATION_LONGRANGE;
    m->accuracy = U(38, 1);
    m->nav_status = (uint8_t)status;
    if (status != 15)
        m->has |= AIS_HAS_STATUS;
    /* 1/10 minute positions; speed in knots (63 n/a); course in degrees (511 n/a). */
    set_pos(m, S(44, 18), S(62, 17), 600.0);
    set_kinematics(m, sog == 63 ? 1023 : sog * 10, cog == 511 ? 3600 : cog * 10, 511);
}

/* Longest accepted payloads for the types whose length is fixed by their slot
 * count; longer ones are noise that passed the checksum (gpsd rejects them
 * too). 0 = no limit beyond the buffer. */
static const unsigned short max_bits[28] = {
    [7] = 168, [13] = 168, [15] = 168, [16] = 168, [20] = 186, [25] = 168, [27] = 168,
};

/* The bit just past the last fixed-offset field each writer reads (ais_json.c);
 * variable parts are bounded by nbits there. */
static const unsigned short fixed_end[28] = {
    [1] = 168, [2] = 168, [3] = 168, [4] = 168, [5] = 424, [6] = 416, [7] = 168,  [8] = 56,  [9] = 168,
    [10] = 72, [11] = 168, [12] = 72, [13] = 168, [14] = 40, [15] = 160, [16] = 96, [17] = 80, [18] = 168,
    [19] = 312, [20] = 160, [21] = 272, [22] = 168, [23] = 160, [24] = 168, [25] = 86, [26] = 86, [27] = 96,
};

int ais_decode(const uint8_t *bits, unsigned nbits, struct ais_msg *m)
{
    if (nbits < 38)
        return AIS_ESHORT;
    unsigned type;
    if (nbits >= 64) {
        /* The header from one 8-byte load (inside the payload's bytes). */
        uint64_t h = bits_load_be64(bits);
        type = (unsigned)(h >> 58);
        m->repeat = (uint8_t)(h >> 56 & 3);
        m->mmsi = (uint32_t)(h >> 26 & 0x3fffffff);
    } else {
        type = U(0, 6);
        m->repeat = (uint8_t)U(6, 2);
        m->mmsi = U(8, 30);
    }
    m->type = (uint8_t)type;
    m->bits = bits;
    m->nbits = nbits;
    m->has = 0;
    m->station = AIS_STATION_OTHER;
    /* Types 1-3 at full length (most of all traffic): no length limits or
     * padding apply (min_bits 163, no max_bits, fixed_end 168), so they skip
     * the table checks and the switch. */
    if (type - 1 < 3 && nbits >= 168) {
        decode_class_a_position(m, bits);
        return AIS_OK;
    }
    if (type == 0 || type > 27)
        return AIS_EUNSUPPORTED;
    if (nbits < min_bits[type])
        return AIS_ESHORT;
    if (max_bits[type] && nbits > max_bits[type])
        return AIS_EINVAL;
    if (nbits < fixed_end[type]) {
        unsigned nbytes = (nbits + 7) / 8;
        memcpy(m->pad, bits, nbytes);
        memset(m->pad + nbytes, 0, sizeof m->pad - nbytes);
        if (nbits & 7)
            m->pad[nbytes - 1] &= (uint8_t)(0xff00u >> (nbits & 7));
        bits = m->bits = m->pad;
    }
    switch (type) {
    case 1: case 2: case 3: decode_class_a_position(m, bits); break;
    case 4: case 11: decode_base_station(m, bits); break;
    case 5: decode_static_voyage(m, bits, nbits); break;
    case 9: decode_sar(m, bits); break;
    case 18: case 19: decode_class_b_position(m, bits, nbits); break;
    case 21: decode_aton(m, bits, nbits); break;
    case 24:
        if (U(38, 2) > 1)
            return AIS_EINVAL; /* parts C and D do not exist */
        decode_static_b(m, bits, nbits);
        break;
    case 25:
    case 26: {
        /* Header bits depend on the addressed/structured flags; type 26 must
         * still hold its 20-bit radio status after them (gpsd rejects it too). */
        unsigned need = 40 + (U(38, 1) ? 30 : 0) + (U(39, 1) ? 16 : 0) + (type == 26 ? 20 : 0);
        if (nbits < need)
            return AIS_ESHORT;
        break;
    }
    case 27:
        /* 96 bits by the standard; some transmitters pad to a full slot (168).
         * Anything else is noise with a valid checksum, as gpsd also judges. */
        if (nbits != 96 && nbits != 168)
            return AIS_EINVAL;
        decode_long_range(m, bits);
        break;
    default: break; /* no summary: the writers print these from the bits */
    }
    return AIS_OK;
}

/* ais_encode.c: AIS payloads from values, the inverse of src/ais/decode.c.
 * Field positions are ITU-R M.1371-5 (0-based bit offsets as in gpsd's
 * AIVDM.txt): type 1-3 table 46, type 5 table 52, type 18 table 73,
 * type 24 tables 76/77. */
#include <math.h>
#include <string.h>

#include "common/bits.h"
#include "sim/encode.h"

static unsigned clampu(unsigned v, unsigned max) { return v > max ? max : v; }

void sim_ais_put_text(uint8_t *bits, unsigned start, unsigned nchars, const char *s)
{
    size_t n = strlen(s);
    for (unsigned i = 0; i < nchars; i++) {
        unsigned c = i < n ? (unsigned char)s[i] : '@';
        if (c >= 'a' && c <= 'z')
            c -= 32;
        /* Table 47: '@'..'_' are 0..31, ' '..'?' are 32..63. */
        unsigned v = c >= 64 && c < 96 ? c - 64 : c >= 32 && c < 64 ? c : '?';
        bits_put(bits, start + 6 * i, 6, v);
    }
}

/* Longitude and latitude in 1/10000 minute (28 and 27 bits, two's complement). */
static void put_lonlat(uint8_t *bits, unsigned start, double lat, double lon)
{
    int64_t x = llround(lon * 600000.0), y = llround(lat * 600000.0);
    bits_put(bits, start, 28, (uint64_t)x & 0xFFFFFFFu);
    bits_put(bits, start + 28, 27, (uint64_t)y & 0x7FFFFFFu);
}

static void put_header(uint8_t *bits, unsigned type, uint32_t mmsi)
{
    memset(bits, 0, SIM_AIS_BYTES_MAX);
    bits_put(bits, 0, 6, type);
    bits_put(bits, 6, 2, 0); /* repeat indicator: sent by the station itself */
    bits_put(bits, 8, 30, mmsi & 0x3FFFFFFFu);
}

unsigned sim_ais_encode_pos(const struct sim_ais_pos *p, uint8_t *bits)
{
    put_header(bits, p->type, p->mmsi);
    bits_put(bits, 38, 4, p->nav_status & 15u);
    int turn = p->turn < -128 ? -128 : p->turn > 127 ? 127 : p->turn;
    bits_put(bits, 42, 8, (uint64_t)turn & 0xFFu);
    bits_put(bits, 50, 10, clampu(p->sog_dkn, SIM_AIS_SOG_NA));
    bits_put(bits, 60, 1, p->accuracy);
    put_lonlat(bits, 61, p->lat, p->lon);
    bits_put(bits, 116, 12, clampu(p->cog_ddeg, 4095));
    bits_put(bits, 128, 9, clampu(p->heading, SIM_AIS_HEADING_NA));
    bits_put(bits, 137, 6, clampu(p->second, 63));
    /* 143-167: manoeuvre 0, spare, RAIM 0, radio status 0 (SOTDMA sync UTC). */
    return 168;
}

unsigned sim_ais_encode_18(const struct sim_ais_pos *p, uint8_t *bits)
{
    put_header(bits, 18, p->mmsi);
    bits_put(bits, 46, 10, clampu(p->sog_dkn, SIM_AIS_SOG_NA));
    bits_put(bits, 56, 1, p->accuracy);
    put_lonlat(bits, 57, p->lat, p->lon);
    bits_put(bits, 112, 12, clampu(p->cog_ddeg, 4095));
    bits_put(bits, 124, 9, clampu(p->heading, SIM_AIS_HEADING_NA));
    bits_put(bits, 133, 6, clampu(p->second, 63));
    /* 141: CS unit flag (1 = carrier-sense unit, the common Class B kind);
     * the rest (display, DSC, band, message 22, assigned, RAIM, radio) 0. */
    bits_put(bits, 141, 1, 1);
    return 168;
}

static void put_dims(uint8_t *bits, unsigned start, const struct sim_ais_static *s)
{
    bits_put(bits, start, 9, clampu(s->to_bow, 511));
    bits_put(bits, start + 9, 9, clampu(s->to_stern, 511));
    bits_put(bits, start + 18, 6, clampu(s->to_port, 63));
    bits_put(bits, start + 24, 6, clampu(s->to_starboard, 63));
}

unsigned sim_ais_encode_5(const struct sim_ais_static *s, uint8_t *bits)
{
    put_header(bits, 5, s->mmsi);
    bits_put(bits, 38, 2, 0); /* AIS version 0 (M.1371-1) */
    bits_put(bits, 40, 30, s->imo & 0x3FFFFFFFu);
    sim_ais_put_text(bits, 70, 7, s->callsign);
    sim_ais_put_text(bits, 112, 20, s->name);
    bits_put(bits, 232, 8, s->shiptype);
    put_dims(bits, 240, s);
    bits_put(bits, 270, 4, 1); /* EPFD: GPS */
    bits_put(bits, 274, 4, clampu(s->eta_month, 15));
    bits_put(bits, 278, 5, clampu(s->eta_day, 31));
    bits_put(bits, 283, 5, clampu(s->eta_hour, 31));
    bits_put(bits, 288, 6, clampu(s->eta_minute, 63));
    bits_put(bits, 294, 8, s->draught_dm);
    sim_ais_put_text(bits, 302, 20, s->destination);
    bits_put(bits, 422, 1, 0); /* DTE available */
    return 424;
}

unsigned sim_ais_encode_24(const struct sim_ais_static *s, int part, uint8_t *bits)
{
    put_header(bits, 24, s->mmsi);
    bits_put(bits, 38, 2, part ? 1u : 0u);
    if (!part) {
        sim_ais_put_text(bits, 40, 20, s->name);
        return 160;
    }
    bits_put(bits, 40, 8, s->shiptype);
    /* 48-89: vendor id, model, serial left zero ("@@@": not available). */
    sim_ais_put_text(bits, 90, 7, s->callsign);
    put_dims(bits, 132, s);
    return 168;
}

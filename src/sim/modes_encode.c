/* modes_encode.c: Mode S and ADS-B frames from values, the inverse of
 * src/modes/decode.c, es.c, es_position.c and es_velocity.c. Bit numbers
 * are those of ICAO Annex 10 Vol IV and DO-260B (1-based, MSB first). */
#include <math.h>
#include <string.h>

#include "common/bits.h"
#include "modes/cpr.h"
#include "modes/crc.h"
#include "modes/modes_msg.h"
#include "sim/encode.h"

#define CA_GROUND 4   /* Annex 10 Vol IV 3.1.2.5.2.2.1: level 2+, on the ground */
#define CA_AIRBORNE 5 /* level 2+, airborne */

/* Writes bits first..last (1-based inclusive) of msg. */
static void put1(uint8_t *msg, unsigned first, unsigned last, uint32_t v)
{
    bits_put(msg, first - 1, last - first + 1, v);
}

uint32_t sim_modes_ac13(int32_t alt_ft)
{
    long n = lround((alt_ft + 1000) / 25.0);
    if (n < 0)
        n = 0;
    if (n > 2047)
        n = 2047;
    uint32_t u = (uint32_t)n;
    /* Bits of the field, LSB first: N0-N3, Q (=1), N4, M (=0), N5-N10. */
    return ((u & 0x7E0u) << 2) | ((u & 0x10u) << 1) | 0x10u | (u & 0xFu);
}

uint32_t sim_modes_id13(unsigned squawk)
{
    unsigned a = squawk / 1000 % 10, b = squawk / 100 % 10, c = squawk / 10 % 10, d = squawk % 10;
    /* Field bits LSB first: D4 B4 D2 B2 D1 B1 X A4 C4 A2 C2 A1 C1 (3.1.2.6.7.1),
     * with digit bit weights 4, 2, 1. */
    uint32_t v = 0;
#define SET(bit, digit, w) v |= (uint32_t)(((digit) >> (w)) & 1u) << (bit)
    SET(0, d, 2); SET(2, d, 1); SET(4, d, 0);
    SET(1, b, 2); SET(3, b, 1); SET(5, b, 0);
    SET(7, a, 2); SET(9, a, 1); SET(11, a, 0);
    SET(8, c, 2); SET(10, c, 1); SET(12, c, 0);
#undef SET
    return v;
}

/* MOD as DO-260B A.1.7.2 defines it: always non-negative. */
static double cpr_mod(double x, double y) { return x - y * floor(x / y); }

/* DO-260B A.1.7.3: zones of 360 degrees (airborne, Nb = 17) or 90 (surface:
 * Nb = 19 over 360-degree zones, of which the low 17 bits are sent, which is
 * the same as 17 bits over 90-degree zones). */
void sim_cpr_encode(double lat, double lon, bool odd, bool surface, uint32_t *yz, uint32_t *xz)
{
    double zs = surface ? 90.0 : 360.0;
    int i = odd ? 1 : 0;
    double dlat = zs / (60 - i);
    double yzf = floor(CPR_MAX * cpr_mod(lat, dlat) / dlat + 0.5);
    /* The longitude zone count is that of the latitude the receiver will
     * decode (Rlat), not of the true latitude (A.1.7.3 b-c). */
    double rlat = dlat * (yzf / CPR_MAX + floor(lat / dlat));
    int nl = cpr_nl(rlat) - i;
    double dlon = nl > 0 ? zs / nl : zs;
    double xzf = floor(CPR_MAX * cpr_mod(lon, dlon) / dlon + 0.5);
    *yz = (uint32_t)cpr_mod(yzf, CPR_MAX);
    *xz = (uint32_t)cpr_mod(xzf, CPR_MAX);
}

void sim_cpr_encode_airborne(double lat, double lon, bool odd, uint32_t *yz, uint32_t *xz)
{
    sim_cpr_encode(lat, lon, odd, false, yz, xz);
}

/* Eight characters from bit `first` (Annex 10 Vol IV table 3-9: A-Z are
 * 1-26, space 32, 0-9 48-57), padded with spaces; others are sent as spaces. */
static void put_callsign(uint8_t *msg, unsigned first, const char *callsign)
{
    size_t n = strlen(callsign);
    for (unsigned i = 0; i < 8; i++) {
        unsigned c = i < n ? (unsigned char)callsign[i] : ' ';
        if (c >= 'a' && c <= 'z')
            c -= 32;
        unsigned v = c >= 'A' && c <= 'Z' ? c - 64 : c >= '0' && c <= '9' ? c : 32;
        put1(msg, first + 6 * i, first + 5 + 6 * i, v);
    }
}

static void es_header_ca(uint8_t *msg, uint32_t addr, unsigned tc, unsigned ca)
{
    memset(msg, 0, 14);
    put1(msg, 1, 5, 17);
    put1(msg, 6, 8, ca);
    put1(msg, 9, 32, addr & 0xFFFFFFu);
    put1(msg, 33, 37, tc);
}

static void es_header(uint8_t *msg, uint32_t addr, unsigned tc)
{
    es_header_ca(msg, addr, tc, CA_AIRBORNE);
}

/* PI of an extended squitter: the CRC of the first 88 bits. */
static void es_parity(uint8_t *msg) { put1(msg, 89, 112, modes_crc24(msg, 11)); }

void sim_modes_on_ground(uint8_t *msg)
{
    put1(msg, 6, 8, CA_GROUND);
    if (bits_get1(msg, 1, 5) == 17)
        es_parity(msg);
    else
        put1(msg, 33, 56, modes_crc24(msg, 4));
}

unsigned sim_modes_movement(double gs_kt)
{
    /* DO-260B table 2-23, the inverse of modes_es_movement(): each band's
     * code is the one whose low end is at or below the speed. The epsilon
     * keeps a speed exactly on a band's edge in that band. */
    const double e = 1e-9;
    if (gs_kt < 0 || gs_kt != gs_kt)
        return 0;
    if (gs_kt < 0.125)
        return 1;
    if (gs_kt < 1.0)
        return 1 + (unsigned)floor(gs_kt / 0.125 + e);
    if (gs_kt < 2.0)
        return 9 + (unsigned)floor((gs_kt - 1.0) / 0.25 + e);
    if (gs_kt < 15.0)
        return 13 + (unsigned)floor((gs_kt - 2.0) / 0.5 + e);
    if (gs_kt < 70.0)
        return 39 + (unsigned)floor(gs_kt - 15.0 + e);
    if (gs_kt < 100.0)
        return 94 + (unsigned)floor((gs_kt - 70.0) / 2.0 + e);
    if (gs_kt < 175.0)
        return 109 + (unsigned)floor((gs_kt - 100.0) / 5.0 + e);
    return 124;
}

void sim_modes_surface_pos(uint8_t *msg, uint32_t addr, double gs_kt, double track_deg,
                           double lat, double lon, bool odd)
{
    /* TC 7: NIC 8 (< 185 m) with NIC supplement A 0, as the airborne TC 11. */
    es_header_ca(msg, addr, 7, CA_GROUND);
    put1(msg, 38, 44, sim_modes_movement(gs_kt)); /* ME 6-12 */
    if (track_deg >= 0) {
        put1(msg, 45, 45, 1);                      /* ME 13: track valid */
        put1(msg, 46, 52, (uint32_t)lround(track_deg * 128.0 / 360.0) & 127u);
    }
    /* ME 21 T = 0: not UTC-synchronised. */
    uint32_t yz, xz;
    sim_cpr_encode(lat, lon, odd, true, &yz, &xz);
    put1(msg, 54, 54, odd);
    put1(msg, 55, 71, yz);
    put1(msg, 72, 88, xz);
    es_parity(msg);
}

void sim_modes_ident(uint8_t *msg, uint32_t addr, uint8_t category, const char *callsign)
{
    unsigned set = (category >> 4) & 0xF;
    /* Sets A..D are TC 4..1 (DO-260B 2.2.3.2.5.2). */
    es_header(msg, addr, set >= 0xA && set <= 0xD ? 4 - (set - 0xA) : 4);
    put1(msg, 38, 40, category & 7u);
    put_callsign(msg, 41, callsign);
    es_parity(msg);
}

void sim_modes_airborne_pos(uint8_t *msg, uint32_t addr, int32_t alt_ft, double lat, double lon,
                            bool odd, bool alert)
{
    /* TC 11: NIC 8 / NUC 7 class position with barometric altitude. */
    es_header(msg, addr, 11);
    put1(msg, 38, 39, alert ? 1u : 0u); /* surveillance status 1: emergency code set */
    uint32_t ac13 = sim_modes_ac13(alt_ft);
    /* ES altitude: the AC13 field without its M bit (DO-260B 2.2.3.2.3.4). */
    put1(msg, 41, 52, ((ac13 >> 1) & 0xFC0u) | (ac13 & 0x3Fu));
    uint32_t yz, xz;
    sim_cpr_encode_airborne(lat, lon, odd, &yz, &xz);
    put1(msg, 54, 54, odd);
    put1(msg, 55, 71, yz);
    put1(msg, 72, 88, xz);
    es_parity(msg);
}

/* Sign bit + (magnitude + 1), clamped to the field: 0 means not available. */
static void put_signed_plus1(uint8_t *msg, unsigned sign_bit, unsigned first, unsigned last,
                             double v)
{
    double max = (double)((1u << (last - first + 1)) - 1);
    double m = floor(fabs(v) + 0.5) + 1;
    put1(msg, sign_bit, sign_bit, v < 0);
    put1(msg, first, last, (uint32_t)(m > max ? max : m));
}

void sim_modes_velocity(uint8_t *msg, uint32_t addr, double east_kt, double north_kt,
                        int32_t baro_rate_fpm)
{
    es_header(msg, addr, 19);
    put1(msg, 38, 40, 1);  /* subtype 1: subsonic ground speed */
    put1(msg, 43, 45, 1);  /* NACv 1: < 10 m/s */
    put_signed_plus1(msg, 46, 47, 56, east_kt);
    put_signed_plus1(msg, 57, 58, 67, north_kt);
    put1(msg, 68, 68, 1);  /* vertical rate source: barometric */
    put_signed_plus1(msg, 69, 70, 78, baro_rate_fpm / 64.0);
    es_parity(msg);
}

void sim_modes_status(uint8_t *msg, uint32_t addr, unsigned emergency, unsigned squawk)
{
    es_header(msg, addr, 28);
    put1(msg, 38, 40, 1); /* subtype 1: emergency/priority status and Mode A code */
    put1(msg, 41, 43, emergency & 7u);
    put1(msg, 44, 56, sim_modes_id13(squawk));
    es_parity(msg);
}

void sim_modes_opstatus(uint8_t *msg, uint32_t addr, unsigned version, unsigned nac_p, unsigned gva,
                        unsigned sil, unsigned nic_baro, unsigned sda)
{
    es_header(msg, addr, 31);
    /* ME 6-8 subtype 0 (airborne); 9-24 capability class and 25-40
     * operational mode left 0, except the SDA in OM bits 31-32 (version 2;
     * version 1 has no SDA or GVA: those bits are reserved, 0). */
    bool v2 = version >= 2;
    put1(msg, 63, 64, v2 ? sda & 3u : 0);
    put1(msg, 73, 75, version > 2 ? 2 : version); /* ME 41-43 */
    put1(msg, 77, 80, nac_p & 15u); /* ME 45-48 (ME 44 NIC-A = 0) */
    put1(msg, 81, 82, v2 ? gva & 3u : 0);
    put1(msg, 83, 84, sil & 3u);
    put1(msg, 85, 85, nic_baro & 1u);
    /* ME 54 HRD 0: true north; ME 55 SIL supplement 0: per hour. */
    es_parity(msg);
}

void sim_modes_opstatus_surface(uint8_t *msg, uint32_t addr, unsigned version, unsigned nac_p,
                                unsigned nac_v, unsigned sil, unsigned sda, unsigned lw)
{
    /* TC 31 subtype 1 (DO-260B 2.2.3.2.7.2): ME 9-20 capability class with
     * NACv in ME 17-19 and NIC supplement C (0) in ME 20; ME 21-24 the
     * length/width code; ME 25-40 operational mode, SDA in 31-32. */
    es_header_ca(msg, addr, 31, CA_GROUND);
    put1(msg, 38, 40, 1);
    bool v2 = version >= 2;
    put1(msg, 49, 51, v2 ? nac_v & 7u : 0);
    put1(msg, 53, 56, lw & 15u);
    put1(msg, 63, 64, v2 ? sda & 3u : 0);
    put1(msg, 73, 75, version > 2 ? 2 : version);
    put1(msg, 77, 80, nac_p & 15u);
    put1(msg, 83, 84, sil & 3u);
    es_parity(msg);
}

void sim_modes_target_state(uint8_t *msg, uint32_t addr, const struct sim_modes_tss *t)
{
    /* TC 29 subtype 1 (DO-260B 2.2.3.2.7.1, ME bits as numbered there). */
    es_header(msg, addr, 29);
    put1(msg, 38, 39, 1);                       /* ME 6-7: subtype 1 */
    put1(msg, 40, 40, t->sil_per_sample);       /* ME 8: SIL supplement */
    put1(msg, 41, 41, t->sel_alt_fms);          /* ME 9: 0 MCP/FCU, 1 FMS */
    if (t->sel_alt_ft >= 0) {                   /* ME 10-20: 32 ft steps, + 1 */
        long n = lround(t->sel_alt_ft / 32.0) + 1;
        put1(msg, 42, 52, (uint32_t)(n > 2047 ? 2047 : n));
    }
    if (t->qnh_hpa >= 800.0) {                  /* ME 21-29: 800 hPa + 0.8 hPa steps, + 1 */
        long n = lround((t->qnh_hpa - 800.0) / 0.8) + 1;
        put1(msg, 53, 61, (uint32_t)(n > 511 ? 511 : n));
    }
    if (t->sel_heading_deg >= 0) {              /* ME 30 status, 31-39: 180/256 degree steps */
        put1(msg, 62, 62, 1);
        put1(msg, 63, 71, (uint32_t)lround(t->sel_heading_deg * 256.0 / 180.0) & 511u);
    }
    put1(msg, 72, 75, t->nac_p & 15u);          /* ME 40-43 */
    put1(msg, 76, 76, t->nic_baro & 1u);        /* ME 44 */
    put1(msg, 77, 78, t->sil & 3u);             /* ME 45-46 */
    if (t->modes_valid) {                       /* ME 47: status of the mode bits */
        put1(msg, 79, 79, 1);
        put1(msg, 80, 80, (t->ap_modes & MODES_AP_AUTOPILOT) != 0);
        put1(msg, 81, 81, (t->ap_modes & MODES_AP_VNAV) != 0);
        put1(msg, 82, 82, (t->ap_modes & MODES_AP_ALT_HOLD) != 0);
        /* ME 51: ADS-R flag, 0 */
        put1(msg, 84, 84, (t->ap_modes & MODES_AP_APPROACH) != 0);
        put1(msg, 86, 86, (t->ap_modes & MODES_AP_LNAV) != 0);
    }
    put1(msg, 85, 85, (t->ap_modes & MODES_AP_TCAS) != 0); /* ME 53 */
    es_parity(msg);
}

void sim_modes_df11(uint8_t *msg, uint32_t addr)
{
    memset(msg, 0, 7);
    put1(msg, 1, 5, 11);
    put1(msg, 6, 8, CA_AIRBORNE);
    put1(msg, 9, 32, addr & 0xFFFFFFu);
    /* PI with II = 0 (a reply to a Mode S-only all-call from no particular interrogator). */
    put1(msg, 33, 56, modes_crc24(msg, 4));
}

/* DF4/DF5: FS, DR 0, UM 0, the 13-bit field, then AP = CRC XOR address. */
static void surveillance(uint8_t *msg, unsigned df, uint32_t addr, unsigned fs, uint32_t f13)
{
    memset(msg, 0, 7);
    put1(msg, 1, 5, df);
    put1(msg, 6, 8, fs & 7u);
    put1(msg, 20, 32, f13);
    put1(msg, 33, 56, modes_crc24(msg, 4) ^ (addr & 0xFFFFFFu));
}

void sim_modes_df4(uint8_t *msg, uint32_t addr, unsigned fs, int32_t alt_ft)
{
    surveillance(msg, 4, addr, fs, sim_modes_ac13(alt_ft));
}

void sim_modes_df5(uint8_t *msg, uint32_t addr, unsigned fs, unsigned squawk)
{
    surveillance(msg, 5, addr, fs, sim_modes_id13(squawk));
}

/* DF20/DF21 Comm-B: the DF4/DF5 fields, MB (bits 33-88) holding BDS 2,0
 * (aircraft identification: 0x20 then eight characters, ICAO Doc 9871
 * table A-2-32), AP over 112 bits. */
static void commb_ident(uint8_t *msg, unsigned df, uint32_t addr, unsigned fs, uint32_t f13,
                        const char *callsign)
{
    memset(msg, 0, 14);
    put1(msg, 1, 5, df);
    put1(msg, 6, 8, fs & 7u);
    put1(msg, 20, 32, f13);
    put1(msg, 33, 40, 0x20);
    put_callsign(msg, 41, callsign);
    put1(msg, 89, 112, modes_crc24(msg, 11) ^ (addr & 0xFFFFFFu));
}

void sim_modes_df20_ident(uint8_t *msg, uint32_t addr, unsigned fs, int32_t alt_ft,
                          const char *callsign)
{
    commb_ident(msg, 20, addr, fs, sim_modes_ac13(alt_ft), callsign);
}

void sim_modes_df21_ident(uint8_t *msg, uint32_t addr, unsigned fs, unsigned squawk,
                          const char *callsign)
{
    commb_ident(msg, 21, addr, fs, sim_modes_id13(squawk), callsign);
}

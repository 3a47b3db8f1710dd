/* modes_encode.c: Mode S and ADS-B frames from values, the inverse of
 * src/modes/decode.c, es.c, es_position.c and es_velocity.c. Bit numbers
 * are those of ICAO Annex 10 Vol IV and DO-260B (1-based, MSB first). */
#include <math.h>
#include <string.h>

#include "common/bits.h"
#include "modes/cpr.h"
#include "modes/crc.h"
#include "sim/encode.h"

#define CA_AIRBORNE 5 /* Annex 10 Vol IV 3.1.2.5.2.2.1: level 2+, airborne */

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

void sim_cpr_encode_airborne(double lat, double lon, bool odd, uint32_t *yz, uint32_t *xz)
{
    int i = odd ? 1 : 0;
    double dlat = 360.0 / (60 - i);
    double yzf = floor(CPR_MAX * cpr_mod(lat, dlat) / dlat + 0.5);
    /* The longitude zone count is that of the latitude the receiver will
     * decode (Rlat), not of the true latitude (A.1.7.3 b-c). */
    double rlat = dlat * (yzf / CPR_MAX + floor(lat / dlat));
    int nl = cpr_nl(rlat) - i;
    double dlon = nl > 0 ? 360.0 / nl : 360.0;
    double xzf = floor(CPR_MAX * cpr_mod(lon, dlon) / dlon + 0.5);
    *yz = (uint32_t)cpr_mod(yzf, CPR_MAX);
    *xz = (uint32_t)cpr_mod(xzf, CPR_MAX);
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

static void es_header(uint8_t *msg, uint32_t addr, unsigned tc)
{
    memset(msg, 0, 14);
    put1(msg, 1, 5, 17);
    put1(msg, 6, 8, CA_AIRBORNE);
    put1(msg, 9, 32, addr & 0xFFFFFFu);
    put1(msg, 33, 37, tc);
}

/* PI of an extended squitter: the CRC of the first 88 bits. */
static void es_parity(uint8_t *msg) { put1(msg, 89, 112, modes_crc24(msg, 11)); }

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

void sim_modes_opstatus(uint8_t *msg, uint32_t addr, unsigned nac_p, unsigned gva, unsigned sil,
                        unsigned nic_baro, unsigned sda)
{
    es_header(msg, addr, 31);
    /* ME 6-8 subtype 0 (airborne); 9-24 capability class and 25-40
     * operational mode left 0, except the SDA in OM bits 31-32. */
    put1(msg, 63, 64, sda & 3u);
    put1(msg, 73, 75, 2);          /* ME 41-43: version 2 (DO-260B) */
    put1(msg, 77, 80, nac_p & 15u); /* ME 45-48 (ME 44 NIC-A = 0) */
    put1(msg, 81, 82, gva & 3u);
    put1(msg, 83, 84, sil & 3u);
    put1(msg, 85, 85, nic_baro & 1u);
    /* ME 54 HRD 0: true north; ME 55 SIL supplement 0: per hour. */
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

/* decode.c: Mode S downlink format dispatch and the surveillance fields
 * every DF shares (ICAO Annex 10 Vol IV 3.1.2.6 and 3.1.2.8): address,
 * capability, flight status, altitude (Q-bit 25 ft, Gillham 100 ft, metric
 * M-bit), identity (squawk), DF0/16 VS/RI and the DF16 ACAS MV field.
 * The ME field of DF17/18 is es.c's and the MB field of DF20/21 commb.c's.
 * CPR pairing, which needs memory, is in decoder.c; this file is pure. */
#include <math.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/bits.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

/* Gray code (reflected binary) to binary, for codes of up to 16 bits (the
 * altitude's are 9 and 3): the XOR of all higher bits as a prefix XOR in four
 * steps, without a loop whose length depends on the code. */
static unsigned gray_to_bin(unsigned g)
{
    g ^= g >> 1;
    g ^= g >> 2;
    g ^= g >> 4;
    g ^= g >> 8;
    return g;
}

/* Gillham (Mode C) altitude in 100 ft steps from an ID-layout 13-bit field
 * (C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4; Annex 10 Vol IV 3.1.1.7.12.2).
 * D1 D2 D4 A1 A2 A4 B1 B2 B4 is a Gray code of 500 ft steps; C1 C2 C4 a
 * 5-state Gray cycle of 100 ft steps that runs backwards in odd 500 ft
 * bands. The lowest code is -1200 ft. Returns false for invalid C codes. */
static bool gillham_alt(uint32_t v, int32_t *ft)
{
#define B(n) ((v >> (n)) & 1u)
    unsigned g500 = B(4) << 8 | B(2) << 7 | B(0) << 6 | B(11) << 5 | B(9) << 4 | B(7) << 3 |
                    B(5) << 2 | B(3) << 1 | B(1);
    unsigned g100 = B(12) << 2 | B(10) << 1 | B(8);
#undef B
    unsigned n500 = gray_to_bin(g500);
    unsigned n100 = gray_to_bin(g100); /* valid codes give 1, 2, 3, 4, 7 */
    if (n100 == 0 || n100 == 5 || n100 == 6)
        return false;
    if (n100 == 7)
        n100 = 5;
    if (n500 & 1)
        n100 = 6 - n100;
    *ft = (int32_t)n500 * 500 + (int32_t)n100 * 100 - 1300;
    return true;
}

bool modes_alt_ac13(uint32_t ac13, int32_t *ft, bool *metric)
{
    *metric = false;
    if (ac13 == 0)
        return false; /* altitude not available (3.1.2.6.5.4) */
    if (ac13 & 0x40) {
        /* M = 1: metric. Annex 10 leaves the coding open; receivers read
         * the remaining 12 bits as binary metres, and so do we. */
        uint32_t m = ((ac13 & 0x1F80) >> 1) | (ac13 & 0x3F);
        *metric = true;
        *ft = (int32_t)lround(m * 3.28084);
        return true;
    }
    if (ac13 & 0x10) {
        /* Q = 1: 25 ft increments, 11 bits with M and Q removed, -1000 ft base. */
        uint32_t n = ((ac13 & 0x1F80) >> 2) | ((ac13 & 0x20) >> 1) | (ac13 & 0x0F);
        *ft = (int32_t)n * 25 - 1000;
        return true;
    }
    return gillham_alt(ac13, ft);
}

bool modes_alt_ac12(uint32_t ac12, int32_t *ft)
{
    bool metric;
    /* The ES altitude is the AC13 field without its M bit (DO-260B 2.2.3.2.3.4). */
    uint32_t ac13 = ((ac12 & 0xFC0) << 1) | (ac12 & 0x3F);
    return modes_alt_ac13(ac13, ft, &metric);
}

uint16_t modes_squawk_id13(uint32_t v)
{
#define B(n) ((v >> (n)) & 1u)
    unsigned a = B(7) << 2 | B(9) << 1 | B(11);
    unsigned b = B(1) << 2 | B(3) << 1 | B(5);
    unsigned c = B(8) << 2 | B(10) << 1 | B(12);
    unsigned d = B(0) << 2 | B(2) << 1 | B(4);
#undef B
    return (uint16_t)(a * 1000 + b * 100 + c * 10 + d);
}

void modes_acas_ra_decode(struct modes_msg *m, const uint8_t *p)
{
    struct modes_acas_ra *ra = &m->ra;
    memset(ra, 0, sizeof *ra);
    ra->ara = (uint16_t)bits_get1(p, 9, 22);
    ra->rac = (uint8_t)bits_get1(p, 23, 26);
    ra->rat = bits_get1_bit(p, 27);
    ra->mte = bits_get1_bit(p, 28);
    ra->tti = (uint8_t)bits_get1(p, 29, 30);
    if (ra->tti == 1)
        ra->threat_addr = bits_get1(p, 31, 54);
    m->have |= MODES_BIT(MODES_F_ACAS_RA);
}

static void set_alt13(struct modes_msg *m, const uint8_t *msg)
{
    if (modes_alt_ac13(bits_get1(msg, 20, 32), &m->alt_baro_ft, &m->alt_metric))
        m->have |= MODES_BIT(MODES_F_ALT_BARO);
}

/* FS (3.1.2.6.5.1): 0-3 say airborne/ground and alert, 4-5 SPI. */
static void set_fs(struct modes_msg *m, const uint8_t *msg)
{
    m->fs = (uint8_t)bits_get1(msg, 6, 8);
    m->have |= MODES_BIT(MODES_F_FS);
    m->alert = m->fs >= 2 && m->fs <= 4;
    m->spi = m->fs == 4 || m->fs == 5;
    if (m->fs <= 3) {
        m->on_ground = m->fs & 1;
        m->have |= MODES_BIT(MODES_F_AIRGROUND);
    }
}

/* CA (3.1.2.5.2.2.1): 4 on ground, 5 airborne; other values say nothing. */
static void set_ca(struct modes_msg *m, const uint8_t *msg)
{
    m->ca = (uint8_t)bits_get1(msg, 6, 8);
    m->have |= MODES_BIT(MODES_F_CA);
    if (m->ca == 4 || m->ca == 5) {
        m->on_ground = m->ca == 4;
        m->have |= MODES_BIT(MODES_F_AIRGROUND);
    }
}

/* DF18 CF (DO-260B 2.2.3.1.1): who is speaking, and whether an ME follows
 * in the ADS-B layout. CF 3 (coarse TIS-B), 4 (management) and 7 carry
 * other layouts, which we mark but do not decode. */
static bool set_cf(struct modes_msg *m, const uint8_t *msg)
{
    static const uint8_t kind[8] = {
        MODES_ADDR_ICAO,      MODES_ADDR_NON_ICAO,  MODES_ADDR_TISB_ICAO, MODES_ADDR_TISB_ICAO,
        MODES_ADDR_TISB_ICAO, MODES_ADDR_TISB_OTHER, MODES_ADDR_ADSR_ICAO, MODES_ADDR_NON_ICAO,
    };
    m->cf = (uint8_t)bits_get1(msg, 6, 8);
    m->have |= MODES_BIT(MODES_F_CF);
    m->addr_kind = kind[m->cf];
    return m->cf <= 2 || m->cf == 5 || m->cf == 6;
}

/* TIS-B fine and ADS-R airborne/surface positions carry the IMF bit at ME
 * bit 8 in place of NIC-B (DO-260B 2.2.3.2.3.3 / 2.2.17): 1 means the
 * address is not an ICAO address. */
static void apply_imf(struct modes_msg *m)
{
    bool pos = (m->tc >= 5 && m->tc <= 18) || (m->tc >= 20 && m->tc <= 22);
    if (!pos || !bits_get1_bit(m->msg + 4, 8))
        return;
    if (m->cf == 2)
        m->addr_kind = MODES_ADDR_TISB_OTHER;
    else if (m->cf == 6)
        m->addr_kind = MODES_ADDR_ADSR_OTHER;
}

static int expected_len(unsigned df)
{
    switch (df) {
    case 0: case 4: case 5: case 11:
        return MODES_SHORT_BYTES;
    case 16: case 17: case 18: case 20: case 21:
        return MODES_LONG_BYTES;
    default:
        return 0;
    }
}

/* Clears *m before a decode. GCC inlines a memset of this size (336 bytes)
 * as `rep stosq`, whose start-up cost on AMD Zen made it a fifth of the
 * whole Beast path's time; sixteen-byte stores take a few cycles. The loop
 * is unrolled by the pragma before GCC could turn it back into a memset;
 * the tail (none today) and other targets use memset. */
static inline void clear_msg(struct modes_msg *m)
{
#if defined(__SSE2__)
    const __m128i z = _mm_setzero_si128();
    unsigned char *p = (unsigned char *)m;
    size_t i = 0;
#pragma GCC unroll 32
    for (; i + 16 <= sizeof *m; i += 16)
        _mm_storeu_si128((__m128i *)(p + i), z);
    memset(p + i, 0, sizeof *m - i);
#else
    memset(m, 0, sizeof *m);
#endif
}

int modes_decode_fields(const struct modes_frame *f, struct modes_msg *m,
                        const struct modes_es_ctx *ctx)
{
    clear_msg(m);
    m->time_ms = f->time_ms;
    m->ts12 = f->ts12;
    m->signal = f->signal;
    m->source = f->source;
    m->corrected_bits = f->corrected_bits;
    m->addr_from_ap = f->addr_from_ap;
    m->addr_unverified = f->addr_unverified;
    m->len = f->len;
    if (f->len != MODES_SHORT_BYTES && f->len != MODES_LONG_BYTES)
        return MODES_DECODE_EDF; /* Mode A/C (Beast type '1') and junk */
    /* Constant sizes: a copy of f->len bytes is a (checked) library call. */
    if (f->len == MODES_LONG_BYTES) {
        memcpy(m->msg, f->msg, MODES_LONG_BYTES);
        memcpy(m->verbatim, f->verbatim, MODES_LONG_BYTES);
    } else {
        memcpy(m->msg, f->msg, MODES_SHORT_BYTES);
        memcpy(m->verbatim, f->verbatim, MODES_SHORT_BYTES);
    }
    /* Fields are read from the frame, not from the copy just stored in m:
     * loads right behind those stores waited on them (store forwarding). */
    const uint8_t *msg = f->msg;
    m->df = msg[0] >> 3;
    /* DF24 (Comm-D) uses only its first two bits as the format. */
    if (m->df >= 24)
        m->df = 24;
    int want = expected_len(m->df);
    if (want == 0)
        return MODES_DECODE_EDF;
    if (want != f->len)
        return MODES_DECODE_ELEN;
    if (!f->crc_ok)
        return MODES_DECODE_ECRC;

    switch (m->df) {
    case 11: case 17: case 18:
        m->addr = bits_get1(msg, 9, 32);
        break;
    default:
        m->addr = f->addr; /* AP: recovered by modes_frame_validate */
        break;
    }
    m->have |= MODES_BIT(MODES_F_ADDR);

    switch (m->df) {
    case 0: case 16:
        m->vs = (uint8_t)bits_get1_bit(msg, 6);
        m->sl = (uint8_t)bits_get1(msg, 9, 11);
        m->ri = (uint8_t)bits_get1(msg, 14, 17);
        m->on_ground = m->vs;
        m->have |= MODES_BIT(MODES_F_VS) | MODES_BIT(MODES_F_SL) | MODES_BIT(MODES_F_RI) |
                   MODES_BIT(MODES_F_AIRGROUND);
        if (m->df == 0) {
            m->cc = (uint8_t)bits_get1_bit(msg, 7);
            m->have |= MODES_BIT(MODES_F_CC);
        }
        set_alt13(m, msg);
        /* MV with VDS 3,0 is the ACAS resolution advisory (3.1.2.8.3.1). */
        if (m->df == 16 && bits_get1(msg, 33, 40) == 0x30)
            modes_acas_ra_decode(m, msg + 4);
        break;
    case 4: case 20:
        set_fs(m, msg);
        set_alt13(m, msg);
        break;
    case 5: case 21:
        set_fs(m, msg);
        m->squawk = modes_squawk_id13(bits_get1(msg, 20, 32));
        m->have |= MODES_BIT(MODES_F_SQUAWK);
        break;
    case 11:
        set_ca(m, msg);
        break;
    case 17:
        set_ca(m, msg);
        modes_es_decode(m, msg + 4, ctx);
        break;
    case 18:
        if (set_cf(m, msg)) {
            modes_es_decode(m, msg + 4, ctx);
            apply_imf(m);
        }
        break;
    }
    if (m->df == 20 || m->df == 21)
        modes_commb_decode(m, msg + 4);
    return MODES_DECODE_OK;
}

int modes_decode_frame(const struct modes_frame *f, struct modes_msg *out)
{
    return modes_decode_fields(f, out, NULL);
}

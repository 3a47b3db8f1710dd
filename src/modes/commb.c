/* commb.c: Comm-B (DF20/21 MB field) register inference, for the registers
 * of ICAO Doc 9871 (Technical Provisions for Mode S) that ground stations
 * extract routinely: 1,0 1,7 2,0 3,0 4,0 4,4 5,0 6,0.
 *
 * The MB field does not say which register it holds. Each candidate decoder
 * checks the register's layout (fixed header, reserved bits zero, a status
 * bit of 0 means its field is all zero, value ranges) and scores the
 * evidence: fixed headers are strong; cross-checks between fields (roll vs
 * track rate, IAS vs Mach at the reply's altitude, baro vs inertial rate)
 * are next; a field merely present is weak. The best candidate is kept only
 * if it leads the runner-up by COMMB_CLEAR_LEAD; otherwise the reply is
 * reported ambiguous with its candidates, never guessed (the approach of
 * pyModeS's bds.infer and dump1090-fa comm_b.c, written from Doc 9871). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/bits.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

/* Scores (STYLE 11): named ranks, ordered. */
enum commb_score {
    COMMB_REJECT = -1,     /* the layout is violated */
    COMMB_FIELD = 1,       /* per field present and in range */
    COMMB_CROSS = 2,       /* per cross-check between fields that holds */
    COMMB_RESERVED = 3,    /* reserved bits all zero (a long run) */
    COMMB_HEADER = 12,     /* the register's 8-bit identifier matches */
};
#define COMMB_CLEAR_LEAD 2 /* best must beat the runner-up by this */

static int sgn_field(const uint8_t *mb, unsigned sign_bit, unsigned first, unsigned last)
{
    int v = (int)bits_get1(mb, first, last);
    if (bits_get1_bit(mb, sign_bit))
        v -= 1 << (last - first + 1);
    return v;
}

/* A status bit of 0 must come with an all-zero field (Doc 9871 A.2.x
 * "status bit"); returns 1 if the field is present, 0 absent, -1 broken. */
static int status(const uint8_t *mb, unsigned st, unsigned last)
{
    if (bits_get1_bit(mb, st))
        return 1;
    return bits_get1(mb, st + 1, last) == 0 ? 0 : -1;
}

/* BDS 1,0: data link capability report (Doc 9871 table A-2-16). */
static int bds10(const uint8_t *mb, struct modes_msg *m)
{
    if (bits_get1(mb, 1, 8) != 0x10 || bits_get1(mb, 10, 14) != 0)
        return COMMB_REJECT;
    struct modes_bds10 *c = &m->bds10;
    c->ovc = bits_get1_bit(mb, 15);
    c->acas = bits_get1_bit(mb, 16);
    c->version = (uint8_t)bits_get1(mb, 17, 23);
    c->squitter = bits_get1_bit(mb, 35);
    c->sic = bits_get1_bit(mb, 36);
    c->acas_hybrid = bits_get1_bit(mb, 38);
    c->acas_ra_tcas = bits_get1_bit(mb, 39);
    m->have |= MODES_BIT(MODES_F_BDS10);
    return COMMB_HEADER;
}

/* BDS 1,7: common usage GICB capability report (table A-2-23): one bit per
 * register, bits 25-56 reserved. A report without 2,0 is not credible:
 * every Mode S EHS/ELS transponder supports aircraft identification. */
static int bds17(const uint8_t *mb, struct modes_msg *m)
{
    uint32_t caps = bits_get1(mb, 1, 24);
    if (caps == 0 || bits_get1(mb, 25, 56) != 0 || !bits_get1_bit(mb, 7))
        return COMMB_REJECT;
    m->bds17_caps = caps;
    m->have |= MODES_BIT(MODES_F_BDS17);
    return 2 * COMMB_RESERVED;
}

/* BDS 2,0: aircraft identification (table A-2-32), the ES character set. */
static int bds20(const uint8_t *mb, struct modes_msg *m)
{
    if (bits_get1(mb, 1, 8) != 0x20)
        return COMMB_REJECT;
    char s[9];
    int n = 0;
    for (unsigned i = 0; i < 8; i++) {
        char c = modes_id_charset[bits_get1(mb, 9 + 6 * i, 14 + 6 * i)];
        if (c == '#')
            return COMMB_REJECT;
        s[n++] = c;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return COMMB_REJECT;
    s[n] = '\0';
    memcpy(m->callsign, s, (size_t)n + 1);
    m->have |= MODES_BIT(MODES_F_CALLSIGN);
    return COMMB_HEADER;
}

/* BDS 3,0: ACAS active resolution advisory (table A-2-48). TTI 3 is unused. */
static int bds30(const uint8_t *mb, struct modes_msg *m)
{
    if (bits_get1(mb, 1, 8) != 0x30 || bits_get1(mb, 29, 30) == 3)
        return COMMB_REJECT;
    modes_acas_ra_decode(m, mb);
    return COMMB_HEADER;
}

/* BDS 4,0: selected vertical intention (table A-2-64). */
static int bds40(const uint8_t *mb, struct modes_msg *m)
{
    int mcp = status(mb, 1, 13), fms = status(mb, 14, 26), baro = status(mb, 27, 39);
    int modes = status(mb, 48, 51), src = status(mb, 54, 56);
    if (mcp < 0 || fms < 0 || baro < 0 || modes < 0 || src < 0)
        return COMMB_REJECT;
    if (bits_get1(mb, 40, 47) != 0 || bits_get1(mb, 52, 53) != 0)
        return COMMB_REJECT;
    if (mcp + fms + baro + modes == 0)
        return COMMB_REJECT;
    int score = COMMB_RESERVED;
    if (mcp) {
        m->sel_alt_mcp_ft = (int32_t)bits_get1(mb, 2, 13) * 16;
        if (m->sel_alt_mcp_ft > 50000)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_SEL_ALT_MCP);
        score += COMMB_FIELD;
    }
    if (fms) {
        m->sel_alt_fms_ft = (int32_t)bits_get1(mb, 15, 26) * 16;
        if (m->sel_alt_fms_ft > 50000)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_SEL_ALT_FMS);
        score += COMMB_FIELD;
    }
    if (baro) {
        m->qnh_hpa = bits_get1(mb, 28, 39) * 0.1 + 800.0;
        if (m->qnh_hpa < 900.0 || m->qnh_hpa > 1100.0)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_QNH);
        score += COMMB_FIELD;
    }
    if (modes) {
        m->ap_modes = (uint8_t)((bits_get1_bit(mb, 49) ? MODES_AP_VNAV : 0) |
                                (bits_get1_bit(mb, 50) ? MODES_AP_ALT_HOLD : 0) |
                                (bits_get1_bit(mb, 51) ? MODES_AP_APPROACH : 0));
        m->have |= MODES_BIT(MODES_F_AP_MODES);
    }
    return score;
}

/* BDS 4,4: meteorological routine air report (table A-2-68). Temperature
 * has no status bit: 0 °C is a valid reading. */
static int bds44(const uint8_t *mb, struct modes_msg *m)
{
    int wind = status(mb, 5, 23), pres = status(mb, 35, 46), turb = status(mb, 47, 49),
        hum = status(mb, 50, 56);
    if (bits_get1(mb, 1, 4) > 4 || wind < 0 || pres < 0 || turb < 0 || hum < 0)
        return COMMB_REJECT;
    double t = sgn_field(mb, 24, 25, 34) * 0.25;
    if (t < -80.0 || t > 60.0)
        return COMMB_REJECT;
    m->temp_c = t;
    m->have |= MODES_BIT(MODES_F_TEMP);
    int score = COMMB_FIELD;
    if (wind) {
        m->wind_speed_kt = bits_get1(mb, 6, 14);
        m->wind_dir_deg = bits_get1(mb, 15, 23) * 180.0 / 256.0;
        if (m->wind_speed_kt > 250.0)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_WIND);
        score += COMMB_FIELD;
    }
    if (pres) {
        m->pressure_hpa = bits_get1(mb, 36, 46);
        m->have |= MODES_BIT(MODES_F_PRESSURE);
        score += COMMB_FIELD;
    }
    if (turb) {
        m->turbulence = (uint8_t)bits_get1(mb, 48, 49);
        m->have |= MODES_BIT(MODES_F_TURBULENCE);
    }
    if (hum) {
        m->humidity_pct = bits_get1(mb, 51, 56) * 100.0 / 64.0;
        m->have |= MODES_BIT(MODES_F_HUMIDITY);
        score += COMMB_FIELD;
    }
    return score;
}

/* BDS 5,0: track and turn report (table A-2-80). */
static int bds50(const uint8_t *mb, struct modes_msg *m)
{
    int roll = status(mb, 1, 11), trk = status(mb, 12, 23), gs = status(mb, 24, 34),
        rate = status(mb, 35, 45), tas = status(mb, 46, 56);
    if (roll < 0 || trk < 0 || gs < 0 || rate < 0 || tas < 0)
        return COMMB_REJECT;
    if (roll + trk + gs + rate + tas < 2)
        return COMMB_REJECT;
    int score = 0;
    if (roll) {
        m->roll_deg = sgn_field(mb, 2, 3, 11) * 45.0 / 256.0;
        if (fabs(m->roll_deg) > 50.0)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_ROLL);
        score += COMMB_FIELD;
    }
    if (trk) {
        double t = sgn_field(mb, 13, 14, 23) * 90.0 / 512.0;
        m->track_deg = t < 0 ? t + 360.0 : t;
        m->have |= MODES_BIT(MODES_F_TRACK);
        score += COMMB_FIELD;
    }
    if (gs) {
        m->gs_kt = bits_get1(mb, 25, 34) * 2.0;
        if (m->gs_kt > 600.0)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_GS);
        score += COMMB_FIELD;
    }
    if (rate) {
        m->track_rate_dps = sgn_field(mb, 36, 37, 45) * 8.0 / 256.0;
        m->have |= MODES_BIT(MODES_F_TRACK_RATE);
        score += COMMB_FIELD;
    }
    if (tas) {
        m->tas_kt = (int32_t)bits_get1(mb, 47, 56) * 2;
        if (m->tas_kt > 500 || m->tas_kt < 50)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_TAS);
        score += COMMB_FIELD;
    }
    if (gs && tas) {
        /* Ground speed differs from true airspeed by the wind only. */
        if (fabs(m->gs_kt - m->tas_kt) > 200.0)
            return COMMB_REJECT;
        score += COMMB_CROSS;
    }
    if (roll && rate && tas) {
        /* A coordinated turn: rate = g tan(roll) / V. Evidence only when it
         * holds: some transponders fill the track rate with junk (seen in
         * the pyModeS sample, e.g. 2.0 deg/s at wings level). */
        double v = m->tas_kt * 0.514444;
        double want = 9.80665 * tan(m->roll_deg * M_PI / 180.0) / v * 180.0 / M_PI;
        if (fabs(want - m->track_rate_dps) <= 0.5)
            score += COMMB_CROSS;
    }
    return score;
}

/* ISA pressure ratio p/p0 at a pressure altitude (troposphere, then the
 * isothermal layer above 11 km). */
static double isa_delta(double alt_ft)
{
    double h = alt_ft * 0.3048;
    return h < 11000.0 ? pow(1.0 - 0.0065 * h / 288.15, 5.25588)
                       : 0.223361 * exp(-(h - 11000.0) / 6341.62);
}

/* Mach for a calibrated airspeed where p/p0 is delta (subsonic compressible
 * flow: qc/p0 = (1 + 0.2 (CAS/a0)^2)^3.5 - 1, M^2 = 5 ((qc/p + 1)^(2/7) - 1)). */
static double cas_to_mach(double cas_kt, double delta)
{
    double c = cas_kt * 0.514444 / 340.294;
    double y = 1.0 + 0.2 * c * c;
    double qc_p0 = y * y * y * sqrt(y) - 1.0;
    if (delta == 1.0)
        return c; /* at sea level CAS is TAS */
    return sqrt(5.0 * (pow(qc_p0 / delta + 1.0, 2.0 / 7.0) - 1.0));
}

#define ISA_DELTA_50000FT 0.114456 /* isa_delta(50000) */

/* isa_delta at the altitudes replies carry: Q-bit (25 ft steps from -1000)
 * and Gillham (100 ft steps from -1200) codes up to 51,175 ft, filled on
 * first use with the same pow() (so the same value) and read without it
 * after. Entries are atomic because decoders may run on several threads;
 * racing writers store the same value, and 0 (never a delta) means empty.
 * Metric and higher altitudes call isa_delta. */
#define DELTA_MIN_FT (-1200)
#define DELTA_STEP_FT 25
#define DELTA_N 2096
static _Atomic double delta_tab[DELTA_N];

static double isa_delta_ft(int32_t alt_ft)
{
    int32_t k = alt_ft - DELTA_MIN_FT;
    if (k < 0 || k % DELTA_STEP_FT != 0 || k / DELTA_STEP_FT >= DELTA_N)
        return isa_delta(alt_ft);
    _Atomic double *e = &delta_tab[k / DELTA_STEP_FT];
    double d = atomic_load_explicit(e, memory_order_relaxed);
    if (d == 0.0) {
        d = isa_delta(alt_ft);
        atomic_store_explicit(e, d, memory_order_relaxed);
    }
    return d;
}

/* Which side of lim cas_to_mach(cas_kt, delta) lies, without its pow():
 * Mach grows with x = qc/p + 1 (the pow's argument), and the Mach lim
 * (>= 0) is reached at x = (1 + 0.2 lim^2)^3.5, a product and a sqrt. So
 * comparing x with that decides, except within a relative 1e-9 of it (a
 * Mach error of 1e-10 and more, beyond the rounding of either form), where
 * 0 tells the caller to evaluate cas_to_mach itself. Returns 1 (above),
 * -1 (below) or 0. */
static int mach_side(double cas_kt, double delta, double lim)
{
    if (lim < 0.0)
        return 1;
    double c = cas_kt * 0.514444 / 340.294;
    double y = 1.0 + 0.2 * c * c;
    double x = (y * y * y * sqrt(y) - 1.0) / delta + 1.0;
    double yl = 1.0 + 0.2 * lim * lim;
    double xl = yl * yl * yl * sqrt(yl);
    if (x > xl * (1.0 + 1e-9))
        return 1;
    if (x < xl * (1.0 - 1e-9))
        return -1;
    return 0;
}

/* BDS 6,0: heading and speed report (table A-2-96). */
static int bds60(const uint8_t *mb, struct modes_msg *m)
{
    int hdg = status(mb, 1, 12), ias = status(mb, 13, 23), mach = status(mb, 24, 34),
        vb = status(mb, 35, 45), vi = status(mb, 46, 56);
    if (hdg < 0 || ias < 0 || mach < 0 || vb < 0 || vi < 0)
        return COMMB_REJECT;
    if (hdg + ias + mach + vb + vi < 2)
        return COMMB_REJECT;
    int score = 0;
    if (hdg) {
        double h = sgn_field(mb, 2, 3, 12) * 90.0 / 512.0;
        m->heading_deg = h < 0 ? h + 360.0 : h;
        m->heading_true = false;
        m->have |= MODES_BIT(MODES_F_HEADING);
        score += COMMB_FIELD;
    }
    if (ias) {
        m->ias_kt = (int32_t)bits_get1(mb, 14, 23);
        if (m->ias_kt > 500 || m->ias_kt < 50)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_IAS);
        score += COMMB_FIELD;
    }
    if (mach) {
        m->mach = bits_get1(mb, 25, 34) * 2.048 / 512.0;
        if (m->mach > 1.0 || m->mach < 0.1)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_MACH);
        score += COMMB_FIELD;
    }
    if (vb) {
        m->baro_rate_fpm = sgn_field(mb, 36, 37, 45) * 32;
        if (abs(m->baro_rate_fpm) > 6000)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_BARO_RATE);
        score += COMMB_FIELD;
    }
    if (vi) {
        m->geom_rate_fpm = sgn_field(mb, 47, 48, 56) * 32;
        if (abs(m->geom_rate_fpm) > 6000)
            return COMMB_REJECT;
        m->have |= MODES_BIT(MODES_F_GEOM_RATE);
        score += COMMB_FIELD;
    }
    if (vb && vi) {
        if (abs(m->baro_rate_fpm - m->geom_rate_fpm) > 2000)
            return COMMB_REJECT;
        score += COMMB_CROSS;
    }
    if (ias && mach) {
        /* IAS and Mach fix the pressure altitude: it must be the reply's own
         * (DF20) altitude, or at least a flyable one. */
        if (MODES_HAS(m, MODES_F_ALT_BARO)) {
            /* |cas_to_mach - mach| > 0.1, decided by mach_side where it can. */
            double delta = isa_delta_ft(m->alt_baro_ft);
            int hi = mach_side(m->ias_kt, delta, m->mach + 0.1), lo = mach_side(m->ias_kt, delta, m->mach - 0.1);
            if (hi > 0 || lo < 0)
                return COMMB_REJECT;
            if ((hi == 0 || lo == 0) && fabs(cas_to_mach(m->ias_kt, delta) - m->mach) > 0.1)
                return COMMB_REJECT;
            score += 2 * COMMB_CROSS;
        } else {
            if (m->mach < cas_to_mach(m->ias_kt, 1.0) - 0.05)
                return COMMB_REJECT;
            /* mach > cas_to_mach(ias, delta at 50,000 ft) + 0.05 */
            int side = mach_side(m->ias_kt, ISA_DELTA_50000FT, m->mach - 0.05);
            if (side < 0 || (side == 0 && m->mach > cas_to_mach(m->ias_kt, ISA_DELTA_50000FT) + 0.05))
                return COMMB_REJECT;
            score += COMMB_CROSS;
        }
    }
    return score;
}

struct commb_reg {
    uint8_t bds;
    int (*decode)(const uint8_t *mb, struct modes_msg *m);
};

static const struct commb_reg commb_regs[] = {
    {MODES_BDS(1, 0), bds10}, {MODES_BDS(1, 7), bds17}, {MODES_BDS(2, 0), bds20},
    {MODES_BDS(3, 0), bds30}, {MODES_BDS(4, 0), bds40}, {MODES_BDS(4, 4), bds44},
    {MODES_BDS(5, 0), bds50}, {MODES_BDS(6, 0), bds60},
};
#define COMMB_NREGS (sizeof commb_regs / sizeof commb_regs[0])

void modes_commb_decode(struct modes_msg *m, const uint8_t *mb)
{
    if (bits_get1(mb, 1, 28) == 0 && bits_get1(mb, 29, 56) == 0) {
        m->bds = MODES_BDS_EMPTY;
        return;
    }
    /* Candidates decode into a scratch message that holds only what they
     * read (the reply's altitude); the winner decodes again into m. */
    struct modes_msg t;
    int score[COMMB_NREGS], best = -1, second = COMMB_REJECT;
    for (size_t i = 0; i < COMMB_NREGS; i++) {
        t.have = m->have & MODES_BIT(MODES_F_ALT_BARO);
        t.alt_baro_ft = m->alt_baro_ft;
        score[i] = commb_regs[i].decode(mb, &t);
        if (score[i] < 0)
            continue;
        if (best < 0 || score[i] > score[best]) {
            if (best >= 0)
                second = score[best];
            best = (int)i;
        } else if (score[i] > second) {
            second = score[i];
        }
    }
    if (best < 0) {
        m->bds = MODES_BDS_NONE;
        return;
    }
    if (second >= 0 && score[best] - second < COMMB_CLEAR_LEAD) {
        m->bds = MODES_BDS_NONE;
        m->bds_ambiguous = true;
        for (size_t i = 0; i < COMMB_NREGS; i++)
            if (score[i] >= 0 && score[best] - score[i] < COMMB_CLEAR_LEAD)
                m->bds_candidates[m->n_bds_candidates++] = commb_regs[i].bds;
        return;
    }
    commb_regs[best].decode(mb, m);
    m->bds = commb_regs[best].bds;
}

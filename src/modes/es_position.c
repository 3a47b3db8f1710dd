/* es_position.c: ADS-B position messages, the fields one frame carries
 * (DO-260B 2.2.3.2.3 airborne, 2.2.3.2.4 surface): altitude, movement,
 * ground track, the raw CPR values, and the integrity category the type
 * code implies. Turning CPR into lat/lon needs two frames or a reference and
 * happens in decoder.c. */
#include "common/bits.h"
#include "modes/es.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

/* NUCp for version 0 (DO-260 table 2-14): TC 9..18 give 9..0, TC 5..8 give 9..6. */
static uint8_t nuc_p_from_tc(uint8_t tc)
{
    if (tc >= 5 && tc <= 8)
        return (uint8_t)(14 - tc);
    if (tc >= 9 && tc <= 18)
        return (uint8_t)(18 - tc);
    return 0; /* TC 20-22 are not defined in version 0 */
}

/* NIC for versions 1 and 2 (DO-260B table 2-70 airborne, 2-71 surface):
 * the type code with NIC supplements A (TC 31), B (airborne ME bit 8) and
 * C (surface TC 31) picks the containment radius. */
static uint8_t nic_from_tc(uint8_t tc, unsigned a, unsigned b, unsigned c)
{
    switch (tc) {
    case 5: return 11;
    case 6: return 10;
    case 7: return a ? 9 : 8;
    case 8:
        if (a && c) return 7;
        if (a || c) return 6;
        return 0;
    case 9: case 20: return 11;
    case 10: case 21: return 10;
    case 11: return (a && b) ? 9 : 8;
    case 12: return 7;
    case 13: return 6;
    case 14: return 5;
    case 15: return 4;
    case 16: return (a && b) ? 3 : 2;
    case 17: return 1;
    default: return 0; /* 18, 22: unknown containment */
    }
}

static void set_quality(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx)
{
    bool surface = m->tc <= 8;
    if (!ctx || !ctx->have_version || ctx->version == 0) {
        /* Version 0 (or not yet known: version 0 is what a transponder that
         * sends no TC 31 is, DO-260B 2.2.3.2.7.2.5) reads NUCp. */
        if (m->tc <= 18) {
            m->nuc_p = nuc_p_from_tc(m->tc);
            m->have |= MODES_BIT(MODES_F_NUC_P);
        }
        return;
    }
    /* NIC-B exists only in airborne positions, and only from version 2 on;
     * in version 1 that bit is the single-antenna flag. */
    unsigned b = (!surface && ctx->version >= 2) ? bits_get1_bit(me, 8) : 0;
    m->nic = nic_from_tc(m->tc, ctx->nic_a, b, ctx->nic_c);
    m->have |= MODES_BIT(MODES_F_NIC);
}

/* Surface movement (DO-260B table 2-23): a piecewise scale, finer when slow;
 * each code reads as the low end of its band, as pyModeS reports it.
 * Returns knots, or -1 for "not available" / reserved codes. */
double modes_es_movement(unsigned v)
{
    if (v == 0 || v > 124)
        return -1.0;
    if (v == 1)
        return 0.0;
    if (v <= 8)
        return 0.125 * (v - 1);
    if (v <= 12)
        return 1.0 + 0.25 * (v - 9);
    if (v <= 38)
        return 2.0 + 0.5 * (v - 13);
    if (v <= 93)
        return 15.0 + (v - 39);
    if (v <= 108)
        return 70.0 + 2.0 * (v - 94);
    if (v <= 123)
        return 100.0 + 5.0 * (v - 109);
    return 175.0; /* 124: 175 kt or more */
}

static void set_cpr(struct modes_msg *m, const uint8_t *me, bool surface)
{
    m->cpr_surface = surface;
    m->cpr_odd = bits_get1_bit(me, 22);
    m->cpr_lat = bits_get1(me, 23, 39);
    m->cpr_lon = bits_get1(me, 40, 56);
    m->have |= MODES_BIT(MODES_F_CPR);
}

void modes_es_surface(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx)
{
    double gs = modes_es_movement(bits_get1(me, 6, 12));
    if (gs >= 0) {
        m->gs_kt = gs;
        m->have |= MODES_BIT(MODES_F_GS);
    }
    if (bits_get1_bit(me, 13)) {
        m->track_deg = bits_get1(me, 14, 20) * 360.0 / 128.0;
        m->have |= MODES_BIT(MODES_F_TRACK);
    }
    m->on_ground = true;
    m->have |= MODES_BIT(MODES_F_AIRGROUND);
    set_cpr(m, me, true);
    set_quality(m, me, ctx);
}

void modes_es_airborne(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx)
{
    uint32_t alt = bits_get1(me, 9, 20);
    if (m->tc <= 18) {
        if (modes_alt_ac12(alt, &m->alt_baro_ft))
            m->have |= MODES_BIT(MODES_F_ALT_BARO);
    } else if (alt != 0) {
        /* TC 20-22: GNSS height above the ellipsoid, read as binary metres
         * as pyModeS does (DO-260B 2.2.3.2.3.4.3). */
        m->alt_geom_ft = (int32_t)(alt * 3.28084 + 0.5);
        m->have |= MODES_BIT(MODES_F_ALT_GEOM);
    }
    /* Surveillance status (ME 6-7): 1 permanent alert (emergency code),
     * 2 temporary alert (code changed), 3 SPI. */
    unsigned ss = bits_get1(me, 6, 7);
    m->alert = ss == 1 || ss == 2;
    m->spi = ss == 3;
    m->on_ground = false;
    m->have |= MODES_BIT(MODES_F_AIRGROUND);
    set_cpr(m, me, false);
    set_quality(m, me, ctx);
}

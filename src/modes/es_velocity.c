/* es_velocity.c: ADS-B airborne velocity, TC 19 (DO-260B 2.2.3.2.6).
 * Subtypes 1 and 2 give east/north ground-speed components (2: supersonic,
 * units of 4 kt); 3 and 4 give heading and IAS or TAS. All subtypes carry
 * the vertical rate (baro or GNSS source) and the GNSS-minus-baro height
 * difference. A zero field means "not available" and stays absent. */
#include <math.h>

#include "common/bits.h"
#include "modes/es.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

static void set_vertical(struct modes_msg *m, const uint8_t *me)
{
    unsigned vr = bits_get1(me, 38, 46);
    if (vr != 0) {
        int32_t rate = (int32_t)(vr - 1) * 64;
        if (bits_get1_bit(me, 37))
            rate = -rate;
        /* VrSrc, ME bit 36: 0 GNSS (geometric), 1 barometric. */
        if (bits_get1_bit(me, 36)) {
            m->baro_rate_fpm = rate;
            m->have |= MODES_BIT(MODES_F_BARO_RATE);
        } else {
            m->geom_rate_fpm = rate;
            m->have |= MODES_BIT(MODES_F_GEOM_RATE);
        }
    }
    unsigned diff = bits_get1(me, 50, 56);
    if (diff != 0) {
        int32_t d = (int32_t)(diff - 1) * 25;
        /* ME bit 49 set: GNSS altitude below baro altitude. */
        m->gnss_baro_diff_ft = bits_get1_bit(me, 49) ? -d : d;
        m->have |= MODES_BIT(MODES_F_GNSS_DIFF);
    }
}

void modes_es_velocity(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx)
{
    m->st = (uint8_t)bits_get1(me, 6, 8);
    if (m->st < 1 || m->st > 4)
        return; /* 0, 5-7 reserved */
    int scale = (m->st == 2 || m->st == 4) ? 4 : 1; /* supersonic */
    m->nac_v = (uint8_t)bits_get1(me, 11, 13);
    m->have |= MODES_BIT(MODES_F_NAC_V);
    if (m->st <= 2) {
        unsigned vew = bits_get1(me, 15, 24), vns = bits_get1(me, 26, 35);
        if (vew != 0 && vns != 0) {
            double ve = (double)(vew - 1) * scale, vn = (double)(vns - 1) * scale;
            if (bits_get1_bit(me, 14))
                ve = -ve; /* west */
            if (bits_get1_bit(me, 25))
                vn = -vn; /* south */
            m->gs_kt = sqrt(ve * ve + vn * vn);
            m->have |= MODES_BIT(MODES_F_GS);
            if (m->gs_kt > 0) {
                double trk = atan2(ve, vn) * 180.0 / M_PI;
                m->track_deg = trk < 0 ? trk + 360.0 : trk;
                m->have |= MODES_BIT(MODES_F_TRACK);
            }
        }
    } else {
        if (bits_get1_bit(me, 14)) {
            m->heading_deg = bits_get1(me, 15, 24) * 360.0 / 1024.0;
            /* Magnetic unless the aircraft's TC 31 (version 1 or 2) set HRD
             * to 0, true north (DO-260B 2.2.3.2.7.2.13). */
            m->heading_true = ctx && ctx->have_version && ctx->version >= 1 && ctx->hrd_true;
            m->have |= MODES_BIT(MODES_F_HEADING);
        }
        unsigned as = bits_get1(me, 26, 35);
        if (as != 0) {
            int32_t kt = (int32_t)(as - 1) * scale;
            if (bits_get1_bit(me, 25)) {
                m->tas_kt = kt;
                m->have |= MODES_BIT(MODES_F_TAS);
            } else {
                m->ias_kt = kt;
                m->have |= MODES_BIT(MODES_F_IAS);
            }
        }
    }
    set_vertical(m, me);
}

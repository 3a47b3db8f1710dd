/* es.c: the ADS-B extended squitter ME field (DF17, and DF18 with CF 0, 1,
 * 2, 5, 6), DO-260B 2.2.3.2. Dispatch by type code; identification (TC 1-4),
 * emergency/priority and ACAS RA broadcast (TC 28), target state and status
 * (TC 29 subtype 1) and operational status (TC 31) live here; positions in
 * es_position.c, velocity in es_velocity.c. TC 0, 23-27 and 30 carry no
 * field we decode: the type code alone is reported.
 * Checked against pyModeS on its 2000-message sample (icao, typecode) and
 * The 1090 Megahertz Riddle's worked examples (tests/unit/test_modes_decode.c). */
#include <string.h>

#include "common/bits.h"
#include "modes/es.h"
#include "modes/modes_dec.h"
#include "modes/modes_msg.h"

const char modes_id_charset[65] =
    "#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

static void es_ident(struct modes_msg *m, const uint8_t *me)
{
    /* TC 4..1 are category sets A..D (DO-260B 2.2.3.2.5.2). */
    m->category = (uint8_t)(((0xA + 4 - m->tc) << 4) | bits_get1(me, 6, 8));
    m->have |= MODES_BIT(MODES_F_CATEGORY);
    char cs[9];
    int n = 0;
    bool bad = false;
    for (unsigned i = 0; i < 8; i++) {
        char c = modes_id_charset[bits_get1(me, 9 + 6 * i, 14 + 6 * i)];
        if (c == '#')
            bad = true;
        cs[n++] = c;
    }
    while (n > 0 && cs[n - 1] == ' ')
        n--;
    cs[n] = '\0';
    if (!bad && n > 0) {
        memcpy(m->callsign, cs, (size_t)n + 1);
        m->have |= MODES_BIT(MODES_F_CALLSIGN);
    }
}

/* TC 28: subtype 1 emergency/priority with the Mode A code, subtype 2 the
 * ACAS RA broadcast in the BDS 3,0 layout (DO-260B 2.2.3.2.7.8). */
static void es_aircraft_status(struct modes_msg *m, const uint8_t *me)
{
    m->st = (uint8_t)bits_get1(me, 6, 8);
    if (m->st == 1) {
        m->emergency = (uint8_t)bits_get1(me, 9, 11);
        m->have |= MODES_BIT(MODES_F_EMERGENCY);
        uint32_t id = bits_get1(me, 12, 24);
        if (id != 0) {
            m->squawk = modes_squawk_id13(id);
            m->have |= MODES_BIT(MODES_F_SQUAWK);
        }
    } else if (m->st == 2) {
        modes_acas_ra_decode(m, me);
    }
}

/* TC 29 subtype 0 (version 1 target state and status, DO-260A 2.2.3.2.7.1;
 * ICAO Doc 9871 table B-2-98): target altitude in 100 ft steps from its
 * vertical data source, target heading or track in whole degrees. */
static void es_target_state_v1(struct modes_msg *m, const uint8_t *me)
{
    unsigned vsrc = bits_get1(me, 8, 9), alt = bits_get1(me, 16, 25);
    /* Source 1 is the MCP/FCU selection, 3 the FMS/RNAV one; 2 (holding
     * altitude) is neither, and codes above 1010 are not altitudes. */
    if ((vsrc == 1 || vsrc == 3) && alt <= 1010) {
        int32_t ft = (int32_t)alt * 100 - 1000;
        if (vsrc == 1) {
            m->sel_alt_mcp_ft = ft;
            m->have |= MODES_BIT(MODES_F_SEL_ALT_MCP);
        } else {
            m->sel_alt_fms_ft = ft;
            m->have |= MODES_BIT(MODES_F_SEL_ALT_FMS);
        }
    }
    unsigned hdg = bits_get1(me, 28, 36);
    if (bits_get1(me, 26, 27) != 0 && hdg < 360) {
        m->sel_heading_deg = hdg;
        m->have |= MODES_BIT(MODES_F_SEL_HEADING);
    }
    m->nac_p = (uint8_t)bits_get1(me, 40, 43);
    m->nic_baro = (uint8_t)bits_get1_bit(me, 44);
    m->sil = (uint8_t)bits_get1(me, 45, 46);
    m->have |= MODES_BIT(MODES_F_NAC_P) | MODES_BIT(MODES_F_NIC_BARO) | MODES_BIT(MODES_F_SIL);
    m->emergency = (uint8_t)bits_get1(me, 54, 56);
    m->have |= MODES_BIT(MODES_F_EMERGENCY);
}

/* TC 29 subtype 1 (version 2 target state and status, DO-260B 2.2.3.2.7.1). */
static void es_target_state(struct modes_msg *m, const uint8_t *me)
{
    m->st = (uint8_t)bits_get1(me, 6, 7);
    if (m->st == 0)
        es_target_state_v1(m, me);
    if (m->st != 1)
        return;
    m->sil_per_sample = bits_get1_bit(me, 8);
    unsigned alt = bits_get1(me, 10, 20);
    if (alt != 0) {
        int32_t ft = (int32_t)(alt - 1) * 32;
        if (bits_get1_bit(me, 9)) {
            m->sel_alt_fms_ft = ft;
            m->have |= MODES_BIT(MODES_F_SEL_ALT_FMS);
        } else {
            m->sel_alt_mcp_ft = ft;
            m->have |= MODES_BIT(MODES_F_SEL_ALT_MCP);
        }
    }
    unsigned qnh = bits_get1(me, 21, 29);
    if (qnh != 0) {
        m->qnh_hpa = 800.0 + (qnh - 1) * 0.8;
        m->have |= MODES_BIT(MODES_F_QNH);
    }
    if (bits_get1_bit(me, 30)) {
        m->sel_heading_deg = bits_get1(me, 31, 39) * 180.0 / 256.0;
        m->have |= MODES_BIT(MODES_F_SEL_HEADING);
    }
    m->nac_p = (uint8_t)bits_get1(me, 40, 43);
    m->nic_baro = (uint8_t)bits_get1_bit(me, 44);
    m->sil = (uint8_t)bits_get1(me, 45, 46);
    m->have |= MODES_BIT(MODES_F_NAC_P) | MODES_BIT(MODES_F_NIC_BARO) | MODES_BIT(MODES_F_SIL);
    if (bits_get1_bit(me, 47)) {
        m->ap_modes = (uint8_t)((bits_get1_bit(me, 48) ? MODES_AP_AUTOPILOT : 0) |
                                (bits_get1_bit(me, 49) ? MODES_AP_VNAV : 0) |
                                (bits_get1_bit(me, 50) ? MODES_AP_ALT_HOLD : 0) |
                                (bits_get1_bit(me, 52) ? MODES_AP_APPROACH : 0) |
                                (bits_get1_bit(me, 54) ? MODES_AP_LNAV : 0));
        m->have |= MODES_BIT(MODES_F_AP_MODES);
    }
    if (bits_get1_bit(me, 53))
        m->ap_modes |= MODES_AP_TCAS;
}

/* TC 31 operational status (DO-260B 2.2.3.2.7.2). Version 0 defines only
 * the version field; version 1 (DO-260A) adds NIC-A, NACp, SIL, NIC-baro;
 * version 2 adds GVA, SDA and the SIL supplement. */
static void es_opstatus(struct modes_msg *m, const uint8_t *me)
{
    m->st = (uint8_t)bits_get1(me, 6, 8);
    if (m->st > 1)
        return; /* reserved subtypes */
    m->version = (uint8_t)bits_get1(me, 41, 43);
    m->have |= MODES_BIT(MODES_F_VERSION);
    if (m->version == 0 || m->version > 2)
        return;
    m->nac_p = (uint8_t)bits_get1(me, 45, 48);
    m->sil = (uint8_t)bits_get1(me, 51, 52);
    m->have |= MODES_BIT(MODES_F_NAC_P) | MODES_BIT(MODES_F_SIL);
    if (m->st == 0) {
        m->nic_baro = (uint8_t)bits_get1_bit(me, 53);
        m->have |= MODES_BIT(MODES_F_NIC_BARO);
    } else {
        m->on_ground = true;
        m->have |= MODES_BIT(MODES_F_AIRGROUND);
    }
    if (m->version == 2) {
        m->sil_per_sample = bits_get1_bit(me, 55);
        m->sda = (uint8_t)bits_get1(me, 31, 32);
        m->have |= MODES_BIT(MODES_F_SDA);
        if (m->st == 0) {
            m->gva = (uint8_t)bits_get1(me, 49, 50);
            m->have |= MODES_BIT(MODES_F_GVA);
        } else {
            m->nac_v = (uint8_t)bits_get1(me, 17, 19);
            m->have |= MODES_BIT(MODES_F_NAC_V);
        }
    }
}

/* NIC supplements carried by TC 31, for the decoder to remember. */
void modes_es_opstatus_ctx(const uint8_t *me, struct modes_es_ctx *ctx)
{
    unsigned st = bits_get1(me, 6, 8);
    if (bits_get1(me, 1, 5) != 31 || st > 1)
        return;
    ctx->have_version = true;
    ctx->version = (uint8_t)bits_get1(me, 41, 43);
    if (ctx->version == 0 || ctx->version > 2)
        return;
    ctx->nic_a = (uint8_t)bits_get1_bit(me, 44);
    ctx->hrd_true = !bits_get1_bit(me, 54);
    if (st == 1)
        ctx->nic_c = (uint8_t)bits_get1_bit(me, 20);
}

void modes_es_decode(struct modes_msg *m, const uint8_t *me, const struct modes_es_ctx *ctx)
{
    m->tc = (uint8_t)bits_get1(me, 1, 5);
    switch (m->tc) {
    case 1: case 2: case 3: case 4:
        es_ident(m, me);
        break;
    case 5: case 6: case 7: case 8:
        modes_es_surface(m, me, ctx);
        break;
    case 9: case 10: case 11: case 12: case 13: case 14: case 15: case 16: case 17: case 18:
    case 20: case 21: case 22:
        modes_es_airborne(m, me, ctx);
        break;
    case 19:
        modes_es_velocity(m, me, ctx);
        break;
    case 28:
        es_aircraft_status(m, me);
        break;
    case 29:
        es_target_state(m, me);
        break;
    case 31:
        es_opstatus(m, me);
        break;
    default:
        break;
    }
}

/* modes_json.c: struct modes_msg as one JSON object, the contract written
 * down in docs/modes-fields.md. Names follow readsb's aircraft.json where it
 * has the field (alt_baro, alt_geom, baro_rate, geom_rate, nav_qnh,
 * nav_altitude_mcp, nac_p, sil_type, ...) and pyModeS elsewhere (icao, df,
 * tc, callsign, cpr_format). An absent field is left out, never null. */
#include <math.h>

#include "common/json.h"
#include "modes/modes_msg.h"

const char *modes_addr_kind_name(uint8_t kind)
{
    static const char *const names[] = {"adsb_icao", "adsb_other", "tisb_icao",
                                        "tisb_other", "adsr_icao", "adsr_other"};
    return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

const char *modes_emergency_name(uint8_t e)
{
    static const char *const names[] = {"none",  "general",  "lifeguard", "minfuel",
                                        "nordo", "unlawful", "downed",    "reserved"};
    return e < 8 ? names[e] : "reserved";
}

static const char *source_name(uint8_t s)
{
    switch (s) {
    case MODES_SRC_SBS: return "sbs";
    case MODES_SRC_IQ: return "iq";
    case MODES_SRC_AVR: return "avr";
    case MODES_SRC_BEAST: return "beast";
    default: return "unknown";
    }
}

static void hex24(struct jw *w, const char *key, uint32_t a)
{
    static const char digits[] = "0123456789abcdef";
    char s[6];
    for (int i = 0; i < 6; i++)
        s[i] = digits[(a >> (20 - 4 * i)) & 0xF];
    jw_key(w, key);
    jw_strn(w, s, 6);
}

/* An integer count of 10^-decimals units as a decimal number, by integer
 * arithmetic: exact, and far cheaper than formatting a double (times are
 * written for every frame). */
static void write_scaled(struct jw *w, const char *key, int64_t v, int decimals)
{
    char tmp[32];
    int n = sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    for (int i = 0; i < decimals; i++) {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    }
    tmp[--n] = '.';
    do {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--n] = '-';
    jw_key(w, key);
    jw_raw(w, tmp + n, sizeof tmp - (size_t)n);
}

static void bds_name(char out[4], uint8_t bds)
{
    static const char digits[] = "0123456789ABCDEF";
    out[0] = digits[bds >> 4];
    out[1] = ',';
    out[2] = digits[bds & 0xF];
    out[3] = '\0';
}

/* GICB capability bits of BDS 1,7 (Doc 9871 table A-2-23), in bit order 1..24. */
static const uint8_t gicb_regs[24] = {
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x20, 0x21, 0x40, 0x41, 0x42, 0x43,
    0x44, 0x45, 0x48, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x5F, 0x60,
};

static void write_commb(struct jw *w, const struct modes_msg *m)
{
    char b[4];
    if (m->bds_ambiguous) {
        jw_kstr(w, "bds", "ambiguous");
        jw_key(w, "bds_candidates");
        jw_arr_begin(w);
        for (unsigned i = 0; i < m->n_bds_candidates; i++) {
            bds_name(b, m->bds_candidates[i]);
            jw_str(w, b);
        }
        jw_arr_end(w);
    } else if (m->bds == MODES_BDS_EMPTY) {
        jw_kstr(w, "bds", "empty");
    } else if (m->bds == MODES_BDS_NONE) {
        jw_kstr(w, "bds", "unknown");
    } else {
        bds_name(b, m->bds);
        jw_kstr(w, "bds", b);
    }
    if (MODES_HAS(m, MODES_F_BDS10)) {
        jw_key(w, "bds10");
        jw_obj_begin(w);
        jw_kint(w, "version", m->bds10.version);
        jw_kbool(w, "ovc", m->bds10.ovc);
        jw_kbool(w, "acas", m->bds10.acas);
        jw_kbool(w, "squitter", m->bds10.squitter);
        jw_kbool(w, "sic", m->bds10.sic);
        jw_kbool(w, "acas_hybrid", m->bds10.acas_hybrid);
        jw_kbool(w, "acas_ra", m->bds10.acas_ra_tcas);
        jw_obj_end(w);
    }
    if (MODES_HAS(m, MODES_F_BDS17)) {
        jw_key(w, "gicb_caps");
        jw_arr_begin(w);
        for (int i = 0; i < 24; i++)
            if ((m->bds17_caps >> (23 - i)) & 1u) {
                bds_name(b, gicb_regs[i]);
                jw_str(w, b);
            }
        jw_arr_end(w);
    }
}

static void write_ra(struct jw *w, const struct modes_acas_ra *ra)
{
    jw_key(w, "acas_ra");
    jw_obj_begin(w);
    jw_kuint(w, "ara", ra->ara);
    jw_kuint(w, "rac", ra->rac);
    jw_kbool(w, "rat", ra->rat);
    jw_kbool(w, "mte", ra->mte);
    jw_kuint(w, "tti", ra->tti);
    if (ra->tti == 1)
        hex24(w, "threat_icao", ra->threat_addr);
    jw_obj_end(w);
}

static void write_nav_modes(struct jw *w, uint8_t ap)
{
    static const char *const names[] = {"autopilot", "vnav", "althold", "approach", "lnav", "tcas"};
    jw_key(w, "nav_modes");
    jw_arr_begin(w);
    for (int i = 0; i < 6; i++)
        if (ap & (1u << i))
            jw_str(w, names[i]);
    jw_arr_end(w);
}

/* Quality, version and ADS-B status fields. */
static void write_quality(struct jw *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_VERSION))
        jw_kuint(w, "version", m->version);
    if (MODES_HAS(m, MODES_F_NUC_P))
        jw_kuint(w, "nuc_p", m->nuc_p);
    if (MODES_HAS(m, MODES_F_NIC))
        jw_kuint(w, "nic", m->nic);
    if (MODES_HAS(m, MODES_F_NAC_P))
        jw_kuint(w, "nac_p", m->nac_p);
    if (MODES_HAS(m, MODES_F_NAC_V))
        jw_kuint(w, "nac_v", m->nac_v);
    if (MODES_HAS(m, MODES_F_SIL)) {
        jw_kuint(w, "sil", m->sil);
        jw_kstr(w, "sil_type", m->sil_per_sample ? "persample" : "perhour");
    }
    if (MODES_HAS(m, MODES_F_SDA))
        jw_kuint(w, "sda", m->sda);
    if (MODES_HAS(m, MODES_F_GVA))
        jw_kuint(w, "gva", m->gva);
    if (MODES_HAS(m, MODES_F_NIC_BARO))
        jw_kuint(w, "nic_baro", m->nic_baro);
}

/* Kinematics: speeds, headings, rates, selections. */
static void write_motion(struct jw *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_GS))
        jw_kfixed(w, "groundspeed", m->gs_kt, 1);
    if (MODES_HAS(m, MODES_F_TRACK))
        jw_kfixed(w, "track", m->track_deg, 2);
    if (MODES_HAS(m, MODES_F_HEADING)) {
        jw_kfixed(w, "heading", m->heading_deg, 2);
        jw_kstr(w, "heading_ref", m->heading_true ? "true" : "magnetic");
    }
    if (MODES_HAS(m, MODES_F_IAS))
        jw_kint(w, "ias", m->ias_kt);
    if (MODES_HAS(m, MODES_F_TAS))
        jw_kint(w, "tas", m->tas_kt);
    if (MODES_HAS(m, MODES_F_MACH))
        jw_kfixed(w, "mach", m->mach, 3);
    if (MODES_HAS(m, MODES_F_BARO_RATE))
        jw_kint(w, "baro_rate", m->baro_rate_fpm);
    if (MODES_HAS(m, MODES_F_GEOM_RATE))
        jw_kint(w, "geom_rate", m->geom_rate_fpm);
    if (MODES_HAS(m, MODES_F_GNSS_DIFF))
        jw_kint(w, "gnss_baro_diff", m->gnss_baro_diff_ft);
    if (MODES_HAS(m, MODES_F_ROLL))
        jw_kfixed(w, "roll", m->roll_deg, 2);
    if (MODES_HAS(m, MODES_F_TRACK_RATE))
        jw_kfixed(w, "track_rate", m->track_rate_dps, 3);
    if (MODES_HAS(m, MODES_F_SEL_ALT_MCP))
        jw_kint(w, "nav_altitude_mcp", m->sel_alt_mcp_ft);
    if (MODES_HAS(m, MODES_F_SEL_ALT_FMS))
        jw_kint(w, "nav_altitude_fms", m->sel_alt_fms_ft);
    if (MODES_HAS(m, MODES_F_QNH))
        jw_kfixed(w, "nav_qnh", m->qnh_hpa, 1);
    if (MODES_HAS(m, MODES_F_SEL_HEADING))
        jw_kfixed(w, "nav_heading", m->sel_heading_deg, 2);
    if (MODES_HAS(m, MODES_F_AP_MODES) || (m->ap_modes & MODES_AP_TCAS))
        write_nav_modes(w, m->ap_modes);
}

static void write_meteo(struct jw *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_WIND)) {
        jw_kfixed(w, "wind_speed", m->wind_speed_kt, 0);
        jw_kfixed(w, "wind_direction", m->wind_dir_deg, 2);
    }
    if (MODES_HAS(m, MODES_F_TEMP))
        jw_kfixed(w, "temperature", m->temp_c, 2);
    if (MODES_HAS(m, MODES_F_PRESSURE))
        jw_kfixed(w, "pressure", m->pressure_hpa, 0);
    if (MODES_HAS(m, MODES_F_HUMIDITY))
        jw_kfixed(w, "humidity", m->humidity_pct, 1);
    if (MODES_HAS(m, MODES_F_TURBULENCE))
        jw_kuint(w, "turbulence", m->turbulence);
}

/* Identity and surveillance fields. */
static void write_surv(struct jw *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_ADDR))
        hex24(w, "icao", m->addr);
    if (m->len)
        jw_kuint(w, "df", m->df);
    if (m->df == 18 || m->addr_kind != MODES_ADDR_ICAO)
        jw_kstr(w, "addr_type", modes_addr_kind_name(m->addr_kind));
    if (m->addr_from_ap)
        jw_kbool(w, "addr_from_ap", true);
    /* Every ME in the ADS-B layout has a type code, 0 included ("no
     * position"); DF18 CF 3, 4 and 7 carry other layouts. */
    bool es = m->df == 17 || (m->df == 18 && (m->cf <= 2 || m->cf == 5 || m->cf == 6));
    if (es)
        jw_kuint(w, "tc", m->tc);
    if (m->st)
        jw_kuint(w, "subtype", m->st);
    if (MODES_HAS(m, MODES_F_CA))
        jw_kuint(w, "ca", m->ca);
    if (MODES_HAS(m, MODES_F_CF))
        jw_kuint(w, "cf", m->cf);
    if (MODES_HAS(m, MODES_F_FS))
        jw_kuint(w, "fs", m->fs);
    if (MODES_HAS(m, MODES_F_VS))
        jw_kuint(w, "vs", m->vs);
    if (MODES_HAS(m, MODES_F_SL))
        jw_kuint(w, "sl", m->sl);
    if (MODES_HAS(m, MODES_F_CC))
        jw_kuint(w, "cc", m->cc);
    if (MODES_HAS(m, MODES_F_RI))
        jw_kuint(w, "ri", m->ri);
    if (m->alert)
        jw_kbool(w, "alert", true);
    if (m->spi)
        jw_kbool(w, "spi", true);
    if (MODES_HAS(m, MODES_F_CALLSIGN))
        jw_kstr(w, "callsign", m->callsign);
    if (MODES_HAS(m, MODES_F_CATEGORY)) {
        char c[3] = {(char)('A' + ((m->category >> 4) - 0xA)), (char)('0' + (m->category & 7)), 0};
        jw_kstr(w, "category", c);
    }
    if (MODES_HAS(m, MODES_F_ALT_BARO)) {
        jw_kint(w, "alt_baro", m->alt_baro_ft);
        if (m->alt_metric)
            jw_kbool(w, "alt_metric", true);
    }
    if (MODES_HAS(m, MODES_F_ALT_GEOM))
        jw_kint(w, "alt_geom", m->alt_geom_ft);
    if (MODES_HAS(m, MODES_F_SQUAWK)) {
        char s[5] = {(char)('0' + m->squawk / 1000), (char)('0' + m->squawk / 100 % 10),
                     (char)('0' + m->squawk / 10 % 10), (char)('0' + m->squawk % 10), 0};
        jw_kstr(w, "squawk", s);
    }
    if (MODES_HAS(m, MODES_F_EMERGENCY))
        jw_kstr(w, "emergency", modes_emergency_name(m->emergency));
    if (MODES_HAS(m, MODES_F_AIRGROUND))
        jw_kbool(w, "on_ground", m->on_ground);
}

static void write_position(struct jw *w, const struct modes_msg *m)
{
    static const char *const kinds[] = {"none", "global", "local_aircraft", "local_receiver", "sbs"};
    if (MODES_HAS(m, MODES_F_CPR)) {
        jw_kuint(w, "cpr_format", m->cpr_odd);
        jw_kuint(w, "cpr_lat", m->cpr_lat);
        jw_kuint(w, "cpr_lon", m->cpr_lon);
    }
    if (MODES_HAS(m, MODES_F_POS)) {
        jw_kfixed(w, "lat", m->lat, 6);
        jw_kfixed(w, "lon", m->lon, 6);
        jw_kstr(w, "pos_decode", kinds[m->pos_kind < 5 ? m->pos_kind : 0]);
    }
}

void modes_write_json(struct buf *out, const struct modes_msg *m)
{
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    write_surv(&w, m);
    write_position(&w, m);
    write_motion(&w, m);
    write_quality(&w, m);
    if (MODES_HAS(m, MODES_F_ACAS_RA))
        write_ra(&w, &m->ra);
    if (m->df == 20 || m->df == 21)
        write_commb(&w, m);
    write_meteo(&w, m);
    if (!isnan(m->signal))
        jw_kfixed(&w, "signal", m->signal, 1);
    if (m->ts12) /* microseconds, rounded half up */
        write_scaled(&w, "timestamp", (int64_t)((m->ts12 + 6) / 12), 6);
    if (m->time_ms != MODES_NO_TIME)
        write_scaled(&w, "time", m->time_ms, 3);
    if (m->len) {
        static const char digits[] = "0123456789abcdef";
        char h[2 * MODES_LONG_BYTES];
        for (unsigned i = 0; i < m->len; i++) {
            h[2 * i] = digits[m->msg[i] >> 4];
            h[2 * i + 1] = digits[m->msg[i] & 0xF];
        }
        jw_key(&w, "hex");
        jw_strn(&w, h, 2u * m->len);
        if (m->corrected_bits)
            jw_kint(&w, "corrected_bits", m->corrected_bits);
    }
    jw_kstr(&w, "source", source_name(m->source));
    jw_obj_end(&w);
}

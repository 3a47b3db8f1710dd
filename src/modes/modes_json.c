/* modes_json.c: struct modes_msg as one JSON object, the contract written
 * down in docs/modes-fields.md. Names follow readsb's aircraft.json where it
 * has the field (alt_baro, alt_geom, baro_rate, geom_rate, nav_qnh,
 * nav_altitude_mcp, nac_p, sil_type, ...) and pyModeS elsewhere (icao, df,
 * tc, callsign, cpr_format). An absent field is left out, never null. */
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "modes/modes_msg.h"

/* A flat writer for this one shape of object, faster than the general
 * common/json.h writer: keys are literals with their quotes and colon
 * prebuilt, and values that can only be ASCII letters, digits and
 * punctuation (hex, names from our own tables) are copied without
 * escaping. `comma` says a value was written at this level; a key clears
 * it so its value takes none. */
struct jo {
    struct buf *b;
    bool comma;
};

static inline void jo_sep(struct jo *w)
{
    if (w->comma)
        buf_putc(w->b, ',');
    w->comma = true;
}

static inline void jo_key_lit(struct jo *w, const char *lit, size_t n)
{
    if (w->comma)
        buf_putc(w->b, ',');
    buf_put(w->b, lit, n);
    w->comma = false;
}

#define jo_key(w, k) jo_key_lit((w), "\"" k "\":", sizeof(k) + 2)

static inline void jo_uint(struct jo *w, uint64_t v)
{
    jo_sep(w);
    buf_u64(w->b, v);
}

static inline void jo_int(struct jo *w, int64_t v)
{
    jo_sep(w);
    buf_i64(w->b, v);
}

static inline void jo_fixed(struct jo *w, double v, int decimals)
{
    jo_sep(w);
    buf_fixed(w->b, v, decimals);
}

static inline void jo_bool(struct jo *w, bool v)
{
    jo_sep(w);
    buf_put(w->b, v ? "true" : "false", v ? 4 : 5);
}

static inline void jo_raw(struct jo *w, const char *s, size_t n)
{
    jo_sep(w);
    buf_put(w->b, s, n);
}

/* A string known to need no escaping. */
static inline void jo_strn(struct jo *w, const char *s, size_t n)
{
    jo_sep(w);
    buf_putc(w->b, '"');
    buf_put(w->b, s, n);
    buf_putc(w->b, '"');
}

static inline void jo_str(struct jo *w, const char *s)
{
    jo_strn(w, s, strlen(s));
}

/* Any text (SBS callsigns come from elsewhere): escaped. */
static inline void jo_text(struct jo *w, const char *s)
{
    jo_sep(w);
    buf_putc(w->b, '"');
    json_escape(w->b, s, strlen(s));
    buf_putc(w->b, '"');
}

static inline void jo_open(struct jo *w, char c)
{
    jo_sep(w);
    buf_putc(w->b, c);
    w->comma = false;
}

static inline void jo_close(struct jo *w, char c)
{
    buf_putc(w->b, c);
    w->comma = true;
}

#define jo_obj_begin(w) jo_open((w), '{')
#define jo_obj_end(w) jo_close((w), '}')
#define jo_arr_begin(w) jo_open((w), '[')
#define jo_arr_end(w) jo_close((w), ']')
#define jo_kstr(w, k, s) (jo_key(w, k), jo_str((w), (s)))
#define jo_kint(w, k, v) (jo_key(w, k), jo_int((w), (v)))
#define jo_kuint(w, k, v) (jo_key(w, k), jo_uint((w), (v)))
#define jo_kfixed(w, k, v, d) (jo_key(w, k), jo_fixed((w), (v), (d)))
#define jo_kbool(w, k, v) (jo_key(w, k), jo_bool((w), (v)))

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

static void hex24(struct jo *w, uint32_t a)
{
    static const char digits[] = "0123456789abcdef";
    char s[6];
    for (int i = 0; i < 6; i++)
        s[i] = digits[(a >> (20 - 4 * i)) & 0xF];
    jo_strn(w, s, 6);
}

/* An integer count of 10^-decimals units as a decimal number, by integer
 * arithmetic: exact, and far cheaper than formatting a double (times are
 * written for every frame). */
static void write_scaled(struct jo *w, int64_t v, int decimals)
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
    jo_raw(w, tmp + n, sizeof tmp - (size_t)n);
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

static void write_commb(struct jo *w, const struct modes_msg *m)
{
    char b[4];
    if (m->bds_ambiguous) {
        jo_kstr(w, "bds", "ambiguous");
        jo_key(w, "bds_candidates");
        jo_arr_begin(w);
        for (unsigned i = 0; i < m->n_bds_candidates; i++) {
            bds_name(b, m->bds_candidates[i]);
            jo_str(w, b);
        }
        jo_arr_end(w);
    } else if (m->bds == MODES_BDS_EMPTY) {
        jo_kstr(w, "bds", "empty");
    } else if (m->bds == MODES_BDS_NONE) {
        jo_kstr(w, "bds", "unknown");
    } else {
        bds_name(b, m->bds);
        jo_kstr(w, "bds", b);
    }
    if (MODES_HAS(m, MODES_F_BDS10)) {
        jo_key(w, "bds10");
        jo_obj_begin(w);
        jo_kint(w, "version", m->bds10.version);
        jo_kbool(w, "ovc", m->bds10.ovc);
        jo_kbool(w, "acas", m->bds10.acas);
        jo_kbool(w, "squitter", m->bds10.squitter);
        jo_kbool(w, "sic", m->bds10.sic);
        jo_kbool(w, "acas_hybrid", m->bds10.acas_hybrid);
        jo_kbool(w, "acas_ra", m->bds10.acas_ra_tcas);
        jo_obj_end(w);
    }
    if (MODES_HAS(m, MODES_F_BDS17)) {
        jo_key(w, "gicb_caps");
        jo_arr_begin(w);
        for (int i = 0; i < 24; i++)
            if ((m->bds17_caps >> (23 - i)) & 1u) {
                bds_name(b, gicb_regs[i]);
                jo_str(w, b);
            }
        jo_arr_end(w);
    }
}

static void write_ra(struct jo *w, const struct modes_acas_ra *ra)
{
    jo_key(w, "acas_ra");
    jo_obj_begin(w);
    jo_kuint(w, "ara", ra->ara);
    jo_kuint(w, "rac", ra->rac);
    jo_kbool(w, "rat", ra->rat);
    jo_kbool(w, "mte", ra->mte);
    jo_kuint(w, "tti", ra->tti);
    if (ra->tti == 1)
        (jo_key(w, "threat_icao"), hex24(w, ra->threat_addr));
    jo_obj_end(w);
}

static void write_nav_modes(struct jo *w, uint8_t ap)
{
    static const char *const names[] = {"autopilot", "vnav", "althold", "approach", "lnav", "tcas"};
    jo_key(w, "nav_modes");
    jo_arr_begin(w);
    for (int i = 0; i < 6; i++)
        if (ap & (1u << i))
            jo_str(w, names[i]);
    jo_arr_end(w);
}

/* Quality, version and ADS-B status fields. */
static void write_quality(struct jo *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_VERSION))
        jo_kuint(w, "version", m->version);
    if (MODES_HAS(m, MODES_F_NUC_P))
        jo_kuint(w, "nuc_p", m->nuc_p);
    if (MODES_HAS(m, MODES_F_NIC))
        jo_kuint(w, "nic", m->nic);
    if (MODES_HAS(m, MODES_F_NAC_P))
        jo_kuint(w, "nac_p", m->nac_p);
    if (MODES_HAS(m, MODES_F_NAC_V))
        jo_kuint(w, "nac_v", m->nac_v);
    if (MODES_HAS(m, MODES_F_SIL)) {
        jo_kuint(w, "sil", m->sil);
        jo_kstr(w, "sil_type", m->sil_per_sample ? "persample" : "perhour");
    }
    if (MODES_HAS(m, MODES_F_SDA))
        jo_kuint(w, "sda", m->sda);
    if (MODES_HAS(m, MODES_F_GVA))
        jo_kuint(w, "gva", m->gva);
    if (MODES_HAS(m, MODES_F_NIC_BARO))
        jo_kuint(w, "nic_baro", m->nic_baro);
}

/* Kinematics: speeds, headings, rates, selections. */
static void write_motion(struct jo *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_GS))
        jo_kfixed(w, "groundspeed", m->gs_kt, 1);
    if (MODES_HAS(m, MODES_F_TRACK))
        jo_kfixed(w, "track", m->track_deg, 2);
    if (MODES_HAS(m, MODES_F_HEADING)) {
        jo_kfixed(w, "heading", m->heading_deg, 2);
        jo_kstr(w, "heading_ref", m->heading_true ? "true" : "magnetic");
    }
    if (MODES_HAS(m, MODES_F_IAS))
        jo_kint(w, "ias", m->ias_kt);
    if (MODES_HAS(m, MODES_F_TAS))
        jo_kint(w, "tas", m->tas_kt);
    if (MODES_HAS(m, MODES_F_MACH))
        jo_kfixed(w, "mach", m->mach, 3);
    if (MODES_HAS(m, MODES_F_BARO_RATE))
        jo_kint(w, "baro_rate", m->baro_rate_fpm);
    if (MODES_HAS(m, MODES_F_GEOM_RATE))
        jo_kint(w, "geom_rate", m->geom_rate_fpm);
    if (MODES_HAS(m, MODES_F_GNSS_DIFF))
        jo_kint(w, "gnss_baro_diff", m->gnss_baro_diff_ft);
    if (MODES_HAS(m, MODES_F_ROLL))
        jo_kfixed(w, "roll", m->roll_deg, 2);
    if (MODES_HAS(m, MODES_F_TRACK_RATE))
        jo_kfixed(w, "track_rate", m->track_rate_dps, 3);
    if (MODES_HAS(m, MODES_F_SEL_ALT_MCP))
        jo_kint(w, "nav_altitude_mcp", m->sel_alt_mcp_ft);
    if (MODES_HAS(m, MODES_F_SEL_ALT_FMS))
        jo_kint(w, "nav_altitude_fms", m->sel_alt_fms_ft);
    if (MODES_HAS(m, MODES_F_QNH))
        jo_kfixed(w, "nav_qnh", m->qnh_hpa, 1);
    if (MODES_HAS(m, MODES_F_SEL_HEADING))
        jo_kfixed(w, "nav_heading", m->sel_heading_deg, 2);
    if (MODES_HAS(m, MODES_F_AP_MODES) || (m->ap_modes & MODES_AP_TCAS))
        write_nav_modes(w, m->ap_modes);
}

static void write_meteo(struct jo *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_WIND)) {
        jo_kfixed(w, "wind_speed", m->wind_speed_kt, 0);
        jo_kfixed(w, "wind_direction", m->wind_dir_deg, 2);
    }
    if (MODES_HAS(m, MODES_F_TEMP))
        jo_kfixed(w, "temperature", m->temp_c, 2);
    if (MODES_HAS(m, MODES_F_PRESSURE))
        jo_kfixed(w, "pressure", m->pressure_hpa, 0);
    if (MODES_HAS(m, MODES_F_HUMIDITY))
        jo_kfixed(w, "humidity", m->humidity_pct, 1);
    if (MODES_HAS(m, MODES_F_TURBULENCE))
        jo_kuint(w, "turbulence", m->turbulence);
}

/* Identity and surveillance fields. */
static void write_surv(struct jo *w, const struct modes_msg *m)
{
    if (MODES_HAS(m, MODES_F_ADDR))
        (jo_key(w, "icao"), hex24(w, m->addr));
    if (m->len)
        jo_kuint(w, "df", m->df);
    if (m->df == 18 || m->addr_kind != MODES_ADDR_ICAO)
        jo_kstr(w, "addr_type", modes_addr_kind_name(m->addr_kind));
    if (m->addr_from_ap)
        jo_kbool(w, "addr_from_ap", true);
    if (m->addr_unverified)
        jo_kbool(w, "address_verified", false);
    /* Every ME in the ADS-B layout has a type code, 0 included ("no
     * position"); DF18 CF 3, 4 and 7 carry other layouts. */
    bool es = m->df == 17 || (m->df == 18 && (m->cf <= 2 || m->cf == 5 || m->cf == 6));
    if (es)
        jo_kuint(w, "tc", m->tc);
    if (m->st)
        jo_kuint(w, "subtype", m->st);
    if (MODES_HAS(m, MODES_F_CA))
        jo_kuint(w, "ca", m->ca);
    if (MODES_HAS(m, MODES_F_CF))
        jo_kuint(w, "cf", m->cf);
    if (MODES_HAS(m, MODES_F_FS))
        jo_kuint(w, "fs", m->fs);
    if (MODES_HAS(m, MODES_F_VS))
        jo_kuint(w, "vs", m->vs);
    if (MODES_HAS(m, MODES_F_SL))
        jo_kuint(w, "sl", m->sl);
    if (MODES_HAS(m, MODES_F_CC))
        jo_kuint(w, "cc", m->cc);
    if (MODES_HAS(m, MODES_F_RI))
        jo_kuint(w, "ri", m->ri);
    if (m->alert)
        jo_kbool(w, "alert", true);
    if (m->spi)
        jo_kbool(w, "spi", true);
    if (MODES_HAS(m, MODES_F_CALLSIGN))
        (jo_key(w, "callsign"), jo_text(w, m->callsign));
    if (MODES_HAS(m, MODES_F_CATEGORY)) {
        char c[3] = {(char)('A' + ((m->category >> 4) - 0xA)), (char)('0' + (m->category & 7)), 0};
        jo_kstr(w, "category", c);
    }
    if (MODES_HAS(m, MODES_F_ALT_BARO)) {
        jo_kint(w, "alt_baro", m->alt_baro_ft);
        if (m->alt_metric)
            jo_kbool(w, "alt_metric", true);
    }
    if (MODES_HAS(m, MODES_F_ALT_GEOM))
        jo_kint(w, "alt_geom", m->alt_geom_ft);
    if (MODES_HAS(m, MODES_F_SQUAWK)) {
        char s[5] = {(char)('0' + m->squawk / 1000), (char)('0' + m->squawk / 100 % 10),
                     (char)('0' + m->squawk / 10 % 10), (char)('0' + m->squawk % 10), 0};
        jo_kstr(w, "squawk", s);
    }
    if (MODES_HAS(m, MODES_F_EMERGENCY))
        jo_kstr(w, "emergency", modes_emergency_name(m->emergency));
    if (MODES_HAS(m, MODES_F_AIRGROUND))
        jo_kbool(w, "on_ground", m->on_ground);
}

static void write_position(struct jo *w, const struct modes_msg *m)
{
    static const char *const kinds[] = {"none", "global", "local_aircraft", "local_receiver", "sbs"};
    if (MODES_HAS(m, MODES_F_CPR)) {
        jo_kuint(w, "cpr_format", m->cpr_odd);
        jo_kuint(w, "cpr_lat", m->cpr_lat);
        jo_kuint(w, "cpr_lon", m->cpr_lon);
    }
    if (MODES_HAS(m, MODES_F_POS)) {
        jo_kfixed(w, "lat", m->lat, 6);
        jo_kfixed(w, "lon", m->lon, 6);
        jo_kstr(w, "pos_decode", kinds[m->pos_kind < 5 ? m->pos_kind : 0]);
    }
}

void modes_write_json(struct buf *out, const struct modes_msg *m)
{
    struct jo w = {out, false};
    buf_reserve(out, 512);
    jo_obj_begin(&w);
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
        jo_kfixed(&w, "signal", m->signal, 1);
    if (m->ts12) /* microseconds, rounded half up */
        (jo_key(&w, "timestamp"), write_scaled(&w, (int64_t)((m->ts12 + 6) / 12), 6));
    if (m->time_ms != MODES_NO_TIME)
        (jo_key(&w, "time"), write_scaled(&w, m->time_ms, 3));
    if (m->len) {
        static const char digits[] = "0123456789abcdef";
        char h[2 * MODES_LONG_BYTES];
        for (unsigned i = 0; i < m->len; i++) {
            h[2 * i] = digits[m->msg[i] >> 4];
            h[2 * i + 1] = digits[m->msg[i] & 0xF];
        }
        jo_key(&w, "hex");
        jo_strn(&w, h, 2u * m->len);
        if (m->corrected_bits)
            jo_kint(&w, "corrected_bits", m->corrected_bits);
    }
    jo_kstr(&w, "source", source_name(m->source));
    jo_obj_end(&w);
}

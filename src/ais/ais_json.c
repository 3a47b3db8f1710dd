/* ais_json.c: struct ais_msg -> one JSON object, gpsd's field names and scaling.
 *
 * Every type is printed straight from its payload bits, one block per type that
 * mirrors the ITU-R M.1371-5 table (offsets as in gpsd's AIVDM.txt). Where we
 * differ from gpsdecode on purpose it is written down in docs/ais-differences.md:
 * 'not available' values are omitted instead of printed as 91/181/102.3/360/511,
 * "turn" is never "nan", area corners of types 22/23 are numbers not strings,
 * and type 24 parts A and B are printed as they arrive (gpsd's split24 form).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/text.h"
#include "common/bits.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/timeparse.h"

struct jctx {
    struct jw w;
    const uint8_t *b;
    unsigned n;     /* payload length in bits */
    bool scaled;
};

#define UB(s, l) ((unsigned)bits_u(c->b, (s), (l)))
#define SB(s, l) ((int)bits_s(c->b, (s), (l)))

static void k_u(struct jctx *c, const char *k, unsigned v) { jw_kuint(&c->w, k, v); }
static void k_i(struct jctx *c, const char *k, int v) { jw_kint(&c->w, k, v); }
static void k_b(struct jctx *c, const char *k, unsigned v) { jw_kbool(&c->w, k, v != 0); }
static void k_s(struct jctx *c, const char *k, const char *s) { jw_kstr(&c->w, k, s); }

/* Field reads. */
static void f_u(struct jctx *c, const char *k, unsigned s, unsigned l) { k_u(c, k, UB(s, l)); }
static void f_b(struct jctx *c, const char *k, unsigned s) { k_b(c, k, UB(s, 1)); }

static void f_text(struct jctx *c, const char *k, unsigned s, unsigned nchars)
{
    char t[200];
    if (nchars > sizeof t - 1)
        nchars = sizeof t - 1;
    ais_text(c->b, c->n, s, nchars, t);
    k_s(c, k, t);
}

/* A value with a scale: raw integer when unscaled, raw/div with `dec` decimals otherwise. */
static void k_scaled(struct jctx *c, const char *k, long raw, double div, int dec)
{
    if (c->scaled)
        jw_kfixed(&c->w, k, raw / div, dec);
    else
        jw_kint(&c->w, k, raw);
}

/* A value stored with an offset (e.g. air temperature in 0.1 degree from -60.0):
 * raw when unscaled, (raw + offset) / div otherwise. */
static void k_offset(struct jctx *c, const char *k, long raw, long offset, double div, int dec)
{
    if (c->scaled)
        jw_kfixed(&c->w, k, (raw + offset) / div, dec);
    else
        jw_kint(&c->w, k, raw);
}

/* lon/lat pair in units of 1/div degree; omitted when either is 'not available'
 * (181 / 91 degrees) or out of range. */
static void k_lonlat(struct jctx *c, const char *klon, const char *klat, int lon, int lat, double div, int dec,
                     bool lat_first)
{
    double dlon = lon / div, dlat = lat / div;
    if (!(dlon >= -180.0 && dlon <= 180.0 && dlat >= -90.0 && dlat <= 90.0))
        return;
    if (lat_first) {
        k_scaled(c, klat, lat, div, dec);
        k_scaled(c, klon, lon, div, dec);
    } else {
        k_scaled(c, klon, lon, div, dec);
        k_scaled(c, klat, lat, div, dec);
    }
}

static void k_enum(struct jctx *c, const char *k, const char *ktext, unsigned v, const char *text)
{
    k_u(c, k, v);
    k_s(c, ktext, text);
}

/* "MM-DDTHH:MMZ" (values are at most 6 bits, so two digits each). */
static void k_date(struct jctx *c, const char *k, unsigned mo, unsigned d, unsigned h, unsigned mi)
{
    struct buf *b = c->w.b;
    jw_key(&c->w, k);
    jw_raw(&c->w, "\"", 1);
    buf_2d(b, mo);
    buf_putc(b, '-');
    buf_2d(b, d);
    buf_putc(b, 'T');
    buf_2d(b, h);
    buf_putc(b, ':');
    buf_2d(b, mi);
    buf_put(b, "Z\"", 2);
}

/* Payload bits from `start` to the end as gpsd's "data":"<bits>:<hex>". */
static void k_data(struct jctx *c, unsigned start)
{
    unsigned nb = c->n > start ? c->n - start : 0;
    uint8_t tmp[AIS_MAX_PAYLOAD_BITS / 8];
    unsigned nbytes = (nb + 7) / 8;
    for (unsigned i = 0; i < nbytes; i++) {
        unsigned take = nb - 8 * i >= 8 ? 8 : nb - 8 * i;
        tmp[i] = (uint8_t)(UB(start + 8 * i, take) << (8 - take));
    }
    struct buf *b = c->w.b;
    jw_key(&c->w, "data");
    jw_raw(&c->w, "\"", 1);
    buf_u64(b, nb);
    buf_putc(b, ':');
    buf_hex(b, tmp, nbytes, 0);
    buf_putc(b, '"');
}

static void dims(struct jctx *c, unsigned s)
{
    unsigned v[4] = {UB(s, 9), UB(s + 9, 9), UB(s + 18, 6), UB(s + 24, 6)};
    static const char *const k[4] = {"to_bow", "to_stern", "to_port", "to_starboard"};
    /* All four zero means 'not available' (ITU-R M.1371-5 fig. 42); a single zero is a real 0 m. */
    if (!(v[0] | v[1] | v[2] | v[3]))
        return;
    for (int i = 0; i < 4; i++)
        k_u(c, k[i], v[i]);
}

static void shiptype(struct jctx *c, unsigned t)
{
    if (t == 0)
        return; /* 'not available' */
    k_enum(c, "shiptype", "shiptype_text", t, ais_ship_type_text(t));
}

static void epfd(struct jctx *c, unsigned s)
{
    unsigned v = UB(s, 4);
    k_enum(c, "epfd", "epfd_text", v, ais_epfd_text(v));
}

static void speed_dkn(struct jctx *c, unsigned raw)
{
    if (raw != 1023)
        k_scaled(c, "speed", raw, 10.0, 1);
}

static void course_ddeg(struct jctx *c, unsigned raw)
{
    if (raw < 3600)
        k_scaled(c, "course", raw, 10.0, 1);
}

static void heading(struct jctx *c, unsigned raw)
{
    if (raw < 360)
        k_u(c, "heading", raw);
}

static void second(struct jctx *c, unsigned s)
{
    /* 60 = not available; 61-63 are meaningful codes (manual, dead reckoning, inoperative). */
    unsigned v = UB(s, 6);
    if (v != 60)
        k_u(c, "second", v);
}

/* ROT: gpsd's rule (ITU-R M.1371-5: ROT_AIS = 4.733 sqrt(ROT deg/min)): "fastleft"/
 * "fastright" for -127/127 (turning faster than 5 deg/30 s, no indicator), else
 * the signed square of ROT_AIS/4.733 in whole degrees per minute. -128 is omitted. */
static void turn(struct jctx *c, int raw)
{
    if (raw == -128)
        return;
    if (!c->scaled) {
        k_i(c, "turn", raw);
        return;
    }
    if (raw == -127 || raw == 127) {
        k_s(c, "turn", raw < 0 ? "fastleft" : "fastright");
        return;
    }
    double r = raw / 4.733;
    r *= r;
    if (raw < 0)
        r = -r;
    jw_key(&c->w, "turn");
    jw_fixed(&c->w, r, 0);
}

static void t_position_a(struct jctx *c)
{
    unsigned st = UB(38, 4);
    if (st != 15)
        k_enum(c, "status", "status_text", st, ais_nav_status_text(st));
    turn(c, SB(42, 8));
    speed_dkn(c, UB(50, 10));
    f_b(c, "accuracy", 60);
    k_lonlat(c, "lon", "lat", SB(61, 28), SB(89, 27), 600000.0, 6, false);
    course_ddeg(c, UB(116, 12));
    heading(c, UB(128, 9));
    second(c, 137);
    f_u(c, "maneuver", 143, 2);
    /* spare 145-147 */
    f_b(c, "raim", 148);
    f_u(c, "radio", 149, 19);
}

static void t_base(struct jctx *c)
{
    unsigned y = UB(38, 14), mo = UB(52, 4), d = UB(56, 5), h = UB(61, 5), mi = UB(66, 6), s = UB(72, 6);
    if (y || mo || d || h != 24 || mi != 60 || s != 60) {
        struct buf *b = c->w.b;
        jw_key(&c->w, "timestamp");
        jw_raw(&c->w, "\"", 1);
        if (y < 10000) { /* gpsd's %04u; the field is 14 bits, so up to 16383 */
            buf_2d(b, y / 100);
            buf_2d(b, y);
        } else {
            buf_u64(b, y);
        }
        buf_putc(b, '-');
        buf_2d(b, mo);
        buf_putc(b, '-');
        buf_2d(b, d);
        buf_putc(b, 'T');
        buf_2d(b, h);
        buf_putc(b, ':');
        buf_2d(b, mi);
        buf_putc(b, ':');
        buf_2d(b, s);
        buf_put(b, "Z\"", 2);
    }
    f_b(c, "accuracy", 78);
    k_lonlat(c, "lon", "lat", SB(79, 28), SB(107, 27), 600000.0, 6, false);
    epfd(c, 134);
    /* spare 138-147 */
    f_b(c, "raim", 148);
    f_u(c, "radio", 149, 19);
}

static void t_static_voyage(struct jctx *c)
{
    unsigned imo = UB(40, 30);
    if (imo)
        k_u(c, "imo", imo);
    f_u(c, "ais_version", 38, 2);
    f_text(c, "callsign", 70, 7);
    f_text(c, "shipname", 112, 20);
    shiptype(c, UB(232, 8));
    dims(c, 240);
    epfd(c, 270);
    unsigned mo = UB(274, 4), d = UB(278, 5), h = UB(283, 5), mi = UB(288, 6);
    if (mo || d || h != 24 || mi != 60)
        k_date(c, "eta", mo, d, h, mi);
    unsigned dr = UB(294, 8);
    if (dr)
        k_scaled(c, "draught", dr, 10.0, 1);
    f_text(c, "destination", 302, 20);
    f_u(c, "dte", 422, 1);
}

/* --- binary application messages (types 6 and 8), offsets relative to the data start --- */

static void app_dac1_fid12(struct jctx *c, unsigned o) /* IMO 236: dangerous cargo indication */
{
    f_text(c, "lastport", o + 0, 5);
    k_date(c, "departure", UB(o + 30, 4), UB(o + 34, 5), UB(o + 39, 5), UB(o + 44, 6));
    f_text(c, "nextport", o + 50, 5);
    k_date(c, "eta", UB(o + 80, 4), UB(o + 84, 5), UB(o + 89, 5), UB(o + 94, 6));
    f_text(c, "dangerous", o + 100, 20);
    f_text(c, "imdcat", o + 220, 4);
    f_u(c, "unid", o + 244, 13);
    f_u(c, "amount", o + 257, 10);
    f_u(c, "unit", o + 267, 2);
}

/* Tidal windows: IMO 236 (FI 14: lat first, 27+28 bits, 7-bit speed) and
 * IMO 289 (FI 32: lon first, 25+24 bits, 8-bit speed). */
static void app_tidal(struct jctx *c, unsigned o, bool imo236)
{
    unsigned w = imo236 ? 93 : 88;
    f_u(c, "month", o, 4);
    f_u(c, "day", o + 4, 5);
    jw_key(&c->w, "tidals");
    jw_arr_begin(&c->w);
    /* As gpsd: a window that starts inside the payload is printed, its missing tail read as zeros. */
    for (unsigned i = 0, s = o + 9; i < 3 && s < c->n; i++, s += w) {
        int lat, lon;
        unsigned p;
        if (imo236) {
            lat = SB(s, 27);
            lon = SB(s + 27, 28);
            p = s + 55;
        } else {
            lon = SB(s, 25);
            lat = SB(s + 25, 24);
            p = s + 49;
        }
        jw_obj_begin(&c->w);
        /* gpsd prints these unconditionally (they are often garbage in the wild). */
        k_scaled(c, "lon", lon, 60000.0, 4);
        k_scaled(c, "lat", lat, 60000.0, 4);
        f_u(c, "from_hour", p, 5);
        f_u(c, "from_min", p + 5, 6);
        f_u(c, "to_hour", p + 11, 5);
        f_u(c, "to_min", p + 16, 6);
        f_u(c, "cdir", p + 22, 9);
        k_scaled(c, "cspeed", UB(p + 31, imo236 ? 7 : 8), 10.0, 1);
        jw_obj_end(&c->w);
    }
    jw_arr_end(&c->w);
}

static void app_dac1_fid18(struct jctx *c, unsigned o) /* IMO 289: clearance time to enter port */
{
    f_u(c, "linkage", o, 10);
    k_date(c, "arrival", UB(o + 10, 4), UB(o + 14, 5), UB(o + 19, 5), UB(o + 24, 6));
    f_text(c, "portname", o + 30, 20);
    f_text(c, "destination", o + 150, 5);
    k_scaled(c, "lon", SB(o + 180, 25), 60000.0, 4);
    k_scaled(c, "lat", SB(o + 205, 24), 60000.0, 4);
}

static void app_dac1_fid30(struct jctx *c, unsigned o) /* IMO 289: text description */
{
    f_u(c, "linkage", o, 10);
    unsigned chars = c->n > o + 10 ? (c->n - o - 10) / 6 : 0;
    f_text(c, "text", o + 10, chars);
}

static void app_dac235_fid10(struct jctx *c, unsigned o) /* UK/ROI AtoN monitoring */
{
    static const char *const racon[] = {"No RACON installed", "RACON not monitored", "RACON operational",
                                        "RACON ERROR"};
    static const char *const light[] = {"No light or no monitoring", "Light ON", "Light OFF", "Light ERROR"};
    f_b(c, "off_pos", o + 43);
    f_b(c, "alarm", o + 34);
    f_u(c, "stat_ext", o + 35, 8);
    k_scaled(c, "ana_int", UB(o, 10), 20.0, 2); /* 0.05 V */
    k_scaled(c, "ana_ext1", UB(o + 10, 10), 20.0, 2);
    k_scaled(c, "ana_ext2", UB(o + 20, 10), 20.0, 2);
    k_enum(c, "racon", "racon_text", UB(o + 30, 2), racon[UB(o + 30, 2)]);
    k_enum(c, "light", "light_text", UB(o + 32, 2), light[UB(o + 32, 2)]);
}

/* Meteorological and hydrographic data, IMO 236 (DAC 1 FI 11) and IMO 289 (FI 31).
 * Each value has its own 'not available' code in the circular; those are omitted. */
struct met_layout {
    unsigned short lat, lon, day, wspeed, airtemp, humidity, dewpoint, pressure, ptend, vis, wlevel, ltrend,
        cspeed, waves, watertemp, precip, salinity, ice;
    unsigned char lat_w, lon_w, airtemp_w, dewpoint_w, vis_w, wlevel_w;
};

static void met_trend(struct jctx *c, const char *k, unsigned v, bool imo289)
{
    /* IMO 236 as gpsd reads it (checked against the Kanaton decoder in gpsd's
     * sample); IMO 289 swapped 1 and 2 (SN.1/Circ.289 table). 3 is 'not available'. */
    static const char *const t236[] = {"steady", "increasing", "decreasing", "N/A"};
    static const char *const t289[] = {"steady", "decreasing", "increasing", "N/A"};
    if (v == 3)
        return;
    if (c->scaled)
        k_s(c, k, imo289 ? t289[v & 3] : t236[v & 3]);
    else
        k_u(c, k, v);
}

static void met_current(struct jctx *c, unsigned s, const char *ks, const char *kd, const char *kdep)
{
    unsigned sp = UB(s, 8), dir = UB(s + 8, 9);
    if (sp != 255)
        k_scaled(c, ks, sp, 10.0, 1);
    if (dir < 360)
        k_u(c, kd, dir);
    if (kdep) {
        unsigned dep = UB(s + 17, 5);
        if (dep != 31)
            k_u(c, kdep, dep);
    }
}

static void app_met(struct jctx *c, unsigned o, bool imo289)
{
    /* IMO 289 moved lon first and added accuracy and the visibility flag. */
    unsigned p; /* bit cursor after the position */
    if (imo289) {
        k_lonlat(c, "lon", "lat", SB(o, 25), SB(o + 25, 24), 60000.0, 4, true);
        f_b(c, "accuracy", o + 49);
        p = o + 50;
    } else {
        k_lonlat(c, "lon", "lat", SB(o + 24, 25), SB(o, 24), 60000.0, 4, true);
        p = o + 49;
    }
    unsigned day = UB(p, 5), hour = UB(p + 5, 5), min = UB(p + 10, 6);
    if (day && hour < 24 && min < 60) {
        char t[24];
        snprintf(t, sizeof t, "%02uT%02u:%02uZ", day, hour, min);
        k_s(c, "timestamp", t);
    }
    p += 16;
    unsigned ws = UB(p, 7), wg = UB(p + 7, 7), wd = UB(p + 14, 9), wgd = UB(p + 23, 9);
    if (ws < 127) k_u(c, "wspeed", ws);
    if (wg < 127) k_u(c, "wgust", wg);
    if (wd < 360) k_u(c, "wdir", wd);
    if (wgd < 360) k_u(c, "wgustdir", wgd);
    p += 32;
    int airtemp, dewpoint;
    unsigned hum, pres, pt;
    if (imo289) {
        airtemp = SB(p, 11);
        hum = UB(p + 11, 7);
        dewpoint = SB(p + 18, 10);
        pres = UB(p + 28, 9);
        pt = UB(p + 37, 2);
        if (airtemp != -1024) k_scaled(c, "airtemp", airtemp, 10.0, 1);
        if (hum <= 100) k_u(c, "humidity", hum);
        if (dewpoint != 501) k_scaled(c, "dewpoint", dewpoint, 10.0, 1);
        if (pres <= 402) k_u(c, "pressure", c->scaled ? pres + 799 : pres); /* 511 n/a, 403-510 reserved */
        met_trend(c, "pressuretend", pt, true);
        f_b(c, "visgreater", p + 39);
        unsigned vis = UB(p + 40, 7);
        if (vis != 127) k_scaled(c, "visibility", vis, 10.0, 1);
        unsigned wl = UB(p + 47, 12);
        if (wl != 4001) k_offset(c, "waterlevel", wl, -1000, 100.0, 1);
        met_trend(c, "leveltrend", UB(p + 59, 2), true);
        p += 61;
    } else {
        /* IMO 236 offsets: air temperature (raw/10 - 60), dew point (raw/10 - 20), pressure raw+800. */
        airtemp = (int)UB(p, 11);
        hum = UB(p + 11, 7);
        dewpoint = (int)UB(p + 18, 10);
        pres = UB(p + 28, 9);
        pt = UB(p + 37, 2);
        if (airtemp != 2047) k_offset(c, "airtemp", airtemp, -600, 10.0, 1);
        if (hum <= 100) k_u(c, "humidity", hum);
        if (dewpoint != 1023) k_offset(c, "dewpoint", dewpoint, -200, 10.0, 1);
        if (pres != 511) k_u(c, "pressure", c->scaled ? pres + 800 : pres);
        met_trend(c, "pressuretend", pt, false);
        unsigned vis = UB(p + 39, 8);
        if (vis != 255) k_scaled(c, "visibility", vis, 10.0, 1);
        unsigned wl = UB(p + 47, 9);
        if (wl != 511) k_offset(c, "waterlevel", wl, -100, 10.0, 1);
        met_trend(c, "leveltrend", UB(p + 56, 2), false);
        p += 58;
    }
    met_current(c, p, "cspeed", "cdir", NULL);
    met_current(c, p + 17, "cspeed2", "cdir2", "cdepth2");
    met_current(c, p + 39, "cspeed3", "cdir3", "cdepth3");
    p += 61;
    static const char *const kh[2] = {"waveheight", "swellheight"};
    static const char *const kp[2] = {"waveperiod", "swellperiod"};
    static const char *const kdir[2] = {"wavedir", "swelldir"};
    for (int i = 0; i < 2; i++, p += 23) {
        unsigned h = UB(p, 8), per = UB(p + 8, 6), dir = UB(p + 14, 9);
        if (h != 255) k_scaled(c, kh[i], h, 10.0, 1);
        if (per != 63) k_u(c, kp[i], per);
        if (dir < 360) k_u(c, kdir[i], dir);
    }
    unsigned ss = UB(p, 4);
    if (ss <= 12) k_u(c, "seastate", ss);
    p += 4;
    if (imo289) {
        int wt = SB(p, 10);
        if (wt != 501) k_scaled(c, "watertemp", wt, 10.0, 1);
    } else {
        unsigned wt = UB(p, 10);
        if (wt != 1023) k_offset(c, "watertemp", wt, -100, 10.0, 1);
    }
    p += 10;
    static const char *const precip236[] = {"reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice",
                                            "snow", "reserved", "N/A"};
    static const char *const precip289[] = {"reserved", "rain", "thunderstorm", "freezing rain", "mixed/ice",
                                            "snow", "reserved", "N/A"};
    unsigned pr = UB(p, 3);
    if (imo289) {
        if (pr != 7) {
            if (c->scaled) k_s(c, "preciptype", precip289[pr]);
            else k_u(c, "preciptype", pr);
        }
    } else if (pr != 7) {
        k_enum(c, "preciptype", "preciptype_text", pr, precip236[pr]);
    }
    unsigned sal = UB(p + 3, 9);
    if (sal < 510) k_scaled(c, "salinity", sal, 10.0, 1);
    static const char *const ice[] = {"no", "yes", "reserved", "N/A"};
    unsigned ic = UB(p + 12, 2);
    if (imo289) {
        if (ic != 3) {
            if (c->scaled) k_s(c, "ice", ice[ic]);
            else k_u(c, "ice", ic);
        }
    } else if (ic != 3) {
        k_enum(c, "ice", "ice_text", ic, ice[ic]);
    }
}

static void app_dac200_fid10(struct jctx *c, unsigned o) /* Inland ship static and voyage data */
{
    static const char *const hazard[] = {"0 blue cones/lights", "1 blue cone/light", "2 blue cones/lights",
                                         "3 blue cones/lights", "4 B-Flag", "Unknown",
                                         "INVALID HAZARD TYPE", "INVALID HAZARD TYPE"};
    static const char *const loaded[] = {"N/A (default)", "Unloaded", "Loaded", "Not Available"};
    f_text(c, "vin", o, 8);
    f_u(c, "length", o + 48, 13);
    f_u(c, "beam", o + 61, 10);
    unsigned st = UB(o + 71, 14);
    k_enum(c, "shiptype", "shiptype_text", st, ais_eri_ship_type_text(st));
    k_enum(c, "hazard", "hazard_text", UB(o + 85, 3), hazard[UB(o + 85, 3)]);
    f_u(c, "draught", o + 88, 11);
    k_enum(c, "loaded", "loaded_text", UB(o + 99, 2), loaded[UB(o + 99, 2)]);
    f_b(c, "speed_q", o + 101);
    f_b(c, "course_q", o + 102);
    f_b(c, "heading_q", o + 103);
}

static void app_dac200_fid55(struct jctx *c, unsigned o) /* Inland: number of persons on board */
{
    unsigned crew = UB(o, 8), pax = UB(o + 8, 13), pers = UB(o + 21, 8);
    /* 255 / 8191 are 'not available' (CCNR inland AIS standard). */
    if (crew != 255) k_u(c, "crew", crew);
    if (pax != 8191) k_u(c, "passengers", pax);
    if (pers != 255) k_u(c, "personnel", pers);
}

/* Returns true when the application message was printed field by field. The
 * length checks are gpsd's: a message of another length is printed as data. */
static bool app_message(struct jctx *c, unsigned type, unsigned dac, unsigned fid, unsigned o)
{
    unsigned len = c->n - o;
    if (type == 6 && dac == 1) {
        switch (fid) {
        case 12: app_dac1_fid12(c, o); return true;
        case 14: app_tidal(c, o, true); return true;
        case 18: app_dac1_fid18(c, o); return true;
        case 30: app_dac1_fid30(c, o); return true;
        case 32: app_tidal(c, o, false); return true;
        }
    }
    if (type == 6 && dac == 200 && fid == 55 && len >= 29) {
        app_dac200_fid55(c, o);
        return true;
    }
    if (type == 6 && dac == 235 && fid == 10 && len >= 47) {
        app_dac235_fid10(c, o);
        return true;
    }
    if (type == 8 && dac == 1 && fid == 11 && len >= 290) {
        app_met(c, o, false);
        return true;
    }
    if (type == 8 && dac == 1 && fid == 31 && len >= 294) {
        app_met(c, o, true);
        return true;
    }
    if (type == 8 && dac == 200 && fid == 10 && len >= 104 && len <= 112) {
        app_dac200_fid10(c, o);
        return true;
    }
    return false;
}

static void t_binary_addressed(struct jctx *c) /* type 6 */
{
    f_u(c, "seqno", 38, 2);
    f_u(c, "dest_mmsi", 40, 30);
    f_b(c, "retransmit", 70);
    unsigned dac = UB(72, 10), fid = UB(82, 6);
    k_u(c, "dac", dac);
    k_u(c, "fid", fid);
    if (!app_message(c, 6, dac, fid, 88))
        k_data(c, 88);
}

static void t_binary_broadcast(struct jctx *c) /* type 8 */
{
    unsigned dac = UB(40, 10), fid = UB(50, 6);
    k_u(c, "dac", dac);
    k_u(c, "fid", fid);
    if (!app_message(c, 8, dac, fid, 56))
        k_data(c, 56);
}

static void t_ack(struct jctx *c) /* types 7 and 13: up to four acknowledged MMSIs */
{
    static const char *const k[4] = {"mmsi1", "mmsi2", "mmsi3", "mmsi4"};
    for (unsigned i = 0; i < 4; i++)
        k_u(c, k[i], 40 + 32 * i < c->n ? UB(40 + 32 * i, 30) : 0); /* a cut last MMSI reads as zero-padded, as gpsd */
}

static void t_sar(struct jctx *c) /* type 9 */
{
    unsigned alt = UB(38, 12), sp = UB(50, 10);
    if (alt != 4095) {
        if (c->scaled && alt == 4094)
            k_s(c, "alt", "high");
        else
            k_u(c, "alt", alt);
    }
    if (sp != 1023) {
        if (c->scaled && sp == 1022)
            k_s(c, "speed", "fast");
        else
            k_u(c, "speed", sp);
    }
    f_b(c, "accuracy", 60);
    k_lonlat(c, "lon", "lat", SB(61, 28), SB(89, 27), 600000.0, 6, false);
    course_ddeg(c, UB(116, 12));
    second(c, 128);
    f_u(c, "regional", 134, 8);
    f_u(c, "dte", 142, 1);
    f_b(c, "raim", 147);
    f_u(c, "radio", 148, 20);
}

static void t_safety(struct jctx *c, unsigned start) /* types 12 (addressed) and 14 (broadcast) text */
{
    unsigned chars = c->n > start ? (c->n - start) / 6 : 0;
    f_text(c, "text", start, chars);
}

static void t_interrogation(struct jctx *c) /* type 15 */
{
    f_u(c, "mmsi1", 40, 30);
    f_u(c, "type1_1", 70, 6);
    f_u(c, "offset1_1", 76, 12);
    /* As gpsd: a request that starts inside the payload is printed (its cut tail reads as zeros). */
    bool second = c->n > 90, third = c->n > 110;
    k_u(c, "type1_2", second ? UB(90, 6) : 0);
    k_u(c, "offset1_2", second ? UB(96, 12) : 0);
    k_u(c, "mmsi2", third ? UB(110, 30) : 0);
    k_u(c, "type2_1", third ? UB(140, 6) : 0);
    k_u(c, "offset2_1", third ? UB(146, 12) : 0);
}

static void t_assignment(struct jctx *c) /* type 16 */
{
    bool two = c->n >= 144;
    f_u(c, "mmsi1", 40, 30);
    f_u(c, "offset1", 70, 12);
    f_u(c, "increment1", 82, 10);
    k_u(c, "mmsi2", two ? UB(92, 30) : 0);
    k_u(c, "offset2", two ? UB(122, 12) : 0);
    k_u(c, "increment2", two ? UB(134, 10) : 0);
}

static void t_dgnss(struct jctx *c) /* type 17: 1/10 minute position, then the RTCM payload */
{
    /* 1/10 minute resolution is 0.0017 degree: 4 decimals (gpsd prints 1 and loses it). */
    k_lonlat(c, "lon", "lat", SB(40, 18), SB(58, 17), 600.0, 4, false);
    k_data(c, 80);
}

static void t_position_b(struct jctx *c, bool extended) /* types 18 and 19 */
{
    f_u(c, "reserved", 38, 8);
    speed_dkn(c, UB(46, 10));
    f_b(c, "accuracy", 56);
    k_lonlat(c, "lon", "lat", SB(57, 28), SB(85, 27), 600000.0, 6, false);
    course_ddeg(c, UB(112, 12));
    heading(c, UB(124, 9));
    second(c, 133);
    f_u(c, "regional", 139, extended ? 4 : 2);
    if (!extended) {
        f_b(c, "cs", 141);
        f_b(c, "display", 142);
        f_b(c, "dsc", 143);
        f_b(c, "band", 144);
        f_b(c, "msg22", 145);
        f_b(c, "assigned", 146);
        f_b(c, "raim", 147);
        f_u(c, "radio", 148, 20);
        return;
    }
    f_text(c, "shipname", 143, 20);
    shiptype(c, UB(263, 8));
    dims(c, 271);
    epfd(c, 301);
    f_b(c, "raim", 305);
    f_u(c, "dte", 306, 1);
    f_b(c, "assigned", 307);
}

static void t_slot_mgmt(struct jctx *c) /* type 20: up to four reservations of 30 bits */
{
    static const char *const k[4][4] = {{"offset1", "number1", "timeout1", "increment1"},
                                        {"offset2", "number2", "timeout2", "increment2"},
                                        {"offset3", "number3", "timeout3", "increment3"},
                                        {"offset4", "number4", "timeout4", "increment4"}};
    for (unsigned i = 0; i < 4; i++) {
        unsigned s = 40 + 30 * i;
        bool have = s < c->n; /* gpsd prints a reservation that starts inside the payload */
        k_u(c, k[i][0], have ? UB(s, 12) : 0);
        k_u(c, k[i][1], have ? UB(s + 12, 4) : 0);
        k_u(c, k[i][2], have ? UB(s + 16, 3) : 0);
        k_u(c, k[i][3], have ? UB(s + 19, 11) : 0);
    }
}

static void t_aton(struct jctx *c) /* type 21 */
{
    char name[40];
    unsigned at = UB(38, 5);
    k_enum(c, "aid_type", "aid_type_text", at, ais_aid_type_text(at));
    size_t n = ais_text(c->b, c->n, 43, 20, name);
    if (n == 20 && c->n > 272) {
        unsigned extra = (c->n - 272) / 6;
        ais_text(c->b, c->n, 272, extra > 14 ? 14 : extra, name + 20);
    }
    k_s(c, "name", name);
    k_lonlat(c, "lon", "lat", SB(164, 28), SB(192, 27), 600000.0, 6, false);
    f_b(c, "accuracy", 163);
    dims(c, 219);
    epfd(c, 249);
    second(c, 253);
    f_u(c, "regional", 260, 8);
    f_b(c, "off_position", 259);
    f_b(c, "raim", 268);
    f_b(c, "virtual_aid", 269);
}

/* Types 22/23 carry area corners in 1/10 minute; gpsd prints them as strings,
 * we print numbers (a deliberate difference). */
static void corners(struct jctx *c, unsigned s)
{
    k_scaled(c, "ne_lon", SB(s, 18), 600.0, 6);
    k_scaled(c, "ne_lat", SB(s + 18, 17), 600.0, 6);
    k_scaled(c, "sw_lon", SB(s + 35, 18), 600.0, 6);
    k_scaled(c, "sw_lat", SB(s + 53, 17), 600.0, 6);
}

static void t_channel_mgmt(struct jctx *c) /* type 22 */
{
    f_u(c, "channel_a", 40, 12);
    f_u(c, "channel_b", 52, 12);
    f_u(c, "txrx", 64, 4);
    f_b(c, "power", 68);
    bool addressed = UB(139, 1);
    if (addressed) {
        f_u(c, "dest1", 69, 30);
        f_u(c, "dest2", 104, 30);
    } else {
        corners(c, 69);
    }
    k_b(c, "addressed", addressed);
    f_b(c, "band_a", 140);
    f_b(c, "band_b", 141);
    f_u(c, "zonesize", 142, 3);
}

static void t_group_assignment(struct jctx *c) /* type 23 */
{
    corners(c, 40);
    unsigned st = UB(110, 4), sht = UB(114, 8);
    k_enum(c, "stationtype", "stationtype_text", st, ais_station_type_text(st));
    k_enum(c, "shiptype", "shiptype_text", sht, ais_ship_type_text(sht));
    f_u(c, "txrx", 144, 2);
    f_u(c, "interval", 146, 4);
    f_u(c, "quiet", 150, 4);
}

static void t_static_b(struct jctx *c, const struct ais_msg *m) /* type 24, parts A and B */
{
    if (m->part == 0) {
        k_s(c, "part", "A");
        f_text(c, "shipname", 40, 20);
        return;
    }
    k_s(c, "part", "B");
    shiptype(c, UB(40, 8));
    f_text(c, "vendorid", 48, 7); /* 3-char vendor + model + serial as gpsd prints it */
    f_u(c, "model", 66, 4);
    f_u(c, "serial", 70, 20);
    f_text(c, "callsign", 90, 7);
    if (m->mmsi / 10000000 == 98)
        f_u(c, "mothership_mmsi", 132, 30);
    else
        dims(c, 132);
}

static void t_binary_slot(struct jctx *c, bool multislot) /* types 25 and 26 */
{
    bool addressed = UB(38, 1), structured = UB(39, 1);
    unsigned p = 40;
    k_b(c, "addressed", addressed);
    k_b(c, "structured", structured);
    if (addressed) {
        f_u(c, "dest_mmsi", p, 30);
        p += 30;
    }
    if (structured) {
        f_u(c, "app_id", p, 16);
        p += 16;
    }
    unsigned n = c->n;
    if (multislot) {
        /* Type 26 ends with a 20-bit radio status (1-bit selector + 19 bits);
         * ais_decode() guarantees it is there. */
        c->n = n - 20;
        k_data(c, p);
        c->n = n;
        k_u(c, "radio", UB(n - 20, 20));
    } else {
        k_data(c, p);
    }
}

static void t_long_range(struct jctx *c) /* type 27 */
{
    unsigned st = UB(40, 4), sp = UB(79, 6), co = UB(85, 9);
    f_b(c, "accuracy", 38);
    f_b(c, "raim", 39);
    /* The code and its legend, as for types 1-3 (gpsd prints only the
     * legend here when scaling: docs/ais-differences.md). */
    if (st != 15)
        k_enum(c, "status", "status_text", st, ais_nav_status_text(st));
    k_lonlat(c, "lon", "lat", SB(44, 18), SB(62, 17), 600.0, 4, false); /* 4 decimals: see type 17 */
    if (sp != 63)
        k_u(c, "speed", sp);
    if (co != 511)
        k_u(c, "course", co);
    f_b(c, "gnss", 94);
}

static void iso8601_ms(struct buf *b, int64_t ms)
{
    char t[32];
    size_t n = time_iso_ms(ms, true, t, sizeof t);
    buf_putc(b, '"');
    buf_put(b, t, n);
    buf_putc(b, '"');
}

void ais_write_json(struct buf *out, const struct ais_msg *m, const struct ais_meta *meta, unsigned flags)
{
    struct jctx cx = {.b = m->bits, .n = m->nbits, .scaled = !(flags & AIS_OUT_UNSCALED)};
    struct jctx *c = &cx;
    jw_init(&c->w, out);
    jw_obj_begin(&c->w);
    k_s(c, "class", "AIS");
    if (meta) {
        if (meta->time_ms != AIS_NO_TIME) {
            jw_key(&c->w, "time");
            jw_raw(&c->w, "", 0);
            iso8601_ms(out, meta->time_ms);
        }
        if (meta->source[0])
            k_s(c, "source", meta->source);
        if (meta->channel) {
            char ch[2] = {meta->channel, 0};
            k_s(c, "channel", ch);
        }
    }
    k_u(c, "type", m->type);
    k_u(c, "repeat", m->repeat);
    k_u(c, "mmsi", m->mmsi);
    k_b(c, "scaled", c->scaled);
    switch (m->type) {
    case 1: case 2: case 3: t_position_a(c); break;
    case 4: case 11: t_base(c); break;
    case 5: t_static_voyage(c); break;
    case 6: t_binary_addressed(c); break;
    case 7: case 13: t_ack(c); break;
    case 8: t_binary_broadcast(c); break;
    case 9: t_sar(c); break;
    case 10: f_u(c, "dest_mmsi", 40, 30); break;
    case 12:
        f_u(c, "seqno", 38, 2);
        f_u(c, "dest_mmsi", 40, 30);
        f_b(c, "retransmit", 70);
        t_safety(c, 72);
        break;
    case 14: t_safety(c, 40); break;
    case 15: t_interrogation(c); break;
    case 16: t_assignment(c); break;
    case 17: t_dgnss(c); break;
    case 18: t_position_b(c, false); break;
    case 19: t_position_b(c, true); break;
    case 20: t_slot_mgmt(c); break;
    case 21: t_aton(c); break;
    case 22: t_channel_mgmt(c); break;
    case 23: t_group_assignment(c); break;
    case 24: t_static_b(c, m); break;
    case 25: t_binary_slot(c, false); break;
    case 26: t_binary_slot(c, true); break;
    case 27: t_long_range(c); break;
    }
    jw_obj_end(&c->w);
}

/* sbs.c: SBS/BaseStation CSV ("port 30003") input: text another decoder
 * already produced, so it becomes a struct modes_msg directly, marked
 * MODES_SRC_SBS (the lowest trust: no bits to check). Field positions as
 * BaseStation and dump1090 write them (1-based):
 *   1 MSG  2 type 1..8  5 hex ident  7/8 date/time generated  11 callsign
 *   12 altitude  13 ground speed  14 track  15 lat  16 lon  17 vertical rate
 *   18 squawk  19 alert  20 emergency  21 SPI  22 on ground
 * Flags are "-1"/"1" for set and "0" for clear. Empty fields stay absent.
 * Pure: no allocation, no clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "modes/modes_msg.h"

#define SBS_FIELDS 22

struct sbs_field {
    const char *p;
    size_t n;
};

/* Parses a decimal number that fills the field exactly; false otherwise. */
static bool sbs_num(struct sbs_field f, double *v)
{
    char tmp[32];
    if (f.n == 0 || f.n >= sizeof tmp)
        return false;
    memcpy(tmp, f.p, f.n);
    tmp[f.n] = '\0';
    char *end;
    *v = strtod(tmp, &end);
    return end == tmp + f.n && isfinite(*v);
}

static bool sbs_flag(struct sbs_field f, bool *v)
{
    double x;
    if (!sbs_num(f, &x))
        return false;
    *v = x != 0;
    return true;
}

/* "2016/03/16" + "12:00:00.123" (UTC, as dump1090 writes them) to ms. */
static bool sbs_time(struct sbs_field d, struct sbs_field t, int64_t *ms)
{
    char tmp[40];
    if (d.n != 10 || t.n < 8 || t.n > 16) /* yyyy/mm/dd, hh:mm:ss[.fff] */
        return false;
    memcpy(tmp, d.p, d.n);
    tmp[d.n] = ' ';
    memcpy(tmp + d.n + 1, t.p, t.n);
    tmp[d.n + 1 + t.n] = '\0';
    int Y, M, D, h, mi, consumed = 0;
    double sec;
    if (sscanf(tmp, "%d/%d/%d %d:%d:%lf%n", &Y, &M, &D, &h, &mi, &sec, &consumed) != 6 ||
        (size_t)consumed != strlen(tmp))
        return false;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec < 0 || sec >= 61)
        return false;
    struct tm tm = {.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h, .tm_min = mi};
    *ms = (int64_t)timegm(&tm) * 1000 + lround(sec * 1000.0);
    return true;
}

static bool sbs_hex24(struct sbs_field f, uint32_t *a)
{
    return f.n == 6 && hex_u32(f.p, 6, a);
}

/* Callsign: printable, trimmed of spaces, at most 8 characters. */
static void sbs_callsign(struct modes_msg *m, struct sbs_field f)
{
    while (f.n && f.p[f.n - 1] == ' ')
        f.n--;
    while (f.n && f.p[0] == ' ') {
        f.p++;
        f.n--;
    }
    if (f.n == 0 || f.n > 8)
        return;
    for (size_t i = 0; i < f.n; i++)
        if (f.p[i] < 0x21 || f.p[i] > 0x7e)
            return;
    memcpy(m->callsign, f.p, f.n);
    m->callsign[f.n] = '\0';
    m->have |= MODES_BIT(MODES_F_CALLSIGN);
}

/* Squawk: four octal digits. */
static void sbs_squawk(struct modes_msg *m, struct sbs_field f)
{
    if (f.n != 4)
        return;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        if (f.p[i] < '0' || f.p[i] > '7')
            return;
        v = v * 10 + (unsigned)(f.p[i] - '0');
    }
    m->squawk = (uint16_t)v;
    m->have |= MODES_BIT(MODES_F_SQUAWK);
}

static void sbs_kinematics(struct modes_msg *m, const struct sbs_field *f)
{
    double v, lat, lon;
    if (sbs_num(f[11], &v) && fabs(v) < 200000) {
        m->alt_baro_ft = (int32_t)lround(v);
        m->have |= MODES_BIT(MODES_F_ALT_BARO);
    }
    if (sbs_num(f[12], &v) && v >= 0 && v < 5000) {
        m->gs_kt = v;
        m->have |= MODES_BIT(MODES_F_GS);
    }
    if (sbs_num(f[13], &v) && v >= 0 && v <= 360) {
        m->track_deg = v;
        m->have |= MODES_BIT(MODES_F_TRACK);
    }
    if (sbs_num(f[14], &lat) && sbs_num(f[15], &lon) && fabs(lat) <= 90 && fabs(lon) <= 180) {
        m->lat = lat;
        m->lon = lon;
        m->pos_kind = MODES_POS_SBS;
        m->have |= MODES_BIT(MODES_F_POS);
    }
    if (sbs_num(f[16], &v) && fabs(v) < 100000) {
        m->baro_rate_fpm = (int32_t)lround(v);
        m->have |= MODES_BIT(MODES_F_BARO_RATE);
    }
}

int modes_sbs_parse(const char *line, size_t len, struct modes_msg *out)
{
    struct sbs_field f[SBS_FIELDS + 1];
    size_t nf = 0, start = 0;
    for (size_t i = 0; i <= len && nf <= SBS_FIELDS; i++) {
        if (i == len || line[i] == ',') {
            f[++nf - 1] = (struct sbs_field){line + start, i - start};
            start = i + 1;
        }
    }
    if (nf < 10 || f[0].n != 3 || memcmp(f[0].p, "MSG", 3) != 0)
        return -1;
    while (nf < SBS_FIELDS)
        f[nf++] = (struct sbs_field){line + len, 0};
    double type;
    uint32_t addr;
    if (!sbs_num(f[1], &type) || type < 1 || type > 8 || !sbs_hex24(f[4], &addr))
        return -1;
    memset(out, 0, sizeof *out);
    out->source = MODES_SRC_SBS;
    out->signal = NAN;
    out->addr = addr;
    out->have = MODES_BIT(MODES_F_ADDR);
    if (!sbs_time(f[6], f[7], &out->time_ms))
        out->time_ms = MODES_NO_TIME;
    sbs_callsign(out, f[10]);
    sbs_kinematics(out, f);
    sbs_squawk(out, f[17]);
    bool b;
    if (sbs_flag(f[18], &b))
        out->alert = b;
    if (sbs_flag(f[19], &b) && b) {
        /* SBS says only "emergency": the kind is not carried. */
        out->emergency = MODES_EMERG_GENERAL;
        out->have |= MODES_BIT(MODES_F_EMERGENCY);
    }
    if (sbs_flag(f[20], &b))
        out->spi = b;
    if (sbs_flag(f[21], &b)) {
        out->on_ground = b;
        out->have |= MODES_BIT(MODES_F_AIRGROUND);
    }
    return 0;
}

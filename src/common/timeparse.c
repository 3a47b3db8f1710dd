/* timeparse.c: see timeparse.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/timeparse.h"

static bool digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool time_parse_ms(const char *s, int64_t *ms)
{
    if (!s || !*s)
        return false;
    size_t n = strlen(s);
    if (strspn(s, "0123456789") == n) {
        if (n > 15)
            return false;
        long long v = strtoll(s, NULL, 10);
        *ms = n >= 11 ? v : v * 1000;
        return true;
    }
    if (strspn(s, "0123456789") == strcspn(s, ".") && s[strcspn(s, ".")] == '.' && n < 24) {
        char *end;
        double v = strtod(s, &end);
        if (*end == 0 && strcspn(s, ".") <= 10) {
            *ms = (int64_t)(v * 1000.0 + 0.5);
            return true;
        }
    }
    int y, mo, d, h = 0, mi = 0, se = 0, frac = 0;
    if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (!digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &se))
                return false;
            p += 3;
            if (*p == '.') {
                int k = 0, scale = 100;
                for (p++; isdigit((unsigned char)*p); p++, k++) {
                    frac += (*p - '0') * scale;
                    scale /= 10;
                }
                if (k == 0)
                    return false;
            }
        }
    }
    if (*p == 'Z')
        p++;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
        se > 60)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = se};
    *ms = (int64_t)timegm(&tm) * 1000 + frac;
    return true;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian): the
 * era-based method of Howard Hinnant's "chrono-compatible low-level date
 * algorithms". No gmtime_r: glibc's takes a lock, and decoders print a time
 * per message. */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static void put2(char *p, int v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

size_t time_iso_ms(int64_t ms, bool millis, char *out, size_t n)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); /* floor */
    int frac = (int)(ms - s * 1000);
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400), y;
    int sod = (int)(s - days * 86400), m, d;
    civil(days, &y, &m, &d);
    char b[48];
    size_t len;
    if (y >= 0 && y <= 9999) {
        put2(b, (int)(y / 100));
        put2(b + 2, (int)(y % 100));
        b[4] = '-';
        put2(b + 5, m);
        b[7] = '-';
        put2(b + 8, d);
        b[10] = 'T';
        put2(b + 11, sod / 3600);
        b[13] = ':';
        put2(b + 14, sod / 60 % 60);
        b[16] = ':';
        put2(b + 17, sod % 60);
        len = 19;
        if (millis) {
            b[19] = '.';
            b[20] = (char)('0' + frac / 100);
            put2(b + 21, frac % 100);
            len = 23;
        }
        b[len++] = 'Z';
    } else {
        len = (size_t)snprintf(b, sizeof b, "%04lld-%02d-%02dT%02d:%02d:%02d", (long long)y, m, d, sod / 3600,
                               sod / 60 % 60, sod % 60);
        if (millis)
            len += (size_t)snprintf(b + len, sizeof b - len, ".%03d", frac);
        b[len++] = 'Z';
    }
    if (!n)
        return 0;
    if (len >= n)
        len = n - 1;
    memcpy(out, b, len);
    out[len] = 0;
    return len;
}

void time_iso(int64_t ms, char *out, unsigned n)
{
    time_iso_ms(ms, false, out, n);
}

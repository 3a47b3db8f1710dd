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

void time_iso(int64_t ms, char *out, unsigned n)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

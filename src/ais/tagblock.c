/* tagblock.c: NMEA 4.10 (IEC 61162-1 ed. 4) tag blocks, "\c:1418169601,s:rEV02*58\".
 * Fields are "<letter>:<value>" separated by ',', then '*' and the XOR of the
 * fields' bytes as two hex digits. c: is a UNIX time; the standard says
 * seconds but some feeds send milliseconds, told apart by having 13 or more
 * digits.
 *
 * A wrong tag-block checksum does not discard the fields: tag blocks are
 * written by receiving software, not sent over the air, and real logs carry
 * dummy or stale ones (AMSA's "*00", Kystverket's g: lines reusing the
 * checksum of the line before). The caller counts the mismatch. */
#include "ais/nmea.h"

#include <string.h>

#include "common/hex.h"


/* Parses n > 0 decimal digits (n <= 18, so no overflow); -1 if any is not a digit. */
static int64_t parse_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* g:<num>-<total>-<id>: the sentence's place in a group and the group id. */
static int parse_group(const char *v, size_t n, struct ais_tagblock *tb)
{
    int64_t part[3];
    size_t start = 0;
    int k = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && v[i] != '-')
            continue;
        if (k == 3 || (part[k] = parse_digits(v + start, i - start)) < 0 || part[k] > 0xffffffffLL)
            return AIS_EINVAL;
        k++;
        start = i + 1;
    }
    if (k != 3 || part[0] < 1 || part[1] < part[0])
        return AIS_EINVAL;
    tb->group_num = (unsigned)part[0];
    tb->group_total = (unsigned)part[1];
    tb->group_id = (unsigned)part[2];
    return AIS_OK;
}

static int parse_field(const char *f, size_t n, struct ais_tagblock *tb)
{
    if (n < 2 || f[1] != ':')
        return AIS_EINVAL;
    const char *v = f + 2;
    size_t vn = n - 2;
    int64_t x;
    switch (f[0]) {
    case 'c':
        if ((x = parse_digits(v, vn)) < 0)
            return AIS_EINVAL;
        tb->time_ms = vn >= 13 ? x : x * 1000;
        return AIS_OK;
    case 's':
        if (vn == 0 || vn >= sizeof tb->source)
            return AIS_EINVAL;
        memcpy(tb->source, v, vn);
        tb->source[vn] = 0;
        return AIS_OK;
    case 'g':
        return parse_group(v, vn, tb);
    case 'n':
        if ((x = parse_digits(v, vn)) < 0)
            return AIS_EINVAL;
        tb->line_count = (long)x;
        return AIS_OK;
    default: /* d: destination, r: relative time, t: text, i: info, q:, T: ... */
        return AIS_OK;
    }
}

int ais_tagblock_parse(const char *s, size_t n, struct ais_tagblock *tb)
{
    tb->time_ms = AIS_NO_TIME;
    tb->source[0] = 0;
    tb->group_id = tb->group_num = tb->group_total = 0;
    tb->line_count = -1;
    if (n < 3 || s[n - 3] != '*')
        return AIS_EINVAL;
    int hi = hex_digit((unsigned char)s[n - 2]), lo = hex_digit((unsigned char)s[n - 1]);
    if (hi < 0 || lo < 0)
        return AIS_EINVAL;
    size_t body = n - 3;
    unsigned sum = 0;
    for (size_t i = 0; i < body; i++)
        sum ^= (unsigned char)s[i];
    size_t start = 0;
    for (size_t i = 0; i <= body; i++) {
        if (i < body && s[i] != ',')
            continue;
        int rc = parse_field(s + start, i - start, tb);
        if (rc != AIS_OK)
            return rc;
        start = i + 1;
    }
    return sum == (unsigned)(hi << 4 | lo) ? AIS_OK : AIS_ECHECKSUM;
}

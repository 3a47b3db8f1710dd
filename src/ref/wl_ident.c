/* wl_ident.c: identifier hygiene for every watchlist importer (watchlist.h).
 * Lists write identifiers as people do: "IMO 9228980", "9228980 (Russia)",
 * "MMSI: 273 452 310", "ep-gom". One cleaning rule per type here, so OFAC,
 * CSV and FollowTheMoney entries index the same way; a value that fails its
 * check is kept under the type's "_invalid" twin, visible but flagged. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ref/watchlist.h"

/* Skips blanks and a leading label ("IMO", "IMO No.", "MMSI:"), so the
 * number that follows is what is read. */
static const char *skip_label(const char *s, const char *label)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t k = strlen(label);
    if (!strncasecmp(s, label, k) && !isalnum((unsigned char)s[k])) {
        s += k;
        if (!strncasecmp(s, " no.", 4) || !strncasecmp(s, " no ", 4))
            s += 3;
        while (*s == ' ' || *s == ':' || *s == '.' || *s == '-' || *s == '#')
            s++;
    }
    return s;
}

/* Digits of the first number, blanks inside it dropped ("273 452 310");
 * stops at anything else (" (Russia)", "; ..."). */
static size_t first_number(const char *s, char *out, size_t n)
{
    size_t o = 0;
    const char *p = s;
    while (*p && !isdigit((unsigned char)*p) && isspace((unsigned char)*p))
        p++;
    for (; *p && o + 1 < n; p++) {
        if (isdigit((unsigned char)*p))
            out[o++] = *p;
        else if (!(*p == ' ' && isdigit((unsigned char)p[1]) && o))
            break;
    }
    out[o] = '\0';
    return o;
}

/* The value as written, trimmed, for the invalid twin. */
static int keep_raw(const char *in, char *out, size_t n)
{
    while (isspace((unsigned char)*in))
        in++;
    size_t k = strlen(in);
    while (k && isspace((unsigned char)in[k - 1]))
        k--;
    if (!k)
        return -1;
    snprintf(out, n, "%.*s", (int)k, in);
    return 0;
}

bool ref_imo_check(uint32_t imo)
{
    /* IMO Res. A.1078(28): the 7th digit is the sum of the first six
     * weighted 7..2, modulo 10. */
    if (imo < 1000000 || imo > 9999999)
        return false;
    unsigned d[7], sum = 0;
    for (int i = 6; i >= 0; i--, imo /= 10)
        d[i] = imo % 10;
    for (int i = 0; i < 6; i++)
        sum += d[i] * (unsigned)(7 - i);
    return sum % 10 == d[6];
}

int ref_wl_norm_imo(const char *in, char *out, size_t n)
{
    char dig[32];
    size_t k = first_number(skip_label(in, "IMO"), dig, sizeof dig);
    if (k == 7 && ref_imo_check((uint32_t)strtoul(dig, NULL, 10))) {
        snprintf(out, n, "%s", dig);
        return 1;
    }
    /* Seven digits with a bad check digit: the digits are what an AIS
     * transmitter would send with the same typo, so they stay comparable. */
    if (k == 7) {
        snprintf(out, n, "%s", dig);
        return 0;
    }
    return keep_raw(in, out, n);
}

int ref_wl_norm_mmsi(const char *in, char *out, size_t n)
{
    char dig[32];
    size_t k = first_number(skip_label(in, "MMSI"), dig, sizeof dig);
    if (k == 9 && strcmp(dig, "000000000")) {
        snprintf(out, n, "%s", dig);
        return 1;
    }
    return keep_raw(in, out, n);
}

int ref_wl_norm_registration(const char *in, char *out, size_t n)
{
    /* Upper case, blanks dropped, a trailing remark in brackets cut
     * ("EP-GOM (Iran)"); the national prefix's hyphen stays as written
     * (the match key ignores it, ref_wl_reg_key). */
    size_t o = 0;
    int bad = 0;
    const char *p = in;
    while (isspace((unsigned char)*p))
        p++;
    for (; *p && *p != '(' && *p != ';' && *p != ','; p++) {
        unsigned char c = (unsigned char)*p;
        if (isspace(c))
            continue;
        if (!isalnum(c) && c != '-')
            bad = 1;
        if (o + 1 < n)
            out[o++] = (char)toupper(c);
    }
    while (o && out[o - 1] == '-')
        o--;
    out[o] = '\0';
    char key[64];
    size_t kl = strlen(ref_wl_reg_key(out, key, sizeof key));
    if (!bad && kl >= 2 && kl <= 10 && out[0] != '-')
        return 1;
    return keep_raw(in, out, n);
}

char *ref_wl_reg_key(const char *reg, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = reg; *p && o + 1 < n; p++)
        if (isalnum((unsigned char)*p))
            out[o++] = (char)toupper((unsigned char)*p);
    out[o] = '\0';
    return out;
}

void ref_wl_entry_add_id(struct ref_wl_entry *e, enum ref_wl_id type, const char *raw)
{
    char v[256];
    int rc;
    enum ref_wl_id invalid;
    if (!raw || !*raw)
        return;
    switch (type) {
    case REF_WL_ID_IMO:
        rc = ref_wl_norm_imo(raw, v, sizeof v), invalid = REF_WL_ID_IMO_INVALID;
        break;
    case REF_WL_ID_MMSI:
        rc = ref_wl_norm_mmsi(raw, v, sizeof v), invalid = REF_WL_ID_MMSI_INVALID;
        break;
    case REF_WL_ID_REGISTRATION:
        rc = ref_wl_norm_registration(raw, v, sizeof v), invalid = REF_WL_ID_REGISTRATION_INVALID;
        break;
    case REF_WL_ID_ICAO24: {
        char hex[8];
        size_t k = 0;
        const char *p = raw;
        while (isspace((unsigned char)*p))
            p++;
        for (; k < 6 && isxdigit((unsigned char)p[k]); k++)
            hex[k] = (char)tolower((unsigned char)p[k]);
        hex[k] = '\0';
        rc = k == 6 && !isalnum((unsigned char)p[6]) ? 1 : keep_raw(raw, v, sizeof v);
        if (rc == 1)
            snprintf(v, sizeof v, "%s", hex);
        invalid = REF_WL_ID_ICAO24_INVALID;
        break;
    }
    default:
        ref_wl_entry_ident(e, type, raw);
        return;
    }
    if (rc >= 0)
        ref_wl_entry_ident(e, rc == 1 ? type : invalid, v);
}

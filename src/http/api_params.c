/* api_params.c: query parameters of the API, parsed strictly: a value that
 * is not exactly what the contract allows is a 400, never a silent default
 * (docs/formats/api-v1.md, "Parameters"). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/api.h"
#include "store/store.h"

/* n digits at *p, advancing it; -1 when they are not there. */
static int digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static int parse_iso(const char *s, int64_t *out)
{
    const char *p = s;
    int Y = digits(&p, 4), M, D, h = 0, m = 0, sec = 0, ms = 0, off = 0;
    if (Y < 0 || *p++ != '-' || (M = digits(&p, 2)) < 1 || M > 12 || *p++ != '-' || (D = digits(&p, 2)) < 1 ||
        D > 31)
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if ((h = digits(&p, 2)) < 0 || h > 23 || *p++ != ':' || (m = digits(&p, 2)) < 0 || m > 59)
            return -1;
        if (*p == ':' && (p++, (sec = digits(&p, 2)) < 0 || sec > 60))
            return -1;
        if (*p == '.') {
            p++;
            int scale = 100, nd = 0;
            for (; isdigit((unsigned char)*p); p++, nd++) {
                ms += (*p - '0') * scale;
                scale /= 10;
            }
            if (nd == 0)
                return -1;
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if ((oh = digits(&p, 2)) < 0 || oh > 23)
                return -1;
            if (*p == ':')
                p++;
            if (*p && ((om = digits(&p, 2)) < 0 || om > 59))
                return -1;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p)
        return -1;
    struct tm tm = {.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h, .tm_min = m, .tm_sec = sec};
    time_t t = timegm(&tm);
    if (tm.tm_mday != D) /* 2026-02-31 normalised to March */
        return -1;
    *out = ((int64_t)t - (int64_t)off * 60) * 1000 + ms;
    return 0;
}

int api_parse_time(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    if (strspn(s, "0123456789") == strlen(s)) {
        if (strlen(s) > 15) /* beyond year 33658: not a time */
            return -1;
        *out = strtoll(s, NULL, 10);
        return 0;
    }
    return parse_iso(s, out);
}

/* A finite decimal number filling [s, end). */
static int number(const char *s, const char *end, double *out)
{
    char tmp[48], *e;
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (strspn(tmp, "+-.0123456789eE") != n)
        return -1; /* no hex, inf or nan */
    errno = 0;
    *out = strtod(tmp, &e);
    return *e || errno || !isfinite(*out) ? -1 : 0;
}

int api_parse_bbox(const char *s, double box[4])
{
    if (!s)
        return -1;
    for (int i = 0; i < 4; i++) {
        const char *end = i < 3 ? strchr(s, ',') : s + strlen(s);
        if (!end || number(s, end, &box[i]))
            return -1;
        s = end + (i < 3);
    }
    for (int i = 0; i < 4; i += 2)
        if (fabs(box[i]) > 90 || fabs(box[i + 1]) > 180)
            return -1;
    return 0;
}

int api_parse_limit(const char *s, size_t def, size_t max, size_t *out)
{
    if (!s) {
        *out = def;
        return 0;
    }
    size_t n = strlen(s);
    if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
        return -1;
    unsigned long v = strtoul(s, NULL, 10);
    if (v < 1 || v > max)
        return -1;
    *out = v;
    return 0;
}

int api_parse_entity(const char *kind, const char *id, uint8_t *k, uint32_t *out)
{
    if (!kind || !id)
        return -1;
    size_t n = strlen(id);
    if (strcmp(kind, "vessel") == 0) {
        if (n == 0 || n > 9 || strspn(id, "0123456789") != n)
            return -1;
        unsigned long v = strtoul(id, NULL, 10);
        if (v == 0)
            return -1;
        *k = STORE_VESSEL;
        *out = (uint32_t)v;
        return 0;
    }
    if (strcmp(kind, "aircraft") == 0) {
        if (n != 6 || strspn(id, "0123456789abcdefABCDEF") != 6)
            return -1;
        *k = STORE_AIRCRAFT;
        *out = (uint32_t)strtoul(id, NULL, 16);
        return 0;
    }
    return -1;
}

int api_parse_entity_ref(const char *s, uint8_t *k, uint32_t *out)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    char kind[16];
    if (!colon || (size_t)(colon - s) >= sizeof kind)
        return -1;
    memcpy(kind, s, (size_t)(colon - s));
    kind[colon - s] = 0;
    return api_parse_entity(kind, colon + 1, k, out);
}

int api_parse_words(const char *s, char *store, size_t n, const char **words, size_t max)
{
    size_t len = strlen(s), count = 0;
    if (len == 0 || len >= n)
        return -1;
    memcpy(store, s, len + 1);
    for (char *w = store;;) {
        char *end = strchr(w, ',');
        if (end)
            *end = 0;
        size_t wl = strlen(w);
        if (wl == 0 || wl > 48 || strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789_") != wl || count == max)
            return -1;
        words[count++] = w;
        if (!end)
            return (int)count;
        w = end + 1;
    }
}

int api_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes"}, *const no[] = {"0", "false", "no"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(s, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

/* The event kinds stored: each detector's (docs/detectors.md) and the
 * watchlist's sightings. A detector with a new kind adds it here, or its
 * events cannot be asked for by kind. */
static const char *const event_kinds[] = {
    "ais_gap",         "encounter",         "identity_change",   "loitering",          "port_call",
    "geofence_enter",  "geofence_dwell",    "geofence_exit",     "flight",             "emergency_squawk",
    "implausible_speed", "mmsi_two_places", "position_on_land",  "gnss_degraded",      "gnss_jamming_area",
    "watchlist_sighting", "distress",
};

bool api_event_kind_known(const char *k)
{
    for (size_t i = 0; i < sizeof event_kinds / sizeof event_kinds[0]; i++)
        if (strcmp(k, event_kinds[i]) == 0)
            return true;
    return false;
}

/* The parameters each endpoint takes (docs/formats/api-v1.md). */
static const struct {
    const char *endpoint;
    const char *params[12];
} endpoint_params[] = {
    {"entities", {"at", "kind", "bbox", "type", "watch", "limit"}},
    {"search", {"q", "limit"}},
    {"events", {"kind", "entity", "bbox", "from", "to", "limit"}},
    {"flights", {"operator", "registration", "callsign", "departure_airport", "arrival_airport", "departure_country",
                 "arrival_country", "icao", "from", "to", "limit"}},
    {"portcalls", {"mmsi", "imo", "port", "country", "from", "to", "limit"}},
    {"alerts", {"from", "to", "entity", "limit"}},
    {"track", {"from", "to", "format"}},
    {"watchlist", {"list"}},
};

int api_check_params(const char *endpoint, const struct api_req *r, struct api_reply *out)
{
    for (size_t i = 0; i < sizeof endpoint_params / sizeof endpoint_params[0]; i++) {
        if (strcmp(endpoint, endpoint_params[i].endpoint) != 0)
            continue;
        for (const char *const *p = endpoint_params[i].params; *p; p++) {
            const char *v = r->arg ? r->arg(r->arg_cls, *p) : NULL;
            if (v && !*v)
                return api_error(out, 400, "%s: empty value (leave the parameter out for its default)", *p);
        }
    }
    const char *kind = strcmp(endpoint, "events") == 0 ? api_arg(r, "kind") : NULL;
    if (kind) {
        char store[512];
        const char *words[STORE_FILTER_KINDS];
        int n = api_parse_words(kind, store, sizeof store, words, STORE_FILTER_KINDS);
        if (n < 0)
            return api_error(out, 400, "kind: up to %d comma-separated event kinds", STORE_FILTER_KINDS);
        for (int k = 0; k < n; k++)
            if (!api_event_kind_known(words[k]))
                return api_error(out, 400, "kind: %s is not an event kind (docs/detectors.md)", words[k]);
    }
    return 0;
}

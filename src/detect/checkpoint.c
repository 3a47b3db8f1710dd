/* checkpoint.c: the detectors' state as records a store keeps (detect.h,
 * det_checkpoint), so a restart (after a stop or a kill -9) carries on
 * where the last commit left off: a vessel heard just before still goes
 * dark at the right time, with its true last position, receiver and raw
 * message; a slow spell or a meeting in progress is not split.
 *
 * A record is one line of text: a version, then numbers and strings in a
 * fixed order, separated by spaces. Reals are written as their IEEE 754
 * bits (16 hex digits) so they read back exactly (the same results as a run
 * that was never stopped); strings are %-escaped (space, %, control and non-ASCII
 * bytes as %XX; the empty string as a lone %). A record of another version
 * is not read: its entity starts afresh, as before checkpoints. Only what
 * changed since the last checkpoint is written, so a commit carries the
 * vessels heard in it, not the fleet. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"

#define CK_VERSION 1

/* ---- the text ---- */

static void sep(struct buf *b)
{
    if (b->len)
        buf_putc(b, ' ');
}

void ck_int(struct buf *b, int64_t v)
{
    sep(b);
    buf_i64(b, v);
}

/* A real as the 16 hex digits of its IEEE 754 bits: exact, and a tenth of
 * the cost of printf's %.17g (a commit writes every vessel heard since the
 * last one). */
void ck_real(struct buf *b, double v)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    sep(b);
    buf_reserve(b, 16);
    for (int i = 15; i >= 0; i--, bits >>= 4)
        b->p[b->len + (size_t)i] = hex[bits & 15];
    b->len += 16;
}

void ck_str(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    sep(b);
    if (!s || !*s) {
        buf_putc(b, '%');
        return;
    }
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c <= ' ' || *c == '%' || *c >= 0x7F) {
            buf_putc(b, '%');
            buf_putc(b, hex[*c >> 4]);
            buf_putc(b, hex[*c & 15]);
        } else {
            buf_putc(b, (char)*c);
        }
    }
}

/* The next token: [*start, *start + n). */
static size_t token(struct ck_reader *r, const char **start)
{
    while (*r->p == ' ')
        r->p++;
    *start = r->p;
    while (*r->p && *r->p != ' ')
        r->p++;
    size_t n = (size_t)(r->p - *start);
    if (!n)
        r->bad = true;
    return n;
}

int64_t ck_get_int(struct ck_reader *r)
{
    const char *t;
    size_t n = token(r, &t);
    char tmp[24], *end;
    if (!n || n >= sizeof tmp)
        return r->bad = true, 0;
    memcpy(tmp, t, n);
    tmp[n] = 0;
    long long v = strtoll(tmp, &end, 10);
    if (*end)
        r->bad = true;
    return v;
}

double ck_get_real(struct ck_reader *r)
{
    const char *t;
    size_t n = token(r, &t);
    uint64_t bits = 0;
    if (n != 16)
        return r->bad = true, NAN;
    for (size_t i = 0; i < 16; i++) {
        int x = t[i] >= '0' && t[i] <= '9' ? t[i] - '0' : t[i] >= 'a' && t[i] <= 'f' ? t[i] - 'a' + 10 : -1;
        if (x < 0)
            return r->bad = true, NAN;
        bits = bits << 4 | (uint64_t)x;
    }
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void ck_get_str(struct ck_reader *r, char *dst, size_t cap)
{
    const char *t;
    size_t n = token(r, &t), k = 0;
    dst[0] = 0;
    if (n == 1 && t[0] == '%')
        return;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(t[i + 1]) : -1, lo = i + 2 < n ? hexval(t[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                r->bad = true;
                return;
            }
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (k + 1 < cap)
            dst[k++] = c;
    }
    dst[k] = 0;
}

/* ---- bookkeeping ---- */

void det_checkpoint_enable(struct det *d) { d->ckpt = true; }

void det_vessel_dirty(struct det *d, uint32_t vi)
{
    struct det_vessel *v = &d->v[vi];
    if (!d->ckpt || v->dirty)
        return;
    v->dirty = true;
    if (d->nvdirty == d->capvdirty) {
        d->capvdirty = d->capvdirty ? 2 * d->capvdirty : 256;
        d->vdirty = xrealloc(d->vdirty, d->capvdirty * sizeof *d->vdirty);
    }
    d->vdirty[d->nvdirty++] = vi;
}

void det_gone(struct det *d, const char *kind, int64_t id)
{
    if (d->ngone == d->capgone) {
        d->capgone = d->capgone ? 2 * d->capgone : 64;
        d->gone = xrealloc(d->gone, d->capgone * sizeof *d->gone);
    }
    snprintf(d->gone[d->ngone].kind, sizeof d->gone[d->ngone].kind, "%s", kind);
    d->gone[d->ngone++].id = id;
}

/* A receiver's record id: its name hashed (FNV-1a), 31 bits. */
static int64_t source_id(const char *name)
{
    uint32_t h = 2166136261u;
    for (const char *c = name; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    return h & 0x7FFFFFFF;
}

/* ---- writing ---- */

static void vessel_write(const struct det_vessel *v, struct buf *b)
{
    ck_int(b, CK_VERSION);
    ck_str(b, v->name);
    ck_int(b, v->first_t);
    ck_real(b, v->first_lat);
    ck_real(b, v->first_lon);
    ck_str(b, v->first_evidence);
    ck_int(b, v->last_t);
    ck_real(b, v->last_lat);
    ck_real(b, v->last_lon);
    ck_real(b, v->last_kn);
    ck_str(b, v->last_source);
    ck_str(b, v->last_evidence);
    ck_int(b, v->recent_n);
    for (int k = 0; k < v->recent_n; k++) /* oldest first */
        ck_int(b, v->recent[(v->recent_head - v->recent_n + k + DET_RECENT) % DET_RECENT]);
    ck_int(b, v->imo);
    ck_int(b, v->alias_last_t);
    ck_int(b, v->gap_open_t);
    ck_int(b, v->loiter_open_t);
    ck_int(b, v->slow_since);
    ck_int(b, v->slow_last);
    ck_real(b, v->slow_lat);
    ck_real(b, v->slow_lon);
    ck_real(b, v->slow_kn_sum);
    ck_int(b, v->slow_n);
    ck_str(b, v->slow_evidence);
}

static void source_write(const struct det_source *s, struct buf *b)
{
    ck_int(b, CK_VERSION);
    ck_str(b, s->name);
    ck_int(b, s->last_t);
    ck_int(b, s->silent_n);
    for (int k = 0; k < s->silent_n; k++) {
        int i = (s->silent_head - s->silent_n + k + 64) % 64;
        ck_int(b, s->silent_from[i]);
        ck_int(b, s->silent_to[i]);
    }
}

int ck_put(det_state_fn put, void *ctx, const char *kind, int64_t id, int64_t t, struct buf *b)
{
    buf_putc(b, 0);
    int rc = put(ctx, kind, id, t, b->p);
    b->len = 0;
    return rc;
}

int det_checkpoint(struct det *d, det_state_fn put, void *ctx)
{
    if (!d->ckpt)
        return 0;
    int n = 0, rc = 0;
    struct buf b;
    buf_init(&b, 2048);
    /* Deletions first: a record forgotten and made again since is written after. */
    for (size_t i = 0; i < d->ngone && !rc; i++, n++)
        rc = put(ctx, d->gone[i].kind, d->gone[i].id, 0, NULL);
    d->ngone = 0;
    for (size_t i = 0; i < d->nvdirty && !rc; i++) {
        struct det_vessel *v = &d->v[d->vdirty[i]];
        if (!v->dirty || v->freed)
            continue;
        v->dirty = false;
        vessel_write(v, &b);
        rc = ck_put(put, ctx, "vessel", v->mmsi, v->last_t, &b);
        n++;
    }
    d->nvdirty = 0;
    for (size_t i = 0; i < d->pair_cap && !rc; i++) {
        struct det_pair *p = &d->pairs[i];
        if (p->a == 0xFFFFFFFFu || !p->dirty)
            continue;
        p->dirty = false;
        ck_int(&b, CK_VERSION);
        det_pair_write(p, &b);
        rc = ck_put(put, ctx, "pair", det_pair_id(d, p), p->last, &b);
        n++;
    }
    for (int i = 0; i < d->nsrc && !rc; i++) {
        struct det_source *s = &d->src[i];
        if (!s->dirty)
            continue;
        s->dirty = false;
        source_write(s, &b);
        rc = ck_put(put, ctx, "source", source_id(s->name), s->last_t, &b);
        n++;
    }
    for (size_t i = 0; i < d->heard_dirty.cap && !rc; i++) {
        uint32_t key = d->heard_dirty.keys[i], count;
        if (key == HASH_U32_NONE || !hash_u32_get(&d->heard, key, &count))
            continue;
        ck_int(&b, CK_VERSION);
        ck_int(&b, count);
        rc = ck_put(put, ctx, "heard", key, (int64_t)(key & 0xFFFF) * 3600000, &b);
        n++;
    }
    if (!rc)
        rc = det_portcall_checkpoint(d, put, ctx, &b) || det_geofence_checkpoint(d, put, ctx, &b);
    hash_u32_reset(&d->heard_dirty, 64);
    buf_free(&b);
    return rc ? -1 : n;
}

/* ---- reading ---- */

bool det_place_ok(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && fabs(lat) <= 90 && fabs(lon) <= 180;
}

static int vessel_read(struct det *d, uint32_t mmsi, struct ck_reader *r)
{
    struct det_vessel v = {0};
    v.mmsi = mmsi;
    ck_get_str(r, v.name, sizeof v.name);
    v.first_t = ck_get_int(r);
    v.first_lat = ck_get_real(r);
    v.first_lon = ck_get_real(r);
    ck_get_str(r, v.first_evidence, sizeof v.first_evidence);
    v.last_t = ck_get_int(r);
    v.last_lat = ck_get_real(r);
    v.last_lon = ck_get_real(r);
    v.last_kn = ck_get_real(r);
    ck_get_str(r, v.last_source, sizeof v.last_source);
    ck_get_str(r, v.last_evidence, sizeof v.last_evidence);
    int64_t n = ck_get_int(r);
    if (n < 0 || n > DET_RECENT)
        return 1;
    for (v.recent_n = 0; v.recent_n < n; v.recent_n++)
        v.recent[v.recent_n] = ck_get_int(r);
    v.recent_head = v.recent_n % DET_RECENT;
    v.imo = (uint32_t)ck_get_int(r);
    v.alias_last_t = ck_get_int(r);
    v.gap_open_t = ck_get_int(r);
    v.loiter_open_t = ck_get_int(r);
    v.slow_since = ck_get_int(r);
    v.slow_last = ck_get_int(r);
    v.slow_lat = ck_get_real(r);
    v.slow_lon = ck_get_real(r);
    v.slow_kn_sum = ck_get_real(r);
    v.slow_n = (int)ck_get_int(r);
    ck_get_str(r, v.slow_evidence, sizeof v.slow_evidence);
    if (r->bad || v.slow_n < 0 || !det_place_ok(v.last_lat, v.last_lon) || !det_place_ok(v.first_lat, v.first_lon) ||
        !det_place_ok(v.slow_lat, v.slow_lon))
        return 1;
    uint32_t vi;
    if (hash_u32_get(&d->index, mmsi, &vi))
        return 1; /* one record per vessel */
    det_vessels_make_room(d);
    det_vessel_get(d, mmsi, &vi);
    d->v[vi] = v;
    if (det_imo_valid(v.imo))
        hash_u32_put(&d->by_imo, v.imo, vi);
    if (v.last_t > d->clock)
        d->clock = v.last_t;
    /* Back in its encounter cell: a meeting in progress carries on. */
    if (v.last_t)
        det_encounter_place(d, vi);
    return 0;
}

static int source_read(struct det *d, struct ck_reader *r)
{
    char name[32];
    ck_get_str(r, name, sizeof name);
    int64_t last = ck_get_int(r), n = ck_get_int(r);
    if (r->bad || n < 0 || n > 64)
        return 1;
    struct det_source *s = det_source_get(d, name);
    if (!s)
        return 1;
    s->last_t = last;
    for (s->silent_n = 0; s->silent_n < n; s->silent_n++) {
        s->silent_from[s->silent_n] = ck_get_int(r);
        s->silent_to[s->silent_n] = ck_get_int(r);
    }
    s->silent_head = s->silent_n % 64;
    return r->bad;
}

int det_state_restore(struct det *d, const char *kind, int64_t id, const char *state)
{
    struct ck_reader r = {.p = state};
    if (!state || ck_get_int(&r) != CK_VERSION || r.bad)
        return 1;
    if (!strcmp(kind, "vessel"))
        return id > 0 && id <= UINT32_MAX ? vessel_read(d, (uint32_t)id, &r) : 1;
    if (!strcmp(kind, "pair"))
        return det_pair_read(d, id, &r);
    if (!strcmp(kind, "source"))
        return source_read(d, &r);
    if (!strcmp(kind, "port"))
        return det_portcall_read(d, id, &r);
    if (!strcmp(kind, "geofence"))
        return det_geofence_read(d, id, &r);
    if (!strcmp(kind, "heard")) {
        int64_t n = ck_get_int(&r);
        if (r.bad || n <= 0 || n > UINT32_MAX || id < 0 || id > UINT32_MAX)
            return 1;
        hash_u32_put(&d->heard, (uint32_t)id, (uint32_t)n);
        return 0;
    }
    return 1;
}

int det_seed_vessel(struct det *d, uint32_t mmsi, int64_t t_ms, double lat, double lon, const char *name,
                    uint32_t imo)
{
    uint32_t vi;
    if (hash_u32_get(&d->index, mmsi, &vi) || t_ms <= 0)
        return 1;
    det_vessels_make_room(d);
    struct det_vessel *v = det_vessel_get(d, mmsi, &vi);
    v->first_t = v->last_t = t_ms;
    v->first_lat = v->last_lat = lat;
    v->first_lon = v->last_lon = lon;
    v->last_kn = -1;
    if (name)
        snprintf(v->name, sizeof v->name, "%s", name);
    if (det_imo_valid(imo)) {
        v->imo = imo;
        hash_u32_put(&d->by_imo, imo, vi);
    }
    if (t_ms > d->clock)
        d->clock = t_ms;
    return 0;
}

/* api_entities.c: the picture at a moment (/entities: what the time slider
 * replays), the slider's bounds (/timespan) and free-text search (/search).
 *
 * The picture is each entity's latest fix at or before `at` and younger than
 * 30 min (vessels) or 5 min (aircraft), with the identity it had then: a
 * renamed vessel shows its old name before the change. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "http/api.h"
#include "store/store.h"

/* ITU-R M.1371 ship type codes grouped the way an operator filters them. */
static const char *ship_category(unsigned t)
{
    if (t == 30) return "fishing";
    if (t == 31 || t == 32 || t == 52) return "tug";
    if (t == 35) return "military";
    if (t == 36) return "sailing";
    if (t == 37) return "pleasure";
    if (t >= 40 && t <= 49) return "highspeed";
    if (t == 50) return "pilot";
    if (t == 51) return "sar";
    if (t >= 60 && t <= 69) return "passenger";
    if (t >= 70 && t <= 79) return "cargo";
    if (t >= 80 && t <= 89) return "tanker";
    if (t == 0) return NULL;
    return "other";
}

static const char *const categories[] = {"fishing", "tug",       "military",  "sailing", "pleasure", "highspeed",
                                         "pilot",   "sar",       "passenger", "cargo",   "tanker",   "other"};

struct positions {
    struct store_position *p;
    size_t n, cap;
};

static int collect(void *ctx, const struct store_position *p)
{
    struct positions *v = ctx;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 256;
        v->p = xrealloc(v->p, v->cap * sizeof *v->p);
    }
    v->p[v->n] = *p;
    v->p[v->n++].source = NULL; /* the text dies with the row */
    return 0;
}

static bool in_box(const double b[4], double lat, double lon)
{
    double la0 = b[0] < b[2] ? b[0] : b[2], la1 = b[0] < b[2] ? b[2] : b[0];
    double lo0 = b[1] < b[3] ? b[1] : b[3], lo1 = b[1] < b[3] ? b[3] : b[1];
    return lat >= la0 && lat <= la1 && lon >= lo0 && lon <= lo1;
}

static void kstr_opt(struct jw *w, const char *k, const char *v)
{
    if (v && *v)
        jw_kstr(w, k, v);
}

static void knum_opt(struct jw *w, const char *k, const char *v)
{
    if (v && *v && strspn(v, "0123456789") == strlen(v) && strlen(v) < 12)
        jw_kuint(w, k, strtoull(v, NULL, 10));
}

/* One entity of the picture; returns false when a filter drops it. */
static bool write_entity(struct http_api *a, struct jw *w, const struct store_position *p, int64_t at_ms,
                         const struct api_picture_filter *f)
{
    struct api_ident id;
    api_ident_load(a, p->kind, p->id, at_ms, &id);
    const char *cat = p->kind == STORE_VESSEL ? ship_category((unsigned)atoi(id.shiptype)) : NULL;
    if (f->type && (!cat || strcmp(cat, f->type) != 0))
        return false;
    size_t mark = w->b->len;
    unsigned comma = w->need_comma;
    jw_obj_begin(w);
    api_write_entity_id(w, p->kind, p->id);
    if (p->kind == STORE_VESSEL) {
        kstr_opt(w, "name", id.name);
        kstr_opt(w, "callsign", id.callsign);
        knum_opt(w, "imo", id.imo);
        kstr_opt(w, "flag", id.flag);
        knum_opt(w, "shiptype", id.shiptype);
        kstr_opt(w, "type", cat);
    } else {
        kstr_opt(w, "callsign", id.callsign);
        kstr_opt(w, "registration", id.registration);
        kstr_opt(w, "operator", api_operator(a, &id));
        kstr_opt(w, "country", id.country);
        kstr_opt(w, "type", id.type);
    }
    api_write_position(w, p);
    int matches = api_write_watch(a, w, p->kind, p->id, &id, false);
    jw_obj_end(w);
    if (f->watch_only && matches == 0) {
        /* Undo: the writer is a plain buffer, so rewinding drops the object. */
        w->b->len = mark;
        w->need_comma = comma;
        return false;
    }
    return true;
}

int api_write_picture(struct http_api *a, int64_t at_ms, const struct api_picture_filter *f, struct buf *out)
{
    struct positions v = {0};
    int rc = a->st->ops->query_picture(a->st, at_ms, API_VESSEL_AGE_MS, API_AIRCRAFT_AGE_MS, collect, &v);
    if (rc == 0) {
        /* The entities first, into their own buffer: the count heads them. */
        struct buf arr;
        buf_init(&arr, 4096);
        struct jw aw, w;
        jw_init(&aw, &arr);
        jw_arr_begin(&aw);
        size_t count = 0;
        for (size_t i = 0; i < v.n && count < f->limit; i++) {
            const struct store_position *p = &v.p[i];
            if ((f->kind && p->kind != f->kind) || (f->has_box && !in_box(f->box, p->lat, p->lon)))
                continue;
            count += write_entity(a, &aw, p, at_ms, f);
        }
        jw_arr_end(&aw);
        jw_init(&w, out);
        jw_obj_begin(&w);
        jw_kint(&w, "time", at_ms);
        jw_kuint(&w, "count", count);
        jw_key(&w, "entities");
        jw_raw(&w, arr.p, arr.len);
        jw_obj_end(&w);
        buf_free(&arr);
    }
    free(v.p);
    return rc;
}

/* The default moment: the newest position in the store. */
static int latest_time(struct http_api *a, int64_t *at)
{
    int64_t from;
    return a->st->ops->timespan(a->st, &from, at);
}

int api_entities(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    struct api_picture_filter f = {0};
    const char *kind = api_arg(r, "kind"), *watch = api_arg(r, "watch"), *bbox = api_arg(r, "bbox"),
               *type = api_arg(r, "type"), *at = api_arg(r, "at");
    int64_t t;
    if (kind && strcmp(kind, "vessel") && strcmp(kind, "aircraft"))
        return api_error(out, 400, "kind: vessel or aircraft");
    f.kind = !kind ? 0 : kind[0] == 'v' ? STORE_VESSEL : STORE_AIRCRAFT;
    if (watch && api_parse_bool(watch, &f.watch_only))
        return api_error(out, 400, "watch: 1 or 0");
    if (bbox && api_parse_bbox(bbox, f.box))
        return api_error(out, 400, "bbox: LAT0,LON0,LAT1,LON1 in degrees");
    f.has_box = bbox != NULL;
    if (type) {
        for (size_t i = 0; i < sizeof categories / sizeof categories[0] && !f.type; i++)
            if (strcmp(type, categories[i]) == 0)
                f.type = categories[i];
        if (!f.type)
            return api_error(out, 400, "type: one of fishing, tug, military, sailing, pleasure, highspeed, "
                                       "pilot, sar, passenger, cargo, tanker, other");
        if (f.kind == STORE_AIRCRAFT)
            return api_error(out, 400, "type filters vessels");
        f.kind = STORE_VESSEL;
    }
    if (api_parse_limit(api_arg(r, "limit"), API_MAX_LIMIT, API_MAX_LIMIT, &f.limit))
        return api_error(out, 400, "limit: 1..%u", API_MAX_LIMIT);
    if (at ? api_parse_time(at, &t) : latest_time(a, &t))
        return at ? api_error(out, 400, "at: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)")
                  : api_error(out, 500, "store: %s", a->st->err);
    /* The parameters, validated above, name the answer. */
    char key[400];
    struct store_rows rows;
    snprintf(key, sizeof key, "%d|%d|%s|%s|%" PRId64 "|%zu", f.kind, f.watch_only, bbox ? bbox : "",
             f.type ? f.type : "", t, f.limit);
    if (a->st->ops->last_rows(a->st, &rows) != 0)
        return api_error(out, 500, "store: %s", a->st->err);
    struct jw w;
    api_json(out, &w);
    for (size_t i = 0; i < sizeof a->cache / sizeof a->cache[0]; i++) {
        struct api_cached *c = &a->cache[i];
        if (c->body.len && c->row == rows.position && c->wl_gen == a->wl_gen && strcmp(c->key, key) == 0) {
            buf_put(&out->body, c->body.p, c->body.len);
            return 200;
        }
    }
    if (api_write_picture(a, t, &f, &out->body) != 0)
        return api_error(out, 500, "store: %s", a->st->err);
    buf_putc(&out->body, '\n');
    struct api_cached *c = &a->cache[a->cache_next++ % (sizeof a->cache / sizeof a->cache[0])];
    snprintf(c->key, sizeof c->key, "%s", key);
    c->row = rows.position;
    c->wl_gen = a->wl_gen;
    if (!c->body.p)
        buf_init(&c->body, out->body.len);
    c->body.len = 0;
    buf_put(&c->body, out->body.p, out->body.len);
    return 200;
}

int api_timespan(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    int64_t from, to;
    if (a->st->ops->timespan(a->st, &from, &to) != 0)
        return api_error(out, 500, "store: %s", a->st->err);
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    if (to) {
        jw_kint(&w, "from", from);
        jw_kint(&w, "to", to);
    } else {
        jw_key(&w, "from");
        jw_null(&w);
        jw_key(&w, "to");
        jw_null(&w);
    }
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return 200;
}

/* --- search --- */

struct hits {
    struct hit {
        uint8_t kind;
        uint32_t id;
        char field[16], value[64];
        bool current;
    } *h;
    size_t n, cap;
};

static int on_hit(void *ctx, const struct store_hit *h)
{
    struct hits *v = ctx;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 32;
        v->h = xrealloc(v->h, v->cap * sizeof *v->h);
    }
    struct hit *o = &v->h[v->n++];
    o->kind = h->kind;
    o->id = h->id;
    snprintf(o->field, sizeof o->field, "%s", h->field);
    snprintf(o->value, sizeof o->value, "%s", h->value);
    o->current = h->valid_to_ms == 0;
    return 0;
}

static int on_latest(void *ctx, const struct store_position *p)
{
    *(struct store_position *)ctx = *p;
    ((struct store_position *)ctx)->source = NULL;
    return 1;
}

int api_search(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    const char *q = api_arg(r, "q");
    size_t limit;
    if (!q)
        return api_error(out, 400, "q: the text to look for");
    if (strlen(q) > 64)
        return api_error(out, 400, "q: at most 64 characters");
    if (api_parse_limit(api_arg(r, "limit"), 20, 200, &limit))
        return api_error(out, 400, "limit: 1..200");
    struct hits v = {0};
    if (a->st->ops->search(a->st, q, limit, on_hit, &v) != 0) {
        free(v.h);
        return api_error(out, 500, "store: %s", a->st->err);
    }
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    jw_kuint(&w, "count", v.n);
    jw_key(&w, "results");
    jw_arr_begin(&w);
    for (size_t i = 0; i < v.n; i++) {
        const struct hit *h = &v.h[i];
        jw_obj_begin(&w);
        api_write_entity_id(&w, h->kind, h->id);
        jw_kstr(&w, "field", h->field);
        jw_kstr(&w, "value", h->value);
        jw_kbool(&w, "current", h->current);
        struct store_position p = {.t_ms = 0};
        if (a->st->ops->query_latest(a->st, h->kind, h->id, INT64_MAX, on_latest, &p) == 0 && p.t_ms) {
            jw_kfixed(&w, "lat", p.lat, 6);
            jw_kfixed(&w, "lon", p.lon, 6);
            jw_kint(&w, "t", p.t_ms);
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    free(v.h);
    return 200;
}

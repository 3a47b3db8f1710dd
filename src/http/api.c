/* api.c: the store-backed API's state, router and shared writers (api.h).
 * The router is a fixed table of method and path shapes; everything below
 * /api/v1 that is not in it is a 404, a known path with another method a 405. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "http/api.h"
#include "http/http_internal.h"
#include "ref/ref.h"
#include "store/store.h"

int api_error(struct api_reply *out, int status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    out->status = status;
    out->ctype = "application/json";
    out->filename[0] = 0;
    out->body.len = 0;
    struct jw w;
    jw_init(&w, &out->body);
    jw_obj_begin(&w);
    jw_kstr(&w, "error", msg);
    jw_kint(&w, "status", status);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return status;
}

void api_json(struct api_reply *out, struct jw *w)
{
    out->status = 200;
    out->ctype = "application/json";
    out->body.len = 0;
    jw_init(w, &out->body);
}

/* kind, then the id under its own name (mmsi / icao) or under "id". */
static void write_entity(struct jw *w, uint8_t kind, uint32_t id, bool own_key)
{
    if (kind == STORE_VESSEL) {
        jw_kstr(w, "kind", "vessel");
        jw_kuint(w, own_key ? "mmsi" : "id", id);
    } else {
        char hex[8];
        snprintf(hex, sizeof hex, "%06" PRIx32, id & 0xFFFFFFu);
        jw_kstr(w, "kind", "aircraft");
        jw_kstr(w, own_key ? "icao" : "id", hex);
    }
}

void api_write_entity_id(struct jw *w, uint8_t kind, uint32_t id) { write_entity(w, kind, id, true); }

void api_write_entity_ref(struct jw *w, uint8_t kind, uint32_t id) { write_entity(w, kind, id, false); }

static void opt_num(struct jw *w, const char *k, double v, int d)
{
    if (isfinite(v))
        jw_kfixed(w, k, v, d);
}

void api_write_position(struct jw *w, const struct store_position *p)
{
    jw_kfixed(w, "lat", p->lat, 6);
    jw_kfixed(w, "lon", p->lon, 6);
    jw_kint(w, "t", p->t_ms);
    if (p->kind == STORE_AIRCRAFT)
        opt_num(w, "alt", p->alt_ft, 0);
    opt_num(w, "speed", p->speed_kt, 1);
    opt_num(w, "course", p->course_deg, 1);
    if (p->source)
        jw_kstr(w, "source", p->source);
}

/* A coordinate member (lat, lon, rejected_lat, lat2, ...): 6 decimals,
 * about 0.1 m, as every position the API writes. */
static bool coordinate_key(const char *k)
{
    if (!k)
        return false;
    size_t n = strlen(k);
    bool head = strncmp(k, "lat", 3) == 0 || strncmp(k, "lon", 3) == 0;
    if (head && (n == 3 || k[3] == '_' || (n == 4 && k[3] >= '0' && k[3] <= '9')))
        return true; /* lat, lat_first, lat2 */
    return n > 4 && (strcmp(k + n - 4, "_lat") == 0 || strcmp(k + n - 4, "_lon") == 0); /* rejected_lat */
}

void api_write_json(struct jw *w, const char *key, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *m;
        jw_obj_begin(w);
        json_object_foreach((json_t *)v, k, m)
        {
            jw_key_escaped(w, k, strlen(k));
            api_write_json(w, k, m);
        }
        jw_obj_end(w);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *m;
        jw_arr_begin(w);
        json_array_foreach(v, i, m) api_write_json(w, key, m);
        jw_arr_end(w);
        break;
    }
    case JSON_STRING: jw_strn(w, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: jw_int(w, json_integer_value(v)); break;
    case JSON_REAL:
        if (coordinate_key(key))
            jw_fixed(w, json_real_value(v), 6);
        else
            jw_double(w, json_real_value(v));
        break;
    case JSON_TRUE: jw_bool(w, true); break;
    case JSON_FALSE: jw_bool(w, false); break;
    case JSON_NULL: jw_null(w); break;
    }
}

/* --- identity at a time --- */

struct ident_ctx {
    struct api_ident *id;
    char last[32]; /* the field of the previous row: the first row per field wins */
};

static int on_ident(void *ctx, const struct store_identity *i)
{
    struct ident_ctx *c = ctx;
    if (strcmp(c->last, i->field) == 0)
        return 0;
    snprintf(c->last, sizeof c->last, "%s", i->field);
    static const struct {
        const char *field;
        size_t off, n;
    } slots[] = {
#define SLOT(f, m) {f, offsetof(struct api_ident, m), sizeof((struct api_ident *)0)->m}
        SLOT("name", name),         SLOT("callsign", callsign), SLOT("imo", imo),
        SLOT("shiptype", shiptype), SLOT("flag", flag),         SLOT("registration", registration),
        SLOT("country", country),   SLOT("type", type),         SLOT("operator", operator_),
#undef SLOT
    };
    for (size_t k = 0; k < sizeof slots / sizeof slots[0]; k++)
        if (strcmp(slots[k].field, i->field) == 0)
            snprintf((char *)c->id + slots[k].off, slots[k].n, "%s", i->value);
    return 0;
}

void api_ident_load(struct http_api *a, uint8_t kind, uint32_t id, int64_t at_ms, struct api_ident *out)
{
    memset(out, 0, sizeof *out);
    struct ident_ctx c = {.id = out};
    a->st->ops->query_identity_at(a->st, kind, id, at_ms, on_ident, &c);
}

const char *api_operator(const struct http_api *a, const struct api_ident *ident)
{
    if (ident->operator_[0])
        return ident->operator_;
    const struct ref_operator *op = a->ref && ident->callsign[0] ? ref_operator_by_callsign(a->ref, ident->callsign)
                                                                  : NULL;
    return op ? op->icao : NULL;
}

/* --- watchlists --- */

int api_watch_reload(struct http_api *a)
{
    ref_wl_index_free(a->wlx);
    a->wlx = NULL;
    ref_wl_set_free(&a->wl);
    ref_wl_set_init(&a->wl);
    if (a->st->ops->watchlist_load(a->st, &a->wl) != 0)
        return -1;
    a->wlx = a->st->ops->watchlist_index(a->st, &a->wl);
    a->wl_gen++;
    return 0;
}

static void write_match(struct jw *w, const struct ref_wl_match *m)
{
    const struct ref_wl_entry *e = m->entry;
    jw_obj_begin(w);
    jw_kstr(w, "list", e->list);
    if (e->program)
        jw_kstr(w, "program", e->program);
    jw_kint(w, "entry_id", e->id);
    if (e->entry_num)
        jw_kstr(w, "entry", e->entry_num);
    jw_kstr(w, "name", e->name);
    if (e->list_date)
        jw_kstr(w, "listed", e->list_date);
    jw_kstr(w, "rule", ref_wl_rule_name(m->rule));
    jw_kbool(w, "weak", m->weak);
    jw_obj_end(w);
}

int api_write_watch(struct http_api *a, struct jw *w, uint8_t kind, uint32_t id, const struct api_ident *ident,
                    bool all)
{
    if (!a->wlx)
        return 0;
    struct ref_wl_match m[8];
    int n;
    if (kind == STORE_VESSEL) {
        struct ref_wl_vessel v = {.mmsi = id, .imo = (uint32_t)strtoul(ident->imo, NULL, 10),
                                  .name = ident->name[0] ? ident->name : NULL,
                                  .flag = ident->flag[0] ? ident->flag : NULL};
        n = ref_wl_match_vessel(a->wlx, &v, m, 8);
    } else {
        struct ref_wl_aircraft ac = {.icao24 = id, .registration = ident->registration[0] ? ident->registration : NULL,
                                     .callsign = ident->callsign[0] ? ident->callsign : NULL};
        n = ref_wl_match_aircraft(a->wlx, &ac, m, 8);
    }
    if (n > 8)
        n = 8;
    if (all) {
        jw_key(w, "watch");
        jw_arr_begin(w);
        for (int i = 0; i < n; i++)
            write_match(w, &m[i]);
        jw_arr_end(w);
    } else if (n > 0) {
        jw_key(w, "watch");
        write_match(w, &m[0]);
    }
    return n;
}

/* --- lifecycle and routing --- */

struct http_api *http_api_open(const char *store_url, const char *write_token, const struct ref *ref, char *err,
                               size_t errn)
{
    struct store *st = store_open(store_url, err, errn);
    if (!st)
        return NULL;
    struct http_api *a = xcalloc(1, sizeof *a);
    pthread_mutex_init(&a->lock, NULL);
    a->st = st;
    a->ref = ref;
    a->write_token = write_token && *write_token ? xstrdup(write_token) : NULL;
    ref_wl_set_init(&a->wl);
    if (api_watch_reload(a) != 0) {
        snprintf(err, errn, "watchlists: %s", st->err);
        http_api_close(a);
        return NULL;
    }
    return a;
}

void http_api_close(struct http_api *a)
{
    if (!a)
        return;
    ref_wl_index_free(a->wlx);
    ref_wl_set_free(&a->wl);
    for (size_t i = 0; i < sizeof a->cache / sizeof a->cache[0]; i++)
        buf_free(&a->cache[i].body);
    store_close(a->st);
    free(a->write_token);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

bool http_api_writable(const struct http_api *a) { return a->write_token != NULL; }

bool http_api_token_ok(const struct http_api *a, const char *authorization)
{
    if (!a->write_token || !authorization || strncmp(authorization, "Bearer ", 7) != 0)
        return false;
    const char *given = authorization + 7;
    size_t n = strlen(a->write_token), g = strlen(given);
    /* Constant time in the token's length: the answer's timing says nothing
     * about how many leading bytes were right. */
    unsigned char diff = (unsigned char)(n != g);
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a->write_token[i] ^ (i < g ? given[i] : 0));
    return diff == 0;
}

/* "/a/b/c" -> segments; returns the count, or -1 beyond max. */
static int split(const char *path, char *store, size_t n, const char **seg, int max)
{
    size_t len = strlen(path);
    if (len >= n)
        return -1;
    memcpy(store, path, len + 1);
    int k = 0;
    for (char *p = store; *p;) {
        if (*p == '/') {
            *p++ = 0;
            continue;
        }
        if (k == max)
            return -1;
        seg[k++] = p;
        while (*p && *p != '/')
            p++;
    }
    return k;
}

static int method_is(const struct api_req *r, const char *m)
{
    return strcmp(r->method, m) == 0 || (strcmp(m, "GET") == 0 && strcmp(r->method, "HEAD") == 0);
}

void http_api_handle(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    char store[HTTP_MAX_PATH + 1];
    const char *seg[4];
    int n = split(r->path, store, sizeof store, seg, 4);
    out->status = 0;
    pthread_mutex_lock(&a->lock);
    static const struct {
        const char *name;
        int (*fn)(struct http_api *, const struct api_req *, struct api_reply *);
    } simple[] = {
        {"entities", api_entities}, {"timespan", api_timespan},   {"search", api_search},
        {"events", api_events},     {"flights", api_flights},     {"portcalls", api_portcalls},
        {"alerts", api_alerts},     {"triage", api_triage},       {"find", api_find},
    };
    if (n == 1) {
        for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
            if (strcmp(seg[0], simple[i].name) == 0) {
                if (!method_is(r, "GET"))
                    api_error(out, 405, "%s: GET only", seg[0]);
                else if (api_check_params(seg[0], r, out) == 0)
                    simple[i].fn(a, r, out);
                goto done;
            }
        if (strcmp(seg[0], "watchlist") == 0) {
            if (method_is(r, "GET")) {
                if (api_check_params(seg[0], r, out) == 0)
                    api_watchlist_get(a, r, out);
            }
            else if (strcmp(r->method, "POST") == 0)
                api_watchlist_post(a, r, out);
            else
                api_error(out, 405, "watchlist: GET or POST");
            goto done;
        }
    } else if (n == 2 && strcmp(seg[0], "watchlist") == 0) {
        if (strcmp(r->method, "DELETE") == 0)
            api_watchlist_delete(a, r, seg[1], out);
        else
            api_error(out, 405, "watchlist/ID: DELETE only");
        goto done;
    } else if (n == 3 && (strcmp(seg[0], "entity") == 0 || strcmp(seg[0], "track") == 0)) {
        if (!method_is(r, "GET"))
            api_error(out, 405, "%s: GET only", seg[0]);
        else if (api_check_params(seg[0], r, out) == 0 && seg[0][0] == 'e')
            api_dossier(a, r, seg[1], seg[2], out);
        else if (out->status == 0)
            api_track(a, r, seg[1], seg[2], out);
        goto done;
    }
    api_error(out, 404, "no such API path: /api/v1%s", r->path);
done:
    pthread_mutex_unlock(&a->lock);
}

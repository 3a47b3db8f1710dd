/* api_events.c: what the detectors and watchlists found: /events (any kind),
 * /flights and /portcalls (events of kind flight and port_call, filtered by
 * members of their details), /alerts. Filters go to the store as a struct
 * (store_event_filter); no SQL is built here.
 *
 * An event is written by the one event writer (detect/event.h), as
 * `replay --detect` prints it live: the header (id, event, state, key, times,
 * position, entities with their roles), then the detector's own fields, so a
 * flight reads {"event":"flight",...,"operator":"IRM",...} as the contract
 * lists it, then the evidence. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "detect/event.h"
#include "http/api.h"
#include "store/store.h"

void api_write_event(struct jw *w, const struct store_event *e)
{
    struct event_view v;
    store_event_view(e, &v);
    event_write_json(w, &v);
}

void api_write_alert(struct jw *w, const struct store_alert *al)
{
    jw_obj_begin(w);
    jw_kint(w, "seq", al->row);
    jw_kint(w, "t", al->t_ms);
    if (al->kind == STORE_VESSEL || al->kind == STORE_AIRCRAFT)
        api_write_entity_ref(w, al->kind, al->id);
    jw_kstr(w, "rule", al->rule);
    if (al->message) {
        /* The message is the alert's event JSON (event.h), written by us. */
        jw_key(w, "message");
        if (al->message[0] == '{')
            jw_raw(w, al->message, strlen(al->message));
        else
            jw_str(w, al->message);
    }
    if (al->evidence) { /* a JSON array of raw messages */
        jw_key(w, "evidence");
        jw_raw(w, al->evidence, strlen(al->evidence));
    }
    jw_obj_end(w);
}

/* from, to and limit, common to every list here. */
static int window(const struct api_req *r, int64_t *from, int64_t *to, size_t *limit, struct api_reply *out)
{
    const char *f = api_arg(r, "from"), *t = api_arg(r, "to");
    *from = 0;
    *to = 0;
    if (f && api_parse_time(f, from))
        return api_error(out, 400, "from: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)");
    if (t && api_parse_time(t, to))
        return api_error(out, 400, "to: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)");
    if (t && f && *to < *from)
        return api_error(out, 400, "to is before from");
    if (api_parse_limit(api_arg(r, "limit"), API_DEFAULT_LIMIT, API_MAX_LIMIT, limit))
        return api_error(out, 400, "limit: 1..%u", API_MAX_LIMIT);
    return 0;
}

/* A list answer being built: the array, then {"count": n, key: [...]}. */
struct list_ctx {
    struct buf arr;
    struct jw aw, *w;
    size_t n;
};

static void list_begin(struct list_ctx *c)
{
    buf_init(&c->arr, 4096);
    jw_init(&c->aw, &c->arr);
    jw_arr_begin(&c->aw);
    c->w = &c->aw;
    c->n = 0;
}

/* The answer, or a 500 when the store's query (rc) failed; frees the array. */
static int list_answer(struct http_api *a, int rc, struct list_ctx *c, const char *key, struct api_reply *out)
{
    jw_arr_end(&c->aw);
    if (rc != 0) {
        buf_free(&c->arr);
        return api_error(out, 500, "store: %s", a->st->err);
    }
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    jw_kuint(&w, "count", c->n);
    jw_key(&w, key);
    jw_raw(&w, c->arr.p, c->arr.len);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    buf_free(&c->arr);
    return 200;
}

static int on_event(void *ctx, const struct store_event *e)
{
    struct list_ctx *c = ctx;
    api_write_event(c->w, e);
    c->n++;
    return 0;
}

/* Runs the filter and writes {"count": n, key: [...]}. */
static int answer_events(struct http_api *a, const struct store_event_filter *f, const char *key,
                         struct api_reply *out)
{
    struct list_ctx c;
    list_begin(&c);
    int rc = a->st->ops->query_events(a->st, f, on_event, &c);
    return list_answer(a, rc, &c, key, out);
}

int api_events(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    struct store_event_filter f = {.newest_first = true};
    char kinds[512];
    const char *kind = api_arg(r, "kind"), *entity = api_arg(r, "entity"), *bbox = api_arg(r, "bbox");
    if (window(r, &f.from_ms, &f.to_ms, &f.limit, out))
        return out->status;
    if (kind) {
        int n = api_parse_words(kind, kinds, sizeof kinds, f.kinds, STORE_FILTER_KINDS);
        if (n < 0)
            return api_error(out, 400, "kind: up to %d comma-separated event kinds", STORE_FILTER_KINDS);
        f.nkinds = (size_t)n;
    }
    if (entity && api_parse_entity_ref(entity, &f.entity_kind, &f.entity_id))
        return api_error(out, 400, "entity: vessel:MMSI or aircraft:HEX");
    const char *state = api_arg(r, "state");
    if (state) {
        int st = event_state_parse(state);
        if (st < 0)
            return api_error(out, 400, "state: open or closed");
        f.state = st == EVENT_OPEN ? STORE_STATE_OPEN : STORE_STATE_CLOSED;
    }
    if (bbox) {
        double b[4];
        if (api_parse_bbox(bbox, b))
            return api_error(out, 400, "bbox: LAT0,LON0,LAT1,LON1 in degrees");
        f.has_box = true;
        f.lat0 = b[0], f.lon0 = b[1], f.lat1 = b[2], f.lon1 = b[3];
    }
    return answer_events(a, &f, "events", out);
}

/* Query arguments that become conditions on details members. */
struct member {
    const char *arg, *key;
    const char *name_key; /* a value longer than two letters is a name: this member */
};

static int add_members(const struct api_req *r, const struct member *m, size_t n, struct store_event_filter *f,
                       struct api_reply *out)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = api_arg(r, m[i].arg);
        if (!v)
            continue;
        if (strlen(v) > 64)
            return api_error(out, 400, "%s: at most 64 characters", m[i].arg);
        /* A country is a code (VE) or a name (Venezuela), as `atalaya query`. */
        f->where[f->nwhere].key = m[i].name_key && strlen(v) != 2 ? m[i].name_key : m[i].key;
        f->where[f->nwhere++].value = v;
    }
    return 0;
}

int api_flights(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    static const struct member members[] = {
        {"operator", "operator", NULL},
        {"registration", "registration", NULL},
        {"departure_airport", "departure_airport", NULL},
        {"arrival_airport", "arrival_airport", NULL},
        {"departure_country", "departure_country_code", "departure_country"},
        {"arrival_country", "arrival_country_code", "arrival_country"},
        {"callsign", "callsign", NULL},
    };
    struct store_event_filter f = {.newest_first = true, .kinds = {"flight"}, .nkinds = 1};
    if (window(r, &f.from_ms, &f.to_ms, &f.limit, out) || add_members(r, members, 7, &f, out))
        return out->status;
    const char *icao = api_arg(r, "icao");
    if (icao && api_parse_entity("aircraft", icao, &f.entity_kind, &f.entity_id))
        return api_error(out, 400, "icao: 6 hex digits");
    return answer_events(a, &f, "flights", out);
}

int api_portcalls(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    static const struct member members[] = {
        {"port", "port", NULL}, {"country", "port_country", NULL}, {"imo", "imo", NULL}};
    struct store_event_filter f = {.newest_first = true, .kinds = {"port_call"}, .nkinds = 1};
    if (window(r, &f.from_ms, &f.to_ms, &f.limit, out) || add_members(r, members, 3, &f, out))
        return out->status;
    const char *mmsi = api_arg(r, "mmsi");
    if (mmsi && api_parse_entity("vessel", mmsi, &f.entity_kind, &f.entity_id))
        return api_error(out, 400, "mmsi: 1 to 9 digits");
    return answer_events(a, &f, "port_calls", out);
}

static int on_alert(void *ctx, const struct store_alert *al)
{
    struct list_ctx *c = ctx;
    api_write_alert(c->w, al);
    c->n++;
    return 0;
}

int api_alerts(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    struct store_alert_filter f = {.newest_first = true};
    if (window(r, &f.from_ms, &f.to_ms, &f.limit, out))
        return out->status;
    const char *entity = api_arg(r, "entity");
    if (entity && api_parse_entity_ref(entity, &f.entity_kind, &f.entity_id))
        return api_error(out, 400, "entity: vessel:MMSI or aircraft:HEX");
    struct list_ctx c;
    list_begin(&c);
    int rc = a->st->ops->query_alerts(a->st, &f, on_alert, &c);
    return list_answer(a, rc, &c, "alerts", out);
}

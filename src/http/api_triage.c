/* api_triage.c: /triage, what the event list opens on. For the events
 * /events would list with the same filters (from, to, kind, entity, bbox):
 * how many there are of each kind and how many are still open, how many
 * alerts the window holds, and which of the entities involved are on a
 * watchlist (their strongest match), so the page can rank a watchlisted
 * vessel's meeting above a stranger's port call without fetching every event
 * first (docs/formats/api-v1.md). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "http/api.h"
#include "store/store.h"

/* Entities matched against the watchlists at most: a window of a busy store
 * can involve many more, and the answer says when it stopped. */
#define TRIAGE_MAX_ENTITIES 20000u

struct kinds_ctx {
    struct jw *w;
    int64_t total, open;
};

static int on_kind(void *ctx, const char *kind, int64_t count, int64_t open)
{
    struct kinds_ctx *c = ctx;
    jw_obj_begin(c->w);
    jw_kstr(c->w, "kind", kind ? kind : "");
    jw_kint(c->w, "count", count);
    jw_kint(c->w, "open", open);
    jw_obj_end(c->w);
    c->total += count;
    c->open += open;
    return 0;
}

struct watch_ctx {
    struct http_api *a;
    struct jw *w;
    struct buf one;
    size_t seen, listed;
};

/* One entity: written only when a watchlist names it. */
static int on_entity(void *ctx, uint8_t kind, uint32_t id)
{
    struct watch_ctx *c = ctx;
    c->seen++;
    struct api_ident ident;
    api_ident_load(c->a, kind, id, INT64_MAX, &ident);
    struct jw w;
    c->one.len = 0;
    jw_init(&w, &c->one);
    jw_obj_begin(&w);
    api_write_entity_ref(&w, kind, id);
    const char *name = kind == STORE_VESSEL ? ident.name : ident.callsign;
    if (name[0])
        jw_kstr(&w, "name", name);
    if (api_write_watch(c->a, &w, kind, id, &ident, false) <= 0)
        return 0;
    jw_obj_end(&w);
    jw_raw(c->w, c->one.p, c->one.len);
    c->listed++;
    return 0;
}

static int count_alert(void *ctx, const struct store_alert *al)
{
    (void)al;
    ++*(size_t *)ctx;
    return 0;
}

int api_triage(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    struct store_event_filter f = {0};
    char kinds[512];
    const char *from = api_arg(r, "from"), *to = api_arg(r, "to"), *kind = api_arg(r, "kind"),
               *entity = api_arg(r, "entity"), *bbox = api_arg(r, "bbox");
    if (from && api_parse_time(from, &f.from_ms))
        return api_error(out, 400, "from: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)");
    if (to && api_parse_time(to, &f.to_ms))
        return api_error(out, 400, "to: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)");
    if (from && to && f.to_ms < f.from_ms)
        return api_error(out, 400, "to is before from");
    if (kind) {
        int n = api_parse_words(kind, kinds, sizeof kinds, f.kinds, STORE_FILTER_KINDS);
        if (n < 0)
            return api_error(out, 400, "kind: up to %d comma-separated event kinds", STORE_FILTER_KINDS);
        f.nkinds = (size_t)n;
    }
    if (entity && api_parse_entity_ref(entity, &f.entity_kind, &f.entity_id))
        return api_error(out, 400, "entity: vessel:MMSI or aircraft:HEX");
    if (bbox) {
        double b[4];
        if (api_parse_bbox(bbox, b))
            return api_error(out, 400, "bbox: LAT0,LON0,LAT1,LON1 in degrees");
        f.has_box = true;
        f.lat0 = b[0], f.lon0 = b[1], f.lat1 = b[2], f.lon1 = b[3];
    }

    /* The kinds first, into a buffer of their own: the totals go before them. */
    struct buf kb;
    buf_init(&kb, 1024);
    struct jw kw;
    jw_init(&kw, &kb);
    jw_arr_begin(&kw);
    struct kinds_ctx kc = {.w = &kw};
    int rc = a->st->ops->count_events(a->st, &f, on_kind, &kc);
    jw_arr_end(&kw);

    struct buf wb;
    buf_init(&wb, 1024);
    struct jw ww;
    jw_init(&ww, &wb);
    jw_arr_begin(&ww);
    struct watch_ctx wc = {.a = a, .w = &ww};
    buf_init(&wc.one, 512);
    if (rc == 0)
        rc = a->st->ops->event_entities(a->st, &f, TRIAGE_MAX_ENTITIES, on_entity, &wc);
    jw_arr_end(&ww);
    buf_free(&wc.one);

    size_t alerts = 0;
    struct store_alert_filter af = {.from_ms = f.from_ms, .to_ms = f.to_ms, .entity_kind = f.entity_kind,
                                    .entity_id = f.entity_id};
    if (rc == 0 && !kind && !bbox)
        rc = a->st->ops->query_alerts(a->st, &af, count_alert, &alerts);
    if (rc != 0) {
        buf_free(&kb);
        buf_free(&wb);
        return api_error(out, 500, "store: %s", a->st->err);
    }

    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    jw_kint(&w, "total", kc.total);
    jw_kint(&w, "open", kc.open);
    /* Alerts carry no kind of event nor a place of their own in the store:
     * with a kind or box filter they are not counted (absent, not 0). */
    if (!kind && !bbox)
        jw_kuint(&w, "alerts", alerts);
    jw_key(&w, "kinds");
    jw_raw(&w, kb.p, kb.len);
    jw_key(&w, "watchlisted");
    jw_raw(&w, wb.p, wb.len);
    jw_kuint(&w, "entities", wc.seen);
    jw_kbool(&w, "entities_truncated", wc.seen >= TRIAGE_MAX_ENTITIES);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    buf_free(&kb);
    buf_free(&wb);
    return 200;
}

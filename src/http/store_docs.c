/* store_docs.c: /data/aircraft.json and /data/vessels.json in `serve`, where
 * there is no tracker: the store's picture at a moment (api_entities.c's
 * rules: latest fix at or before it, 30 min for vessels, 5 min for
 * aircraft) written in the live documents' formats
 * (docs/formats/live-json.md), so tar1090 and the map read a store the way
 * they read a live receiver. "now" is that moment, in event time. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "http/api.h"
#include "http/http_internal.h"
#include "store/store.h"

struct doc_ctx {
    struct http_api *a;
    struct jw *w;
    uint8_t kind;
    int64_t at_ms;
};

static void opt_num(struct jw *w, const char *k, double v, int d)
{
    if (isfinite(v))
        jw_kfixed(w, k, v, d);
}

static int on_fix(void *ctx, const struct store_position *p)
{
    struct doc_ctx *c = ctx;
    if (p->kind != c->kind)
        return 0;
    struct jw *w = c->w;
    struct api_ident id;
    api_ident_load(c->a, p->kind, p->id, c->at_ms, &id);
    double age = (double)(c->at_ms - p->t_ms) / 1000.0;
    jw_obj_begin(w);
    if (p->kind == STORE_AIRCRAFT) {
        char hex[8], flight[9];
        snprintf(hex, sizeof hex, "%06" PRIx32, p->id);
        jw_kstr(w, "hex", hex);
        if (id.callsign[0]) {
            snprintf(flight, sizeof flight, "%-8.8s", id.callsign); /* padded as dump1090 */
            jw_kstr(w, "flight", flight);
        }
        if (id.registration[0])
            jw_kstr(w, "r", id.registration);
        if (id.type[0])
            jw_kstr(w, "t", id.type);
        opt_num(w, "alt_baro", p->alt_ft, 0);
        opt_num(w, "gs", p->speed_kt, 1);
        opt_num(w, "track", p->course_deg, 1);
        if (id.country[0])
            jw_kstr(w, "country", id.country);
        const char *op = api_operator(c->a, &id);
        if (op)
            jw_kstr(w, "operator", op);
    } else {
        jw_kuint(w, "mmsi", p->id);
        if (id.name[0])
            jw_kstr(w, "name", id.name);
        if (id.callsign[0])
            jw_kstr(w, "callsign", id.callsign);
        if (id.imo[0])
            jw_kuint(w, "imo", strtoull(id.imo, NULL, 10));
        if (id.shiptype[0])
            jw_kuint(w, "shiptype", strtoull(id.shiptype, NULL, 10));
        if (id.flag[0])
            jw_kstr(w, "flag", id.flag);
        opt_num(w, "speed", p->speed_kt, 1);
        opt_num(w, "course", p->course_deg, 1);
    }
    jw_kfixed(w, "lat", p->lat, 6);
    jw_kfixed(w, "lon", p->lon, 6);
    jw_kfixed(w, "seen_pos", age, 1);
    jw_kfixed(w, "seen", age, 1);
    jw_obj_end(w);
    return 0;
}

void http_store_write(struct http_api *a, enum http_doc doc, struct buf *out)
{
    int64_t from = 0, at = 0;
    pthread_mutex_lock(&a->lock);
    a->st->ops->timespan(a->st, &from, &at);
    struct jw w;
    jw_init(&w, out);
    jw_obj_begin(&w);
    jw_kfixed(&w, "now", (double)at / 1000.0, 1);
    jw_kint(&w, "messages", 0);
    jw_key(&w, doc == HTTP_DOC_AIRCRAFT ? "aircraft" : "vessels");
    jw_arr_begin(&w);
    struct doc_ctx c = {.a = a, .w = &w, .kind = doc == HTTP_DOC_AIRCRAFT ? STORE_AIRCRAFT : STORE_VESSEL,
                        .at_ms = at};
    if (at)
        a->st->ops->query_picture(a->st, at, API_VESSEL_AGE_MS, API_AIRCRAFT_AGE_MS, on_fix, &c);
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(out, '\n');
    pthread_mutex_unlock(&a->lock);
}

void http_store_stats(struct http_api *a, struct jw *w)
{
    int64_t from = 0, to = 0;
    struct store_rows rows = {0};
    pthread_mutex_lock(&a->lock);
    a->st->ops->timespan(a->st, &from, &to);
    a->st->ops->last_rows(a->st, &rows);
    size_t listed = a->wl.n;
    pthread_mutex_unlock(&a->lock);
    jw_key(w, "store");
    jw_obj_begin(w);
    jw_kint(w, "from", from);
    jw_kint(w, "to", to);
    /* Row ids, not counts: counting a large table would scan it. */
    jw_kint(w, "position_rows", rows.position);
    jw_kint(w, "event_rows", rows.event);
    jw_kint(w, "alert_rows", rows.alert);
    jw_kuint(w, "watchlist_entries", listed);
    jw_kbool(w, "writable", a->write_token != NULL);
    jw_obj_end(w);
}

/* api_dossier.c: one entity: its dossier (/entity/KIND/ID: identities over
 * time, latest fix, watchlist matches, the newest flights, port calls,
 * events and alerts about it) and its track (/track/KIND/ID) as GeoJSON,
 * CSV or KML 2.2. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/timeparse.h"
#include "http/api.h"
#include "store/store.h"

struct ident_list {
    struct jw *w;
    size_t n;
};

static int on_identity(void *ctx, const struct store_identity *i)
{
    struct ident_list *c = ctx;
    jw_obj_begin(c->w);
    jw_kstr(c->w, "field", i->field);
    jw_kstr(c->w, "value", i->value);
    jw_kint(c->w, "from", i->valid_from_ms);
    if (i->valid_to_ms)
        jw_kint(c->w, "to", i->valid_to_ms);
    jw_obj_end(c->w);
    c->n++;
    return 0;
}

static int on_latest(void *ctx, const struct store_position *p)
{
    struct jw *w = ctx;
    jw_key(w, "latest");
    jw_obj_begin(w);
    api_write_position(w, p);
    jw_obj_end(w);
    return 1;
}

static int on_event(void *ctx, const struct store_event *e)
{
    api_write_event(ctx, e);
    return 0;
}

static int on_alert(void *ctx, const struct store_alert *a)
{
    api_write_alert(ctx, a);
    return 0;
}

static int events_of(struct http_api *a, struct jw *w, const char *key, uint8_t kind, uint32_t id,
                     const char *const *kinds, size_t nkinds)
{
    struct store_event_filter f = {.entity_kind = kind, .entity_id = id, .newest_first = true,
                                   .limit = API_DOSSIER_ITEMS, .nkinds = nkinds};
    for (size_t i = 0; i < nkinds; i++)
        f.kinds[i] = kinds[i];
    jw_key(w, key);
    jw_arr_begin(w);
    int rc = a->st->ops->query_events(a->st, &f, on_event, w);
    jw_arr_end(w);
    return rc;
}

int api_dossier(struct http_api *a, const struct api_req *r, const char *kind_s, const char *id_s,
                struct api_reply *out)
{
    uint8_t kind;
    uint32_t id;
    if (api_parse_entity(kind_s, id_s, &kind, &id))
        return api_error(out, 400, "entity: /entity/vessel/MMSI or /entity/aircraft/HEX");
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    api_write_entity_id(&w, kind, id);
    jw_key(&w, "identities");
    jw_arr_begin(&w);
    struct ident_list il = {.w = &w};
    int rc = a->st->ops->query_identity(a->st, kind, id, on_identity, &il);
    jw_arr_end(&w);
    size_t before_latest = out->body.len;
    if (rc == 0)
        rc = a->st->ops->query_latest(a->st, kind, id, INT64_MAX, on_latest, &w);
    if (rc == 0 && il.n == 0 && out->body.len == before_latest)
        return api_error(out, 404, "%s %s: not in the store", kind_s, id_s);
    /* The current identity, flat, as /entities writes it. */
    struct api_ident cur;
    api_ident_load(a, kind, id, INT64_MAX - 1, &cur);
    if (kind == STORE_VESSEL) {
        if (cur.name[0])
            jw_kstr(&w, "name", cur.name);
        if (cur.callsign[0])
            jw_kstr(&w, "callsign", cur.callsign);
        if (cur.imo[0] && strspn(cur.imo, "0123456789") == strlen(cur.imo) && strlen(cur.imo) < 12)
            jw_kuint(&w, "imo", strtoull(cur.imo, NULL, 10)); /* a number, as in /entities */
        if (cur.flag[0])
            jw_kstr(&w, "flag", cur.flag);
    } else {
        const char *op = api_operator(a, &cur);
        if (cur.callsign[0])
            jw_kstr(&w, "callsign", cur.callsign);
        if (cur.registration[0])
            jw_kstr(&w, "registration", cur.registration);
        if (op)
            jw_kstr(&w, "operator", op);
        if (cur.country[0])
            jw_kstr(&w, "country", cur.country);
    }
    api_write_watch(a, &w, kind, id, &cur, true);
    static const char *const flight[] = {"flight"}, *const port_call[] = {"port_call"};
    if (rc == 0)
        rc = events_of(a, &w, "flights", kind, id, flight, 1);
    if (rc == 0)
        rc = events_of(a, &w, "port_calls", kind, id, port_call, 1);
    if (rc == 0)
        rc = events_of(a, &w, "events", kind, id, NULL, 0);
    if (rc == 0) {
        struct store_alert_filter af = {.entity_kind = kind, .entity_id = id, .newest_first = true,
                                        .limit = API_DOSSIER_ITEMS};
        jw_key(&w, "alerts");
        jw_arr_begin(&w);
        rc = a->st->ops->query_alerts(a->st, &af, on_alert, &w);
        jw_arr_end(&w);
    }
    if (rc != 0)
        return api_error(out, 500, "store: %s", a->st->err);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return 200;
}

/* --- track --- */

enum track_fmt { TRACK_GEOJSON, TRACK_CSV, TRACK_KML };

struct track_ctx {
    enum track_fmt fmt;
    struct buf *b, times;
    size_t n;
    int64_t first, last;
    double lat, lon; /* the first point, for a one-point track */
};

static void iso(struct buf *b, int64_t ms)
{
    char t[32];
    buf_put(b, t, time_iso_ms(ms, true, t, sizeof t));
}

static void csv_num(struct buf *b, double v, int d)
{
    buf_putc(b, ',');
    if (isfinite(v))
        buf_fixed(b, v, d);
}

static int on_point(void *ctx, const struct store_position *p)
{
    struct track_ctx *c = ctx;
    if (c->n == API_MAX_TRACK)
        return 1;
    if (c->n == 0)
        c->first = p->t_ms, c->lat = p->lat, c->lon = p->lon;
    c->last = p->t_ms;
    switch (c->fmt) {
    case TRACK_GEOJSON:
        /* [lon, lat] as RFC 7946 3.1.1; times run beside the coordinates. */
        if (c->n)
            buf_putc(c->b, ','), buf_putc(&c->times, ',');
        buf_printf(c->b, "[%.6f,%.6f]", p->lon, p->lat);
        buf_i64(&c->times, p->t_ms);
        break;
    case TRACK_CSV:
        buf_printf(c->b, "%" PRId64 ",", p->t_ms);
        iso(c->b, p->t_ms);
        buf_printf(c->b, ",%.6f,%.6f", p->lat, p->lon);
        csv_num(c->b, p->alt_ft, 0);
        csv_num(c->b, p->speed_kt, 1);
        csv_num(c->b, p->course_deg, 1);
        buf_printf(c->b, ",%s\n", p->source ? p->source : "");
        break;
    case TRACK_KML:
        /* KML: lon,lat[,alt in metres] tuples separated by spaces. */
        buf_printf(c->b, "%.6f,%.6f", p->lon, p->lat);
        if (isfinite(p->alt_ft))
            buf_printf(c->b, ",%.0f", p->alt_ft * 0.3048);
        buf_putc(c->b, ' ');
        break;
    }
    c->n++;
    return 0;
}

static void xml_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_putc(b, *s);
        }
    }
}

int api_track(struct http_api *a, const struct api_req *r, const char *kind_s, const char *id_s,
              struct api_reply *out)
{
    uint8_t kind;
    uint32_t id;
    int64_t from = 0, to = INT64_MAX;
    const char *f = api_arg(r, "from"), *t = api_arg(r, "to"), *fmt = api_arg(r, "format");
    if (api_parse_entity(kind_s, id_s, &kind, &id))
        return api_error(out, 400, "entity: /track/vessel/MMSI or /track/aircraft/HEX");
    if ((f && api_parse_time(f, &from)) || (t && api_parse_time(t, &to)))
        return api_error(out, 400, "from/to: ms since the epoch or ISO 8601 (2026-03-02T10:00:00Z)");
    if (to < from)
        return api_error(out, 400, "to is before from");
    struct track_ctx c = {.fmt = TRACK_GEOJSON, .b = &out->body};
    if (fmt && strcmp(fmt, "geojson") != 0) {
        if (strcmp(fmt, "csv") == 0)
            c.fmt = TRACK_CSV;
        else if (strcmp(fmt, "kml") == 0)
            c.fmt = TRACK_KML;
        else
            return api_error(out, 400, "format: geojson, csv or kml");
    }
    struct api_ident ident;
    api_ident_load(a, kind, id, INT64_MAX - 1, &ident);
    char label[80];
    if (kind == STORE_VESSEL)
        snprintf(label, sizeof label, "%" PRIu32 "%s%s", id, ident.name[0] ? " " : "", ident.name);
    else
        snprintf(label, sizeof label, "%06" PRIx32 "%s%s", id, ident.callsign[0] ? " " : "", ident.callsign);
    /* The points go into their own buffers; the head is written before them. */
    struct buf body;
    buf_init(&body, 4096);
    buf_init(&c.times, 1024);
    c.b = &body;
    int rc = a->st->ops->query_track(a->st, kind, id, from, to, on_point, &c);
    out->body.len = 0;
    if (rc != 0) {
        buf_free(&body);
        buf_free(&c.times);
        return api_error(out, 500, "store: %s", a->st->err);
    }
    struct buf *o = &out->body;
    out->status = 200;
    if (c.fmt != TRACK_GEOJSON)
        snprintf(out->filename, sizeof out->filename, "track-%s-%s.%s", kind_s, id_s,
                 c.fmt == TRACK_CSV ? "csv" : "kml");
    if (c.fmt == TRACK_GEOJSON) {
        out->ctype = "application/geo+json";
        struct jw w;
        jw_init(&w, o);
        jw_obj_begin(&w);
        jw_kstr(&w, "type", "FeatureCollection");
        jw_key(&w, "features");
        jw_arr_begin(&w);
        if (c.n) {
            jw_obj_begin(&w);
            jw_kstr(&w, "type", "Feature");
            jw_key(&w, "geometry");
            jw_obj_begin(&w);
            if (c.n == 1) {
                /* A LineString needs two positions (RFC 7946 3.1.4). */
                jw_kstr(&w, "type", "Point");
                jw_key(&w, "coordinates");
                buf_printf(o, "[%.6f,%.6f]", c.lon, c.lat);
            } else {
                jw_kstr(&w, "type", "LineString");
                jw_key(&w, "coordinates");
                jw_arr_begin(&w);
                jw_raw(&w, body.p, body.len);
                jw_arr_end(&w);
            }
            jw_obj_end(&w);
            jw_key(&w, "properties");
            jw_obj_begin(&w);
            api_write_entity_id(&w, kind, id);
            if (kind == STORE_VESSEL && ident.name[0])
                jw_kstr(&w, "name", ident.name);
            if (ident.callsign[0])
                jw_kstr(&w, "callsign", ident.callsign);
            jw_kint(&w, "from", c.first);
            jw_kint(&w, "to", c.last);
            jw_kuint(&w, "points", c.n);
            jw_kbool(&w, "truncated", c.n == API_MAX_TRACK);
            jw_key(&w, "times");
            jw_arr_begin(&w);
            jw_raw(&w, c.times.p, c.times.len);
            jw_arr_end(&w);
            jw_obj_end(&w);
            jw_obj_end(&w);
        }
        jw_arr_end(&w);
        jw_obj_end(&w);
        buf_putc(o, '\n');
    } else if (c.fmt == TRACK_CSV) {
        out->ctype = "text/csv; charset=utf-8";
        buf_puts(o, "t_ms,time,lat,lon,alt_ft,speed_kt,course_deg,source\n");
        buf_put(o, body.p, body.len);
    } else {
        out->ctype = "application/vnd.google-earth.kml+xml";
        buf_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark><name>");
        xml_text(o, label);
        buf_puts(o, "</name><description>");
        if (c.n) {
            iso(o, c.first);
            buf_puts(o, " to ");
            iso(o, c.last);
        }
        buf_puts(o, "</description><LineString><tessellate>1</tessellate><coordinates>");
        buf_put(o, body.p, body.len);
        buf_puts(o, "</coordinates></LineString></Placemark></Document></kml>\n");
    }
    buf_free(&body);
    buf_free(&c.times);
    return 200;
}

/* cmd_query.c: `atalaya query track|entity|events`: reads the store back.
 *   track MMSI|ICAO [--from T --to T]  positions in a window
 *   entity MMSI|ICAO                   identities over time (valid_from/valid_to)
 *   events [--from T --to T]           events in a window
 *   area LAT0 LON0 LAT1 LON1 [--from --to]  the latest fix of each entity in
 *                                      the box (R*Tree)
 * An MMSI is all digits; an ICAO address is 6 hex digits (or prefixed with
 * "icao:"). Times are ms since the epoch, event time as stored. Output
 * --format json (lines), csv, or geojson (track: one LineString feature,
 * events: Points). */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "store/store.h"

enum qfmt { Q_JSON, Q_CSV, Q_GEOJSON };

struct qout {
    enum qfmt fmt;
    struct buf b;
    unsigned n;
};

/* MMSI: 9 decimal digits or fewer; ICAO: 6 hex digits or "icao:XXXXXX". */
static int parse_entity(const char *s, uint8_t *kind, uint32_t *id)
{
    char *end;
    if (strncmp(s, "icao:", 5) == 0 || (strlen(s) == 6 && strspn(s, "0123456789abcdefABCDEF") == 6 &&
                                        strspn(s, "0123456789") != 6)) {
        const char *h = s[4] == ':' ? s + 5 : s;
        unsigned long v = strtoul(h, &end, 16);
        if (*end || end == h || v > 0xFFFFFF)
            return -1;
        *kind = STORE_AIRCRAFT;
        *id = (uint32_t)v;
        return 0;
    }
    unsigned long v = strtoul(s, &end, 10);
    if (*end || end == s || v > 999999999)
        return -1;
    *kind = STORE_VESSEL;
    *id = (uint32_t)v;
    return 0;
}

static void put_num(struct jw *w, const char *k, double v, int d)
{
    jw_key(w, k);
    if (isfinite(v))
        jw_fixed(w, v, d);
    else
        jw_null(w);
}

static void csv_num(struct buf *b, double v, int d)
{
    if (isfinite(v))
        buf_printf(b, "%.*f", d, v);
}

static int on_position(void *ctx, const struct store_position *p)
{
    struct qout *o = ctx;
    if (o->fmt == Q_CSV) {
        if (o->n++ == 0)
            buf_puts(&o->b, "kind,id,t_ms,lat,lon,alt_ft,speed_kt,course_deg,source\n");
        buf_printf(&o->b, "%s,%" PRIu32 ",%" PRId64 ",%.6f,%.6f,", p->kind == STORE_VESSEL ? "vessel" : "aircraft",
                   p->id, p->t_ms, p->lat, p->lon);
        csv_num(&o->b, p->alt_ft, 0);
        buf_putc(&o->b, ',');
        csv_num(&o->b, p->speed_kt, 1);
        buf_putc(&o->b, ',');
        csv_num(&o->b, p->course_deg, 1);
        buf_printf(&o->b, ",%s\n", p->source ? p->source : "");
        return 0;
    }
    struct jw w;
    jw_init(&w, &o->b);
    if (o->fmt == Q_GEOJSON) {
        /* Coordinates of the LineString, [lon, lat] as RFC 7946 3.1.1. */
        if (o->n++)
            buf_putc(&o->b, ',');
        buf_printf(&o->b, "[%.6f,%.6f]", p->lon, p->lat);
        return 0;
    }
    jw_obj_begin(&w);
    jw_kstr(&w, "kind", p->kind == STORE_VESSEL ? "vessel" : "aircraft");
    jw_kuint(&w, "id", p->id);
    jw_kint(&w, "t_ms", p->t_ms);
    jw_kfixed(&w, "lat", p->lat, 6);
    jw_kfixed(&w, "lon", p->lon, 6);
    put_num(&w, "alt_ft", p->alt_ft, 0);
    put_num(&w, "speed_kt", p->speed_kt, 1);
    put_num(&w, "course_deg", p->course_deg, 1);
    if (p->source)
        jw_kstr(&w, "source", p->source);
    jw_obj_end(&w);
    buf_putc(&o->b, '\n');
    return 0;
}

static int on_identity(void *ctx, const struct store_identity *i)
{
    struct qout *o = ctx;
    if (o->fmt == Q_CSV) {
        if (o->n++ == 0)
            buf_puts(&o->b, "field,value,valid_from_ms,valid_to_ms\n");
        buf_printf(&o->b, "%s,\"", i->field);
        for (const char *c = i->value; *c; c++)
            buf_puts(&o->b, *c == '"' ? "\"\"" : (char[]){*c, 0});
        buf_printf(&o->b, "\",%" PRId64 ",", i->valid_from_ms);
        if (i->valid_to_ms)
            buf_printf(&o->b, "%" PRId64, i->valid_to_ms);
        buf_putc(&o->b, '\n');
        return 0;
    }
    struct jw w;
    jw_init(&w, &o->b);
    jw_obj_begin(&w);
    jw_kstr(&w, "field", i->field);
    jw_kstr(&w, "value", i->value);
    jw_kint(&w, "valid_from_ms", i->valid_from_ms);
    jw_key(&w, "valid_to_ms");
    if (i->valid_to_ms)
        jw_int(&w, i->valid_to_ms);
    else
        jw_null(&w);
    jw_obj_end(&w);
    buf_putc(&o->b, '\n');
    return 0;
}

static int on_event(void *ctx, const struct store_event *e)
{
    struct qout *o = ctx;
    if (o->fmt == Q_CSV) {
        if (o->n++ == 0)
            buf_puts(&o->b, "kind,t_start_ms,t_end_ms,lat,lon\n");
        buf_printf(&o->b, "%s,%" PRId64 ",", e->kind, e->t_start_ms);
        if (e->t_end_ms)
            buf_printf(&o->b, "%" PRId64, e->t_end_ms);
        buf_putc(&o->b, ',');
        csv_num(&o->b, e->lat, 6);
        buf_putc(&o->b, ',');
        csv_num(&o->b, e->lon, 6);
        buf_putc(&o->b, '\n');
        return 0;
    }
    struct jw w;
    if (o->fmt == Q_GEOJSON) {
        if (!isfinite(e->lat) || !isfinite(e->lon))
            return 0;
        if (o->n++)
            buf_putc(&o->b, ',');
        buf_printf(&o->b, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]},"
                          "\"properties\":", e->lon, e->lat);
    }
    jw_init(&w, &o->b);
    jw_obj_begin(&w);
    jw_kstr(&w, "kind", e->kind);
    jw_kint(&w, "t_start_ms", e->t_start_ms);
    jw_key(&w, "t_end_ms");
    if (e->t_end_ms)
        jw_int(&w, e->t_end_ms);
    else
        jw_null(&w);
    if (e->entities_json) {
        jw_key(&w, "entities");
        jw_raw(&w, e->entities_json, strlen(e->entities_json));
    }
    if (o->fmt == Q_JSON) {
        put_num(&w, "lat", e->lat, 6);
        put_num(&w, "lon", e->lon, 6);
    }
    if (e->details_json) {
        jw_key(&w, "details");
        jw_raw(&w, e->details_json, strlen(e->details_json));
    }
    if (e->evidence)
        jw_kstr(&w, "evidence", e->evidence);
    jw_obj_end(&w);
    buf_puts(&o->b, o->fmt == Q_GEOJSON ? "}" : "\n");
    return 0;
}

int cmd_query(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, 0, 's'}, {"from", required_argument, 0, 'f'},
        {"to", required_argument, 0, 't'},    {"format", required_argument, 0, 'F'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *url = "sqlite:atalaya.db";
    int64_t from = INT64_MIN, to = INT64_MAX;
    struct qout o = {.fmt = Q_JSON};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': url = optarg; break;
        case 'f': from = strtoll(optarg, NULL, 10); break;
        case 't': to = strtoll(optarg, NULL, 10); break;
        case 'F':
            if (strcmp(optarg, "json") == 0)
                o.fmt = Q_JSON;
            else if (strcmp(optarg, "csv") == 0)
                o.fmt = Q_CSV;
            else if (strcmp(optarg, "geojson") == 0)
                o.fmt = Q_GEOJSON;
            else
                return fprintf(stderr, "atalaya query: --format json|csv|geojson\n"), 1;
            break;
        case 'h':
            printf("usage: atalaya query [--store sqlite:PATH] [--from MS] [--to MS] [--format json|csv|geojson]\n"
                   "         track MMSI|ICAO | entity MMSI|ICAO | events | area LAT0 LON0 LAT1 LON1\n");
            return 0;
        default: return 1;
        }
    }
    const char *what = optind < argc ? argv[optind] : "";
    bool needs_id = strcmp(what, "track") == 0 || strcmp(what, "entity") == 0;
    bool area = strcmp(what, "area") == 0;
    if (!needs_id && !area && strcmp(what, "events") != 0)
        return fprintf(stderr, "atalaya query: track|entity|events|area\n"), 1;
    double box[4];
    for (int i = 0; area && i < 4; i++) {
        char *end;
        box[i] = optind + 1 + i < argc ? strtod(argv[optind + 1 + i], &end) : NAN;
        if (!isfinite(box[i]) || *end)
            return fprintf(stderr, "atalaya query: area LAT0 LON0 LAT1 LON1\n"), 1;
    }
    uint8_t kind = 0;
    uint32_t id = 0;
    if (needs_id && (optind + 1 >= argc || parse_entity(argv[optind + 1], &kind, &id) != 0))
        return fprintf(stderr, "atalaya query: %s needs an MMSI or a 6-hex-digit ICAO address\n", what), 1;
    char err[512];
    struct store *s = store_open(url, err, sizeof err);
    if (!s)
        return fprintf(stderr, "atalaya query: %s\n", err), 2;
    buf_init(&o.b, 1 << 16);
    int rc;
    if (area) {
        if (o.fmt == Q_GEOJSON)
            return fprintf(stderr, "atalaya query: area: json or csv\n"), store_close(s), buf_free(&o.b), 1;
        rc = s->ops->query_area(s, box[0], box[1], box[2], box[3], from, to, on_position, &o);
    } else if (what[0] == 't') {
        if (o.fmt == Q_GEOJSON)
            buf_printf(&o.b, "{\"type\":\"Feature\",\"properties\":{\"kind\":\"%s\",\"id\":%" PRIu32 "},"
                             "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[",
                       kind == STORE_VESSEL ? "vessel" : "aircraft", id);
        rc = s->ops->query_track(s, kind, id, from, to, on_position, &o);
        if (o.fmt == Q_GEOJSON)
            buf_puts(&o.b, "]}}\n");
    } else if (what[0] == 'e' && what[1] == 'n') {
        rc = s->ops->query_identity(s, kind, id, on_identity, &o);
    } else {
        if (o.fmt == Q_GEOJSON)
            buf_puts(&o.b, "{\"type\":\"FeatureCollection\",\"features\":[");
        struct store_event_filter f = {.from_ms = from, .to_ms = to == INT64_MAX ? 0 : to};
        rc = s->ops->query_events(s, &f, on_event, &o);
        if (o.fmt == Q_GEOJSON)
            buf_puts(&o.b, "]}\n");
    }
    if (rc != 0)
        fprintf(stderr, "atalaya query: %s\n", s->err);
    buf_flush(&o.b, stdout);
    buf_free(&o.b);
    store_close(s);
    return rc ? 2 : 0;
}

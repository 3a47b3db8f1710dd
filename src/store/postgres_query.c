/* postgres_query.c: the PostgreSQL store's queries for the CLI (track,
 * identity history, area, events), the same answers in the same order as
 * sqlite.c's (pg_internal.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "store/pg_internal.h"

static int emit_positions(struct pg_result *r, store_position_cb cb, void *ctx)
{
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++) {
        struct store_position p;
        pgx_row_position(r, i, &p);
        if (cb(ctx, &p))
            break;
    }
    pgx_clear(r);
    return 0;
}

int pg_query_track(struct store *s, uint8_t kind, uint32_t id, int64_t from_ms, int64_t to_ms,
                          store_position_cb cb, void *ctx)
{
    char k[8], i[16], f[24], t[24];
    snprintf(k, sizeof k, "%u", kind);
    snprintf(i, sizeof i, "%u", id);
    snprintf(f, sizeof f, "%lld", (long long)from_ms);
    snprintf(t, sizeof t, "%lld", (long long)to_ms);
    const char *v[4] = {k, i, f, t};
    return emit_positions(pgx_exec(s,
                                   "SELECT " PG_POS_COLS " FROM position WHERE kind=$1::int2 AND id=$2::int8"
                                   " AND t>=$3::int8 AND t<=$4::int8 ORDER BY t, rid",
                                   4, v),
                          cb, ctx);
}

int pg_query_identity(struct store *s, uint8_t kind, uint32_t id, store_identity_cb cb, void *ctx)
{
    char k[8], i[16];
    snprintf(k, sizeof k, "%u", kind);
    snprintf(i, sizeof i, "%u", id);
    const char *v[2] = {k, i};
    struct pg_result *r = pgx_exec(s,
                           "SELECT field, value, valid_from, valid_to FROM identity WHERE kind=$1::int2"
                           " AND id=$2::int8 ORDER BY valid_from, field, rid",
                           2, v);
    return pgx_each_identity(r, cb, ctx);
}

/* The GiST index on the geography point answers "&&" with a box on the
 * sphere whose edges are great circles, and the great circle between two
 * corners on one parallel bends towards the pole: the edge nearer the
 * equator would cut into the area. That edge is moved towards the equator
 * just enough for its great circle to stay outside the area (its highest
 * point at the area's own latitude), and a hair more for rounding; the
 * index then gives a superset, and each fix is checked against the area's
 * latitudes and longitudes. Areas wider than 90 degrees or near a pole go
 * without the index. */
#define D2R (M_PI / 180)
static int geo_envelope(double lat0, double lon0, double lat1, double lon1, char *out, size_t n)
{
    double w = lon1 - lon0;
    if (w > 90 || lat0 < -80 || lat1 > 80)
        return 0;
    double half = cos(w / 2 * D2R);
    if (lat0 > 0)
        lat0 = atan(tan(lat0 * D2R) * half) / D2R;
    if (lat1 < 0)
        lat1 = -atan(tan(-lat1 * D2R) * half) / D2R;
    const double pad = 1e-5;
    snprintf(out, n, "SRID=4326;POLYGON((%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g))",
             fmax(lon0 - pad, -180), lat0 - pad, fmin(lon1 + pad, 180), lat0 - pad, fmin(lon1 + pad, 180),
             lat1 + pad, fmax(lon0 - pad, -180), lat1 + pad, fmax(lon0 - pad, -180), lat0 - pad);
    return 1;
}

int pg_query_area(struct store *s, double lat0, double lon0, double lat1, double lon1, int64_t from_ms,
                         int64_t to_ms, store_position_cb cb, void *ctx)
{
    double la0 = fmin(lat0, lat1), la1 = fmax(lat0, lat1), lo0 = fmin(lon0, lon1), lo1 = fmax(lon0, lon1);
    char f[24], t[24], a[32], b[32], c[32], d[32], env[400];
    snprintf(f, sizeof f, "%lld", (long long)from_ms);
    snprintf(t, sizeof t, "%lld", (long long)to_ms);
    snprintf(a, sizeof a, "%.17g", la0);
    snprintf(b, sizeof b, "%.17g", la1);
    snprintf(c, sizeof c, "%.17g", lo0);
    snprintf(d, sizeof d, "%.17g", lo1);
    int indexed = geo_envelope(la0, lo0, la1, lo1, env, sizeof env);
    const char *v[7] = {f, t, a, b, c, d, env};
    /* Each entity's latest fix in the area, ties to the later row, as
     * SQLite's newest-first probe gives. */
    return emit_positions(
        pgx_exec(s,
                 indexed ? "SELECT DISTINCT ON (kind, id) " PG_POS_COLS " FROM position"
                           " WHERE t>=$1::int8 AND t<=$2::int8 AND pos && $7::geography"
                           " AND ST_Y(pos::geometry) BETWEEN $3::float8 AND $4::float8"
                           " AND ST_X(pos::geometry) BETWEEN $5::float8 AND $6::float8"
                           " ORDER BY kind, id, t DESC, rid DESC"
                         : "SELECT DISTINCT ON (kind, id) " PG_POS_COLS " FROM position"
                           " WHERE t>=$1::int8 AND t<=$2::int8"
                           " AND ST_Y(pos::geometry) BETWEEN $3::float8 AND $4::float8"
                           " AND ST_X(pos::geometry) BETWEEN $5::float8 AND $6::float8"
                           " ORDER BY kind, id, t DESC, rid DESC",
                 indexed ? 7 : 6, v),
        cb, ctx);
}

static bool safe_key(const char *k)
{
    if (!k || !*k || strlen(k) > 48)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

/* The filter's conditions as " WHERE ...", assembled from fixed fragments;
 * every value is a parameter (in w->v, from $1). -1 with err set on a bad
 * filter. */
enum { MAXP = 4 + STORE_FILTER_KINDS + 7 + 2 * STORE_FILTER_WHERE + 1 };
struct ev_where {
    char num[MAXP][32];
    const char *v[MAXP];
    int k;
};

static int ev_where(struct store *s, const struct store_event_filter *f, struct buf *b, struct ev_where *w)
{
    if (f->nkinds > STORE_FILTER_KINDS || f->nwhere > STORE_FILTER_WHERE) {
        snprintf(s->err, sizeof s->err, "event filter: too many conditions");
        return -1;
    }
    for (size_t i = 0; i < f->nwhere; i++)
        if (!safe_key(f->where[i].key)) {
            snprintf(s->err, sizeof s->err, "event filter: bad field name");
            return -1;
        }
    int k = 0;
    snprintf(w->num[k], sizeof w->num[k], "%lld", (long long)f->from_ms), w->v[k] = w->num[k], k++;
    buf_puts(b, " WHERE coalesce(t_end, t_start)>=$1::int8");
    if (f->to_ms) {
        snprintf(w->num[k], sizeof w->num[k], "%lld", (long long)f->to_ms), w->v[k] = w->num[k], k++;
        buf_printf(b, " AND t_start<=$%d::int8", k);
    }
    for (size_t i = 0; i < f->nkinds; i++) {
        w->v[k++] = f->kinds[i];
        buf_printf(b, i == 0 ? " AND kind IN ($%d" : ",$%d", k);
    }
    if (f->nkinds)
        buf_puts(b, ")");
    if (f->entity_kind) {
        snprintf(w->num[k], sizeof w->num[k], "%u", f->entity_kind), w->v[k] = w->num[k], k++;
        snprintf(w->num[k], sizeof w->num[k], "%u", f->entity_id), w->v[k] = w->num[k], k++;
        buf_printf(b, " AND rid IN (SELECT event FROM event_entity WHERE kind=$%d::int2 AND id=$%d::int8)", k - 1,
                   k);
    }
    if (f->has_box) {
        snprintf(w->num[k], sizeof w->num[k], "%.17g", fmin(f->lat0, f->lat1)), w->v[k] = w->num[k], k++;
        snprintf(w->num[k], sizeof w->num[k], "%.17g", fmax(f->lat0, f->lat1)), w->v[k] = w->num[k], k++;
        snprintf(w->num[k], sizeof w->num[k], "%.17g", fmin(f->lon0, f->lon1)), w->v[k] = w->num[k], k++;
        snprintf(w->num[k], sizeof w->num[k], "%.17g", fmax(f->lon0, f->lon1)), w->v[k] = w->num[k], k++;
        buf_printf(b, " AND lat BETWEEN $%d::float8 AND $%d::float8 AND lon BETWEEN $%d::float8 AND $%d::float8",
                   k - 3, k - 2, k - 1, k);
    }
    if (f->state) {
        w->v[k++] = f->state == STORE_STATE_OPEN ? "1" : "0";
        buf_printf(b, " AND state=$%d::int2", k);
    }
    /* Every member condition is one word of event_terms() (migration 3),
     * spelt as it spells them: "member=value", the value's ASCII case
     * folded, as SQLite's CAST(json_extract(...) AS TEXT) ... COLLATE NOCASE;
     * the GIN index on the words then finds the rows with all of them. */
    for (size_t i = 0; i < f->nwhere; i++) {
        w->v[k++] = f->where[i].key;
        w->v[k++] = f->where[i].value ? f->where[i].value : "";
        buf_printf(b, "%s$%d::text || '=' || lower($%d::text COLLATE \"C\")",
                   i == 0 ? " AND event_terms(details) @> ARRAY[" : ", ", k - 1, k);
    }
    if (f->nwhere)
        buf_puts(b, "]::text[] COLLATE \"C\"");
    w->k = k;
    return 0;
}

/* head + WHERE(f) + tail (which may use $LIMIT for a limit parameter, NULL:
 * none), run; NULL with err set. */
static struct pg_result *ev_run(struct store *s, const char *what, const char *head,
                                const struct store_event_filter *f, const char *tail, size_t limit)
{
    struct ev_where w;
    struct buf b;
    buf_init(&b, 512);
    buf_puts(&b, head);
    if (ev_where(s, f, &b, &w)) {
        buf_free(&b);
        return NULL;
    }
    buf_puts(&b, tail);
    if (limit) {
        snprintf(w.num[w.k], sizeof w.num[w.k], "%zu", limit), w.v[w.k] = w.num[w.k], w.k++;
        buf_printf(&b, " LIMIT $%d::int8", w.k);
    }
    buf_putc(&b, 0);
    struct pg_result *r = pgx_exec(s, (const char *)b.p, w.k, w.v);
    buf_free(&b);
    if (!r)
        pgx_prefix(s, what);
    return r;
}

int pg_query_events(struct store *s, const struct store_event_filter *f, store_event_cb cb, void *ctx)
{
    struct pg_result *r = ev_run(s, "events query: ", "SELECT " PG_EVENT_COLS " FROM event", f,
                                 f->newest_first ? " ORDER BY t_start DESC, rid DESC" : " ORDER BY t_start, rid",
                                 f->limit);
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++) {
        struct store_event e;
        pgx_row_event(r, i, &e);
        if (cb(ctx, &e))
            break;
    }
    pgx_clear(r);
    return 0;
}

int pg_count_events(struct store *s, const struct store_event_filter *f, store_kind_count_cb cb, void *ctx)
{
    struct pg_result *r =
        ev_run(s, "events count: ",
               "SELECT kind, count(*), sum(CASE WHEN state=1 THEN 1 ELSE 0 END) FROM event", f,
               " GROUP BY kind ORDER BY count(*) DESC, kind", 0);
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++)
        if (cb(ctx, pgx_text(r, i, 0), pgx_int(r, i, 1), pgx_int(r, i, 2)))
            break;
    pgx_clear(r);
    return 0;
}

int pg_event_entities(struct store *s, const struct store_event_filter *f, size_t limit, store_entity_cb cb,
                      void *ctx)
{
    struct pg_result *r = ev_run(s, "event entities: ",
                                 "SELECT DISTINCT kind, id FROM event_entity WHERE event IN (SELECT rid FROM event", f,
                                 ") ORDER BY kind, id", limit);
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++)
        if (cb(ctx, (uint8_t)pgx_int(r, i, 0), (uint32_t)pgx_int(r, i, 1)))
            break;
    pgx_clear(r);
    return 0;
}

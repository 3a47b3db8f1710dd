/* postgres_read.c: the PostgreSQL backend's read operations for the HTTP
 * API (store.h, "read side") and its watchlists. The same answers, in the
 * same order, as sqlite_read.c: every ORDER BY ends on the row id, text
 * columns compare bytewise (COLLATE "C"). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "ref/watchlist.h"
#include "store/pg_internal.h"

#define ALERT_SEL "SELECT rid, t, kind, id, rule, message, evidence FROM alert"
#define ALERT_WHERE                                                                                          \
    " WHERE t>=$1::int8 AND ($2::int8=0 OR t<=$2::int8) AND rid>$3::int8"                                  \
    " AND ($4::int2=0 OR (kind=$4::int2 AND id=$5::int8))"
/* Identity rows grouped by value: a name given, changed and given again is
 * one hit, current when any of its rows is. */
#define HIT_SEL                                                                                              \
    "SELECT kind, id, field, value, min(valid_from),"                                                      \
    " CASE WHEN count(valid_to)<count(*) THEN NULL ELSE max(valid_to) END AS vt FROM identity"
#define HIT_END                                                                                              \
    " GROUP BY kind, id, field, value ORDER BY count(valid_to)=count(*), kind, id, field LIMIT $2::int8"

static void i64s(char *out, int64_t v) { snprintf(out, 24, "%lld", (long long)v); }

/* A limit as a parameter: NULL for none. */
static const char *limit_of(char *out, size_t limit)
{
    if (!limit)
        return NULL;
    snprintf(out, 24, "%zu", limit);
    return out;
}

int pgr_timespan(struct store *s, int64_t *from_ms, int64_t *to_ms)
{
    struct pg_result *r = pgx_exec(s, "SELECT tmin, tmax FROM position_top", 0, NULL);
    if (!r)
        return -1;
    *from_ms = pgx_rows(r) ? pgx_int(r, 0, 0) : 0;
    *to_ms = pgx_rows(r) ? pgx_int(r, 0, 1) : 0;
    pgx_clear(r);
    return 0;
}

int pgr_last_rows(struct store *s, struct store_rows *out)
{
    struct pg_result *r = pgx_exec(s,
                                   "SELECT (SELECT rid FROM position_top), (SELECT max(seq) FROM event),"
                                   " (SELECT max(rid) FROM alert)",
                                   0, NULL);
    if (!r)
        return -1;
    *out = (struct store_rows){pgx_int(r, 0, 0), pgx_int(r, 0, 1), pgx_int(r, 0, 2)};
    pgx_clear(r);
    return 0;
}

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

/* One probe per entity seen (entity table), as SQLite's list of entities:
 * the latest fix at or before at_ms that is newer than its kind's age. */
int pgr_query_picture(struct store *s, int64_t at_ms, int64_t vessel_age_ms, int64_t aircraft_age_ms,
                      store_position_cb cb, void *ctx)
{
    char at[24], sv[24], sa[24];
    i64s(at, at_ms);
    i64s(sv, at_ms - vessel_age_ms);
    i64s(sa, at_ms - aircraft_age_ms);
    const char *v[3] = {at, sv, sa};
    return emit_positions(
        pgx_exec(s,
                 "SELECT p.kind, p.id, p.t, ST_Y(p.pos::geometry), ST_X(p.pos::geometry), p.alt, p.speed,"
                 " p.course, p.source FROM entity e CROSS JOIN LATERAL (SELECT * FROM position"
                 " WHERE kind=e.kind AND id=e.id AND t<=$1::int8"
                 " AND t>(CASE WHEN e.kind=1 THEN $2::int8 ELSE $3::int8 END)"
                 " ORDER BY t DESC, rid DESC LIMIT 1) p ORDER BY e.kind, e.id",
                 3, v),
        cb, ctx);
}

int pgr_query_latest(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_position_cb cb, void *ctx)
{
    char k[24], i[24], at[24];
    i64s(k, kind);
    i64s(i, id);
    i64s(at, at_ms);
    const char *v[3] = {k, i, at};
    return emit_positions(pgx_exec(s,
                                   "SELECT " PG_POS_COLS " FROM position WHERE kind=$1::int2 AND id=$2::int8"
                                   " AND t<=$3::int8 ORDER BY t DESC, rid DESC LIMIT 1",
                                   3, v),
                          cb, ctx);
}

int pgr_query_identity_at(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_identity_cb cb,
                          void *ctx)
{
    char k[24], i[24], at[24];
    i64s(k, kind);
    i64s(i, id);
    i64s(at, at_ms);
    const char *v[3] = {k, i, at};
    struct pg_result *r = pgx_exec(s,
                                   "SELECT field, value, valid_from, valid_to FROM identity WHERE kind=$1::int2"
                                   " AND id=$2::int8 AND (valid_to IS NULL OR valid_to>$3::int8)"
                                   " ORDER BY field, valid_from, rid",
                                   3, v);
    return pgx_each_identity(r, cb, ctx);
}

/* Emits HIT_SEL rows; *left counts down the limit. 1 when cb stopped, 0 at
 * the end, -1 on error. */
static int emit_hits(struct pg_result *r, size_t *left, store_hit_cb cb, void *ctx)
{
    if (!r)
        return -1;
    int stop = 0;
    for (int i = 0; i < pgx_rows(r) && *left; i++) {
        struct store_hit h = {
            .kind = (uint8_t)pgx_int(r, i, 0),
            .id = (uint32_t)pgx_int(r, i, 1),
            .field = pgx_text(r, i, 2),
            .value = pgx_text(r, i, 3),
            .valid_from_ms = pgx_int(r, i, 4),
            .valid_to_ms = pgx_int(r, i, 5),
        };
        --*left;
        if (cb(ctx, &h)) {
            stop = 1;
            break;
        }
    }
    pgx_clear(r);
    return stop;
}

static int hit_entity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                      size_t *left, store_hit_cb cb, void *ctx)
{
    char k[24], i[24];
    i64s(k, kind);
    i64s(i, id);
    const char *v[2] = {k, i};
    struct pg_result *r = pgx_exec(s,
                                   "SELECT EXISTS(SELECT 1 FROM position WHERE kind=$1::int2 AND id=$2::int8)"
                                   " OR EXISTS(SELECT 1 FROM identity WHERE kind=$1::int2 AND id=$2::int8)",
                                   2, v);
    if (!r)
        return -1;
    int seen = pgx_text(r, 0, 0) && pgx_text(r, 0, 0)[0] == 't';
    pgx_clear(r);
    if (!seen || !*left)
        return 0;
    --*left;
    struct store_hit h = {.kind = kind, .id = id, .field = field, .value = value};
    return cb(ctx, &h) ? 1 : 0;
}

int pgr_search(struct store *s, const char *text, size_t limit, store_hit_cb cb, void *ctx)
{
    size_t n = strlen(text), digits = strspn(text, "0123456789"), hex = strspn(text, "0123456789abcdefABCDEF");
    size_t left = limit ? limit : (size_t)-1;
    int letter = 0, rc = 0;
    char lim[24];
    for (const char *c = text; *c; c++)
        letter |= isalpha((unsigned char)*c) != 0;
    if (n == 0)
        return 0;
    if (digits == n && n <= 9) {
        char v[16];
        snprintf(v, sizeof v, "%lu", strtoul(text, NULL, 10));
        rc = hit_entity(s, STORE_VESSEL, (uint32_t)strtoul(text, NULL, 10), "mmsi", v, &left, cb, ctx);
        if (rc == 0) {
            const char *p[2] = {v, limit_of(lim, left == (size_t)-1 ? 0 : left)};
            rc = emit_hits(pgx_exec(s, HIT_SEL " WHERE field='imo' AND value=$1" HIT_END, 2, p), &left, cb, ctx);
        }
    }
    if (rc == 0 && hex == n && n == 6) {
        char v[8];
        for (int i = 0; i < 6; i++)
            v[i] = (char)tolower((unsigned char)text[i]);
        v[6] = 0;
        rc = hit_entity(s, STORE_AIRCRAFT, (uint32_t)strtoul(v, NULL, 16), "icao", v, &left, cb, ctx);
    }
    if (rc == 0 && letter) {
        /* %text% with LIKE's own characters escaped: the text is data. */
        char *pat = xmalloc(2 * n + 3), *p = pat;
        *p++ = '%';
        for (const char *c = text; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '%';
        *p = 0;
        const char *v[2] = {pat, limit_of(lim, left == (size_t)-1 ? 0 : left)};
        rc = emit_hits(pgx_exec(s,
                                HIT_SEL " WHERE field IN ('name','callsign','registration')"
                                        " AND value ILIKE $1 ESCAPE '\\'" HIT_END,
                                2, v),
                       &left, cb, ctx);
        free(pat);
    }
    return rc < 0 ? -1 : 0;
}

int pgr_query_alerts(struct store *s, const struct store_alert_filter *f, store_alert_cb cb, void *ctx)
{
    char from[24], to[24], after[24], ek[24], ei[24], lim[24];
    i64s(from, f->from_ms);
    i64s(to, f->to_ms);
    i64s(after, f->after_row);
    i64s(ek, f->entity_kind);
    i64s(ei, f->entity_id);
    const char *v[6] = {from, to, after, ek, ei, limit_of(lim, f->limit)};
    struct pg_result *r = pgx_exec(s,
                                   f->newest_first ? ALERT_SEL ALERT_WHERE " ORDER BY t DESC, rid DESC LIMIT $6::int8"
                                                   : ALERT_SEL ALERT_WHERE " ORDER BY t, rid LIMIT $6::int8",
                                   6, v);
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++) {
        struct store_alert a = {
            .row = pgx_int(r, i, 0),
            .t_ms = pgx_int(r, i, 1),
            .kind = (uint8_t)pgx_int(r, i, 2),
            .id = (uint32_t)pgx_int(r, i, 3),
            .rule = pgx_text(r, i, 4),
            .message = pgx_text(r, i, 5),
            .evidence = pgx_text(r, i, 6),
        };
        if (cb(ctx, &a))
            break;
    }
    pgx_clear(r);
    return 0;
}

int pgr_query_events_after(struct store *s, int64_t after_seq, size_t limit, store_event_cb cb, void *ctx)
{
    char after[24], lim[24];
    i64s(after, after_seq);
    const char *v[2] = {after, limit_of(lim, limit)};
    struct pg_result *r =
        pgx_exec(s, "SELECT " PG_EVENT_COLS " FROM event WHERE seq>$1::int8 ORDER BY seq LIMIT $2::int8", 2, v);
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

/* --- watchlists: the tables of ref/wl_db.c, read and written alike --- */

int pgr_watchlist_load(struct store *s, struct ref_wl_set *set)
{
    struct pg_result *r = pgx_exec(s,
                                   "SELECT w.id, w.list, w.list_date, w.kind, w.name, w.program, w.entry_num,"
                                   " w.flag, w.note, i.type, i.value FROM watchlist w"
                                   " LEFT JOIN watchlist_ident i ON i.entry_id=w.id ORDER BY w.id, i.rid",
                                   0, NULL);
    if (!r)
        return -1;
    int64_t last = 0;
    struct ref_wl_entry *e = NULL;
    for (int row = 0; row < pgx_rows(r); row++) {
        int64_t id = pgx_int(r, row, 0);
        if (!e || id != last) {
            const char *k = pgx_text(r, row, 3), *name = pgx_text(r, row, 4);
            int kind = ref_wl_kind_parse(k ? k : "");
            e = ref_wl_set_add(set, kind < 0 ? REF_WL_ORGANISATION : (enum ref_wl_kind)kind, pgx_text(r, row, 1),
                               name ? name : "");
            e->id = last = id;
            ref_wl_entry_set(&e->list_date, pgx_text(r, row, 2));
            ref_wl_entry_set(&e->program, pgx_text(r, row, 5));
            ref_wl_entry_set(&e->entry_num, pgx_text(r, row, 6));
            ref_wl_entry_set(&e->flag, pgx_text(r, row, 7));
            ref_wl_entry_set(&e->note, pgx_text(r, row, 8));
        }
        const char *type = pgx_text(r, row, 9);
        int t = type ? ref_wl_id_parse(type) : -1;
        if (t >= 0)
            ref_wl_entry_ident(e, (enum ref_wl_id)t, pgx_text(r, row, 10));
    }
    pgx_clear(r);
    return 0;
}

int pgr_watchlist_add(struct store *s, struct ref_wl_entry *e)
{
    const char *v[8] = {e->list,      e->list_date, ref_wl_kind_name(e->kind), e->name,
                        e->program,   e->entry_num, e->flag,                   e->note};
    if (pgx_begin(s))
        return -1;
    struct pg_result *r = pgx_exec(s,
                                   "INSERT INTO watchlist(list, list_date, kind, name, program, entry_num, flag, note)"
                                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                   8, v);
    if (!r)
        goto fail;
    char id[24];
    snprintf(id, sizeof id, "%s", pgx_text(r, 0, 0));
    pgx_clear(r);
    for (int k = 0; k < e->nids; k++) {
        const char *iv[3] = {id, ref_wl_id_name(e->ids[k].type), e->ids[k].value};
        if (pgx_run(s, "INSERT INTO watchlist_ident(entry_id, type, value) VALUES ($1::int8, $2, $3)", 3, iv))
            goto fail;
    }
    if (pgx_commit(s))
        return -1;
    e->id = strtoll(id, NULL, 10);
    return 0;
fail:
    pgx_rollback(s);
    return -1;
}

int pgr_watchlist_remove(struct store *s, int64_t id)
{
    char i[24];
    i64s(i, id);
    const char *v[1] = {i};
    struct pg_result *r = pgx_exec(s, "DELETE FROM watchlist WHERE id=$1::int8", 1, v);
    if (!r)
        return -1;
    int n = pgx_cmd_rows(r);
    pgx_clear(r);
    return n > 0;
}

/* The aircraft registry that resolves listed registrations to addresses
 * lives in the reference database (SQLite, --db), not here: the index is
 * built without it, and the REGISTRY rule then does not fire. */
struct ref_wl_index *pgr_watchlist_index(struct store *s, const struct ref_wl_set *set)
{
    (void)s;
    return ref_wl_index_build(set, NULL);
}

/* sqlite_read.c: the SQLite backend's read operations for the HTTP API
 * (store.h, "read side"). Every statement is a fixed string prepared once on
 * first use and kept; every value a caller gives is a bound parameter. These
 * run on the server's own connection, which WAL lets read beside an ingest
 * writing the same file. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "detect/event.h"
#include "ref/watchlist.h"
#include "store/sqlite_internal.h"

enum {
    R_SPAN, R_ROWS, R_ENTITIES_SINCE, R_LATEST, R_IDENT_AT, R_ENTITY_SEEN, R_SEARCH_IMO, R_SEARCH_TEXT, R_ALERTS_ASC,
    R_ALERTS_DESC, R_EVENTS_AFTER, R_OPEN, R_OPEN_ENT, R_OPEN_FIELDS, R_OPEN_EV, NR
};

#define POS_COLS "kind, id, t, lat, lon, alt, speed, course, source"
#define ALERT_SEL "SELECT rowid, t, kind, id, rule, message, evidence FROM alert"
#define ALERT_WHERE                                                                                          \
    " WHERE t>=?1 AND (?2=0 OR t<=?2) AND rowid>?3 AND (?4=0 OR (kind=?4 AND id=?5))"
/* Identity rows grouped by value: a name given, changed and given again is
 * one hit, current when any of its rows is. */
#define HIT_SEL                                                                                              \
    "SELECT kind, id, field, value, min(valid_from),"                                                      \
    " CASE WHEN count(valid_to)<count(*) THEN NULL ELSE max(valid_to) END AS vt FROM identity"
#define HIT_END " GROUP BY kind, id, field, value ORDER BY vt IS NOT NULL, kind, id, field LIMIT ?2"

static const char *const rsql[NR] = {
    /* Two subqueries: each min() or max() alone is one index probe, both in
     * one SELECT would scan the table. */
    [R_SPAN] = "SELECT (SELECT min(t) FROM position), (SELECT max(t) FROM position)",
    [R_ROWS] = "SELECT (SELECT max(rowid) FROM position), (SELECT max(seq) FROM event),"
               " (SELECT max(rowid) FROM alert)",
    /* Entities with positions added after a row: the picture's entity list
     * grows by these. NOT INDEXED: a range of the primary key, not a walk of
     * position_entity in GROUP BY order. */
    [R_ENTITIES_SINCE] = "SELECT kind, id, max(rowid) FROM position NOT INDEXED WHERE rowid>?1 GROUP BY kind, id",
    [R_LATEST] = "SELECT " POS_COLS " FROM position WHERE kind=?1 AND id=?2 AND t<=?3 ORDER BY t DESC LIMIT 1",
    [R_IDENT_AT] = "SELECT field, value, valid_from, valid_to FROM identity WHERE kind=?1 AND id=?2"
                   " AND (valid_to IS NULL OR valid_to>?3) ORDER BY field, valid_from, rowid",
    [R_ENTITY_SEEN] = "SELECT EXISTS(SELECT 1 FROM position WHERE kind=?1 AND id=?2)"
                      " OR EXISTS(SELECT 1 FROM identity WHERE kind=?1 AND id=?2)",
    [R_SEARCH_IMO] = HIT_SEL " WHERE field='imo' AND value=?1" HIT_END,
    [R_SEARCH_TEXT] = HIT_SEL " WHERE field IN ('name','callsign','registration') AND value LIKE ?1 ESCAPE '\\'"
                      HIT_END,
    [R_ALERTS_ASC] = ALERT_SEL ALERT_WHERE " ORDER BY t, rowid LIMIT ?6",
    [R_ALERTS_DESC] = ALERT_SEL ALERT_WHERE " ORDER BY t DESC, rowid DESC LIMIT ?6",
    [R_EVENTS_AFTER] = "SELECT " SQLITE_EVENT_COLS " FROM event WHERE seq>?1 ORDER BY seq LIMIT ?2",
    /* Open events back as struct event: SQLite takes the JSON texts apart. */
    [R_OPEN] = "SELECT " SQLITE_EVENT_COLS " FROM event WHERE state=1 ORDER BY t_start, rowid",
    [R_OPEN_ENT] = "SELECT kind, id, coalesce(role, 'subject') FROM event_entity WHERE event=?1 ORDER BY rowid",
    [R_OPEN_FIELDS] = "SELECT key, type, value, CASE WHEN type IN ('object', 'array') THEN value"
                      " ELSE json_quote(value) END FROM json_each(?1) WHERE json_valid(?1)",
    [R_OPEN_EV] = "SELECT value FROM json_each(?1) WHERE json_valid(?1) AND type='text'",
};

/* Every entity the position table has held, sorted by (kind, id), kept up
 * to date by row id. The picture is then one indexed probe per entity
 * (position_entity: kind, id, t) instead of a scan of the window's rows and a
 * sort: about 1 ms for the demo's 230 entities against 20-40 ms. */
struct entity_key {
    uint8_t kind;
    uint32_t id;
};

struct sqlite_read {
    sqlite3_stmt *st[NR];
    struct entity_key *ents;
    size_t nents, cap;
    int64_t ents_row; /* positions up to this row are in ents */
};

void sqlite_read_free(struct sqlite_read *rd)
{
    if (!rd)
        return;
    for (int i = 0; i < NR; i++)
        sqlite3_finalize(rd->st[i]);
    free(rd->ents);
    free(rd);
}

static int fail(struct store *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, sqlite3_errmsg(sqlite_store_db(s)));
    return -1;
}

/* The statement, prepared on first use; NULL with err set. */
static sqlite3_stmt *stmt(struct store *s, int i)
{
    struct sqlite_read **rd = sqlite_store_read(s);
    if (!*rd)
        *rd = xcalloc(1, sizeof **rd);
    if (!(*rd)->st[i] &&
        sqlite3_prepare_v3(sqlite_store_db(s), rsql[i], -1, SQLITE_PREPARE_PERSISTENT, &(*rd)->st[i], NULL) !=
            SQLITE_OK) {
        fail(s, "prepare");
        return NULL;
    }
    return (*rd)->st[i];
}

/* Resets st and turns the last step's code into 0 or -1. */
static int finish(struct store *s, sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(s, "query");
}


static int64_t limit_of(size_t limit) { return limit ? (int64_t)limit : -1; }

int sqr_timespan(struct store *s, int64_t *from_ms, int64_t *to_ms)
{
    sqlite3_stmt *st = stmt(s, R_SPAN);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    *from_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    *to_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    return finish(s, st, rc);
}

int sqr_last_rows(struct store *s, struct store_rows *out)
{
    sqlite3_stmt *st = stmt(s, R_ROWS);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    *out = (struct store_rows){0};
    if (rc == SQLITE_ROW)
        *out = (struct store_rows){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                   sqlite3_column_int64(st, 2)};
    return finish(s, st, rc);
}

static int emit_positions(struct store *s, sqlite3_stmt *st, store_position_cb cb, void *ctx)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_position p;
        sqlite_row_position(st, &p);
        if (cb(ctx, &p)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return finish(s, st, rc);
}

static int key_cmp(const struct entity_key *a, uint8_t kind, uint32_t id)
{
    return a->kind != kind ? (a->kind < kind ? -1 : 1) : a->id != id ? (a->id < id ? -1 : 1) : 0;
}

/* Adds the entities of positions newer than the list. */
static int refresh_entities(struct store *s, struct sqlite_read *rd)
{
    sqlite3_stmt *st = stmt(s, R_ENTITIES_SINCE);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, rd->ents_row);
    int rc;
    int64_t top = rd->ents_row;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint8_t kind = (uint8_t)sqlite3_column_int(st, 0);
        uint32_t id = (uint32_t)sqlite3_column_int64(st, 1);
        int64_t row = sqlite3_column_int64(st, 2);
        if (row > top)
            top = row;
        size_t lo = 0, hi = rd->nents;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (key_cmp(&rd->ents[mid], kind, id) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < rd->nents && key_cmp(&rd->ents[lo], kind, id) == 0)
            continue;
        if (rd->nents == rd->cap) {
            rd->cap = rd->cap ? 2 * rd->cap : 1024;
            rd->ents = xrealloc(rd->ents, rd->cap * sizeof *rd->ents);
        }
        memmove(rd->ents + lo + 1, rd->ents + lo, (rd->nents - lo) * sizeof *rd->ents);
        rd->ents[lo] = (struct entity_key){kind, id};
        rd->nents++;
    }
    if (finish(s, st, rc))
        return -1;
    rd->ents_row = top;
    return 0;
}

struct picture_ctx {
    int64_t since;
    store_position_cb cb;
    void *ctx;
    int stop;
};

static int picture_fix(void *ctx, const struct store_position *p)
{
    struct picture_ctx *c = ctx;
    if (p->t_ms > c->since && c->cb(c->ctx, p))
        c->stop = 1;
    return 1;
}

int sqr_query_picture(struct store *s, int64_t at_ms, int64_t vessel_age_ms, int64_t aircraft_age_ms,
                      store_position_cb cb, void *ctx)
{
    if (!stmt(s, R_LATEST))
        return -1;
    struct sqlite_read *rd = *sqlite_store_read(s);
    if (refresh_entities(s, rd))
        return -1;
    struct picture_ctx c = {.cb = cb, .ctx = ctx};
    for (size_t i = 0; i < rd->nents && !c.stop; i++) {
        c.since = at_ms - (rd->ents[i].kind == STORE_VESSEL ? vessel_age_ms : aircraft_age_ms);
        if (sqr_query_latest(s, rd->ents[i].kind, rd->ents[i].id, at_ms, picture_fix, &c))
            return -1;
    }
    return 0;
}

int sqr_query_latest(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_position_cb cb, void *ctx)
{
    sqlite3_stmt *st = stmt(s, R_LATEST);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, at_ms);
    return emit_positions(s, st, cb, ctx);
}

int sqr_query_identity_at(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_identity_cb cb,
                          void *ctx)
{
    sqlite3_stmt *st = stmt(s, R_IDENT_AT);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, at_ms);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_identity i;
        sqlite_row_identity(st, &i);
        if (cb(ctx, &i)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return finish(s, st, rc);
}

/* Steps a HIT_SEL statement into cb; *left counts down the limit. Returns 1
 * when cb stopped, 0 at the end, -1 on error. */
static int emit_hits(struct store *s, sqlite3_stmt *st, size_t *left, store_hit_cb cb, void *ctx)
{
    int rc = SQLITE_DONE, stop = 0;
    while (*left && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_hit h = {
            .kind = (uint8_t)sqlite3_column_int(st, 0),
            .id = (uint32_t)sqlite3_column_int64(st, 1),
            .field = (const char *)sqlite3_column_text(st, 2),
            .value = (const char *)sqlite3_column_text(st, 3),
            .valid_from_ms = sqlite3_column_int64(st, 4),
            .valid_to_ms = sqlite3_column_int64(st, 5),
        };
        --*left;
        if (cb(ctx, &h)) {
            stop = 1;
            break;
        }
    }
    if (!*left || stop)
        rc = SQLITE_DONE;
    return finish(s, st, rc) ? -1 : stop;
}

/* An exact number: the entity itself, when the store has seen it. */
static int hit_entity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                      size_t *left, store_hit_cb cb, void *ctx)
{
    sqlite3_stmt *st = stmt(s, R_ENTITY_SEEN);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    int seen = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    if (finish(s, st, rc))
        return -1;
    if (!seen || !*left)
        return 0;
    --*left;
    struct store_hit h = {.kind = kind, .id = id, .field = field, .value = value};
    return cb(ctx, &h) ? 1 : 0;
}

int sqr_search(struct store *s, const char *text, size_t limit, store_hit_cb cb, void *ctx)
{
    size_t n = strlen(text), digits = strspn(text, "0123456789"), hex = strspn(text, "0123456789abcdefABCDEF");
    size_t left = limit ? limit : (size_t)-1;
    int letter = 0, rc = 0;
    for (const char *c = text; *c; c++)
        letter |= isalpha((unsigned char)*c) != 0;
    if (n == 0)
        return 0;
    if (digits == n && n <= 9) {
        char v[16];
        snprintf(v, sizeof v, "%lu", strtoul(text, NULL, 10));
        rc = hit_entity(s, STORE_VESSEL, (uint32_t)strtoul(text, NULL, 10), "mmsi", v, &left, cb, ctx);
        sqlite3_stmt *st = rc == 0 ? stmt(s, R_SEARCH_IMO) : NULL;
        if (rc == 0 && !st)
            return -1;
        if (st) {
            sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 2, limit_of(left));
            rc = emit_hits(s, st, &left, cb, ctx);
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
        sqlite3_stmt *st = stmt(s, R_SEARCH_TEXT);
        if (!st) {
            free(pat);
            return -1;
        }
        sqlite3_bind_text(st, 1, pat, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, limit_of(left));
        free(pat);
        rc = emit_hits(s, st, &left, cb, ctx);
    }
    return rc < 0 ? -1 : 0;
}

int sqr_query_alerts(struct store *s, const struct store_alert_filter *f, store_alert_cb cb, void *ctx)
{
    sqlite3_stmt *st = stmt(s, f->newest_first ? R_ALERTS_DESC : R_ALERTS_ASC);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, f->from_ms);
    sqlite3_bind_int64(st, 2, f->to_ms);
    sqlite3_bind_int64(st, 3, f->after_row);
    sqlite3_bind_int(st, 4, f->entity_kind);
    sqlite3_bind_int64(st, 5, f->entity_id);
    sqlite3_bind_int64(st, 6, limit_of(f->limit));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_alert a = {
            .row = sqlite3_column_int64(st, 0),
            .t_ms = sqlite3_column_int64(st, 1),
            .kind = (uint8_t)sqlite3_column_int(st, 2),
            .id = (uint32_t)sqlite3_column_int64(st, 3),
            .rule = (const char *)sqlite3_column_text(st, 4),
            .message = (const char *)sqlite3_column_text(st, 5),
            .evidence = (const char *)sqlite3_column_text(st, 6),
        };
        if (cb(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return finish(s, st, rc);
}

int sqr_query_events_after(struct store *s, int64_t after_seq, size_t limit, store_event_cb cb, void *ctx)
{
    sqlite3_stmt *st = stmt(s, R_EVENTS_AFTER);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, after_seq);
    sqlite3_bind_int64(st, 2, limit_of(limit));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_event e;
        sqlite_row_event(st, &e);
        if (cb(ctx, &e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return finish(s, st, rc);
}

/* One open row as a struct event. */
static int open_event(struct store *s, sqlite3_stmt *row, struct event *e)
{
    struct store_event se;
    sqlite_row_event(row, &se);
    ev_begin(e, se.kind ? se.kind : "", se.t_start_ms, se.t_end_ms);
    e->id = se.id;
    e->key = se.key;
    e->state = se.state;
    e->lat = se.lat;
    e->lon = se.lon;
    if (se.alert)
        ev_alert(e, se.alert);
    sqlite3_stmt *st = stmt(s, R_OPEN_ENT);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, se.id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ev_entity(e, (enum event_entity_kind)sqlite3_column_int(st, 0), (uint32_t)sqlite3_column_int64(st, 1),
                  (const char *)sqlite3_column_text(st, 2));
    if (finish(s, st, rc))
        return -1;
    if (!(st = stmt(s, R_OPEN_FIELDS)))
        return -1;
    sqlite3_bind_text(st, 1, se.details_json ? se.details_json : "", -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
        if (!k || !type)
            continue;
        if (!strcmp(type, "integer"))
            ev_int(e, k, sqlite3_column_int64(st, 2));
        else if (!strcmp(type, "text"))
            ev_str(e, k, (const char *)sqlite3_column_text(st, 2));
        else if (!strcmp(type, "true") || !strcmp(type, "false"))
            ev_bool(e, k, type[0] == 't');
        else {
            /* Reals and structures keep the text they were stored as; a real's value is kept too. */
            const char *json = (const char *)sqlite3_column_text(st, 3);
            ev_json(e, k, json ? json : "null", json ? strlen(json) : 4);
            if (!strcmp(type, "real") && e->nf && !strcmp(e->f[e->nf - 1].name, k))
                e->f[e->nf - 1].r = sqlite3_column_double(st, 2);
        }
    }
    if (finish(s, st, rc))
        return -1;
    if (!(st = stmt(s, R_OPEN_EV)))
        return -1;
    sqlite3_bind_text(st, 1, se.evidence ? se.evidence : "", -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ev_evidence(e, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    return finish(s, st, rc);
}

int sqr_query_open_events(struct store *s, store_open_event_cb cb, void *ctx)
{
    sqlite3_stmt *st = stmt(s, R_OPEN);
    if (!st)
        return -1;
    struct event *e = xmalloc(sizeof *e);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (open_event(s, st, e)) {
            rc = SQLITE_ERROR;
            break;
        }
        if (cb(ctx, e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    free(e);
    if (rc == SQLITE_ERROR) {
        sqlite3_reset(st);
        return -1;
    }
    return finish(s, st, rc);
}

int sqr_watchlist_load(struct store *s, struct ref_wl_set *set)
{
    return ref_wl_db_load(sqlite_store_db(s), NULL, set, s->err, sizeof s->err);
}

int sqr_watchlist_add(struct store *s, struct ref_wl_entry *e)
{
    return ref_wl_db_add(sqlite_store_db(s), e, s->err, sizeof s->err);
}

int sqr_watchlist_remove(struct store *s, int64_t id)
{
    return ref_wl_db_remove(sqlite_store_db(s), id, s->err, sizeof s->err);
}

struct ref_wl_index *sqr_watchlist_index(struct store *s, const struct ref_wl_set *set)
{
    return ref_wl_index_build(set, sqlite_store_db(s));
}

/* --- the event filter's conditions as a WHERE clause, for the event
 * queries (sq_query_events), the count per kind and the entities involved
 * (triage). The clause is fixed fragments; every value, JSON paths included,
 * is bound. */

static bool where_key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n == 0 || n > 48)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

int sqlite_event_where_sql(struct store *s, const struct store_event_filter *f, struct buf *b)
{
    if (f->nkinds > STORE_FILTER_KINDS || f->nwhere > STORE_FILTER_WHERE) {
        snprintf(s->err, sizeof s->err, "event filter: too many conditions");
        return -1;
    }
    buf_puts(b, " WHERE coalesce(t_end, t_start)>=?");
    if (f->to_ms)
        buf_puts(b, " AND t_start<=?");
    for (size_t i = 0; i < f->nkinds; i++)
        buf_puts(b, i == 0 ? " AND kind IN (?" : ",?");
    if (f->nkinds)
        buf_puts(b, ")");
    if (f->entity_kind)
        buf_puts(b, " AND rowid IN (SELECT event FROM event_entity WHERE kind=? AND id=?)");
    if (f->has_box)
        buf_puts(b, " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?");
    if (f->state)
        buf_puts(b, " AND state=?");
    for (size_t i = 0; i < f->nwhere; i++) {
        if (!where_key_ok(f->where[i].key)) {
            snprintf(s->err, sizeof s->err, "event filter: bad field name");
            return -1;
        }
        buf_puts(b, " AND CAST(json_extract(details, ?) AS TEXT)=? COLLATE NOCASE");
    }
    return 0;
}

int sqlite_event_where_bind(sqlite3_stmt *st, const struct store_event_filter *f, struct sqlite_event_where *w)
{
    int k = 1;
    sqlite3_bind_int64(st, k++, f->from_ms);
    if (f->to_ms)
        sqlite3_bind_int64(st, k++, f->to_ms);
    for (size_t i = 0; i < f->nkinds; i++)
        sqlite3_bind_text(st, k++, f->kinds[i], -1, SQLITE_STATIC);
    if (f->entity_kind) {
        sqlite3_bind_int(st, k++, f->entity_kind);
        sqlite3_bind_int64(st, k++, f->entity_id);
    }
    if (f->has_box) {
        sqlite3_bind_double(st, k++, fmin(f->lat0, f->lat1));
        sqlite3_bind_double(st, k++, fmax(f->lat0, f->lat1));
        sqlite3_bind_double(st, k++, fmin(f->lon0, f->lon1));
        sqlite3_bind_double(st, k++, fmax(f->lon0, f->lon1));
    }
    if (f->state)
        sqlite3_bind_int(st, k++, f->state == STORE_STATE_OPEN ? 1 : 0);
    for (size_t i = 0; i < f->nwhere; i++) {
        snprintf(w->paths[i], sizeof w->paths[i], "$.%s", f->where[i].key);
        sqlite3_bind_text(st, k++, w->paths[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, f->where[i].value ? f->where[i].value : "", -1, SQLITE_STATIC);
    }
    return k;
}

sqlite3_stmt *sqlite_event_prepare(struct store *s, const char *head, const struct store_event_filter *f,
                                const char *tail)
{
    struct buf b;
    buf_init(&b, 512);
    buf_puts(&b, head);
    if (sqlite_event_where_sql(s, f, &b)) {
        buf_free(&b);
        return NULL;
    }
    buf_puts(&b, tail);
    buf_putc(&b, 0);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sqlite_store_db(s), (const char *)b.p, -1, &st, NULL) != SQLITE_OK)
        fail(s, "events query");
    buf_free(&b);
    return st;
}

int sqr_count_events(struct store *s, const struct store_event_filter *f, store_kind_count_cb cb, void *ctx)
{
    sqlite3_stmt *st = sqlite_event_prepare(s, "SELECT kind, count(*), sum(state=1) FROM event", f,
                                  " GROUP BY kind ORDER BY count(*) DESC, kind");
    if (!st)
        return -1;
    struct sqlite_event_where w;
    sqlite_event_where_bind(st, f, &w);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cb(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
               sqlite3_column_int64(st, 2))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    int out = rc == SQLITE_DONE ? 0 : fail(s, "events count");
    sqlite3_finalize(st);
    return out;
}

int sqr_event_entities(struct store *s, const struct store_event_filter *f, size_t limit, store_entity_cb cb,
                       void *ctx)
{
    sqlite3_stmt *st = sqlite_event_prepare(s, "SELECT DISTINCT kind, id FROM event_entity WHERE event IN (SELECT rowid FROM event",
                                  f, ") ORDER BY kind, id LIMIT ?");
    if (!st)
        return -1;
    struct sqlite_event_where w;
    int k = sqlite_event_where_bind(st, f, &w);
    sqlite3_bind_int64(st, k, limit_of(limit));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cb(ctx, (uint8_t)sqlite3_column_int(st, 0), (uint32_t)sqlite3_column_int64(st, 1))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    int out = rc == SQLITE_DONE ? 0 : fail(s, "event entities");
    sqlite3_finalize(st);
    return out;
}

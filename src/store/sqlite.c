/* sqlite.c: the SQLite backend of the store (store.h). The tables are
 * versions 3 onwards of the file's migrations (sqlite_schema.c), after the
 * reference tables (src/ref/schema.c), so registry, watchlists and the
 * store can live in one file. WAL with
 * synchronous=NORMAL: a crash loses at most the transactions after the last
 * checkpointed commit of the WAL, never corrupts the file (sqlite.org/wal.html),
 * and readers (atalaya query) do not block the writer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/xmalloc.h"
#include "ref/db.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

enum {
    ST_BEGIN, ST_COMMIT, ST_ID_CUR, ST_ID_HAS, ST_ID_AT, ST_ID_NEXT, ST_ID_CLOSE, ST_ID_INS, ST_POS, ST_SEG_GET,
    ST_SEG_PUT, ST_EVENT, ST_ALERT, ST_EVENT_ENT_DEL, ST_EVENT_ENT, ST_TRACK, ST_IDENT, ST_AREA, ST_AREA_FIX,
    ST_RETAIN_SEG, ST_RETAIN, ST_DATA_VERSION, ST_MARK_GET, ST_MARK_PUT, ST_STATE_PUT, ST_STATE_DEL, ST_STATE_ALL, NST
};

static const char *const sql[NST] = {
    [ST_BEGIN] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_ID_CUR] = "SELECT rowid, value, valid_from FROM identity"
                  " WHERE kind=?1 AND id=?2 AND field=?3 AND valid_to IS NULL",
    /* The value held at t already: a row of it that covers t, or one that
     * began and ended at t (two values in the same ms). */
    [ST_ID_HAS] = "SELECT 1 FROM identity WHERE kind=?1 AND id=?2 AND field=?3 AND value=?4 AND valid_from<=?5"
                  " AND (valid_to IS NULL OR valid_to>?5 OR valid_to=valid_from) LIMIT 1",
    /* For a value dated before the current row: the row it falls in, and
     * where the next one starts. */
    [ST_ID_AT] = "SELECT rowid, valid_to FROM identity WHERE kind=?1 AND id=?2 AND field=?3 AND valid_from<=?4"
                 " ORDER BY valid_from DESC, rowid DESC LIMIT 1",
    [ST_ID_NEXT] = "SELECT min(valid_from) FROM identity WHERE kind=?1 AND id=?2 AND field=?3 AND valid_from>?4",
    [ST_ID_CLOSE] = "UPDATE identity SET valid_to=?2 WHERE rowid=?1",
    [ST_ID_INS] = "INSERT INTO identity(kind, id, field, value, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    /* Natural key (migration 7): the row of an earlier run stays. */
    [ST_POS] = "INSERT OR IGNORE INTO position(kind, id, t, lat, lon, alt, speed, course, source)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [ST_SEG_GET] = "SELECT min_lat, max_lat, min_lon, max_lon FROM position_seg WHERE sid=?1",
    [ST_SEG_PUT] = "INSERT OR REPLACE INTO position_seg VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* One row per (kind, key): an open event updated, then closed, stays
     * one row; seq moves on at every write for the live push. */
    [ST_EVENT] = "INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence, state, key, alert, seq)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                 " (SELECT coalesce(max(seq), 0) + 1 FROM event))"
                 " ON CONFLICT(kind, key) DO UPDATE SET t_start=excluded.t_start, t_end=excluded.t_end,"
                 " entities=excluded.entities, lat=excluded.lat, lon=excluded.lon, details=excluded.details,"
                 " evidence=excluded.evidence, state=excluded.state, alert=excluded.alert, seq=excluded.seq"
                 " RETURNING rowid",
    [ST_EVENT_ENT_DEL] = "DELETE FROM event_entity WHERE event=?1",
    [ST_EVENT_ENT] = "INSERT INTO event_entity(event, kind, id, role) VALUES (?1, ?2, ?3, ?4)",
    [ST_ALERT] = "INSERT INTO alert(t, kind, id, rule, message, evidence, key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                 " ON CONFLICT(key) DO NOTHING",
    [ST_TRACK] = "SELECT kind, id, t, lat, lon, alt, speed, course, source FROM position"
                 " WHERE kind=?1 AND id=?2 AND t>=?3 AND t<=?4 ORDER BY t, rowid",
    [ST_IDENT] = "SELECT field, value, valid_from, valid_to FROM identity WHERE kind=?1 AND id=?2"
                 " ORDER BY valid_from, field, rowid",
    /* The segment R*Tree (migration 5) gives the entity-hours whose box
     * overlaps the area and the window, each entity's newest hour first
     * (sq_query_area). */
    [ST_AREA] = "SELECT kind, id, max(t0, ?5), min(t1, ?6) FROM position_seg"
                " WHERE max_lat>=?1 AND min_lat<=?3 AND max_lon>=?2 AND min_lon<=?4 AND t1>=?5 AND t0<=?6"
                " ORDER BY kind, id, t0 DESC",
    /* The latest fix of one entity-hour inside the area, through
     * position_entity: each fix is checked against the area itself, since a
     * box is only a bound (padded, and rounded outwards to 32-bit floats). */
    [ST_AREA_FIX] = "SELECT kind, id, t, lat, lon, alt, speed, course, source FROM position"
                    " WHERE kind=?1 AND id=?2 AND t>=?3 AND t<=?4"
                    " AND lat>=?5 AND lat<=?6 AND lon>=?7 AND lon<=?8 ORDER BY t DESC LIMIT 1",
    /* Segments whose hour ends before the cutoff hold only deleted positions;
     * one that straddles it stays, a bound still. */
    [ST_RETAIN_SEG] = "DELETE FROM position_seg WHERE t1<?1",
    [ST_RETAIN] = "DELETE FROM position WHERE t<?1",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_MARK_GET] = "SELECT size, head_len, head_hash, offset, rows FROM input_mark WHERE path=?1",
    [ST_MARK_PUT] = "INSERT OR REPLACE INTO input_mark(path, size, head_len, head_hash, offset, rows)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_STATE_PUT] = "INSERT OR REPLACE INTO det_state(kind, id, t, state) VALUES (?1, ?2, ?3, ?4)",
    [ST_STATE_DEL] = "DELETE FROM det_state WHERE kind=?1 AND id=?2",
    [ST_STATE_ALL] = "SELECT kind, id, t, state FROM det_state ORDER BY kind DESC, id",
};

/* Segments (migration 5): one box per entity and hour. */
#define SEG_MS 3600000
/* A stored box is the fixes' box grown by this much (degrees, about 2 km)
 * on the side a fix pushed it: a vessel then rewrites its box every few
 * minutes instead of at every fix, and an area query reads at most a pad's
 * worth of extra candidates, all then checked against the area. */
#define SEG_PAD 0.02

/* The open segment of an entity: the box as far as this writer knows it
 * (the table may hold more: a write takes the union of both). */
struct seg {
    uint64_t ent; /* ent_key(kind, id); 0 = empty slot */
    int64_t hour;
    double lat0, lat1, lon0, lon1;
    int dirty; /* grew since the table's copy was written */
};

/* An entity as a hash key: bit 63 set, so no entity is the empty slot's 0. */
static uint64_t ent_key(uint8_t kind, uint32_t id) { return 1ull << 63 | (uint64_t)kind << 32 | id; }

/* The current value of an identity field, so a static report repeating
 * what is stored costs no SQL. */
struct idc {
    uint64_t ent; /* 0 = empty slot */
    char field[16];
    char *value;
    int64_t row;
    int64_t from; /* the row's valid_from */
};

struct store_sqlite {
    struct store base;
    sqlite3 *db;
    sqlite3_stmt *st[NST];
    struct sqlite_read *rd; /* sqlite_read.c */
    struct seg *segs;       /* open addressing on ent, linear probing */
    size_t nsegs, segcap;   /* used slots; a power of two */
    struct idc *ids;        /* likewise, on (ent, field) */
    size_t nids, idcap;
    int64_t data_version;   /* PRAGMA data_version when ids was last valid */
};

static struct store_sqlite *ss(struct store *s) { return (struct store_sqlite *)s; }

static int fail(struct store_sqlite *q, const char *what)
{
    snprintf(q->base.err, sizeof q->base.err, "%s: %s", what, sqlite3_errmsg(q->db));
    return -1;
}

/* Runs a prepared statement with no result rows, then resets it. */
static int step_done(struct store_sqlite *q, int i)
{
    int rc = sqlite3_step(q->st[i]);
    sqlite3_reset(q->st[i]);
    sqlite3_clear_bindings(q->st[i]);
    return rc == SQLITE_DONE ? 0 : fail(q, sql[i]);
}

static void bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

void sqlite_row_position(sqlite3_stmt *st, struct store_position *p)
{
    *p = (struct store_position){
        .kind = (uint8_t)sqlite3_column_int(st, 0),
        .id = (uint32_t)sqlite3_column_int64(st, 1),
        .t_ms = sqlite3_column_int64(st, 2),
        .lat = sqlite3_column_double(st, 3),
        .lon = sqlite3_column_double(st, 4),
        .alt_ft = col_real(st, 5),
        .speed_kt = col_real(st, 6),
        .course_deg = col_real(st, 7),
        .source = (const char *)sqlite3_column_text(st, 8),
    };
}

void sqlite_row_identity(sqlite3_stmt *st, struct store_identity *i)
{
    *i = (struct store_identity){
        .field = (const char *)sqlite3_column_text(st, 0),
        .value = (const char *)sqlite3_column_text(st, 1),
        .valid_from_ms = sqlite3_column_int64(st, 2),
        .valid_to_ms = sqlite3_column_int64(st, 3),
    };
}

void sqlite_row_event(sqlite3_stmt *st, struct store_event *e)
{
    *e = (struct store_event){
        .id = sqlite3_column_int64(st, 0),
        .kind = (const char *)sqlite3_column_text(st, 1),
        .t_start_ms = sqlite3_column_int64(st, 2),
        .t_end_ms = sqlite3_column_int64(st, 3),
        .entities_json = (const char *)sqlite3_column_text(st, 4),
        .lat = col_real(st, 5),
        .lon = col_real(st, 6),
        .details_json = (const char *)sqlite3_column_text(st, 7),
        .evidence = (const char *)sqlite3_column_text(st, 8),
        .state = (uint8_t)sqlite3_column_int(st, 9),
        .key = (uint64_t)sqlite3_column_int64(st, 10),
        .alert = (const char *)sqlite3_column_text(st, 11),
        .seq = sqlite3_column_int64(st, 12),
    };
}

/* --- segments --- */

static uint64_t mix64(uint64_t x)
{
    x *= 0x9E3779B97F4A7C15u;
    return x ^ (x >> 29);
}

static int64_t hour_of(int64_t t_ms)
{
    int64_t h = t_ms / SEG_MS;
    return h - (t_ms % SEG_MS < 0);
}

/* Row id of an entity-hour, hour * 2^34 + kind * 2^32 + id as migration 5
 * writes it: unique for kinds 0-3 (enum store_kind) while |hour| < 2^29
 * (61,000 years). */
static int64_t seg_sid(uint64_t ent, int64_t hour)
{
    return (int64_t)(((uint64_t)hour << 34) + (ent & 0x3FFFFFFFFu));
}

/* The entity's slot, made (hour INT64_MIN: none open) when it had none. */
static struct seg *seg_slot(struct store_sqlite *q, uint64_t ent)
{
    if (2 * (q->nsegs + 1) > q->segcap) {
        size_t oldcap = q->segcap, cap = oldcap ? 2 * oldcap : 1024;
        struct seg *old = q->segs;
        q->segs = xcalloc(cap, sizeof *q->segs);
        q->segcap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].ent) {
                size_t j = mix64(old[i].ent) & (cap - 1);
                while (q->segs[j].ent)
                    j = (j + 1) & (cap - 1);
                q->segs[j] = old[i];
            }
        free(old);
    }
    size_t j = mix64(ent) & (q->segcap - 1);
    while (q->segs[j].ent && q->segs[j].ent != ent)
        j = (j + 1) & (q->segcap - 1);
    if (!q->segs[j].ent) {
        q->segs[j] = (struct seg){.ent = ent, .hour = INT64_MIN};
        q->nsegs++;
    }
    return &q->segs[j];
}

/* Writes the segment as the union of its box and the table's copy (another
 * connection, or an earlier run, may have grown it), in the transaction of
 * the positions it covers, so a crash keeps both or neither. */
static int seg_write(struct store_sqlite *q, struct seg *g)
{
    int64_t sid = seg_sid(g->ent, g->hour);
    sqlite3_stmt *st = q->st[ST_SEG_GET];
    sqlite3_bind_int64(st, 1, sid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        g->lat0 = fmin(g->lat0, sqlite3_column_double(st, 0));
        g->lat1 = fmax(g->lat1, sqlite3_column_double(st, 1));
        g->lon0 = fmin(g->lon0, sqlite3_column_double(st, 2));
        g->lon1 = fmax(g->lon1, sqlite3_column_double(st, 3));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(q, sql[ST_SEG_GET]);
    st = q->st[ST_SEG_PUT];
    sqlite3_bind_int64(st, 1, sid);
    sqlite3_bind_double(st, 2, g->lat0);
    sqlite3_bind_double(st, 3, g->lat1);
    sqlite3_bind_double(st, 4, g->lon0);
    sqlite3_bind_double(st, 5, g->lon1);
    sqlite3_bind_int(st, 6, (int)(g->ent >> 32 & 0xFF));
    sqlite3_bind_int64(st, 7, (uint32_t)g->ent);
    sqlite3_bind_int64(st, 8, g->hour * SEG_MS);
    sqlite3_bind_int64(st, 9, g->hour * SEG_MS + SEG_MS - 1);
    g->dirty = 0;
    return step_done(q, ST_SEG_PUT);
}

/* Grows the entity's segment by a fix; a fix of another hour first writes
 * the segment it leaves. */
static int seg_add(struct store_sqlite *q, const struct store_position *p)
{
    struct seg *g = seg_slot(q, ent_key(p->kind, p->id));
    int64_t hour = hour_of(p->t_ms);
    if (g->hour != hour) {
        if (g->dirty && seg_write(q, g))
            return -1;
        g->hour = hour;
        g->lat0 = g->lon0 = INFINITY;
        g->lat1 = g->lon1 = -INFINITY;
    }
    if (p->lat < g->lat0)
        g->lat0 = p->lat - SEG_PAD, g->dirty = 1;
    if (p->lat > g->lat1)
        g->lat1 = p->lat + SEG_PAD, g->dirty = 1;
    if (p->lon < g->lon0)
        g->lon0 = p->lon - SEG_PAD, g->dirty = 1;
    if (p->lon > g->lon1)
        g->lon1 = p->lon + SEG_PAD, g->dirty = 1;
    return 0;
}

static int seg_flush(struct store_sqlite *q)
{
    for (size_t i = 0; i < q->segcap; i++)
        if (q->segs[i].ent && q->segs[i].dirty && seg_write(q, &q->segs[i]))
            return -1;
    return 0;
}

/* --- identity cache --- */

static void idc_clear(struct store_sqlite *q)
{
    for (size_t i = 0; i < q->idcap; i++)
        free(q->ids[i].value);
    if (q->ids)
        memset(q->ids, 0, q->idcap * sizeof *q->ids);
    q->nids = 0;
}

static size_t idc_hash(uint64_t ent, const char *field)
{
    uint64_t h = ent;
    for (; *field; field++)
        h = h * 131 + (unsigned char)*field;
    return (size_t)mix64(h);
}

/* The slot of (ent, field): its entry, or the empty slot it would take. */
static struct idc *idc_slot(struct store_sqlite *q, uint64_t ent, const char *field)
{
    if (2 * (q->nids + 1) > q->idcap) {
        size_t oldcap = q->idcap, cap = oldcap ? 2 * oldcap : 1024;
        struct idc *old = q->ids;
        q->ids = xcalloc(cap, sizeof *q->ids);
        q->idcap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].ent) {
                size_t j = idc_hash(old[i].ent, old[i].field) & (cap - 1);
                while (q->ids[j].ent)
                    j = (j + 1) & (cap - 1);
                q->ids[j] = old[i];
            }
        free(old);
    }
    size_t j = idc_hash(ent, field) & (q->idcap - 1);
    while (q->ids[j].ent && (q->ids[j].ent != ent || strcmp(q->ids[j].field, field)))
        j = (j + 1) & (q->idcap - 1);
    return &q->ids[j];
}

static void idc_set(struct store_sqlite *q, struct idc *c, uint64_t ent, const char *field, const char *value,
                    int64_t row, int64_t from)
{
    if (!c)
        return;
    if (!c->ent) {
        c->ent = ent;
        snprintf(c->field, sizeof c->field, "%s", field);
        q->nids++;
    }
    free(c->value);
    c->value = xstrdup(value);
    c->row = row;
    c->from = from;
}

static void sq_close(struct store *s)
{
    struct store_sqlite *q = ss(s);
    for (int i = 0; i < NST; i++)
        sqlite3_finalize(q->st[i]);
    idc_clear(q);
    free(q->ids);
    free(q->segs);
    sqlite_read_free(q->rd);
    ref_db_close(q->db);
    free(q);
}

/* After BEGIN: when another connection has committed since this one last
 * looked (PRAGMA data_version), the cached identities and open segments may
 * be stale, so they are forgotten (every segment is clean between batches:
 * commit writes them). */
static int sq_begin(struct store *s)
{
    struct store_sqlite *q = ss(s);
    if (step_done(q, ST_BEGIN))
        return -1;
    sqlite3_stmt *st = q->st[ST_DATA_VERSION];
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return fail(q, sql[ST_DATA_VERSION]);
    if (v != q->data_version) {
        idc_clear(q);
        if (q->segs)
            memset(q->segs, 0, q->segcap * sizeof *q->segs);
        q->nsegs = 0;
        q->data_version = v;
    }
    return 0;
}

/* The batch's grown segments go in with its positions. */
/* A failed commit (a full disk, an I/O error) loses the batch, never what
 * was committed before: the transaction is rolled back if SQLite left it
 * open, and the caches of what the file holds are dropped, so the next
 * batch starts from the file as it is. */
static int sq_commit(struct store *s)
{
    struct store_sqlite *q = ss(s);
    if (!seg_flush(q) && !step_done(q, ST_COMMIT))
        return 0;
    if (!sqlite3_get_autocommit(q->db))
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    idc_clear(q);
    if (q->segs)
        memset(q->segs, 0, q->segcap * sizeof *q->segs);
    q->nsegs = 0;
    return -1;
}

static void bind_entity_field(sqlite3_stmt *st, uint8_t kind, uint32_t id, const char *field)
{
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, field, -1, SQLITE_STATIC);
}

/* A one-row SELECT: 1 a row (its columns still readable until the caller
 * resets), 0 none (reset), -1 error. */
static int step_row(struct store_sqlite *q, int i)
{
    int rc = sqlite3_step(q->st[i]);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(q->st[i]);
    sqlite3_clear_bindings(q->st[i]);
    return rc == SQLITE_DONE ? 0 : fail(q, sql[i]);
}

static void reset(struct store_sqlite *q, int i)
{
    sqlite3_reset(q->st[i]);
    sqlite3_clear_bindings(q->st[i]);
}

static int identity_insert(struct store_sqlite *q, uint8_t kind, uint32_t id, const char *field, const char *value,
                           int64_t from, int64_t to)
{
    sqlite3_stmt *ins = q->st[ST_ID_INS];
    bind_entity_field(ins, kind, id, field);
    sqlite3_bind_text(ins, 4, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, from);
    if (to != INT64_MIN)
        sqlite3_bind_int64(ins, 6, to);
    return step_done(q, ST_ID_INS);
}

static int identity_close(struct store_sqlite *q, int64_t row, int64_t t_ms)
{
    sqlite3_bind_int64(q->st[ST_ID_CLOSE], 1, row);
    sqlite3_bind_int64(q->st[ST_ID_CLOSE], 2, t_ms);
    return step_done(q, ST_ID_CLOSE);
}

/* Closes the open row (if any) and opens one with the new value. */
static int identity_change(struct store_sqlite *q, struct idc *c, uint8_t kind, uint32_t id, const char *field,
                           const char *value, int64_t t_ms, int64_t open_row)
{
    if (open_row && identity_close(q, open_row, t_ms))
        return -1;
    if (identity_insert(q, kind, id, field, value, t_ms, INT64_MIN))
        return -1;
    idc_set(q, c, ent_key(kind, id), field, value, sqlite3_last_insert_rowid(q->db), t_ms);
    return 0;
}

/* 1 when the history holds value at t already (a re-run), 0 not, -1. */
static int identity_has(struct store_sqlite *q, uint8_t kind, uint32_t id, const char *field, const char *value,
                        int64_t t_ms)
{
    sqlite3_stmt *st = q->st[ST_ID_HAS];
    bind_entity_field(st, kind, id, field);
    sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, t_ms);
    int rc = step_row(q, ST_ID_HAS);
    if (rc == 1)
        reset(q, ST_ID_HAS);
    return rc;
}

/* A value dated before the current row (inputs given out of time order):
 * it holds from t until the next row begins, and the row it falls in ends
 * at t. History stays a sequence of intervals, whatever the order. */
static int identity_insert_past(struct store_sqlite *q, uint8_t kind, uint32_t id, const char *field,
                                const char *value, int64_t t_ms)
{
    sqlite3_stmt *st = q->st[ST_ID_NEXT];
    bind_entity_field(st, kind, id, field);
    sqlite3_bind_int64(st, 4, t_ms);
    int rc = step_row(q, ST_ID_NEXT);
    if (rc < 0)
        return -1;
    int64_t next = rc && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0) : INT64_MIN;
    if (rc)
        reset(q, ST_ID_NEXT);
    st = q->st[ST_ID_AT];
    bind_entity_field(st, kind, id, field);
    sqlite3_bind_int64(st, 4, t_ms);
    if ((rc = step_row(q, ST_ID_AT)) < 0)
        return -1;
    int64_t row = rc ? sqlite3_column_int64(st, 0) : 0;
    bool covers = rc && (sqlite3_column_type(st, 1) == SQLITE_NULL || sqlite3_column_int64(st, 1) > t_ms);
    if (rc)
        reset(q, ST_ID_AT);
    if (covers && identity_close(q, row, t_ms))
        return -1;
    return identity_insert(q, kind, id, field, value, t_ms, next);
}

static int sq_put_identity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                           int64_t t_ms)
{
    struct store_sqlite *q = ss(s);
    uint64_t ent = ent_key(kind, id);
    struct idc *c = strlen(field) < sizeof c->field ? idc_slot(q, ent, field) : NULL;
    int64_t open_row = 0, from = INT64_MIN;
    int same = 0;
    if (c && c->ent) {
        open_row = c->row, from = c->from;
        same = strcmp(c->value, value) == 0;
    } else {
        sqlite3_stmt *cur = q->st[ST_ID_CUR];
        bind_entity_field(cur, kind, id, field);
        int rc = step_row(q, ST_ID_CUR);
        if (rc < 0)
            return -1;
        if (rc) {
            open_row = sqlite3_column_int64(cur, 0);
            same = strcmp((const char *)sqlite3_column_text(cur, 1), value) == 0;
            from = sqlite3_column_int64(cur, 2);
            if (same)
                idc_set(q, c, ent, field, value, open_row, from);
            reset(q, ST_ID_CUR);
        }
    }
    /* The live case: the current value again, or a change after it began. */
    if (open_row && from <= t_ms && same)
        return 1;
    if (!open_row || from < t_ms)
        return identity_change(q, c, kind, id, field, value, t_ms, open_row);
    /* At or before the current row's start: a re-run giving what is stored
     * (nothing to do), or older news. */
    int has = identity_has(q, kind, id, field, value, t_ms);
    if (has)
        return has < 0 ? -1 : 1;
    if (from == t_ms)
        return identity_change(q, c, kind, id, field, value, t_ms, open_row);
    return identity_insert_past(q, kind, id, field, value, t_ms);
}

static int sq_put_position(struct store *s, const struct store_position *p)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_POS];
    sqlite3_bind_int(st, 1, p->kind);
    sqlite3_bind_int64(st, 2, p->id);
    sqlite3_bind_int64(st, 3, p->t_ms);
    sqlite3_bind_double(st, 4, p->lat);
    sqlite3_bind_double(st, 5, p->lon);
    bind_real_or_null(st, 6, p->alt_ft);
    bind_real_or_null(st, 7, p->speed_kt);
    bind_real_or_null(st, 8, p->course_deg);
    bind_text_or_null(st, 9, p->source);
    if (step_done(q, ST_POS))
        return -1;
    /* Already stored (a re-run): its box was written with it. */
    if (sqlite3_changes(q->db) == 0)
        return 1;
    return seg_add(q, p);
}

static int sq_put_event(struct store *s, const struct store_event *e)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_EVENT];
    sqlite3_bind_text(st, 1, e->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, e->t_start_ms);
    sqlite3_bind_int64(st, 3, e->t_end_ms);
    bind_text_or_null(st, 4, e->entities_json);
    bind_real_or_null(st, 5, e->lat);
    bind_real_or_null(st, 6, e->lon);
    bind_text_or_null(st, 7, e->details_json);
    bind_text_or_null(st, 8, e->evidence);
    sqlite3_bind_int(st, 9, e->state);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)e->key);
    bind_text_or_null(st, 11, e->alert);
    int64_t row = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE || !row)
        return fail(q, "event");
    /* An update names its entities again (a gap's reappeared_as comes with its end). */
    sqlite3_bind_int64(q->st[ST_EVENT_ENT_DEL], 1, row);
    rc = step_done(q, ST_EVENT_ENT_DEL);
    for (size_t i = 0; i < e->nentities && rc == 0; i++) {
        st = q->st[ST_EVENT_ENT];
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_int(st, 2, e->entities[i].kind);
        sqlite3_bind_int64(st, 3, e->entities[i].id);
        bind_text_or_null(st, 4, e->entities[i].role);
        rc = step_done(q, ST_EVENT_ENT);
    }
    return rc;
}

static int sq_put_alert(struct store *s, const struct store_alert *a)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_ALERT];
    sqlite3_bind_int64(st, 1, a->t_ms);
    sqlite3_bind_int(st, 2, a->kind);
    sqlite3_bind_int64(st, 3, a->id);
    sqlite3_bind_text(st, 4, a->rule, -1, SQLITE_STATIC);
    bind_text_or_null(st, 5, a->message);
    bind_text_or_null(st, 6, a->evidence);
    if (a->key)
        sqlite3_bind_int64(st, 7, (sqlite3_int64)a->key);
    else
        sqlite3_bind_null(st, 7);
    if (step_done(q, ST_ALERT))
        return -1;
    return sqlite3_changes(q->db) == 0; /* 1: stored already (its key) */
}

static int sq_input_get(struct store *s, struct store_input *in, struct store_mark *m)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_MARK_GET];
    sqlite3_bind_text(st, 1, in->path, -1, SQLITE_STATIC);
    int rc = step_row(q, ST_MARK_GET);
    if (rc <= 0)
        return rc;
    in->size = sqlite3_column_int64(st, 0);
    in->head_len = sqlite3_column_int64(st, 1);
    in->head_hash = (uint64_t)sqlite3_column_int64(st, 2);
    m->offset = sqlite3_column_int64(st, 3);
    m->rows = (uint64_t)sqlite3_column_int64(st, 4);
    reset(q, ST_MARK_GET);
    return 1;
}

static int sq_input_put(struct store *s, const struct store_input *in, const struct store_mark *m)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_MARK_PUT];
    sqlite3_bind_text(st, 1, in->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, in->size);
    sqlite3_bind_int64(st, 3, in->head_len);
    sqlite3_bind_int64(st, 4, (int64_t)in->head_hash);
    sqlite3_bind_int64(st, 5, m->offset);
    sqlite3_bind_int64(st, 6, (int64_t)m->rows);
    return step_done(q, ST_MARK_PUT);
}

static int sq_put_state(struct store *s, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct store_sqlite *q = ss(s);
    int i = state ? ST_STATE_PUT : ST_STATE_DEL;
    sqlite3_stmt *st = q->st[i];
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if (state) {
        sqlite3_bind_int64(st, 3, t_ms);
        sqlite3_bind_text(st, 4, state, -1, SQLITE_STATIC);
    }
    return step_done(q, i);
}

static int sq_query_state(struct store *s, store_state_cb cb, void *ctx)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_STATE_ALL];
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
               sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3))) {
            rc = SQLITE_DONE;
            break;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : fail(q, "det_state");
}

/* Steps a position-shaped SELECT (kind, id, t, lat, lon, alt, speed, course,
 * source) into cb. */
static int emit_positions(struct store_sqlite *q, sqlite3_stmt *st, store_position_cb cb, void *ctx)
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
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : fail(q, "query");
}

static int sq_query_track(struct store *s, uint8_t kind, uint32_t id, int64_t from_ms, int64_t to_ms,
                          store_position_cb cb, void *ctx)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_TRACK];
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, from_ms);
    sqlite3_bind_int64(st, 4, to_ms);
    return emit_positions(q, st, cb, ctx);
}

static int sq_query_area(struct store *s, double lat0, double lon0, double lat1, double lon1, int64_t from_ms,
                         int64_t to_ms, store_position_cb cb, void *ctx)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_AREA];
    sqlite3_bind_double(st, 1, fmin(lat0, lat1));
    sqlite3_bind_double(st, 2, fmin(lon0, lon1));
    sqlite3_bind_double(st, 3, fmax(lat0, lat1));
    sqlite3_bind_double(st, 4, fmax(lon0, lon1));
    sqlite3_bind_int64(st, 5, from_ms);
    sqlite3_bind_int64(st, 6, to_ms);
    /* Per entity, its hours newest first until one has a fix in the area:
     * that fix is the entity's latest there, and older hours are skipped, so
     * an entity costs about one probe however long its history. */
    sqlite3_stmt *fx = q->st[ST_AREA_FIX];
    sqlite3_bind_double(fx, 5, fmin(lat0, lat1));
    sqlite3_bind_double(fx, 6, fmax(lat0, lat1));
    sqlite3_bind_double(fx, 7, fmin(lon0, lon1));
    sqlite3_bind_double(fx, 8, fmax(lon0, lon1));
    int rc = SQLITE_DONE, frc = SQLITE_DONE, stop = 0, have = 0;
    int found_kind = -1;
    int64_t found_id = -1;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int kind = sqlite3_column_int(st, 0);
        int64_t id = sqlite3_column_int64(st, 1);
        if (have && kind == found_kind && id == found_id)
            continue;
        sqlite3_bind_int(fx, 1, kind);
        sqlite3_bind_int64(fx, 2, id);
        sqlite3_bind_int64(fx, 3, sqlite3_column_int64(st, 2));
        sqlite3_bind_int64(fx, 4, sqlite3_column_int64(st, 3));
        frc = sqlite3_step(fx);
        if (frc == SQLITE_ROW) {
            struct store_position p;
            sqlite_row_position(fx, &p);
            have = 1, found_kind = kind, found_id = id;
            stop = cb(ctx, &p) != 0;
            frc = SQLITE_DONE;
        }
        sqlite3_reset(fx);
        if (frc != SQLITE_DONE)
            break;
    }
    if (stop)
        rc = SQLITE_DONE;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_clear_bindings(fx);
    return rc == SQLITE_DONE && frc == SQLITE_DONE ? 0 : fail(q, "area query");
}

static int sq_query_identity(struct store *s, uint8_t kind, uint32_t id, store_identity_cb cb, void *ctx)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = q->st[ST_IDENT];
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int64(st, 2, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_identity i;
        sqlite_row_identity(st, &i);
        if (cb(ctx, &i)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : fail(q, "query");
}

/* The statement is assembled from fixed fragments only; every value the
 * caller gives, keys' JSON paths included, is a bound parameter. */
static int sq_query_events(struct store *s, const struct store_event_filter *f, store_event_cb cb, void *ctx)
{
    struct store_sqlite *q = ss(s);
    sqlite3_stmt *st = sqlite_event_prepare(
        s, "SELECT " SQLITE_EVENT_COLS " FROM event", f,
        f->newest_first ? (f->limit ? " ORDER BY t_start DESC, rowid DESC LIMIT ?" : " ORDER BY t_start DESC, rowid DESC")
                        : (f->limit ? " ORDER BY t_start, rowid LIMIT ?" : " ORDER BY t_start, rowid"));
    if (!st)
        return -1;
    struct sqlite_event_where w;
    int k = sqlite_event_where_bind(st, f, &w), rc;
    if (f->limit)
        sqlite3_bind_int64(st, k, (sqlite3_int64)f->limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_event e;
        sqlite_row_event(st, &e);
        if (cb(ctx, &e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        fail(q, "events query");
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static long sq_retain(struct store *s, int64_t before_ms)
{
    struct store_sqlite *q = ss(s);
    /* Open segments of hours now deleted are forgotten, not written back. */
    for (size_t i = 0; i < q->segcap; i++)
        if (q->segs[i].ent && q->segs[i].hour != INT64_MIN && q->segs[i].hour * SEG_MS + SEG_MS - 1 < before_ms)
            q->segs[i].hour = INT64_MIN, q->segs[i].dirty = 0;
    sqlite3_bind_int64(q->st[ST_RETAIN_SEG], 1, before_ms);
    if (step_done(q, ST_RETAIN_SEG))
        return -1;
    sqlite3_bind_int64(q->st[ST_RETAIN], 1, before_ms);
    if (step_done(q, ST_RETAIN))
        return -1;
    return (long)sqlite3_changes(q->db);
}

static const struct store_ops sqlite_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .put_identity = sq_put_identity,
    .put_position = sq_put_position,
    .put_event = sq_put_event,
    .put_alert = sq_put_alert,
    .query_track = sq_query_track,
    .query_identity = sq_query_identity,
    .query_area = sq_query_area,
    .query_events = sq_query_events,
    .retain = sq_retain,
    .input_get = sq_input_get,
    .input_put = sq_input_put,
    .put_state = sq_put_state,
    .query_state = sq_query_state,
    SQLITE_READ_OPS,
};

sqlite3 *sqlite_store_db(struct store *s) { return ss(s)->db; }
struct sqlite_read **sqlite_store_read(struct store *s) { return &ss(s)->rd; }

struct store *store_sqlite_open(const char *path, char *err, size_t errn)
{
    struct store_sqlite *q = xcalloc(1, sizeof *q);
    q->base.ops = &sqlite_ops;
    if (ref_db_open(path, &q->db, err, errn) != 0) {
        free(q);
        return NULL;
    }
    if (sqlite_store_migrate(q->db, err, errn) != 0) {
        ref_db_close(q->db);
        free(q);
        return NULL;
    }
    sqlite3_exec(q->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_exec(q->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    /* 64 MiB of page cache: the R*Tree and the position indexes stay in memory
     * through a batch instead of being re-read page by page. */
    sqlite3_exec(q->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    /* Checkpoint every 8192 pages (32 MiB of WAL) rather than SQLite's 1000:
     * a batch rewrites the same index leaves as the one before, and a longer
     * WAL copies each of them into the file once instead of several times,
     * with an eighth of the checkpoint syncs. A kill -9 still loses no commit;
     * a power loss may lose the commits since the last checkpoint, as with
     * any synchronous=NORMAL WAL, now up to 32 MiB of them. */
    sqlite3_exec(q->db, "PRAGMA wal_autocheckpoint=8192", NULL, NULL, NULL);
    for (int i = 0; i < NST; i++)
        if (sqlite3_prepare_v3(q->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL) != SQLITE_OK) {
            snprintf(err, errn, "%s: %s", path, sqlite3_errmsg(q->db));
            sq_close(&q->base);
            return NULL;
        }
    return &q->base;
}

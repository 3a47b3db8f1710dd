/* postgres.c: the PostgreSQL/PostGIS backend of the store (store.h), opened
 * by a libpq URL (postgresql://USER@HOST:PORT/DB). The write side, retention
 * and the table of operations; postgres_conn.c keeps the connection,
 * postgres_query.c and postgres_read.c answer the CLI's and the HTTP API's
 * queries, postgres_schema.c makes the tables.
 *
 * WRITES are kept in memory while a batch is open (store.c: begin/commit)
 * and sent at commit in one transaction, a handful of statements whatever
 * the batch's size, all in one libpq pipeline (one round trip): identities,
 * positions and alerts as arrays (unnest), events one statement each (with
 * their entities). Partitions of the days a
 * batch touches are created first, each in its own short transaction, so a
 * batch never holds the parent table's lock. A lost connection is
 * re-established with back-off and the whole batch sent again; batch_log
 * says whether a COMMIT whose answer was lost went through, so a retried
 * batch is never written twice. A batch that still fails is reported
 * (-1, err says how many rows), not dropped in silence.
 *
 * The identity cache assumes one writer per entity (as the shards of a
 * stream give): another process changing the same entity's identity is not
 * seen until this one reopens. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "store/pg_internal.h"
#include "store/store.h"

#define DAY_MS 86400000LL

struct pos_row {
    int64_t t;
    uint32_t id;
    uint8_t kind;
    double lat, lon, alt, speed, course;
    const char *source; /* interned (store_pg.sources) */
};

struct id_row {
    uint8_t kind;
    uint32_t id;
    char *field, *value;
    int64_t from, to; /* to 0: open */
};

struct id_close {
    uint8_t kind;
    uint32_t id;
    char *field;
    int64_t t;
};

struct ev_row {
    char *kind, *entities, *details, *evidence, *alert;
    int64_t t_start, t_end;
    double lat, lon;
    uint8_t state;
    uint64_t key;
    struct store_entity_ref *ents; /* roles are strdup'd */
    size_t nents;
};

struct al_row {
    uint64_t key; /* 0: none */
    int64_t t;
    uint8_t kind;
    uint32_t id;
    char *rule, *message, *evidence;
};

/* The current value of an identity field: stored (pend -1) or written by
 * the open batch (pend: its index in ids). */
struct idc {
    uint64_t ent; /* 0: empty slot */
    char *field, *value;
    long pend;
};

/* A detector checkpoint record (state NULL: delete). */
struct st_row {
    char *kind, *state;
    int64_t id, t;
};

struct store_pg {
    struct store base;
    struct pgx link;
    int queued, queue_failed; /* statements in the batch's pipeline */
    /* The batch failed with the connection, not a statement: the server
     * went away (a FATAL "terminating connection" read before libpq has
     * seen the socket close still leaves the status OK). Reconnect and
     * send it again. */
    int link_failed;
    uint64_t writer, seq;
    struct pos_row *pos;
    size_t npos, cappos;
    struct id_row *ids;
    size_t nids, capids;
    struct id_close *closes;
    size_t ncloses, capcloses;
    struct ev_row *evs;
    size_t nevs, capevs;
    struct al_row *als;
    size_t nals, capals;
    char **sources;
    size_t nsources;
    int64_t *days; /* partitions known to exist */
    size_t ndays, capdays;
    /* The input mark (store.h, resumable ingest) the open batch commits with. */
    bool has_mark;
    char *mark_path;
    struct store_input mark_in;
    struct store_mark mark;
    struct idc *idc; /* open addressing, linear probing; a power of two */
    size_t nidc, idccap;
    struct st_row *sts; /* checkpoint records of the open batch */
    size_t nsts, capsts;
};

static struct store_pg *sp(struct store *s) { return (struct store_pg *)s; }
struct pgx *pg_store_link(struct store *s) { return &sp(s)->link; }

#define GROW(arr, n, cap)                                                                                    \
    do {                                                                                                     \
        if ((n) == (cap)) {                                                                                  \
            (cap) = (cap) ? 2 * (cap) : 256;                                                                 \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                                                  \
        }                                                                                                    \
    } while (0)

/* --- identity cache --- */

static uint64_t ent_key(uint8_t kind, uint32_t id) { return 1ull << 63 | (uint64_t)kind << 32 | id; }

static uint64_t idc_hash(uint64_t ent, const char *field)
{
    uint64_t h = ent * 0x9E3779B97F4A7C15u;
    for (; *field; field++)
        h = (h ^ (unsigned char)*field) * 0x100000001B3u;
    return h ^ (h >> 29);
}

static struct idc *idc_find(struct store_pg *q, uint64_t ent, const char *field)
{
    if (2 * (q->nidc + 1) > q->idccap) {
        size_t oldcap = q->idccap, cap = oldcap ? 2 * oldcap : 1024;
        struct idc *old = q->idc;
        q->idc = xcalloc(cap, sizeof *q->idc);
        q->idccap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].ent) {
                size_t j = idc_hash(old[i].ent, old[i].field) & (cap - 1);
                while (q->idc[j].ent)
                    j = (j + 1) & (cap - 1);
                q->idc[j] = old[i];
            }
        free(old);
    }
    size_t j = idc_hash(ent, field) & (q->idccap - 1);
    while (q->idc[j].ent && !(q->idc[j].ent == ent && strcmp(q->idc[j].field, field) == 0))
        j = (j + 1) & (q->idccap - 1);
    return &q->idc[j];
}

static void idc_set(struct store_pg *q, struct idc *c, uint64_t ent, const char *field, const char *value, long pend)
{
    if (!c->ent) {
        c->ent = ent;
        c->field = xstrdup(field);
        q->nidc++;
    } else {
        free(c->value);
    }
    c->value = xstrdup(value);
    c->pend = pend;
}

static void idc_clear(struct store_pg *q)
{
    for (size_t i = 0; i < q->idccap; i++)
        if (q->idc[i].ent) {
            free(q->idc[i].field);
            free(q->idc[i].value);
        }
    free(q->idc);
    q->idc = NULL;
    q->nidc = q->idccap = 0;
}

/* --- the open batch --- */

static size_t batch_rows(const struct store_pg *q) { return q->npos + q->nids + q->nevs + q->nals; }

static void batch_clear(struct store_pg *q)
{
    for (size_t i = 0; i < q->nids; i++)
        free(q->ids[i].field), free(q->ids[i].value);
    for (size_t i = 0; i < q->ncloses; i++)
        free(q->closes[i].field);
    for (size_t i = 0; i < q->nevs; i++) {
        struct ev_row *e = &q->evs[i];
        for (size_t k = 0; k < e->nents; k++)
            free((char *)e->ents[k].role);
        free(e->kind), free(e->entities), free(e->details), free(e->evidence), free(e->alert), free(e->ents);
    }
    for (size_t i = 0; i < q->nals; i++)
        free(q->als[i].rule), free(q->als[i].message), free(q->als[i].evidence);
    for (size_t i = 0; i < q->nsts; i++)
        free(q->sts[i].kind), free(q->sts[i].state);
    q->npos = q->nids = q->ncloses = q->nevs = q->nals = q->nsts = 0;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static const char *intern_source(struct store_pg *q, const char *src)
{
    if (!src)
        return NULL;
    for (size_t i = 0; i < q->nsources; i++)
        if (strcmp(q->sources[i], src) == 0)
            return q->sources[i];
    q->sources = xrealloc(q->sources, (q->nsources + 1) * sizeof *q->sources);
    return q->sources[q->nsources++] = xstrdup(src);
}

static int64_t day_of(int64_t t) { return t / DAY_MS - (t % DAY_MS < 0); }

static void partition_name(char *out, size_t n, int64_t day)
{
    if (day < 0)
        snprintf(out, n, "position_dm%lld", (long long)-day);
    else
        snprintf(out, n, "position_d%lld", (long long)day);
}

static int day_known(const struct store_pg *q, int64_t day)
{
    for (size_t i = q->ndays; i-- > 0;)
        if (q->days[i] == day)
            return 1;
    return 0;
}

/* Creates the partitions of the batch's days this writer has not made or
 * seen yet, each in its own transaction (IF NOT EXISTS: another writer may
 * have made it). */
static int ensure_partitions(struct store_pg *q)
{
    for (size_t i = 0; i < q->npos; i++) {
        int64_t day = day_of(q->pos[i].t);
        if (day_known(q, day))
            continue;
        char name[48], sql[200];
        partition_name(name, sizeof name, day);
        snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s PARTITION OF position FOR VALUES FROM (%lld) TO (%lld)",
                 name, (long long)(day * DAY_MS), (long long)((day + 1) * DAY_MS));
        if (pgx_run(&q->base, sql, 0, NULL)) {
            /* Two writers creating the same day at once: one loses the race
             * with "already exists"; the table is there either way. */
            if (pgx_run(&q->base, sql, 0, NULL))
                return -1;
        }
        GROW(q->days, q->ndays, q->capdays);
        q->days[q->ndays++] = day;
    }
    return 0;
}

/* Array literals for unnest(): elements comma separated, NULL for none,
 * text double-quoted with " and \ escaped. */
static void arr_sep(struct buf *b) { buf_putc(b, b->len > 1 ? ',' : '{'); }

static void arr_int(struct buf *b, int64_t v)
{
    arr_sep(b);
    buf_i64(b, v);
}

static void arr_real(struct buf *b, double v)
{
    arr_sep(b);
    if (isfinite(v))
        buf_printf(b, "%.17g", v);
    else
        buf_puts(b, "NULL");
}

static void arr_text(struct buf *b, const char *s)
{
    arr_sep(b);
    if (!s) {
        buf_puts(b, "NULL");
        return;
    }
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

/* Closes the literals: "{}" when empty, and NUL-terminates. */
static void arr_end(struct buf *b)
{
    if (b->len <= 1)
        buf_puts(b, "{");
    buf_putc(b, '}');
    buf_putc(b, 0);
}

#define NARR 10
static void arrs_init(struct buf *a, int n)
{
    for (int i = 0; i < n; i++) {
        buf_init(&a[i], 1024);
        buf_putc(&a[i], 0), a[i].len = 0; /* empty: arr_sep opens with '{' */
    }
}

static void arrs_end(struct buf *a, int n, const char **vals)
{
    for (int i = 0; i < n; i++) {
        arr_end(&a[i]);
        vals[i] = a[i].p;
    }
}

static void arrs_free(struct buf *a, int n)
{
    for (int i = 0; i < n; i++)
        buf_free(&a[i]);
}

/* Sends one statement of the batch's pipeline; its result is read in
 * send_batch. Returns 0, or -1 (and marks the batch failed). */
static int queue(struct store_pg *q, const char *sql, int n, const char *const *vals)
{
    if (q->queue_failed)
        return -1;
    if (!PQsendQueryParams(q->link.conn, sql, n, NULL, vals, NULL, NULL, 0)) {
        pgx_set_err(&q->base, "pipeline", PQerrorMessage(q->link.conn));
        q->queue_failed = q->link_failed = 1;
        return -1;
    }
    q->queued++;
    return 0;
}

static int send_identities(struct store_pg *q)
{
    struct buf a[NARR];
    const char *v[NARR];
    int rc = 0;
    if (q->ncloses) {
        arrs_init(a, 4);
        for (size_t i = 0; i < q->ncloses; i++) {
            arr_int(&a[0], q->closes[i].kind);
            arr_int(&a[1], q->closes[i].id);
            arr_text(&a[2], q->closes[i].field);
            arr_int(&a[3], q->closes[i].t);
        }
        arrs_end(a, 4, v);
        rc = queue(q,
                     "UPDATE identity SET valid_to=u.t FROM unnest($1::int2[], $2::int8[], $3::text[], $4::int8[])"
                     " AS u(k, i, f, t) WHERE identity.kind=u.k AND identity.id=u.i AND identity.field=u.f"
                     " AND identity.valid_to IS NULL",
                     4, v);
        arrs_free(a, 4);
    }
    if (rc == 0 && q->nids) {
        arrs_init(a, 6);
        for (size_t i = 0; i < q->nids; i++) {
            const struct id_row *r = &q->ids[i];
            arr_int(&a[0], r->kind);
            arr_int(&a[1], r->id);
            arr_text(&a[2], r->field);
            arr_text(&a[3], r->value);
            arr_int(&a[4], r->from);
            if (r->to)
                arr_int(&a[5], r->to);
            else
                arr_text(&a[5], NULL);
        }
        arrs_end(a, 6, v);
        rc = queue(q,
                     "INSERT INTO identity(kind, id, field, value, valid_from, valid_to)"
                     " SELECT k, i, f, v, vf, vt FROM unnest($1::int2[], $2::int8[], $3::text[], $4::text[],"
                     " $5::int8[], $6::int8[]) WITH ORDINALITY AS u(k, i, f, v, vf, vt, n) ORDER BY n",
                     6, v);
        arrs_free(a, 6);
    }
    return rc;
}

/* Positions, the entities they name, and the newest row and time span in
 * one statement; a position already stored (same kind, id, t, source) is
 * skipped. */
static int send_positions(struct store_pg *q)
{
    if (!q->npos)
        return 0;
    struct buf a[NARR];
    const char *v[NARR];
    arrs_init(a, 9);
    for (size_t i = 0; i < q->npos; i++) {
        const struct pos_row *p = &q->pos[i];
        arr_int(&a[0], p->kind);
        arr_int(&a[1], p->id);
        arr_int(&a[2], p->t);
        arr_real(&a[3], p->lat);
        arr_real(&a[4], p->lon);
        arr_real(&a[5], p->alt);
        arr_real(&a[6], p->speed);
        arr_real(&a[7], p->course);
        arr_text(&a[8], p->source);
    }
    arrs_end(a, 9, v);
    int rc = queue(q,
                     "WITH u AS (SELECT * FROM unnest($1::int2[], $2::int8[], $3::int8[], $4::float8[], $5::float8[],"
                     " $6::float8[], $7::float8[], $8::float8[], $9::text[])"
                     " WITH ORDINALITY AS u(k, i, t, la, lo, a, s, c, src, n)),"
                     " p AS (INSERT INTO position(kind, id, t, pos, alt, speed, course, source)"
                     " SELECT k, i, t, ST_SetSRID(ST_MakePoint(lo, la), 4326)::geography, a, s, c, src"
                     " FROM u ORDER BY n ON CONFLICT DO NOTHING RETURNING rid, t),"
                     " e AS (INSERT INTO entity(kind, id) SELECT DISTINCT k, i FROM u ON CONFLICT DO NOTHING)"
                     " UPDATE position_top SET rid=greatest(rid, (SELECT max(rid) FROM p)),"
                     " tmin=least(tmin, (SELECT min(t) FROM p)), tmax=greatest(tmax, (SELECT max(t) FROM p))",
                     9, v);
    arrs_free(a, 9);
    return rc;
}

/* One statement per event, an upsert by (kind, key) as SQLite's: the row
 * of the same occurrence is updated in place (a new seq), or a row added;
 * then its entities, replaced (an update may name another, a gap's
 * reappeared_as). The UPDATE goes first so an update takes no row id from
 * the sequence: row ids stay dense, as SQLite's, and the two backends give
 * the same event ids; ON CONFLICT catches another writer's row of the same
 * key added meanwhile. */
static int send_events(struct store_pg *q)
{
    for (size_t i = 0; i < q->nevs; i++) {
        const struct ev_row *e = &q->evs[i];
        char ts[24], te[24], la[32], lo[32], st[8], key[24];
        struct buf a[3];
        const char *av[3];
        arrs_init(a, 3);
        for (size_t k = 0; k < e->nents; k++) {
            arr_int(&a[0], e->ents[k].kind);
            arr_int(&a[1], e->ents[k].id);
            arr_text(&a[2], e->ents[k].role);
        }
        arrs_end(a, 3, av);
        snprintf(ts, sizeof ts, "%lld", (long long)e->t_start);
        snprintf(te, sizeof te, "%lld", (long long)e->t_end);
        snprintf(la, sizeof la, "%.17g", e->lat);
        snprintf(lo, sizeof lo, "%.17g", e->lon);
        snprintf(st, sizeof st, "%u", e->state);
        snprintf(key, sizeof key, "%lld", (long long)(int64_t)e->key);
        const char *v[14] = {e->kind, ts, te, e->entities, isfinite(e->lat) ? la : NULL,
                             isfinite(e->lon) ? lo : NULL, e->details, e->evidence, st, key, e->alert,
                             av[0], av[1], av[2]};
        int rc = queue(q,
                       "WITH u AS (UPDATE event SET t_start=$2::int8, t_end=$3::int8, entities=$4, lat=$5::float8,"
                       " lon=$6::float8, details=$7, evidence=$8, state=$9::int2, alert=$11, seq=nextval('event_seq')"
                       " WHERE kind=$1 AND ekey=$10::int8 RETURNING rid),"
                       " i AS (INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence, state,"
                       " ekey, alert) SELECT $1, $2::int8, $3::int8, $4, $5::float8, $6::float8, $7, $8, $9::int2,"
                       " $10::int8, $11 WHERE NOT EXISTS (SELECT 1 FROM u)"
                       " ON CONFLICT (kind, ekey) DO UPDATE SET t_start=excluded.t_start, t_end=excluded.t_end,"
                       " entities=excluded.entities, lat=excluded.lat, lon=excluded.lon, details=excluded.details,"
                       " evidence=excluded.evidence, state=excluded.state, alert=excluded.alert,"
                       " seq=nextval('event_seq') RETURNING rid),"
                       " r AS (SELECT rid FROM u UNION ALL SELECT rid FROM i),"
                       " d AS (DELETE FROM event_entity WHERE event IN (SELECT rid FROM r))"
                       " INSERT INTO event_entity(event, n, kind, id, role) SELECT r.rid, x.n, x.k, x.i, x.ro FROM r,"
                       " unnest($12::int2[], $13::int8[], $14::text[]) WITH ORDINALITY AS x(k, i, ro, n)",
                       14, v);
        arrs_free(a, 3);
        if (rc)
            return -1;
    }
    return 0;
}

static int send_alerts(struct store_pg *q)
{
    if (!q->nals)
        return 0;
    struct buf a[NARR];
    const char *v[NARR];
    arrs_init(a, 7);
    for (size_t i = 0; i < q->nals; i++) {
        const struct al_row *r = &q->als[i];
        if (r->key)
            arr_int(&a[6], (int64_t)r->key);
        else
            arr_text(&a[6], NULL);
        arr_int(&a[0], r->t);
        arr_int(&a[1], r->kind);
        arr_int(&a[2], r->id);
        arr_text(&a[3], r->rule);
        arr_text(&a[4], r->message);
        arr_text(&a[5], r->evidence);
    }
    arrs_end(a, 7, v);
    /* An alert of a key already stored is skipped before it takes a row id. */
    int rc = queue(q,
                     "INSERT INTO alert(t, kind, id, rule, message, evidence, key)"
                     " SELECT t, k, i, r, m, e, ky FROM unnest($1::int8[], $2::int2[], $3::int8[], $4::text[],"
                     " $5::text[], $6::text[], $7::int8[]) WITH ORDINALITY AS u(t, k, i, r, m, e, ky, n)"
                     " WHERE ky IS NULL OR NOT EXISTS (SELECT 1 FROM alert a WHERE a.key=u.ky) ORDER BY n"
                     " ON CONFLICT DO NOTHING",
                     7, v);
    arrs_free(a, 7);
    return rc;
}

/* Checkpoint records: the deletions, then the rest as one upsert (a batch
 * holds one checkpoint, with each record once, a deletion before a new
 * record of the same key). */
static int send_states(struct store_pg *q)
{
    if (!q->nsts)
        return 0;
    struct buf a[NARR];
    const char *v[NARR];
    arrs_init(a, 6);
    for (size_t i = 0; i < q->nsts; i++) {
        const struct st_row *r = &q->sts[i];
        if (!r->state) {
            arr_text(&a[0], r->kind);
            arr_int(&a[1], r->id);
        } else {
            arr_text(&a[2], r->kind);
            arr_int(&a[3], r->id);
            arr_int(&a[4], r->t);
            arr_text(&a[5], r->state);
        }
    }
    arrs_end(a, 6, v);
    int rc = queue(q,
                   "DELETE FROM det_state d USING unnest($1::text[], $2::int8[]) AS u(k, i)"
                   " WHERE d.kind=u.k AND d.id=u.i",
                   2, v);
    rc = rc ? rc
            : queue(q,
                    "INSERT INTO det_state(kind, id, t, state)"
                    " SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[])"
                    " ON CONFLICT (kind, id) DO UPDATE SET t=excluded.t, state=excluded.state",
                    4, v + 2);
    arrs_free(a, 6);
    return rc;
}

/* The batch's statements go out in one pipeline (libpq pipeline mode):
 * one round trip for the whole transaction instead of one per statement,
 * which on a busy machine is most of a batch's time. */
static int send_batch(struct store_pg *q)
{
    char w[24], seq[24];
    snprintf(w, sizeof w, "%lld", (long long)(int64_t)q->writer);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)q->seq);
    const char *v[2] = {w, seq};
    q->link_failed = 0; /* (a failure below, ensure_partitions included, says afresh) */
    if (ensure_partitions(q))
        return -1;
    if (!PQenterPipelineMode(q->link.conn)) {
        pgx_set_err(&q->base, "pipeline", PQerrorMessage(q->link.conn));
        q->link_failed = 1;
        return -1;
    }
    q->link.tx = 1;
    q->queued = 0;
    q->queue_failed = 0;
    queue(q, "BEGIN", 0, NULL);
    send_identities(q);
    send_positions(q);
    send_events(q);
    send_alerts(q);
    send_states(q);
    if (q->has_mark) {
        char sz[24], hl[24], hh[24], off[24], rows[24];
        snprintf(sz, sizeof sz, "%lld", (long long)q->mark_in.size);
        snprintf(hl, sizeof hl, "%lld", (long long)q->mark_in.head_len);
        snprintf(hh, sizeof hh, "%lld", (long long)(int64_t)q->mark_in.head_hash);
        snprintf(off, sizeof off, "%lld", (long long)q->mark.offset);
        snprintf(rows, sizeof rows, "%lld", (long long)(int64_t)q->mark.rows);
        const char *mv[6] = {q->mark_path, sz, hl, hh, off, rows};
        queue(q,
              "INSERT INTO input_mark VALUES ($1, $2::int8, $3::int8, $4::int8, $5::int8, $6::int8)"
              " ON CONFLICT (path) DO UPDATE SET size=excluded.size, head_len=excluded.head_len,"
              " head_hash=excluded.head_hash, \"offset\"=excluded.\"offset\", rows=excluded.rows",
              6, mv);
    }
    queue(q, "INSERT INTO batch_log VALUES ($1::int8, $2::int8) ON CONFLICT (writer) DO UPDATE SET seq=excluded.seq",
          2, v);
    queue(q, "COMMIT", 0, NULL);
    int ok = !q->queue_failed && PQpipelineSync(q->link.conn) == 1;
    if (!ok && !q->queue_failed) {
        pgx_set_err(&q->base, "pipeline", PQerrorMessage(q->link.conn));
        q->link_failed = 1;
    }
    /* Every statement's result, then the sync's; the first error is the
     * batch's. A lost connection ends the results early. */
    int err = !ok;
    for (int i = 0; ok && i < q->queued; i++) {
        PGresult *r = PQgetResult(q->link.conn);
        if (!r) {
            err = 1;
            pgx_set_err(&q->base, "pipeline", PQerrorMessage(q->link.conn));
            q->link_failed = 1;
            break;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !err) {
            err = 1;
            pgx_set_err(&q->base, NULL, st == PGRES_PIPELINE_ABORTED ? "pipeline aborted" : PQresultErrorMessage(r));
            /* 57P: the server shutting down or restarting; 08: the connection. */
            const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
            if (state && (!strncmp(state, "57P", 3) || !strncmp(state, "08", 2)))
                q->link_failed = 1;
        }
        PQclear(r);
        while ((r = PQgetResult(q->link.conn)))
            PQclear(r);
    }
    if (ok) {
        PGresult *r = PQgetResult(q->link.conn);
        if (PQresultStatus(r) != PGRES_PIPELINE_SYNC && !err) {
            err = 1;
            pgx_set_err(&q->base, "pipeline", PQerrorMessage(q->link.conn));
        }
        PQclear(r);
    }
    PQexitPipelineMode(q->link.conn);
    q->link.tx = 0;
    if (err && PQstatus(q->link.conn) == CONNECTION_OK)
        pgx_rollback(&q->base);
    return err ? -1 : 0;
}

/* Did the batch numbered q->seq commit before the connection went? */
static int batch_committed(struct store_pg *q)
{
    char w[24];
    snprintf(w, sizeof w, "%lld", (long long)(int64_t)q->writer);
    const char *v[1] = {w};
    PGresult *r = pgx_exec(&q->base, "SELECT seq FROM batch_log WHERE writer=$1::int8", 1, v);
    int done = r && pgx_rows(r) == 1 && (uint64_t)pgx_int(r, 0, 0) == q->seq;
    PQclear(r);
    return done;
}

static int pg_begin(struct store *s)
{
    (void)s;
    return 0;
}

/* After a batch is stored, what it wrote to the cache is stored too. */
static void idc_settle(struct store_pg *q)
{
    for (size_t i = 0; i < q->idccap; i++)
        q->idc[i].pend = -1;
}

static int pg_commit(struct store *s)
{
    struct store_pg *q = sp(s);
    if (!batch_rows(q) && !q->ncloses && !q->has_mark && !q->nsts)
        return 0;
    q->seq++;
    for (int attempt = 0;; attempt++) {
        if (send_batch(q) == 0)
            break;
        if ((PQstatus(q->link.conn) == CONNECTION_BAD || q->link_failed) && attempt < 3 &&
            pgx_reconnect(&q->base) == 0) {
            if (batch_committed(q))
                break;
            continue;
        }
        char e[64];
        snprintf(e, sizeof e, "batch of %zu rows not stored: ", batch_rows(q));
        pgx_prefix(s, e);
        batch_clear(q);
        idc_clear(q);
        q->has_mark = false;
        return -1;
    }
    batch_clear(q);
    idc_settle(q);
    q->has_mark = false;
    return 0;
}

/* --- writes --- */

static int pg_put_identity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                           int64_t t_ms)
{
    struct store_pg *q = sp(s);
    uint64_t ent = ent_key(kind, id);
    struct idc *c = idc_find(q, ent, field);
    int stored_open = 0;
    if (c->ent) {
        if (strcmp(c->value, value) == 0)
            return 1;
        stored_open = c->pend < 0;
    } else {
        char k[8], i[16];
        snprintf(k, sizeof k, "%u", kind);
        snprintf(i, sizeof i, "%u", id);
        const char *v[3] = {k, i, field};
        PGresult *r = pgx_exec(s,
                               "SELECT value FROM identity WHERE kind=$1::int2 AND id=$2::int8 AND field=$3"
                               " AND valid_to IS NULL ORDER BY rid DESC LIMIT 1",
                               3, v);
        if (!r)
            return -1;
        if (pgx_rows(r) == 1) {
            stored_open = 1;
            if (strcmp(pgx_text(r, 0, 0), value) == 0) {
                PQclear(r);
                idc_set(q, c, ent, field, value, -1);
                return 1;
            }
        }
        PQclear(r);
    }
    if (stored_open) {
        GROW(q->closes, q->ncloses, q->capcloses);
        q->closes[q->ncloses++] = (struct id_close){kind, id, xstrdup(field), t_ms};
    } else if (c->ent) {
        q->ids[c->pend].to = t_ms;
    }
    GROW(q->ids, q->nids, q->capids);
    q->ids[q->nids] = (struct id_row){kind, id, xstrdup(field), xstrdup(value), t_ms, 0};
    idc_set(q, c, ent, field, value, (long)q->nids++);
    return 0;
}

static int pg_put_position(struct store *s, const struct store_position *p)
{
    struct store_pg *q = sp(s);
    GROW(q->pos, q->npos, q->cappos);
    q->pos[q->npos++] = (struct pos_row){p->t_ms, p->id, p->kind, p->lat, p->lon, p->alt_ft, p->speed_kt,
                                         p->course_deg, intern_source(q, p->source)};
    return 0;
}

static int pg_put_event(struct store *s, const struct store_event *e)
{
    struct store_pg *q = sp(s);
    GROW(q->evs, q->nevs, q->capevs);
    struct ev_row *r = &q->evs[q->nevs++];
    *r = (struct ev_row){.kind = xstrdup(e->kind), .entities = dup_or_null(e->entities_json),
                         .details = dup_or_null(e->details_json), .evidence = dup_or_null(e->evidence),
                         .alert = dup_or_null(e->alert), .t_start = e->t_start_ms, .t_end = e->t_end_ms,
                         .lat = e->lat, .lon = e->lon, .state = e->state, .key = e->key, .nents = e->nentities};
    if (e->nentities) {
        r->ents = xmalloc(e->nentities * sizeof *r->ents);
        for (size_t i = 0; i < e->nentities; i++)
            r->ents[i] = (struct store_entity_ref){e->entities[i].kind, e->entities[i].id,
                                                   dup_or_null(e->entities[i].role)};
    }
    return 0;
}

/* An alert of a key the batch already holds is the same alert (SQLite: ON
 * CONFLICT(key) DO NOTHING). */
static int pg_put_alert(struct store *s, const struct store_alert *a)
{
    struct store_pg *q = sp(s);
    for (size_t i = 0; a->key && i < q->nals; i++)
        if (q->als[i].key == a->key)
            return 0;
    GROW(q->als, q->nals, q->capals);
    q->als[q->nals++] = (struct al_row){a->key, a->t_ms, a->kind, a->id, xstrdup(a->rule), dup_or_null(a->message),
                                        dup_or_null(a->evidence)};
    return 0;
}

/* --- the detectors' checkpoint --- */

static int pg_put_state(struct store *s, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct store_pg *q = sp(s);
    GROW(q->sts, q->nsts, q->capsts);
    q->sts[q->nsts++] = (struct st_row){xstrdup(kind), dup_or_null(state), id, t_ms};
    return 0;
}

static int pg_query_state(struct store *s, store_state_cb cb, void *ctx)
{
    struct pg_result *r = pgx_exec(s, "SELECT kind, id, t, state FROM det_state ORDER BY kind DESC, id", 0, NULL);
    if (!r)
        return -1;
    for (int i = 0; i < pgx_rows(r); i++)
        if (cb(ctx, pgx_text(r, i, 0), pgx_int(r, i, 1), pgx_int(r, i, 2), pgx_text(r, i, 3)))
            break;
    pgx_clear(r);
    return 0;
}

/* --- resumable ingest: the input marks --- */

static int pg_input_get(struct store *s, struct store_input *in, struct store_mark *m)
{
    const char *v[1] = {in->path};
    struct pg_result *r = pgx_exec(s, "SELECT size, head_len, head_hash, \"offset\", rows FROM input_mark WHERE path=$1",
                                   1, v);
    if (!r)
        return -1;
    int found = pgx_rows(r) == 1;
    if (found) {
        in->size = pgx_int(r, 0, 0);
        in->head_len = pgx_int(r, 0, 1);
        in->head_hash = (uint64_t)pgx_int(r, 0, 2);
        m->offset = pgx_int(r, 0, 3);
        m->rows = (uint64_t)pgx_int(r, 0, 4);
    }
    pgx_clear(r);
    return found;
}

/* Kept until the batch's commit, which writes it with the rows. */
static int pg_input_put(struct store *s, const struct store_input *in, const struct store_mark *m)
{
    struct store_pg *q = sp(s);
    if (!q->mark_path || strcmp(q->mark_path, in->path) != 0) {
        free(q->mark_path);
        q->mark_path = xstrdup(in->path);
    }
    q->mark_in = *in;
    q->mark_in.path = q->mark_path;
    q->mark = *m;
    q->has_mark = true;
    return 0;
}

/* --- retention --- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Whole days older than the cut are dropped, the day that straddles it is
 * thinned by a DELETE; the span's start is then read from the oldest day
 * left that has a row. */
static long pg_retain(struct store *s, int64_t before_ms)
{
    struct store_pg *q = sp(s);
    PGresult *r = pgx_exec(s,
                           "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid=i.inhrelid"
                           " WHERE i.inhparent='position'::regclass",
                           0, NULL);
    if (!r)
        return -1;
    size_t nd = 0;
    int64_t *days = xmalloc(((size_t)pgx_rows(r) + 1) * sizeof *days);
    for (int i = 0; i < pgx_rows(r); i++) {
        const char *name = pgx_text(r, i, 0);
        long long d;
        if (sscanf(name, "position_dm%lld", &d) == 1)
            days[nd++] = -d;
        else if (sscanf(name, "position_d%lld", &d) == 1)
            days[nd++] = d;
    }
    PQclear(r);
    qsort(days, nd, sizeof *days, cmp_i64);
    long n = 0;
    size_t first_kept = 0;
    if (pgx_begin(s))
        goto fail;
    for (size_t i = 0; i < nd && (days[i] + 1) * DAY_MS <= before_ms; i++, first_kept++) {
        char name[48], sql[128];
        partition_name(name, sizeof name, days[i]);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", name);
        if (!(r = pgx_exec(s, sql, 0, NULL)))
            goto rollback;
        n += (long)pgx_int(r, 0, 0);
        PQclear(r);
        snprintf(sql, sizeof sql, "DROP TABLE %s", name);
        if (pgx_run(s, sql, 0, NULL))
            goto rollback;
    }
    char cut[24];
    snprintf(cut, sizeof cut, "%lld", (long long)before_ms);
    const char *v[1] = {cut};
    if (!(r = pgx_exec(s, "DELETE FROM position WHERE t<$1::int8", 1, v)))
        goto rollback;
    n += pgx_cmd_rows(r);
    PQclear(r);
    const char *tmin = NULL;
    char tbuf[24];
    for (size_t i = first_kept; i < nd && !tmin; i++) {
        char name[48], sql[128];
        partition_name(name, sizeof name, days[i]);
        snprintf(sql, sizeof sql, "SELECT min(t) FROM %s", name);
        if (!(r = pgx_exec(s, sql, 0, NULL)))
            goto rollback;
        if (pgx_text(r, 0, 0)) {
            snprintf(tbuf, sizeof tbuf, "%s", pgx_text(r, 0, 0));
            tmin = tbuf;
        }
        PQclear(r);
    }
    const char *tv[1] = {tmin};
    if (pgx_run(s,
                "UPDATE position_top SET tmin=$1::int8, tmax=CASE WHEN $1::int8 IS NULL THEN NULL ELSE tmax END",
                1, tv) ||
        pgx_commit(s))
        goto fail;
    /* Days dropped are made again if a late row needs them. */
    size_t kept = 0;
    for (size_t i = 0; i < q->ndays; i++)
        if ((q->days[i] + 1) * DAY_MS > before_ms)
            q->days[kept++] = q->days[i];
    q->ndays = kept;
    free(days);
    return n;
rollback:
    pgx_rollback(s);
fail:
    free(days);
    return -1;
}

/* --- lifecycle --- */

static void pg_close(struct store *s)
{
    struct store_pg *q = sp(s);
    batch_clear(q);
    idc_clear(q);
    free(q->pos), free(q->ids), free(q->closes), free(q->evs), free(q->als), free(q->sts), free(q->days), free(q->mark_path);
    for (size_t i = 0; i < q->nsources; i++)
        free(q->sources[i]);
    free(q->sources);
    pgx_disconnect(&q->base);
    free(q);
}

static const struct store_ops pg_ops = {
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .put_identity = pg_put_identity,
    .put_position = pg_put_position,
    .put_event = pg_put_event,
    .put_alert = pg_put_alert,
    .query_track = pg_query_track,
    .query_identity = pg_query_identity,
    .query_area = pg_query_area,
    .query_events = pg_query_events,
    .retain = pg_retain,
    .input_get = pg_input_get,
    .input_put = pg_input_put,
    .put_state = pg_put_state,
    .query_state = pg_query_state,
    PG_READ_OPS,
};

struct store *store_pg_open(const char *url, char *err, size_t errn)
{
    struct store_pg *q = xcalloc(1, sizeof *q);
    q->base.ops = &pg_ops;
    if (pgx_connect(&q->base, url)) {
        snprintf(err, errn, "%s", q->base.err);
        pg_close(&q->base);
        return NULL;
    }
    /* A writer's number only has to differ from the other writers'. */
    if (getrandom(&q->writer, sizeof q->writer, 0) != sizeof q->writer)
        q->writer = (uint64_t)time(NULL) << 32 ^ (uint64_t)getpid();
    if (pg_migrate(&q->base)) {
        snprintf(err, errn, "%s", q->base.err);
        pg_close(&q->base);
        return NULL;
    }
    return &q->base;
}

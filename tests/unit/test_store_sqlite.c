/* test_store_sqlite.c: the SQLite store against a temporary file: identity
 * history, batched commits seen by a second connection, area and track
 * queries, events, retention. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "common/buf.h"
#include "detect/event.h"
#include "store/store.h"
#include "test.h"

static char path[64];

static struct store *fresh(void)
{
    snprintf(path, sizeof path, "/tmp/atalaya_store_%d.db", (int)getpid());
    unlink(path);
    char err[256];
    struct store *s = store_open(path, err, sizeof err);
    if (!s)
        fprintf(stderr, "%s\n", err);
    return s;
}

static void cleanup(void)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* Rows in a table, through a separate connection: what a reader sees. */
static long count_rows(const char *table)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char q[128];
    long n = -1;
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

struct idlog {
    int n;
    struct {
        char field[16], value[32];
        int64_t from, to;
    } r[8];
};

static int on_identity(void *ctx, const struct store_identity *i)
{
    struct idlog *l = ctx;
    if (l->n < 8) {
        snprintf(l->r[l->n].field, sizeof l->r[0].field, "%s", i->field);
        snprintf(l->r[l->n].value, sizeof l->r[0].value, "%s", i->value);
        l->r[l->n].from = i->valid_from_ms;
        l->r[l->n].to = i->valid_to_ms;
    }
    l->n++;
    return 0;
}

static void test_identity_history(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRACO", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "imo", "9123456", 1000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRACO", 5000), 0); /* same: no row */
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 224123456, "name", "DRAKE", 9000), 0);
    CHECK_EQ_INT(store_put_identity(s, STORE_AIRCRAFT, 224123456, "callsign", "IBE123", 9000), 0);
    store_flush(s);
    struct idlog l = {0};
    CHECK_EQ_INT(s->ops->query_identity(s, STORE_VESSEL, 224123456, on_identity, &l), 0);
    CHECK_EQ_INT(l.n, 3);
    CHECK(strcmp(l.r[0].field, "imo") == 0 && l.r[0].to == 0);
    CHECK(strcmp(l.r[1].value, "DRACO") == 0 && l.r[1].from == 1000 && l.r[1].to == 9000);
    CHECK(strcmp(l.r[2].value, "DRAKE") == 0 && l.r[2].from == 9000 && l.r[2].to == 0);
    store_close(s);
    cleanup();
}

static struct store_position pos(uint32_t id, int64_t t, double lat, double lon)
{
    return (struct store_position){.kind = STORE_VESSEL, .id = id, .t_ms = t, .lat = lat, .lon = lon,
                                   .alt_ft = NAN, .speed_kt = 10.5, .course_deg = NAN, .source = "ais_a"};
}

/* The same identity puts again (a re-run, with a fresh cache or not) leave
 * the history as it was; a value dated before the current row, even in the
 * same ms as another, goes in as history, never closing the current row. */
static void test_identity_rerun(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    static const struct { const char *v; int64_t t; } puts[] = {
        {"A", 1000}, {"A", 2000}, {"B", 5000}, {"C", 5000}, {"A", 9000}, {"A", 9500},
    };
    for (int run = 0; run < 3; run++) {
        if (run == 2) { /* a new connection: nothing cached */
            store_close(s);
            char err[256];
            s = store_open(path, err, sizeof err);
        }
        for (size_t i = 0; i < sizeof puts / sizeof puts[0]; i++)
            CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", puts[i].v, puts[i].t), 0);
        store_flush(s);
        CHECK_EQ_INT(count_rows("identity"), 4);
    }
    struct idlog l = {0};
    s->ops->query_identity(s, STORE_VESSEL, 1, on_identity, &l);
    CHECK_EQ_INT(l.n, 4);
    CHECK(!strcmp(l.r[0].value, "A") && l.r[0].from == 1000 && l.r[0].to == 5000);
    CHECK(!strcmp(l.r[1].value, "B") && l.r[1].from == 5000 && l.r[1].to == 5000);
    CHECK(!strcmp(l.r[2].value, "C") && l.r[2].from == 5000 && l.r[2].to == 9000);
    CHECK(!strcmp(l.r[3].value, "A") && l.r[3].from == 9000 && l.r[3].to == 0);
    /* Older news: D at 3000 splits A's first row; the current row stays. */
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", "D", 3000), 0);
    store_flush(s);
    l.n = 0;
    s->ops->query_identity(s, STORE_VESSEL, 1, on_identity, &l);
    CHECK_EQ_INT(l.n, 5);
    CHECK(!strcmp(l.r[0].value, "A") && l.r[0].from == 1000 && l.r[0].to == 3000);
    CHECK(!strcmp(l.r[1].value, "D") && l.r[1].from == 3000 && l.r[1].to == 5000);
    CHECK(!strcmp(l.r[4].value, "A") && l.r[4].from == 9000 && l.r[4].to == 0);
    store_close(s);
    cleanup();
}

/* A position is one per entity, ms and source; an alert one per key: a
 * second put writes nothing and counts no row. */
static void test_natural_keys(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    struct store_position p = pos(7, 1000, 10, 20), q = pos(7, 1000, 10, 20);
    q.source = "ais_b";
    struct store_position none = pos(7, 1000, 10, 20);
    none.source = NULL;
    struct store_alert a = {.t_ms = 1000, .kind = STORE_VESSEL, .id = 7, .rule = "mmsi", .message = "{}", .key = 1};
    struct store_alert b = a;
    b.key = 2;
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_INT(store_put_position(s, &p), 0);
        CHECK_EQ_INT(store_put_position(s, &q), 0);
        CHECK_EQ_INT(store_put_position(s, &none), 0);
        CHECK_EQ_INT(store_put_alert(s, &a), 0);
        CHECK_EQ_INT(store_put_alert(s, &b), 0);
    }
    CHECK_EQ_INT(s->rows, 5);
    store_close(s);
    CHECK_EQ_INT(count_rows("position"), 3);
    CHECK_EQ_INT(count_rows("alert"), 2);
    cleanup();
}

/* Marks: written with the rows; a resumed run skips exactly the calls the
 * first one committed, line by line; a changed file is not resumed. */
static void test_input_marks(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    char in[80];
    snprintf(in, sizeof in, "/tmp/atalaya_store_in_%d.txt", (int)getpid());
    FILE *f = fopen(in, "w");
    fputs("line one\nline two\nline three\n", f);
    fclose(f);
    store_set_batch(s, 3, 0);
    CHECK_EQ_INT(store_input_file(s, in, true, NULL), 0); /* never seen */
    /* Line ending at 9: two rows; at 18: three, the third after a commit. */
    store_input_at(s, 9);
    for (int i = 0; i < 2; i++) {
        struct store_position p = pos(1, 1000 + i, 10, 20);
        store_put_position(s, &p);
    }
    store_input_at(s, 18);
    for (int i = 0; i < 3; i++) {
        struct store_position p = pos(1, 2000 + i, 10, 20);
        store_put_position(s, &p);
    }
    /* Killed here: the first batch (3 rows: line 9's two, line 18's first)
     * is committed with its mark, the rest is lost. */
    CHECK_EQ_INT(count_rows("position"), 3);
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t off = -1, rows = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT offset, rows FROM input_mark", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            off = sqlite3_column_int64(st, 0), rows = sqlite3_column_int64(st, 1);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    CHECK_EQ_INT(off, 18);
    CHECK_EQ_INT(rows, 1);
    s->in_tx = 0; /* as after a kill: the open batch never commits */
    store_close(s);
    char err[256];
    s = store_open(path, err, sizeof err);
    struct store_mark m = {0};
    CHECK_EQ_INT(store_input_file(s, in, true, &m), 1);
    CHECK_EQ_INT(m.offset, 18);
    CHECK_EQ_INT(m.rows, 1);
    store_input_at(s, 9);
    for (int i = 0; i < 2; i++) {
        struct store_position p = pos(1, 1000 + i, 10, 20);
        store_put_position(s, &p);
    }
    store_input_at(s, 18);
    for (int i = 0; i < 3; i++) {
        struct store_position p = pos(1, 2000 + i, 10, 20);
        store_put_position(s, &p);
    }
    CHECK_EQ_INT(s->rows, 2); /* only the two line 18 had not committed */
    store_input_at(s, STORE_INPUT_END);
    store_close(s);
    CHECK_EQ_INT(count_rows("position"), 5);
    /* The file changes (other first bytes): read from the start. */
    f = fopen(in, "w");
    fputs("LINE ONE\nline two\nline three\n", f);
    fclose(f);
    s = store_open(path, err, sizeof err);
    CHECK_EQ_INT(store_input_file(s, in, true, &m), 0);
    store_close(s);
    unlink(in);
    cleanup();
}

static void test_batch_commit(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 10, 60000);
    for (int i = 0; i < 25; i++) {
        struct store_position p = pos(1, 1000 + i, 10, 20);
        CHECK_EQ_INT(store_put_position(s, &p), 0);
    }
    /* Two full batches of 10 are committed and visible; 5 wait. */
    CHECK_EQ_INT(count_rows("position"), 20);
    CHECK_EQ_INT(s->commits, 2);
    /* Event time also closes a batch: a row a minute later commits the rest. */
    struct store_position late = pos(1, 1000 + 60000 + 24, 10, 20);
    CHECK_EQ_INT(store_put_position(s, &late), 0);
    CHECK_EQ_INT(count_rows("position"), 25);
    store_close(s);
    CHECK_EQ_INT(count_rows("position"), 26);
    /* One entity, one hour: one segment box for the 26 fixes. */
    CHECK_EQ_INT(count_rows("position_seg"), 1);
    cleanup();
}

/* What a batch counts: an event dated back does not restart the event-time
 * clock (it runs on the latest time written), and an unchanged identity is
 * no row. */
static void test_batch_rules(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 10, 60000);
    struct store_position p = pos(1, 100000, 10, 20);
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    store_flush(s);
    CHECK_EQ_INT(s->commits, 1);
    static struct event e;
    ev_begin(&e, "ais_gap", 1000, 1000);
    ev_entity(&e, EVENT_VESSEL, 1, "subject");
    event_finish_key(&e);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    p.t_ms = 101000;
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    CHECK_EQ_INT(s->commits, 1); /* 1 s after the latest time, not 100 s after the event's start */
    for (int i = 0; i < 40; i++)
        CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 1, "name", "DRACO", 101000 + i), 0);
    CHECK_EQ_INT(s->commits, 1); /* one row written, 39 unchanged */
    CHECK_EQ_INT(s->batch_rows, 3);
    p.t_ms = 161000;
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    CHECK_EQ_INT(s->commits, 2);
    store_close(s);
    CHECK_EQ_INT(count_rows("identity"), 1);
    cleanup();
}

struct plog {
    int n;
    uint32_t ids[8];
    int64_t t[8];
};

static int on_pos(void *ctx, const struct store_position *p)
{
    struct plog *l = ctx;
    if (l->n < 8) {
        l->ids[l->n] = p->id;
        l->t[l->n] = p->t_ms;
    }
    l->n++;
    return 0;
}

static void test_area_track_retention(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    struct store_position ps[] = {
        pos(1, 1000, 12.10, -68.90), pos(1, 2000, 12.20, -68.80), pos(1, 3000, 13.50, -68.00),
        pos(2, 1500, 12.15, -68.85), pos(3, 1500, 40.00, 3.00),
    };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        CHECK_EQ_INT(store_put_position(s, &ps[i]), 0);
    store_flush(s);
    struct plog l = {0};
    CHECK_EQ_INT(s->ops->query_area(s, 12.0, -69.0, 12.5, -68.5, 0, 10000, on_pos, &l), 0);
    CHECK_EQ_INT(l.n, 2); /* 1 and 2; 3 is elsewhere */
    CHECK(l.ids[0] == 1 && l.t[0] == 2000 && l.ids[1] == 2);
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_track(s, STORE_VESSEL, 1, 1500, 3000, on_pos, &l), 0);
    CHECK_EQ_INT(l.n, 2);
    CHECK(l.t[0] == 2000 && l.t[1] == 3000);
    CHECK_EQ_INT(s->ops->retain(s, 2000), 3);
    CHECK_EQ_INT(count_rows("position"), 2);
    /* Every segment straddles the cutoff (all in hour 0): kept, as bounds. */
    CHECK_EQ_INT(count_rows("position_seg"), 3);
    /* Retention past the hour removes the segments too. */
    struct store_position late = pos(1, 2 * 3600000 + 5, 12.3, -68.7);
    CHECK_EQ_INT(store_put_position(s, &late), 0);
    store_flush(s);
    CHECK_EQ_INT(count_rows("position_seg"), 4);
    CHECK_EQ_INT(s->ops->retain(s, 3600000 + 1), 2);
    store_flush(s);
    CHECK_EQ_INT(count_rows("position_seg"), 1);
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_area(s, 12.0, -69.0, 12.5, -68.5, 0, INT64_MAX, on_pos, &l), 0);
    CHECK(l.n == 1 && l.ids[0] == 1 && l.t[0] == 2 * 3600000 + 5);
    store_close(s);
    cleanup();
}

/* A store as migration 5 left it. */
#define UNDO_6                                                                                                \
    "DROP INDEX event_key; DROP INDEX event_seq; DROP INDEX event_state; DROP INDEX alert_key;"               \
    "ALTER TABLE event DROP COLUMN state; ALTER TABLE event DROP COLUMN key;"                                 \
    "ALTER TABLE event DROP COLUMN alert; ALTER TABLE event DROP COLUMN seq;"                                 \
    "ALTER TABLE event_entity DROP COLUMN role; ALTER TABLE alert DROP COLUMN key;"

/* A store as migration 6 left it. */
#define UNDO_7                                                                                                \
    "DROP TABLE input_mark; DROP INDEX position_entity; CREATE INDEX position_entity ON position(kind, id, t);"

/* Migrations 5 and 7 on a store written before them: the per-position
 * R*Tree goes, segment boxes are built from the positions, the area query
 * answers; positions a re-run doubled are dropped and the key holds. */
static void test_migration_segments(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_close(s);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       UNDO_7 UNDO_6
                       "DROP TABLE position_seg;"
                       /* positions doubled by a re-run before migration 7 */
                       "INSERT INTO position(kind, id, t, lat, lon, source) VALUES"
                       " (1, 9, 1, 1, 1, 'ais_a'), (1, 9, 1, 1, 1, 'ais_a'), (1, 9, 1, 1, 1, NULL), (1, 9, 1, 1, 1, NULL);"
                       "CREATE VIRTUAL TABLE position_rtree USING rtree(pid, min_lat, max_lat, min_lon, max_lon);"
                       "INSERT INTO position(kind, id, t, lat, lon) VALUES"
                       " (1, 7, 1000, 12.1, -68.9), (1, 7, 3599999, 12.4, -68.6), (1, 7, 3600000, 13.5, -67),"
                       " (2, 7, 5000, 12.2, -68.8), (1, 8, -1, 40, 3);"
                       "INSERT INTO position_rtree SELECT rowid, lat, lat, lon, lon FROM position;"
                       "PRAGMA user_version=4;",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    char err[256];
    s = store_open(path, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "# %s\n", err);
        return;
    }
    CHECK_EQ_INT(count_rows("position_seg"), 5); /* (1,7) two hours, (2,7), (1,8) in hour -1, (1,9) */
    CHECK_EQ_INT(count_rows("position WHERE id=9"), 2); /* doubles dropped, one per source */
    CHECK_EQ_INT(count_rows("input_mark"), 0);
    CHECK_EQ_INT(count_rows("sqlite_master WHERE name='position_rtree'"), 0);
    CHECK_EQ_INT(count_rows("position_seg WHERE kind=1 AND id=8 AND t0=-3600000 AND t1=-1"), 1);
    struct plog l = {0};
    CHECK_EQ_INT(s->ops->query_area(s, 12.0, -69.0, 12.5, -68.5, 0, INT64_MAX, on_pos, &l), 0);
    CHECK(l.n == 2 && l.ids[0] == 7 && l.t[0] == 3599999 && l.ids[1] == 7 && l.t[1] == 5000);
    /* A writer after the migration grows the boxes it built. */
    struct store_position p = pos(7, 7000, 14.0, -60.0);
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    store_flush(s);
    memset(&l, 0, sizeof l);
    CHECK_EQ_INT(s->ops->query_area(s, 13.9, -60.1, 14.1, -59.9, 0, INT64_MAX, on_pos, &l), 0);
    CHECK(l.n == 1 && l.t[0] == 7000);
    store_close(s);
    cleanup();
}

/* The area query through segment boxes against a plain scan of what was
 * written: random tracks over many hours, batches and two writer sessions
 * (the second grows segments the first wrote), random boxes and windows. */
#define RN_ENT 12
#define RN_POS 3000
static struct store_position rn[RN_POS];

struct alog {
    int n;
    uint32_t ids[RN_ENT];
    int64_t t[RN_ENT];
    double lat[RN_ENT];
};

static int on_area(void *ctx, const struct store_position *p)
{
    struct alog *l = ctx;
    if (l->n < RN_ENT) {
        l->ids[l->n] = p->id;
        l->t[l->n] = p->t_ms;
        l->lat[l->n] = p->lat;
    }
    l->n++;
    return 0;
}

static uint64_t rng = 88172645463325252u;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void test_area_random(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_set_batch(s, 97, 60000);
    double lat[RN_ENT], lon[RN_ENT];
    int64_t t[RN_ENT];
    for (int e = 0; e < RN_ENT; e++)
        lat[e] = 10 + 4 * urand(), lon[e] = -70 + 4 * urand(), t[e] = 7200000 * (int64_t)e;
    for (int i = 0; i < RN_POS; i++) {
        int e = (int)(urand() * RN_ENT);
        lat[e] += (urand() - 0.5) * 0.1, lon[e] += (urand() - 0.5) * 0.1;
        t[e] += 1 + (int64_t)(urand() * 300000);
        rn[i] = pos((uint32_t)(100 + e), t[e], lat[e], lon[e]);
        if (e % 3 == 0)
            rn[i].kind = STORE_AIRCRAFT;
        if (i == RN_POS / 2) { /* a second writer session on the same file */
            store_close(s);
            char err[256];
            s = store_open(path, err, sizeof err);
            CHECK(s != NULL);
            if (!s)
                return;
            store_set_batch(s, 97, 60000);
        }
        CHECK_EQ_INT(store_put_position(s, &rn[i]), 0);
    }
    store_flush(s);
    CHECK(count_rows("position_seg") < RN_POS / 10);
    for (int k = 0; k < 200; k++) {
        double la0 = 9.5 + 5 * urand(), lo0 = -70.5 + 5 * urand();
        double la1 = la0 + urand() * (k % 2 ? 0.3 : 3), lo1 = lo0 + urand() * (k % 2 ? 0.3 : 3);
        int64_t from = (int64_t)(urand() * 4e7), to = k % 5 ? from + (int64_t)(urand() * 2e7) : INT64_MAX;
        /* Expected: per (kind, id), the latest fix in the box and window. */
        int best[2][RN_ENT];
        for (int e = 0; e < RN_ENT; e++)
            best[0][e] = best[1][e] = -1;
        for (int i = 0; i < RN_POS; i++) {
            const struct store_position *p = &rn[i];
            if (p->lat >= la0 && p->lat <= la1 && p->lon >= lo0 && p->lon <= lo1 && p->t_ms >= from &&
                p->t_ms <= to) {
                int *b = &best[p->kind - 1][p->id - 100];
                if (*b < 0 || rn[*b].t_ms < p->t_ms)
                    *b = i;
            }
        }
        struct alog want = {0}, got = {0};
        for (int kd = 0; kd < 2; kd++)
            for (int e = 0; e < RN_ENT; e++)
                if (best[kd][e] >= 0)
                    on_area(&want, &rn[best[kd][e]]);
        CHECK_EQ_INT(s->ops->query_area(s, la1, lo1, la0, lo0, from, to, on_area, &got), 0);
        CHECK_EQ_INT(got.n, want.n);
        for (int j = 0; j < want.n && j < got.n; j++)
            CHECK(got.ids[j] == want.ids[j] && got.t[j] == want.t[j] && got.lat[j] == want.lat[j]);
    }
    store_close(s);
    cleanup();
}

static int keep_event(void *ctx, const struct store_event *e)
{
    struct buf *b = ctx;
    buf_printf(b, "%s|%d|%s|%s|%s|%s", e->kind, e->state, e->entities_json, e->details_json,
               e->evidence ? e->evidence : "-", e->alert ? e->alert : "-");
    return 0;
}

/* Migration 6 turns the rows an older writer left into the event writer's
 * texts: details without the header members, entities with roles, evidence
 * as an array, and the alert's rule beside it. */
static void test_migration_events(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    store_close(s);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       UNDO_7 UNDO_6 "INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence) VALUES"
                              " ('ais_gap', 1000, 2000, '[{\"kind\":1,\"id\":7},{\"kind\":2,\"id\":11259375}]',"
                              " 12, -68, '{\"event\":\"ais_gap\",\"t_start_ms\":1000,\"mmsi\":7,\"lat\":12,"
                              "\"class\":\"gap\"}', 'a' || char(10) || 'b'),"
                              " ('watchlist_sighting', 5, 5, '[]', NULL, NULL,"
                              " '{\"alert\":\"watchlist_sighting\",\"match\":{\"rule\":\"imo\"}}', NULL);"
                              "INSERT INTO alert(t, kind, id, rule, message, evidence) VALUES (5, 1, 7, 'imo', '{}',"
                              " 'x' || char(10) || 'y');"
                              "PRAGMA user_version=5;",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    char err[256];
    s = store_open(path, err, sizeof err);
    CHECK(s != NULL);
    if (!s) {
        fprintf(stderr, "# %s\n", err);
        return;
    }
    struct buf b;
    buf_init(&b, 256);
    struct store_event_filter f = {.kinds = {"ais_gap"}, .nkinds = 1};
    CHECK_EQ_INT(s->ops->query_events(s, &f, keep_event, &b), 0);
    buf_putc(&b, 0);
    CHECK_STR(b.p, "ais_gap|0|[{\"kind\":\"vessel\",\"mmsi\":7,\"role\":\"subject\"},"
                      "{\"kind\":\"aircraft\",\"icao\":\"abcdef\",\"role\":\"subject\"}]|"
                      "{\"mmsi\":7,\"class\":\"gap\"}|[\"a\",\"b\"]|-");
    b.len = 0;
    f.kinds[0] = "watchlist_sighting";
    CHECK_EQ_INT(s->ops->query_events(s, &f, keep_event, &b), 0);
    buf_putc(&b, 0);
    CHECK_STR(b.p, "watchlist_sighting|0|[]|{\"match\":{\"rule\":\"imo\"}}|-|imo");
    buf_free(&b);
    CHECK_EQ_INT(count_rows("alert WHERE evidence='[\"x\",\"y\"]'"), 1);
    store_close(s);
    cleanup();
}

static int on_event(void *ctx, const struct store_event *e)
{
    int *n = ctx;
    if (strcmp(e->kind, "encounter") == 0 && e->t_end_ms == 9000 && strstr(e->entities_json, "\"mmsi\":7,\"role\":\"subject\"") &&
        e->details_json && strstr(e->details_json, "min_m"))
        (*n)++;
    return 0;
}

static int count_event(void *ctx, const struct store_event *e)
{
    (void)e;
    ++*(int *)ctx;
    return 0;
}

static void test_events(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    static struct event e, fl;
    ev_begin(&e, "encounter", 5000, 9000);
    ev_pos(&e, 12, -68);
    ev_entity(&e, EVENT_VESSEL, 7, "subject");
    ev_entity(&e, EVENT_VESSEL, 8, "other");
    ev_real(&e, "min_m", 120, 0);
    ev_evidence_str(&e, "!AIVDM,1,1,,A,x,0*00");
    event_finish_key(&e);
    CHECK_EQ_INT(store_put_event(s, &e), 0);
    store_flush(s);
    int n = 0;
    struct store_event_filter f = {.from_ms = 8000, .to_ms = 20000};
    CHECK_EQ_INT(s->ops->query_events(s, &f, on_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    n = 0;
    f.from_ms = 9001;
    CHECK_EQ_INT(s->ops->query_events(s, &f, on_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    /* By entity (event_entity), kind, box and a details member. */
    ev_begin(&fl, "flight", 6000, 7000);
    ev_pos(&fl, 10.6, -66.99);
    ev_entity(&fl, EVENT_AIRCRAFT, 0xabc123, "subject");
    ev_str(&fl, "operator", "IRM");
    ev_str(&fl, "arrival_country_code", "VE");
    ev_int(&fl, "n", 3);
    event_finish_key(&fl);
    CHECK_EQ_INT(store_put_event(s, &fl), 0);
    store_flush(s);
    struct store_event_filter g = {.entity_kind = STORE_VESSEL, .entity_id = 8};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &g, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    g.entity_id = 9;
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &g, count_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    struct store_event_filter h = {.kinds = {"flight"}, .nkinds = 1, .nwhere = 2,
                                   .where = {{"operator", "irm"}, {"arrival_country_code", "VE"}}};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &h, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    h.where[1].value = "BR";
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &h, count_event, &n), 0);
    CHECK_EQ_INT(n, 0);
    struct store_event_filter num = {.nwhere = 1, .where = {{"n", "3"}}};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &num, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    struct store_event_filter box = {.has_box = true, .lat0 = 11, .lon0 = -69, .lat1 = 13, .lon1 = -67};
    n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &box, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    /* A key that could escape the JSON path is refused, not spliced. */
    struct store_event_filter bad = {.nwhere = 1, .where = {{"a') OR 1=1 --", "x"}}};
    CHECK(s->ops->query_events(s, &bad, count_event, &n) != 0);
    store_close(s);
    cleanup();
}

int main(void)
{
    RUN(test_identity_history);
    RUN(test_identity_rerun);
    RUN(test_natural_keys);
    RUN(test_input_marks);
    RUN(test_batch_commit);
    RUN(test_batch_rules);
    RUN(test_area_track_retention);
    RUN(test_area_random);
    RUN(test_migration_segments);
    RUN(test_migration_events);
    RUN(test_events);
    TEST_MAIN_END();
}

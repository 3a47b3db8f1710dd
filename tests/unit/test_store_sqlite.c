/* test_store_sqlite.c: the SQLite store against a temporary file: the
 * tests every backend passes (store_conform.h: identity history, batched
 * commits seen by a second connection, area and track queries, events,
 * retention, the read side, an event over its life) and SQLite's own
 * migrations (segments, typed events). */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "common/buf.h"
#include "detect/event.h"
#include "store/store.h"
#include "test.h"

static char path[64];
static const int backend_sqlite = 1;

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

static struct store *reopen(void)
{
    char err[256];
    return store_open(path, err, sizeof err);
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

#include "store_conform.h"

/* --- SQLite only (for now) --- */

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


/* A store as migration 5 left it. */
#define UNDO_6                                                                                                \
    "DROP INDEX event_key; DROP INDEX event_seq; DROP INDEX event_state; DROP INDEX alert_key;"               \
    "ALTER TABLE event DROP COLUMN state; ALTER TABLE event DROP COLUMN key;"                                 \
    "ALTER TABLE event DROP COLUMN alert; ALTER TABLE event DROP COLUMN seq;"                                 \
    "ALTER TABLE event_entity DROP COLUMN role; ALTER TABLE alert DROP COLUMN key;"

/* A store as migration 6 left it (and before 8, the detectors' checkpoint). */
#define UNDO_7                                                                                                \
    "DROP TABLE det_state;"                                                                                   \
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

int main(void)
{
    RUN_STORE_CONFORMANCE();
    RUN(test_identity_rerun);
    RUN(test_natural_keys);
    RUN(test_input_marks);
    RUN(test_migration_segments);
    RUN(test_migration_events);
    TEST_MAIN_END();
}

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

/* A store as migration 5 left it. */
#define UNDO_6                                                                                                \
    "DROP INDEX event_key; DROP INDEX event_seq; DROP INDEX event_state; DROP INDEX alert_key;"               \
    "ALTER TABLE event DROP COLUMN state; ALTER TABLE event DROP COLUMN key;"                                 \
    "ALTER TABLE event DROP COLUMN alert; ALTER TABLE event DROP COLUMN seq;"                                 \
    "ALTER TABLE event_entity DROP COLUMN role; ALTER TABLE alert DROP COLUMN key;"

/* Migration 5 on a store written before it: the per-position R*Tree goes,
 * segment boxes are built from the positions, the area query answers. */
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
                       UNDO_6
                       "DROP TABLE position_seg;"
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
    CHECK_EQ_INT(count_rows("position_seg"), 4); /* (1,7) two hours, (2,7), (1,8) in hour -1 */
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
                       UNDO_6 "INSERT INTO event(kind, t_start, t_end, entities, lat, lon, details, evidence) VALUES"
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
    RUN(test_migration_segments);
    RUN(test_migration_events);
    TEST_MAIN_END();
}

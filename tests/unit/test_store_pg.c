/* test_store_pg.c: the PostgreSQL store against the server that
 * tests/sh/pg_store.sh starts (URL in ATALAYA_PG_URL): the tests every
 * backend passes (store_conform.h), then PostgreSQL's own: partitions made
 * on demand and dropped by retention, natural keys (a batch written twice
 * adds nothing), a batch sent again after the server went away, the
 * details words index (migration 3) built on a store from before it.
 * Without the variable it reports itself skipped. */
#include <libpq-fe.h>
#include <math.h>
#include <stdint.h>
#include <sys/wait.h>

#include "store/store.h"
#include "test.h"

static const char *url;
static const int backend_sqlite = 0;

/* Statements through a connection of the test's own: what a reader sees. */
static long sql_long(const char *sql)
{
    PGconn *c = PQconnectdb(url);
    long n = -1;
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    else if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return n;
}

static long count_rows(const char *table)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return sql_long(q);
}

static void cleanup(void)
{
    sql_long("DROP TABLE IF EXISTS position, position_top, entity, event_entity, event, alert, identity,"
             " watchlist_ident, watchlist, batch_log, input_mark, det_state, atalaya_schema CASCADE;"
             " DROP SEQUENCE IF EXISTS position_rid_seq, event_seq; DROP FUNCTION IF EXISTS event_terms(text)");
}

static struct store *reopen(void)
{
    char err[256];
    struct store *s = store_open(url, err, sizeof err);
    if (!s)
        fprintf(stderr, "%s\n", err);
    return s;
}

static struct store *fresh(void)
{
    cleanup();
    return reopen();
}

#include "store_conform.h"

static long partitions(void)
{
    return sql_long("SELECT count(*) FROM pg_inherits WHERE inhparent='position'::regclass");
}

/* Days become partitions as rows need them; retention drops the days wholly
 * before the cut and deletes inside the one that straddles it. */
static void test_partitions_retention(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    const int64_t day = 86400000;
    for (int d = -1; d < 4; d++)
        for (int i = 0; i < 10; i++) {
            struct store_position p = pos(7, d * day + i * 3600000, 12, -68);
            CHECK_EQ_INT(store_put_position(s, &p), 0);
        }
    store_flush(s);
    CHECK_EQ_INT(partitions(), 5);
    CHECK_EQ_INT(count_rows("position"), 50);
    int64_t from, to;
    CHECK_EQ_INT(s->ops->timespan(s, &from, &to), 0);
    CHECK(from == -day && to == 3 * day + 9 * 3600000);
    /* Days -1 and 0 go whole, day 1 loses its first 5 hours. */
    CHECK_EQ_INT(s->ops->retain(s, day + 5 * 3600000), 25);
    CHECK_EQ_INT(partitions(), 3);
    CHECK_EQ_INT(count_rows("position"), 25);
    CHECK_EQ_INT(s->ops->timespan(s, &from, &to), 0);
    CHECK(from == day + 5 * 3600000 && to == 3 * day + 9 * 3600000);
    /* A late row for a dropped day makes its partition again. */
    struct store_position late = pos(7, 10, 12, -68);
    CHECK_EQ_INT(store_put_position(s, &late), 0);
    store_flush(s);
    CHECK_EQ_INT(partitions(), 4);
    CHECK_EQ_INT(s->ops->retain(s, 100 * day), 26);
    CHECK_EQ_INT(count_rows("position"), 0);
    CHECK_EQ_INT(s->ops->timespan(s, &from, &to), 0);
    CHECK(from == 0 && to == 0);
    store_close(s);
    cleanup();
}

/* The same batch written twice (a redelivered stream, a re-run ingest)
 * stores its positions and alerts (by their key) once. */
static void test_natural_keys(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 20; i++) {
            struct store_position p = pos(9, 1000 * i, 12, -68);
            if (i == 5)
                p.source = NULL; /* NULL is one source too */
            CHECK_EQ_INT(store_put_position(s, &p), 0);
        }
        struct store_alert a = {.key = 77, .t_ms = 5000, .kind = STORE_VESSEL, .id = 9, .rule = "mmsi"};
        CHECK_EQ_INT(store_put_alert(s, &a), 0);
        store_flush(s);
    }
    CHECK_EQ_INT(count_rows("position"), 20);
    CHECK_EQ_INT(count_rows("alert"), 1);
    /* Another source at the same time is another row. */
    struct store_position p = pos(9, 0, 12, -68);
    p.source = "ais_b";
    CHECK_EQ_INT(store_put_position(s, &p), 0);
    store_flush(s);
    CHECK_EQ_INT(count_rows("position"), 21);
    store_close(s);
    cleanup();
}

/* The server closes the writer's connection while a batch is open: the
 * batch goes in once the writer has reconnected, exactly once. */
static void test_reconnect(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 3, "name", "ONE", 1000), 0);
    store_flush(s);
    for (int i = 0; i < 30; i++) {
        struct store_position p = pos(3, 2000 + i, 12, -68);
        CHECK_EQ_INT(store_put_position(s, &p), 0);
    }
    CHECK_EQ_INT(store_put_identity(s, STORE_VESSEL, 3, "name", "TWO", 2000), 0);
    CHECK(sql_long("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                   " WHERE datname=current_database() AND pid<>pg_backend_pid()) t") >= 1);
    CHECK_EQ_INT(store_flush(s), 0);
    CHECK_EQ_INT(count_rows("position"), 30);
    CHECK_EQ_INT(count_rows("identity"), 2);
    CHECK_EQ_INT(count_rows("identity WHERE value='ONE' AND valid_to=2000"), 1);
    struct plog l = {0};
    CHECK_EQ_INT(s->ops->query_track(s, STORE_VESSEL, 3, 0, 5000, on_pos, &l), 0);
    CHECK_EQ_INT(l.n, 30);
    store_close(s);
    cleanup();
}

/* Four writers open a new database at once (migrations under the advisory
 * lock) and write the same new days (partitions made by whichever comes
 * first): every writer succeeds and every row is there once. */
static void test_concurrent_writers(void)
{
    cleanup();
    enum { W = 4, N = 200 };
    pid_t pids[W];
    for (int w = 0; w < W; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            struct store *s = reopen();
            int bad = !s;
            for (int i = 0; s && i < N; i++) {
                struct store_position p = pos((uint32_t)(100 + w), (int64_t)i * 3600000, 12, -68);
                bad |= store_put_position(s, &p) != 0;
            }
            bad |= s && store_flush(s) != 0;
            if (s && bad)
                fprintf(stderr, "writer %d: %s\n", w, s->err);
            store_close(s);
            _exit(bad);
        }
    }
    int failed = 0;
    for (int w = 0; w < W; w++) {
        int st = 1;
        waitpid(pids[w], &st, 0);
        failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    CHECK_EQ_INT(failed, 0);
    CHECK_EQ_INT(count_rows("position"), W * N);
    CHECK_EQ_INT(partitions(), (N - 1) / 24 + 1);
    CHECK_EQ_INT(sql_long("SELECT max(version) FROM atalaya_schema"), 3);
    CHECK_EQ_INT(count_rows("atalaya_schema"), 1);
    cleanup();
}

/* Whether EXPLAIN of sql names index. */
static bool plan_uses(const char *sql, const char *index)
{
    PGconn *c = PQconnectdb(url);
    char q[512];
    snprintf(q, sizeof q, "EXPLAIN %s", sql);
    PQclear(PQexec(c, "SET enable_seqscan = off"));
    PGresult *r = PQexec(c, q);
    bool found = false;
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        found |= strstr(PQgetvalue(r, i, 0), index) != NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", q, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return found;
}

static int filtered(struct store *s, const char *kind, const char *key, const char *value)
{
    struct store_event_filter f = {.kinds = {kind}, .nkinds = kind != NULL, .nwhere = 1, .where = {{key, value}}};
    int n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &f, count_event, &n), 0);
    return n;
}

/* Migration 3 on a store that already holds events (a database from before
 * it): the words index is built over the old rows, the details filters
 * find them through it as before (ASCII case folded, booleans 1/0, numbers
 * as written, a JSON null never), and the details read back unchanged. */
static void test_terms_upgrade(void)
{
    struct store *s = fresh();
    CHECK(s != NULL);
    if (!s)
        return;
    static struct event fl, gap;
    ev_begin(&fl, "flight", 6000, 7000);
    ev_entity(&fl, EVENT_AIRCRAFT, 0xabc123, "subject");
    ev_str(&fl, "operator", "IRM");
    ev_str(&fl, "arrival_country", "Curaçao");
    ev_str(&fl, "note", "a=b");
    ev_real(&fl, "hours", NAN, 1);
    event_finish_key(&fl);
    ev_begin(&gap, "ais_gap", 1000, 2000);
    ev_entity(&gap, EVENT_VESSEL, 7, "subject");
    ev_real(&gap, "dist_nm", 3.5, 2);
    ev_bool(&gap, "moving", true);
    ev_str(&gap, "operator", "irm");
    event_finish_key(&gap);
    CHECK_EQ_INT(store_put_event(s, &fl), 0);
    CHECK_EQ_INT(store_put_event(s, &gap), 0);
    CHECK_EQ_INT(store_flush(s), 0);
    store_close(s);
    /* The store as migration 2 left it. */
    CHECK_EQ_INT(sql_long("DROP INDEX event_terms_i; DROP FUNCTION event_terms(text);"
                          " UPDATE atalaya_schema SET version = 2"), -1);
    CHECK_EQ_INT(sql_long("SELECT count(*) FROM pg_proc WHERE proname = 'event_terms'"), 0);
    CHECK_EQ_INT(sql_long("SELECT max(version) FROM atalaya_schema"), 2);
    s = reopen();
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ_INT(sql_long("SELECT max(version) FROM atalaya_schema"), 3);
    CHECK(plan_uses("SELECT rid FROM event WHERE event_terms(details) @> ARRAY['operator=irm']::text[] COLLATE \"C\"",
                    "event_terms_i"));
    CHECK_EQ_INT(filtered(s, NULL, "operator", "Irm"), 2);
    CHECK_EQ_INT(filtered(s, "flight", "operator", "IRM"), 1);
    CHECK_EQ_INT(filtered(s, "flight", "arrival_country", "CURAçAO"), 1);
    CHECK_EQ_INT(filtered(s, "flight", "arrival_country", "CURAÇAO"), 0); /* ASCII folds only */
    CHECK_EQ_INT(filtered(s, NULL, "note", "A=B"), 1);
    CHECK_EQ_INT(filtered(s, NULL, "note", "a"), 0);
    CHECK_EQ_INT(filtered(s, NULL, "hours", "null"), 0);
    CHECK_EQ_INT(filtered(s, NULL, "hours", ""), 0);
    CHECK_EQ_INT(filtered(s, NULL, "moving", "1"), 1);
    CHECK_EQ_INT(filtered(s, NULL, "moving", "true"), 0);
    CHECK_EQ_INT(filtered(s, NULL, "dist_nm", "3.50"), 1);
    CHECK_EQ_INT(filtered(s, NULL, "operator", "irm_"), 0);
    struct store_event_filter two = {.nwhere = 2, .where = {{"operator", "irm"}, {"moving", "1"}}};
    int n = 0;
    CHECK_EQ_INT(s->ops->query_events(s, &two, count_event, &n), 0);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(sql_long("SELECT count(*) FROM event WHERE details LIKE '%\"dist_nm\":3.50,%'"), 1);
    store_close(s);
    cleanup();
}

int main(void)
{
    url = getenv("ATALAYA_PG_URL");
    if (!url || !*url) {
        printf("ok - test_store_pg # SKIP no ATALAYA_PG_URL (tests/sh/pg_store.sh starts a server and runs it)\n");
        return 0;
    }
    RUN_STORE_CONFORMANCE();
    RUN(test_partitions_retention);
    RUN(test_natural_keys);
    RUN(test_reconnect);
    RUN(test_concurrent_writers);
    RUN(test_terms_upgrade);
    TEST_MAIN_END();
}

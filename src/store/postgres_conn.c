/* postgres_conn.c: the PostgreSQL store's connection: statements with text
 * parameters, results read as text, transactions, and reconnecting with
 * back-off when the server goes away (pg_internal.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "store/pg_internal.h"

/* How long a lost server is waited for before an operation fails. */
#define RECONNECT_MS 60000

static void quiet_notices(void *arg, const char *msg) { (void)arg, (void)msg; }

void pgx_set_err(struct store *s, const char *what, const char *msg)
{
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    snprintf(s->err, sizeof s->err, "%s%s%.*s", what ? what : "", what ? ": " : "", (int)n, msg);
}

static int session_setup(struct store *s)
{
    struct pgx *q = pg_store_link(s);
    PQsetNoticeProcessor(q->conn, quiet_notices, NULL);
    /* Shortest text that reads back to the same double (the default since
     * PostgreSQL 12, set so a server configured otherwise cannot change
     * what a position reads back as). */
    PGresult *r = PQexec(q->conn, "SET extra_float_digits = 1; SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pgx_set_err(s, "session", PQerrorMessage(q->conn));
    PQclear(r);
    return ok ? 0 : -1;
}

/* Waits for the server with back-off: 0.1 s, doubling up to 5 s, for up to
 * RECONNECT_MS in all. */
int pgx_reconnect(struct store *s)
{
    struct pgx *q = pg_store_link(s);
    long wait = 100, total = 0;
    for (;;) {
        PQreset(q->conn);
        if (PQstatus(q->conn) == CONNECTION_OK)
            return session_setup(s);
        if (total >= RECONNECT_MS || store_stopping())
            break;
        /* In 0.1 s steps, so a stop request ends the wait soon. */
        for (long slept = 0; slept < wait && !store_stopping(); slept += 100) {
            struct timespec ts = {0, 100 * 1000000L};
            while (nanosleep(&ts, &ts) && errno == EINTR)
                ;
        }
        total += wait;
        wait = wait * 2 > 5000 ? 5000 : wait * 2;
    }
    pgx_set_err(s, "connection lost", PQerrorMessage(q->conn));
    return -1;
}

PGresult *pgx_exec(struct store *s, const char *sql, int n, const char *const *vals)
{
    struct pgx *q = pg_store_link(s);
    for (int attempt = 0;; attempt++) {
        PGresult *r = vals ? PQexecParams(q->conn, sql, n, NULL, vals, NULL, NULL, 0) : PQexec(q->conn, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
            return r;
        pgx_set_err(s, NULL, r ? PQresultErrorMessage(r) : PQerrorMessage(q->conn));
        if (!s->err[0])
            pgx_set_err(s, NULL, PQerrorMessage(q->conn));
        PQclear(r);
        if (attempt == 0 && !q->tx && PQstatus(q->conn) == CONNECTION_BAD && pgx_reconnect(s) == 0)
            continue;
        return NULL;
    }
}

int pgx_run(struct store *s, const char *sql, int n, const char *const *vals)
{
    PGresult *r = pgx_exec(s, sql, n, vals);
    PQclear(r);
    return r ? 0 : -1;
}

void pgx_clear(PGresult *r) { PQclear(r); }
int pgx_rows(const PGresult *r) { return PQntuples(r); }
int pgx_cmd_rows(PGresult *r) { return atoi(PQcmdTuples(r)); }

const char *pgx_text(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int64_t pgx_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

double pgx_real(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}

void pgx_prefix(struct store *s, const char *prefix)
{
    char keep[sizeof s->err];
    memcpy(keep, s->err, sizeof keep);
    size_t n = strnlen(prefix, sizeof s->err - 1), k = strnlen(keep, sizeof s->err - 1 - n);
    memcpy(s->err, prefix, n);
    memcpy(s->err + n, keep, k);
    s->err[n + k] = 0;
}

int pgx_begin(struct store *s)
{
    if (pgx_run(s, "BEGIN", 0, NULL))
        return -1;
    pg_store_link(s)->tx = 1;
    return 0;
}

int pgx_commit(struct store *s)
{
    int rc = pgx_run(s, "COMMIT", 0, NULL);
    pg_store_link(s)->tx = 0;
    return rc;
}

void pgx_rollback(struct store *s)
{
    char keep[sizeof s->err];
    snprintf(keep, sizeof keep, "%s", s->err);
    if (PQstatus(pg_store_link(s)->conn) == CONNECTION_OK)
        PQclear(PQexec(pg_store_link(s)->conn, "ROLLBACK"));
    pg_store_link(s)->tx = 0;
    snprintf(s->err, sizeof s->err, "%s", keep);
}

void pgx_row_position(const PGresult *r, int row, struct store_position *p)
{
    *p = (struct store_position){
        .kind = (uint8_t)pgx_int(r, row, 0),
        .id = (uint32_t)pgx_int(r, row, 1),
        .t_ms = pgx_int(r, row, 2),
        .lat = pgx_real(r, row, 3),
        .lon = pgx_real(r, row, 4),
        .alt_ft = pgx_real(r, row, 5),
        .speed_kt = pgx_real(r, row, 6),
        .course_deg = pgx_real(r, row, 7),
        .source = pgx_text(r, row, 8),
    };
}

void pgx_row_identity(const PGresult *r, int row, struct store_identity *i)
{
    *i = (struct store_identity){
        .field = pgx_text(r, row, 0),
        .value = pgx_text(r, row, 1),
        .valid_from_ms = pgx_int(r, row, 2),
        .valid_to_ms = pgx_int(r, row, 3),
    };
}

int pgx_each_identity(PGresult *r, store_identity_cb cb, void *ctx)
{
    if (!r)
        return -1;
    for (int j = 0; j < PQntuples(r); j++) {
        struct store_identity it;
        pgx_row_identity(r, j, &it);
        if (cb(ctx, &it))
            break;
    }
    PQclear(r);
    return 0;
}

void pgx_row_event(const PGresult *r, int row, struct store_event *e)
{
    *e = (struct store_event){
        .id = pgx_int(r, row, 0),
        .kind = pgx_text(r, row, 1),
        .t_start_ms = pgx_int(r, row, 2),
        .t_end_ms = pgx_int(r, row, 3),
        .entities_json = pgx_text(r, row, 4),
        .lat = pgx_real(r, row, 5),
        .lon = pgx_real(r, row, 6),
        .details_json = pgx_text(r, row, 7),
        .evidence = pgx_text(r, row, 8),
        .state = (uint8_t)pgx_int(r, row, 9),
        .key = (uint64_t)pgx_int(r, row, 10),
        .alert = pgx_text(r, row, 11),
        .seq = pgx_int(r, row, 12),
    };
}

int pgx_connect(struct store *s, const char *url)
{
    struct pgx *q = pg_store_link(s);
    q->conn = PQconnectdb(url);
    if (PQstatus(q->conn) != CONNECTION_OK) {
        pgx_set_err(s, NULL, PQerrorMessage(q->conn));
        return -1;
    }
    return session_setup(s);
}

void pgx_disconnect(struct store *s)
{
    PQfinish(pg_store_link(s)->conn);
    pg_store_link(s)->conn = NULL;
}

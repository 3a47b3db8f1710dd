/* pg_internal.h: what the PostgreSQL backend's files share. postgres.c owns
 * the handle and the write side, postgres_conn.c the connection (reconnect
 * with back-off), postgres_query.c and postgres_read.c the queries,
 * postgres_open.c the open events read back as struct event,
 * postgres_schema.c the migrations.
 * Every statement is a fixed string or assembled from fixed fragments, every
 * value a text parameter ($1::type), results are read as text: float8 text
 * output is the shortest form that reads back to the same double, so a
 * position comes back bit for bit as it went in. */
#ifndef ATALAYA_STORE_PG_INTERNAL_H
#define ATALAYA_STORE_PG_INTERNAL_H

#include <stdint.h>

#include "store/store.h"

struct pg_result;
struct pg_conn;

/* The connection of a store opened by store_pg_open (postgres_conn.c): tx
 * set while a transaction is open. */
struct pgx {
    struct pg_conn *conn;
    int tx;
};
struct pgx *pg_store_link(struct store *s);
/* Connects and sets the session up; 0 or -1 with err. */
int pgx_connect(struct store *s, const char *url);
void pgx_disconnect(struct store *s);
/* Waits for a lost server with back-off (0.1 s doubling to 5 s, 60 s in
 * all) and sets the session up again. 0 or -1 with err. */
int pgx_reconnect(struct store *s);
/* err = "what: msg" (what may be NULL), trailing newlines cut. */
void pgx_set_err(struct store *s, const char *what, const char *msg);

/* The columns of a position-shaped SELECT (kind, id, t, lat, lon, alt, speed,
 * course, source) from the position table. */
#define PG_POS_COLS "kind, id, t, ST_Y(pos::geometry), ST_X(pos::geometry), alt, speed, course, source"
#define PG_EVENT_COLS "rid, kind, t_start, t_end, entities, lat, lon, details, evidence, state, ekey, alert, seq"

/* Runs one statement with text parameters (NULL: SQL NULL); vals NULL:
 * sql may hold several statements, without parameters. A lost connection
 * is re-established with back-off and the statement run once more, unless a
 * transaction is open (pgx_begin). Returns the result of a statement that
 * succeeded, or NULL with s->err set. */
struct pg_result *pgx_exec(struct store *s, const char *sql, int n, const char *const *vals);
/* pgx_exec, and the result discarded. 0 or -1. */
int pgx_run(struct store *s, const char *sql, int n, const char *const *vals);
void pgx_clear(struct pg_result *r);
/* Puts prefix before s->err (cut to fit). */
void pgx_prefix(struct store *s, const char *prefix);
/* A transaction: while one is open a lost connection fails the statement
 * (the caller retries the whole transaction). pgx_rollback keeps s->err. */
int pgx_begin(struct store *s);
int pgx_commit(struct store *s);
void pgx_rollback(struct store *s);
int pgx_rows(const struct pg_result *r);
/* Rows an INSERT, UPDATE or DELETE touched. */
int pgx_cmd_rows(struct pg_result *r);
/* A column as text (NULL when SQL NULL), as an integer (0 when NULL), as a
 * double (NAN when NULL). */
const char *pgx_text(const struct pg_result *r, int row, int col);
int64_t pgx_int(const struct pg_result *r, int row, int col);
double pgx_real(const struct pg_result *r, int row, int col);

/* Rows of the PG_POS_COLS and PG_EVENT_COLS shapes; identity rows (field,
 * value, valid_from, valid_to). */
void pgx_row_position(const struct pg_result *r, int row, struct store_position *p);
void pgx_row_event(const struct pg_result *r, int row, struct store_event *e);
void pgx_row_identity(const struct pg_result *r, int row, struct store_identity *i);
/* Hands every identity row of r to cb (until it returns non-zero) and
 * clears r. -1 when r is NULL (the query failed), else 0. */
int pgx_each_identity(struct pg_result *r, store_identity_cb cb, void *ctx);

/* Brings the schema up to date (postgres_schema.c). 0 or -1 with err. */
int pg_migrate(struct store *s);

/* The queries of the CLI (postgres_query.c). */
int pg_query_track(struct store *s, uint8_t kind, uint32_t id, int64_t from_ms, int64_t to_ms,
                   store_position_cb cb, void *ctx);
int pg_query_identity(struct store *s, uint8_t kind, uint32_t id, store_identity_cb cb, void *ctx);
int pg_query_area(struct store *s, double lat0, double lon0, double lat1, double lon1, int64_t from_ms,
                  int64_t to_ms, store_position_cb cb, void *ctx);
int pg_query_events(struct store *s, const struct store_event_filter *f, store_event_cb cb, void *ctx);
int pg_count_events(struct store *s, const struct store_event_filter *f, store_kind_count_cb cb, void *ctx);
int pg_event_entities(struct store *s, const struct store_event_filter *f, size_t limit, store_entity_cb cb,
                      void *ctx);

int pgr_timespan(struct store *s, int64_t *from_ms, int64_t *to_ms);
int pgr_last_rows(struct store *s, struct store_rows *out);
int pgr_query_picture(struct store *s, int64_t at_ms, int64_t vessel_age_ms, int64_t aircraft_age_ms,
                      store_position_cb cb, void *ctx);
int pgr_query_latest(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_position_cb cb, void *ctx);
int pgr_query_identity_at(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_identity_cb cb,
                          void *ctx);
int pgr_search(struct store *s, const char *text, size_t limit, store_hit_cb cb, void *ctx);
int pgr_query_alerts(struct store *s, const struct store_alert_filter *f, store_alert_cb cb, void *ctx);
int pgr_query_events_after(struct store *s, int64_t after_seq, size_t limit, store_event_cb cb, void *ctx);
int pgr_query_open_events(struct store *s, store_open_event_cb cb, void *ctx);
int pgr_watchlist_load(struct store *s, struct ref_wl_set *set);
int pgr_watchlist_add(struct store *s, struct ref_wl_entry *e);
int pgr_watchlist_remove(struct store *s, int64_t id);
struct ref_wl_index *pgr_watchlist_index(struct store *s, const struct ref_wl_set *set);

#define PG_READ_OPS                                                                                          \
    .timespan = pgr_timespan, .last_rows = pgr_last_rows, .query_picture = pgr_query_picture,              \
    .query_latest = pgr_query_latest, .query_identity_at = pgr_query_identity_at, .search = pgr_search,    \
    .query_alerts = pgr_query_alerts, .query_events_after = pgr_query_events_after,                        \
    .query_open_events = pgr_query_open_events, .count_events = pg_count_events,                         \
    .event_entities = pg_event_entities,                                                                 \
    .watchlist_load = pgr_watchlist_load, .watchlist_add = pgr_watchlist_add,                              \
    .watchlist_remove = pgr_watchlist_remove, .watchlist_index = pgr_watchlist_index

#endif

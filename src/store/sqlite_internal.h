/* sqlite_internal.h: what the SQLite backend's files share. sqlite.c owns the
 * connection and the write side; sqlite_read.c the read operations the HTTP
 * API uses, with statements of its own, prepared on first use. */
#ifndef ATALAYA_STORE_SQLITE_INTERNAL_H
#define ATALAYA_STORE_SQLITE_INTERNAL_H

#include <stdint.h>

#include "store/store.h"

struct buf;
struct sqlite3;
struct sqlite3_stmt;
struct sqlite_read;

/* Creates or updates the store's tables in a file ref_db_open has opened
 * (sqlite_schema.c). 0 or -1 with err. */
int sqlite_store_migrate(struct sqlite3 *db, char *err, size_t errn);
/* The connection behind a store opened by store_sqlite_open. */
struct sqlite3 *sqlite_store_db(struct store *s);
/* Where sqlite_read.c keeps its statements (NULL until the first read). */
struct sqlite_read **sqlite_store_read(struct store *s);
/* A row of a position-shaped SELECT (kind, id, t, lat, lon, alt, speed,
 * course, source), an identity-shaped one (field, value, valid_from,
 * valid_to) and an event-shaped one (SQLITE_EVENT_COLS), read the same way
 * by both files. */
#define SQLITE_EVENT_COLS "rowid, kind, t_start, t_end, entities, lat, lon, details, evidence, state, key, alert, seq"
void sqlite_row_position(struct sqlite3_stmt *st, struct store_position *p);
void sqlite_row_identity(struct sqlite3_stmt *st, struct store_identity *i);
void sqlite_row_event(struct sqlite3_stmt *st, struct store_event *e);
/* Finalizes them; called by sqlite.c's close. */
void sqlite_read_free(struct sqlite_read *rd);

int sqr_timespan(struct store *s, int64_t *from_ms, int64_t *to_ms);
int sqr_last_rows(struct store *s, struct store_rows *out);
int sqr_query_picture(struct store *s, int64_t at_ms, int64_t vessel_age_ms, int64_t aircraft_age_ms,
                      store_position_cb cb, void *ctx);
int sqr_query_latest(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_position_cb cb, void *ctx);
int sqr_query_identity_at(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_identity_cb cb,
                          void *ctx);
int sqr_search(struct store *s, const char *text, size_t limit, store_hit_cb cb, void *ctx);
int sqr_query_alerts(struct store *s, const struct store_alert_filter *f, store_alert_cb cb, void *ctx);
int sqr_query_events_after(struct store *s, int64_t after_id, size_t limit, store_event_cb cb, void *ctx);
int sqr_query_open_events(struct store *s, store_open_event_cb cb, void *ctx);
/* The event filter f as SQL (sqlite_read.c): " WHERE ..." appended to b
 * (-1 with err set on a bad filter); its values bound from parameter 1 on
 * (returns the next parameter; w keeps the JSON paths alive until the
 * statement is done); head + WHERE + tail prepared (NULL with err set). */
struct buf;
struct sqlite_event_where {
    char paths[STORE_FILTER_WHERE][56];
};
int sqlite_event_where_sql(struct store *s, const struct store_event_filter *f, struct buf *b);
int sqlite_event_where_bind(struct sqlite3_stmt *st, const struct store_event_filter *f, struct sqlite_event_where *w);
struct sqlite3_stmt *sqlite_event_prepare(struct store *s, const char *head, const struct store_event_filter *f,
                                   const char *tail);
int sqr_count_events(struct store *s, const struct store_event_filter *f, store_kind_count_cb cb, void *ctx);
int sqr_event_entities(struct store *s, const struct store_event_filter *f, size_t limit, store_entity_cb cb,
                       void *ctx);
int sqr_watchlist_load(struct store *s, struct ref_wl_set *set);
int sqr_watchlist_add(struct store *s, struct ref_wl_entry *e);
int sqr_watchlist_remove(struct store *s, int64_t id);
struct ref_wl_index *sqr_watchlist_index(struct store *s, const struct ref_wl_set *set);

/* The read operations, for sqlite.c's table of operations. */
#define SQLITE_READ_OPS                                                                                      \
    .timespan = sqr_timespan, .last_rows = sqr_last_rows, .query_picture = sqr_query_picture,              \
    .query_latest = sqr_query_latest, .query_identity_at = sqr_query_identity_at, .search = sqr_search,    \
    .query_alerts = sqr_query_alerts, .query_events_after = sqr_query_events_after,                        \
    .query_open_events = sqr_query_open_events,                                                          \
    .count_events = sqr_count_events, .event_entities = sqr_event_entities,                                \
    .watchlist_load = sqr_watchlist_load, .watchlist_add = sqr_watchlist_add,                              \
    .watchlist_remove = sqr_watchlist_remove, .watchlist_index = sqr_watchlist_index

#endif

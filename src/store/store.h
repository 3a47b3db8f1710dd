/* store.h: the embedded store: what the tracker and detectors saw, kept on
 * disk for queries after the fact. One interface, a table of operations
 * chosen by URL ("sqlite:PATH" now; a PostgreSQL backend goes behind the same
 * operations), so no SQL crosses it.
 *
 * EVENT TIME ONLY: every row carries the time of the message that produced
 * it, and batching and retention count event time, so ingesting a recording
 * gives the same rows whenever it is run. */
#ifndef ATALAYA_STORE_STORE_H
#define ATALAYA_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Entity kinds, as enum trk_kind: 1 vessel (id = MMSI), 2 aircraft (ICAO). */
enum store_kind { STORE_VESSEL = 1, STORE_AIRCRAFT = 2 };

struct store_position {
    uint8_t kind;
    uint32_t id;
    int64_t t_ms;
    double lat, lon;
    double alt_ft, speed_kt, course_deg; /* NAN unknown */
    const char *source;                  /* e.g. "ais_a", "adsb"; NULL unknown */
};

struct store_entity_ref {
    uint8_t kind;
    uint32_t id;
    const char *role; /* "subject", "other", ... (event.h) */
};

/* An event row. Written from a struct event by store_put_event; read back,
 * the same columns, which event_write_json turns into the same JSON as the
 * live event (store_event_view). */
struct store_event {
    int64_t id;         /* read back: the row's id (0 when writing) */
    int64_t seq;        /* read back: the order rows were last written in */
    const char *kind;   /* ais_gap, encounter, loitering, ... */
    uint8_t state;      /* enum event_state */
    uint64_t key;       /* the occurrence (event.h): one row per (kind, key) */
    int64_t t_start_ms, t_end_ms;
    const struct store_entity_ref *entities; /* written: indexed for entity queries */
    size_t nentities;
    const char *entities_json; /* [{"kind":"vessel","mmsi":N,"role":R}, ...] */
    double lat, lon;    /* NAN unknown */
    const char *alert;  /* the rule, for a watchlist alert; NULL otherwise */
    const char *details_json; /* the event's fields, a JSON object */
    const char *evidence;     /* raw messages, a JSON array of strings */
};

struct store_alert {
    uint64_t key; /* written: the alert event's key (a re-run stores it once) */
    int64_t t_ms;
    uint8_t kind;
    uint32_t id;
    const char *rule, *message, *evidence;
    int64_t row; /* read back: the row's id (0 when writing) */
};

struct store_identity {
    const char *field, *value;
    int64_t valid_from_ms, valid_to_ms; /* valid_to 0: current */
};

/* Which events a query wants. Zero/NULL members do not filter. Conditions on
 * details compare the JSON member's value, as text and case-insensitively,
 * with value ("operator" = "IRM", "arrival_country_code" = "VE"); keys are
 * [a-z0-9_] only, and every value is bound, never spliced into SQL. */
#define STORE_FILTER_KINDS 16
#define STORE_STATE_CLOSED 1
#define STORE_STATE_OPEN 2
#define STORE_FILTER_WHERE 8
struct store_event_filter {
    int64_t from_ms, to_ms;  /* the event's span overlaps [from, to]; to 0 = no end */
    const char *kinds[STORE_FILTER_KINDS]; /* any of these kinds */
    size_t nkinds;
    uint8_t entity_kind;     /* with entity_id: events about this entity */
    uint32_t entity_id;
    bool has_box;            /* the event's position in the box */
    double lat0, lon0, lat1, lon1;
    struct { const char *key, *value; } where[STORE_FILTER_WHERE];
    size_t nwhere;
    int state;               /* 0: any; STORE_STATE_OPEN or STORE_STATE_CLOSED */
    bool newest_first;       /* default oldest first */
    size_t limit;            /* 0 = all */
};

/* Query callbacks: return non-zero to stop. */
typedef int (*store_position_cb)(void *ctx, const struct store_position *p);
typedef int (*store_identity_cb)(void *ctx, const struct store_identity *i);
typedef int (*store_event_cb)(void *ctx, const struct store_event *e);

/* --- the read side the HTTP API needs (sqlite_read.c) --- */

/* Largest row id of the position and alert tables, and the largest event
 * seq (an updated event gets a new one): a reader polls these to see what a
 * writer added or changed since (0: table empty). */
struct store_rows {
    int64_t position, event, alert;
};

/* Which alerts a query wants; zero members do not filter. */
struct store_alert_filter {
    int64_t from_ms, to_ms; /* to 0: no end */
    uint8_t entity_kind;    /* with entity_id: alerts about this entity */
    uint32_t entity_id;
    int64_t after_row;      /* only rows added after this one (live push) */
    bool newest_first;      /* default oldest first */
    size_t limit;           /* 0 = all */
};

/* One identity row that matched a search. */
struct store_hit {
    uint8_t kind;
    uint32_t id;
    const char *field, *value;       /* "mmsi"/"icao" when the number itself matched */
    int64_t valid_from_ms, valid_to_ms; /* valid_to 0: current */
};

typedef int (*store_alert_cb)(void *ctx, const struct store_alert *a);
/* An open event read back whole (det_restore takes it). */
struct event;
typedef int (*store_open_event_cb)(void *ctx, const struct event *e);
typedef int (*store_hit_cb)(void *ctx, const struct store_hit *h);
/* One kind of event: how many match, how many of those are still open. */
typedef int (*store_kind_count_cb)(void *ctx, const char *kind, int64_t count, int64_t open);
typedef int (*store_entity_cb)(void *ctx, uint8_t kind, uint32_t id);
/* One detector checkpoint record (detect.h, det_checkpoint). */
typedef int (*store_state_cb)(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state);

struct ref_wl_set;
struct ref_wl_entry;
struct ref_wl_index;

/* --- resumable ingest --- */

/* An input file as a resumed ingest recognises it: the same absolute path,
 * at least as long as when it was read (a growing log), starting with the
 * same bytes. */
#define STORE_INPUT_HEAD 4096
struct store_input {
    const char *path;
    int64_t size;
    uint64_t head_hash; /* FNV-1a of its first head_len bytes */
    int64_t head_len;   /* min(size, STORE_INPUT_HEAD) */
};

/* How far an ingest got through an input: every line (or block) before the
 * one ending at decoded byte offset, and the first rows store_put_* calls of
 * that one (STORE_INPUT_END: past the input, the run's closing rows). */
#define STORE_INPUT_END INT64_MAX
struct store_mark {
    int64_t offset;
    uint64_t rows;
};

struct store;

struct store_ops {
    void (*close)(struct store *s);
    int (*begin)(struct store *s);
    int (*commit)(struct store *s);
    /* Sets field of an entity to value from t_ms on: a different value closes
     * the current row (valid_to = t_ms) and opens a new one; the same value
     * does nothing and returns 1 (0: a row written; -1: error). History,
     * never an overwrite. */
    int (*put_identity)(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                        int64_t t_ms);
    int (*put_position)(struct store *s, const struct store_position *p);
    /* Adds the event, or updates the row of the same (kind, key). */
    int (*put_event)(struct store *s, const struct store_event *e);
    int (*put_alert)(struct store *s, const struct store_alert *a);
    int (*query_track)(struct store *s, uint8_t kind, uint32_t id, int64_t from_ms, int64_t to_ms,
                       store_position_cb cb, void *ctx);
    int (*query_identity)(struct store *s, uint8_t kind, uint32_t id, store_identity_cb cb, void *ctx);
    /* Latest position of each entity seen in the box during the window. */
    int (*query_area)(struct store *s, double lat0, double lon0, double lat1, double lon1, int64_t from_ms,
                      int64_t to_ms, store_position_cb cb, void *ctx);
    /* Events matching f, oldest first (or newest first). -1 with err set on a
     * bad filter (an unsafe key) or a database error. */
    int (*query_events)(struct store *s, const struct store_event_filter *f, store_event_cb cb, void *ctx);
    /* Deletes positions older than before_ms. Returns rows deleted, or -1. */
    long (*retain)(struct store *s, int64_t before_ms);

    /* --- read side for the HTTP API (sqlite_read.c); all return 0 or -1
     * with err set, and callbacks stop on non-zero as above. --- */
    /* Event time of the first and last position (both 0 when none). */
    int (*timespan)(struct store *s, int64_t *from_ms, int64_t *to_ms);
    int (*last_rows)(struct store *s, struct store_rows *out);
    /* The picture at at_ms: each entity's latest position at or before at_ms
     * and after at_ms - max_age (vessel_age for vessels, aircraft_age for
     * aircraft), ordered by kind and id. */
    int (*query_picture)(struct store *s, int64_t at_ms, int64_t vessel_age_ms, int64_t aircraft_age_ms,
                         store_position_cb cb, void *ctx);
    /* An entity's latest position at or before at_ms (none: cb not called). */
    int (*query_latest)(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_position_cb cb,
                        void *ctx);
    /* Identity rows still valid after at_ms, by field then valid_from: the
     * first row of each field is the value at at_ms, or the first one the
     * entity gave when it had none yet. */
    int (*query_identity_at)(struct store *s, uint8_t kind, uint32_t id, int64_t at_ms, store_identity_cb cb,
                             void *ctx);
    /* Free-text search: text with a letter matches names, callsigns and
     * registrations, current and former, case-insensitively as a substring;
     * digits match an MMSI or IMO exactly; six hex digits an ICAO address.
     * Current identities first, at most limit hits. */
    int (*search)(struct store *s, const char *text, size_t limit, store_hit_cb cb, void *ctx);
    int (*query_alerts)(struct store *s, const struct store_alert_filter *f, store_alert_cb cb, void *ctx);
    /* Every event still open (state open), oldest first, as struct event
     * (event.h): header, entities with roles, fields (integers, text and
     * booleans typed; reals and structures as their JSON text, a real's value
     * also in r), evidence. For det_restore after a restart. */
    int (*query_open_events)(struct store *s, store_open_event_cb cb, void *ctx);
    /* Events written (added or updated) after seq after_seq, in seq order (live push). */
    int (*query_events_after)(struct store *s, int64_t after_seq, size_t limit, store_event_cb cb, void *ctx);
    /* The events matching f (its order and limit aside) counted per kind,
     * most numerous first; and the distinct entities they are about, at most
     * limit of them (0: all). The triage of the event list. */
    int (*count_events)(struct store *s, const struct store_event_filter *f, store_kind_count_cb cb, void *ctx);
    int (*event_entities)(struct store *s, const struct store_event_filter *f, size_t limit, store_entity_cb cb,
                          void *ctx);
    /* Watchlists kept beside the store (ref/watchlist.h): appends every entry
     * to set; adds one (sets e->id); removes one (1 removed, 0 none, -1);
     * builds the match index over set with the registry of the same file. */
    int (*watchlist_load)(struct store *s, struct ref_wl_set *set);
    int (*watchlist_add)(struct store *s, struct ref_wl_entry *e);
    int (*watchlist_remove)(struct store *s, int64_t id);
    struct ref_wl_index *(*watchlist_index)(struct store *s, const struct ref_wl_set *set);

    /* The committed mark of the input at in->path: 1 found (in and *m
     * filled with what was recorded), 0 none, -1 error. */
    int (*input_get)(struct store *s, struct store_input *in, struct store_mark *m);
    /* Records the mark in the open transaction. */
    int (*input_put)(struct store *s, const struct store_input *in, const struct store_mark *m);

    /* --- restart continuity: the detectors' checkpoint (table det_state) --- */
    /* Sets the record (kind, id) in the open transaction, replacing it;
     * state NULL deletes it. t_ms: the event time it stands at. */
    int (*put_state)(struct store *s, const char *kind, int64_t id, int64_t t_ms, const char *state);
    /* Every record, kinds in descending order ("vessel", "source", "pair",
     * "heard": vessels before the pairs that name them), then by id. */
    int (*query_state)(struct store *s, store_state_cb cb, void *ctx);
};

/* The input an ingest is reading (store.c). */
struct store_cursor {
    struct store_input in;  /* in.path NULL: none */
    char *path;             /* owns in.path */
    struct store_mark at;   /* rows written now come from here */
    struct store_mark skip; /* resuming: calls up to this mark are already stored */
    bool resuming;
    bool dirty;             /* rows written since the mark was last recorded */
};

/* Every backend's handle starts with this. */
struct store {
    const struct store_ops *ops;
    char err[256];
    /* Batching (store.c): rows since begin, the latest event time written
     * when the batch began and now. */
    unsigned batch_rows, batch_max_rows;
    int64_t batch_t0_ms, batch_max_ms, batch_now_ms;
    int in_tx;
    uint64_t rows, commits;
    struct store_cursor cur;
    /* Called by store_flush inside the transaction it is about to commit
     * (one is opened for it when none is), so what it writes (the
     * detectors' checkpoint, through ops->put_state) commits with the rows
     * it goes with, or not at all. Returns < 0 on failure. NULL: none. */
    int (*before_commit)(void *ctx, struct store *s);
    void *before_commit_ctx;
};

/* Opens a store by URL ("sqlite:PATH", a bare PATH as sqlite, or
 * "postgresql://USER@HOST:PORT/DB" / "postgres://..." as PostgreSQL with
 * PostGIS). NULL with err filled on failure. */
struct store *store_open(const char *url, char *err, size_t errn);
void store_close(struct store *s); /* commits an open batch */
/* Async-signal-safe: from now on a backend waiting for its lost server
 * (PostgreSQL's reconnect back-off) stops waiting and the operation fails,
 * so SIGTERM is never held up by a database that is gone. */
void store_stop_waiting(void);
bool store_stopping(void);

/* Batched writes: the store_put_* wrappers open a transaction when none is
 * open and commit once max_rows rows (rows written: an unchanged identity is
 * none) or max_ms of event time have gone in
 * (defaults 5000 rows, 60 s), so a crash loses at most the open batch. */
void store_set_batch(struct store *s, unsigned max_rows, int64_t max_ms);
int store_flush(struct store *s);
int store_put_identity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                       int64_t t_ms);
int store_put_position(struct store *s, const struct store_position *p);
/* A detector event or watchlist alert (event.h): its row, added or updated
 * by (kind, key) so an open event is one row over its life and a re-run adds
 * nothing; for an alert also its alert row (once per key). */
struct event_view;
int store_put_event(struct store *s, const struct event *e);
int store_put_alert(struct store *s, const struct store_alert *a);
/* Every open event, as struct event (the query_open_events operation). */
int store_query_open_events(struct store *s, store_open_event_cb cb, void *ctx);
/* A row read back as the event writer takes it (event_write_json). */
void store_event_view(const struct store_event *e, struct event_view *v);

/* Resumable ingest. Each input file is announced before it is read; the
 * mark of where the ingest stands is written with every commit, in the
 * transaction of the rows it covers, so a kill -9 keeps both or neither.
 * With resume, when the file is the one marked (store_input), every
 * store_put_* call up to the mark returns 0 without writing: the caller
 * reads the input again from its start through the same pipeline (the
 * tracker, thinner and detectors need the history to give the rows of one
 * clean run) and the store writes only what the killed run had not
 * committed. Returns 1 resuming (from set when not NULL), 0 from the start
 * (no mark, or the file changed: size shrunk or other first bytes; or not a
 * regular file, which is then stored unmarked), -1 when the store fails
 * (err set). */
int store_input_file(struct store *s, const char *path, bool resume, struct store_mark *from);
/* The rows written from now on come from the line or block of the current
 * input that ends at decoded byte offset (STORE_INPUT_END after its last). */
void store_input_at(struct store *s, int64_t offset);

/* A stream worker's shard as the input (not a file; stream/worker.h): its
 * mark is kept under name, rows are marked with the stream sequence of the
 * message in hand (store_input_at), and the worker, which replays the shard
 * in an order of its own, says which calls are stored already
 * (store_input_skip). Returns 1 with the committed mark in *from, 0 none
 * yet, -1 when the store fails (err set). */
int store_input_named(struct store *s, const char *name, struct store_mark *from);
/* The next calls of the message at offset, up to rows of them, are stored
 * already (rows 0: nothing is; UINT64_MAX: all of its calls are). */
void store_input_skip(struct store *s, int64_t offset, uint64_t rows);
/* Closes without committing the open batch: a worker that lost its lease
 * must not write what the new holder writes again. */
void store_discard(struct store *s);

/* The SQLite backend (sqlite.c). */
struct store *store_sqlite_open(const char *path, char *err, size_t errn);
/* The PostgreSQL backend (postgres.c): url is a libpq connection URI. */
struct store *store_pg_open(const char *url, char *err, size_t errn);

#endif

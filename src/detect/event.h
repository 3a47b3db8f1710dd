/* event.h: one detector event or watchlist alert as a value, and its one
 * JSON form. Detectors fill a struct event with the ev_* builders (no
 * allocation: fixed arrays and an internal string arena) and hand it to the
 * sink they were given; the store keeps it as columns plus three JSON texts
 * (entities, fields, evidence) rendered by the same functions, so an event
 * written live and one read back from the store give the same bytes.
 *
 * The JSON of an event (docs/formats/events.md):
 *   {["id":ROW,] "event":KIND, "state":"open"|"closed", "key":"16 hex",
 *    "t_start_ms":.., "t_end_ms":.., "start":ISO, "end":ISO, "hours":..,
 *    ["lat":..,"lon":..,] "entities":[{"kind":"vessel","mmsi":N,"role":R} |
 *    {"kind":"aircraft","icao":"hex6","role":R}, ...], FIELDS...,
 *    ["alert":RULE,] "evidence":["raw message", ...]}
 *
 * KEY: one occurrence of a condition, stable over its life: a hash of the
 * kind, the first entity, the start time and a per-kind discriminator (the
 * zone, the other vessel, ...). The same condition emitted open, updated and
 * closed keeps its key, and the same input gives the same keys, so a store
 * upserts by (kind, key). */
#ifndef ATALAYA_DETECT_EVENT_H
#define ATALAYA_DETECT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVENT_MAX_ENTITIES 16
#define EVENT_MAX_FIELDS 48
#define EVENT_MAX_EVIDENCE 8
#define EVENT_ARENA 8192

enum event_state { EVENT_CLOSED = 0, EVENT_OPEN = 1 };
/* As enum store_kind and enum trk_kind. */
enum event_entity_kind { EVENT_VESSEL = 1, EVENT_AIRCRAFT = 2 };

enum event_ftype {
    EVF_INT,   /* i */
    EVF_UINT,  /* u */
    EVF_REAL,  /* r, written with `decimals` digits */
    EVF_STR,   /* s */
    EVF_BOOL,  /* b */
    EVF_TIME,  /* i: ms since the epoch, written as ISO 8601 UTC */
    EVF_HEX24, /* u: six lower-case hex digits (an ICAO address) */
    EVF_JSON,  /* s: a JSON value written as is (arrays, a watchlist match) */
};

struct event_field {
    const char *name; /* in the arena */
    uint8_t type, decimals;
    int64_t i;
    uint64_t u;
    double r;
    bool b;
    const char *s; /* in the arena */
};

struct event_entity {
    uint8_t kind; /* enum event_entity_kind */
    uint32_t id;  /* MMSI, or ICAO address (24 bits; bit 24: a non-ICAO track number) */
    const char *role; /* "subject", "other", "reappeared_as", ...; in the arena */
};

struct event {
    const char *kind;  /* in the arena */
    uint8_t state;     /* enum event_state */
    uint64_t key;      /* 0 until event_finish_key (the sink always sees it set) */
    uint64_t key_extra; /* the discriminator mixed into the key */
    int64_t id;        /* read back from a store: its row; 0 live */
    int64_t t_start_ms, t_end_ms; /* open: t_end is the latest time the condition was seen to hold */
    double lat, lon;   /* NAN unknown */
    const char *alert; /* a watchlist alert: the rule that matched; NULL otherwise */
    struct event_entity ent[EVENT_MAX_ENTITIES];
    size_t nent;
    struct event_field f[EVENT_MAX_FIELDS];
    size_t nf;
    const char *evidence[EVENT_MAX_EVIDENCE]; /* raw messages, in the arena */
    size_t nevidence;
    unsigned dropped; /* fields, entities or evidence that did not fit */
    size_t used;
    char arena[EVENT_ARENA];
};

/* Where detectors and watch send their events. The event is only valid
 * during the call. */
typedef void (*event_sink_fn)(void *ctx, const struct event *e);

/* Starts an event: state closed, no position, no entities or fields. */
void ev_begin(struct event *e, const char *kind, int64_t t_start_ms, int64_t t_end_ms);
void ev_state(struct event *e, enum event_state s);
void ev_pos(struct event *e, double lat, double lon);
void ev_entity(struct event *e, enum event_entity_kind kind, uint32_t id, const char *role);
void ev_int(struct event *e, const char *name, int64_t v);
void ev_uint(struct event *e, const char *name, uint64_t v);
void ev_real(struct event *e, const char *name, double v, int decimals);
void ev_str(struct event *e, const char *name, const char *v);
void ev_bool(struct event *e, const char *name, bool v);
void ev_time(struct event *e, const char *name, int64_t ms);
void ev_hex24(struct event *e, const char *name, uint32_t v);
void ev_json(struct event *e, const char *name, const char *json, size_t len);
/* One raw message; empty ones are left out. */
void ev_evidence(struct event *e, const char *text, size_t len);
static inline void ev_evidence_str(struct event *e, const char *text)
{
    size_t n = 0;
    while (text && text[n])
        n++;
    ev_evidence(e, text, n);
}
void ev_alert(struct event *e, const char *rule);
/* Mixes a discriminator into the key (the zone's name, the other vessel). */
void ev_key_str(struct event *e, const char *s);
void ev_key_u64(struct event *e, uint64_t v);
/* Sets e->key from kind, first entity, start and discriminator (when 0). */
void event_finish_key(struct event *e);

const struct event_field *event_field_get(const struct event *e, const char *name);
/* The first entity with this role (NULL: none). */
const struct event_entity *event_entity_role(const struct event *e, const char *role);
/* A copy whose strings live in dst's own arena. */
void event_copy(struct event *dst, const struct event *src);
/* Copies s into e's arena (NULL when full). */
const char *event_intern(struct event *e, const char *s, size_t n);

/* --- the JSON form --- */
struct jw;
struct buf;

/* An event as the JSON writer takes it: the header and three JSON texts
 * (entities: an array; fields: an object whose members are written after the
 * entities; evidence: an array). What the store keeps and reads back. */
struct event_view {
    int64_t id; /* 0: not written */
    const char *kind;
    uint8_t state;
    uint64_t key;
    int64_t t_start_ms, t_end_ms;
    double lat, lon;
    const char *alert;
    const char *entities_json, *fields_json, *evidence_json;
};

/* The three texts of e into the given buffers (each emptied first). */
void event_render_entities(const struct event *e, struct buf *b);
void event_render_fields(const struct event *e, struct buf *b);
void event_render_evidence(const struct event *e, struct buf *b);
/* The event as one JSON object through w. */
void event_write_json(struct jw *w, const struct event_view *v);
/* The same for a live event (renders the three texts into scratch). */
void event_write(struct jw *w, const struct event *e);
/* "open" / "closed"; event_state_parse returns -1 for anything else. */
const char *event_state_name(int state);
int event_state_parse(const char *s);

#endif

/* api.h: the store-backed REST API of docs/formats/api-v1.md, shared between
 * its files (api.c routes; api_entities.c, api_dossier.c, api_events.c,
 * api_watchlist.c answer; api_params.c parses). Nothing here knows
 * libmicrohttpd: a request is a method, a path, an argument lookup and a
 * body; an answer is a status, a content type and a body, so the handlers
 * can be driven without a socket.
 *
 * Threading: every handler runs with api->lock held, because the store
 * connection (and the watchlist index built from it) is used from the HTTP
 * thread and from the loop thread (stream polling, /data documents). */
#ifndef ATALAYA_HTTP_API_H
#define ATALAYA_HTTP_API_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "ref/watchlist.h"

struct jw;
struct ref;
struct store;
struct store_alert;
struct store_event;
struct store_position;

/* Picture ages of the contract: a fix older than this is not "there". */
#define API_VESSEL_AGE_MS (30 * 60 * 1000)
#define API_AIRCRAFT_AGE_MS (5 * 60 * 1000)
/* Bounds on what one answer may hold. */
#define API_MAX_LIMIT 10000u
#define API_DEFAULT_LIMIT 1000u
#define API_MAX_TRACK 200000u
#define API_DOSSIER_ITEMS 50u

struct http_api {
    pthread_mutex_t lock;
    struct store *st;
    const struct ref *ref; /* operators from callsigns; may be NULL */
    char *write_token;     /* NULL: read-only */
    struct ref_wl_set wl;  /* the store's watchlists, reloaded after a write */
    struct ref_wl_index *wlx;
    unsigned wl_gen;       /* counts reloads: cached answers name theirs */
    /* The last /entities answers: a picture changes only when positions are
     * added or the watchlists change, and the map asks for the same one
     * again and again (api_entities.c). */
    struct api_cached {
        char key[400];
        int64_t row;
        unsigned wl_gen;
        struct buf body;
    } cache[8];
    unsigned cache_next;
};

struct api_req {
    const char *method; /* "GET", "HEAD", "POST", "DELETE" */
    const char *path;   /* below /api/v1, e.g. "/entities" */
    const char *(*arg)(void *cls, const char *name); /* query argument or NULL */
    void *arg_cls;
    const char *body;
    size_t body_len;
    bool write_ok; /* the request carried the write token */
};

struct api_reply {
    int status;
    const char *ctype;
    char filename[80]; /* Content-Disposition attachment when not empty */
    struct buf body;
};

static inline const char *api_arg(const struct api_req *r, const char *name)
{
    const char *v = r->arg ? r->arg(r->arg_cls, name) : NULL;
    return v && *v ? v : NULL;
}

/* Sets an error answer {"error": message, "status": status}; returns status. */
int api_error(struct api_reply *out, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Starts a JSON answer 200 and returns its writer. */
void api_json(struct api_reply *out, struct jw *w);

/* --- parameters (api_params.c): 0 on success, -1 on a bad value --- */
/* Milliseconds since the epoch, or ISO 8601 UTC: 2026-03-02T10:00:00Z,
 * optional .fff, Z or +HH:MM/-HH:MM, or a date alone (midnight UTC). */
int api_parse_time(const char *s, int64_t *out);
/* LAT0,LON0,LAT1,LON1: latitudes within +-90, longitudes within +-180. */
int api_parse_bbox(const char *s, double box[4]);
/* 1..max; NULL gives def. */
int api_parse_limit(const char *s, size_t def, size_t max, size_t *out);
/* "vessel" + MMSI (1..999999999) or "aircraft" + 6 hex digits. */
int api_parse_entity(const char *kind, const char *id, uint8_t *k, uint32_t *out);
/* "vessel:MMSI" or "aircraft:HEX". */
int api_parse_entity_ref(const char *s, uint8_t *k, uint32_t *out);
/* A comma-separated list of up to max words of [a-z0-9_]; copies into
 * store (size n) and points words[] into it. Returns the count or -1. */
int api_parse_words(const char *s, char *store, size_t n, const char **words, size_t max);
/* A boolean: 1/0, true/false, yes/no. */
int api_parse_bool(const char *s, bool *out);
/* An event kind some detector or the watchlist writes. */
bool api_event_kind_known(const char *k);
/* Before an endpoint ("events", "track", ...) runs: a 400 for any of its
 * parameters given empty ("limit=", or bare "limit"; api_arg() reads those
 * as absent) and, for events, for a kind no detector writes. Returns 0 or
 * the status set in out. */
int api_check_params(const char *endpoint, const struct api_req *r, struct api_reply *out);

/* --- shared writers --- */
/* "kind":"vessel","mmsi":N or "kind":"aircraft","icao":"hex". */
void api_write_entity_id(struct jw *w, uint8_t kind, uint32_t id);
/* "kind":..,"id":N|"hex" as in event entities and alerts. */
void api_write_entity_ref(struct jw *w, uint8_t kind, uint32_t id);
/* lat, lon, t, speed, course (and alt for aircraft), as in entities. */
void api_write_position(struct jw *w, const struct store_position *p);
/* An entity's identity at a moment, one value per field ("" when none). */
struct api_ident {
    char name[64], callsign[16], imo[16], shiptype[8], flag[64], registration[16], country[64], type[16],
        operator_[16];
};
void api_ident_load(struct http_api *a, uint8_t kind, uint32_t id, int64_t at_ms, struct api_ident *out);
/* The watchlist matches of an entity with these identity values; writes the
 * strongest as "watch":{...} (all of them when all is set, as an array).
 * Returns the number of matches. */
int api_write_watch(struct http_api *a, struct jw *w, uint8_t kind, uint32_t id, const struct api_ident *ident,
                    bool all);
/* The operator designator of an aircraft: its stored operator, else the
 * callsign's ICAO prefix when the reference data knows it. */
const char *api_operator(const struct http_api *a, const struct api_ident *ident);
/* Rebuilds the watchlist index from the store. */
int api_watch_reload(struct http_api *a);

/* --- handlers: each fills out and returns its status --- */
int api_entities(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_timespan(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_search(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_dossier(struct http_api *a, const struct api_req *r, const char *kind, const char *id,
                struct api_reply *out);
int api_track(struct http_api *a, const struct api_req *r, const char *kind, const char *id,
              struct api_reply *out);
int api_events(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_flights(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_portcalls(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_alerts(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_triage(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_find(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_watchlist_get(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_watchlist_post(struct http_api *a, const struct api_req *r, struct api_reply *out);
int api_watchlist_delete(struct http_api *a, const struct api_req *r, const char *id, struct api_reply *out);

/* A parsed JSON value (jansson) as the API writes numbers: reals as the
 * shortest decimal that reads back the same, members named as coordinates
 * (lat, lon, *_lat, *_lon, lat2, ...) at 6 decimals; key is the member's
 * name, or NULL. */
struct json_t;
void api_write_json(struct jw *w, const char *key, const struct json_t *v);
/* Writers shared with the dossier and the stream. */
void api_write_event(struct jw *w, const struct store_event *e);
void api_write_alert(struct jw *w, const struct store_alert *al);
/* The entities picture at at_ms, filtered as /entities, as one JSON object. */
struct api_picture_filter {
    uint8_t kind;     /* 0: both */
    bool watch_only;
    bool has_box;
    double box[4];
    const char *type; /* vessel type category, or NULL */
    size_t limit;
};
int api_write_picture(struct http_api *a, int64_t at_ms, const struct api_picture_filter *f, struct buf *out);

#endif

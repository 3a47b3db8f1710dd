/* http_internal.h: pieces of the HTTP module shared between its files. */
#ifndef ATALAYA_HTTP_HTTP_INTERNAL_H
#define ATALAYA_HTTP_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"

/* The documents the loop thread publishes. */
enum http_doc { HTTP_DOC_AIRCRAFT, HTTP_DOC_RECEIVER, HTTP_DOC_VESSELS, HTTP_DOC_STATS, HTTP_DOC_COUNT };

/* Entity tags are W/"16 hex digits": weak, one per content, whatever its
 * encoding. */
#define HTTP_ETAG_LEN 24

/* A published document, freed by whoever drops the last reference. Its
 * tag and gzip form are made by the first client that needs them (under
 * lazy_lock), then shared: a document nobody reads costs neither. */
struct http_snap {
    atomic_int refs;
    struct buf b;
    pthread_mutex_t lazy_lock;
    char etag[HTTP_ETAG_LEN]; /* "" until asked for */
    struct buf gz;            /* empty until asked for */
};

void http_snap_release(void *snap);

/* Counters kept by the HTTP thread, read by the loop thread for stats. */
struct http_counters {
    atomic_ullong requests, status_4xx, bytes_static, not_modified, gzipped;
    /* Copied from the connection book (conns.h) each refresh. */
    atomic_ullong conns_open, conns_expired, conns_evicted, conns_over;
    atomic_ullong doc_reads[HTTP_DOC_COUNT]; /* requests for each published document */
};

/* encode.c: whether an Accept-Encoding value takes gzip (q > 0); whether a
 * content type is worth compressing; gzip of n bytes appended to out (0, or
 * -1 on a zlib failure); the entity tag of some content; whether an
 * If-None-Match value names a tag (weak comparison, "*" matches any). */
bool http_accepts_gzip(const char *accept_encoding);
bool http_compressible(const char *ctype);
int http_gzip(const void *in, size_t n, struct buf *out);
void http_etag_of(const void *p, size_t n, char out[HTTP_ETAG_LEN]);
bool http_etag_matches(const char *if_none_match, const char *etag);

/* Longest URL path we look at; longer ones get 414. */
#define HTTP_MAX_PATH 512

/* Opens url (already percent-decoded, starting with '/') below root_fd.
 * Returns 200 with *fd, *size and *ctype set, or the HTTP status to answer:
 * 400 malformed, 403 forbidden name, 404 missing or not a regular file. */
int http_static_open(int root_fd, const char *url, int *fd, off_t *size, const char **ctype);
const char *http_content_type(const char *path);

/* Renders one document from the tracker as of event time now_ms (or, with
 * no tracker, from the store: store_docs.c). */
struct trk;
struct http_api;
struct sse_hub;
struct jw;
struct http_live {
    struct trk *trk;      /* NULL in serve */
    const struct det *det; /* the detectors' counters, or NULL */
    struct http_api *api; /* the store-backed API, or NULL */
    struct sse_hub *hub;  /* the live stream */
    int refresh_ms;
    int64_t started_ms;
    bool have_receiver;
    double receiver_lat, receiver_lon;
    const struct http_counters *counters;
    /* Loop thread: reads of each document seen, until when it is rendered,
     * and not before when again (http_live_due). */
    uint64_t reads_seen[HTTP_DOC_COUNT];
    int64_t due_until_ms[HTTP_DOC_COUNT], next_ms[HTTP_DOC_COUNT];
    bool rendered[HTTP_DOC_COUNT];
};
void http_live_write(struct http_live *l, enum http_doc doc, int64_t now_ms, struct buf *out);
/* Whether to render doc at this refresh. The tracker's aircraft.json and
 * vessels.json cost time in proportion to the entities, on the thread that
 * reads the feeds, so they are rendered only while someone reads them: for
 * HTTP_LIVE_LEASE_MS after a request, or while a stream client is
 * connected; the first request after a pause gets the last one rendered
 * (its "now" says when). And at most a fifth of the time: one that took T
 * to render waits 4 T before the next (a million vessels: a few seconds).
 * Everything else, every refresh. */
#define HTTP_LIVE_LEASE_MS 30000
bool http_live_due(struct http_live *l, enum http_doc doc);

/* --- the store-backed API (api.c, api.h) as the server sees it --- */
struct ref;
struct api_req;
struct api_reply;
/* Opens its own connection to the store at store_url. write_token NULL or
 * empty: read-only. NULL with err on failure. */
struct http_api *http_api_open(const char *store_url, const char *write_token, const struct ref *ref, char *err,
                               size_t errn);
void http_api_close(struct http_api *a);
/* Answers one request below /api/v1 (takes the API's lock). */
void http_api_handle(struct http_api *a, const struct api_req *r, struct api_reply *out);
bool http_api_writable(const struct http_api *a);
/* "Bearer TOKEN" naming the write token, compared in constant time. */
bool http_api_token_ok(const struct http_api *a, const char *authorization);
/* store_docs.c: aircraft.json / vessels.json at the store's latest time, and
 * the store's part of /api/v1/stats. Both take the API's lock. */
void http_store_write(struct http_api *a, enum http_doc doc, struct buf *out);
void http_store_stats(struct http_api *a, struct jw *w);
/* stream.c: one tick of the live stream: snapshot, new events and alerts. */
struct http_stream;
struct http_stream *http_stream_new(struct http_api *api, struct sse_hub *hub);
void http_stream_free(struct http_stream *st);
/* With a tracker: the snapshot is the two live documents, given here. */
void http_stream_tick(struct http_stream *st, int64_t now_ms, const struct buf *aircraft, const struct buf *vessels);

#endif

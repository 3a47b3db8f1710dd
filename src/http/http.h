/* http.h: the operations centre's HTTP server (libmicrohttpd): the map page
 * from web/, dump1090/readsb-compatible /data/aircraft.json and
 * /data/receiver.json, our /data/vessels.json and /api/v1/stats
 * (contracts in docs/formats/api-v1.md).
 *
 * Threading: libmicrohttpd answers requests on its own thread, which never
 * touches the tracker (struct trk is single-threaded, track.h). The loop
 * thread renders every document into a fresh buffer each refresh period and
 * publishes it under a mutex; the HTTP thread hands out the latest one by
 * reference count, so a slow client keeps its snapshot alive without
 * copying and without ever stalling the loop.
 *
 * With a store (`atalaya serve`, or `run --store`) it also answers the
 * store-backed REST API and pushes new rows on /api/v1/stream (sse.h).
 *
 * Security: binds where told (127.0.0.1 unless the operator names another
 * address), GET/HEAD only except the watchlist's POST/DELETE, which need the
 * configured write token (none: read-only) and are refused before a body is
 * read; a body is at most 16 KiB; request line and headers bounded by the
 * connection memory limit, static paths confined to the web root (no "..",
 * no hidden files, symlinks may not lead out: openat2 RESOLVE_BENEATH). */
#ifndef ATALAYA_HTTP_HTTP_H
#define ATALAYA_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct net_loop;
struct ref;
struct trk;
struct det;

struct http_config {
    const char *listen;   /* HOST:PORT ([::1]:PORT for IPv6); port 0 picks a free one */
    const char *web_root; /* NULL: http_find_web_root() */
    int refresh_ms;       /* snapshot period (0: 1000) */
    bool have_receiver;   /* receiver.json carries lat/lon */
    double receiver_lat, receiver_lon;
    /* The store-backed API (docs/formats/api-v1.md) over its own connection
     * to this store; NULL: only the live documents. */
    const char *store_url;
    const char *write_token; /* POST/DELETE allowed with this bearer token; NULL: read-only */
    const struct ref *ref;   /* reference data for operators (may be NULL) */
    size_t stream_queue_bytes; /* per stream client; 0: 1 MiB */
    /* The picture's time (event time: `run` gives its pipeline's clock, so
     * a recording played at --speed X shows its own ages, not the wall's);
     * NULL: the wall clock. */
    int64_t (*picture_clock)(void *ctx);
    void *picture_clock_ctx;
    /* The detectors' counters for /api/v1/stats ("detectors"), read on the
     * loop thread that owns them; NULL: none. */
    const struct det *det;
};

struct http_server;

/* Starts serving and registers the snapshot timer on loop (the thread that
 * owns trk). trk may be NULL when cfg names a store (`atalaya serve`): the
 * documents are then rendered from the store. The first snapshot is taken
 * before returning. NULL with a message in err on failure. */
struct http_server *http_start(const struct http_config *cfg, struct net_loop *loop, struct trk *trk, char *err,
                               size_t errlen);
/* Stops the server. Call after the loop has stopped running: the loop has no
 * timer removal, and its timer points at the server. */
void http_stop(struct http_server *s);
/* Renders and publishes every document now (the timer does this). */
void http_refresh(struct http_server *s, int64_t now_ms);
/* Sends each line of json (JSON lines) to the live stream as one server-sent
 * event of this name ("alert"); call on the loop thread. */
void http_push(struct http_server *s, const char *event, const char *json, size_t n);
/* The port actually bound (useful with port 0). */
int http_port(const struct http_server *s);

/* The web root: $ATALAYA_WEB, else web/ beside the source tree of the
 * binary (build/<mode>/atalaya -> ../../web), else share/atalaya/web.
 * Returns out, or NULL when none holds index.html. */
const char *http_find_web_root(char *out, size_t n);

#endif

/* http_internal.h: pieces of the HTTP module shared between its files. */
#ifndef ATALAYA_HTTP_HTTP_INTERNAL_H
#define ATALAYA_HTTP_HTTP_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"

/* The documents the loop thread publishes. */
enum http_doc { HTTP_DOC_AIRCRAFT, HTTP_DOC_RECEIVER, HTTP_DOC_VESSELS, HTTP_DOC_STATS, HTTP_DOC_COUNT };

/* A published document, freed by whoever drops the last reference. */
struct http_snap {
    atomic_int refs;
    struct buf b;
};

void http_snap_release(void *snap);

/* Counters kept by the HTTP thread, read by the loop thread for stats. */
struct http_counters {
    atomic_ullong requests, status_4xx, bytes_static;
};

/* Longest URL path we look at; longer ones get 414. */
#define HTTP_MAX_PATH 512

/* Opens url (already percent-decoded, starting with '/') below root_fd.
 * Returns 200 with *fd, *size and *ctype set, or the HTTP status to answer:
 * 400 malformed, 403 forbidden name, 404 missing or not a regular file. */
int http_static_open(int root_fd, const char *url, int *fd, off_t *size, const char **ctype);
const char *http_content_type(const char *path);

/* Renders one document from the tracker as of event time now_ms. */
struct trk;
struct http_live {
    struct trk *trk;
    int refresh_ms;
    int64_t started_ms;
    bool have_receiver;
    double receiver_lat, receiver_lon;
    const struct http_counters *counters;
};
void http_live_write(const struct http_live *l, enum http_doc doc, int64_t now_ms, struct buf *out);

#endif

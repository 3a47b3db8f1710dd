/* conns.h: the HTTP server's own book of its open connections, for what
 * libmicrohttpd does not do by itself:
 *
 * - a deadline on the whole request (request line, headers and body), where
 *   libmicrohttpd only times out inactivity: a client sending one byte a
 *   second would otherwise hold its slot for ever (slowloris);
 * - limits per client address and in total that make room by dropping the
 *   slowest sender first, and answer a clear 503 when no room can be made
 *   (libmicrohttpd's own limits just close the socket).
 *
 * A connection is "receiving" from the moment it opens, or its previous
 * answer was sent, until its request is whole; only then is it "answered"
 * (a long stream response is not a slow request). Closing is done with
 * shutdown(2) on the socket, from whichever thread: libmicrohttpd then sees
 * the end of the connection and closes it itself. Thread-safe. */
#ifndef ATALAYA_HTTP_CONNS_H
#define ATALAYA_HTTP_CONNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct http_conn_limits {
    unsigned max_total;    /* connections counted before new ones get 503 */
    unsigned max_per_addr; /* per client address */
    int64_t deadline_ms;   /* a request must be whole this long after it began */
    int64_t over_ms;       /* deadline of a connection admitted beyond a limit */
    int64_t evict_ms;      /* a request still arriving after this may be dropped for room */
};

struct http_conn_counters {
    unsigned long long opened, expired, evicted, over;
};

struct http_conns;
struct http_conn;

struct http_conns *http_conns_new(const struct http_conn_limits *lim);
void http_conns_free(struct http_conns *t);
/* A connection opened (fd is its socket). When its address, or the server,
 * is at its limit, the oldest connection there still receiving after
 * evict_ms is shut down to make room; when there is none, the new one is
 * "over": its request gets a 503 (http_conn_over) and a short deadline. */
struct http_conn *http_conns_open(struct http_conns *t, const struct sockaddr *addr, int fd, int64_t now_ms);
/* The connection is gone (before its socket is closed). */
void http_conns_close(struct http_conns *t, struct http_conn *c);
bool http_conn_over(struct http_conns *t, const struct http_conn *c);
/* Its request is whole: no deadline while the answer goes out. */
void http_conns_answered(struct http_conns *t, struct http_conn *c);
/* Its answer is sent: the next request's clock starts now (keep-alive). */
void http_conns_idle(struct http_conns *t, struct http_conn *c, int64_t now_ms);
/* Shuts down every connection past its deadline; returns how many. */
unsigned http_conns_sweep(struct http_conns *t, int64_t now_ms);
/* Connections counted now, and the counters since start. */
unsigned http_conns_count(struct http_conns *t, struct http_conn_counters *out);

#endif

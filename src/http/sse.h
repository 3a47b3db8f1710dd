/* sse.h: live push to browsers as server-sent events
 * (html.spec.whatwg.org/multipage/server-sent-events.html) over
 * libmicrohttpd.
 *
 * Each client has its own bounded queue of bytes. The loop thread formats a
 * message once and appends it to every queue; libmicrohttpd's thread drains
 * a queue as the client's socket takes it. An empty queue suspends the
 * connection (no busy polling) and the next message resumes it. A client
 * whose queue would pass its bound is dropped, never waited for, and counted,
 * so a slow browser cannot grow memory or hold the loop. */
#ifndef ATALAYA_HTTP_SSE_H
#define ATALAYA_HTTP_SSE_H

#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct MHD_Response;
struct sse_hub;

struct sse_stats {
    uint64_t clients;   /* connected now */
    uint64_t accepted;  /* since start */
    uint64_t refused;   /* beyond max_clients */
    uint64_t messages;  /* messages queued, summed over clients */
    uint64_t bytes;     /* bytes handed to sockets */
    uint64_t dropped;   /* clients dropped for a full queue */
};

struct sse_hub *sse_hub_new(size_t max_clients, size_t queue_bytes);
/* Ends every stream and wakes the suspended ones, so MHD_stop_daemon may
 * follow (it must not find suspended connections). */
void sse_hub_shutdown(struct sse_hub *h);
/* After MHD_stop_daemon: the clients are gone. */
void sse_hub_free(struct sse_hub *h);

/* The response streaming to a new client, beginning with the message the hub
 * holds as its greeting (the latest snapshot). NULL beyond max_clients. */
struct MHD_Response *sse_hub_attach(struct sse_hub *h, struct MHD_Connection *c);
/* Queues "event: EVENT\ndata: DATA\n\n" to every client (data may hold
 * newlines: each line becomes a data: line). Keep as the greeting when
 * greet is set. */
void sse_hub_send(struct sse_hub *h, const char *event, const char *data, size_t n, int greet);
/* A comment line (": keepalive"), so idle streams show they are alive. */
void sse_hub_keepalive(struct sse_hub *h);
void sse_hub_stats(struct sse_hub *h, struct sse_stats *out);

#endif

/* feed.h: the inputs of a live run: feeders we connect to (reconnecting
 * with back-off), feeders that connect to us, and UDP datagrams. Each
 * connection (or UDP socket) is a stream: the caller is told when one opens,
 * gets its bytes with their arrival time, and is told when it ends. Nothing
 * here knows what the bytes mean (the pipeline frames them).
 *
 * Back-off: an input we connect to is tried again FEED_BACKOFF_MIN_MS after
 * it fails or ends, then twice as long each time up to FEED_BACKOFF_MAX_MS,
 * so a feeder down for long is not hammered and one back after a short
 * restart is found within seconds. */
#ifndef ATALAYA_NET_FEED_H
#define ATALAYA_NET_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "net/sock.h"

#define FEED_BACKOFF_MIN_MS 1000
#define FEED_BACKOFF_MAX_MS 60000

/* When an input that fails now is tried again: after *backoff_ms (monotonic
 * clock), which then doubles up to FEED_BACKOFF_MAX_MS. The I/Q inputs
 * (iqin.h) back off alike. */
int64_t feed_backoff_next(int64_t *backoff_ms);

struct net_loop;

struct net_feed_handlers {
    void *ctx;
    /* A stream began; returns the caller's handle for it (passed back below). */
    void *(*open)(void *ctx, const struct net_endpoint *ep);
    void (*data)(void *stream, const uint8_t *bytes, size_t n, int64_t arrival_ms);
    /* The stream ended (closed by the peer, an error, or net_feeds_free). */
    void (*close)(void *stream);
};

struct net_feed_stats {
    uint64_t connects, disconnects, reconnects, connect_failures;
};

struct net_feeds;

/* Listen inputs accept through the group (net/listener.h: caps, EMFILE
 * pauses), at most max_conns connections each, closed after idle_ms without
 * a byte (0: never). */
struct net_listeners;
struct net_feeds *net_feeds_new(struct net_loop *loop, struct net_listeners *group, unsigned max_conns,
                                int64_t idle_ms, const struct net_feed_handlers *h);
/* Starts one input (an endpoint as net_endpoint_parse reads it). Returns 0,
 * or -1 with a message in err. */
int net_feeds_add(struct net_feeds *f, const char *spec, char *err, size_t errn);
const struct net_feed_stats *net_feeds_stats(const struct net_feeds *f);
/* Closes every stream (calling close) and socket. */
void net_feeds_free(struct net_feeds *f);

#endif

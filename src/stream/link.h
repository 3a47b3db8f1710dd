/* link.h: the connection to NATS JetStream that receivers, stream workers
 * and servers share, from a URL
 *   nats://HOST[:PORT][?stream=NAME&shards=N&max-age=HOURS&dup-window=SECONDS&replicas=R]
 * PORT defaults to 4222, stream to ATALAYA, shards to 16. Opening connects
 * (libnats, with its own reconnect loop: it retries for ever at 1 s) and
 * makes sure the stream exists with the observation subjects (obs.h),
 * file storage, messages kept for max-age hours (default 48: a worker taking
 * over a shard rebuilds its state from what the stream still holds) and
 * JetStream's duplicate window dup-window seconds (default 600: a spool
 * drained after an outage shorter than that never doubles a message).
 * An existing stream is used as it is; a shard count that differs from the
 * one it was made with (kept in its description) is an error, since it would
 * send one entity's reports to two workers. */
#ifndef ATALAYA_STREAM_LINK_H
#define ATALAYA_STREAM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

struct stream_url {
    char host[256];
    int port;
    char stream[64];
    unsigned shards;
    double max_age_h;
    double dup_window_s;
    int replicas;
};

/* Parses a nats:// URL; unknown keys and bad numbers are errors. */
int stream_url_parse(const char *url, struct stream_url *u, char *err, size_t errlen);

struct stream_link {
    struct stream_url url;
    natsConnection *nc;
    jsCtx *js;
    natsOptions *opts;
    char err[256];
};

/* Connects and makes sure the stream exists. wait_s: how long to keep
 * trying the first connection (0: once). Returns NULL after writing why to
 * err. */
struct stream_link *stream_link_open(const struct stream_url *u, double wait_s, char *err, size_t errlen);
bool stream_link_connected(const struct stream_link *l);
void stream_link_close(struct stream_link *l);

/* Messages the stream holds per shard (stream info with subject counts):
 * counts[shard] for shard < nshards. Returns 0, or -1 with l->err set. */
int stream_link_counts(struct stream_link *l, uint64_t *counts, unsigned nshards, uint64_t *total);

#endif

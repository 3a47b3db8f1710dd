/* reorder.h: a stream worker's short event-time reorder buffer. One shard's
 * messages arrive in the order the stream stored them, which interleaves
 * the receivers by arrival; the buffer hands them on in (event time,
 * receiver, stream sequence) order, so the tracker and detectors see what
 * a single-node ingest of the merged recordings sees, whichever receiver's
 * link was faster.
 *
 * What leaves when is decided by the stream's content only (the messages,
 * their stream sequences and the stream's own timestamps), never by the
 * wall clock or by how fetches were cut, so a worker that replays the shard
 * after a takeover releases the same messages in the same order, and the
 * store's mark (the last message whose rows were committed) means the same
 * prefix in both runs. On each push:
 *   - a pause of at least gap_ms in the stream's timestamps since the
 *     previous message releases everything first (the worker may release
 *     everything on its own after such a pause, reorder_flush, and a replay
 *     must then do the same at the same point);
 *   - then messages whose event time is window_ms or more behind the latest
 *     seen leave, as do the earliest ones while more than cap are held.
 * A pure structure: no I/O, the caller owns the messages (msg). */
#ifndef ATALAYA_STREAM_REORDER_H
#define ATALAYA_STREAM_REORDER_H

#include <stddef.h>
#include <stdint.h>

struct reorder_item {
    int64_t t_ms;         /* event time */
    const char *receiver; /* owned by msg */
    uint64_t seq;         /* stream sequence */
    int64_t ts_ms;        /* the stream's timestamp */
    void *msg;
};

struct reorder {
    struct reorder_item *heap; /* min-heap by (t_ms, receiver, seq) */
    size_t n, cap_alloc;
    size_t cap;
    int64_t window_ms, gap_ms;
    int64_t max_t_ms, last_ts_ms;
};

void reorder_init(struct reorder *r, int64_t window_ms, int64_t gap_ms, size_t cap);
void reorder_free(struct reorder *r);

/* The callback takes each released message, in order. */
typedef void (*reorder_cb)(void *ctx, const struct reorder_item *it);

/* One message in stream order; releases what the rules above let go. */
void reorder_push(struct reorder *r, const struct reorder_item *it, reorder_cb cb, void *ctx);
/* Everything held, in order. */
void reorder_flush(struct reorder *r, reorder_cb cb, void *ctx);

#endif

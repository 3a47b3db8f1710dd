/* shard.h: one shard a stream worker holds (worker.h): its durable pull
 * consumer, reorder buffer, pipeline and store connection. Not a public
 * header: the worker's loop drives it. */
#ifndef ATALAYA_STREAM_SHARD_H
#define ATALAYA_STREAM_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_link;
struct stream_worker_config;
struct shard;

struct shard_stats {
    uint64_t msgs, bad, redelivered, rows, commits;
};

/* Shards 0 .. shards-1 are the entity shards (atalaya.obs.<n>); number
 * `shards` is the global stage: every subject, writing only the events of
 * kinds that need every entity (detect.h, det_kind_global), which the
 * entity shards leave out. */
bool shard_is_global(const struct stream_link *l, unsigned n);
/* Opens the store and the pipeline, reads the shard's mark, recreates the
 * consumer from the stream's start. NULL with err on failure. */
struct shard *shard_open(struct stream_link *l, const struct stream_worker_config *cfg, unsigned n, char *err,
                         size_t errlen);
/* Fetches what the stream has for the shard (without waiting) and feeds
 * it. Returns the messages taken, 0 when none was there, -1 when the store
 * failed (err set): close without committing and open again. */
int shard_step(struct shard *sh, char *err, size_t errlen);
/* A commit is due (messages or time since the last one). */
bool shard_due(const struct shard *sh, int64_t now_ms);
/* Commits the rows of the messages fed, then acknowledges them. 0, or -1
 * with err. */
int shard_commit(struct shard *sh, char *err, size_t errlen);
void shard_stats(const struct shard *sh, struct shard_stats *out);
/* Closes; what was not committed is dropped (the stream keeps it). */
void shard_close(struct shard *sh);

#endif

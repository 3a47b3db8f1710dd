/* lease.h: which stream worker holds which shard, by leases in a JetStream
 * key-value bucket ("<stream>_leases", history 1, entries expire after ttl):
 *   w.<worker>   the worker's heartbeat, put every renewal
 *   s.<shard>    the shard's lease, value the holder's name; taken with
 *                kvStore_Create (only when absent or deleted), renewed with
 *                kvStore_Update on the revision last written, so a lease
 *                that expired and was taken by another can never be renewed
 * A thread renews every ttl/5: the heartbeat, then each held lease; a lease
 * the bucket refuses (another holder, or gone) is dropped at once, and one
 * not renewed for ttl - ttl/5 (the server away) is dropped too, before it
 * can expire and be taken. Workers balance by the heartbeats they see: each
 * takes free shards up to ceil(shards / live workers) and offers the ones
 * above it back (lease_surplus), which the worker releases once it has
 * committed them. A worker killed stops renewing; its leases expire after
 * ttl and the others take them at their next renewal.
 *
 * The thread also stops renewing when the worker's loop has not called
 * lease_alive for stall_ms (a worker stuck for good must not keep its
 * shards), which is longer than the store's reconnection wait. */
#ifndef ATALAYA_STREAM_LEASE_H
#define ATALAYA_STREAM_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_link;
struct lease;

/* Opens (creating it when missing) the bucket and starts the thread.
 * worker: 1..63 of [A-Za-z0-9_-]. NULL with err on failure. */
struct lease *lease_open(struct stream_link *l, const char *worker, unsigned nshards, int64_t ttl_ms,
                         int64_t stall_ms, char *err, size_t errlen);
/* The shard's lease is held and good for at least margin_ms more (before a
 * commit: a lease about to lapse must not write what a new holder will). */
bool lease_held(struct lease *ls, unsigned shard, int64_t margin_ms);
/* A held shard above the fair share, for the worker to commit and release
 * (-1: none). */
int lease_surplus(struct lease *ls);
/* Gives the shard up now (its key deleted: another worker may take it). */
void lease_release(struct lease *ls, unsigned shard);
/* The worker's loop is alive. */
void lease_alive(struct lease *ls);
/* Live workers seen at the last renewal (heartbeats in the bucket). */
unsigned lease_workers(struct lease *ls);
/* Stops the thread, releases every lease and the heartbeat. */
void lease_close(struct lease *ls);

#endif

/* worker.h: a stream worker (`atalaya ingest --from nats://...`): the full
 * pipeline (duplicate filter across receivers, tracker, watchlists,
 * detectors) over the shards it holds (lease.h), into a store, until
 * stopped.
 *
 * Exactly once into the store, whatever fails:
 *   - one pipeline, one store connection and one durable pull consumer per
 *     held shard: a shard's tracker and detector state depend on that
 *     shard's messages only;
 *   - taking a shard recreates its consumer from the start of the stream
 *     (limits retention, max-age: link.h), so its state is rebuilt exactly
 *     by replaying what the stream holds, open events (a vessel dark now)
 *     included; each observation takes the event time it carries;
 *   - the shard is the store's input "nats://STREAM/CREATED/shard-N"
 *     (store.h; CREATED: the stream's creation time, ns): the
 *     mark of the last message whose rows were committed goes into the
 *     transaction of those rows, so a replay writes nothing up to it and
 *     exactly once after it;
 *   - a message is acknowledged only after the commit of its rows (one
 *     cumulative acknowledgement per commit, up to the lowest sequence the
 *     reorder buffer still holds); a redelivered copy (a sequence already
 *     seen) is dropped;
 *   - a consumer the server brought back older than it was (killed before
 *     writing it down: deliveries numbered again) is made again from the
 *     first sequence the shard has not taken, its state kept (shard.c,
 *     consumer_renew): acknowledgements are not what keeps rows once;
 *   - a failed write or commit (the store away too long) or a lease lost
 *     drops the shard's state uncommitted; it is rebuilt from the stream
 *     the same way.
 * Messages pass a short event-time reorder buffer (reorder.h) so the result
 * does not depend on how the receivers' arrivals interleaved.
 *
 * The global stage: events that weigh more than one entity's reports
 * (detect.h, det_kind_global: ship-to-ship encounters, GNSS jamming areas,
 * AIS gaps judged by the reception of every vessel nearby, identity links
 * between MMSIs) cannot come from a shard that sees only its entities. One
 * more lease, number `shards`, is the global stage: a pipeline over every
 * subject that writes only those events, while the entity shards write
 * everything else. It is held, replayed, marked and taken over like any
 * shard; it decodes and tracks every message once more (a single node's
 * work, not split further: docs/deploy.md gives its rate).
 *
 * Limits. A receiver later than the reorder window (--reorder-ms), or a
 * pause of the whole stream longer than the window (at least 2 s, at most
 * 10 s, shard.c), lets messages through out of event-time order,
 * as a single node hearing them live would take them. A shard's state is rebuilt from what the stream still holds (max-age):
 * older history is not replayed. A lease is trusted until it has
 * COMMIT_MARGIN_MS left; a commit that outlasts that margin after the
 * worker lost touch with NATS could land after the next holder read the
 * mark, and then only the store's natural keys keep its rows once. */
#ifndef ATALAYA_STREAM_WORKER_H
#define ATALAYA_STREAM_WORKER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "pipeline/pipeline.h"

struct stream_worker_config {
    const char *from;    /* nats://HOST:PORT[?stream=..&shards=..] */
    const char *store;   /* store URL */
    const char *worker;  /* name in the lease bucket; NULL: host-pid */
    struct pipeline_config pc; /* each shard's pipeline */
    bool wl_from_store;  /* watchlists from the store's tables (pc.db NULL) */
    bool all_positions;  /* every fix, not thinned */
    int64_t reorder_ms;  /* event-time window of the reorder buffer */
    unsigned commit_msgs; /* commit after this many messages (or a second) */
    int64_t lease_ttl_ms;
    bool quiet;
    volatile sig_atomic_t *stop; /* set by a signal: commit, release, return */
};

/* Runs until *stop. Returns 0, or 2 after printing why (the stream or the
 * lease bucket cannot be reached at the start). */
int stream_worker_run(const struct stream_worker_config *cfg);

#endif

/* store_sink.h: the pipeline's history sink: every accepted position
 * (thinned unless asked for all, store/thin.h), each identity field as
 * history, and every detector event and watch alert, into a store
 * (store/store.h). `ingest` and `run --store` use it alike. */
#ifndef ATALAYA_PIPELINE_STORE_SINK_H
#define ATALAYA_PIPELINE_STORE_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "pipeline/pipeline.h"

struct store;
struct store_sink;

/* Adds the sink to p. all_positions: every accepted fix, not thinned.
 * stop_on_error: a failed write stops the pipeline (ingest: the rows of a
 * recording are all or a known prefix); otherwise (a live service) it is
 * counted and reported, and later writes are tried again, so a full disk
 * loses the batch in hand but never stops detection or the other sinks.
 * NULL when p has no room for another sink. */
struct store_sink *store_sink_add(struct pipeline *p, struct store *st, bool all_positions, bool stop_on_error);
/* What a stream worker's pipeline writes (stream/worker.h): everything
 * (the default); an entity shard's part (positions, identities, alerts, and
 * events but those of det_kind_global kinds); or the global stage's part
 * (only the events of det_kind_global kinds, with their alerts). */
enum store_sink_scope { STORE_SINK_ALL, STORE_SINK_ENTITY, STORE_SINK_GLOBAL };
void store_sink_scope(struct store_sink *k, enum store_sink_scope scope);
/* The watchlists kept in st (a PostgreSQL store's tables) for a pipeline
 * whose store is not also its watchlist file: loaded into *set (store_ops
 * watchlist_load), which pc->wl_set then names. 0, or -1 with st->err (set
 * left empty). */
struct ref_wl_set;
int store_sink_watchlists(struct store *st, struct ref_wl_set *set, struct pipeline_config *pc);
/* The held positions (the last fix of each track, when thinning), for the
 * end of the input. Returns 0 or -1 (the store failed; its err says why). */
int store_sink_finish(struct store_sink *k);
/* Writes that failed so far. */
uint64_t store_sink_failures(const struct store_sink *k);
void store_sink_free(struct store_sink *k);

/* Restart continuity: from now on every commit of the store carries the
 * detectors' state changed since the last (detect.h, det_checkpoint; the
 * store's det_state table), in the transaction of the rows it goes with, so
 * a restart after a stop or a kill -9 carries on from the last commit.
 * Nothing without detectors. For `run`; `ingest` resumes by reading its
 * input again instead (store.h). */
void store_sink_checkpoint(struct store_sink *k);

/* After a restart on the same store, before the first message and once
 * the sinks are in: the detectors' checkpoint records are taken back
 * (det_state_restore); the live picture at the store's last position time
 * (each entity within its tracker TTL then, with its identity) goes back
 * into the tracker, and into the detectors as last heard there when no
 * record covered it (a store written by ingest); watched entities count as
 * seen when last heard; then every event the store holds open is handed to
 * the detectors (det_restore), which rebuild the state behind it (or keep
 * the record's), so that when the condition ends the same event (same key,
 * true start) is closed once; an open event whose state cannot be rebuilt
 * is closed where it was last seen (marked closed_by_restart). The
 * pipeline's clock starts at the store's last position. 0, or -1 (the
 * store's err says why); out says what came back. */
struct pipeline_restored {
    unsigned events, events_rebuilt; /* open events read; rebuilt (the rest closed) */
    unsigned records;                /* detector checkpoint records taken back */
    unsigned entities;               /* put back into the live picture */
    unsigned seeded;                 /* vessels given to the detectors from the picture alone */
};
int pipeline_restore(struct pipeline *p, struct store *st, struct pipeline_restored *out);

#endif

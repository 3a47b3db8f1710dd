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
/* The held positions (the last fix of each track, when thinning), for the
 * end of the input. Returns 0 or -1 (the store failed; its err says why). */
int store_sink_finish(struct store_sink *k);
/* Writes that failed so far. */
uint64_t store_sink_failures(const struct store_sink *k);
void store_sink_free(struct store_sink *k);

/* After a restart on the same store: every event the store holds open is
 * handed to the detectors (det_restore), which rebuild the state behind it,
 * so that when the condition ends the same event (same key, true start) is
 * closed once; an open event whose state cannot be rebuilt is closed where
 * it was last seen (marked closed_by_restart). Call once the sinks are in
 * and before the first message. Returns the number of open events read, or
 * -1 (the store's err says why); *restored gets how many were rebuilt. */
int pipeline_restore(struct pipeline *p, struct store *st, unsigned *restored);

#endif

/* publish.h: `run --publish nats://...`, a pipeline sink that sends every
 * validated message naming an entity (pipeline.h, struct pipeline_message)
 * to JetStream as an observation (obs.h) on atalaya.obs.<shard>, with
 * asynchronous publishes and at most max_inflight of them unacknowledged.
 *
 * Nothing taken is lost while the disk holds (spool.h):
 *   - link up, spool read to its end: published at once; when
 *     max_inflight are unacknowledged, the pipeline waits for acks;
 *   - link down (not connected, an ack overdue past ack_timeout_ms, a
 *     refused publish): what was in flight and not acknowledged goes to the
 *     spool, in the order taken, and so does every message after it;
 *   - link back (tried again 1 s after a failure): the spool is sent in
 *     order; new messages join its end until it has been read out, so the
 *     stream keeps each receiver's order.
 * Records sent again (in flight when the link died, or left by a process
 * killed before their acks came) keep their Nats-Msg-Id, so the stream's
 * duplicate window drops the copies that had arrived.
 *
 * libnats calls the ack handler on its own thread: it only queues the
 * result; everything else runs on the caller's thread, in the sink and in
 * publish_tick, which the caller's loop calls every few tens of ms. */
#ifndef ATALAYA_STREAM_PUBLISH_H
#define ATALAYA_STREAM_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pipeline_sink;

#define PUBLISH_SPOOL_MAX_DEFAULT (1ull << 30)
#define PUBLISH_INFLIGHT_DEFAULT 4096
#define PUBLISH_ACK_TIMEOUT_DEFAULT 5000

struct publish_config {
    const char *url;        /* nats://... (link.h) */
    const char *receiver;   /* the id on the wire; NULL: the host name (made valid) */
    const char *spool_dir;  /* NULL: publish_default_spool */
    uint64_t spool_max;     /* bytes; 0: PUBLISH_SPOOL_MAX_DEFAULT */
    unsigned max_inflight;  /* 0: PUBLISH_INFLIGHT_DEFAULT */
    int ack_timeout_ms;     /* 0: PUBLISH_ACK_TIMEOUT_DEFAULT */
    const char *who;        /* prefix of messages ("atalaya run") */
};

struct publish_stats {
    uint64_t taken;        /* messages handed to the stream or the spool */
    uint64_t skipped;      /* validated messages naming no entity (or without their raw bytes): not sent */
    uint64_t published;    /* publishes, sends from the spool and again after a failure included */
    uint64_t acknowledged; /* acks from JetStream */
    uint64_t duplicates;   /* ... of which for a message the stream already held */
    uint64_t spooled;      /* records written to the spool (in flight when the link died included) */
    uint64_t drained;      /* spool records acknowledged */
    uint64_t found;        /* spool records left by an earlier run, found at start */
    uint64_t dropped;      /* lost: the spool full (oldest dropped) or not writable */
    uint64_t rejected;     /* refused by the stream for what they are (larger than it takes): dropped */
    uint64_t torn;         /* torn or corrupt spool ends cut off */
    uint64_t outages;      /* times the link was found down (lost, overdue acks, refused) */
    uint64_t spool_records, spool_bytes; /* held now */
    bool connected;
};

/* The receiver id from the host name: [A-Za-z0-9_-], other bytes as '-'. */
void publish_default_receiver(char *out, size_t n);
/* $STATE_DIRECTORY/spool/RECEIVER (systemd's StateDirectory=), else
 * $XDG_STATE_HOME/atalaya/spool/RECEIVER, else ~/.local/state/..., else
 * ./atalaya-spool-RECEIVER. */
void publish_default_spool(char *out, size_t n, const char *receiver);

struct publish;
/* Parses the URL, opens the spool (sending what an earlier run left is the
 * first thing done once connected) and tries to connect once; a server not
 * reachable yet is tried again in the background every second meanwhile.
 * Returns NULL with err filled on a bad URL, receiver or spool. */
struct publish *publish_open(const struct publish_config *c, char *err, size_t errn);
/* The sink to add to the pipeline (its ctx is pb). */
void publish_sink(struct publish *pb, struct pipeline_sink *s);
/* Acks, overdue acks, link state, draining, spool syncs. */
void publish_tick(struct publish *pb);
/* Waits up to wait_ms for everything taken (and spooled) to be
 * acknowledged; returns true when it was. */
bool publish_flush(struct publish *pb, int wait_ms);
void publish_get_stats(struct publish *pb, struct publish_stats *out);
/* One line of counters. */
void publish_print_stats(struct publish *pb, FILE *f);
/* What is not acknowledged stays in the spool (synced) for the next run. */
void publish_close(struct publish *pb);

#endif

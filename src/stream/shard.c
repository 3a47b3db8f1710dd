/* shard.c: one held shard (shard.h): stream messages through the reorder
 * buffer into the shard's pipeline, the shard's mark and acknowledgements
 * (worker.h says why this gives each row once). */
#include "stream/shard.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nats/nats.h>

#include "common/xmalloc.h"
#include "pipeline/store_sink.h"
#include "store/store.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/pull.h"
#include "stream/reorder.h"
#include "stream/worker.h"

/* A pause in the stream as long as the reorder window, between these
 * bounds, releases the reorder buffer (reorder.h); an idle worker releases
 * it itself once the pause is that plus the margin old by its own clock
 * (the server's may differ by as much). As long as the window, so that a
 * short outage of nats-server (the receivers send what they held when it
 * is back) is not taken for a pause; at most 10 s, so that a quiet shard's
 * last messages wait no longer. */
#define GAP_MIN_MS 2000
#define GAP_MAX_MS 10000
#define CLOCK_MARGIN_MS 1000
#define HOLD_MAX 200000    /* messages the reorder buffer may hold */
#define FETCH_BATCH 512
#define COMMIT_EVERY_MS 1000

struct src {
    char receiver[OBS_RECEIVER_MAX];
    enum obs_source kind;
    struct pipeline_source *s;
};

struct shard {
    unsigned n;
    const struct stream_worker_config *cfg;
    struct stream_link *l;
    struct pull *pull;
    char durable[32], subject[64];
    struct store *st;
    struct pipeline p;
    bool p_open;
    struct store_sink *sink;
    struct reorder ro;
    struct src *srcs;
    size_t nsrcs;
    struct pending {
        natsMsg *m;
        uint64_t seq;
        /* A copy sent again (after a server restart, or an ack it lost):
         * acknowledged on its own after the commit, since a cumulative
         * acknowledgement covers deliveries up to its own delivery number
         * and a copy is numbered after it. Unacknowledged, it would be sent
         * again at every AckWait, for ever. */
        bool copy;
    } *pend; /* fed, to acknowledge after the commit of their rows */
    size_t npend, cappend;
    /* The highest sequence fed, kept until an acknowledgement covers it:
     * acknowledgements are cumulative (AckAll), one per commit. */
    natsMsg *hi;
    uint64_t hi_seq, acked;
    uint64_t last_seq;   /* highest stream sequence taken: a lower one is a redelivery */
    /* The highest delivery number the consumer gave: it numbers every
     * delivery (redeliveries too) one up, so a number not above it means
     * the server went back to an older state of the consumer (killed
     * before writing it down, then started again; consumer_renew). */
    uint64_t dseq_hi;
    bool skipping;       /* replaying up to the mark */
    uint64_t skip_seq, skip_rows;
    int64_t last_commit_ms;
    struct shard_stats stats;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum pipeline_format format_of(enum obs_source k)
{
    switch (k) {
    case OBS_BEAST: return PL_BEAST;
    case OBS_AVR: return PL_AVR;
    case OBS_SBS: return PL_SBS;
    default: return PL_NMEA;
    }
}

/* One pipeline source per receiver and kind: the duplicate filter tells
 * receivers apart by source (or by the tag block's station), and a framer
 * keeps its state per source. */
static struct pipeline_source *source_for(struct shard *sh, const char *receiver, enum obs_source kind)
{
    for (size_t i = 0; i < sh->nsrcs; i++)
        if (sh->srcs[i].kind == kind && !strcmp(sh->srcs[i].receiver, receiver))
            return sh->srcs[i].s;
    sh->srcs = xrealloc(sh->srcs, (sh->nsrcs + 1) * sizeof *sh->srcs);
    struct src *s = &sh->srcs[sh->nsrcs++];
    snprintf(s->receiver, sizeof s->receiver, "%s", receiver);
    s->kind = kind;
    s->s = pipeline_source_new(&sh->p, format_of(kind), receiver, false);
    return s->s;
}

static void pend_add(struct shard *sh, natsMsg *m, uint64_t seq, bool copy)
{
    if (sh->npend == sh->cappend) {
        sh->cappend = sh->cappend ? 2 * sh->cappend : 1024;
        sh->pend = xrealloc(sh->pend, sh->cappend * sizeof *sh->pend);
    }
    sh->pend[sh->npend++] = (struct pending){m, seq, copy};
}

/* A message the reorder buffer lets go: into the pipeline, its rows marked
 * with its stream sequence; up to the mark, what is stored already is not
 * written again. */
static void on_release(void *ctx, const struct reorder_item *it)
{
    struct shard *sh = ctx;
    natsMsg *m = it->msg;
    const char *src = NULL;
    natsMsgHeader_Get(m, OBS_H_SOURCE, &src);
    enum obs_source kind = src ? obs_source_parse(src) : 0;
    bool at_mark = sh->skipping && it->seq == sh->skip_seq;
    if (sh->skipping)
        store_input_skip(sh->st, (int64_t)it->seq, at_mark ? sh->skip_rows : UINT64_MAX);
    if (kind && !sh->p.stop) {
        struct pipeline_source *s = source_for(sh, it->receiver, kind);
        sh->p.in_pos = (int64_t)it->seq;
        pipeline_source_set_time(s, it->t_ms);
        pipeline_source_feed(s, (const uint8_t *)natsMsg_GetData(m), (size_t)natsMsg_GetDataLength(m), it->t_ms);
    }
    if (at_mark) {
        sh->skipping = false;
        store_input_skip(sh->st, 0, 0);
    }
    pend_add(sh, m, it->seq, false);
}

static void drop_held(void *ctx, const struct reorder_item *it)
{
    (void)ctx;
    natsMsg_Destroy(it->msg);
}

static void stop_skipping(struct shard *sh, const char *why)
{
    if (!sh->cfg->quiet)
        fprintf(stderr, "atalaya ingest: shard %u: %s; stored rows may be offered again (the store's keys keep "
                        "them once)\n", sh->n, why);
    sh->skipping = false;
    store_input_skip(sh->st, 0, 0);
}

/* One message in stream order. A message without a valid time or receiver
 * is counted and acknowledged with the rest: it can never be read. False,
 * with m left to the caller and its delivery number in *dseq, when that
 * number shows the consumer went back (dseq_hi). */
static bool take(struct shard *sh, natsMsg *m, uint64_t *dseq)
{
    jsMsgMetaData *meta = NULL;
    if (natsMsg_GetMetaData(&meta, m) != NATS_OK) {
        sh->stats.bad++;
        natsMsg_Destroy(m);
        return true;
    }
    uint64_t seq = meta->Sequence.Stream;
    *dseq = meta->Sequence.Consumer;
    int64_t ts_ms = meta->Timestamp / 1000000;
    jsMsgMetaData_Destroy(meta);
    if (*dseq <= sh->dseq_hi)
        return false;
    sh->dseq_hi = *dseq;
    if (seq <= sh->last_seq) {
        sh->stats.redelivered++;
        pend_add(sh, m, seq, true);
        return true;
    }
    if (sh->skipping && sh->last_seq == 0 && seq > sh->skip_seq)
        stop_skipping(sh, "the stream no longer holds the last message stored (max-age passed)");
    sh->last_seq = seq;
    sh->stats.msgs++;
    const char *tv = NULL, *rcv = NULL;
    natsMsgHeader_Get(m, OBS_H_TIME, &tv);
    natsMsgHeader_Get(m, OBS_H_RECEIVER, &rcv);
    char *end = NULL;
    long long t = tv ? strtoll(tv, &end, 10) : 0;
    if (!tv || *end || t <= 0 || !rcv || !obs_receiver_ok(rcv)) {
        sh->stats.bad++;
        pend_add(sh, m, seq, false);
        return true;
    }
    struct reorder_item it = {.t_ms = t, .receiver = rcv, .seq = seq, .ts_ms = ts_ms, .msg = m};
    reorder_push(&sh->ro, &it, on_release, sh);
    return true;
}

/* The shard's consumer made again from the stream's sequence `from` (1:
 * the start). */
static int subscribe(struct shard *sh, uint64_t from, char *err, size_t errlen)
{
    /* Held messages wait for the reorder window and the commit; a copy
     * sent again meanwhile is dropped by its sequence and acknowledged after
     * the next commit. AckWait short, because a nats-server killed and
     * started again may hold deliveries whose acknowledgement it forgot as
     * pending: they come back after AckWait, and only then can they be
     * acknowledged. */
    char e[400];
    pull_close(sh->pull);
    sh->dseq_hi = 0;
    if (!(sh->pull = pull_open(sh->l, sh->durable, sh->subject, from, 30, 4 * HOLD_MAX, e, sizeof e))) {
        snprintf(err, errlen, "shard %u: %s", sh->n, e);
        return -1;
    }
    return 0;
}

/* The server numbers deliveries again from an older state of the consumer
 * (nats-server killed before writing it down): the deliveries it forgot come
 * again under numbers the shard already holds for others, and every reply
 * subject held (the messages fed or in the reorder buffer) is stale.
 * Acknowledged, such a reply sets the consumer's ack floor past what it has
 * delivered again (AckAll takes any sequence), and the deliveries below that
 * floor then stay pending for ever: the server ignores every ack at or below
 * its floor. So the consumer is made again, from the first sequence the shard
 * has not taken: its floor is the last one taken, a stale reply acknowledges
 * nothing, and the shard's state goes on as it is (what it holds is
 * committed as before; the mark keeps rows once). */
static int consumer_renew(struct shard *sh, uint64_t dseq, char *err, size_t errlen)
{
    if (!sh->cfg->quiet)
        fprintf(stderr,
                "atalaya ingest: shard %u: the consumer went back to an older state (delivery %" PRIu64
                " after %" PRIu64 "; nats-server restarted?); made again from stream sequence %" PRIu64 "\n",
                sh->n, dseq, sh->dseq_hi, sh->last_seq + 1);
    return subscribe(sh, sh->last_seq + 1, err, errlen);
}

int shard_step(struct shard *sh, char *err, size_t errlen)
{
    natsMsg *msgs[FETCH_BATCH];
    int got = pull_take(sh->pull, msgs, FETCH_BATCH);
    for (int i = 0; i < got; i++) {
        uint64_t dseq;
        if (!take(sh, msgs[i], &dseq)) {
            /* The rest are the old consumer's: the new one sends them again. */
            for (int k = i; k < got; k++)
                natsMsg_Destroy(msgs[k]);
            return consumer_renew(sh, dseq, err, errlen) != 0 ? -1 : i;
        }
    }
    if (got == 0 && sh->ro.n && wall_ms() - sh->ro.last_ts_ms >= sh->ro.gap_ms + CLOCK_MARGIN_MS)
        reorder_flush(&sh->ro, on_release, sh); /* a pause: a replay releases here too */
    if (got == 0 && sh->skipping && !sh->ro.n && sh->last_seq > sh->skip_seq)
        stop_skipping(sh, "the last message stored never came back (the stream was made again?)");
    if (sh->p.stop) {
        snprintf(err, errlen, "shard %u: store: %s", sh->n, sh->st->err);
        return -1;
    }
    return got;
}

bool shard_due(const struct shard *sh, int64_t now_ms)
{
    return sh->npend >= sh->cfg->commit_msgs || (sh->npend && now_ms - sh->last_commit_ms >= COMMIT_EVERY_MS);
}

int shard_commit(struct shard *sh, char *err, size_t errlen)
{
    if (store_flush(sh->st) != 0) {
        snprintf(err, errlen, "shard %u: commit: %s", sh->n, sh->st->err);
        return -1;
    }
    /* Every sequence below the lowest one still held is fed (or a copy
     * dropped), so committed: one cumulative acknowledgement covers it. */
    uint64_t lim = UINT64_MAX;
    for (size_t i = 0; i < sh->ro.n; i++)
        if (sh->ro.heap[i].seq < lim)
            lim = sh->ro.heap[i].seq;
    natsMsg *best = NULL;
    uint64_t best_seq = 0;
    for (size_t i = 0; i < sh->npend; i++) {
        struct pending *q = &sh->pend[i];
        if (q->copy)
            continue;
        if (q->seq > sh->hi_seq) {
            natsMsg_Destroy(sh->hi);
            sh->hi = q->m;
            sh->hi_seq = q->seq;
            q->m = NULL;
        } else if (q->seq < lim && q->seq > best_seq) {
            best = q->m;
            best_seq = q->seq;
        }
    }
    if (sh->hi && sh->hi_seq < lim) {
        best = sh->hi;
        best_seq = sh->hi_seq;
    }
    if (best && best_seq > sh->acked) {
        if (pull_ack(sh->pull, best))
            sh->acked = best_seq;
    }
    if (best == sh->hi && sh->hi) {
        natsMsg_Destroy(sh->hi);
        sh->hi = NULL;
    }
    for (size_t i = 0; i < sh->npend; i++) {
        if (sh->pend[i].copy) {
            if (pull_ack(sh->pull, sh->pend[i].m) && sh->pend[i].seq > sh->acked)
                sh->acked = sh->pend[i].seq;
        }
        natsMsg_Destroy(sh->pend[i].m);
    }
    sh->npend = 0;
    sh->last_commit_ms = mono_ms();
    return 0;
}

void shard_stats(const struct shard *sh, struct shard_stats *out)
{
    *out = sh->stats;
    out->rows = sh->st->rows;
    out->commits = sh->st->commits;
}

bool shard_is_global(const struct stream_link *l, unsigned n) { return n == l->url.shards; }

struct shard *shard_open(struct stream_link *l, const struct stream_worker_config *cfg, unsigned n, char *err,
                         size_t errlen)
{
    struct shard *sh = xcalloc(1, sizeof *sh);
    sh->n = n;
    sh->cfg = cfg;
    sh->l = l;
    int64_t gap = cfg->reorder_ms < GAP_MIN_MS ? GAP_MIN_MS : cfg->reorder_ms > GAP_MAX_MS ? GAP_MAX_MS : cfg->reorder_ms;
    reorder_init(&sh->ro, cfg->reorder_ms, gap, HOLD_MAX);
    char e[512];
    if (!(sh->st = store_open(cfg->store, e, sizeof e))) {
        snprintf(err, errlen, "shard %u: %s", n, e);
        shard_close(sh);
        return NULL;
    }
    /* The worker commits, after whole messages; acks follow the commit. */
    store_set_batch(sh->st, UINT_MAX, 0);
    /* The stream's creation time in the name: a stream made again under
     * the same name numbers its messages from 1 again, and a mark of the
     * old one must not make the worker skip the new one's rows. */
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    if (js_GetStreamInfo(&si, l->js, l->url.stream, NULL, &jerr) != NATS_OK) {
        const char *why = nats_GetLastError(NULL);
        snprintf(err, errlen, "shard %u: stream info: %s", n, why && *why ? why : "failed");
        shard_close(sh);
        return NULL;
    }
    char name[192];
    if (shard_is_global(l, n))
        snprintf(name, sizeof name, "nats://%s/%" PRId64 "/global", l->url.stream, si->Created);
    else
        snprintf(name, sizeof name, "nats://%s/%" PRId64 "/shard-%u", l->url.stream, si->Created, n);
    jsStreamInfo_Destroy(si);
    struct store_mark mark;
    int r = store_input_named(sh->st, name, &mark);
    if (r < 0) {
        snprintf(err, errlen, "shard %u: %s", n, sh->st->err);
        shard_close(sh);
        return NULL;
    }
    if (r == 1 && mark.offset > 0) {
        sh->skipping = true;
        sh->skip_seq = (uint64_t)mark.offset;
        sh->skip_rows = mark.rows;
    }
    struct pipeline_config pc = cfg->pc;
    struct ref_wl_set wls;
    if (cfg->wl_from_store && store_sink_watchlists(sh->st, &wls, &pc) != 0) {
        snprintf(err, errlen, "shard %u: watchlists: %s", n, sh->st->err);
        shard_close(sh);
        return NULL;
    }
    if (pipeline_open(&sh->p, &pc) != 0) {
        snprintf(err, errlen, "shard %u: the pipeline did not open", n);
        shard_close(sh);
        return NULL;
    }
    sh->p_open = true;
    sh->sink = store_sink_add(&sh->p, sh->st, cfg->all_positions, true);
    store_sink_scope(sh->sink, shard_is_global(l, n) ? STORE_SINK_GLOBAL : STORE_SINK_ENTITY);
    if (shard_is_global(l, n)) {
        snprintf(sh->subject, sizeof sh->subject, OBS_SUBJECTS);
        snprintf(sh->durable, sizeof sh->durable, "global");
    } else {
        obs_subject(sh->subject, sizeof sh->subject, n);
        snprintf(sh->durable, sizeof sh->durable, "shard-%u", n);
    }
    /* From the start: the state is rebuilt from what the stream holds. */
    if (subscribe(sh, 1, err, errlen) != 0) {
        shard_close(sh);
        return NULL;
    }
    sh->last_commit_ms = mono_ms();
    return sh;
}

void shard_close(struct shard *sh)
{
    if (!sh)
        return;
    pull_close(sh->pull);
    reorder_flush(&sh->ro, drop_held, NULL);
    reorder_free(&sh->ro);
    for (size_t i = 0; i < sh->npend; i++)
        natsMsg_Destroy(sh->pend[i].m);
    free(sh->pend);
    natsMsg_Destroy(sh->hi);
    /* Nothing more reaches the store: a line a source still holds is cut. */
    sh->p.stop = true;
    if (sh->p_open)
        pipeline_close(&sh->p);
    store_discard(sh->st);
    store_sink_free(sh->sink);
    free(sh->srcs);
    free(sh);
}

/* worker.c: the stream worker's loop (worker.h): shards opened as their
 * leases are taken, stepped, committed; dropped when a lease is lost,
 * handed back when above the fair share, all committed and released on a
 * clean stop. */
#include "stream/worker.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nats/nats.h>

#include "common/xmalloc.h"
#include "stream/lease.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/shard.h"

/* A commit starts only while the lease has this long to run: a lease
 * about to lapse must not write what the next holder writes again. */
#define COMMIT_MARGIN_MS 3000
/* The loop may wait this long on the store (it reconnects for 60 s) before
 * the lease thread stops renewing for it. */
#define STALL_MS 120000
#define REOPEN_MS 1000
#define REPORT_MS 10000

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct worker {
    const struct stream_worker_config *cfg;
    char name[OBS_RECEIVER_MAX];
    struct stream_link *l;
    struct lease *ls;
    unsigned n;
    struct shard **sh;
    int64_t *retry_ms;
    bool *failing; /* the last open failed (said once) */
    uint64_t msgs_closed, rows_closed; /* of shards already closed */
};

static void say(const struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct worker *w, const char *fmt, ...)
{
    if (w->cfg->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "atalaya ingest: worker %s: ", w->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void close_shard(struct worker *w, unsigned i, int64_t retry_at)
{
    struct shard_stats st;
    shard_stats(w->sh[i], &st);
    w->msgs_closed += st.msgs;
    w->rows_closed += st.rows;
    shard_close(w->sh[i]);
    w->sh[i] = NULL;
    w->retry_ms[i] = retry_at;
}

/* Commits when due and the lease allows; any failure drops the shard's
 * state, rebuilt from the stream at the next open. */
static void step_shard(struct worker *w, unsigned i, int64_t now, int *busy)
{
    char err[512];
    int got = shard_step(w->sh[i], err, sizeof err);
    if (got < 0) {
        say(w, "%s; rebuilding shard %u from the stream", err, i);
        close_shard(w, i, now + REOPEN_MS);
        return;
    }
    *busy += got;
    if (!shard_due(w->sh[i], now))
        return;
    if (!lease_held(w->ls, i, COMMIT_MARGIN_MS)) {
        say(w, "shard %u: lease about to lapse; dropped uncommitted", i);
        close_shard(w, i, now + REOPEN_MS);
        return;
    }
    if (shard_commit(w->sh[i], err, sizeof err) != 0) {
        say(w, "%s; rebuilding shard %u from the stream", err, i);
        close_shard(w, i, now + REOPEN_MS);
    }
}

/* Leases taken become open shards, lost ones are dropped, and one above the
 * fair share is committed and handed back. */
static void follow_leases(struct worker *w, int64_t now)
{
    char err[512];
    for (unsigned i = 0; i < w->n; i++) {
        bool held = lease_held(w->ls, i, 0);
        if (w->sh[i] && !held) {
            say(w, "shard %u: lease lost; dropped uncommitted", i);
            close_shard(w, i, now);
        } else if (!w->sh[i] && held && now >= w->retry_ms[i]) {
            if ((w->sh[i] = shard_open(w->l, w->cfg, i, err, sizeof err))) {
                say(w, "took shard %u", i);
                w->failing[i] = false;
            } else {
                if (!w->failing[i]) /* once until it opens */
                    say(w, "%s; trying again every second", err);
                w->failing[i] = true;
                w->retry_ms[i] = now + REOPEN_MS;
            }
        }
    }
    int s = lease_surplus(w->ls);
    if (s < 0)
        return;
    if (w->sh[s] && lease_held(w->ls, (unsigned)s, COMMIT_MARGIN_MS) &&
        shard_commit(w->sh[s], err, sizeof err) != 0)
        say(w, "%s", err);
    if (w->sh[s])
        close_shard(w, (unsigned)s, now);
    lease_release(w->ls, (unsigned)s);
    say(w, "handed shard %u back (more workers now)", (unsigned)s);
}

static void report(struct worker *w, int64_t elapsed_ms, uint64_t *last_msgs, int64_t *last_ms)
{
    uint64_t msgs = w->msgs_closed, rows = w->rows_closed;
    unsigned open = 0;
    for (unsigned i = 0; i < w->n; i++)
        if (w->sh[i]) {
            struct shard_stats st;
            shard_stats(w->sh[i], &st);
            msgs += st.msgs;
            rows += st.rows;
            open++;
        }
    double dt = (double)(elapsed_ms - *last_ms) / 1000.0;
    if (!w->cfg->quiet)
        fprintf(stderr,
                "atalaya ingest: worker %s: %u shards of %u (%u workers), %" PRIu64 " messages (%.0f/s), %" PRIu64
                " rows\n",
                w->name, open, w->n, lease_workers(w->ls), msgs, dt > 0 ? (double)(msgs - *last_msgs) / dt : 0.0,
                rows);
    *last_msgs = msgs;
    *last_ms = elapsed_ms;
}

int stream_worker_run(const struct stream_worker_config *cfg)
{
    struct worker w = {.cfg = cfg};
    if (cfg->worker)
        snprintf(w.name, sizeof w.name, "%s", cfg->worker);
    else {
        char host[64] = "worker";
        gethostname(host, sizeof host);
        host[sizeof host - 1] = 0;
        for (char *c = host; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-'))
                *c = '_';
        snprintf(w.name, sizeof w.name, "%.40s-%ld", host, (long)getpid());
    }
    if (!obs_receiver_ok(w.name)) {
        fprintf(stderr, "atalaya ingest: --worker: 1-63 of A-Z a-z 0-9 _ -\n");
        return 2;
    }
    struct stream_url u;
    char err[512];
    if (stream_url_parse(cfg->from, &u, err, sizeof err) != 0) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        return 2;
    }
    if (!(w.l = stream_link_open(&u, 30, err, sizeof err))) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        return 2;
    }
    w.n = u.shards + 1; /* the entity shards and the global stage (shard.h) */
    if (!(w.ls = lease_open(w.l, w.name, w.n, cfg->lease_ttl_ms, STALL_MS, err, sizeof err))) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        stream_link_close(w.l);
        return 2;
    }
    w.sh = xcalloc(w.n, sizeof *w.sh);
    w.retry_ms = xcalloc(w.n, sizeof *w.retry_ms);
    w.failing = xcalloc(w.n, sizeof *w.failing);
    int64_t t0 = mono_ms(), last_report = 0;
    uint64_t last_msgs = 0;
    while (!*cfg->stop) {
        int64_t now = mono_ms();
        lease_alive(w.ls);
        follow_leases(&w, now);
        int busy = 0;
        for (unsigned i = 0; i < w.n && !*cfg->stop; i++)
            if (w.sh[i])
                step_shard(&w, i, now, &busy);
        if (now - t0 - last_report >= REPORT_MS)
            report(&w, now - t0, &last_msgs, &last_report);
        if (!busy)
            nats_Sleep(20);
    }
    /* A clean stop: what was fed is committed and acknowledged while the
     * leases hold; the leases go back at once, so the others take over
     * without waiting for them to lapse. */
    for (unsigned i = 0; i < w.n; i++)
        if (w.sh[i] && lease_held(w.ls, i, COMMIT_MARGIN_MS) && shard_commit(w.sh[i], err, sizeof err) != 0)
            say(&w, "%s", err);
    report(&w, mono_ms() - t0, &last_msgs, &last_report);
    for (unsigned i = 0; i < w.n; i++)
        if (w.sh[i])
            close_shard(&w, i, 0);
    lease_close(w.ls);
    stream_link_close(w.l);
    free(w.sh);
    free(w.retry_ms);
    free(w.failing);
    return 0;
}

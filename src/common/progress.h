/* progress.h: one live progress line on stderr while a long job runs (done of
 * total, messages per second, time left), then one summary line; nothing at
 * all when stderr is not a terminal, so logs and pipes stay clean.
 *
 *   struct progress pr;
 *   progress_start(&pr, "ingest", PROGRESS_BYTES, total_bytes);
 *   for (...) progress_update(&pr, bytes_done, messages);   // any rate: cheap
 *   progress_end(&pr, bytes_done, messages);
 *
 * progress_update costs a counter increment; every 256th call reads the
 * monotonic clock and redraws when 250 ms have passed since the last line. */
#ifndef ATALAYA_COMMON_PROGRESS_H
#define ATALAYA_COMMON_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum progress_unit {
    PROGRESS_BYTES, /* done/total in bytes, shown in MB */
    PROGRESS_MS,    /* done/total in milliseconds (of a recording or a scenario), shown in hours */
};

struct progress {
    bool on;                 /* stderr is a terminal */
    const char *what;        /* "ingest", "simulate" */
    enum progress_unit unit;
    uint64_t total;          /* 0: unknown (no share, no time left) */
    uint64_t done, messages; /* as of the last update */
    unsigned calls;
    int64_t start_ns, last_ns;
    FILE *out;               /* stderr */
};

void progress_start(struct progress *p, const char *what, enum progress_unit unit, uint64_t total);
/* The slow half of progress_update: redraws when a quarter second has passed. */
void progress_tick(struct progress *p);

static inline void progress_update(struct progress *p, uint64_t done, uint64_t messages)
{
    if (!p->on)
        return;
    p->done = done;
    p->messages = messages;
    if ((++p->calls & 255u) == 0)
        progress_tick(p);
}

/* Replaces the live line with the summary: done, messages, time, rate. */
void progress_end(struct progress *p, uint64_t done, uint64_t messages);

#endif

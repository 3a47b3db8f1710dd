/* pipeline_internal.h: what pipeline.c and source.c share. Not a public header. */
#ifndef ATALAYA_PIPELINE_INTERNAL_H
#define ATALAYA_PIPELINE_INTERNAL_H

#include "common/input.h"
#include "modes/framer.h"
#include "net/rxclock.h"
#include "pipeline/pipeline.h"

struct ais_ctx;
struct aisd;
struct modes_demod;

struct pipeline_source {
    struct pipeline *p;
    enum pipeline_format fmt;
    int id;                 /* duplicate filter: which receiver */
    char name[32];          /* receiver name for the detectors ("" unknown) */
    bool live;
    struct modes_framer fr; /* Beast, AVR */
    struct modes_demod *demod; /* I/Q */
    struct aisd *aisd;      /* AIS I/Q */
    unsigned ais_seq;       /* its sentences' sequential message ids */
    struct ais_ctx *ais;    /* NMEA: the connection's own, or the recordings' shared one */
    bool owns_ais;
    char line[IN_MAX_LINE + 1]; /* a line cut by the end of a chunk */
    size_t len;
    bool overlong;
    struct net_rxclock clock; /* Mode S event time from a live receiver's counter */
    int64_t arrival_ms;     /* of the bytes in hand (live) */
    int64_t last_ms;        /* latest event time from this source */
    int64_t given_ms;       /* pipeline_source_set_time: every message's time (0: its own) */
    void *owner;            /* the caller's */
    struct pipeline_source *next;
};

/* One framed message into the pipeline (pipeline.c). */
void pl_nmea_line(struct pipeline_source *s, const char *line, size_t len, bool overlong);
void pl_sbs_line(struct pipeline_source *s, const char *line, size_t len, bool overlong);
void pl_frame(void *ctx, struct modes_frame *f); /* modes_frame_cb; ctx: the source */
/* A closing source's AIS counters, kept for pipeline_ais_stats. */
void pl_source_retire_stats(struct pipeline *p, const struct ais_ctx *ais);

#endif

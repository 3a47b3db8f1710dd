/* det_feed.h: what the detector unit tests share: synthetic vessel positions
 * as tracker updates, a sink that keeps every event raised, and a scenario
 * table: steps (a position, a clock tick, the end of input) and the events
 * expected from them. Times are minutes from T0. No reference data: every
 * place counts as far from shore and from ports. */
#ifndef ATALAYA_TEST_DET_FEED_H
#define ATALAYA_TEST_DET_FEED_H

#include <stdio.h>
#include <string.h>

#include "ais/ais.h"
#include "detect/detect.h"
#include "detect/event.h"
#include "track/track.h"

#define T0 1768176000000LL /* 2026-01-12T00:00:00Z */
#define MIN 60000LL
#define LOG_MAX 256

/* Every event raised, whole (event_copy). */
struct evlog {
    struct event e[LOG_MAX];
    int n;
};

static void log_sink(void *ctx, const struct event *e)
{
    struct evlog *l = ctx;
    if (l->n < LOG_MAX)
        event_copy(&l->e[l->n], e);
    l->n++;
}

static int log_count(const struct evlog *l, const char *kind, int state)
{
    int n = 0;
    for (int i = 0; i < l->n && i < LOG_MAX; i++)
        n += !strcmp(l->e[i].kind, kind) && (state < 0 || l->e[i].state == state);
    return n;
}

/* The last event of a kind in a state (-1: any), or NULL. */
static const struct event *log_last(const struct evlog *l, const char *kind, int state)
{
    for (int i = (l->n < LOG_MAX ? l->n : LOG_MAX) - 1; i >= 0; i--)
        if (!strcmp(l->e[i].kind, kind) && (state < 0 || l->e[i].state == state))
            return &l->e[i];
    return NULL;
}

static const struct event *log_first(const struct evlog *l, const char *kind, int state)
{
    for (int i = 0; i < l->n && i < LOG_MAX; i++)
        if (!strcmp(l->e[i].kind, kind) && (state < 0 || l->e[i].state == state))
            return &l->e[i];
    return NULL;
}

/* One position report of a Class A vessel: kn < 0 carries no speed. */
static void feed_pos(struct det *d, uint32_t mmsi, double minutes, double lat, double lon, double kn)
{
    static struct trk_vessel v;
    int64_t t = T0 + (int64_t)(minutes * MIN);
    memset(&v, 0, sizeof v);
    v.mmsi = mmsi;
    v.station = AIS_STATION_CLASS_A;
    v.lat = lat;
    v.lon = lon;
    v.v_pos = (struct trk_valid){t, TRK_SRC_AIS_A};
    if (kn >= 0) {
        v.sog_dkn = (uint16_t)(kn * 10 + 0.5);
        v.v_sog = (struct trk_valid){t, TRK_SRC_AIS_A};
    }
    snprintf(v.name, sizeof v.name, "TEST %u", mmsi % 1000);
    struct trk_update u = {.kind = TRK_VESSEL, .flags = TRK_U_POS, .t_ms = t, .e.vessel = &v};
    char ev[64];
    int n = snprintf(ev, sizeof ev, "!AIVDM,test,%u,%lld", mmsi, (long long)(t / 1000));
    det_on_update(d, &u, "rx", ev, (size_t)n);
}

/* A scenario step. */
enum step_kind { S_END = 0, S_POS, S_TICK, S_FINISH };
struct step {
    enum step_kind kind;
    double from, to, every; /* minutes: one step, or a run of them [from, to] every `every` */
    uint32_t mmsi;
    double lat, lon, dlat, kn; /* dlat: degrees moved per minute */
};

/* Positions of one vessel from..to every `every` minutes, drifting dlat a minute. */
#define POS(m, a, b, e, la, lo, dl, k) {S_POS, a, b, e, m, la, lo, dl, k}
#define TICK(a, b, e) {S_TICK, a, b, e, 0, 0, 0, 0, 0}
#define FINISH {S_FINISH, 0, 0, 0, 0, 0, 0, 0, 0}

/* Runs the steps in time order (the runs of one step are interleaved with
 * the next steps' by time, as a feed would mix them). */
static inline void run_steps(struct det *d, const struct step *steps)
{
    size_t n = 0;
    while (steps[n].kind != S_END)
        n++;
    double next[32];
    for (size_t i = 0; i < n && i < 32; i++)
        next[i] = steps[i].from;
    for (;;) {
        int best = -1;
        for (size_t i = 0; i < n && i < 32; i++)
            if (steps[i].kind != S_FINISH && next[i] <= steps[i].to + 1e-9 && (best < 0 || next[i] < next[best]))
                best = (int)i;
        if (best < 0)
            break;
        const struct step *s = &steps[best];
        double m = next[best];
        if (s->kind == S_POS)
            feed_pos(d, s->mmsi, m, s->lat + s->dlat * (m - s->from), s->lon, s->kn);
        else
            det_tick(d, T0 + (int64_t)(m * MIN));
        next[best] = s->every > 0 ? m + s->every : s->to + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (steps[i].kind == S_FINISH)
            det_finish(d);
}

/* What a case expects of one kind of event: how many were raised open and
 * closed, and the closed one's span (minutes; < 0: not checked). */
struct expect {
    const char *kind;
    int open, closed;
    double t0, t1;
};

/* Checks a case's log: the counts, the closed event's span, and that every
 * event of the kind names the same occurrence (one key, one start). */
static inline int check_case(const char *name, const struct evlog *l, const struct expect *x)
{
    int bad = 0;
    int open = log_count(l, x->kind, EVENT_OPEN), closed = log_count(l, x->kind, EVENT_CLOSED);
    if ((x->open >= 0 && open != x->open) || (x->open < 0 && open < -x->open) || closed != x->closed) {
        fprintf(stderr, "# %s: %s open %d closed %d (want %s%d, %d)\n", name, x->kind, open, closed,
                x->open < 0 ? ">=" : "", x->open < 0 ? -x->open : x->open, x->closed);
        bad++;
    }
    const struct event *c = log_last(l, x->kind, EVENT_CLOSED), *o = log_first(l, x->kind, EVENT_OPEN);
    if (c && x->t0 >= 0 && (c->t_start_ms != T0 + (int64_t)(x->t0 * MIN) || c->t_end_ms != T0 + (int64_t)(x->t1 * MIN))) {
        fprintf(stderr, "# %s: %s closed %.1f..%.1f min (want %.1f..%.1f)\n", name, x->kind,
                (double)(c->t_start_ms - T0) / MIN, (double)(c->t_end_ms - T0) / MIN, x->t0, x->t1);
        bad++;
    }
    for (int i = 0; o && i < l->n && i < LOG_MAX; i++)
        if (!strcmp(l->e[i].kind, x->kind) && (l->e[i].key != o->key || l->e[i].t_start_ms != o->t_start_ms)) {
            fprintf(stderr, "# %s: %s event %d has another key or start\n", name, x->kind, i);
            bad++;
            break;
        }
    return bad;
}

#endif

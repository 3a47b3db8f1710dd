/* store_sink.c: tracker updates and event lines into the store
 * (store_sink.h). */
#include <inttypes.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/watch.h"
#include "pipeline/store_sink.h"
#include "store/store.h"
#include "store/thin.h"
#include "track/track.h"

struct store_sink {
    struct pipeline *p;
    struct store *st;
    struct thinner *thin; /* NULL: every accepted position is stored */
    bool stop_on_error;
    uint64_t failures;
};

static const char *source_name(uint8_t s)
{
    static const char *const names[] = {"", "sbs", "modes", "tisb", "adsr", "adsb", "ais_other", "ais_b", "ais_a"};
    return s < sizeof names / sizeof names[0] && names[s][0] ? names[s] : NULL;
}

/* One write's outcome: a failure stops the pipeline or is counted and
 * reported (the first, then every 1000th), by policy. */
static void check(struct store_sink *k, int rc)
{
    if (rc == 0)
        return;
    k->failures++;
    if (k->stop_on_error)
        k->p->stop = true;
    else if (k->failures == 1 || k->failures % 1000 == 0)
        fprintf(stderr, "%s: store write failed (%" PRIu64 " so far): %s\n", k->p->who, k->failures, k->st->err);
}

static void put_position(struct store_sink *k, const struct store_position *p)
{
    if (!k->thin) {
        check(k, store_put_position(k->st, p));
        return;
    }
    struct store_position out[2];
    int n = thin_offer(k->thin, p, out);
    for (int i = 0; i < n; i++)
        check(k, store_put_position(k->st, &out[i]));
}

static int put_held(void *ctx, const struct store_position *p)
{
    struct store_sink *k = ctx;
    int rc = store_put_position(k->st, p);
    check(k, rc);
    return rc != 0 && k->stop_on_error;
}

static void put_id(struct store_sink *k, uint8_t kind, uint32_t id, const char *field, const char *value, int64_t t)
{
    if (value[0])
        check(k, store_put_identity(k->st, kind, id, field, value, t) < 0);
}

static void store_vessel(struct store_sink *k, const struct trk_update *u)
{
    const struct trk_vessel *v = u->e.vessel;
    if (u->flags & TRK_U_POS) {
        struct store_position p = {
            .kind = STORE_VESSEL, .id = v->mmsi, .t_ms = u->t_ms, .lat = v->lat, .lon = v->lon, .alt_ft = NAN,
            .speed_kt = v->v_sog.t_ms && v->sog_dkn < 1023 ? v->sog_dkn / 10.0 : NAN,
            .course_deg = v->v_cog.t_ms && v->cog_ddeg < 3600 ? v->cog_ddeg / 10.0 : NAN,
            .source = source_name(v->v_pos.source),
        };
        put_position(k, &p);
    }
    if (!(u->flags & (TRK_U_NEW | TRK_U_STATIC | TRK_U_IDENTITY)))
        return;
    char num[16];
    put_id(k, STORE_VESSEL, v->mmsi, "name", v->name, u->t_ms);
    put_id(k, STORE_VESSEL, v->mmsi, "callsign", v->callsign, u->t_ms);
    snprintf(num, sizeof num, "%" PRIu32, v->imo);
    put_id(k, STORE_VESSEL, v->mmsi, "imo", v->imo ? num : "", u->t_ms);
    snprintf(num, sizeof num, "%u", v->shiptype);
    put_id(k, STORE_VESSEL, v->mmsi, "shiptype", v->shiptype ? num : "", u->t_ms);
    put_id(k, STORE_VESSEL, v->mmsi, "flag", v->flag, u->t_ms);
}

static void store_aircraft(struct store_sink *k, const struct trk_update *u)
{
    const struct trk_aircraft *a = u->e.aircraft;
    if (u->flags & TRK_U_POS) {
        struct store_position p = {
            .kind = STORE_AIRCRAFT, .id = a->icao & 0xFFFFFFu, .t_ms = u->t_ms, .lat = a->lat, .lon = a->lon,
            .alt_ft = a->v_alt_baro.t_ms ? a->alt_baro_ft : NAN,
            .speed_kt = a->v_gs.t_ms ? a->gs_kt : NAN,
            .course_deg = a->v_track.t_ms ? a->track_deg : NAN,
            .source = source_name(a->v_pos.source),
        };
        put_position(k, &p);
    }
    if (!(u->flags & (TRK_U_NEW | TRK_U_STATIC | TRK_U_IDENTITY)))
        return;
    uint32_t id = a->icao & 0xFFFFFFu;
    put_id(k, STORE_AIRCRAFT, id, "callsign", a->callsign, u->t_ms);
    put_id(k, STORE_AIRCRAFT, id, "registration", a->registration, u->t_ms);
    put_id(k, STORE_AIRCRAFT, id, "type", a->type_code, u->t_ms);
    put_id(k, STORE_AIRCRAFT, id, "country", a->country, u->t_ms);
}

static void on_update(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    (void)evidence;
    (void)evidence_len;
    struct store_sink *k = ctx;
    /* Resumable ingest: the rows of the line in hand (store_input_at). */
    store_input_at(k->st, k->p->in_pos);
    if (u->kind == TRK_VESSEL)
        store_vessel(k, u);
    else
        store_aircraft(k, u);
}

static void on_event(void *ctx, const struct event *e)
{
    struct store_sink *k = ctx;
    store_input_at(k->st, k->p->in_pos);
    check(k, store_put_event(k->st, e));
}

struct store_sink *store_sink_add(struct pipeline *p, struct store *st, bool all_positions, bool stop_on_error)
{
    struct store_sink *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    k->p = p;
    k->st = st;
    k->stop_on_error = stop_on_error;
    if (!all_positions)
        k->thin = thin_new(NULL);
    struct pipeline_sink s = {.ctx = k, .update = on_update, .event = on_event};
    if (pipeline_add_sink(p, &s) != 0) {
        store_sink_free(k);
        return NULL;
    }
    return k;
}

int store_sink_finish(struct store_sink *k)
{
    uint64_t before = k->failures;
    store_input_at(k->st, k->p->in_pos);
    if (k->thin)
        thin_flush(k->thin, put_held, k);
    return k->failures > before ? -1 : 0;
}

uint64_t store_sink_failures(const struct store_sink *k) { return k->failures; }

void store_sink_free(struct store_sink *k)
{
    if (!k)
        return;
    thin_free(k->thin);
    free(k);
}

struct restore {
    struct pipeline *p;
    struct store *st;
    unsigned read, restored;
};

static int restore_one(void *ctx, const struct event *e)
{
    struct restore *r = ctx;
    r->read++;
    if (r->p->det && det_restore(r->p->det, e) == 0)
        r->restored++;
    return 0;
}

struct latest {
    int64_t t_ms;
};

static int on_latest(void *ctx, const struct store_position *pos)
{
    struct latest *l = ctx;
    if (pos->t_ms > l->t_ms)
        l->t_ms = pos->t_ms;
    return 0;
}

/* Each entity an alert was raised for, last heard when the store last
 * heard it: hearing it again soon after the restart is no new sighting. */
static int seen_one(void *ctx, const struct store_alert *a)
{
    struct restore *r = ctx;
    struct latest l = {a->t_ms};
    r->st->ops->query_latest(r->st, a->kind, a->id, INT64_MAX, on_latest, &l);
    watch_note_seen(r->p->watch, a->kind, a->id, l.t_ms);
    return 0;
}

int pipeline_restore(struct pipeline *p, struct store *st, unsigned *restored)
{
    struct restore r = {.p = p, .st = st};
    *restored = 0;
    struct store_alert_filter af = {0};
    if (st->ops->query_alerts(st, &af, seen_one, &r) != 0)
        return -1;
    if (!p->det)
        return 0; /* nothing to restore into: the events stay open in the store */
    if (store_query_open_events(st, restore_one, &r) != 0)
        return -1;
    *restored = r.restored;
    return (int)r.read;
}

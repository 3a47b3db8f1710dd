/* store_sink.c: tracker updates and event lines into the store
 * (store_sink.h). */
#include <inttypes.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/watch.h"
#include "pipeline/store_sink.h"
#include "ref/watchlist.h"
#include "store/store.h"
#include "store/thin.h"
#include "track/track.h"

struct store_sink {
    struct pipeline *p;
    struct store *st;
    struct thinner *thin; /* NULL: every accepted position is stored */
    bool stop_on_error;
    enum store_sink_scope scope;
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
    if (k->scope == STORE_SINK_GLOBAL)
        return;
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
    if (k->scope != STORE_SINK_ALL && det_kind_global(e->kind) != (k->scope == STORE_SINK_GLOBAL))
        return;
    store_input_at(k->st, k->p->in_pos);
    check(k, store_put_event(k->st, e));
}

void store_sink_scope(struct store_sink *k, enum store_sink_scope scope) { k->scope = scope; }

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

int store_sink_watchlists(struct store *st, struct ref_wl_set *set, struct pipeline_config *pc)
{
    ref_wl_set_init(set);
    if (st->ops->watchlist_load(st, set) != 0) {
        ref_wl_set_free(set);
        return -1;
    }
    pc->wl_set = set;
    return 0;
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

/* ---- restart continuity ---- */

static int put_state(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct store *st = ctx;
    return st->ops->put_state(st, kind, id, t_ms, state);
}

/* In the transaction store_flush is about to commit: the detectors' state
 * changed since the last one, with the rows it goes with. */
static int checkpoint(void *ctx, struct store *st)
{
    struct store_sink *k = ctx;
    return det_checkpoint(k->p->det, put_state, st) < 0 ? -1 : 0;
}

void store_sink_checkpoint(struct store_sink *k)
{
    if (!k->p->det)
        return;
    det_checkpoint_enable(k->p->det);
    k->st->before_commit = checkpoint;
    k->st->before_commit_ctx = k;
}

struct restore {
    struct pipeline *p;
    struct store *st;
    struct pipeline_restored *out;
    struct store_position *pos; /* the picture at the store's last time */
    char (*src)[16];
    size_t npos, cappos;
};

static int restore_one(void *ctx, const struct event *e)
{
    struct restore *r = ctx;
    r->out->events++;
    if (r->p->det && det_restore(r->p->det, e) == 0)
        r->out->events_rebuilt++;
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

static int picture_one(void *ctx, const struct store_position *p)
{
    struct restore *r = ctx;
    if (r->npos == r->cappos) {
        r->cappos = r->cappos ? 2 * r->cappos : 256;
        r->pos = realloc(r->pos, r->cappos * sizeof *r->pos);
        r->src = realloc(r->src, r->cappos * sizeof *r->src);
        if (!r->pos || !r->src)
            abort();
    }
    r->pos[r->npos] = *p;
    snprintf(r->src[r->npos], sizeof r->src[r->npos], "%s", p->source ? p->source : "");
    r->pos[r->npos].source = NULL;
    r->npos++;
    return 0;
}

/* An entity's identity at the picture's time: the first row of each field. */
struct ident {
    char name[40], callsign[16], registration[24], type[16], imo[16], shiptype[8];
};

static int ident_one(void *ctx, const struct store_identity *i)
{
    struct ident *d = ctx;
    struct { const char *field; char *dst; size_t cap; } f[] = {
        {"name", d->name, sizeof d->name}, {"callsign", d->callsign, sizeof d->callsign},
        {"registration", d->registration, sizeof d->registration}, {"type", d->type, sizeof d->type},
        {"imo", d->imo, sizeof d->imo}, {"shiptype", d->shiptype, sizeof d->shiptype},
    };
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        if (!strcmp(i->field, f[k].field) && !f[k].dst[0])
            snprintf(f[k].dst, f[k].cap, "%s", i->value);
    return 0;
}

static uint8_t source_of(const char *name)
{
    static const char *const names[] = {"", "sbs", "modes", "tisb", "adsr", "adsb", "ais_other", "ais_b", "ais_a"};
    for (uint8_t s = 1; s < sizeof names / sizeof names[0]; s++)
        if (!strcmp(name, names[s]))
            return s;
    return 0;
}

/* The live picture at the store's last position: every entity within its
 * tracker TTL, with its identity then, into the tracker; and each vessel
 * that no checkpoint record covers into the detectors as last heard there. */
static int restore_picture(struct restore *r)
{
    struct store *st = r->st;
    struct pipeline *p = r->p;
    int64_t from, to;
    if (st->ops->timespan(st, &from, &to) != 0)
        return -1;
    if (!to)
        return 0;
    if (to > p->now_ms)
        p->now_ms = to; /* the clock the restart carries on from */
    if (st->ops->query_picture(st, to, trk_ttl_ms(p->trk, TRK_VESSEL), trk_ttl_ms(p->trk, TRK_AIRCRAFT),
                               picture_one, r) != 0)
        return -1;
    for (size_t i = 0; i < r->npos; i++) {
        const struct store_position *q = &r->pos[i];
        struct ident id;
        memset(&id, 0, sizeof id);
        if (st->ops->query_identity_at(st, q->kind, q->id, q->t_ms, ident_one, &id) != 0)
            return -1;
        struct trk_restore tr = {
            .kind = q->kind, .id = q->id, .t_ms = q->t_ms, .lat = q->lat, .lon = q->lon, .alt_ft = q->alt_ft,
            .speed_kt = q->speed_kt, .course_deg = q->course_deg, .source = source_of(r->src[i]),
            .name = id.name, .callsign = id.callsign, .registration = id.registration, .type_code = id.type,
            .imo = (uint32_t)strtoul(id.imo, NULL, 10), .shiptype = (uint8_t)strtoul(id.shiptype, NULL, 10),
        };
        r->out->entities += (unsigned)trk_restore(p->trk, &tr, to);
        if (p->det && q->kind == STORE_VESSEL)
            r->out->seeded += det_seed_vessel(p->det, q->id, q->t_ms, q->lat, q->lon, id.name, tr.imo) == 0;
    }
    return 0;
}

static int state_one(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    struct restore *r = ctx;
    (void)t_ms;
    if (det_state_restore(r->p->det, kind, id, state) == 0)
        r->out->records++;
    return 0;
}

int pipeline_restore(struct pipeline *p, struct store *st, struct pipeline_restored *out)
{
    struct restore r = {.p = p, .st = st, .out = out};
    *out = (struct pipeline_restored){0};
    struct store_alert_filter af = {0};
    int rc = st->ops->query_alerts(st, &af, seen_one, &r) != 0 ||
             (p->det && st->ops->query_state(st, state_one, &r) != 0) || restore_picture(&r) != 0 ||
             (p->det && store_query_open_events(st, restore_one, &r) != 0);
    free(r.pos);
    free(r.src);
    return rc ? -1 : 0;
}

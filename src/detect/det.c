/* det.c: the detector set: per-vessel state, receiver activity, dispatch of
 * each position to the detectors, and the hand-over of events to the sink. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "detect/detect_internal.h"

struct det *det_new(const struct det_config *cfg, const struct ref *r, event_sink_fn sink, void *ctx)
{
    struct det *d = xcalloc(1, sizeof *d);
    d->sink = sink;
    d->sink_ctx = ctx;
    if (cfg)
        d->cfg = *cfg;
    struct det_config *c = &d->cfg;
    if (c->gap_min_h <= 0) c->gap_min_h = 6;
    if (c->gap_deliberate_h <= 0) c->gap_deliberate_h = 12;
    if (c->gap_deliberate_shore_nm <= 0) c->gap_deliberate_shore_nm = 50;
    if (c->gap_good_coverage_positions <= 0) c->gap_good_coverage_positions = 10;
    if (c->enc_distance_m <= 0) c->enc_distance_m = 500;
    if (c->enc_min_h <= 0) c->enc_min_h = 2;
    if (c->enc_max_median_kn <= 0) c->enc_max_median_kn = 2;
    if (c->enc_min_port_km <= 0) c->enc_min_port_km = 10;
    if (c->loiter_max_kn <= 0) c->loiter_max_kn = 2;
    if (c->loiter_min_h <= 0) c->loiter_min_h = 2;
    if (c->loiter_shore_nm <= 0) c->loiter_shore_nm = 20;
    if (c->port_entry_km <= 0) c->port_entry_km = 3;
    if (c->port_exit_km <= 0) c->port_exit_km = 4;
    if (c->port_stop_kn <= 0) c->port_stop_kn = 0.2;
    if (c->port_start_kn <= 0) c->port_start_kn = 0.5;
    if (c->port_gap_h <= 0) c->port_gap_h = 4;
    if (c->port_min_h == 0) c->port_min_h = 3; /* negative: no minimum */
    if (c->geofence_dwell_h <= 0) c->geofence_dwell_h = 1;
    if (c->spoof_min_rejected <= 0) c->spoof_min_rejected = 2;
    if (c->spoof_two_places_min <= 0) c->spoof_two_places_min = 3;
    if (c->spoof_settle_min <= 0) c->spoof_settle_min = 10;
    if (c->spoof_min_jump_nm <= 0) c->spoof_min_jump_nm = 3;
    if (c->land_inland_nm <= 0) c->land_inland_nm = 5;
    if (c->land_port_nm <= 0) c->land_port_nm = 20;
    if (c->land_recheck_nm <= 0) c->land_recheck_nm = 1;
    if (c->spoof_ac_speed_factor <= 0) c->spoof_ac_speed_factor = 1.3;
    if (c->spoof_ac_min_kt <= 0) c->spoof_ac_min_kt = 200;
    if (c->gnss_nacp_bad <= 0) c->gnss_nacp_bad = 8;
    if (c->gnss_nacp_good <= 0) c->gnss_nacp_good = 8;
    if (c->gnss_count_open <= 0) c->gnss_count_open = 18;
    if (c->gnss_count_max <= 0) c->gnss_count_max = 20;
    if (c->gnss_count_max < c->gnss_count_open) c->gnss_count_max = c->gnss_count_open;
    if (c->jam_min_aircraft <= 0) c->jam_min_aircraft = 3;
    if (c->jam_radius_nm <= 0) c->jam_radius_nm = 100;
    if (c->jam_window_min <= 0) c->jam_window_min = 30;
    if (c->open_update_min <= 0) c->open_update_min = 60;
    if (c->distress_silence_min <= 0) c->distress_silence_min = 10;
    if (!c->max_vessels) c->max_vessels = TRK_MAX_ENTITIES;
    d->spoof = det_spoof_new();
    det_flights_defaults(c);
    d->ref = r;
    hash_u32_init(&d->index, 1024);
    hash_u32_init(&d->cell_index, 1024);
    hash_u32_init(&d->heard, 4096);
    hash_u32_init(&d->by_imo, 1024);
    hash_u32_init(&d->heard_dirty, 64);
    d->portcall = det_portcall_new();
    d->geofence = det_geofence_new();
    d->flights = det_flights_new();
    d->distress = det_distress_new();
    return d;
}

void det_free(struct det *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncells; i++)
        free(d->cells[i].v);
    free(d->cells);
    free(d->v);
    free(d->vfree);
    free(d->vdirty);
    free(d->gone);
    hash_u32_free(&d->heard_dirty);
    free(d->pairs);
    hash_u32_free(&d->index);
    hash_u32_free(&d->cell_index);
    hash_u32_free(&d->heard);
    hash_u32_free(&d->by_imo);
    det_portcall_free(d->portcall);
    det_geofence_free(d->geofence);
    det_spoof_free(d->spoof);
    det_flights_free(d->flights);
    det_distress_free(d->distress);
    free(d);
}

const struct det_stats *det_stats(const struct det *d) { return &d->stats; }
unsigned det_max_vessels(const struct det *d) { return d->cfg.max_vessels; }

void det_print_stats(const struct det *d, FILE *f)
{
    const struct det_stats *s = &d->stats;
    fprintf(f, "gaps: %llu (likely deliberate %llu, coverage %llu)\nencounters: %llu\nloitering: %llu\n",
            (unsigned long long)s->gaps, (unsigned long long)s->gaps_deliberate,
            (unsigned long long)s->gaps_coverage, (unsigned long long)s->encounters,
            (unsigned long long)s->loitering);
    fprintf(f, "port calls: %llu (open %llu; visits without a stop or under the minimum: %llu)\n"
               "geofence enter/exit/dwell: %llu/%llu/%llu\n",
            (unsigned long long)s->port_calls, (unsigned long long)s->port_calls_open,
            (unsigned long long)s->port_visits_dropped, (unsigned long long)s->geofence_enter,
            (unsigned long long)s->geofence_exit, (unsigned long long)s->geofence_dwell);
    fprintf(f, "flights: %llu (joined across silences %llu, touch-and-go %llu)\nemergency squawks: %llu\n",
            (unsigned long long)s->flights, (unsigned long long)s->flights_joined,
            (unsigned long long)s->touch_and_go, (unsigned long long)s->emergency_squawks);
    fprintf(f, "spoofing: implausible speed %llu, two places %llu, on land %llu, gnss degraded %llu, jamming areas %llu\n",
            (unsigned long long)s->implausible_speed, (unsigned long long)s->two_places,
            (unsigned long long)s->on_land, (unsigned long long)s->gnss_degraded, (unsigned long long)s->gnss_jamming);
    fprintf(f, "distress: %llu (tests %llu)\n", (unsigned long long)s->distress,
            (unsigned long long)s->distress_tests);
    fprintf(f, "vessels remembered: %llu (cap %u; forgotten over it %llu; spoofing entities forgotten over it %llu)\n",
            (unsigned long long)s->vessels, d->cfg.max_vessels, (unsigned long long)s->vessels_evicted,
            (unsigned long long)s->spoof_evicted);
}

struct det_source *det_source_get(struct det *d, const char *name)
{
    for (int i = 0; i < d->nsrc; i++)
        if (!strcmp(d->src[i].name, name))
            return &d->src[i];
    if (d->nsrc == 64)
        return NULL; /* more receivers than we track: coverage judged without them */
    struct det_source *s = &d->src[d->nsrc++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

double det_source_silence(const struct det_source *s, int64_t t0, int64_t t1)
{
    if (!s || t1 <= t0)
        return 0;
    /* The longest single silence, not their sum: an outage is one stretch,
     * while a satellite's passes (or any receiver's duty cycle) leave many
     * short silences that explain nothing about a vessel heard between them. */
    int64_t silent = 0;
    for (int i = 0; i < s->silent_n; i++) {
        int64_t a = s->silent_from[i] > t0 ? s->silent_from[i] : t0;
        int64_t b = s->silent_to[i] < t1 ? s->silent_to[i] : t1;
        if (b - a > silent)
            silent = b - a;
    }
    /* A silence still going on when the vessel reappears (the source came back
     * with this very message) is recorded before we are asked. */
    return (double)silent / (double)(t1 - t0);
}

static void note_source(struct det *d, const char *name, int64_t t)
{
    struct det_source *s = det_source_get(d, name);
    if (!s)
        return;
    if (s->last_t && t - s->last_t > 600000) {
        int k = s->silent_head;
        s->silent_from[k] = s->last_t;
        s->silent_to[k] = t;
        s->silent_head = (k + 1) % 64;
        if (s->silent_n < 64)
            s->silent_n++;
    }
    if (t > s->last_t)
        s->last_t = t;
    s->dirty = true;
}

/* Vessels gone silent are looked for this often (event time): an open gap
 * is raised at most this late, and the scan costs one pass over the vessels
 * per period, not per message. */
#define GAP_SWEEP_MS (5 * 60000)

int64_t det_open_every_ms(const struct det *d) { return (int64_t)(d->cfg.open_update_min * 60000.0); }

bool det_open_due(const struct det *d, int64_t *last, int64_t now)
{
    if (*last && now - *last < det_open_every_ms(d))
        return false;
    *last = now;
    return true;
}

void det_tick(struct det *d, int64_t now_ms)
{
    if (now_ms > d->clock)
        d->clock = now_ms;
    det_distress_tick(d, d->clock);
    if (d->clock < d->next_gap_sweep)
        return;
    if (d->next_gap_sweep)
        det_gap_sweep(d, d->clock, false);
    d->next_gap_sweep = d->clock + GAP_SWEEP_MS;
}

void det_emit(struct det *d, struct event *e)
{
    event_finish_key(e);
    if (d->sink)
        d->sink(d->sink_ctx, e);
}

/* Key of a 1-degree cell and an hour: 16 bits each (hours wrap every 7.5
 * years, far beyond any gap we judge). */
static uint32_t heard_key(double lat, double lon, int64_t t_ms)
{
    uint32_t cell = (uint32_t)((int)floor(lat + 90.0) % 180) * 360u + (uint32_t)((int)floor(lon + 180.0) % 360);
    return (cell << 16) | (uint32_t)((t_ms / 3600000) & 0xFFFF);
}

void det_note_heard_n(struct det *d, double lat, double lon, int64_t t, uint32_t n)
{
    uint32_t k = heard_key(lat, lon, t), have = 0;
    if (!n)
        return;
    hash_u32_get(&d->heard, k, &have);
    hash_u32_put(&d->heard, k, have + n);
    if (d->ckpt)
        hash_u32_put(&d->heard_dirty, k, 1);
}

static void note_heard(struct det *d, double lat, double lon, int64_t t) { det_note_heard_n(d, lat, lon, t, 1); }

uint32_t det_heard_near(const struct det *d, double lat, double lon, int64_t t0, int64_t t1)
{
    uint32_t total = 0;
    for (int64_t h = t0 / 3600000 + 1; h < t1 / 3600000; h++) /* whole hours inside the gap */
        for (int dl = -1; dl <= 1; dl++)
            for (int dn = -1; dn <= 1; dn++) {
                uint32_t n;
                if (hash_u32_get(&d->heard, heard_key(lat + dl, lon + dn, h * 3600000), &n))
                    total += n;
            }
    return total;
}

struct det_vessel *det_vessel_get(struct det *d, uint32_t mmsi, uint32_t *index)
{
    uint32_t i;
    if (!hash_u32_get(&d->index, mmsi, &i)) {
        if (d->nvfree) {
            i = d->vfree[--d->nvfree];
        } else {
            if (d->nv == d->capv) {
                d->capv = d->capv ? d->capv * 2 : 1024;
                d->v = xrealloc(d->v, d->capv * sizeof *d->v);
                d->vfree = xrealloc(d->vfree, d->capv * sizeof *d->vfree);
            }
            i = (uint32_t)d->nv++;
        }
        memset(&d->v[i], 0, sizeof d->v[i]);
        d->v[i].mmsi = mmsi;
        hash_u32_put(&d->index, mmsi, i);
        d->stats.vessels++;
    }
    *index = i;
    return &d->v[i];
}

/* Nothing open: no gap or loitering reported open, no encounter pair. */
static bool forgettable(const struct det_vessel *v)
{
    return !v->freed && !v->gap_open_t && !v->loiter_open_t && !v->npairs;
}

static int cmp_t(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t det_lru_cut(int64_t *t, size_t n, size_t want, size_t *at_cut)
{
    if (want > n)
        want = n;
    qsort(t, n, sizeof *t, cmp_t);
    int64_t cut = t[want - 1];
    size_t below = 0;
    while (below < want && t[below] < cut)
        below++;
    *at_cut = want - below;
    return cut;
}

static void forget(struct det *d, uint32_t vi)
{
    struct det_vessel *v = &d->v[vi];
    uint32_t other;
    det_encounter_forget(d, vi);
    hash_u32_del(&d->index, v->mmsi);
    if (v->imo && hash_u32_get(&d->by_imo, v->imo, &other) && other == vi)
        hash_u32_del(&d->by_imo, v->imo);
    if (d->ckpt)
        det_gone(d, "vessel", v->mmsi);
    memset(v, 0, sizeof *v);
    v->freed = true;
    d->vfree[d->nvfree++] = vi;
    d->stats.vessels--;
    d->stats.vessels_evicted++;
}

void det_vessels_make_room(struct det *d)
{
    size_t cap = d->cfg.max_vessels;
    if (d->stats.vessels < cap || d->stats.vessels < d->room_retry)
        return;
    /* A 32nd of the cap at a time (as the tracker): one sort of the
     * candidates' last-heard times per batch, not per vessel. */
    size_t want = d->stats.vessels - cap + 1 + cap / 32, n = 0;
    int64_t *t = xmalloc((d->nv + 1) * sizeof *t);
    for (size_t i = 0; i < d->nv; i++)
        if (forgettable(&d->v[i]))
            t[n++] = d->v[i].last_t;
    if (n) {
        size_t at_cut;
        int64_t cut = det_lru_cut(t, n, want, &at_cut);
        for (size_t i = 0; i < d->nv; i++) {
            struct det_vessel *v = &d->v[i];
            if (forgettable(v) && det_lru_take(v->last_t, cut, &at_cut))
                forget(d, (uint32_t)i);
        }
    }
    free(t);
    /* Too many with something open to get under the cap: they stay (an
     * open gap or meeting is not dropped unsaid), and the next pass waits
     * for another 32nd of the cap rather than scanning at every vessel. */
    d->room_retry = d->stats.vessels < cap ? 0 : d->stats.vessels + cap / 32 + 1;
}

void det_on_update(struct det *d, const struct trk_update *u, const char *source, const char *evidence,
                   size_t evidence_len)
{
    /* A message before any time is known (a log whose first lines carry no
     * timestamp) has no place in time: an event cannot start or end there. */
    if (u->t_ms <= 0)
        return;
    if (u->t_ms > d->clock)
        d->clock = u->t_ms;
    if (source)
        note_source(d, source, u->t_ms);
    det_geofence_on_update(d, u, evidence, evidence_len);
    det_spoof_on_update(d, u, evidence, evidence_len);
    if (u->kind == TRK_AIRCRAFT) {
        det_flights_on_update(d, u, evidence, evidence_len);
        return;
    }
    if (u->kind != TRK_VESSEL)
        return;
    const struct trk_vessel *tv = u->e.vessel;
    uint32_t vi;
    if (!hash_u32_get(&d->index, tv->mmsi, &vi))
        det_vessels_make_room(d); /* before any of this update's vessels is in hand */
    det_distress_on_update(d, u, evidence, evidence_len);
    struct det_vessel *v = det_vessel_get(d, tv->mmsi, &vi);
    det_vessel_dirty(d, vi);
    if (u->flags & (TRK_U_STATIC | TRK_U_IDENTITY))
        det_identity_on_update(d, u, vi, evidence, evidence_len);
    v = &d->v[vi];
    if (tv->name[0])
        snprintf(v->name, sizeof v->name, "%s", tv->name);
    if (!(u->flags & TRK_U_POS))
        return;
    if (!v->first_t) {
        v->first_t = u->t_ms;
        v->first_lat = tv->lat;
        v->first_lon = tv->lon;
        size_t k = evidence_len < DET_EVIDENCE - 1 ? evidence_len : DET_EVIDENCE - 1;
        if (evidence)
            memcpy(v->first_evidence, evidence, k);
        v->first_evidence[evidence ? k : 0] = 0;
    }
    double kn = tv->v_sog.source && tv->v_sog.t_ms == u->t_ms ? tv->sog_dkn / 10.0 : -1.0;
    note_heard(d, tv->lat, tv->lon, u->t_ms);
    det_gap_on_position(d, v, tv, u->t_ms, evidence, evidence_len);
    det_loiter_on_position(d, v, u->t_ms, tv->lat, tv->lon, kn, evidence, evidence_len);
    det_portcall_on_position(d, tv, u->t_ms, kn, evidence, evidence_len);
    v->last_t = u->t_ms;
    v->last_lat = tv->lat;
    v->last_lon = tv->lon;
    v->last_kn = kn;
    snprintf(v->last_source, sizeof v->last_source, "%s", source ? source : "");
    size_t n = evidence_len < DET_EVIDENCE - 1 ? evidence_len : DET_EVIDENCE - 1;
    if (evidence)
        memcpy(v->last_evidence, evidence, n);
    v->last_evidence[evidence ? n : 0] = 0;
    v->recent[v->recent_head] = u->t_ms;
    v->recent_head = (v->recent_head + 1) % DET_RECENT;
    if (v->recent_n < DET_RECENT)
        v->recent_n++;
    det_encounter_on_position(d, vi, evidence, evidence_len);
}

void det_finish(struct det *d)
{
    if (d->clock)
        det_gap_sweep(d, d->clock, true);
    for (size_t i = 0; i < d->nv; i++)
        det_loiter_close(d, &d->v[i]);
    det_encounter_finish(d);
    det_portcall_finish(d);
    det_spoof_finish(d);
    det_flights_finish(d);
    det_distress_finish(d);
}

bool det_kind_global(const char *kind)
{
    static const char *const kinds[] = {"encounter", "gnss_jamming_area", "ais_gap", "identity_change"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kind && !strcmp(kind, kinds[i]))
            return true;
    return false;
}

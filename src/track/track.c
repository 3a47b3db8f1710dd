/* track.c: the entity tables: lookup-or-create, expiry by event time,
 * iteration. Entities live in arrays indexed through a hash of their key;
 * expired slots are recycled through a free stack, so the steady state
 * allocates nothing but trails. */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "track/track_internal.h"

#define SWEEP_EVERY_MS 60000

struct trk *trk_new(const struct trk_config *cfg)
{
    struct trk *t = xcalloc(1, sizeof *t);
    if (cfg)
        t->cfg = *cfg;
    struct trk_config *c = &t->cfg;
    if (!c->aircraft_ttl_ms) c->aircraft_ttl_ms = 300000;
    if (!c->vessel_ttl_ms) c->vessel_ttl_ms = 3600000;
    if (!c->aircraft_stale_ms) c->aircraft_stale_ms = 60000;
    if (!c->vessel_stale_ms) c->vessel_stale_ms = 600000;
    if (c->aircraft_max_kt <= 0) c->aircraft_max_kt = 2000.0;
    if (c->vessel_max_kt <= 0) c->vessel_max_kt = 80.0;
    if (c->position_slack_m <= 0) c->position_slack_m = 1000.0;
    if (!c->position_reset_ms) c->position_reset_ms = 1800000;
    if (!c->trail_points) c->trail_points = 256;
    if (c->trail_points > 65535) c->trail_points = 65535;
    if (!c->max_entities) c->max_entities = TRK_MAX_ENTITIES;
    hash_u32_init(&t->vessel_index, 1024);
    hash_u32_init(&t->aircraft_index, 1024);
    return t;
}

void trk_free(struct trk *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nvessels; i++)
        trk_trail_free(&t->vessels[i].trail);
    for (size_t i = 0; i < t->naircraft; i++)
        trk_trail_free(&t->aircraft[i].trail);
    free(t->vessels);
    free(t->aircraft);
    free(t->vessel_live);
    free(t->aircraft_live);
    free(t->vessel_heard);
    free(t->aircraft_heard);
    free(t->vessel_free);
    free(t->aircraft_free);
    hash_u32_free(&t->vessel_index);
    hash_u32_free(&t->aircraft_index);
    free(t);
}

const struct trk_stats *trk_stats(const struct trk *t) { return &t->stats; }
size_t trk_max_entities(const struct trk *t) { return t->cfg.max_entities; }

/* Grows an entity array (and its live flags and free stack) to hold one more. */
static size_t grow(void **arr, bool **live, int64_t **heard, uint32_t **freestack, size_t *n, size_t *cap,
                   size_t elem)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        *arr = xrealloc(*arr, nc * elem);
        *live = xrealloc(*live, nc * sizeof **live);
        *heard = xrealloc(*heard, nc * sizeof **heard);
        *freestack = xrealloc(*freestack, nc * sizeof **freestack);
        *cap = nc;
    }
    return (*n)++;
}

static void drop_vessel(struct trk *t, size_t i)
{
    struct trk_vessel *v = &t->vessels[i];
    hash_u32_del(&t->vessel_index, v->mmsi);
    trk_trail_free(&v->trail);
    t->vessel_live[i] = false;
    t->vessel_free[t->nvessel_free++] = (uint32_t)i;
    t->live_vessels--;
}

static void drop_aircraft(struct trk *t, size_t i)
{
    struct trk_aircraft *a = &t->aircraft[i];
    hash_u32_del(&t->aircraft_index, a->icao);
    trk_trail_free(&a->trail);
    t->aircraft_live[i] = false;
    t->aircraft_free[t->naircraft_free++] = (uint32_t)i;
    t->live_aircraft--;
}

#define EVICT_BUCKETS 1024

static size_t bucket(int64_t last_ms, int64_t lo, int64_t width)
{
    return (size_t)((last_ms - lo) / width);
}

/* Evicts k live entities, least recently heard first: a histogram of
 * last-heard times finds the bucket where the k-th oldest falls; everything
 * older goes, then entities of that bucket in table order until k. Three
 * passes over the last-heard times (8 bytes an entity), a 32nd of the cap
 * at a time, so about 100 reads of them per entity created under a flood: least recently heard to within a
 * 1024th of the span of last-heard times, without a per-update cost. */
static void evict(struct trk *t, size_t k)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < t->nvessels; i++)
        if (t->vessel_live[i]) {
            lo = t->vessel_heard[i] < lo ? t->vessel_heard[i] : lo;
            hi = t->vessel_heard[i] > hi ? t->vessel_heard[i] : hi;
        }
    for (size_t i = 0; i < t->naircraft; i++)
        if (t->aircraft_live[i]) {
            lo = t->aircraft_heard[i] < lo ? t->aircraft_heard[i] : lo;
            hi = t->aircraft_heard[i] > hi ? t->aircraft_heard[i] : hi;
        }
    if (lo > hi)
        return;
    int64_t width = (hi - lo) / EVICT_BUCKETS + 1;
    size_t hist[EVICT_BUCKETS] = {0};
    for (size_t i = 0; i < t->nvessels; i++)
        if (t->vessel_live[i])
            hist[bucket(t->vessel_heard[i], lo, width)]++;
    for (size_t i = 0; i < t->naircraft; i++)
        if (t->aircraft_live[i])
            hist[bucket(t->aircraft_heard[i], lo, width)]++;
    size_t b = 0, below = 0;
    while (b < EVICT_BUCKETS - 1 && below + hist[b] < k)
        below += hist[b++];
    size_t in_b = k - below; /* to take from bucket b */
    for (size_t i = 0; i < t->nvessels; i++) {
        if (!t->vessel_live[i])
            continue;
        size_t x = bucket(t->vessel_heard[i], lo, width);
        if (x < b || (x == b && in_b && in_b--)) {
            drop_vessel(t, i);
            t->stats.evicted_vessels++;
        }
    }
    for (size_t i = 0; i < t->naircraft; i++) {
        if (!t->aircraft_live[i])
            continue;
        size_t x = bucket(t->aircraft_heard[i], lo, width);
        if (x < b || (x == b && in_b && in_b--)) {
            drop_aircraft(t, i);
            t->stats.evicted_aircraft++;
        }
    }
}

/* Room for one more entity under the cap. */
static void make_room(struct trk *t)
{
    size_t live = t->live_vessels + t->live_aircraft, cap = t->cfg.max_entities;
    if (live < cap)
        return;
    evict(t, live - cap + 1 + cap / 32);
}

struct trk_vessel *trk_vessel_touch(struct trk *t, uint32_t mmsi, int64_t t_ms, struct trk_update *u)
{
    uint32_t idx;
    if (hash_u32_get(&t->vessel_index, mmsi, &idx))
        return &t->vessels[idx];
    make_room(t);
    if (t->nvessel_free) {
        idx = t->vessel_free[--t->nvessel_free];
    } else {
        idx = (uint32_t)grow((void **)&t->vessels, &t->vessel_live, &t->vessel_heard, &t->vessel_free, &t->nvessels,
                             &t->vessels_cap, sizeof *t->vessels);
    }
    struct trk_vessel *v = &t->vessels[idx];
    memset(v, 0, sizeof *v);
    v->mmsi = mmsi;
    v->first_ms = v->last_ms = t_ms;
    t->vessel_live[idx] = true;
    t->vessel_heard[idx] = t_ms;
    t->live_vessels++;
    hash_u32_put(&t->vessel_index, mmsi, idx);
    u->flags |= TRK_U_NEW;
    return v;
}

struct trk_aircraft *trk_aircraft_touch(struct trk *t, uint32_t icao, int64_t t_ms, struct trk_update *u)
{
    uint32_t idx;
    if (hash_u32_get(&t->aircraft_index, icao, &idx))
        return &t->aircraft[idx];
    make_room(t);
    if (t->naircraft_free) {
        idx = t->aircraft_free[--t->naircraft_free];
    } else {
        idx = (uint32_t)grow((void **)&t->aircraft, &t->aircraft_live, &t->aircraft_heard, &t->aircraft_free,
                             &t->naircraft,
                             &t->aircraft_cap, sizeof *t->aircraft);
    }
    struct trk_aircraft *a = &t->aircraft[idx];
    memset(a, 0, sizeof *a);
    a->icao = icao;
    a->first_ms = a->last_ms = t_ms;
    t->aircraft_live[idx] = true;
    t->aircraft_heard[idx] = t_ms;
    t->live_aircraft++;
    hash_u32_put(&t->aircraft_index, icao, idx);
    u->flags |= TRK_U_NEW;
    return a;
}

void trk_expire(struct trk *t, int64_t now_ms)
{
    for (size_t i = 0; i < t->nvessels; i++) {
        if (!t->vessel_live[i] || now_ms - t->vessel_heard[i] <= t->cfg.vessel_ttl_ms)
            continue;
        drop_vessel(t, i);
        t->stats.expired_vessels++;
    }
    for (size_t i = 0; i < t->naircraft; i++) {
        if (!t->aircraft_live[i] || now_ms - t->aircraft_heard[i] <= t->cfg.aircraft_ttl_ms)
            continue;
        drop_aircraft(t, i);
        t->stats.expired_aircraft++;
    }
}

void trk_maybe_sweep(struct trk *t, int64_t t_ms)
{
    if (t_ms < t->next_sweep_ms)
        return;
    if (t->next_sweep_ms)
        trk_expire(t, t_ms);
    t->next_sweep_ms = t_ms + SWEEP_EVERY_MS;
}

size_t trk_vessel_count(const struct trk *t) { return t->live_vessels; }
size_t trk_aircraft_count(const struct trk *t) { return t->live_aircraft; }

struct trk_vessel *trk_vessel_get(struct trk *t, uint32_t mmsi)
{
    uint32_t idx;
    return hash_u32_get(&t->vessel_index, mmsi, &idx) ? &t->vessels[idx] : NULL;
}

struct trk_aircraft *trk_aircraft_get(struct trk *t, uint32_t icao)
{
    uint32_t idx;
    return hash_u32_get(&t->aircraft_index, icao, &idx) ? &t->aircraft[idx] : NULL;
}

struct trk_vessel *trk_vessel_at(struct trk *t, size_t *i)
{
    while (*i < t->nvessels) {
        size_t k = (*i)++;
        if (t->vessel_live[k])
            return &t->vessels[k];
    }
    return NULL;
}

struct trk_aircraft *trk_aircraft_at(struct trk *t, size_t *i)
{
    while (*i < t->naircraft) {
        size_t k = (*i)++;
        if (t->aircraft_live[k])
            return &t->aircraft[k];
    }
    return NULL;
}

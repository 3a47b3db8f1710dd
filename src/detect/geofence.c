/* geofence.c: user zones (GeoJSON, zone.c) watched for every entity, vessels
 * and aircraft alike, watched or not. For each zone an entity's positions
 * give:
 *   "geofence_enter"  the first position inside (after one outside, or the
 *                     entity's first position);
 *   "geofence_dwell"  open from the first position at least geofence_dwell_h
 *                     (1 h) after entering, still inside (again every
 *                     open_update_min while inside), closed at the exit with
 *                     the last position inside: one per visit;
 *   "geofence_exit"   the first position outside again, with the last time
 *                     seen inside (the two differ when it left unheard).
 * An entity still inside at the end of the input gets no exit: nobody saw it
 * leave; its dwell stays open. State is kept only for entities inside some zone, so the cost of an
 * entity far from every zone is one bounding-box test per zone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "detect/detect_internal.h"
#include "detect/zone.h"

/* One visit of one entity to one zone. */
struct gf_visit {
    uint32_t zone;
    bool dwelt;
    int64_t entry_t, last_t;
    int64_t open_t; /* the dwell last reported open */
    char evidence[DET_EVIDENCE]; /* the position that entered */
};

struct gf_entity {
    struct gf_visit *v;
    uint32_t n, cap;
};

struct det_geofence {
    struct det_zones zones;
    struct hash_u32 dirty; /* entity key -> 1: changed since the last checkpoint (with d->ckpt) */
    struct hash_u32 index; /* entity key -> entities[]; MMSI, or ICAO address | bit 31 */
    struct gf_entity *e;
    size_t ne, cape;
};

struct det_geofence *det_geofence_new(void)
{
    struct det_geofence *g = xcalloc(1, sizeof *g);
    hash_u32_init(&g->index, 64);
    hash_u32_init(&g->dirty, 64);
    return g;
}

void det_geofence_free(struct det_geofence *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->ne; i++)
        free(g->e[i].v);
    free(g->e);
    det_zones_free(&g->zones);
    hash_u32_free(&g->index);
    hash_u32_free(&g->dirty);
    free(g);
}

int det_load_geofences(struct det *d, const char *path, char *err, size_t errn)
{
    return det_zones_load(&d->geofence->zones, path, 100000, err, errn) < 0 ? -1 : 0;
}

static struct gf_entity *entity_get(struct det_geofence *g, uint32_t key, bool create)
{
    uint32_t i;
    if (hash_u32_get(&g->index, key, &i))
        return &g->e[i];
    if (!create)
        return NULL;
    if (g->ne == g->cape) {
        g->cape = g->cape ? 2 * g->cape : 64;
        g->e = xrealloc(g->e, g->cape * sizeof *g->e);
    }
    i = (uint32_t)g->ne++;
    memset(&g->e[i], 0, sizeof g->e[i]);
    hash_u32_put(&g->index, key, i);
    return &g->e[i];
}

/* The entity and where it is, as every geofence event carries them. */
static void who(struct event *e, const struct trk_update *u)
{
    if (u->kind == TRK_VESSEL) {
        const struct trk_vessel *v = u->e.vessel;
        ev_pos(e, v->lat, v->lon);
        ev_entity(e, EVENT_VESSEL, v->mmsi, "subject");
        ev_str(e, "kind", "vessel");
        ev_uint(e, "mmsi", v->mmsi);
        if (v->name[0])
            ev_str(e, "name", v->name);
        if (v->imo)
            ev_uint(e, "imo", v->imo);
        if (v->callsign[0])
            ev_str(e, "callsign", v->callsign);
        if (v->flag[0])
            ev_str(e, "flag", v->flag);
        return;
    }
    const struct trk_aircraft *a = u->e.aircraft;
    ev_pos(e, a->lat, a->lon);
    ev_entity(e, EVENT_AIRCRAFT, a->icao & 0xFFFFFFu, "subject");
    ev_str(e, "kind", "aircraft");
    ev_hex24(e, "icao", a->icao);
    if (a->callsign[0])
        ev_str(e, "callsign", a->callsign);
    if (a->registration[0])
        ev_str(e, "registration", a->registration);
    if (a->country[0])
        ev_str(e, "country", a->country);
    if (a->v_alt_baro.source)
        ev_int(e, "alt_ft", a->alt_baro_ft);
}

static void emit(struct det *d, const char *kind, const struct gf_visit *gv, const struct trk_update *u,
                 int64_t t1, bool open, const char *evidence, size_t evlen)
{
    struct event e;
    ev_begin(&e, kind, gv->entry_t, t1);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    const char *zone = d->geofence->zones.z[gv->zone].name;
    ev_key_str(&e, zone);
    ev_key_u64(&e, gv->zone);
    ev_str(&e, "zone", zone);
    who(&e, u);
    if (!strcmp(kind, "geofence_exit"))
        ev_int(&e, "last_inside_ms", gv->last_t);
    if (strcmp(kind, "geofence_enter"))
        ev_evidence_str(&e, gv->evidence);
    ev_evidence(&e, evidence, evlen);
    det_emit(d, &e);
}

void det_geofence_on_update(struct det *d, const struct trk_update *u, const char *evidence, size_t evlen)
{
    struct det_geofence *g = d->geofence;
    if (!g->zones.n || !(u->flags & TRK_U_POS))
        return;
    double lat, lon;
    uint32_t key;
    if (u->kind == TRK_VESSEL) {
        lat = u->e.vessel->lat;
        lon = u->e.vessel->lon;
        key = u->e.vessel->mmsi & 0x7FFFFFFFu;
    } else {
        lat = u->e.aircraft->lat;
        lon = u->e.aircraft->lon;
        key = (u->e.aircraft->icao & 0x1FFFFFFu) | 0x80000000u;
    }
    struct gf_entity *e = entity_get(g, key, false);
    if (e && d->ckpt)
        hash_u32_put(&g->dirty, key, 1);
    /* Visits going on: still inside (dwell), or left (exit). */
    for (uint32_t k = 0; e && k < e->n;) {
        struct gf_visit *gv = &e->v[k];
        if (u->t_ms < gv->last_t) { /* out of order: judged by its successors */
            k++;
            continue;
        }
        if (!det_zone_contains(&g->zones.z[gv->zone], lat, lon)) {
            d->stats.geofence_exit++;
            if (gv->dwelt) /* the dwell ends with the last position inside */
                emit(d, "geofence_dwell", gv, u, gv->last_t, false, evidence, evlen);
            emit(d, "geofence_exit", gv, u, u->t_ms, false, evidence, evlen);
            e->v[k] = e->v[--e->n];
            continue;
        }
        gv->last_t = u->t_ms;
        if (!gv->dwelt && (double)(u->t_ms - gv->entry_t) / 3600000.0 >= d->cfg.geofence_dwell_h) {
            gv->dwelt = true;
            d->stats.geofence_dwell++;
            gv->open_t = u->t_ms;
            emit(d, "geofence_dwell", gv, u, u->t_ms, true, evidence, evlen);
        } else if (gv->dwelt && det_open_due(d, &gv->open_t, u->t_ms)) {
            emit(d, "geofence_dwell", gv, u, u->t_ms, true, evidence, evlen);
        }
        k++;
    }
    /* New visits, in the zones that concern this entity (zone.h). */
    bool air = u->kind != TRK_VESSEL;
    unsigned shiptype = air ? 0 : u->e.vessel->shiptype;
    bool ground = air && u->e.aircraft->v_ground.source && u->e.aircraft->on_ground;
    for (size_t i = 0; i < g->zones.n; i++) {
        if (!det_zone_applies(&g->zones.z[i], air, shiptype, ground) || !det_zone_contains(&g->zones.z[i], lat, lon))
            continue;
        bool known = false;
        for (uint32_t k = 0; e && k < e->n && !known; k++)
            known = e->v[k].zone == i;
        if (known)
            continue;
        if (!e) {
            e = entity_get(g, key, true);
            if (d->ckpt)
                hash_u32_put(&g->dirty, key, 1);
        }
        if (e->n == e->cap) {
            e->cap = e->cap ? 2 * e->cap : 2;
            e->v = xrealloc(e->v, e->cap * sizeof *e->v);
        }
        struct gf_visit *gv = &e->v[e->n++];
        memset(gv, 0, sizeof *gv);
        gv->zone = (uint32_t)i;
        gv->entry_t = gv->last_t = u->t_ms;
        size_t n = evlen < DET_EVIDENCE - 1 ? evlen : DET_EVIDENCE - 1;
        if (evidence)
            memcpy(gv->evidence, evidence, n);
        gv->evidence[evidence ? n : 0] = 0;
        d->stats.geofence_enter++;
        emit(d, "geofence_enter", gv, u, u->t_ms, false, evidence, evlen);
    }
}

int det_geofence_restore(struct det *d, const struct event *e)
{
    struct det_geofence *g = d->geofence;
    const struct event_entity *who = event_entity_role(e, "subject");
    const struct event_field *zone = event_field_get(e, "zone");
    if (!who || !zone || zone->type != EVF_STR)
        return 1;
    size_t z = 0;
    while (z < g->zones.n && strcmp(g->zones.z[z].name, zone->s))
        z++;
    if (z == g->zones.n)
        return 1; /* the zone is not loaded this time */
    uint32_t key = who->kind == EVENT_VESSEL ? who->id & 0x7FFFFFFFu : (who->id & 0x1FFFFFFu) | 0x80000000u;
    struct gf_entity *ent = entity_get(g, key, true);
    for (uint32_t k = 0; k < ent->n; k++)
        if (ent->v[k].zone == z)
            return 0; /* restored already */
    if (ent->n == ent->cap) {
        ent->cap = ent->cap ? 2 * ent->cap : 2;
        ent->v = xrealloc(ent->v, ent->cap * sizeof *ent->v);
    }
    struct gf_visit *gv = &ent->v[ent->n++];
    memset(gv, 0, sizeof *gv);
    gv->zone = (uint32_t)z;
    gv->dwelt = true;
    gv->entry_t = e->t_start_ms;
    gv->last_t = gv->open_t = e->t_end_ms;
    snprintf(gv->evidence, sizeof gv->evidence, "%s", e->nevidence ? e->evidence[0] : "");
    return 0;
}

/* ---- checkpoint records (checkpoint.c): an entity's visits, zones by name ---- */

int det_geofence_checkpoint(struct det *d, det_state_fn put, void *ctx, struct buf *b)
{
    struct det_geofence *g = d->geofence;
    int rc = 0;
    for (size_t i = 0; i < g->dirty.cap && !rc; i++) {
        uint32_t key = g->dirty.keys[i], k;
        if (key == HASH_U32_NONE || !hash_u32_get(&g->index, key, &k))
            continue;
        const struct gf_entity *e = &g->e[k];
        if (!e->n) { /* outside every zone: nothing to keep */
            rc = put(ctx, "geofence", key, 0, NULL);
            continue;
        }
        int64_t last = 0;
        ck_int(b, 1);
        ck_int(b, e->n);
        for (uint32_t n = 0; n < e->n; n++) {
            const struct gf_visit *v = &e->v[n];
            ck_str(b, g->zones.z[v->zone].name);
            ck_int(b, v->dwelt);
            ck_int(b, v->entry_t);
            ck_int(b, v->last_t);
            ck_int(b, v->open_t);
            ck_str(b, v->evidence);
            if (v->last_t > last)
                last = v->last_t;
        }
        rc = ck_put(put, ctx, "geofence", key, last, b);
    }
    hash_u32_reset(&g->dirty, 64);
    return rc;
}

int det_geofence_read(struct det *d, int64_t id, struct ck_reader *r)
{
    struct det_geofence *g = d->geofence;
    int64_t n = ck_get_int(r);
    if (r->bad || n <= 0 || n > 100000 || id < 0 || id > UINT32_MAX || !g->zones.n)
        return 1;
    struct gf_entity *e = entity_get(g, (uint32_t)id, true);
    for (int64_t k = 0; k < n && !r->bad; k++) {
        char zone[128];
        struct gf_visit v = {0};
        ck_get_str(r, zone, sizeof zone);
        v.dwelt = ck_get_int(r) != 0;
        v.entry_t = ck_get_int(r);
        v.last_t = ck_get_int(r);
        v.open_t = ck_get_int(r);
        ck_get_str(r, v.evidence, sizeof v.evidence);
        size_t z = 0;
        while (z < g->zones.n && strcmp(g->zones.z[z].name, zone))
            z++;
        bool known = z == g->zones.n; /* not loaded this time: dropped */
        for (uint32_t i = 0; i < e->n && !known; i++)
            known = e->v[i].zone == z;
        if (known || r->bad)
            continue;
        if (e->n == e->cap) {
            e->cap = e->cap ? 2 * e->cap : 2;
            e->v = xrealloc(e->v, e->cap * sizeof *e->v);
        }
        v.zone = (uint32_t)z;
        e->v[e->n++] = v;
    }
    return r->bad;
}

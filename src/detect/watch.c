#include "detect/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/xmalloc.h"
#include "detect/zone.h"
#include "ref/ref.h"
#include "ref/registry.h"
#include "ref/watchlist.h"

/* Areas are bits of trk_watch.areas: at most 32. */
#define MAX_AREAS 32

/* A watched entity that leaves and comes back (expired from the tracker
 * after 5 min out of coverage, say) is not news again until it has been away
 * this long. */
#define REVISIT_MS (6 * 3600 * 1000LL)

struct watch {
    struct hash_u32 seen; /* watched entity key -> last update, seconds (event time) */
    const struct ref *ref;
    const struct ref_wl_index *wl;
    struct sqlite3 *registry;
    struct det_zones areas; /* shared GeoJSON loading (zone.c) */
    struct watch_stats stats;
    event_sink_fn sink;
    void *sink_ctx;
    struct buf match;     /* the match's JSON, rendered for the alert */
    struct event scratch; /* the alert being raised */
};

struct watch *watch_new(const struct ref *r, const struct ref_wl_index *x, struct sqlite3 *registry,
                        event_sink_fn sink, void *ctx)
{
    struct watch *w = xcalloc(1, sizeof *w);
    w->sink = sink;
    w->sink_ctx = ctx;
    buf_init(&w->match, 256);
    w->ref = r;
    w->wl = x;
    w->registry = registry;
    hash_u32_init(&w->seen, 64);
    return w;
}

void watch_free(struct watch *w)
{
    if (!w)
        return;
    det_zones_free(&w->areas);
    hash_u32_free(&w->seen);
    buf_free(&w->match);
    free(w);
}

const struct watch_stats *watch_stats(const struct watch *w) { return &w->stats; }

/* ------------------------------------------------------------------ areas */

int watch_load_areas(struct watch *w, const char *path, char *err, size_t errn)
{
    return det_zones_load(&w->areas, path, MAX_AREAS, err, errn) < 0 ? -1 : 0;
}

static uint32_t areas_at(const struct watch *w, double lat, double lon)
{
    uint32_t mask = 0;
    for (size_t i = 0; i < w->areas.n; i++)
        if (det_zone_contains(&w->areas.z[i], lat, lon))
            mask |= 1u << i;
    return mask;
}

/* ------------------------------------------------------------- enrichment */

static void set_watch(struct watch *w, struct trk_watch *tw, const struct ref_wl_match *m, int n)
{
    const void *before = tw->entry;
    if (n > 0) {
        tw->entry = m[0].entry;
        tw->rule = (int8_t)m[0].rule;
        tw->weak = m[0].weak;
        if (tw->entry != before) {
            tw->announced = false; /* a new match (e.g. after a rename) is news */
            w->stats.matched++;
        }
    } else {
        tw->entry = NULL;
    }
}

static void enrich_vessel(void *ctx, struct trk_vessel *v)
{
    struct watch *w = ctx;
    w->stats.enriched++;
    struct ref_mmsi mm;
    if (w->ref && ref_mmsi_flag(w->ref, v->mmsi, &mm) && mm.country)
        snprintf(v->flag, sizeof v->flag, "%s", mm.country);
    if (!w->wl)
        return;
    struct ref_wl_vessel q = {.mmsi = v->mmsi, .imo = v->imo, .name = v->name[0] ? v->name : NULL,
                              .flag = v->flag[0] ? v->flag : NULL};
    struct ref_wl_match m[4];
    set_watch(w, &v->watch, m, ref_wl_match_vessel(w->wl, &q, m, 4));
}

static void enrich_aircraft(void *ctx, struct trk_aircraft *a)
{
    struct watch *w = ctx;
    w->stats.enriched++;
    uint32_t icao = a->icao & 0xFFFFFFu;
    bool icao_addr = !(a->icao & 0x1000000u);
    if (w->ref && icao_addr) {
        const char *c = ref_icao_country(w->ref, icao);
        if (c)
            snprintf(a->country, sizeof a->country, "%s", c);
    }
    char desig[4];
    if (a->callsign[0] && ref_callsign_designator(a->callsign, desig))
        memcpy(a->operator_icao, desig, sizeof desig);
    if (w->registry && icao_addr && !a->registration[0]) {
        struct ref_aircraft ra;
        if (ref_registry_by_icao24(w->registry, icao, &ra) == 1) {
            snprintf(a->registration, sizeof a->registration, "%s", ra.registration);
            snprintf(a->type_code, sizeof a->type_code, "%s", ra.type);
        }
    }
    if (!w->wl)
        return;
    struct ref_wl_aircraft q = {.icao24 = icao_addr ? icao : 0xFFFFFFFFu,
                                .registration = a->registration[0] ? a->registration : NULL,
                                .callsign = a->callsign[0] ? a->callsign : NULL};
    struct ref_wl_match m[4];
    set_watch(w, &a->watch, m, ref_wl_match_aircraft(w->wl, &q, m, 4));
}

struct trk_enricher watch_enricher(struct watch *w)
{
    return (struct trk_enricher){.ctx = w, .vessel = enrich_vessel, .aircraft = enrich_aircraft};
}

/* ----------------------------------------------------------------- alerts */

static void alert(struct watch *w, const struct trk_update *u, const char *kind, const char *area,
                  const char *evidence, size_t evlen)
{
    struct event *e = &w->scratch;
    ev_begin(e, kind, u->t_ms, u->t_ms);
    const struct trk_watch *tw;
    if (u->kind == TRK_VESSEL) {
        const struct trk_vessel *v = u->e.vessel;
        tw = &v->watch;
        if (v->v_pos.source != TRK_SRC_NONE)
            ev_pos(e, v->lat, v->lon);
        ev_entity(e, EVENT_VESSEL, v->mmsi, "subject");
        ev_str(e, "kind", "vessel");
        ev_uint(e, "mmsi", v->mmsi);
        if (v->name[0]) ev_str(e, "name", v->name);
        if (v->imo) ev_uint(e, "imo", v->imo);
        if (v->callsign[0]) ev_str(e, "callsign", v->callsign);
        if (v->flag[0]) ev_str(e, "flag", v->flag);
    } else {
        const struct trk_aircraft *a = u->e.aircraft;
        tw = &a->watch;
        if (a->v_pos.source != TRK_SRC_NONE)
            ev_pos(e, a->lat, a->lon);
        ev_entity(e, EVENT_AIRCRAFT, a->icao & 0xFFFFFFu, "subject");
        ev_str(e, "kind", "aircraft");
        ev_hex24(e, "icao", a->icao);
        if (a->callsign[0]) ev_str(e, "callsign", a->callsign);
        if (a->registration[0]) ev_str(e, "registration", a->registration);
        if (a->operator_icao[0]) ev_str(e, "operator", a->operator_icao);
        if (a->country[0]) ev_str(e, "country", a->country);
    }
    if (area) {
        ev_str(e, "area", area);
        ev_key_str(e, area);
    }
    struct ref_wl_match m = {.rule = (enum ref_wl_rule)tw->rule, .weak = tw->weak, .entry = tw->entry};
    struct jw j;
    w->match.len = 0;
    jw_init(&j, &w->match);
    ref_wl_match_json(&j, &m);
    ev_json(e, "match", w->match.p, w->match.len);
    ev_alert(e, ref_wl_rule_name(m.rule));
    ev_evidence(e, evidence, evlen);
    event_finish_key(e);
    if (w->sink)
        w->sink(w->sink_ctx, e);
}

void watch_note_seen(struct watch *w, uint8_t kind, uint32_t id, int64_t t_ms)
{
    uint32_t key = kind == TRK_VESSEL ? id : (id | 0x80000000u), last_s;
    if (!hash_u32_get(&w->seen, key, &last_s) || (int64_t)last_s * 1000 < t_ms)
        hash_u32_put(&w->seen, key, (uint32_t)(t_ms / 1000));
}

int watch_on_update(struct watch *w, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    struct trk_watch *tw;
    bool pos_changed = u->flags & TRK_U_POS;
    double lat, lon;
    if (u->kind == TRK_VESSEL) {
        tw = &u->e.vessel->watch;
        lat = u->e.vessel->lat;
        lon = u->e.vessel->lon;
    } else if (u->kind == TRK_AIRCRAFT) {
        tw = &u->e.aircraft->watch;
        lat = u->e.aircraft->lat;
        lon = u->e.aircraft->lon;
    } else {
        return 0;
    }
    if (!tw->entry)
        return 0;
    int n = 0;
    /* MMSIs stay below 2^30; aircraft keys carry bit 31. */
    uint32_t key = u->kind == TRK_VESSEL ? u->e.vessel->mmsi : (u->e.aircraft->icao | 0x80000000u);
    uint32_t last_s = 0;
    bool known = hash_u32_get(&w->seen, key, &last_s);
    hash_u32_put(&w->seen, key, (uint32_t)(u->t_ms / 1000));
    if (!tw->announced) {
        tw->announced = true;
        if (!known || u->t_ms - (int64_t)last_s * 1000 >= REVISIT_MS) {
            w->stats.sightings++;
            alert(w, u, "watchlist_sighting", NULL, evidence, evidence_len);
            n++;
        }
    }
    if (pos_changed && w->areas.n) {
        uint32_t now = areas_at(w, lat, lon);
        uint32_t entered = now & ~tw->areas;
        tw->areas = now;
        for (size_t i = 0; i < w->areas.n; i++)
            if (entered & (1u << i)) {
                w->stats.area_entries++;
                alert(w, u, "area_entry", w->areas.z[i].name, evidence, evidence_len);
                n++;
            }
    }
    return n;
}

/* restore.c: entities put back in the picture after a restart, as a store
 * last knew them (track.h, trk_restore), so the map shows every ship heard
 * within its TTL at once instead of as each reports again (minutes for an
 * anchored one). A restored entity is live as any other: its next message
 * is judged against its restored position and identity (a renamed ship is
 * an identity change, not a new entity). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ais/ais_msg.h"
#include "track/track_internal.h"

int64_t trk_ttl_ms(const struct trk *t, uint8_t kind)
{
    return kind == TRK_AIRCRAFT ? t->cfg.aircraft_ttl_ms : t->cfg.vessel_ttl_ms;
}

static void text(char *dst, size_t cap, const char *s)
{
    if (s && s[0])
        snprintf(dst, cap, "%s", s);
}

static void restore_vessel(struct trk *t, const struct trk_restore *r)
{
    struct trk_update u = {0};
    struct trk_vessel *v = trk_vessel_touch(t, r->id, r->t_ms, &u);
    v->lat = r->lat;
    v->lon = r->lon;
    trk_set(&v->v_pos, r->source ? r->source : TRK_SRC_AIS_OTHER, r->t_ms);
    v->station = r->source == TRK_SRC_AIS_A ? AIS_STATION_CLASS_A
                 : r->source == TRK_SRC_AIS_B ? AIS_STATION_CLASS_B
                                              : AIS_STATION_OTHER;
    if (isfinite(r->speed_kt) && r->speed_kt >= 0 && r->speed_kt < 102.3) {
        v->sog_dkn = (uint16_t)lround(r->speed_kt * 10);
        trk_set(&v->v_sog, v->v_pos.source, r->t_ms);
    }
    if (isfinite(r->course_deg) && r->course_deg >= 0 && r->course_deg < 360) {
        v->cog_ddeg = (uint16_t)lround(r->course_deg * 10) % 3600;
        trk_set(&v->v_cog, v->v_pos.source, r->t_ms);
    }
    /* Identity as of the store's record: valid from the position's time, so
     * the ship's own next report of any source replaces it. */
    if (r->name && r->name[0]) {
        text(v->name, sizeof v->name, r->name);
        trk_set(&v->v_name, v->v_pos.source, r->t_ms);
    }
    if (r->callsign && r->callsign[0]) {
        text(v->callsign, sizeof v->callsign, r->callsign);
        trk_set(&v->v_callsign, v->v_pos.source, r->t_ms);
    }
    if (r->imo) {
        v->imo = r->imo;
        trk_set(&v->v_imo, v->v_pos.source, r->t_ms);
    }
    if (r->shiptype) {
        v->shiptype = r->shiptype;
        trk_set(&v->v_type, v->v_pos.source, r->t_ms);
    }
    trk_trail_add(&v->trail, t->cfg.trail_points, r->lat, r->lon, r->t_ms, 0, false, r->speed_kt,
                  isfinite(r->speed_kt));
    if (t->cfg.enricher.vessel)
        t->cfg.enricher.vessel(t->cfg.enricher.ctx, v);
}

static void restore_aircraft(struct trk *t, const struct trk_restore *r)
{
    struct trk_update u = {0};
    struct trk_aircraft *a = trk_aircraft_touch(t, r->id, r->t_ms, &u);
    uint8_t src = r->source ? r->source : TRK_SRC_MODES;
    a->lat = r->lat;
    a->lon = r->lon;
    trk_set(&a->v_pos, src, r->t_ms);
    if (isfinite(r->alt_ft)) {
        a->alt_baro_ft = (int32_t)lround(r->alt_ft);
        trk_set(&a->v_alt_baro, src, r->t_ms);
    }
    if (isfinite(r->speed_kt)) {
        a->gs_kt = r->speed_kt;
        trk_set(&a->v_gs, src, r->t_ms);
    }
    if (isfinite(r->course_deg)) {
        a->track_deg = r->course_deg;
        trk_set(&a->v_track, src, r->t_ms);
    }
    if (r->callsign && r->callsign[0]) {
        text(a->callsign, sizeof a->callsign, r->callsign);
        trk_set(&a->v_callsign, src, r->t_ms);
    }
    text(a->registration, sizeof a->registration, r->registration);
    text(a->type_code, sizeof a->type_code, r->type_code);
    trk_trail_add(&a->trail, t->cfg.trail_points, r->lat, r->lon, r->t_ms, a->alt_baro_ft, isfinite(r->alt_ft),
                  r->speed_kt, isfinite(r->speed_kt));
    if (t->cfg.enricher.aircraft)
        t->cfg.enricher.aircraft(t->cfg.enricher.ctx, a);
}

int trk_restore(struct trk *t, const struct trk_restore *r, int64_t now_ms)
{
    uint32_t idx;
    if (r->t_ms <= 0 || now_ms - r->t_ms > trk_ttl_ms(t, r->kind) || !isfinite(r->lat) || !isfinite(r->lon))
        return 0;
    if (r->kind == TRK_VESSEL) {
        if (!r->id || hash_u32_get(&t->vessel_index, r->id, &idx))
            return 0;
        restore_vessel(t, r);
    } else if (r->kind == TRK_AIRCRAFT) {
        if (hash_u32_get(&t->aircraft_index, r->id, &idx))
            return 0;
        restore_aircraft(t, r);
    } else {
        return 0;
    }
    return 1;
}

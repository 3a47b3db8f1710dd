/* vessel.c: AIS messages -> vessel state.
 *
 * Class A reports outrank Class B, which outrank everything else (base
 * stations, AtoN, SAR aircraft, long-range/satellite type 27); see
 * validity.c for the rule. Static and voyage data (types 5, 19, 24) merge
 * field by field; a field that changes value is an identity change, reported
 * with its old value (a renamed or reflagged ship is history, not an update).
 */
#include <stdio.h>
#include <string.h>

#include "ais/ais.h"
#include "track/track_internal.h"

static uint8_t source_of(const struct ais_msg *m)
{
    switch (m->station) {
    case AIS_STATION_CLASS_A: return TRK_SRC_AIS_A;
    case AIS_STATION_CLASS_B: return TRK_SRC_AIS_B;
    default: return TRK_SRC_AIS_OTHER;
    }
}

static void identity(struct trk *t, struct trk_update *u, uint8_t field, const char *old)
{
    if (u->id_field != TRK_ID_NONE)
        return; /* one per update: the first (most significant) change wins */
    u->flags |= TRK_U_IDENTITY;
    u->id_field = field;
    snprintf(u->id_old, sizeof u->id_old, "%s", old);
    t->stats.identity_changes++;
}

static void set_text(struct trk *t, struct trk_update *u, struct trk_valid *v, char *dst, size_t cap,
                     const char *src, uint8_t field, uint8_t source, int64_t t_ms)
{
    if (!trk_accept(v, source, t_ms, t->cfg.vessel_stale_ms))
        return;
    /* A name is 20 characters in types 5, 19 and 24, up to 34 with the
     * name extension of type 21: the same name cut at 20 is no change, and
     * the longer spelling is kept. */
    size_t ld = strlen(dst), ls = strlen(src);
    if (field == TRK_ID_NAME && ld != ls && (ld == 20 || ls == 20) && !strncmp(dst, src, 20)) {
        if (ls > ld)
            snprintf(dst, cap, "%s", src);
        trk_set(v, source, t_ms);
        u->flags |= TRK_U_STATIC;
        return;
    }
    if (dst[0] && strcmp(dst, src) != 0)
        identity(t, u, field, dst);
    snprintf(dst, cap, "%s", src);
    trk_set(v, source, t_ms);
    u->flags |= TRK_U_STATIC;
}

static void update_position(struct trk *t, struct trk_vessel *v, const struct ais_msg *m, uint8_t src,
                            int64_t t_ms, struct trk_update *u)
{
    uint32_t h = m->has;
    if (h & AIS_HAS_POS) {
        double speed;
        if (!trk_accept(&v->v_pos, src, t_ms, t->cfg.vessel_stale_ms)) {
            if (t_ms < v->v_pos.t_ms)
                t->stats.positions_out_of_order++;
        } else if (!trk_plausible(t, &v->v_pos, v->lat, v->lon, m->lat, m->lon, t_ms, t->cfg.vessel_max_kt,
                                  &speed)) {
            v->rejected_positions++;
            t->stats.positions_rejected++;
            u->flags |= TRK_U_POS_REJECTED;
            u->rejected_speed_kt = speed;
            u->rejected_lat = m->lat;
            u->rejected_lon = m->lon;
        } else {
            v->lat = m->lat;
            v->lon = m->lon;
            trk_set(&v->v_pos, src, t_ms);
            t->stats.positions++;
            u->flags |= TRK_U_POS;
            trk_trail_add(&v->trail, t->cfg.trail_points, m->lat, m->lon, t_ms, 0, false, m->sog_dkn / 10.0,
                          (h & AIS_HAS_SOG) != 0);
        }
    }
    /* Kinematics travel with the position they were reported with. */
    if ((h & AIS_HAS_SOG) && trk_accept(&v->v_sog, src, t_ms, t->cfg.vessel_stale_ms)) {
        v->sog_dkn = m->sog_dkn;
        trk_set(&v->v_sog, src, t_ms);
        u->flags |= TRK_U_KINEMATICS;
    }
    if ((h & AIS_HAS_COG) && trk_accept(&v->v_cog, src, t_ms, t->cfg.vessel_stale_ms)) {
        v->cog_ddeg = m->cog_ddeg;
        trk_set(&v->v_cog, src, t_ms);
        u->flags |= TRK_U_KINEMATICS;
    }
    if ((h & AIS_HAS_HEADING) && trk_accept(&v->v_heading, src, t_ms, t->cfg.vessel_stale_ms)) {
        v->heading_deg = m->heading_deg;
        trk_set(&v->v_heading, src, t_ms);
    }
    if ((h & AIS_HAS_STATUS) && trk_accept(&v->v_status, src, t_ms, t->cfg.vessel_stale_ms)) {
        v->nav_status = m->nav_status;
        trk_set(&v->v_status, src, t_ms);
    }
}

static void update_static(struct trk *t, struct trk_vessel *v, const struct ais_msg *m, uint8_t src, int64_t t_ms,
                          struct trk_update *u)
{
    uint32_t h = m->has;
    if ((h & AIS_HAS_IMO) && trk_accept(&v->v_imo, src, t_ms, t->cfg.vessel_stale_ms)) {
        if (v->imo && v->imo != m->imo) {
            char old[16];
            snprintf(old, sizeof old, "%u", v->imo);
            identity(t, u, TRK_ID_IMO, old);
        }
        v->imo = m->imo;
        trk_set(&v->v_imo, src, t_ms);
        u->flags |= TRK_U_STATIC;
    }
    if (h & AIS_HAS_NAME)
        set_text(t, u, &v->v_name, v->name, sizeof v->name, m->shipname, TRK_ID_NAME, src, t_ms);
    if (h & AIS_HAS_CALLSIGN)
        set_text(t, u, &v->v_callsign, v->callsign, sizeof v->callsign, m->callsign, TRK_ID_CALLSIGN, src, t_ms);
    if ((h & AIS_HAS_SHIPTYPE) && trk_accept(&v->v_type, src, t_ms, t->cfg.vessel_stale_ms)) {
        if (v->shiptype && v->shiptype != m->shiptype) {
            char old[8];
            snprintf(old, sizeof old, "%u", v->shiptype);
            identity(t, u, TRK_ID_SHIPTYPE, old);
        }
        v->shiptype = m->shiptype;
        trk_set(&v->v_type, src, t_ms);
        u->flags |= TRK_U_STATIC;
    }
    if ((h & AIS_HAS_DIMS) && trk_accept(&v->v_dims, src, t_ms, t->cfg.vessel_stale_ms)) {
        v->to_bow = m->to_bow;
        v->to_stern = m->to_stern;
        v->to_port = m->to_port;
        v->to_starboard = m->to_starboard;
        trk_set(&v->v_dims, src, t_ms);
        u->flags |= TRK_U_STATIC;
    }
    if ((h & (AIS_HAS_DEST | AIS_HAS_ETA | AIS_HAS_DRAUGHT)) &&
        trk_accept(&v->v_voyage, src, t_ms, t->cfg.vessel_stale_ms)) {
        /* Voyage data is a unit (type 5): an absent part clears the old one. */
        snprintf(v->destination, sizeof v->destination, "%s", (h & AIS_HAS_DEST) ? m->destination : "");
        v->eta_month = (h & AIS_HAS_ETA) ? m->eta_month : 0;
        v->eta_day = (h & AIS_HAS_ETA) ? m->eta_day : 0;
        v->eta_hour = (h & AIS_HAS_ETA) ? m->eta_hour : 24;
        v->eta_minute = (h & AIS_HAS_ETA) ? m->eta_minute : 60;
        v->draught_dm = (h & AIS_HAS_DRAUGHT) ? m->draught_dm : 0;
        trk_set(&v->v_voyage, src, t_ms);
        u->flags |= TRK_U_STATIC;
    }
}

bool trk_update_ais(struct trk *t, const struct ais_msg *m, int64_t t_ms, struct trk_update *u)
{
    memset(u, 0, sizeof *u);
    t->stats.updates_ais++;
    if (m->mmsi == 0)
        return false;
    trk_maybe_sweep(t, t_ms);
    u->kind = TRK_VESSEL;
    u->t_ms = t_ms;
    struct trk_vessel *v = trk_vessel_touch(t, m->mmsi, t_ms, u);
    u->e.vessel = v;
    uint8_t src = source_of(m);
    if (m->station != AIS_STATION_OTHER && (v->station == AIS_STATION_OTHER || src >= TRK_SRC_AIS_A))
        v->station = m->station;
    if (t_ms > v->last_ms)
        v->last_ms = t->vessel_heard[v - t->vessels] = t_ms;
    v->messages++;
    update_position(t, v, m, src, t_ms, u);
    update_static(t, v, m, src, t_ms, u);
    /* Static data too: a callsign, name or IMO usually arrives after the first
     * message, and watchlist matching by it must not wait for a change. */
    if ((u->flags & (TRK_U_NEW | TRK_U_IDENTITY | TRK_U_STATIC)) && t->cfg.enricher.vessel)
        t->cfg.enricher.vessel(t->cfg.enricher.ctx, v);
    return true;
}

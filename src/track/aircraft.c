/* aircraft.c: decoded Mode S / ADS-B messages -> aircraft state.
 *
 * Source priority: ADS-B from the aircraft > ADS-R > TIS-B > Mode S replies >
 * SBS text (validity.c). Non-ICAO addresses (anonymous ADS-B, TIS-B track
 * numbers) live in their own key space (bit 24 set) so they never merge with
 * a real aircraft that happens to share the 24 bits.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "modes/modes_msg.h"
#include "track/track_internal.h"

#define NON_ICAO_KEY 0x1000000u

static uint8_t source_of(const struct modes_msg *m)
{
    if (m->source == MODES_SRC_SBS)
        return TRK_SRC_SBS;
    if (m->df == 17)
        return TRK_SRC_ADSB;
    if (m->df == 18) {
        switch (m->addr_kind) {
        case MODES_ADDR_TISB_ICAO: case MODES_ADDR_TISB_OTHER: return TRK_SRC_TISB;
        case MODES_ADDR_ADSR_ICAO: case MODES_ADDR_ADSR_OTHER: return TRK_SRC_ADSR;
        default: return TRK_SRC_ADSB;
        }
    }
    return TRK_SRC_MODES;
}

static bool accept(struct trk *t, struct trk_valid *v, uint8_t src, int64_t t_ms)
{
    if (!trk_accept(v, src, t_ms, t->cfg.aircraft_stale_ms))
        return false;
    trk_set(v, src, t_ms);
    return true;
}

static void update_position(struct trk *t, struct trk_aircraft *a, const struct modes_msg *m, uint8_t src,
                            int64_t t_ms, struct trk_update *u)
{
    double speed;
    if (!trk_accept(&a->v_pos, src, t_ms, t->cfg.aircraft_stale_ms)) {
        if (t_ms < a->v_pos.t_ms)
            t->stats.positions_out_of_order++;
        return;
    }
    if (!trk_plausible(t, &a->v_pos, a->lat, a->lon, m->lat, m->lon, t_ms, t->cfg.aircraft_max_kt, &speed)) {
        a->rejected_positions++;
        t->stats.positions_rejected++;
        u->flags |= TRK_U_POS_REJECTED;
        u->rejected_speed_kt = speed;
        u->rejected_lat = m->lat;
        u->rejected_lon = m->lon;
        return;
    }
    a->lat = m->lat;
    a->lon = m->lon;
    trk_set(&a->v_pos, src, t_ms);
    t->stats.positions++;
    u->flags |= TRK_U_POS;
    bool have_alt = a->v_alt_baro.source != TRK_SRC_NONE && t_ms - a->v_alt_baro.t_ms < t->cfg.aircraft_stale_ms;
    bool have_gs = a->v_gs.source != TRK_SRC_NONE && t_ms - a->v_gs.t_ms < t->cfg.aircraft_stale_ms;
    trk_trail_add(&a->trail, t->cfg.trail_points, m->lat, m->lon, t_ms, a->on_ground ? 0 : a->alt_baro_ft,
                  have_alt || a->on_ground, a->gs_kt, have_gs);
}

static void update_fields(struct trk *t, struct trk_aircraft *a, const struct modes_msg *m, uint8_t src,
                          int64_t t_ms, struct trk_update *u)
{
    if (MODES_HAS(m, MODES_F_ALT_BARO) && accept(t, &a->v_alt_baro, src, t_ms)) {
        a->alt_baro_ft = m->alt_baro_ft;
        u->flags |= TRK_U_KINEMATICS;
    }
    if (MODES_HAS(m, MODES_F_ALT_GEOM) && accept(t, &a->v_alt_geom, src, t_ms))
        a->alt_geom_ft = m->alt_geom_ft;
    if (MODES_HAS(m, MODES_F_GS) && accept(t, &a->v_gs, src, t_ms)) {
        a->gs_kt = m->gs_kt;
        u->flags |= TRK_U_KINEMATICS;
    }
    if (MODES_HAS(m, MODES_F_TRACK) && accept(t, &a->v_track, src, t_ms))
        a->track_deg = m->track_deg;
    if ((MODES_HAS(m, MODES_F_BARO_RATE) || MODES_HAS(m, MODES_F_GEOM_RATE)) && accept(t, &a->v_rate, src, t_ms))
        a->vrate_fpm = MODES_HAS(m, MODES_F_BARO_RATE) ? m->baro_rate_fpm : m->geom_rate_fpm;
    if (MODES_HAS(m, MODES_F_AIRGROUND) && accept(t, &a->v_ground, src, t_ms))
        a->on_ground = m->on_ground;
    if (MODES_HAS(m, MODES_F_CATEGORY) && accept(t, &a->v_category, src, t_ms))
        a->category = m->category;
    if (MODES_HAS(m, MODES_F_VERSION) && accept(t, &a->v_version, src, t_ms))
        a->version = m->version;
    if (MODES_HAS(m, MODES_F_NAC_P) && accept(t, &a->v_nac_p, src, t_ms)) {
        a->nac_p = m->nac_p;
        u->flags |= TRK_U_NAC_P;
    }
    if (MODES_HAS(m, MODES_F_SQUAWK) && trk_accept(&a->v_squawk, src, t_ms, t->cfg.aircraft_stale_ms)) {
        if (a->v_squawk.source != TRK_SRC_NONE && a->squawk != m->squawk)
            u->flags |= TRK_U_SQUAWK;
        else if (a->v_squawk.source == TRK_SRC_NONE)
            u->flags |= TRK_U_SQUAWK;
        a->squawk = m->squawk;
        trk_set(&a->v_squawk, src, t_ms);
    }
    if (MODES_HAS(m, MODES_F_CALLSIGN) && m->callsign[0] &&
        trk_accept(&a->v_callsign, src, t_ms, t->cfg.aircraft_stale_ms)) {
        if (a->callsign[0] && strcmp(a->callsign, m->callsign) != 0) {
            u->flags |= TRK_U_IDENTITY;
            u->id_field = TRK_ID_CALLSIGN;
            snprintf(u->id_old, sizeof u->id_old, "%s", a->callsign);
            t->stats.identity_changes++;
        }
        snprintf(a->callsign, sizeof a->callsign, "%s", m->callsign);
        trk_set(&a->v_callsign, src, t_ms);
        u->flags |= TRK_U_STATIC;
    }
}

bool trk_update_modes(struct trk *t, const struct modes_msg *m, int64_t t_ms, struct trk_update *u)
{
    memset(u, 0, sizeof *u);
    t->stats.updates_modes++;
    if (!MODES_HAS(m, MODES_F_ADDR)) {
        t->stats.no_address++;
        return false;
    }
    trk_maybe_sweep(t, t_ms);
    bool non_icao = m->addr_kind == MODES_ADDR_NON_ICAO || m->addr_kind == MODES_ADDR_TISB_OTHER ||
                    m->addr_kind == MODES_ADDR_ADSR_OTHER;
    uint32_t key = (m->addr & 0xFFFFFFu) | (non_icao ? NON_ICAO_KEY : 0);
    u->kind = TRK_AIRCRAFT;
    u->t_ms = t_ms;
    struct trk_aircraft *a = trk_aircraft_touch(t, key, t_ms, u);
    u->e.aircraft = a;
    a->addr_kind = m->addr_kind;
    if (t_ms > a->last_ms)
        a->last_ms = t->aircraft_heard[a - t->aircraft] = t_ms;
    a->messages++;
    if (!isnan(m->signal)) {
        /* Mean over roughly the last 8 messages, as readsb shows RSSI. */
        if (a->signal_n < 8)
            a->signal_n++;
        a->signal_avg += (m->signal - a->signal_avg) / a->signal_n;
    }
    uint8_t src = source_of(m);
    update_fields(t, a, m, src, t_ms, u);
    if (MODES_HAS(m, MODES_F_POS))
        update_position(t, a, m, src, t_ms, u);
    /* Static data too: a callsign, name or IMO usually arrives after the first
     * message, and watchlist matching by it must not wait for a change. */
    if ((u->flags & (TRK_U_NEW | TRK_U_IDENTITY | TRK_U_STATIC)) && t->cfg.enricher.aircraft)
        t->cfg.enricher.aircraft(t->cfg.enricher.ctx, a);
    return true;
}

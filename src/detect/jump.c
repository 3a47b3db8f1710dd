/* jump.c: impossible kinematics. The tracker drops a position that would
 * need an impossible speed from the last accepted one (TRK_U_POS_REJECTED:
 * 2000 kt for aircraft as readsb, 80 kn for vessels); here the drops of one
 * entity are gathered into spells and judged:
 *
 *   implausible_speed  the entity jumped: a run of rejected fixes (a false
 *                      position repeated, a fixed point, an offset track);
 *                      it ends when the fixes agree again for
 *                      spoof_settle_min, whether the entity came back or the
 *                      tracker gave in and took the new place (its 30 min
 *                      reset);
 *   mmsi_two_places    during the spell the fixes kept coming back to the
 *                      first place between rejected ones (spoof_two_places_min
 *                      returns): two transmitters under one identity, or a
 *                      spoofer broadcasting beside the real ship.
 *
 * One rejected fix alone is a glitch (a corrupted message that passed its
 * checksum), not a spell: spoof_min_rejected (2) are needed, as readsb
 * trusts a position only once it is confirmed by the next. A jump shorter
 * than spoof_min_jump_nm (3 nm) is not reported either: satellite AIS is
 * time-stamped when a pass is downlinked, minutes after the ship sent it
 * (AMSA's exactEarth sample has dozens of 0.6-1.2 nm "jumps" at 600-1000 kt
 * for that reason; 10 min at 15 kn is 2.5 nm). */
#include <string.h>

#include "common/geo.h"
#include "detect/spoof.h"

static void evidence(struct event *ev, const struct spoof_spell *sp, const int *which, int n)
{
    for (int k = 0; k < n; k++)
        ev_evidence_str(ev, sp->ev[which[k]]);
}

void spoof_kin_close(struct det *d, int32_t si)
{
    struct det_spoof *s    = d->spoof;
    struct spoof_spell *sp = &s->spells[si];
    struct spoof_ent *e    = &s->ents[sp->ent];
    e->kin                 = SPOOF_NONE;
    bool two               = sp->returns >= (uint32_t)d->cfg.spoof_two_places_min;
    double jump_m          = two ? geo_distance_m(sp->lat4, sp->lon4, sp->lat3, sp->lon3)
                                 : geo_distance_m(sp->lat, sp->lon, sp->lat2, sp->lon2);
    /* An aircraft's own-speed jump is accepted, so one confirmed by a later
     * agreeing fix counts as the second sign. */
    uint32_t signs = sp->n + (sp->own_speed && sp->confirmed ? 1 : 0);
    if (signs < (uint32_t)d->cfg.spoof_min_rejected || jump_m < d->cfg.spoof_min_jump_nm * GEO_M_PER_NM) {
        spoof_spell_release(s, si);
        return;
    }
    struct event ev;
    if (two) {
        d->stats.two_places++;
        ev_begin(&ev, "mmsi_two_places", sp->t0, sp->t1);
        ev_pos(&ev, sp->lat4, sp->lon4);
        spoof_entity_fields(&ev, e);
        ev_real(&ev, "lat2", sp->lat3, 5);
        ev_real(&ev, "lon2", sp->lon3, 5);
        ev_real(&ev, "distance_nm", jump_m / GEO_M_PER_NM, 1);
        ev_uint(&ev, "fixes", sp->n2);
        ev_uint(&ev, "fixes2", sp->n);
        ev_uint(&ev, "returns", sp->returns);
        ev_real(&ev, "implied_speed_kt", sp->max_kt, 0);
        static const int which[] = {3, 2};
        evidence(&ev, sp, which, 2);
    } else {
        d->stats.implausible_speed++;
        ev_begin(&ev, "implausible_speed", sp->t0, sp->t1);
        ev_pos(&ev, sp->lat, sp->lon);
        spoof_entity_fields(&ev, e);
        ev_real(&ev, "implied_speed_kt", sp->first_kt, 0);
        ev_real(&ev, "max_speed_kt", sp->max_kt, 0);
        ev_real(&ev, "rejected_lat", sp->lat2, 5);
        ev_real(&ev, "rejected_lon", sp->lon2, 5);
        ev_real(&ev, "distance_nm", jump_m / GEO_M_PER_NM, 1);
        ev_uint(&ev, "rejected", sp->n);
        ev_uint(&ev, "accepted", sp->n2);
        /* moved: the tracker ended up taking the new place (the false position
         * persisted past its reset); else the entity came back. */
        ev_bool(&ev, "moved", sp->moved);
        if (sp->own_speed) /* judged against the aircraft's own ground speed */
            ev_real(&ev, "reported_speed_kt", sp->reported_kt, 0);
        static const int which[] = {0, 1, 2};
        evidence(&ev, sp, which, 3);
    }
    det_emit(d, &ev);
    spoof_spell_release(s, si);
}

/* A position the entity could not have reached: opens or extends its spell. */
static struct spoof_spell *kin_jump(struct det_spoof *s, uint32_t ei, int64_t t, double lat, double lon,
                                    double speed_kt, const char *ev, size_t evlen)
{
    struct spoof_ent *e = &s->ents[ei];
    if (e->kin == SPOOF_NONE) {
        int32_t si             = spoof_spell_new(s, SPELL_KIN, ei, t);
        struct spoof_spell *sp = &s->spells[si];
        e->kin                 = si;
        sp->lat                = e->have_acc ? e->acc_lat : lat;
        sp->lon                = e->have_acc ? e->acc_lon : lon;
        memcpy(sp->ev[0], e->acc_ev, DET_EVIDENCE);
        sp->lat2 = lat;
        sp->lon2 = lon;
        spoof_copy_ev(sp->ev[1], ev, evlen);
        sp->first_kt = speed_kt;
    }
    struct spoof_spell *sp = &s->spells[e->kin];
    sp->n++;
    sp->t1 = t;
    if (speed_kt > sp->max_kt)
        sp->max_kt = speed_kt;
    sp->lat3 = lat;
    sp->lon3 = lon;
    spoof_copy_ev(sp->ev[2], ev, evlen);
    sp->last_rejected = true;
    return sp;
}

/* Aircraft: the CPR decoder drops a jump until its own 1500 kt allowance has
 * grown to cover it, and the tracker's 2000 kt then never objects, so a
 * spoofed aircraft position arrives accepted, minutes late. readsb instead
 * bounds each move by the aircraft's own reported ground speed (the larger
 * of now and at the last fix, plus a third, at least 200 kt airborne): a
 * move beyond spoof_ac_speed_factor (1.3) x that speed, at least
 * spoof_ac_min_kt (200), plus 1 km, is a jump here. Returns the implied
 * speed when it is one, else 0. */
static double aircraft_jump(const struct det *d, const struct spoof_ent *e, const struct trk_aircraft *a,
                            int64_t t, double lat, double lon)
{
    if (!e->have_acc || t <= e->acc_t || t - e->acc_t > 1800000 || a->v_gs.source == TRK_SRC_NONE ||
        t - a->v_gs.t_ms > 60000)
        return 0; /* no reference (after 30 min, as the tracker, anything goes) or no speed */
    double gs    = a->gs_kt > e->acc_gs_kt ? a->gs_kt : e->acc_gs_kt;
    double bound = gs * d->cfg.spoof_ac_speed_factor;
    if (bound < d->cfg.spoof_ac_min_kt)
        bound = d->cfg.spoof_ac_min_kt;
    double dt_h = (double)(t - e->acc_t + 1000) / 3600000.0; /* one second of timing slack, as readsb */
    double m    = geo_distance_m(e->acc_lat, e->acc_lon, lat, lon);
    if (m <= 1000.0 + bound * GEO_M_PER_NM * dt_h)
        return 0;
    return m / GEO_M_PER_NM / ((double)(t - e->acc_t) / 3600000.0);
}

void spoof_kin_on_update(struct det *d, uint32_t ei, const struct trk_update *u, double lat, double lon,
                         const char *ev, size_t evlen)
{
    struct det_spoof *s = d->spoof;
    struct spoof_ent *e = &s->ents[ei];
    if (u->flags & TRK_U_POS_REJECTED)
        kin_jump(s, ei, u->t_ms, u->rejected_lat, u->rejected_lon, u->rejected_speed_kt, ev, evlen);
    if (!(u->flags & TRK_U_POS))
        return;
    double own = u->kind == TRK_AIRCRAFT ? aircraft_jump(d, e, u->e.aircraft, u->t_ms, lat, lon) : 0;
    if (own > 0) {
        /* Accepted by the tracker, so the aircraft is now there: the spell
         * counts the jump, and fixes after it that agree confirm it. */
        struct spoof_spell *sp = kin_jump(s, ei, u->t_ms, lat, lon, own, ev, evlen);
        sp->own_speed          = true;
        sp->reported_kt        = u->e.aircraft->gs_kt > e->acc_gs_kt ? u->e.aircraft->gs_kt : e->acc_gs_kt;
        sp->moved              = true;
        sp->last_rejected      = false;
    } else if (e->kin != SPOOF_NONE) {
        struct spoof_spell *sp = &s->spells[e->kin];
        /* An accepted fix right after a rejected one: nearer the rejected place
         * than the previous accepted fix, the tracker has moved there (reset);
         * otherwise the entity is heard at the first place again. */
        if (sp->last_rejected && e->have_acc &&
            geo_distance_m(lat, lon, sp->lat3, sp->lon3) < geo_distance_m(lat, lon, e->acc_lat, e->acc_lon))
            sp->moved = true;
        else if (sp->last_rejected)
            sp->returns++;
        if (!sp->moved) {
            sp->n2++;
            sp->lat4 = lat;
            sp->lon4 = lon;
            spoof_copy_ev(sp->ev[3], ev, evlen);
        } else if (sp->own_speed) {
            sp->confirmed++;
        }
        sp->last_rejected = false;
    }
    e->have_acc = true;
    e->acc_t    = u->t_ms;
    e->acc_lat  = lat;
    e->acc_lon  = lon;
    if (u->kind == TRK_AIRCRAFT)
        e->acc_gs_kt = u->e.aircraft->v_gs.source != TRK_SRC_NONE ? u->e.aircraft->gs_kt : 0;
    spoof_copy_ev(e->acc_ev, ev, evlen);
}

/* gnss.c: GNSS degradation seen through ADS-B. An aircraft states the
 * accuracy of its own position as NACp (DO-260B 2.2.3.2.7.2.7, in TC 29 and
 * TC 31); jamming or spoofing of its GNSS receiver drives it down.
 *
 * The counter rule follows readsb (its gpsOkBefore flag, as gpsjam.org
 * describes it: wiseman/gpsjam.org issue 13): each report below a threshold
 * raises a per-aircraft counter, each good report lowers it, the counter is
 * capped, and only a counter at a high mark says "degraded", so one odd
 * report never does and recovery needs a run of good ones. Our defaults: a
 * report with NACp < gnss_nacp_bad (8: an estimated position uncertainty of
 * 0.05 nm / 93 m or worse, the minimum 14 CFR 91.227 requires of ADS-B Out)
 * counts up, NACp >= gnss_nacp_good (8) counts down, degraded at
 * gnss_count_open (18), counter capped at gnss_count_max (20), as readsb.
 * (readsb's own thresholds, NACp <= 2 up and >= 4 down, are a setting away:
 * bad 3, good 4.) The spell ends when the counter is back at 0, or after
 * spoof_settle_min without reports. Only the aircraft's own ADS-B counts:
 * TIS-B carries the ground system's quality.
 *
 * Jamming areas: gpsjam.org maps the share of aircraft with degraded GNSS
 * per area and day, and counts an area only when several aircraft say so (a
 * single aircraft is more likely an avionics fault). Here, when
 * jam_min_aircraft (3) aircraft become degraded within jam_radius_nm (100 nm)
 * of each other and within jam_window_min (30 min), that is one
 * "gnss_jamming_area" event, held open while its aircraft stay degraded.
 * A degraded aircraft is reported open when its counter reaches the mark
 * (and again every open_update_min), then closed with the same key. */
#include <stdio.h>
#include <string.h>

#include "common/geo.h"
#include "detect/spoof.h"

static void gnss_event(struct det *d, const struct spoof_spell *sp, const struct spoof_ent *e, bool open)
{
    struct event ev;
    ev_begin(&ev, "gnss_degraded", sp->t0, sp->t1);
    ev_state(&ev, open ? EVENT_OPEN : EVENT_CLOSED);
    if (sp->have_pos) /* the last position while GNSS was good */
        ev_pos(&ev, sp->lat, sp->lon);
    spoof_entity_fields(&ev, e);
    ev_uint(&ev, "min_nacp", sp->min_nacp);
    ev_uint(&ev, "reports", sp->n);
    if (sp->have_box) { /* where it flew while degraded */
        ev_real(&ev, "min_lat", sp->minlat, 5);
        ev_real(&ev, "min_lon", sp->minlon, 5);
        ev_real(&ev, "max_lat", sp->maxlat, 5);
        ev_real(&ev, "max_lon", sp->maxlon, 5);
    }
    ev_evidence_str(&ev, sp->ev[0]);
    ev_evidence_str(&ev, sp->ev[1]);
    det_emit(d, &ev);
}

void spoof_gnss_close(struct det *d, int32_t si)
{
    struct det_spoof *s    = d->spoof;
    struct spoof_spell *sp = &s->spells[si];
    struct spoof_ent *e    = &s->ents[sp->ent];
    e->gnss                = SPOOF_NONE;
    e->gnss_count          = 0;
    if (!sp->open) {
        spoof_spell_release(s, si);
        return;
    }
    d->stats.gnss_degraded++;
    gnss_event(d, sp, e, false);
    spoof_spell_release(s, si);
}

static void area_emit(struct det *d, struct spoof_area *a)
{
    struct det_spoof *s = d->spoof;
    d->stats.gnss_jamming++;
    struct event ev;
    ev_begin(&ev, "gnss_jamming_area", a->t0, a->t1);
    uint32_t kept = a->n < SPOOF_AREA_MEMBERS ? a->n : SPOOF_AREA_MEMBERS;
    ev_pos(&ev, a->lat_sum / kept, a->lon_sum / kept);
    /* No subject: the area's first aircraft and where it opened tell it apart. */
    ev_key_u64(&ev, (uint64_t)(int64_t)(a->lat0 * 1e5) << 32 ^ (uint64_t)(int64_t)(a->lon0 * 1e5));
    char list[SPOOF_AREA_MEMBERS * 9 + 4];
    size_t k0 = 0;
    list[k0++] = '[';
    for (uint32_t k = 0; k < kept; k++) {
        uint32_t icao = s->ents[a->members[k]].key & 0xFFFFFFu;
        ev_entity(&ev, EVENT_AIRCRAFT, icao, "member");
        k0 += (size_t)snprintf(list + k0, sizeof list - k0, "%s\"%06x\"", k ? "," : "", icao);
    }
    list[k0++] = ']';
    ev_real(&ev, "radius_nm", d->cfg.jam_radius_nm, 0);
    ev_uint(&ev, "aircraft", a->n);
    ev_json(&ev, "icao", list, k0);
    for (int k = 0; k < 3; k++)
        ev_evidence_str(&ev, a->ev[k]);
    det_emit(d, &ev);
    a->used = false;
}

void spoof_areas_sweep(struct det *d, int64_t before)
{
    for (size_t i = 0; i < sizeof d->spoof->areas / sizeof d->spoof->areas[0]; i++) {
        struct spoof_area *a = &d->spoof->areas[i];
        if (a->used && (before == INT64_MAX || a->t1 < before))
            area_emit(d, a);
    }
}

static void area_add(struct spoof_area *a, const struct det_spoof *s, const struct spoof_recent *r)
{
    for (uint32_t k = 0; k < a->n && k < SPOOF_AREA_MEMBERS; k++)
        if (a->members[k] == r->ent)
            return;
    if (a->n < SPOOF_AREA_MEMBERS) {
        a->members[a->n] = r->ent;
        a->lat_sum += r->lat;
        a->lon_sum += r->lon;
        const struct spoof_ent *e = &s->ents[r->ent];
        if (a->n < 3 && e->gnss != SPOOF_NONE)
            memcpy(a->ev[a->n], s->spells[e->gnss].ev[0], DET_EVIDENCE);
    }
    a->n++;
    if (r->t < a->t0)
        a->t0 = r->t;
    if (r->t > a->t1)
        a->t1 = r->t;
}

static bool is_member(const struct spoof_area *a, uint32_t ent)
{
    for (uint32_t k = 0; k < a->n && k < SPOOF_AREA_MEMBERS; k++)
        if (a->members[k] == ent)
            return true;
    return false;
}

/* A newly degraded aircraft at (lat, lon): joins an open area near it, or
 * with enough recent degraded neighbours opens one. */
static void area_note(struct det *d, uint32_t ei, int64_t t, int64_t t0, double lat, double lon)
{
    struct det_spoof *s       = d->spoof;
    double radius_m           = d->cfg.jam_radius_nm * GEO_M_PER_NM;
    int64_t window            = (int64_t)(d->cfg.jam_window_min * 60000.0);
    struct spoof_recent me    = {ei, t0, lat, lon};
    s->recent[s->recent_head] = me;
    s->recent_head            = (s->recent_head + 1) % SPOOF_RECENT;
    if (s->nrecent < SPOOF_RECENT)
        s->nrecent++;
    size_t nareas = sizeof s->areas / sizeof s->areas[0];
    for (size_t i = 0; i < nareas; i++) {
        struct spoof_area *a = &s->areas[i];
        if (a->used && geo_distance_m(a->lat0, a->lon0, lat, lon) <= radius_m) {
            area_add(a, s, &me);
            if (t > a->t1)
                a->t1 = t;
            return;
        }
    }
    uint32_t near[SPOOF_RECENT], n = 0;
    for (int k = 0; k < s->nrecent; k++) {
        const struct spoof_recent *r = &s->recent[k];
        if (t - r->t > window || geo_distance_m(r->lat, r->lon, lat, lon) > radius_m)
            continue;
        bool dup = false;
        for (uint32_t j = 0; j < n && !dup; j++)
            dup = s->recent[near[j]].ent == r->ent;
        if (!dup)
            near[n++] = (uint32_t)k;
    }
    if (n < (uint32_t)d->cfg.jam_min_aircraft)
        return;
    for (size_t i = 0; i < nareas; i++) {
        struct spoof_area *a = &s->areas[i];
        if (a->used)
            continue;
        memset(a, 0, sizeof *a);
        a->used = true;
        a->t0 = a->t1 = t0;
        a->lat0       = lat;
        a->lon0       = lon;
        for (uint32_t j = 0; j < n; j++)
            area_add(a, s, &s->recent[near[j]]);
        if (t > a->t1)
            a->t1 = t;
        return;
    }
    /* More simultaneous areas than we hold: the aircraft events still stand. */
}

bool spoof_in_area(const struct det_spoof *s, uint32_t ei)
{
    for (size_t i = 0; i < sizeof s->areas / sizeof s->areas[0]; i++)
        if (s->areas[i].used && is_member(&s->areas[i], ei))
            return true;
    return false;
}

/* A low report from an aircraft keeps its areas open. */
static void area_touch(struct det_spoof *s, uint32_t ei, int64_t t)
{
    for (size_t i = 0; i < sizeof s->areas / sizeof s->areas[0]; i++)
        if (s->areas[i].used && is_member(&s->areas[i], ei) && t > s->areas[i].t1)
            s->areas[i].t1 = t;
}

void spoof_gnss_on_update(struct det *d, uint32_t ei, const struct trk_update *u, const char *ev,
                          size_t evlen)
{
    struct det_spoof *s          = d->spoof;
    const struct trk_aircraft *a = u->e.aircraft;
    struct spoof_ent *e          = &s->ents[ei];
    if ((u->flags & TRK_U_POS) && e->gnss_count == 0) {
        e->have_ok = true;
        e->ok_t    = u->t_ms;
        e->ok_lat  = a->lat;
        e->ok_lon  = a->lon;
    }
    if ((u->flags & TRK_U_POS) && e->gnss != SPOOF_NONE) {
        struct spoof_spell *sp = &s->spells[e->gnss];
        if (!sp->have_box) {
            sp->have_box = true;
            sp->minlat = sp->maxlat = a->lat;
            sp->minlon = sp->maxlon = a->lon;
        }
        sp->minlat = a->lat < sp->minlat ? a->lat : sp->minlat;
        sp->maxlat = a->lat > sp->maxlat ? a->lat : sp->maxlat;
        sp->minlon = a->lon < sp->minlon ? a->lon : sp->minlon;
        sp->maxlon = a->lon > sp->maxlon ? a->lon : sp->maxlon;
    }
    if (!(u->flags & TRK_U_NAC_P) || a->v_nac_p.source < TRK_SRC_ADSR)
        return;
    const struct det_config *c = &d->cfg;
    if (a->nac_p < c->gnss_nacp_bad) {
        if (e->gnss_count < c->gnss_count_max)
            e->gnss_count++;
        if (e->gnss == SPOOF_NONE) { /* the rise starts: tentative until the counter is high */
            int32_t si             = spoof_spell_new(s, SPELL_GNSS, ei, u->t_ms);
            e                      = &s->ents[ei];
            e->gnss                = si;
            struct spoof_spell *sp = &s->spells[si];
            sp->min_nacp           = a->nac_p;
            if (e->have_ok) {
                sp->have_pos = true;
                sp->lat      = e->ok_lat;
                sp->lon      = e->ok_lon;
            }
            spoof_copy_ev(sp->ev[0], ev, evlen);
        }
        struct spoof_spell *sp = &s->spells[e->gnss];
        sp->n++;
        sp->t1 = u->t_ms;
        if (a->nac_p < sp->min_nacp)
            sp->min_nacp = a->nac_p;
        spoof_copy_ev(sp->ev[1], ev, evlen);
        if (!sp->open && e->gnss_count >= c->gnss_count_open) {
            sp->open = true;
            sp->open_emit_t = u->t_ms;
            gnss_event(d, sp, e, true);
            /* Placed by the last good fix, else the current one. */
            bool placed = e->have_ok || a->v_pos.source != TRK_SRC_NONE;
            if (placed)
                area_note(d, ei, u->t_ms, sp->t0, e->have_ok ? e->ok_lat : a->lat,
                          e->have_ok ? e->ok_lon : a->lon);
        } else if (sp->open) {
            area_touch(s, ei, u->t_ms);
            if (det_open_due(d, &sp->open_emit_t, u->t_ms))
                gnss_event(d, sp, e, true);
        }
    } else if (a->nac_p >= c->gnss_nacp_good && e->gnss_count > 0) {
        e->gnss_count--;
        if (e->gnss_count == 0 && e->gnss != SPOOF_NONE)
            spoof_gnss_close(d, e->gnss);
    }
}

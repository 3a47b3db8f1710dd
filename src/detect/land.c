/* land.c: a ship reporting positions on land. A ship's AIS position comes
 * from its GNSS receiver; a fix well inland is a false position (spoofed or
 * manipulated AIS, or a GNSS spoofer nearby: on 22 June 2017 ships 25 nm off
 * Novorossiysk were shown near Gelendzhik airport, inland, as the US MARAD
 * alert and the USCG NAVCEN reports of the day tell; dozens were again in
 * June 2024), and positions on land are the first plausibility test in the
 * literature on AIS data quality (Harati-Mokhtari et al. 2007, J. Navigation
 * 60(3); Emmens et al. 2021, "The promises and perils of Automatic
 * Identification System data", Expert Syst. Appl. 178).
 *
 * Land is the reference data's Natural Earth 1:50m country polygons. Their
 * coastline is generalised by a few hundred metres, ports and docks sit on
 * it, and harbours, estuaries and rivers are mostly not cut out (Sydney
 * Harbour, the Brisbane and Yarra rivers and Palembang on the Musi are all
 * "land" 5-20 nm from mapped water in AMSA's samples), so a fix counts only
 * when no water lies within land_inland_nm (5 nm) in any of 24 directions
 * and no World Port Index port is within land_port_nm (20 nm).
 *
 * How the ship got there tells spoofing from unmapped water. A false
 * position arrives by a jump (the ships of 2017 and 2024 "appeared" at the
 * airports; the tracker rejects the jump) or is there from the first report;
 * a ship whose accepted track sails onto land at a plausible speed is almost
 * always on a river or in a harbour the polygons fill in. So a spell is
 * reported when it was entered by a jump or heard there first ("entry":
 * "jump", "first_heard"), and a sailed-in one only with land_report_sailed.
 * Each ship's result is reused while it stays within land_recheck_nm (1 nm)
 * of the place last tested: one polygon test per mile sailed, not per
 * report. One event per spell; the spell ends spoof_settle_min (10 min)
 * after the last inland fix. */
#include <string.h>

#include "common/geo.h"
#include "detect/spoof.h"
#include "ref/ref.h"

#define LAND_BEARINGS 24
#define LAND_PROBE_FACTOR 4 /* how far past the margin to look for water, for the report */

/* Distance to the nearest water in nm, coarse (1 nm rings), when the point
 * is on land and no water is within margin_nm; -1 otherwise. */
static double inland_nm(const struct ref *r, double lat, double lon, double margin_nm, double port_nm)
{
    double dist;
    if (!r || !ref_country_at(r, lat, lon) || ref_port_nearest(r, lat, lon, port_nm * GEO_M_PER_NM, &dist))
        return -1;
    double step = margin_nm < 5 ? margin_nm / 5 : 1.0;
    for (double d = step; d <= margin_nm * LAND_PROBE_FACTOR + 1e-9; d += step)
        for (int b = 0; b < LAND_BEARINGS; b++) {
            double la, lo;
            geo_destination(lat, lon, b * (360.0 / LAND_BEARINGS), d * GEO_M_PER_NM, &la, &lo);
            if (!ref_country_at(r, la, lo))
                return d < margin_nm ? -1 : d;
        }
    return margin_nm * LAND_PROBE_FACTOR;
}

void spoof_land_close(struct det *d, int32_t si)
{
    struct det_spoof *s    = d->spoof;
    struct spoof_spell *sp = &s->spells[si];
    struct spoof_ent *e    = &s->ents[sp->ent];
    e->land                = SPOOF_NONE;
    if (sp->n < (uint32_t)d->cfg.spoof_min_rejected ||
        (sp->entry == LAND_SAILED && !d->cfg.land_report_sailed)) {
        spoof_spell_release(s, si);
        return;
    }
    d->stats.on_land++;
    struct event ev;
    ev_begin(&ev, "position_on_land", sp->t0, sp->t1);
    ev_pos(&ev, sp->lat, sp->lon);
    spoof_entity_fields(&ev, e);
    ev_real(&ev, "last_lat", sp->lat2, 5);
    ev_real(&ev, "last_lon", sp->lon2, 5);
    const char *country = ref_country_at(d->ref, sp->lat, sp->lon);
    if (country)
        ev_str(&ev, "country", country);
    ev_real(&ev, "inland_nm", sp->inland_nm, 0);
    double dist;
    const struct ref_port *port = ref_port_nearest(d->ref, sp->lat, sp->lon, 200 * GEO_M_PER_NM, &dist);
    if (port) { /* context for the analyst: where the ship could have been */
        ev_str(&ev, "port", port->name);
        ev_real(&ev, "port_nm", dist / GEO_M_PER_NM, 0);
    }
    ev_uint(&ev, "fixes", sp->n);
    static const char *const entries[] = {"sailed", "first_heard", "jump"};
    ev_str(&ev, "entry", entries[sp->entry]);
    ev_evidence_str(&ev, sp->ev[0]);
    if (sp->n > 1)
        ev_evidence_str(&ev, sp->ev[1]);
    det_emit(d, &ev);
    spoof_spell_release(s, si);
}

void spoof_land_on_fix(struct det *d, uint32_t ei, int64_t t, double lat, double lon, bool rejected,
                       const char *ev, size_t evlen)
{
    struct det_spoof *s = d->spoof;
    struct spoof_ent *e = &s->ents[ei];
    if (!d->ref)
        return;
    if (!e->land_checked ||
        geo_distance_m(lat, lon, e->land_lat, e->land_lon) > d->cfg.land_recheck_nm * GEO_M_PER_NM) {
        e->land_checked   = true;
        e->land_lat       = lat;
        e->land_lon       = lon;
        e->land_inland_nm = inland_nm(d->ref, lat, lon, d->cfg.land_inland_nm, d->cfg.land_port_nm);
    }
    if (e->land_inland_nm < 0)
        return; /* at sea or on the coast: a spell ends only by time, so a ship
                 * flitting between land and sea stays one event */
    /* e->acc is still the fix before this one: a jump is a rejected fix or
     * an open spell of them; no recent accepted fix means first heard. */
    uint8_t entry = rejected || e->kin != SPOOF_NONE ? LAND_JUMP
                    : !e->have_acc || t - e->acc_t > (int64_t)(d->cfg.spoof_settle_min * 60000.0)
                        ? LAND_FIRST_HEARD
                        : LAND_SAILED;
    if (e->land == SPOOF_NONE) {
        int32_t si          = spoof_spell_new(s, SPELL_LAND, ei, t);
        e                   = &s->ents[ei];
        e->land             = si;
        s->spells[si].lat   = lat;
        s->spells[si].lon   = lon;
        s->spells[si].entry = entry;
        spoof_copy_ev(s->spells[si].ev[0], ev, evlen);
    }
    struct spoof_spell *sp = &s->spells[e->land];
    if (entry == LAND_JUMP) /* a jump later in the spell makes it one too */
        sp->entry = LAND_JUMP;
    sp->n++;
    sp->t1   = t;
    sp->lat2 = lat;
    sp->lon2 = lon;
    if (e->land_inland_nm > sp->inland_nm)
        sp->inland_nm = e->land_inland_nm;
    spoof_copy_ev(sp->ev[1], ev, evlen);
}

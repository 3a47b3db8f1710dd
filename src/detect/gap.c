/* gap.c: AIS dark gaps. A vessel whose next position comes >= gap_min_h
 * after the previous one has a gap (GFW logs gaps of 6 h or more). It is
 * "likely deliberate" (GFW's AIS disabling events, Welch et al. 2022) when it
 * lasts >= 12 h, starts >= 50 nm from shore, and reception was good before
 * (the vessel reported often in the 6 h before). A gap during which the
 * receiver that last heard the vessel was itself silent is a coverage gap: it
 * is reported as such, never as deliberate, so one receiver's outage does not
 * flood the list with "dark" ships. So is a gap in an area where nobody else
 * was heard either (a coverage hole: a ship sailing beyond its receivers'
 * range): reception is judged from the positions heard from other vessels
 * within about a degree of where the vessel fell silent, during the gap. */
#include <math.h>

#include "common/geo.h"
#include "detect/detect_internal.h"

void det_gap_emit(struct det *d, const struct det_vessel *v, const struct trk_vessel *tv, int64_t t,
                  double lat1, double lon1, const char *evidence, size_t evlen, uint32_t new_mmsi)
{
    const struct det_config *c = &d->cfg;
    double hours = (double)(t - v->last_t) / 3600000.0;
    int before = 0;
    for (int i = 0; i < v->recent_n; i++)
        if (v->recent[i] >= v->last_t - 6 * 3600000LL)
            before++;
    double silence = det_source_silence(det_source_get(d, v->last_source), v->last_t, t);
    uint32_t others = det_heard_near(d, v->last_lat, v->last_lon, v->last_t, t);
    /* At least one position an hour from others nearby: the area was covered. */
    bool coverage = silence > 0.5 || others < (uint32_t)(hours > 2 ? hours - 2 : 1);
    double shore = det_shore_nm(d->ref, v->last_lat, v->last_lon, c->gap_deliberate_shore_nm);
    bool deliberate = !coverage && hours >= c->gap_deliberate_h && shore >= c->gap_deliberate_shore_nm &&
                      before >= c->gap_good_coverage_positions;
    d->stats.gaps++;
    d->stats.gaps_deliberate += deliberate;
    d->stats.gaps_coverage += coverage;
    double dist = geo_distance_m(v->last_lat, v->last_lon, lat1, lon1);
    struct event e;
    ev_begin(&e, "ais_gap", v->last_t, t);
    ev_pos(&e, v->last_lat, v->last_lon);
    ev_entity(&e, EVENT_VESSEL, v->mmsi, "subject");
    if (new_mmsi)
        ev_entity(&e, EVENT_VESSEL, new_mmsi, "reappeared_as");
    ev_uint(&e, "mmsi", v->mmsi);
    if (new_mmsi) /* it came back as another MMSI, linked by its IMO */
        ev_uint(&e, "reappeared_as_mmsi", new_mmsi);
    if (tv->name[0] || v->name[0])
        ev_str(&e, "name", tv->name[0] ? tv->name : v->name);
    if (new_mmsi && v->name[0] && strcmp(v->name, tv->name))
        ev_str(&e, "name_before", v->name);
    if (tv->imo || v->imo)
        ev_uint(&e, "imo", tv->imo ? tv->imo : v->imo);
    ev_str(&e, "class", deliberate ? "likely_deliberate" : coverage ? "coverage" : "gap");
    ev_real(&e, "end_lat", lat1, 5);
    ev_real(&e, "end_lon", lon1, 5);
    ev_real(&e, "distance_nm", dist / GEO_M_PER_NM, 1);
    ev_real(&e, "implied_speed_kn", hours > 0 ? dist / GEO_M_PER_NM / hours : 0, 1);
    ev_real(&e, "shore_nm", shore, 0);
    ev_int(&e, "positions_6h_before", before);
    ev_real(&e, "receiver_silent_fraction", silence, 2);
    ev_uint(&e, "others_heard_nearby", others);
    ev_evidence_str(&e, v->last_evidence);
    ev_evidence(&e, evidence, evlen);
    det_emit(d, &e);
}

void det_gap_on_position(struct det *d, struct det_vessel *v, const struct trk_vessel *tv, int64_t t,
                         const char *evidence, size_t evlen)
{
    if (!v->last_t || t <= v->last_t)
        return;
    if ((double)(t - v->last_t) / 3600000.0 < d->cfg.gap_min_h)
        return;
    /* Its IMO number was heard under another MMSI meanwhile: the ship went on
     * transmitting as another identity and came back to this one (identity.c
     * reports both changes); that is not a silence. */
    uint32_t other;
    if (v->alias_last_t > v->last_t ||
        (v->imo && hash_u32_get(&d->by_imo, v->imo, &other) && &d->v[other] != v && d->v[other].last_t > v->last_t))
        return;
    det_gap_emit(d, v, tv, t, tv->lat, tv->lon, evidence, evlen, 0);
}

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
 * within about a degree of where the vessel fell silent, during the gap.
 *
 * Open gaps: the pipeline's clock (det_tick) raises a gap in state open for
 * every vessel silent past gap_min_h, judged so far (its receiver's ongoing
 * silence counts), again at most every open_update_min while the silence
 * lasts; when the vessel is heard again the same gap (same key: its true
 * start) is closed with its end. A gap raised open is closed even when the
 * IMO rule below would not have reported it: once said, it is not left
 * dangling. */
#include <math.h>
#include <string.h>

#include "common/geo.h"
#include "detect/detect_internal.h"

void det_gap_emit(struct det *d, struct det_vessel *v, const struct trk_vessel *tv, int64_t t, double lat1,
                  double lon1, const char *evidence, size_t evlen, uint32_t new_mmsi, bool open)
{
    const struct det_config *c = &d->cfg;
    double hours = (double)(t - v->last_t) / 3600000.0;
    int before = 0;
    for (int i = 0; i < v->recent_n; i++)
        if (v->recent[i] >= v->last_t - 6 * 3600000LL)
            before++;
    const struct det_source *src = det_source_get(d, v->last_source);
    double silence = det_source_silence(src, v->last_t, t);
    if (open && src && t - src->last_t > 600000 && t > v->last_t) {
        /* Its receiver is silent now too: a silence not yet closed by a message. */
        int64_t from = src->last_t > v->last_t ? src->last_t : v->last_t;
        double now_silent = (double)(t - from) / (double)(t - v->last_t);
        if (now_silent > silence)
            silence = now_silent;
    }
    uint32_t others = det_heard_near(d, v->last_lat, v->last_lon, v->last_t, t);
    /* At least one position an hour from others nearby: the area was covered. */
    bool coverage = silence > 0.5 || others < (uint32_t)(hours > 2 ? hours - 2 : 1);
    double shore = det_shore_nm(d->ref, v->last_lat, v->last_lon, c->gap_deliberate_shore_nm);
    bool deliberate = !coverage && hours >= c->gap_deliberate_h && shore >= c->gap_deliberate_shore_nm &&
                      before >= c->gap_good_coverage_positions;
    if (!open) {
        d->stats.gaps++;
        d->stats.gaps_deliberate += deliberate;
        d->stats.gaps_coverage += coverage;
    }
    const char *name = tv && tv->name[0] ? tv->name : v->name;
    uint32_t imo = tv && tv->imo ? tv->imo : v->imo;
    struct event e;
    ev_begin(&e, "ais_gap", v->last_t, t);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    ev_pos(&e, v->last_lat, v->last_lon);
    ev_entity(&e, EVENT_VESSEL, v->mmsi, "subject");
    if (new_mmsi)
        ev_entity(&e, EVENT_VESSEL, new_mmsi, "reappeared_as");
    ev_uint(&e, "mmsi", v->mmsi);
    if (new_mmsi) /* it came back as another MMSI, linked by its IMO */
        ev_uint(&e, "reappeared_as_mmsi", new_mmsi);
    if (name[0])
        ev_str(&e, "name", name);
    if (new_mmsi && tv && v->name[0] && strcmp(v->name, tv->name))
        ev_str(&e, "name_before", v->name);
    if (imo)
        ev_uint(&e, "imo", imo);
    ev_str(&e, "class", deliberate ? "likely_deliberate" : coverage ? "coverage" : "gap");
    if (!open) { /* where and how far it came back */
        double dist = geo_distance_m(v->last_lat, v->last_lon, lat1, lon1);
        ev_real(&e, "end_lat", lat1, 5);
        ev_real(&e, "end_lon", lon1, 5);
        ev_real(&e, "distance_nm", dist / GEO_M_PER_NM, 1);
        ev_real(&e, "implied_speed_kn", hours > 0 ? dist / GEO_M_PER_NM / hours : 0, 1);
    }
    ev_real(&e, "shore_nm", shore, 0);
    ev_int(&e, "positions_6h_before", before);
    ev_real(&e, "receiver_silent_fraction", silence, 2);
    ev_uint(&e, "others_heard_nearby", others);
    ev_evidence_str(&e, v->last_evidence);
    ev_evidence(&e, evidence, evlen);
    det_emit(d, &e);
    v->gap_open_t = open ? t : 0;
    det_vessel_dirty(d, (uint32_t)(v - d->v));
}

/* Whether the vessel's IMO number was heard under another MMSI since its last
 * position: it went on transmitting as another identity. */
static bool aliased(const struct det *d, const struct det_vessel *v)
{
    uint32_t other;
    return v->alias_last_t > v->last_t || (v->imo && hash_u32_get(&d->by_imo, v->imo, &other) &&
                                            &d->v[other] != v && d->v[other].last_t > v->last_t);
}

void det_gap_sweep(struct det *d, int64_t now, bool force)
{
    int64_t min_ms = (int64_t)(d->cfg.gap_min_h * 3600000.0), every = det_open_every_ms(d);
    for (size_t i = 0; i < d->nv; i++) {
        struct det_vessel *v = &d->v[i];
        if (!v->last_t || now - v->last_t < min_ms || (v->gap_open_t && !force && now - v->gap_open_t < every) ||
            (v->gap_open_t && now <= v->gap_open_t) ||
            (!v->gap_open_t && aliased(d, v)))
            continue;
        det_gap_emit(d, v, NULL, now, NAN, NAN, NULL, 0, 0, true);
    }
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
     * reports both changes); that is not a silence, unless already said. */
    if (!v->gap_open_t && aliased(d, v))
        return;
    det_gap_emit(d, v, tv, t, tv->lat, tv->lon, evidence, evlen, 0, false);
}

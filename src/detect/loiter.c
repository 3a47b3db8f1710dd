/* loiter.c: loitering: a vessel below loiter_max_kn (2 kn) for at least
 * loiter_min_h (2 h) starting >= loiter_shore_nm (20 nm) from shore: GFW's
 * definition of carrier loitering, which is how at-sea transfers show when the
 * other vessel is dark. A report above the speed, or 1 h without reports,
 * ends the slow spell. A spell that qualifies is reported open as soon as it
 * does (and again every open_update_min), then closed with the same key. */
#include <stdio.h>
#include <string.h>

#include "common/geo.h"
#include "detect/detect_internal.h"

static void emit(struct det *d, const struct det_vessel *v, double shore, bool open)
{
    struct event e;
    ev_begin(&e, "loitering", v->slow_since, v->slow_last);
    ev_state(&e, open ? EVENT_OPEN : EVENT_CLOSED);
    ev_pos(&e, v->slow_lat, v->slow_lon);
    ev_entity(&e, EVENT_VESSEL, v->mmsi, "subject");
    ev_uint(&e, "mmsi", v->mmsi);
    ev_real(&e, "mean_speed_kn", v->slow_n ? v->slow_kn_sum / v->slow_n : 0, 2);
    ev_real(&e, "shore_nm", shore, 0);
    ev_evidence_str(&e, v->slow_evidence);
    ev_evidence_str(&e, v->last_evidence);
    det_emit(d, &e);
}

void det_loiter_close(struct det *d, struct det_vessel *v)
{
    const struct det_config *c = &d->cfg;
    if (!v->slow_since)
        return;
    v->loiter_open_t = 0;
    if ((double)(v->slow_last - v->slow_since) / 3600000.0 < c->loiter_min_h) {
        v->slow_since = 0;
        return;
    }
    double shore = det_shore_nm(d->ref, v->slow_lat, v->slow_lon, c->loiter_shore_nm);
    if (shore >= c->loiter_shore_nm) {
        d->stats.loitering++;
        emit(d, v, shore, false);
    }
    v->slow_since = 0;
}

void det_loiter_on_position(struct det *d, struct det_vessel *v, int64_t t, double lat, double lon, double kn,
                            const char *evidence, size_t evlen)
{
    if (v->slow_since && t - v->slow_last > 3600000)
        det_loiter_close(d, v);
    if (kn < 0)
        return; /* no speed with this position: the spell neither grows nor ends */
    if (kn >= d->cfg.loiter_max_kn) {
        det_loiter_close(d, v);
        return;
    }
    if (!v->slow_since) {
        v->slow_since = t;
        v->slow_lat = lat;
        v->slow_lon = lon;
        v->slow_kn_sum = 0;
        v->slow_n = 0;
        size_t n = evlen < DET_EVIDENCE - 1 ? evlen : DET_EVIDENCE - 1;
        if (evidence)
            memcpy(v->slow_evidence, evidence, n);
        v->slow_evidence[evidence ? n : 0] = 0;
    }
    v->slow_last = t;
    v->slow_kn_sum += kn;
    v->slow_n++;
    /* Long enough: open, reported again while it lasts. Where it began is
     * fixed, so is its distance from shore. */
    if ((double)(t - v->slow_since) / 3600000.0 >= d->cfg.loiter_min_h && det_open_due(d, &v->loiter_open_t, t)) {
        double shore = det_shore_nm(d->ref, v->slow_lat, v->slow_lon, d->cfg.loiter_shore_nm);
        if (shore >= d->cfg.loiter_shore_nm)
            emit(d, v, shore, true);
    }
}

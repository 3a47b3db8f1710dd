/* loiter.c: loitering: a vessel below loiter_max_kn (2 kn) for at least
 * loiter_min_h (2 h) starting >= loiter_shore_nm (20 nm) from shore: GFW's
 * definition of carrier loitering, which is how at-sea transfers show when the
 * other vessel is dark. A report above the speed, or 1 h without reports,
 * ends the slow spell. */
#include <stdio.h>
#include <string.h>

#include "common/geo.h"
#include "common/json.h"
#include "detect/detect_internal.h"

void det_loiter_close(struct det *d, struct det_vessel *v, struct buf *out)
{
    const struct det_config *c = &d->cfg;
    if (!v->slow_since)
        return;
    int64_t t0 = v->slow_since, t1 = v->slow_last;
    v->slow_since = 0;
    if ((double)(t1 - t0) / 3600000.0 < c->loiter_min_h)
        return;
    double shore = det_shore_nm(d->ref, v->slow_lat, v->slow_lon, c->loiter_shore_nm);
    if (shore < c->loiter_shore_nm)
        return;
    d->stats.loitering++;
    struct jw w;
    det_event_begin(d, &w, out, "loitering", t0, t1);
    jw_kuint(&w, "mmsi", v->mmsi);
    jw_kfixed(&w, "lat", v->slow_lat, 5);
    jw_kfixed(&w, "lon", v->slow_lon, 5);
    jw_kfixed(&w, "mean_speed_kn", v->slow_n ? v->slow_kn_sum / v->slow_n : 0, 2);
    jw_kfixed(&w, "shore_nm", shore, 0);
    jw_key(&w, "evidence");
    jw_arr_begin(&w);
    jw_str(&w, v->slow_evidence);
    jw_str(&w, v->last_evidence);
    jw_arr_end(&w);
    det_event_end(&w);
}

void det_loiter_on_position(struct det *d, struct det_vessel *v, int64_t t, double lat, double lon, double kn,
                            const char *evidence, size_t evlen, struct buf *out)
{
    if (v->slow_since && t - v->slow_last > 3600000)
        det_loiter_close(d, v, out);
    if (kn < 0)
        return; /* no speed with this position: the spell neither grows nor ends */
    if (kn >= d->cfg.loiter_max_kn) {
        det_loiter_close(d, v, out);
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
}

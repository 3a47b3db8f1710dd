/* validity.c: the one acceptance rule, and position plausibility.
 *
 * The rule (after dump1090-fa's data_validity, restated):
 *   - a field never set accepts anything;
 *   - an older message never replaces a newer value (several receivers, or a
 *     replay of interleaved files, can deliver out of order);
 *   - a source of equal or higher priority replaces;
 *   - a lower-priority source replaces only a value older than stale_ms.
 */
#include <math.h>

#include "common/geo.h"
#include "track/track_internal.h"

bool trk_accept(const struct trk_valid *v, uint8_t source, int64_t t_ms, int64_t stale_ms)
{
    if (v->source == TRK_SRC_NONE)
        return true;
    if (t_ms < v->t_ms)
        return false;
    if (source >= v->source)
        return true;
    return t_ms - v->t_ms > stale_ms;
}

void trk_set(struct trk_valid *v, uint8_t source, int64_t t_ms)
{
    v->source = source;
    v->t_ms = t_ms;
}

bool trk_plausible(const struct trk *t, const struct trk_valid *vpos, double lat0, double lon0, double lat,
                   double lon, int64_t t_ms, double max_kt, double *speed_kt)
{
    if (vpos->source == TRK_SRC_NONE || t_ms - vpos->t_ms > t->cfg.position_reset_ms)
        return true;
    double d = geo_distance_m(lat0, lon0, lat, lon);
    double dt_h = (double)(t_ms - vpos->t_ms) / 3600000.0;
    /* Allow receiver noise and message-time jitter (slack), then the speed limit. */
    double allowed_m = t->cfg.position_slack_m + max_kt * GEO_M_PER_NM * (dt_h > 0 ? dt_h : 0);
    if (d <= allowed_m)
        return true;
    *speed_kt = dt_h > 0 ? d / GEO_M_PER_NM / dt_h : INFINITY;
    return false;
}

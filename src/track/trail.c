/* trail.c: bounded per-entity trails, packed 16-byte points in a ring that is
 * allocated on the first position (most AIS stations never send one). */
#include <math.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "track/track_internal.h"

void trk_trail_add(struct trk_trail *tr, unsigned cap, double lat, double lon, int64_t t_ms, int32_t alt_ft,
                   bool have_alt, double speed_kt, bool have_speed)
{
    if (cap == 0)
        return;
    if (!tr->pts) {
        tr->pts = xmalloc(cap * sizeof *tr->pts);
        tr->cap = (uint16_t)cap;
        tr->len = tr->head = 0;
    }
    struct trk_point *p = &tr->pts[tr->head];
    p->lat_e7 = (int32_t)lround(lat * 1e7);
    p->lon_e7 = (int32_t)lround(lon * 1e7);
    p->t_s = (uint32_t)(t_ms / 1000);
    p->alt_25ft = have_alt && alt_ft / 25 > INT16_MIN && alt_ft / 25 <= INT16_MAX ? (int16_t)(alt_ft / 25) : INT16_MIN;
    p->speed_dkn = have_speed && speed_kt >= 0 && speed_kt < 6553.0 ? (uint16_t)lround(speed_kt * 10) : 0xFFFF;
    tr->head = (uint16_t)((tr->head + 1) % tr->cap);
    if (tr->len < tr->cap)
        tr->len++;
}

const struct trk_point *trk_trail_point(const struct trk_trail *tr, unsigned k)
{
    if (k >= tr->len)
        return NULL;
    unsigned start = (unsigned)(tr->head + tr->cap - tr->len) % tr->cap;
    return &tr->pts[(start + k) % tr->cap];
}

void trk_trail_free(struct trk_trail *tr)
{
    free(tr->pts);
    tr->pts = NULL;
    tr->len = tr->cap = tr->head = 0;
}

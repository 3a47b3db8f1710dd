/* trail.c: bounded per-entity trails, packed 16-byte points in a ring that
 * grows on demand: none until the first position (most AIS stations never
 * send one), then 8 points, doubled while full up to the configured cap. A
 * vessel heard once costs 128 bytes of trail, not the 4 KiB of a full one,
 * which is what bounds memory under a flood of one-report MMSIs. */
#include <math.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "track/track_internal.h"

#define TRAIL_FIRST 8

void trk_trail_add(struct trk_trail *tr, unsigned cap, double lat, double lon, int64_t t_ms, int32_t alt_ft,
                   bool have_alt, double speed_kt, bool have_speed)
{
    if (cap == 0)
        return;
    /* The ring only wraps once it has its full size, so until then the
     * points are in order from 0 and growing keeps them there. */
    if (tr->len == tr->cap && tr->cap < cap) {
        unsigned nc = tr->cap ? 2u * tr->cap : TRAIL_FIRST;
        if (nc > cap)
            nc = cap;
        tr->pts = xrealloc(tr->pts, nc * sizeof *tr->pts);
        tr->head = tr->len;
        tr->cap = (uint16_t)nc;
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

#include "net/rxclock.h"

#define TS12_BITS 48
#define TS12_MASK ((UINT64_C(1) << TS12_BITS) - 1)
#define TS12_PER_MS 12000
#define STEP_BACK_MS 1000 /* frames this much out of order are still one clock */

int64_t net_ts12_delta_ms(uint64_t from, uint64_t to)
{
    uint64_t d = (to - from) & TS12_MASK;
    int64_t s = d >= (UINT64_C(1) << (TS12_BITS - 1)) ? (int64_t)d - (int64_t)(UINT64_C(1) << TS12_BITS)
                                                      : (int64_t)d;
    return s / TS12_PER_MS;
}

int64_t net_rxclock_time(struct net_rxclock *c, uint64_t ts12, int64_t arrival_ms)
{
    if (ts12 == 0 || ts12 == NET_TS12_MLAT)
        return arrival_ms;
    int64_t t = c->anchor_ms + net_ts12_delta_ms(c->anchor_ts12, ts12);
    if (!c->anchored || t < c->last_ms - STEP_BACK_MS) {
        if (c->anchored)
            c->reanchors++;
        c->anchor_ms = c->anchored && c->last_ms > arrival_ms ? c->last_ms : arrival_ms;
        c->anchor_ts12 = ts12;
        c->anchored = true;
        t = c->anchor_ms;
    }
    if (t > c->last_ms)
        c->last_ms = t;
    return t;
}

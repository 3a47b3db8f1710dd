#include "net/dedupe.h"

#include <string.h>

void dedupe_init(struct dedupe *d, int64_t window_ms)
{
    memset(d, 0, sizeof *d);
    d->window_ms = window_ms;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h | 1; /* 0 marks an empty slot */
}

bool dedupe_seen(struct dedupe *d, const void *bytes, size_t n, int source, int64_t t_ms)
{
    uint64_t h = fnv1a(bytes, n);
    size_t i = (size_t)(h >> 40) % DEDUPE_SLOTS;
    if (d->slot[i].hash == h && d->slot[i].source != source && t_ms - d->slot[i].t_ms <= d->window_ms &&
        t_ms >= d->slot[i].t_ms) {
        d->dropped++;
        return true;
    }
    d->slot[i].hash = h;
    d->slot[i].t_ms = t_ms;
    d->slot[i].source = source;
    return false;
}

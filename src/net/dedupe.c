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
    size_t base = (size_t)(h >> 40) % (DEDUPE_SLOTS / DEDUPE_WAYS) * DEDUPE_WAYS;
    size_t victim = base;
    for (size_t i = base; i < base + DEDUPE_WAYS; i++) {
        if (d->slot[i].hash == h) {
            if (d->slot[i].source != source && t_ms - d->slot[i].t_ms <= d->window_ms && t_ms >= d->slot[i].t_ms) {
                d->dropped++;
                return true;
            }
            victim = i; /* the same source again, or an old copy: this entry now */
            break;
        }
        if (d->slot[i].t_ms < d->slot[victim].t_ms || !d->slot[i].hash)
            victim = i;
    }
    d->slot[victim].hash = h;
    d->slot[victim].t_ms = t_ms;
    d->slot[victim].source = source;
    return false;
}

/* dedupe.h: drops a message that another receiver already delivered.
 * Several receivers hear the same transmission; each copy arrives within
 * tens of milliseconds. A copy is a message with the same bytes from a
 * different source within the window. The same source repeating itself is
 * not a duplicate (Mode S DF11 squitters repeat byte for byte). Fixed-size
 * table of small buckets: a message shares its bucket with a few others and
 * the oldest entry there is overwritten, so a copy is missed only when more
 * than DEDUPE_WAYS messages of one bucket arrive within the window (a
 * direct-mapped table missed a few copies in every couple of hundred). */
#ifndef ATALAYA_NET_DEDUPE_H
#define ATALAYA_NET_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEDUPE_SLOTS 8192
#define DEDUPE_WAYS 4 /* entries per bucket */

struct dedupe {
    int64_t window_ms;
    uint64_t dropped;
    struct {
        uint64_t hash;
        int64_t t_ms;
        int source;
    } slot[DEDUPE_SLOTS];
};

void dedupe_init(struct dedupe *d, int64_t window_ms);
/* Returns true when (bytes) was seen from another source within the window. */
bool dedupe_seen(struct dedupe *d, const void *bytes, size_t n, int source, int64_t t_ms);

#endif

/* dedupe.h: drops a message that another receiver already delivered.
 * Several receivers hear the same transmission; each copy arrives within
 * tens of milliseconds. A copy is a message with the same bytes from a
 * different source within the window. The same source repeating itself is
 * not a duplicate (Mode S DF11 squitters repeat byte for byte). Fixed-size
 * table: an old entry is simply overwritten. */
#ifndef ATALAYA_NET_DEDUPE_H
#define ATALAYA_NET_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEDUPE_SLOTS 8192

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

/* hash.h: open-addressing map from a 32-bit key (MMSI, ICAO address) to a
 * 32-bit value (an index into the caller's entity array). Linear probing,
 * tombstones on delete, grows at 70% load. Key 0xFFFFFFFF is reserved. */
#ifndef ATALAYA_COMMON_HASH_H
#define ATALAYA_COMMON_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* keys[i] of a slot that holds no key (visiting keys[0 .. cap) finds every key). */
#define HASH_U32_NONE 0xFFFFFFFFu

struct hash_u32 {
    uint32_t *keys;
    uint32_t *vals;
    size_t cap;   /* power of two */
    size_t used;  /* live entries */
    size_t tombs; /* deleted slots */
};

void hash_u32_init(struct hash_u32 *h, size_t expected);
void hash_u32_free(struct hash_u32 *h);
/* Returns true and sets *val when key is present. */
bool hash_u32_get(const struct hash_u32 *h, uint32_t key, uint32_t *val);
/* Inserts or replaces. */
void hash_u32_put(struct hash_u32 *h, uint32_t key, uint32_t val);
/* Returns true when key was present. */
bool hash_u32_del(struct hash_u32 *h, uint32_t key);
/* Empties h (when it holds anything) back to the size hash_u32_init gives
 * for expected. */
void hash_u32_reset(struct hash_u32 *h, size_t expected);

#endif

#include "common/hash.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define EMPTY HASH_U32_NONE
#define TOMB 0xFFFFFFFEu /* in vals[], with keys[] == EMPTY: a deleted slot */

static size_t slot_of(uint32_t key, size_t cap)
{
    /* Fibonacci hashing spreads sequential MMSIs and ICAO blocks. */
    return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void alloc_table(struct hash_u32 *h, size_t cap)
{
    h->cap = cap;
    h->keys = xmalloc(cap * sizeof *h->keys);
    h->vals = xmalloc(cap * sizeof *h->vals);
    memset(h->keys, 0xFF, cap * sizeof *h->keys);
    memset(h->vals, 0, cap * sizeof *h->vals);
    h->used = h->tombs = 0;
}

void hash_u32_init(struct hash_u32 *h, size_t expected)
{
    size_t cap = 16;
    while (cap * 7 / 10 < expected)
        cap *= 2;
    alloc_table(h, cap);
}

void hash_u32_free(struct hash_u32 *h)
{
    free(h->keys);
    free(h->vals);
    memset(h, 0, sizeof *h);
}

bool hash_u32_get(const struct hash_u32 *h, uint32_t key, uint32_t *val)
{
    for (size_t i = slot_of(key, h->cap);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[i] == key) {
            *val = h->vals[i];
            return true;
        }
        if (h->keys[i] == EMPTY && h->vals[i] != TOMB)
            return false;
    }
}

static void rehash(struct hash_u32 *h, size_t cap)
{
    struct hash_u32 old = *h;
    alloc_table(h, cap);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i] != EMPTY)
            hash_u32_put(h, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

void hash_u32_put(struct hash_u32 *h, uint32_t key, uint32_t val)
{
    if ((h->used + h->tombs + 1) * 10 > h->cap * 7)
        rehash(h, h->used * 10 > h->cap * 4 ? h->cap * 2 : h->cap);
    size_t tomb = (size_t)-1;
    for (size_t i = slot_of(key, h->cap);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[i] == key) {
            h->vals[i] = val;
            return;
        }
        if (h->keys[i] == EMPTY) {
            if (h->vals[i] == TOMB) {
                if (tomb == (size_t)-1)
                    tomb = i;
                continue;
            }
            if (tomb != (size_t)-1) {
                i = tomb;
                h->tombs--;
            }
            h->keys[i] = key;
            h->vals[i] = val;
            h->used++;
            return;
        }
    }
}

bool hash_u32_del(struct hash_u32 *h, uint32_t key)
{
    for (size_t i = slot_of(key, h->cap);; i = (i + 1) & (h->cap - 1)) {
        if (h->keys[i] == key) {
            h->keys[i] = EMPTY;
            h->vals[i] = TOMB;
            h->used--;
            h->tombs++;
            return true;
        }
        if (h->keys[i] == EMPTY && h->vals[i] != TOMB)
            return false;
    }
}

void hash_u32_reset(struct hash_u32 *h, size_t expected)
{
    if (!h->used && !h->tombs)
        return;
    hash_u32_free(h);
    hash_u32_init(h, expected);
}

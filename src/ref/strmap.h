/* strmap.h: open-addressing map from a string key (copied) to a 32-bit value,
 * for lookups by code, registration and normalised name. FNV-1a hash, linear
 * probing, grows at 70% load; no deletion (tables are built once, then read). */
#ifndef ATALAYA_REF_STRMAP_H
#define ATALAYA_REF_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ref_strmap {
    char **keys;
    uint32_t *vals;
    size_t cap; /* power of two */
    size_t used;
};

void ref_strmap_init(struct ref_strmap *m, size_t expected);
void ref_strmap_free(struct ref_strmap *m);
bool ref_strmap_get(const struct ref_strmap *m, const char *key, uint32_t *val);
/* Inserts or replaces; returns true when the key was already present (and
 * *old, when not NULL, receives its previous value). */
bool ref_strmap_put(struct ref_strmap *m, const char *key, uint32_t val, uint32_t *old);

#endif

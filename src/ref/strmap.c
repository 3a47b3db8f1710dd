/* strmap.c: see strmap.h. */
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "ref/strmap.h"

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

void ref_strmap_init(struct ref_strmap *m, size_t expected)
{
    size_t cap = 16;
    while (cap * 7 < expected * 10)
        cap <<= 1;
    m->keys = xcalloc(cap, sizeof *m->keys);
    m->vals = xcalloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->used = 0;
}

void ref_strmap_free(struct ref_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t slot(const struct ref_strmap *m, const char *key)
{
    size_t i = (size_t)fnv1a(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool ref_strmap_get(const struct ref_strmap *m, const char *key, uint32_t *val)
{
    if (!m->cap)
        return false;
    size_t i = slot(m, key);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

static void grow(struct ref_strmap *m)
{
    struct ref_strmap n;
    ref_strmap_init(&n, m->cap); /* doubles: cap entries need 2*cap slots at 70% */
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = slot(&n, m->keys[i]);
            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
            n.used++;
        }
    free(m->keys);
    free(m->vals);
    *m = n;
}

bool ref_strmap_put(struct ref_strmap *m, const char *key, uint32_t val, uint32_t *old)
{
    if ((m->used + 1) * 10 > m->cap * 7)
        grow(m);
    size_t i = slot(m, key);
    if (m->keys[i]) {
        if (old)
            *old = m->vals[i];
        m->vals[i] = val;
        return true;
    }
    m->keys[i] = xstrdup(key);
    m->vals[i] = val;
    m->used++;
    return false;
}

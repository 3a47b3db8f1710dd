/* wl_match.c: the watchlist index and matching (watchlist.h). Every rule is
 * one hash lookup; keys with several entries chain through next[]. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/hash.h"
#include "common/xmalloc.h"
#include "ref/ref_int.h"
#include "ref/registry.h"
#include "ref/strmap.h"
#include "ref/watchlist.h"

#define NIL 0xFFFFFFFFu

enum { K_ICAO24, K_REGISTRY, K_MMSI, K_IMO, K_DESIG, NU32 };
enum { S_REG, S_NAME, NSTR };

struct ref_wl_index {
    const struct ref_wl_set *set;
    struct hash_u32 u32[NU32];
    struct ref_strmap str[NSTR];
    uint32_t *entry, *next; /* chain cells */
    size_t n, cap;
};

static uint32_t cell(struct ref_wl_index *x, uint32_t entry, uint32_t next)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 1024;
        x->entry = xrealloc(x->entry, x->cap * sizeof *x->entry);
        x->next = xrealloc(x->next, x->cap * sizeof *x->next);
    }
    x->entry[x->n] = entry;
    x->next[x->n] = next;
    return (uint32_t)x->n++;
}

static void put_u32(struct ref_wl_index *x, int map, uint32_t key, uint32_t entry)
{
    uint32_t head;
    if (key == NIL)
        return;
    if (!hash_u32_get(&x->u32[map], key, &head))
        head = NIL;
    hash_u32_put(&x->u32[map], key, cell(x, entry, head));
}

static void put_str(struct ref_wl_index *x, int map, const char *key, uint32_t entry)
{
    uint32_t head;
    if (!*key)
        return;
    if (!ref_strmap_get(&x->str[map], key, &head))
        head = NIL;
    ref_strmap_put(&x->str[map], key, cell(x, entry, head), NULL);
}

static uint32_t parse_num(const char *s, int base)
{
    char *end;
    unsigned long v = strtoul(s, &end, base);
    return *end || end == s || v >= NIL ? NIL : (uint32_t)v;
}

static void upper(const char *in, char *out, size_t n)
{
    size_t i = 0;
    for (; in[i] && i + 1 < n; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[i] = '\0';
}

static void index_entry(struct ref_wl_index *x, const struct ref_wl_entry *e, uint32_t i,
                        struct sqlite3 *registry)
{
    char key[256];
    struct ref_aircraft ac;
    for (int k = 0; k < e->nids; k++) {
        const char *v = e->ids[k].value;
        switch (e->ids[k].type) {
        case REF_WL_ID_ICAO24:
            put_u32(x, K_ICAO24, parse_num(v, 16), i);
            break;
        case REF_WL_ID_MMSI:
            put_u32(x, K_MMSI, parse_num(v, 10), i);
            break;
        case REF_WL_ID_IMO:
        case REF_WL_ID_IMO_INVALID: /* 7 digits when kept (ref_wl_norm_imo) */
            put_u32(x, K_IMO, parse_num(v, 10), i);
            break;
        case REF_WL_ID_DESIGNATOR:
            if (strlen(v) == 3)
                put_u32(x, K_DESIG, ref_code_key(v), i);
            break;
        case REF_WL_ID_REGISTRATION:
            /* A vessel's national registration is no aircraft tail number. */
            if (e->kind == REF_WL_VESSEL)
                break;
            put_str(x, S_REG, ref_wl_reg_key(v, key, sizeof key), i);
            upper(v, key, sizeof key);
            if (registry && ref_registry_by_registration(registry, key, &ac) == 1)
                put_u32(x, K_REGISTRY, ac.icao24, i);
            break;
        case REF_WL_ID_ALIAS:
            if (e->kind == REF_WL_VESSEL)
                put_str(x, S_NAME, ref_wl_norm_vessel(v, key, sizeof key), i);
            break;
        default:
            break;
        }
    }
    if (e->kind == REF_WL_VESSEL)
        put_str(x, S_NAME, ref_wl_norm_vessel(e->name, key, sizeof key), i);
}

struct ref_wl_index *ref_wl_index_build(const struct ref_wl_set *s, struct sqlite3 *registry)
{
    struct ref_wl_index *x = xcalloc(1, sizeof *x);
    x->set = s;
    for (int m = 0; m < NU32; m++)
        hash_u32_init(&x->u32[m], 256);
    for (int m = 0; m < NSTR; m++)
        ref_strmap_init(&x->str[m], 1024);
    for (size_t i = 0; i < s->n; i++)
        index_entry(x, &s->e[i], (uint32_t)i, registry);
    return x;
}

void ref_wl_index_free(struct ref_wl_index *x)
{
    if (!x)
        return;
    for (int m = 0; m < NU32; m++)
        hash_u32_free(&x->u32[m]);
    for (int m = 0; m < NSTR; m++)
        ref_strmap_free(&x->str[m]);
    free(x->entry);
    free(x->next);
    free(x);
}

struct out {
    struct ref_wl_match *m;
    int max, n;
};

/* Appends e unless a stronger rule (tried earlier) already matched it. */
static void add(struct out *o, const struct ref_wl_entry *e, enum ref_wl_rule rule, bool weak)
{
    for (int k = 0; k < o->n && k < o->max; k++)
        if (o->m[k].entry == e)
            return;
    if (o->n < o->max)
        o->m[o->n] = (struct ref_wl_match){.rule = rule, .weak = weak, .entry = e};
    o->n++;
}

static void emit(const struct ref_wl_index *x, struct out *o, uint32_t head,
                 enum ref_wl_rule rule, bool weak)
{
    for (uint32_t c = head; c != NIL; c = x->next[c])
        add(o, &x->set->e[x->entry[c]], rule, weak);
}

static void by_u32(const struct ref_wl_index *x, struct out *o, int map, uint32_t key,
                   enum ref_wl_rule rule)
{
    uint32_t head;
    if (key != NIL && hash_u32_get(&x->u32[map], key, &head))
        emit(x, o, head, rule, false);
}

/* Flags compare on their first word, case-insensitively: the SDN writes
 * "Iran", the MID table "Iran (Islamic Republic of)". */
static int same_flag(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] != ' ' && a[n] != '(' && a[n] != ',')
        n++;
    return n && !strncasecmp(a, b, n) && (!b[n] || b[n] == ' ' || b[n] == '(' || b[n] == ',');
}

int ref_wl_match_vessel(const struct ref_wl_index *x, const struct ref_wl_vessel *v,
                        struct ref_wl_match *out, int max)
{
    struct out o = {out, max, 0};
    if (v->mmsi)
        by_u32(x, &o, K_MMSI, v->mmsi, REF_WL_RULE_MMSI);
    if (v->imo)
        by_u32(x, &o, K_IMO, v->imo, REF_WL_RULE_IMO);
    char key[256];
    uint32_t head;
    if (v->name && ref_strmap_get(&x->str[S_NAME], ref_wl_norm_vessel(v->name, key, sizeof key),
                                  &head)) {
        /* Name and flag first, then the name alone for the rest. */
        if (v->flag)
            for (uint32_t c = head; c != NIL; c = x->next[c]) {
                const struct ref_wl_entry *e = &x->set->e[x->entry[c]];
                if (e->flag && same_flag(e->flag, v->flag))
                    add(&o, e, REF_WL_RULE_NAME_FLAG, true);
            }
        emit(x, &o, head, REF_WL_RULE_NAME, true);
    }
    return o.n;
}

int ref_wl_match_aircraft(const struct ref_wl_index *x, const struct ref_wl_aircraft *a,
                          struct ref_wl_match *out, int max)
{
    struct out o = {out, max, 0};
    by_u32(x, &o, K_ICAO24, a->icao24, REF_WL_RULE_ICAO24);
    by_u32(x, &o, K_REGISTRY, a->icao24, REF_WL_RULE_REGISTRY);
    char key[64];
    uint32_t head;
    if (a->registration) {
        ref_wl_reg_key(a->registration, key, sizeof key);
        if (ref_strmap_get(&x->str[S_REG], key, &head))
            emit(x, &o, head, REF_WL_RULE_REGISTRATION, false);
    }
    if (a->callsign && ref_callsign_designator(a->callsign, key))
        by_u32(x, &o, K_DESIG, ref_code_key(key), REF_WL_RULE_OPERATOR);
    return o.n;
}

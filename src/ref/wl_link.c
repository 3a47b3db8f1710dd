/* wl_link.c: listed organisations -> ICAO operator designators, so that a
 * callsign prefix leads to a sanctioned operator (ref_wl_link_operators in
 * watchlist.h). Names only: no designator is written down by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "ref/ref.h"
#include "ref/ref_int.h"
#include "ref/strmap.h"
#include "ref/watchlist.h"

#define MAXW 24

struct words {
    char buf[256];
    char *w[MAXW];
    int n;
};

/* Legal-form words that one source writes and another omits. */
static int legal_form(const char *w)
{
    static const char *const forms[] = {"SA",  "LTD", "LLC",  "CO",   "COMPANY", "JSC",
                                        "PJSC", "INC", "CORP", "LIMITED", "OJSC", "CJSC",
                                        "LLP", "AO",  "OAO",  "ZAO",  "FZE",     "GMBH",
                                        "PLC", "CA",  "SRL",  "SAS",  "BV"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (!strcmp(w, forms[i]))
            return 1;
    return 0;
}

static void split_words(const char *name, struct words *out)
{
    ref_norm_name(name, out->buf, sizeof out->buf);
    out->n = 0;
    for (char *save = NULL, *w = strtok_r(out->buf, " ", &save); w && out->n < MAXW;
         w = strtok_r(NULL, " ", &save))
        if (!legal_form(w))
            out->w[out->n++] = w;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words in sorted order, joined: "QESHM FARS AIR" and "FARS AIR QESHM"
 * give the same key. */
static char *sorted_key(const char *name, char *out, size_t n)
{
    struct words w;
    split_words(name, &w);
    qsort(w.w, (size_t)w.n, sizeof w.w[0], cmp_str);
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < w.n && o + strlen(w.w[i]) + 2 < n; i++)
        o += (size_t)snprintf(out + o, n - o, "%s%s", i ? " " : "", w.w[i]);
    return out;
}

static int stopword(const char *w)
{
    return !strcmp(w, "DE") || !strcmp(w, "Y") || !strcmp(w, "OF") || !strcmp(w, "THE") ||
           !strcmp(w, "AND") || !strcmp(w, "DEL") || !strcmp(w, "LA");
}

/* Does abbr spell the words from i on, each word giving a non-empty prefix? */
static int spells(const char *abbr, char *const *w, int nw, int i)
{
    if (i == nw)
        return *abbr == '\0';
    if (stopword(w[i]))
        return spells(abbr, w, nw, i + 1);
    for (size_t k = 1; k <= strlen(w[i]) && abbr[k - 1] == w[i][k - 1]; k++)
        if (spells(abbr + k, w, nw, i + 1))
            return 1;
    return 0;
}

static int is_aviation(const struct ref_wl_entry *e, const struct ref_strmap *operated)
{
    char key[256];
    uint32_t v;
    if (ref_strmap_get(operated, sorted_key(e->name, key, sizeof key), &v))
        return 1;
    struct words w;
    split_words(e->name, &w);
    for (int i = 0; i < w.n; i++)
        if (!strcmp(w.w[i], "AIR") || !strcmp(w.w[i], "AIRLINES") || !strcmp(w.w[i], "AIRWAYS") ||
            !strcmp(w.w[i], "AVIATION") || !strncmp(w.w[i], "AERO", 4))
            return 1;
    return 0;
}

static void link_name(struct ref_wl_entry *e, const char *name, const struct ref *r,
                      const struct ref_strmap *by_key)
{
    char key[256];
    uint32_t i;
    if (ref_strmap_get(by_key, sorted_key(name, key, sizeof key), &i))
        ref_wl_entry_ident(e, REF_WL_ID_DESIGNATOR, r->ops[i].icao);
    /* Abbreviation: a one-word airline name of 5+ letters spelled by prefixes
     * of every significant word of the listed name. */
    struct words w;
    split_words(name, &w);
    if (w.n < 3)
        return;
    for (size_t k = 0; k < r->nops; k++) {
        char nm[64];
        ref_norm_name(r->ops[k].name, nm, sizeof nm);
        if (strlen(nm) >= 5 && !strchr(nm, ' ') && nm[0] == w.w[0][0] && spells(nm, w.w, w.n, 0))
            ref_wl_entry_ident(e, REF_WL_ID_DESIGNATOR, r->ops[k].icao);
    }
}

size_t ref_wl_link_operators(struct ref_wl_set *s, const struct ref *r)
{
    char key[256];
    /* Names that SDN aircraft are operated by or linked to. */
    struct ref_strmap operated, by_key;
    ref_strmap_init(&operated, 512);
    for (size_t i = 0; i < s->n; i++)
        for (int k = 0; k < s->e[i].nids && s->e[i].kind == REF_WL_AIRCRAFT; k++)
            if (s->e[i].ids[k].type == REF_WL_ID_OPERATOR ||
                s->e[i].ids[k].type == REF_WL_ID_LINKED_TO)
                ref_strmap_put(&operated, sorted_key(s->e[i].ids[k].value, key, sizeof key), 1,
                               NULL);
    /* Airline name and radio callsign keys; an active airline wins a tie. */
    ref_strmap_init(&by_key, 2 * r->nops);
    for (size_t i = 0; i < r->nops; i++) {
        const char *names[] = {r->ops[i].name, r->ops[i].callsign};
        for (int k = 0; k < 2; k++) {
            uint32_t old;
            if (!*sorted_key(names[k], key, sizeof key))
                continue;
            if (ref_strmap_put(&by_key, key, (uint32_t)i, &old) && !r->ops[i].active &&
                r->ops[old].active)
                ref_strmap_put(&by_key, key, old, NULL);
        }
    }
    size_t linked = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct ref_wl_entry *e = &s->e[i];
        if (e->kind != REF_WL_ORGANISATION || !is_aviation(e, &operated))
            continue;
        link_name(e, e->name, r, &by_key);
        for (int k = 0; k < e->nids; k++)
            if (e->ids[k].type == REF_WL_ID_ALIAS)
                link_name(e, e->ids[k].value, r, &by_key);
        linked += ref_wl_entry_get(e, REF_WL_ID_DESIGNATOR) != NULL;
    }
    ref_strmap_free(&operated);
    ref_strmap_free(&by_key);
    return linked;
}

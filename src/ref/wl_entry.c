/* wl_entry.c: watchlist entries and sets, names of kinds/identifiers/rules,
 * and vessel-name normalisation. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/xmalloc.h"
#include "ref/watchlist.h"

static const char *const kind_names[] = {"vessel", "aircraft", "organisation", "individual"};
static const char *const id_names[REF_WL_ID_COUNT] = {
    "imo",   "mmsi",     "icao24", "registration", "call_sign",   "designator", "alias",
    "msn",   "model",    "operator", "owner",      "vessel_type", "linked_to",
    "imo_invalid", "mmsi_invalid", "registration_invalid", "icao24_invalid",
    "dataset", "source_url", "authority", "listed", "past_flag",
};
static const char *const rule_names[] = {"icao24", "registry",  "registration", "operator",
                                         "mmsi",   "imo",       "name_flag",    "name"};

const char *ref_wl_kind_name(enum ref_wl_kind k) { return kind_names[k]; }
const char *ref_wl_id_name(enum ref_wl_id t) { return id_names[t]; }
const char *ref_wl_rule_name(enum ref_wl_rule r) { return rule_names[r]; }

int ref_wl_kind_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(s, kind_names[i]))
            return i;
    if (!strcasecmp(s, "organization") || !strcasecmp(s, "entity"))
        return REF_WL_ORGANISATION;
    return -1;
}

int ref_wl_id_parse(const char *s)
{
    for (int i = 0; i < REF_WL_ID_COUNT; i++)
        if (!strcasecmp(s, id_names[i]))
            return i;
    return -1;
}

void ref_wl_set_init(struct ref_wl_set *s) { memset(s, 0, sizeof *s); }

void ref_wl_set_free(struct ref_wl_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct ref_wl_entry *e = &s->e[i];
        char **f[] = {&e->list, &e->list_date, &e->name, &e->program,
                      &e->entry_num, &e->flag, &e->note};
        for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
            free(*f[k]);
        for (int k = 0; k < e->nids; k++)
            free(e->ids[k].value);
        free(e->ids);
    }
    free(s->e);
    memset(s, 0, sizeof *s);
}

void ref_wl_entry_set(char **field, const char *value)
{
    free(*field);
    *field = value && *value ? xstrdup(value) : NULL;
}

struct ref_wl_entry *ref_wl_set_add(struct ref_wl_set *s, enum ref_wl_kind kind,
                                    const char *list, const char *name)
{
    if (s->n == s->cap)
        s->e = xrealloc(s->e, (s->cap = s->cap ? 2 * s->cap : 256) * sizeof *s->e);
    struct ref_wl_entry *e = &s->e[s->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->list = xstrdup(list);
    e->name = xstrdup(name);
    return e;
}

void ref_wl_entry_ident(struct ref_wl_entry *e, enum ref_wl_id type, const char *value)
{
    if (!value || !*value)
        return;
    for (int i = 0; i < e->nids; i++)
        if (e->ids[i].type == type && !strcmp(e->ids[i].value, value))
            return;
    e->ids = xrealloc(e->ids, (size_t)(e->nids + 1) * sizeof *e->ids);
    e->ids[e->nids].type = type;
    e->ids[e->nids].value = xstrdup(value);
    e->nids++;
}

const char *ref_wl_entry_get(const struct ref_wl_entry *e, enum ref_wl_id type)
{
    for (int i = 0; i < e->nids; i++)
        if (e->ids[i].type == type)
            return e->ids[i].value;
    return NULL;
}

char *ref_wl_norm_vessel(const char *name, char *out, size_t n)
{
    /* Words of letters and digits; '/' and '.' inside a prefix ("M/T",
     * "M.V.") are dropped so the prefix becomes one word (MT, MV). */
    size_t o = 0;
    int gap = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && o + 2 < n; p++) {
        if (isalnum(*p)) {
            if (gap && o)
                out[o++] = ' ';
            out[o++] = (char)toupper(*p);
            gap = 0;
        } else if (*p != '/' && *p != '.' && *p != '\'') {
            gap = 1;
        }
    }
    out[o] = '\0';
    static const char *const prefixes[] = {"MT ", "MV ", "MY ", "SS ", "MS ", "FV ", "TS ", "MST "};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t k = strlen(prefixes[i]);
        if (o > k && !strncmp(out, prefixes[i], k)) {
            memmove(out, out + k, o - k + 1);
            break;
        }
    }
    return out;
}

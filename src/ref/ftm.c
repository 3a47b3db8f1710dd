/* ftm.c: OpenSanctions data in FollowTheMoney form (ref_wl_import_ftm,
 * watchlist.h). Each line is one entity {id, schema, properties, datasets};
 * property values are arrays of strings, or (targets.nested.json) of the
 * related entities themselves. Entities refer to each other by id in any
 * order, so the file is read once into a scratch set and an id map, and the
 * references (Sanction.entity, Vehicle.operator/owner) are resolved at the
 * end. Schemas of other things (people, addresses...) are skipped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/strmap.h"
#include "ref/watchlist.h"

/* A targets.nested.json line nests a target's sanctions, owners and
 * operators; a few MB is already a large one. */
#define FTM_MAX_LINE (64u << 20)
#define FTM_MAX_DEPTH 4

struct sanction {
    char *program, *authority, *date, *url;
    char **entity, **datasets; /* NULL-terminated */
};

struct link {
    uint32_t from;  /* scratch index of the vessel or airplane */
    char *to;       /* id of the organisation */
    enum ref_wl_id role; /* REF_WL_ID_OPERATOR or REF_WL_ID_OWNER */
};

struct ftm {
    struct ref_wl_set all; /* scratch: every vessel, airplane, organisation */
    uint8_t *keep;         /* per scratch entry: goes into the result */
    size_t keep_cap;
    struct ref_strmap ids; /* FtM id -> scratch index */
    struct sanction *sn;
    size_t nsn, capsn;
    struct link *ln;
    size_t nln, capln;
    const char *list;
    struct ref_wl_ftm_stats *st;
};

static const char *str_at(json_t *props, const char *key, size_t i)
{
    return json_string_value(json_array_get(json_object_get(props, key), i));
}

static char **strings(json_t *arr)
{
    size_t n = json_array_size(arr), k = 0;
    char **out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (v && *v)
            out[k++] = xstrdup(v);
    }
    return out;
}

static void free_strings(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

static enum ref_wl_kind kind_of(const char *schema, int *ok)
{
    static const char *const orgs[] = {"Organization", "Company", "LegalEntity", "PublicBody"};
    *ok = 1;
    if (!strcmp(schema, "Vessel"))
        return REF_WL_VESSEL;
    if (!strcmp(schema, "Airplane"))
        return REF_WL_AIRCRAFT;
    for (size_t i = 0; i < sizeof orgs / sizeof orgs[0]; i++)
        if (!strcmp(schema, orgs[i]))
            return REF_WL_ORGANISATION;
    *ok = 0;
    return REF_WL_ORGANISATION;
}

/* Adds every string of props[key] as an identifier of the given type. */
static void each(struct ref_wl_entry *e, json_t *props, const char *key, enum ref_wl_id type)
{
    json_t *arr = json_object_get(props, key), *v;
    size_t i;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v))
            ref_wl_entry_add_id(e, type, json_string_value(v));
    }
}

static const char *id_of(json_t *ent)
{
    const char *id = json_string_value(json_object_get(ent, "id"));
    return id && *id ? id : NULL;
}

static uint32_t scratch_entry(struct ftm *f, const char *id, enum ref_wl_kind kind,
                              const char *name)
{
    uint32_t i;
    if (ref_strmap_get(&f->ids, id, &i))
        return i; /* seen before (nested in another target): merge */
    i = (uint32_t)f->all.n;
    struct ref_wl_entry *e = ref_wl_set_add(&f->all, kind, f->list, name);
    ref_wl_entry_set(&e->entry_num, id);
    ref_strmap_put(&f->ids, id, i, NULL);
    if (f->all.n > f->keep_cap) {
        f->keep_cap = f->keep_cap ? 2 * f->keep_cap : 1024;
        f->keep = xrealloc(f->keep, f->keep_cap);
    }
    f->keep[i] = kind != REF_WL_ORGANISATION; /* organisations only when linked */
    return i;
}

static void add_link(struct ftm *f, uint32_t from, const char *to, enum ref_wl_id role)
{
    if (f->nln == f->capln)
        f->ln = xrealloc(f->ln, (f->capln = f->capln ? 2 * f->capln : 256) * sizeof *f->ln);
    f->ln[f->nln++] = (struct link){from, xstrdup(to), role};
}

static const char *ingest(struct ftm *f, json_t *ent, const char *parent, int depth);

/* The ids a reference property holds: strings, or nested entities (which
 * are ingested first). parent is the referring entity, for a nested
 * Sanction that leaves its "entity" implicit. */
static void refs(struct ftm *f, json_t *props, const char *key, const char *parent, int depth,
                 void (*use)(struct ftm *, uint32_t, const char *, enum ref_wl_id), uint32_t from,
                 enum ref_wl_id role)
{
    json_t *arr = json_object_get(props, key), *v;
    size_t i;
    json_array_foreach(arr, i, v)
    {
        const char *to = json_is_string(v) ? json_string_value(v)
                         : json_is_object(v) ? ingest(f, v, parent, depth + 1)
                                             : NULL;
        if (to && use)
            use(f, from, to, role);
    }
}

static void sanction(struct ftm *f, json_t *ent, json_t *props, const char *parent, int depth)
{
    if (f->nsn == f->capsn)
        f->sn = xrealloc(f->sn, (f->capsn = f->capsn ? 2 * f->capsn : 256) * sizeof *f->sn);
    struct sanction *s = &f->sn[f->nsn++];
    memset(s, 0, sizeof *s);
    const char *v;
    s->program = (v = str_at(props, "program", 0)) ? xstrdup(v) : NULL;
    s->authority = (v = str_at(props, "authority", 0)) ? xstrdup(v) : NULL;
    v = str_at(props, "listingDate", 0);
    v = v ? v : str_at(props, "startDate", 0);
    s->date = v ? xstrdup(v) : NULL;
    s->url = (v = str_at(props, "sourceUrl", 0)) ? xstrdup(v) : NULL;
    s->datasets = strings(json_object_get(ent, "datasets"));
    /* entity: ids, or nested entities; nested under a target, it may name
     * none and mean that target. */
    json_t *arr = json_object_get(props, "entity"), *x;
    size_t n = json_array_size(arr), k = 0, i;
    s->entity = xcalloc(n + 2, sizeof *s->entity);
    json_array_foreach(arr, i, x)
    {
        const char *id = json_is_string(x) ? json_string_value(x)
                         : json_is_object(x) ? ingest(f, x, NULL, depth + 1)
                                             : NULL;
        if (id && *id)
            s->entity[k++] = xstrdup(id);
    }
    if (!k && parent)
        s->entity[k++] = xstrdup(parent);
    f->st->sanctions++;
}

static void nested_sanctions(struct ftm *f, json_t *props, const char *id, int depth)
{
    refs(f, props, "sanctions", id, depth, NULL, 0, 0);
}

/* One entity; returns its id (owned by the JSON) or NULL when it has none. */
static const char *ingest(struct ftm *f, json_t *ent, const char *parent, int depth)
{
    const char *id = id_of(ent), *schema = json_string_value(json_object_get(ent, "schema"));
    json_t *props = json_object_get(ent, "properties");
    if (!id || !schema || !json_is_object(props) || depth > FTM_MAX_DEPTH)
        return id;
    f->st->entities++;
    if (!strcmp(schema, "Sanction")) {
        sanction(f, ent, props, parent, depth);
        return id;
    }
    int ok;
    enum ref_wl_kind kind = kind_of(schema, &ok);
    if (!ok) {
        nested_sanctions(f, props, id, depth); /* a person's, say: not ours, skipped */
        return id;
    }
    const char *name = str_at(props, "name", 0);
    if (!name)
        name = json_string_value(json_object_get(ent, "caption"));
    uint32_t i = scratch_entry(f, id, kind, name ? name : id);
    /* Re-fetch after every nested ingest: the scratch set may move. */
#define E (&f->all.e[i])
    if (!E->flag)
        ref_wl_entry_set(&E->flag, str_at(props, kind == REF_WL_VESSEL ? "flag" : "country", 0));
    static const char *const aliases[] = {"name", "alias", "weakAlias", "previousName"};
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        each(E, props, aliases[k], REF_WL_ID_ALIAS);
    /* The entry's own name is no alias of itself. */
    for (int k = 0; k < E->nids; k++)
        if (E->ids[k].type == REF_WL_ID_ALIAS && !strcmp(E->ids[k].value, E->name)) {
            free(E->ids[k].value);
            E->ids[k] = E->ids[--E->nids];
            break;
        }
    each(E, props, "sourceUrl", REF_WL_ID_SOURCE_URL);
    json_t *ds = json_object_get(ent, "datasets"), *d;
    size_t k;
    json_array_foreach(ds, k, d)
    {
        if (json_is_string(d))
            ref_wl_entry_ident(E, REF_WL_ID_DATASET, json_string_value(d));
    }
    if (kind == REF_WL_VESSEL) {
        each(E, props, "imoNumber", REF_WL_ID_IMO);
        each(E, props, "mmsi", REF_WL_ID_MMSI);
        each(E, props, "callSign", REF_WL_ID_CALL_SIGN);
        each(E, props, "pastFlags", REF_WL_ID_PAST_FLAG);
        each(E, props, "type", REF_WL_ID_VESSEL_TYPE);
        /* A ship's national register number: kept, but never compared
         * with tail numbers (wl_match.c). */
        each(E, props, "registrationNumber", REF_WL_ID_REGISTRATION);
    } else if (kind == REF_WL_AIRCRAFT) {
        each(E, props, "registrationNumber", REF_WL_ID_REGISTRATION);
        each(E, props, "serialNumber", REF_WL_ID_MSN);
        /* FtM's Airplane.icaoCode is the ICAO type designator (A320), not
         * the Mode S address. */
        each(E, props, "icaoCode", REF_WL_ID_MODEL);
        each(E, props, "model", REF_WL_ID_MODEL);
        each(E, props, "type", REF_WL_ID_MODEL);
    }
#undef E
    if (kind != REF_WL_ORGANISATION) {
        refs(f, props, "operator", NULL, depth, add_link, i, REF_WL_ID_OPERATOR);
        refs(f, props, "owner", NULL, depth, add_link, i, REF_WL_ID_OWNER);
    }
    nested_sanctions(f, props, id, depth);
    return id;
}

/* Appends v to a "; "-joined list unless it is already there. */
static void join(char **list, const char *v)
{
    if (!v || !*v)
        return;
    if (!*list) {
        *list = xstrdup(v);
        return;
    }
    size_t n = strlen(v);
    for (const char *p = *list; (p = strstr(p, v)); p++)
        if ((p == *list || p[-1] == ' ') && (p[n] == ';' || !p[n]))
            return;
    size_t m = strlen(*list);
    *list = xrealloc(*list, m + n + 3);
    memcpy(*list + m, "; ", 2);
    memcpy(*list + m + 2, v, n + 1);
}

static void resolve(struct ftm *f)
{
    uint32_t i;
    for (size_t k = 0; k < f->nsn; k++) {
        struct sanction *s = &f->sn[k];
        int linked = 0;
        for (char **id = s->entity; *id; id++) {
            if (!ref_strmap_get(&f->ids, *id, &i))
                continue; /* a sanctioned person, or an entity not in the file */
            struct ref_wl_entry *e = &f->all.e[i];
            f->keep[i] = 1;
            linked = 1;
            join(&e->program, s->program);
            ref_wl_entry_ident(e, REF_WL_ID_AUTHORITY, s->authority);
            ref_wl_entry_ident(e, REF_WL_ID_LISTED, s->date);
            ref_wl_entry_ident(e, REF_WL_ID_SOURCE_URL, s->url);
            for (char **d = s->datasets; *d; d++)
                ref_wl_entry_ident(e, REF_WL_ID_DATASET, *d);
        }
        f->st->sanctions_linked += linked;
    }
    for (size_t k = 0; k < f->nln; k++) {
        struct link *l = &f->ln[k];
        if (!ref_strmap_get(&f->ids, l->to, &i))
            continue;
        f->keep[i] = 1;
        ref_wl_entry_ident(&f->all.e[l->from], l->role, f->all.e[i].name);
        ref_wl_entry_ident(&f->all.e[l->from], REF_WL_ID_LINKED_TO, f->all.e[i].name);
    }
}

/* Moves the kept scratch entries into s, counting them. */
static void move_kept(struct ftm *f, struct ref_wl_set *s)
{
    for (size_t i = 0; i < f->all.n; i++) {
        struct ref_wl_entry *e = &f->all.e[i];
        if (!f->keep[i])
            continue;
        struct ref_wl_entry *d = ref_wl_set_add(s, e->kind, e->list, e->name);
        free(d->list);
        free(d->name);
        *d = *e;
        memset(e, 0, sizeof *e);
        struct ref_wl_ftm_stats *st = f->st;
        for (int k = 0; k < d->nids; k++)
            st->invalid_ids += d->ids[k].type >= REF_WL_ID_IMO_INVALID &&
                               d->ids[k].type <= REF_WL_ID_ICAO24_INVALID;
        if (d->kind == REF_WL_VESSEL) {
            st->vessels++;
            st->vessels_imo += ref_wl_entry_get(d, REF_WL_ID_IMO) != NULL;
            st->vessels_mmsi += ref_wl_entry_get(d, REF_WL_ID_MMSI) != NULL;
        } else if (d->kind == REF_WL_AIRCRAFT) {
            st->aircraft++;
            st->aircraft_registration += ref_wl_entry_get(d, REF_WL_ID_REGISTRATION) != NULL;
        } else {
            st->organisations++;
        }
    }
}

static void ftm_free(struct ftm *f)
{
    /* Moved entries were zeroed; ref_wl_set_free frees the rest. */
    ref_wl_set_free(&f->all);
    free(f->keep);
    ref_strmap_free(&f->ids);
    for (size_t k = 0; k < f->nsn; k++) {
        free(f->sn[k].program);
        free(f->sn[k].authority);
        free(f->sn[k].date);
        free(f->sn[k].url);
        free_strings(f->sn[k].entity);
        free_strings(f->sn[k].datasets);
    }
    free(f->sn);
    for (size_t k = 0; k < f->nln; k++)
        free(f->ln[k].to);
    free(f->ln);
}

/* Whole lines of any length up to FTM_MAX_LINE (in_getline stops at 4 kB). */
struct lines {
    struct in_file *in;
    char *p;
    size_t start, end, cap;
    int eof, dropping;
};

/* 1 a line (NUL-terminated in place), 2 an overlong line dropped, 0 end,
 * -1 read error. */
static int next_line(struct lines *r, char **line)
{
    for (;;) {
        char *nl = memchr(r->p + r->start, '\n', r->end - r->start);
        if (nl || (r->eof && r->end > r->start)) {
            size_t e = nl ? (size_t)(nl - r->p) : r->end;
            r->p[e] = '\0';
            *line = r->p + r->start;
            r->start = nl ? e + 1 : r->end;
            if (r->dropping) {
                r->dropping = 0;
                return 2;
            }
            return 1;
        }
        if (r->eof)
            return r->dropping ? (r->dropping = 0, 2) : 0;
        if (r->start) {
            memmove(r->p, r->p + r->start, r->end - r->start);
            r->end -= r->start;
            r->start = 0;
        }
        if (r->end + 1 >= r->cap) {
            if (r->cap >= FTM_MAX_LINE) {
                r->end = 0; /* drop what we have; the rest up to '\n' follows */
                r->dropping = 1;
            } else {
                r->cap *= 2;
                r->p = xrealloc(r->p, r->cap);
            }
        }
        ssize_t n = in_read(r->in, r->p + r->end, r->cap - r->end - 1);
        if (n < 0)
            return -1;
        if (n == 0)
            r->eof = 1;
        r->end += (size_t)n;
    }
}

int ref_wl_import_ftm(struct ref_wl_set *s, const char *path, const char *list,
                      const struct ref *r, struct ref_wl_ftm_stats *st, char *err, size_t errn)
{
    memset(st, 0, sizeof *st);
    struct lines rd = {.in = in_open(path), .cap = 1 << 16};
    if (!rd.in) {
        snprintf(err, errn, "%s: %s", path, strerror(errno));
        return -1;
    }
    rd.p = xmalloc(rd.cap);
    struct ftm f = {.list = list, .st = st};
    ref_wl_set_init(&f.all);
    ref_strmap_init(&f.ids, 1024);
    char *line;
    int rc;
    while ((rc = next_line(&rd, &line)) > 0) {
        st->lines++;
        if (rc == 2) {
            st->bad_lines++;
            continue;
        }
        if (!line[strspn(line, " \t\r")])
            continue;
        json_t *ent = json_loads(line, 0, NULL);
        if (json_is_object(ent) && id_of(ent))
            ingest(&f, ent, NULL, 0);
        else
            st->bad_lines++;
        json_decref(ent);
    }
    in_close(rd.in);
    free(rd.p);
    if (rc < 0) {
        snprintf(err, errn, "%s: read error", path);
        ftm_free(&f);
        return -1;
    }
    resolve(&f);
    move_kept(&f, s);
    ftm_free(&f);
    if (!st->entities) {
        snprintf(err, errn, "%s: no FollowTheMoney entities ({\"id\", \"schema\", \"properties\"} "
                            "per line); %zu bad lines", path, st->bad_lines);
        return -1;
    }
    if (r)
        st->designators = ref_wl_link_operators(s, r);
    return 0;
}

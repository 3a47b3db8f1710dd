/* api_find.c: /find?q=TEXT, search by whatever the analyst knows, the
 * answers grouped by kind (docs/formats/api-v1.md):
 *   vessels, aircraft  the store's identities, current and former (names,
 *                      callsigns, registrations; MMSI, IMO, ICAO address),
 *                      as /search finds them;
 *   operators          airlines of the reference data by ICAO or IATA
 *                      designator, name or radio callsign, and watchlisted
 *                      organisations with a designator, each with the
 *                      store's aircraft flying under it (callsign prefix);
 *   watchlist          entries by name, alias, owner or operator, each with
 *                      the store's entities its identifiers name;
 *   airports, ports    the reference data by code or name, with position.
 * Text is compared case-insensitively as a substring; codes exactly. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "http/api.h"
#include "ref/ref.h"
#include "store/store.h"

struct ents {
    struct ent {
        uint8_t kind;
        uint32_t id;
        char field[16], value[64];
        bool current;
    } *e;
    size_t n, cap, max;
};

static int on_hit(void *ctx, const struct store_hit *h)
{
    struct ents *v = ctx;
    for (size_t i = 0; i < v->n; i++)
        if (v->e[i].kind == h->kind && v->e[i].id == h->id)
            return 0; /* one row per entity: its first (current first) match */
    if (v->n == v->max)
        return 1;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->e = xrealloc(v->e, v->cap * sizeof *v->e);
    }
    struct ent *o = &v->e[v->n++];
    o->kind = h->kind;
    o->id = h->id;
    snprintf(o->field, sizeof o->field, "%s", h->field);
    snprintf(o->value, sizeof o->value, "%s", h->value);
    o->current = h->valid_to_ms == 0;
    return 0;
}

static int on_latest(void *ctx, const struct store_position *p)
{
    *(struct store_position *)ctx = *p;
    ((struct store_position *)ctx)->source = NULL;
    return 1;
}

/* An entity with its name or callsign now and where it was last seen. */
static void write_ent(struct http_api *a, struct jw *w, const struct ent *e)
{
    jw_obj_begin(w);
    api_write_entity_id(w, e->kind, e->id);
    if (e->field[0]) {
        jw_kstr(w, "field", e->field);
        jw_kstr(w, "value", e->value);
        jw_kbool(w, "current", e->current);
    }
    struct api_ident id;
    api_ident_load(a, e->kind, e->id, INT64_MAX, &id);
    if (e->kind == STORE_VESSEL && id.name[0])
        jw_kstr(w, "name", id.name);
    if (id.callsign[0])
        jw_kstr(w, "callsign", id.callsign);
    struct store_position p = {.t_ms = 0};
    if (a->st->ops->query_latest(a->st, e->kind, e->id, INT64_MAX, on_latest, &p) == 0 && p.t_ms) {
        jw_kfixed(w, "lat", p.lat, 6);
        jw_kfixed(w, "lon", p.lon, 6);
        jw_kint(w, "t", p.t_ms);
    }
    jw_obj_end(w);
}

static bool has(const char *hay, const char *needle) { return hay && *needle && strcasestr(hay, needle) != NULL; }
static bool same(const char *a, const char *b) { return a && *a && strcasecmp(a, b) == 0; }

/* The store's aircraft flying under designator d: callsigns starting with it. */
static void aircraft_of(struct http_api *a, struct jw *w, const char *d, size_t limit)
{
    struct ents v = {.max = 200};
    a->st->ops->search(a->st, d, 200, on_hit, &v);
    size_t n = strlen(d), k = 0;
    jw_key(w, "aircraft");
    jw_arr_begin(w);
    for (size_t i = 0; i < v.n && k < limit; i++)
        if (v.e[i].kind == STORE_AIRCRAFT && strcmp(v.e[i].field, "callsign") == 0 &&
            strncasecmp(v.e[i].value, d, n) == 0 && !isalpha((unsigned char)v.e[i].value[n])) {
            write_ent(a, w, &v.e[i]);
            k++;
        }
    jw_arr_end(w);
    free(v.e);
}

static void group_begin(struct jw *w, const char *name, const char *label)
{
    jw_obj_begin(w);
    jw_kstr(w, "group", name);
    jw_kstr(w, "label", label);
    jw_key(w, "results");
    jw_arr_begin(w);
}

static void group_end(struct jw *w)
{
    jw_arr_end(w);
    jw_obj_end(w);
}

static void write_operators(struct http_api *a, struct jw *w, const char *q, size_t limit, size_t *count)
{
    group_begin(w, "operators", "Airlines and operators");
    size_t k = 0;
    size_t nops = a->ref ? ref_operator_count(a->ref) : 0;
    /* Exact designators first, then names and radio callsigns. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nops && k < limit; i++) {
            const struct ref_operator *op = ref_operator_at(a->ref, i);
            bool code = same(op->icao, q) || same(op->iata, q);
            if (pass == 0 ? !code : code || !(strlen(q) >= 3 && (has(op->name, q) || has(op->callsign, q))))
                continue;
            jw_obj_begin(w);
            jw_kstr(w, "source", "reference");
            jw_kstr(w, "designator", op->icao);
            if (op->iata[0])
                jw_kstr(w, "iata", op->iata);
            jw_kstr(w, "name", op->name ? op->name : "");
            if (op->callsign)
                jw_kstr(w, "radio_callsign", op->callsign);
            if (op->country)
                jw_kstr(w, "country", op->country);
            jw_kbool(w, "active", op->active);
            aircraft_of(a, w, op->icao, 20);
            jw_obj_end(w);
            k++;
        }
    /* Watchlisted organisations with a designator (a sanctioned airline). */
    for (size_t i = 0; i < a->wl.n && k < limit; i++) {
        const struct ref_wl_entry *e = &a->wl.e[i];
        const char *d = ref_wl_entry_get(e, REF_WL_ID_DESIGNATOR);
        if (!d || !(same(d, q) || (strlen(q) >= 3 && has(e->name, q))))
            continue;
        jw_obj_begin(w);
        jw_kstr(w, "source", "watchlist");
        jw_kstr(w, "designator", d);
        jw_kstr(w, "name", e->name);
        jw_kstr(w, "list", e->list);
        if (e->program)
            jw_kstr(w, "program", e->program);
        aircraft_of(a, w, d, 20);
        jw_obj_end(w);
        k++;
    }
    group_end(w);
    *count += k;
}

static bool entry_matches(const struct ref_wl_entry *e, const char *q)
{
    if (has(e->name, q))
        return true;
    for (int i = 0; i < e->nids; i++) {
        enum ref_wl_id t = e->ids[i].type;
        if ((t == REF_WL_ID_ALIAS || t == REF_WL_ID_OWNER || t == REF_WL_ID_OPERATOR) && has(e->ids[i].value, q))
            return true;
        if ((t == REF_WL_ID_IMO || t == REF_WL_ID_MMSI || t == REF_WL_ID_ICAO24 || t == REF_WL_ID_REGISTRATION ||
             t == REF_WL_ID_CALL_SIGN || t == REF_WL_ID_DESIGNATOR) &&
            same(e->ids[i].value, q))
            return true;
    }
    return false;
}

static void write_watchlist(struct http_api *a, struct jw *w, const char *q, size_t limit, size_t *count)
{
    group_begin(w, "watchlist", "Watchlist entries");
    size_t k = 0;
    for (size_t i = 0; i < a->wl.n && k < limit; i++) {
        const struct ref_wl_entry *e = &a->wl.e[i];
        if (strlen(q) < 3 ? !same(e->name, q) : !entry_matches(e, q))
            continue;
        jw_obj_begin(w);
        jw_kint(w, "entry_id", e->id);
        jw_kstr(w, "kind", ref_wl_kind_name(e->kind));
        jw_kstr(w, "name", e->name);
        jw_kstr(w, "list", e->list);
        if (e->program)
            jw_kstr(w, "program", e->program);
        if (e->list_date)
            jw_kstr(w, "listed", e->list_date);
        jw_key(w, "ids");
        jw_obj_begin(w);
        for (int t = 0; t < REF_WL_ID_COUNT; t++) {
            const char *v = ref_wl_entry_get(e, (enum ref_wl_id)t);
            if (v)
                jw_kstr(w, ref_wl_id_name((enum ref_wl_id)t), v);
        }
        jw_obj_end(w);
        /* The store's entities its numbers name. */
        struct ents v = {.max = 10};
        static const enum ref_wl_id nums[] = {REF_WL_ID_MMSI, REF_WL_ID_IMO, REF_WL_ID_ICAO24};
        for (size_t j = 0; j < sizeof nums / sizeof nums[0]; j++)
            for (int x = 0; x < e->nids; x++)
                if (e->ids[x].type == nums[j])
                    a->st->ops->search(a->st, e->ids[x].value, 10, on_hit, &v);
        jw_key(w, "entities");
        jw_arr_begin(w);
        for (size_t j = 0; j < v.n; j++)
            write_ent(a, w, &v.e[j]);
        jw_arr_end(w);
        free(v.e);
        const char *d = ref_wl_entry_get(e, REF_WL_ID_DESIGNATOR);
        if (d)
            aircraft_of(a, w, d, 20);
        jw_obj_end(w);
        k++;
    }
    group_end(w);
    *count += k;
}

static void write_places(struct http_api *a, struct jw *w, const char *q, size_t limit, size_t *count)
{
    group_begin(w, "airports", "Airports");
    size_t k = 0, n = a->ref ? ref_airport_count(a->ref) : 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n && k < limit; i++) {
            const struct ref_airport *ap = ref_airport_at(a->ref, i);
            bool code = same(ap->icao, q) || same(ap->iata, q);
            if (pass == 0 ? !code : code || strlen(q) < 3 || !(has(ap->name, q) || has(ap->city, q)))
                continue;
            jw_obj_begin(w);
            jw_kstr(w, "icao", ap->icao);
            if (ap->iata[0])
                jw_kstr(w, "iata", ap->iata);
            jw_kstr(w, "name", ap->name ? ap->name : "");
            if (ap->city)
                jw_kstr(w, "city", ap->city);
            if (ap->country)
                jw_kstr(w, "country", ap->country);
            jw_kfixed(w, "lat", ap->lat, 5);
            jw_kfixed(w, "lon", ap->lon, 5);
            jw_obj_end(w);
            k++;
        }
    group_end(w);
    *count += k;
    group_begin(w, "ports", "Ports");
    k = 0;
    n = a->ref ? ref_port_count(a->ref) : 0;
    char *end;
    unsigned long num = strtoul(q, &end, 10);
    for (size_t i = 0; i < n && k < limit; i++) {
        const struct ref_port *pt = ref_port_at(a->ref, i);
        if (!(*end == 0 && num == pt->id) && !(strlen(q) >= 3 && has(pt->name, q)))
            continue;
        jw_obj_begin(w);
        jw_kuint(w, "wpi", pt->id);
        jw_kstr(w, "name", pt->name ? pt->name : "");
        jw_kstr(w, "country", pt->country);
        jw_kfixed(w, "lat", pt->lat, 5);
        jw_kfixed(w, "lon", pt->lon, 5);
        jw_obj_end(w);
        k++;
    }
    group_end(w);
    *count += k;
}

int api_find(struct http_api *a, const struct api_req *r, struct api_reply *out)
{
    const char *q = api_arg(r, "q");
    size_t limit;
    if (!q)
        return api_error(out, 400, "q: the text to look for");
    if (strlen(q) > 64)
        return api_error(out, 400, "q: at most 64 characters");
    if (api_parse_limit(api_arg(r, "limit"), 10, 50, &limit))
        return api_error(out, 400, "limit: 1..50");
    char text[65];
    size_t n = 0;
    /* Surrounding blanks are never what is meant. */
    while (*q == ' ')
        q++;
    snprintf(text, sizeof text, "%s", q);
    n = strlen(text);
    while (n && text[n - 1] == ' ')
        text[--n] = 0;
    if (!n)
        return api_error(out, 400, "q: the text to look for");

    struct ents v = {.max = 4 * limit};
    if (a->st->ops->search(a->st, text, 4 * limit, on_hit, &v) != 0) {
        free(v.e);
        return api_error(out, 500, "store: %s", a->st->err);
    }
    struct jw w;
    api_json(out, &w);
    jw_obj_begin(&w);
    jw_kstr(&w, "q", text);
    jw_key(&w, "groups");
    jw_arr_begin(&w);
    size_t count = 0;
    static const struct {
        uint8_t kind;
        const char *name, *label;
    } ent_groups[] = {{STORE_VESSEL, "vessels", "Vessels"}, {STORE_AIRCRAFT, "aircraft", "Aircraft"}};
    for (size_t g = 0; g < 2; g++) {
        group_begin(&w, ent_groups[g].name, ent_groups[g].label);
        size_t k = 0;
        for (size_t i = 0; i < v.n && k < limit; i++)
            if (v.e[i].kind == ent_groups[g].kind) {
                write_ent(a, &w, &v.e[i]);
                k++;
            }
        group_end(&w);
        count += k;
    }
    free(v.e);
    write_operators(a, &w, text, limit, &count);
    write_watchlist(a, &w, text, limit, &count);
    write_places(a, &w, text, limit, &count);
    jw_arr_end(&w);
    jw_kuint(&w, "count", count);
    jw_obj_end(&w);
    buf_putc(&out->body, '\n');
    return 200;
}

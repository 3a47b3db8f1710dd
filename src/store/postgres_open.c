/* postgres_open.c: the PostgreSQL backend's open events read back as struct
 * event (store.h query_open_events, for det_restore), typed as
 * sqlite_read.c types them: integers, text and booleans as such; reals,
 * null and structures as their JSON text (a real's value also in r).
 * SQLite takes the JSON apart with json_each; here the texts, which the
 * event writer made, are walked member by member, so a real or a structure
 * keeps the exact text it was stored as. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/xmalloc.h"
#include "detect/event.h"
#include "store/pg_internal.h"

static const char *skip_ws(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

/* The end of the JSON value that starts at p (the text is the writer's, but
 * a damaged one only ends early: every step stops at the terminating 0). */
static const char *value_end(const char *p)
{
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1])
                p++;
        return *p ? p + 1 : p;
    }
    if (*p == '{' || *p == '[') {
        int depth = 0;
        for (; *p; p++) {
            if (*p == '"') {
                p = value_end(p) - 1;
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0)
                return p + 1;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p))
        p++;
    return p;
}

/* A JSON string's value (NULL: not a string), freed by json_decref(*keep). */
static const char *string_of(const char *p, size_t n, json_t **keep)
{
    *keep = json_loadb(p, n, JSON_DECODE_ANY, NULL);
    return json_is_string(*keep) ? json_string_value(*keep) : NULL;
}

static void add_field(struct event *e, const char *name, const char *v, size_t n)
{
    json_t *j;
    const char *str;
    if (*v == '"') {
        if ((str = string_of(v, n, &j)))
            ev_str(e, name, str);
        json_decref(j);
    } else if (n == 4 && !strncmp(v, "true", 4)) {
        ev_bool(e, name, true);
    } else if (n == 5 && !strncmp(v, "false", 5)) {
        ev_bool(e, name, false);
    } else if (*v == '-' || isdigit((unsigned char)*v)) {
        int real = memchr(v, '.', n) || memchr(v, 'e', n) || memchr(v, 'E', n);
        if (!real) {
            ev_int(e, name, strtoll(v, NULL, 10));
            return;
        }
        ev_json(e, name, v, n);
        if (e->nf && !strcmp(e->f[e->nf - 1].name, name))
            e->f[e->nf - 1].r = strtod(v, NULL);
    } else {
        ev_json(e, name, v, n);
    }
}

/* The members of the details object, in order. */
static void add_fields(struct event *e, const char *p)
{
    if (!p || *(p = skip_ws(p)) != '{')
        return;
    p++;
    for (;;) {
        p = skip_ws(p);
        if (*p != '"')
            return;
        const char *k = p;
        p = value_end(p);
        json_t *kj;
        const char *name = string_of(k, (size_t)(p - k), &kj);
        p = skip_ws(p);
        if (*p != ':' || !name) {
            json_decref(kj);
            return;
        }
        const char *v = skip_ws(p + 1);
        p = value_end(v);
        if (p > v)
            add_field(e, name, v, (size_t)(p - v));
        json_decref(kj);
        p = skip_ws(p);
        if (*p != ',')
            return;
        p++;
    }
}

static void add_evidence(struct event *e, const char *text)
{
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (json_is_string(x))
            ev_evidence(e, json_string_value(x), json_string_length(x));
    }
    json_decref(a);
}

int pgr_query_open_events(struct store *s, store_open_event_cb cb, void *ctx)
{
    struct pg_result *r = pgx_exec(s, "SELECT " PG_EVENT_COLS " FROM event WHERE state=1 ORDER BY t_start, rid", 0,
                                   NULL);
    if (!r)
        return -1;
    struct pg_result *ents = pgx_exec(s,
                                      "SELECT event, kind, id, coalesce(role, 'subject') FROM event_entity"
                                      " WHERE event IN (SELECT rid FROM event WHERE state=1) ORDER BY event, n",
                                      0, NULL);
    if (!ents) {
        pgx_clear(r);
        return -1;
    }
    /* Each event's entities are the run of rows with its id (sorted by id). */
    int nent = pgx_rows(ents);
    struct event *e = xmalloc(sizeof *e);
    for (int i = 0; i < pgx_rows(r); i++) {
        struct store_event se;
        pgx_row_event(r, i, &se);
        ev_begin(e, se.kind ? se.kind : "", se.t_start_ms, se.t_end_ms);
        e->id = se.id;
        e->key = se.key;
        e->state = se.state;
        e->lat = se.lat;
        e->lon = se.lon;
        if (se.alert)
            ev_alert(e, se.alert);
        int lo = 0, hi = nent;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (pgx_int(ents, mid, 0) < se.id)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int j = lo; j < nent && pgx_int(ents, j, 0) == se.id; j++)
            ev_entity(e, (enum event_entity_kind)pgx_int(ents, j, 1), (uint32_t)pgx_int(ents, j, 2),
                      pgx_text(ents, j, 3));
        add_fields(e, se.details_json);
        add_evidence(e, se.evidence);
        if (cb(ctx, e))
            break;
    }
    free(e);
    pgx_clear(ents);
    pgx_clear(r);
    return 0;
}

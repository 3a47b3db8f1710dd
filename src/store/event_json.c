/* event_json.c: a detector event or watch alert line (the JSON that
 * `atalaya replay --detect` prints, src/detect) into the store: the event row
 * with its entities indexed, and for alerts the alert row as well. Which
 * entities an event is about is read from its members ("mmsi" or "..._mmsi"
 * as a number or an array, "icao"/"icao24"/"..._icao" as hex), so a new
 * detector needs no change here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "store/store.h"

#define MAX_ENTITIES 16

static void add_entity(struct store_entity_ref *e, size_t *n, uint8_t kind, uint32_t id)
{
    for (size_t i = 0; i < *n; i++)
        if (e[i].kind == kind && e[i].id == id)
            return;
    if (*n < MAX_ENTITIES)
        e[(*n)++] = (struct store_entity_ref){kind, id};
}

static void vessel_ids(json_t *v, struct store_entity_ref *e, size_t *n)
{
    if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= 999999999)
        add_entity(e, n, STORE_VESSEL, (uint32_t)json_integer_value(v));
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) vessel_ids(x, e, n);
    }
}

static void aircraft_id(json_t *v, struct store_entity_ref *e, size_t *n)
{
    const char *h = json_string_value(v);
    char *end;
    if (!h || strlen(h) != 6)
        return;
    unsigned long a = strtoul(h, &end, 16);
    if (!*end)
        add_entity(e, n, STORE_AIRCRAFT, (uint32_t)a);
}

static int64_t member_ms(json_t *o, const char *k, int64_t dflt)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static double member_real(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Evidence as stored: the raw messages, one per line. */
static void evidence_text(json_t *v, struct buf *b)
{
    if (json_is_string(v)) {
        buf_puts(b, json_string_value(v));
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x) || !json_string_length(x))
                continue;
            if (b->len)
                buf_putc(b, '\n');
            buf_puts(b, json_string_value(x));
        }
    }
    buf_putc(b, 0);
}

int store_put_event_json(struct store *s, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        snprintf(s->err, sizeof s->err, "event line: %s", jerr.text);
        return -1;
    }
    const char *kind = json_string_value(json_object_get(o, "event"));
    const char *alert = json_string_value(json_object_get(o, "alert"));
    if (!kind && !alert) {
        json_decref(o);
        return 1;
    }
    struct store_entity_ref ents[MAX_ENTITIES];
    size_t n = 0;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        size_t kl = strlen(k);
        if (!strcmp(k, "mmsi") || (kl > 5 && !strcmp(k + kl - 5, "_mmsi")))
            vessel_ids(v, ents, &n);
        else if (!strcmp(k, "icao") || !strcmp(k, "icao24") || (kl > 5 && !strcmp(k + kl - 5, "_icao")))
            aircraft_id(v, ents, &n);
    }
    int64_t t = member_ms(o, "t_ms", 0);
    struct store_event e = {
        .kind = kind ? kind : alert,
        .t_start_ms = member_ms(o, "t_start_ms", t),
        .t_end_ms = member_ms(o, "t_end_ms", t),
        .entities = ents,
        .nentities = n,
        .lat = member_real(o, "lat"),
        .lon = member_real(o, "lon"),
    };
    struct buf ev;
    buf_init(&ev, 512);
    evidence_text(json_object_get(o, "evidence"), &ev);
    json_object_del(o, "evidence");
    char *details = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    e.details_json = details;
    e.evidence = ev.len > 1 ? (const char *)ev.p : NULL;
    int rc = store_put_event(s, &e);
    if (rc == 0 && alert) {
        json_t *m = json_object_get(o, "match");
        const char *rule = json_string_value(json_object_get(m, "rule"));
        struct store_alert a = {
            .t_ms = e.t_start_ms,
            .kind = n ? ents[0].kind : 0,
            .id = n ? ents[0].id : 0,
            .rule = rule ? rule : alert,
            .message = details,
            .evidence = e.evidence,
        };
        rc = store_put_alert(s, &a);
    }
    free(details);
    buf_free(&ev);
    json_decref(o);
    return rc;
}

int store_put_event_lines(struct store *s, struct buf *b, uint64_t *bad)
{
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; i < b->len && rc == 0; i++) {
        if (b->p[i] != '\n')
            continue;
        if (i > start) {
            int r = store_put_event_json(s, (const char *)b->p + start, i - start);
            if (r < 0 && !strncmp(s->err, "event line", 10)) {
                if (bad)
                    (*bad)++;
            } else if (r < 0) {
                rc = -1;
            }
        }
        start = i + 1;
    }
    b->len = 0;
    return rc;
}

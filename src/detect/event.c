/* event.c: the event value's builders and its one JSON writer (event.h). */
#include "detect/event.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/timeparse.h"

const char *event_intern(struct event *e, const char *s, size_t n)
{
    if (!s)
        s = "", n = 0;
    if (e->used + n + 1 > sizeof e->arena) {
        e->dropped++;
        return NULL;
    }
    char *p = e->arena + e->used;
    memcpy(p, s, n);
    p[n] = 0;
    e->used += n + 1;
    return p;
}

void ev_begin(struct event *e, const char *kind, int64_t t_start_ms, int64_t t_end_ms)
{
    e->used = 0;
    e->kind = event_intern(e, kind, strlen(kind));
    e->state = EVENT_CLOSED;
    e->key = e->key_extra = 0;
    e->id = 0;
    e->t_start_ms = t_start_ms;
    e->t_end_ms = t_end_ms;
    e->lat = e->lon = NAN;
    e->alert = NULL;
    e->nent = e->nf = e->nevidence = 0;
    e->dropped = 0;
}

void ev_state(struct event *e, enum event_state s) { e->state = (uint8_t)s; }

void ev_pos(struct event *e, double lat, double lon)
{
    e->lat = lat;
    e->lon = lon;
}

void ev_entity(struct event *e, enum event_entity_kind kind, uint32_t id, const char *role)
{
    for (size_t i = 0; i < e->nent; i++)
        if (e->ent[i].kind == kind && e->ent[i].id == id)
            return; /* one entity, one role: the first given */
    const char *r = event_intern(e, role, strlen(role));
    if (!r || e->nent == EVENT_MAX_ENTITIES) {
        e->dropped++;
        return;
    }
    e->ent[e->nent++] = (struct event_entity){.kind = (uint8_t)kind, .id = id, .role = r};
}

static struct event_field *field(struct event *e, const char *name, uint8_t type)
{
    const char *n = event_intern(e, name, strlen(name));
    if (!n || e->nf == EVENT_MAX_FIELDS) {
        e->dropped++;
        return NULL;
    }
    struct event_field *f = &e->f[e->nf++];
    memset(f, 0, sizeof *f);
    f->name = n;
    f->type = type;
    return f;
}

void ev_int(struct event *e, const char *name, int64_t v)
{
    struct event_field *f = field(e, name, EVF_INT);
    if (f)
        f->i = v;
}

void ev_uint(struct event *e, const char *name, uint64_t v)
{
    struct event_field *f = field(e, name, EVF_UINT);
    if (f)
        f->u = v;
}

void ev_real(struct event *e, const char *name, double v, int decimals)
{
    struct event_field *f = field(e, name, EVF_REAL);
    if (f) {
        f->r = v;
        f->decimals = (uint8_t)decimals;
    }
}

static void field_text(struct event *e, const char *name, uint8_t type, const char *v, size_t n)
{
    struct event_field *f = field(e, name, type);
    if (!f)
        return;
    f->s = event_intern(e, v, n);
    if (!f->s)
        e->nf--; /* no room for the value: the field goes too */
}

void ev_str(struct event *e, const char *name, const char *v) { field_text(e, name, EVF_STR, v, v ? strlen(v) : 0); }

void ev_json(struct event *e, const char *name, const char *json, size_t len)
{
    field_text(e, name, EVF_JSON, json, len);
}

void ev_bool(struct event *e, const char *name, bool v)
{
    struct event_field *f = field(e, name, EVF_BOOL);
    if (f)
        f->b = v;
}

void ev_time(struct event *e, const char *name, int64_t ms)
{
    struct event_field *f = field(e, name, EVF_TIME);
    if (f)
        f->i = ms;
}

void ev_hex24(struct event *e, const char *name, uint32_t v)
{
    struct event_field *f = field(e, name, EVF_HEX24);
    if (f)
        f->u = v & 0xFFFFFFu;
}

void ev_evidence(struct event *e, const char *text, size_t len)
{
    if (!text || !len)
        return;
    if (e->nevidence == EVENT_MAX_EVIDENCE) {
        e->dropped++;
        return;
    }
    const char *s = event_intern(e, text, len);
    if (s)
        e->evidence[e->nevidence++] = s;
}

void ev_alert(struct event *e, const char *rule) { e->alert = event_intern(e, rule, strlen(rule)); }

/* FNV-1a, 64 bits: stable across runs and machines, which is all a key needs. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i)); /* little-endian whatever the host */
    return fnv(h, b, 8);
}

void ev_key_str(struct event *e, const char *s) { e->key_extra = fnv(e->key_extra ^ 0xcbf29ce484222325ull, s, strlen(s)); }

void ev_key_u64(struct event *e, uint64_t v) { e->key_extra = fnv_u64(e->key_extra ^ 0xcbf29ce484222325ull, v); }

void event_finish_key(struct event *e)
{
    if (e->key)
        return;
    uint64_t h = fnv(0xcbf29ce484222325ull, e->kind, strlen(e->kind) + 1);
    if (e->nent)
        h = fnv_u64(h, (uint64_t)e->ent[0].kind << 32 | e->ent[0].id);
    h = fnv_u64(h, (uint64_t)e->t_start_ms);
    h = fnv_u64(h, e->key_extra);
    e->key = h ? h : 1; /* 0 means "not set" */
}

/* A pointer into src's arena, moved to dst's. */
static const char *rebase(const struct event *src, struct event *dst, const char *p)
{
    if (p >= src->arena && p < src->arena + sizeof src->arena)
        return dst->arena + (p - src->arena);
    return p;
}

void event_copy(struct event *dst, const struct event *src)
{
    memcpy(dst, src, sizeof *dst);
    dst->kind = rebase(src, dst, src->kind);
    dst->alert = rebase(src, dst, src->alert);
    for (size_t i = 0; i < dst->nent; i++)
        dst->ent[i].role = rebase(src, dst, src->ent[i].role);
    for (size_t i = 0; i < dst->nf; i++) {
        dst->f[i].name = rebase(src, dst, src->f[i].name);
        dst->f[i].s = rebase(src, dst, src->f[i].s);
    }
    for (size_t i = 0; i < dst->nevidence; i++)
        dst->evidence[i] = rebase(src, dst, src->evidence[i]);
}

const struct event_field *event_field_get(const struct event *e, const char *name)
{
    for (size_t i = 0; i < e->nf; i++)
        if (!strcmp(e->f[i].name, name))
            return &e->f[i];
    return NULL;
}

const struct event_entity *event_entity_role(const struct event *e, const char *role)
{
    for (size_t i = 0; i < e->nent; i++)
        if (!strcmp(e->ent[i].role, role))
            return &e->ent[i];
    return NULL;
}

const char *event_state_name(int state) { return state == EVENT_OPEN ? "open" : "closed"; }

int event_state_parse(const char *s)
{
    if (!strcmp(s, "open"))
        return EVENT_OPEN;
    if (!strcmp(s, "closed"))
        return EVENT_CLOSED;
    return -1;
}

/* ------------------------------------------------------------ JSON form */

static void kiso(struct jw *w, const char *key, int64_t ms)
{
    char b[40];
    time_iso(ms, b, sizeof b);
    jw_kstr(w, key, b);
}

void event_render_entities(const struct event *e, struct buf *b)
{
    struct jw w;
    b->len = 0;
    jw_init(&w, b);
    jw_arr_begin(&w);
    for (size_t i = 0; i < e->nent; i++) {
        const struct event_entity *x = &e->ent[i];
        jw_obj_begin(&w);
        if (x->kind == EVENT_VESSEL) {
            jw_kstr(&w, "kind", "vessel");
            jw_kuint(&w, "mmsi", x->id);
        } else {
            char hex[8];
            snprintf(hex, sizeof hex, "%06" PRIx32, x->id & 0xFFFFFFu);
            jw_kstr(&w, "kind", "aircraft");
            jw_kstr(&w, "icao", hex);
        }
        jw_kstr(&w, "role", x->role);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
}

void event_render_fields(const struct event *e, struct buf *b)
{
    struct jw w;
    b->len = 0;
    jw_init(&w, b);
    jw_obj_begin(&w);
    for (size_t i = 0; i < e->nf; i++) {
        const struct event_field *f = &e->f[i];
        switch (f->type) {
        case EVF_INT: jw_kint(&w, f->name, f->i); break;
        case EVF_UINT: jw_kuint(&w, f->name, f->u); break;
        case EVF_REAL:
            jw_key(&w, f->name);
            if (isfinite(f->r))
                jw_fixed(&w, f->r, f->decimals);
            else
                jw_null(&w);
            break;
        case EVF_STR: jw_kstr(&w, f->name, f->s); break;
        case EVF_BOOL: jw_kbool(&w, f->name, f->b); break;
        case EVF_TIME: kiso(&w, f->name, f->i); break;
        case EVF_HEX24: {
            char hex[8];
            snprintf(hex, sizeof hex, "%06" PRIx64, f->u);
            jw_kstr(&w, f->name, hex);
            break;
        }
        case EVF_JSON:
            jw_key(&w, f->name);
            jw_raw(&w, f->s, strlen(f->s));
            break;
        default: break;
        }
    }
    jw_obj_end(&w);
}

void event_render_evidence(const struct event *e, struct buf *b)
{
    struct jw w;
    b->len = 0;
    jw_init(&w, b);
    jw_arr_begin(&w);
    for (size_t i = 0; i < e->nevidence; i++)
        jw_str(&w, e->evidence[i]);
    jw_arr_end(&w);
}

void event_write_json(struct jw *w, const struct event_view *v)
{
    char key[20];
    jw_obj_begin(w);
    if (v->id)
        jw_kint(w, "id", v->id);
    jw_kstr(w, "event", v->kind);
    jw_kstr(w, "state", event_state_name(v->state));
    snprintf(key, sizeof key, "%016" PRIx64, v->key);
    jw_kstr(w, "key", key);
    jw_kint(w, "t_start_ms", v->t_start_ms);
    jw_kint(w, "t_end_ms", v->t_end_ms);
    kiso(w, "start", v->t_start_ms);
    kiso(w, "end", v->t_end_ms);
    jw_kfixed(w, "hours", (double)(v->t_end_ms - v->t_start_ms) / 3600000.0, 2);
    if (isfinite(v->lat) && isfinite(v->lon)) {
        jw_kfixed(w, "lat", v->lat, 5);
        jw_kfixed(w, "lon", v->lon, 5);
    }
    jw_key(w, "entities");
    const char *ents = v->entities_json && v->entities_json[0] ? v->entities_json : "[]";
    jw_raw(w, ents, strlen(ents));
    /* The fields object's members, spliced in after the entities. */
    const char *f = v->fields_json;
    size_t n = f ? strlen(f) : 0;
    if (n > 2 && f[0] == '{' && f[n - 1] == '}') {
        buf_putc(w->b, ',');
        buf_put(w->b, f + 1, n - 2);
    }
    if (v->alert)
        jw_kstr(w, "alert", v->alert);
    jw_key(w, "evidence");
    const char *evs = v->evidence_json && v->evidence_json[0] ? v->evidence_json : "[]";
    jw_raw(w, evs, strlen(evs));
    jw_obj_end(w);
}

void event_write(struct jw *w, const struct event *e)
{
    struct buf ents, fields, evs;
    buf_init(&ents, 256);
    buf_init(&fields, 1024);
    buf_init(&evs, 1024);
    event_render_entities(e, &ents);
    event_render_fields(e, &fields);
    event_render_evidence(e, &evs);
    buf_putc(&ents, 0);
    buf_putc(&fields, 0);
    buf_putc(&evs, 0);
    struct event_view v = {
        .id = e->id, .kind = e->kind, .state = e->state, .key = e->key,
        .t_start_ms = e->t_start_ms, .t_end_ms = e->t_end_ms, .lat = e->lat, .lon = e->lon,
        .alert = e->alert, .entities_json = ents.p, .fields_json = fields.p, .evidence_json = evs.p,
    };
    event_write_json(w, &v);
    buf_free(&ents);
    buf_free(&fields);
    buf_free(&evs);
}

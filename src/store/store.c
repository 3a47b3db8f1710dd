/* store.c: the backend-independent half of the store: URL dispatch and
 * batching by row count and event time (store.h). */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/json.h"
#include "detect/event.h"
#include "store/store.h"

struct store *store_open(const char *url, char *err, size_t errn)
{
    struct store *s;
    if (strncmp(url, "sqlite:", 7) == 0)
        s = store_sqlite_open(url + 7, err, errn);
    else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        s = store_pg_open(url, err, errn);
    else if (strstr(url, "://") || (strchr(url, ':') && strchr(url, ':') < strchr(url, '/')))
        return snprintf(err, errn, "%s: unsupported store (sqlite:PATH or postgresql://USER@HOST:PORT/DB)", url), NULL;
    else
        s = store_sqlite_open(url, err, errn);
    if (s) {
        store_set_batch(s, 5000, 60000);
        s->batch_now_ms = INT64_MIN;
    }
    return s;
}

void store_set_batch(struct store *s, unsigned max_rows, int64_t max_ms)
{
    s->batch_max_rows = max_rows ? max_rows : 1;
    s->batch_max_ms = max_ms;
}

int store_flush(struct store *s)
{
    if (!s->in_tx)
        return 0;
    s->in_tx = 0;
    s->commits++;
    return s->ops->commit(s);
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_flush(s);
    s->ops->close(s);
}

/* Opens the batch before a write and reports the row's event time. The
 * time rule counts the latest event time written so far, not the row's own:
 * an event row carries its start, often minutes or hours back, and a batch
 * opened by one would close at the very next position (the demo committed
 * twice as often as 60 s of event time asks). */
static int batch_pre(struct store *s, int64_t t_ms)
{
    if (t_ms > s->batch_now_ms)
        s->batch_now_ms = t_ms;
    if (s->in_tx && (s->batch_rows >= s->batch_max_rows ||
                     (s->batch_max_ms > 0 && s->batch_now_ms - s->batch_t0_ms >= s->batch_max_ms)))
        if (store_flush(s) != 0)
            return -1;
    if (!s->in_tx) {
        if (s->ops->begin(s) != 0)
            return -1;
        s->in_tx = 1;
        s->batch_rows = 0;
        s->batch_t0_ms = s->batch_now_ms;
    }
    return 0;
}

static int batch_post(struct store *s, int rc)
{
    if (rc == 0) {
        s->batch_rows++;
        s->rows++;
    }
    return rc;
}

int store_put_identity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                       int64_t t_ms)
{
    if (batch_pre(s, t_ms))
        return -1;
    int rc = s->ops->put_identity(s, kind, id, field, value, t_ms);
    /* An unchanged value wrote no row, so it does not count towards the
     * batch: static reports repeat every few seconds, and counting them
     * committed about twice as often as the rows written need. */
    return rc == 1 ? 0 : batch_post(s, rc);
}

int store_put_position(struct store *s, const struct store_position *p)
{
    if (batch_pre(s, p->t_ms))
        return -1;
    return batch_post(s, s->ops->put_position(s, p));
}

int store_put_event(struct store *s, const struct event *e)
{
    if (batch_pre(s, e->t_end_ms > e->t_start_ms ? e->t_end_ms : e->t_start_ms))
        return -1;
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
    struct store_entity_ref refs[EVENT_MAX_ENTITIES];
    for (size_t i = 0; i < e->nent; i++)
        refs[i] = (struct store_entity_ref){e->ent[i].kind, e->ent[i].id, e->ent[i].role};
    struct store_event row = {
        .kind = e->kind, .state = e->state, .key = e->key, .t_start_ms = e->t_start_ms,
        .t_end_ms = e->t_end_ms, .entities = refs, .nentities = e->nent, .entities_json = ents.p,
        .lat = e->lat, .lon = e->lon, .alert = e->alert, .details_json = fields.p, .evidence = evs.p,
    };
    int rc = s->ops->put_event(s, &row);
    if (rc == 0 && e->alert) {
        /* The alert row carries the whole event as its message. */
        struct buf msg;
        struct jw w;
        buf_init(&msg, 1024);
        jw_init(&w, &msg);
        struct event_view v;
        store_event_view(&row, &v);
        event_write_json(&w, &v);
        buf_putc(&msg, 0);
        struct store_alert a = {
            .key = e->key, .t_ms = e->t_start_ms, .kind = e->nent ? e->ent[0].kind : 0,
            .id = e->nent ? e->ent[0].id : 0, .rule = e->alert, .message = msg.p, .evidence = evs.p,
        };
        rc = s->ops->put_alert(s, &a);
        buf_free(&msg);
    }
    buf_free(&ents);
    buf_free(&fields);
    buf_free(&evs);
    return batch_post(s, rc);
}

int store_query_open_events(struct store *s, store_open_event_cb cb, void *ctx)
{
    return s->ops->query_open_events(s, cb, ctx);
}

void store_event_view(const struct store_event *e, struct event_view *v)
{
    *v = (struct event_view){
        .id = e->id, .kind = e->kind, .state = e->state, .key = e->key, .t_start_ms = e->t_start_ms,
        .t_end_ms = e->t_end_ms, .lat = e->lat, .lon = e->lon, .alert = e->alert,
        .entities_json = e->entities_json, .fields_json = e->details_json, .evidence_json = e->evidence,
    };
}

int store_put_alert(struct store *s, const struct store_alert *a)
{
    if (batch_pre(s, a->t_ms))
        return -1;
    return batch_post(s, s->ops->put_alert(s, a));
}

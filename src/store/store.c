/* store.c: the backend-independent half of the store: URL dispatch and
 * batching by row count and event time (store.h). */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/json.h"
#include "common/xmalloc.h"
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

/* The current input's mark goes into the transaction of the rows it covers. */
static volatile sig_atomic_t stopping;

void store_stop_waiting(void) { stopping = 1; }
bool store_stopping(void) { return stopping != 0; }

static int mark_record(struct store *s)
{
    struct store_cursor *c = &s->cur;
    if (!c->in.path || !c->dirty || !s->in_tx)
        return 0;
    c->dirty = false;
    return s->ops->input_put(s, &c->in, &c->at);
}

int store_flush(struct store *s)
{
    if (s->before_commit && !s->in_tx) {
        if (s->ops->begin(s) != 0)
            return -1;
        s->in_tx = 1;
        s->batch_rows = 0;
        s->batch_t0_ms = s->batch_now_ms;
    }
    if (!s->in_tx)
        return 0;
    int rc = mark_record(s);
    if (s->before_commit && s->before_commit(s->before_commit_ctx, s) < 0)
        rc = -1;
    s->in_tx = 0;
    s->commits++;
    return s->ops->commit(s) || rc ? -1 : 0;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    store_flush(s);
    free(s->cur.path);
    s->ops->close(s);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    return h;
}

/* Path, size and the hash of the first n bytes (n < 0: STORE_INPUT_HEAD). */
static int identify(const char *path, int64_t n, struct store_input *in, char *abs)
{
    /* A pipe or a FIFO is never opened here: opening and closing its read
     * end before the reader does would break the writer's pipe. */
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !realpath(path, abs)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    uint8_t head[STORE_INPUT_HEAD];
    size_t want = n < 0 || n > STORE_INPUT_HEAD ? STORE_INPUT_HEAD : (size_t)n, got = 0;
    while (got < want) {
        ssize_t r = read(fd, head + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *in = (struct store_input){.path = abs, .size = sb.st_size, .head_hash = fnv1a(head, got),
                               .head_len = (int64_t)got};
    return 0;
}

int store_input_file(struct store *s, const char *path, bool resume, struct store_mark *from)
{
    struct store_cursor *c = &s->cur;
    /* The input before this one is done: its last mark joins its rows. */
    if (mark_record(s) != 0)
        return -1;
    free(c->path);
    *c = (struct store_cursor){0};
    char abs[PATH_MAX];
    struct store_input now;
    if (identify(path, -1, &now, abs) != 0)
        return 0; /* stdin, a pipe: read and stored as usual, unmarked */
    c->path = xstrdup(abs);
    c->in = now;
    c->in.path = c->path;
    if (!resume)
        return 0;
    struct store_input was = {.path = c->path};
    struct store_mark m;
    int rc = s->ops->input_get(s, &was, &m);
    if (rc <= 0)
        return rc;
    /* The same file when at least as long and, over the bytes hashed then,
     * starting the same (a log that grew was hashed over fewer bytes). */
    struct store_input head = now;
    if (was.head_len != now.head_len && identify(path, was.head_len, &head, abs) != 0)
        return 0;
    if (now.size < was.size || head.head_len != was.head_len || head.head_hash != was.head_hash)
        return 0;
    c->skip = m;
    c->resuming = true;
    if (from)
        *from = m;
    return 1;
}

int store_input_named(struct store *s, const char *name, struct store_mark *from)
{
    struct store_cursor *c = &s->cur;
    if (mark_record(s) != 0)
        return -1;
    free(c->path);
    *c = (struct store_cursor){0};
    c->path = xstrdup(name);
    c->in.path = c->path;
    struct store_input was = {.path = c->path};
    return s->ops->input_get(s, &was, from);
}

void store_input_skip(struct store *s, int64_t offset, uint64_t rows)
{
    struct store_cursor *c = &s->cur;
    c->skip = (struct store_mark){.offset = offset, .rows = rows};
    c->resuming = rows > 0;
}

void store_discard(struct store *s)
{
    if (!s)
        return;
    s->in_tx = 0; /* a backend's close drops what was not committed */
    free(s->cur.path);
    s->ops->close(s);
}

void store_input_at(struct store *s, int64_t offset)
{
    if (offset != s->cur.at.offset)
        s->cur.at = (struct store_mark){.offset = offset};
}

/* One store_put_* call of the line in hand: true when a resumed ingest
 * stored it already (the call then writes nothing). */
static bool stored_already(struct store *s)
{
    struct store_cursor *c = &s->cur;
    if (!c->resuming)
        return false;
    if (c->at.offset < c->skip.offset || (c->at.offset == c->skip.offset && c->at.rows < c->skip.rows)) {
        c->at.rows++;
        return true;
    }
    return false;
}

/* After a call that was not stored already: counted into the mark. */
static int counted(struct store *s, int rc)
{
    if (s->cur.in.path) {
        s->cur.at.rows++;
        s->cur.dirty = true;
    }
    return rc;
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

/* A row already stored (a re-run: an unchanged identity, a position or
 * alert under its natural key) wrote nothing, so it does not count towards
 * the batch: static reports repeat every few seconds, and counting them
 * committed about twice as often as the rows written need. */
int store_put_identity(struct store *s, uint8_t kind, uint32_t id, const char *field, const char *value,
                       int64_t t_ms)
{
    if (stored_already(s))
        return 0;
    if (batch_pre(s, t_ms))
        return -1;
    int rc = s->ops->put_identity(s, kind, id, field, value, t_ms);
    return counted(s, rc == 1 ? 0 : batch_post(s, rc));
}

int store_put_position(struct store *s, const struct store_position *p)
{
    if (stored_already(s))
        return 0;
    if (batch_pre(s, p->t_ms))
        return -1;
    int rc = s->ops->put_position(s, p);
    return counted(s, rc == 1 ? 0 : batch_post(s, rc));
}

int store_put_event(struct store *s, const struct event *e)
{
    if (stored_already(s))
        return 0;
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
        rc = s->ops->put_alert(s, &a) < 0 ? -1 : 0; /* stored already is no failure */
        buf_free(&msg);
    }
    buf_free(&ents);
    buf_free(&fields);
    buf_free(&evs);
    return counted(s, batch_post(s, rc));
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
    if (stored_already(s))
        return 0;
    if (batch_pre(s, a->t_ms))
        return -1;
    int rc = s->ops->put_alert(s, a);
    return counted(s, rc == 1 ? 0 : batch_post(s, rc));
}

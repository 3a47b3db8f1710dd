/* stream.c: what /api/v1/stream carries (docs/formats/api-v1.md, "Live
 * push"), one tick a second on the loop thread:
 *   event: snapshot  the picture: in serve the /entities document at the
 *                    store's latest time (rendered again only when positions
 *                    were added), in run the live aircraft and vessels;
 *                    also the greeting of a new client
 *   event: event     each event row an ingest added or updated (an open
 *                    event's progress, its closing) since the last tick
 *   event: alert     each alert row likewise
 * The store is polled by its largest row ids, so a `serve` beside a running
 * `ingest` pushes what the ingest commits. */
#include <stdint.h>
#include <stdlib.h>

#include "common/json.h"
#include "common/xmalloc.h"
#include "http/api.h"
#include "http/http_internal.h"
#include "http/sse.h"
#include "store/store.h"

/* At most this many new rows of each table per tick; the rest follow. */
#define STREAM_ROWS_PER_TICK 500

struct http_stream {
    struct http_api *api;
    struct sse_hub *hub;
    struct store_rows seen; /* rows already pushed */
    bool started;
    const char *sent_aircraft, *sent_vessels; /* run: the documents last sent */
    int64_t snap_row;       /* position row the snapshot was rendered at */
    struct buf snap;
};

struct http_stream *http_stream_new(struct http_api *api, struct sse_hub *hub)
{
    struct http_stream *st = xcalloc(1, sizeof *st);
    st->api = api;
    st->hub = hub;
    st->snap_row = -1;
    buf_init(&st->snap, 4096);
    return st;
}

void http_stream_free(struct http_stream *st)
{
    if (!st)
        return;
    buf_free(&st->snap);
    free(st);
}

/* New rows, each message's end offset in ends[]. */
struct batch {
    struct buf b;
    size_t ends[STREAM_ROWS_PER_TICK];
    size_t n;
    int64_t last;
};

static int on_event(void *ctx, const struct store_event *e)
{
    struct batch *bt = ctx;
    struct jw w;
    jw_init(&w, &bt->b);
    api_write_event(&w, e);
    bt->ends[bt->n++] = bt->b.len;
    bt->last = e->seq;
    return bt->n == STREAM_ROWS_PER_TICK;
}

static int on_alert(void *ctx, const struct store_alert *a)
{
    struct batch *bt = ctx;
    struct jw w;
    jw_init(&w, &bt->b);
    api_write_alert(&w, a);
    bt->ends[bt->n++] = bt->b.len;
    if (a->row > bt->last) /* listed by time: keep the largest row */
        bt->last = a->row;
    return bt->n == STREAM_ROWS_PER_TICK;
}

static void send_batch(struct sse_hub *h, const char *event, const struct batch *bt)
{
    size_t from = 0;
    for (size_t i = 0; i < bt->n; i++) {
        sse_hub_send(h, event, bt->b.p + from, bt->ends[i] - from, 0);
        from = bt->ends[i];
    }
}

void http_stream_tick(struct http_stream *st, int64_t now_ms, const struct buf *aircraft, const struct buf *vessels)
{
    if (!st->api) {
        /* The picture is copied only for someone to send it to, and only
         * when a document was rendered again since (a new document is
         * allocated while the one it replaces is alive: a new address). */
        struct sse_stats hs;
        sse_hub_stats(st->hub, &hs);
        if (!hs.clients) {
            st->sent_aircraft = st->sent_vessels = NULL; /* those may be freed and their addresses reused */
            return;
        }
        if (aircraft->p == st->sent_aircraft && vessels->p == st->sent_vessels) {
            sse_hub_keepalive(st->hub);
            return;
        }
        st->sent_aircraft = aircraft->p;
        st->sent_vessels = vessels->p;
        struct buf b;
        buf_init(&b, aircraft->len + vessels->len + 64);
        buf_printf(&b, "{\"time\":%lld,\"aircraft\":", (long long)now_ms);
        buf_put(&b, aircraft->p, aircraft->len ? aircraft->len - 1 : 0); /* without its newline */
        buf_puts(&b, ",\"vessels\":");
        buf_put(&b, vessels->p, vessels->len ? vessels->len - 1 : 0);
        buf_putc(&b, '}');
        sse_hub_send(st->hub, "snapshot", b.p, b.len, 1);
        buf_free(&b);
        return;
    }
    struct http_api *a = st->api;
    struct store_rows rows;
    struct batch *ev = xcalloc(1, sizeof *ev), *al = xcalloc(1, sizeof *al);
    buf_init(&ev->b, 1024);
    buf_init(&al->b, 1024);
    pthread_mutex_lock(&a->lock);
    int ok = a->st->ops->last_rows(a->st, &rows) == 0;
    if (ok && !st->started) {
        st->seen = rows; /* a stream carries what arrives after it starts */
        st->started = true;
    }
    if (ok && rows.position != st->snap_row) {
        int64_t from, to;
        struct api_picture_filter f = {.limit = API_MAX_LIMIT};
        st->snap.len = 0;
        if (a->st->ops->timespan(a->st, &from, &to) == 0 && api_write_picture(a, to, &f, &st->snap) == 0)
            st->snap_row = rows.position;
    }
    if (ok && rows.event > st->seen.event) {
        a->st->ops->query_events_after(a->st, st->seen.event, STREAM_ROWS_PER_TICK, on_event, ev);
        if (ev->n)
            st->seen.event = ev->last;
    }
    if (ok && rows.alert > st->seen.alert) {
        struct store_alert_filter f = {.after_row = st->seen.alert, .limit = STREAM_ROWS_PER_TICK};
        a->st->ops->query_alerts(a->st, &f, on_alert, al);
        if (al->n)
            st->seen.alert = al->last;
    }
    pthread_mutex_unlock(&a->lock);
    if (st->snap.len)
        sse_hub_send(st->hub, "snapshot", st->snap.p, st->snap.len, 1);
    else
        sse_hub_keepalive(st->hub);
    send_batch(st->hub, "event", ev);
    send_batch(st->hub, "alert", al);
    buf_free(&ev->b);
    buf_free(&al->b);
    free(ev);
    free(al);
}

/* sse.c: server-sent events with one bounded queue per client (sse.h).
 *
 * Locking: hub->lock guards the client list, every queue and the counters.
 * The reader callback runs on libmicrohttpd's thread and may suspend its own
 * connection (allowed from a content reader, microhttpd.h); resuming happens
 * on the loop thread after the lock is released, because a suspended
 * connection cannot finish, so its client stays alive until resumed. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/xmalloc.h"
#include "http/sse.h"

struct sse_client {
    struct sse_hub *hub;
    struct MHD_Connection *conn;
    struct buf q;  /* bytes q.p[off..len) not yet sent */
    size_t off;
    bool suspended, dropped, closed;
    struct sse_client *prev, *next;
};

struct sse_hub {
    pthread_mutex_t lock;
    size_t max_clients, queue_bytes;
    struct sse_client *clients;
    struct buf greeting;
    struct sse_stats st;
};

struct sse_hub *sse_hub_new(size_t max_clients, size_t queue_bytes)
{
    struct sse_hub *h = xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
    h->max_clients = max_clients;
    h->queue_bytes = queue_bytes;
    buf_init(&h->greeting, 256);
    return h;
}

/* Collects the suspended clients into wake[] (clearing their flag) so the
 * caller resumes them with the lock released. */
static size_t take_suspended(struct sse_hub *h, struct MHD_Connection ***wake)
{
    size_t n = 0;
    for (struct sse_client *c = h->clients; c; c = c->next)
        n += c->suspended;
    *wake = n ? xmalloc(n * sizeof **wake) : NULL;
    n = 0;
    for (struct sse_client *c = h->clients; c; c = c->next)
        if (c->suspended) {
            c->suspended = false;
            (*wake)[n++] = c->conn;
        }
    return n;
}

static void wake_all(struct MHD_Connection **wake, size_t n)
{
    for (size_t i = 0; i < n; i++)
        MHD_resume_connection(wake[i]);
    free(wake);
}

void sse_hub_shutdown(struct sse_hub *h)
{
    pthread_mutex_lock(&h->lock);
    for (struct sse_client *c = h->clients; c; c = c->next)
        c->closed = true;
    struct MHD_Connection **wake;
    size_t n = take_suspended(h, &wake);
    pthread_mutex_unlock(&h->lock);
    wake_all(wake, n);
}

void sse_hub_free(struct sse_hub *h)
{
    if (!h)
        return;
    /* MHD_stop_daemon has freed every response, so every client. */
    buf_free(&h->greeting);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static ssize_t on_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct sse_client *c = cls;
    struct sse_hub *h = c->hub;
    (void)pos;
    pthread_mutex_lock(&h->lock);
    if (c->dropped || c->closed) {
        bool dropped = c->dropped;
        pthread_mutex_unlock(&h->lock);
        return dropped ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    }
    size_t avail = c->q.len - c->off;
    if (avail == 0) {
        /* Nothing to send: park the connection until the next message. */
        c->suspended = true;
        MHD_suspend_connection(c->conn);
        pthread_mutex_unlock(&h->lock);
        return 0;
    }
    size_t n = avail < max ? avail : max;
    memcpy(out, c->q.p + c->off, n);
    c->off += n;
    if (c->off == c->q.len)
        c->off = c->q.len = 0;
    h->st.bytes += n;
    pthread_mutex_unlock(&h->lock);
    return (ssize_t)n;
}

static void on_free(void *cls)
{
    struct sse_client *c = cls;
    struct sse_hub *h = c->hub;
    pthread_mutex_lock(&h->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        h->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    h->st.clients--;
    pthread_mutex_unlock(&h->lock);
    buf_free(&c->q);
    free(c);
}

struct MHD_Response *sse_hub_attach(struct sse_hub *h, struct MHD_Connection *conn)
{
    pthread_mutex_lock(&h->lock);
    if (h->st.clients >= h->max_clients) {
        h->st.refused++;
        pthread_mutex_unlock(&h->lock);
        return NULL;
    }
    struct sse_client *c = xcalloc(1, sizeof *c);
    c->hub = h;
    c->conn = conn;
    buf_init(&c->q, 4096 + h->greeting.len);
    /* EventSource reconnects after `retry` ms when the stream ends. */
    buf_puts(&c->q, "retry: 2000\n\n");
    buf_put(&c->q, h->greeting.p, h->greeting.len);
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, on_read, c, on_free);
    if (!r) {
        pthread_mutex_unlock(&h->lock);
        buf_free(&c->q);
        free(c);
        return NULL;
    }
    c->next = h->clients;
    if (h->clients)
        h->clients->prev = c;
    h->clients = c;
    h->st.clients++;
    h->st.accepted++;
    pthread_mutex_unlock(&h->lock);
    return r;
}

/* Formats one message: each line of data becomes a data: line. */
static void format(struct buf *m, const char *event, const char *data, size_t n)
{
    if (event) {
        buf_puts(m, "event: ");
        buf_puts(m, event);
        buf_putc(m, '\n');
    }
    while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
        n--;
    size_t i = 0;
    do {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - data) : n;
        buf_puts(m, "data: ");
        buf_put(m, data + i, e - i);
        buf_putc(m, '\n');
        i = e + 1;
    } while (i < n);
    buf_putc(m, '\n');
}

static void queue_all(struct sse_hub *h, const char *msg, size_t n)
{
    for (struct sse_client *c = h->clients; c; c = c->next) {
        if (c->dropped || c->closed)
            continue;
        if (c->q.len - c->off + n > h->queue_bytes) {
            /* Too far behind: drop it rather than buffer without end. */
            c->dropped = true;
            h->st.dropped++;
            buf_free(&c->q);
            buf_init(&c->q, 16);
            c->off = 0;
            continue;
        }
        if (c->off && c->off >= c->q.len / 2) {
            memmove(c->q.p, c->q.p + c->off, c->q.len - c->off);
            c->q.len -= c->off;
            c->off = 0;
        }
        buf_put(&c->q, msg, n);
        h->st.messages++;
    }
}

void sse_hub_send(struct sse_hub *h, const char *event, const char *data, size_t n, int greet)
{
    struct buf m;
    buf_init(&m, n + 64);
    format(&m, event, data, n);
    pthread_mutex_lock(&h->lock);
    queue_all(h, m.p, m.len);
    if (greet) {
        h->greeting.len = 0;
        buf_put(&h->greeting, m.p, m.len);
    }
    struct MHD_Connection **wake;
    size_t k = take_suspended(h, &wake);
    pthread_mutex_unlock(&h->lock);
    wake_all(wake, k);
    buf_free(&m);
}

void sse_hub_keepalive(struct sse_hub *h)
{
    static const char ka[] = ": keepalive\n\n";
    pthread_mutex_lock(&h->lock);
    for (struct sse_client *c = h->clients; c; c = c->next)
        if (!c->dropped && !c->closed && c->q.len - c->off + sizeof ka - 1 <= h->queue_bytes)
            buf_put(&c->q, ka, sizeof ka - 1);
    struct MHD_Connection **wake;
    size_t k = take_suspended(h, &wake);
    pthread_mutex_unlock(&h->lock);
    wake_all(wake, k);
}

void sse_hub_stats(struct sse_hub *h, struct sse_stats *out)
{
    pthread_mutex_lock(&h->lock);
    *out = h->st;
    pthread_mutex_unlock(&h->lock);
}

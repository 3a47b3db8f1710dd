/* feed.c: live inputs (feed.h) on the event loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/feed.h"
#include "net/listener.h"
#include "net/loop.h"

#define RECONNECT_TICK_MS 250 /* how often due retries are looked for */
#define FEED_MAX_INPUTS 64

struct feed_stream {
    struct net_feeds *f;
    int fd;
    void *handle;            /* the caller's */
    struct feed_input *owner; /* connect and UDP inputs: the input; accepted: NULL */
    struct feed_stream *next; /* accepted streams */
};

struct feed_input {
    struct net_feeds *f;
    struct net_endpoint ep;
    int fd;                   /* listening, UDP or connecting socket; -1 */
    struct feed_stream *s;    /* connect and UDP inputs: their stream */
    int64_t retry_at_ms, backoff_ms;
    int was_connected;        /* a later connection is a reconnect */
};

struct net_feeds {
    struct net_loop *loop;
    struct net_listeners *group;
    unsigned max_conns;
    int64_t idle_ms;
    struct net_feed_handlers h;
    struct feed_input in[FEED_MAX_INPUTS];
    int nin;
    struct feed_stream *accepted;
    struct net_feed_stats stats;
    int timer;
};

static struct feed_stream *stream_open(struct net_feeds *f, int fd, struct feed_input *in, const struct net_endpoint *ep)
{
    struct feed_stream *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->f = f;
    s->fd = fd;
    s->owner = in;
    s->handle = f->h.open(f->h.ctx, ep);
    return s;
}

static void unlink_accepted(struct net_feeds *f, struct feed_stream *s)
{
    for (struct feed_stream **p = &f->accepted; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            return;
        }
}

int64_t feed_backoff_next(int64_t *backoff_ms)
{
    int64_t at = net_monotonic_ms() + *backoff_ms;
    *backoff_ms = *backoff_ms * 2 > FEED_BACKOFF_MAX_MS ? FEED_BACKOFF_MAX_MS : *backoff_ms * 2;
    return at;
}

static void schedule_retry(struct feed_input *in) { in->retry_at_ms = feed_backoff_next(&in->backoff_ms); }

/* End of a TCP stream: the caller is told, a connect input retries. */
static void stream_end(struct feed_stream *s)
{
    struct net_feeds *f = s->f;
    net_loop_del(f->loop, s->fd);
    close(s->fd);
    f->stats.disconnects++;
    f->h.close(s->handle);
    if (s->owner) {
        s->owner->fd = -1;
        s->owner->s = NULL;
        schedule_retry(s->owner);
    } else {
        unlink_accepted(f, s);
    }
    free(s);
}

static void stream_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct feed_stream *s = ctx;
    uint8_t block[1 << 16];
    (void)l;
    (void)ev;
    /* A few blocks per wake-up, then back to the loop: a fast feeder must not
     * starve the others (epoll is level-triggered, so we are called again). */
    for (int round = 0; round < 4; round++) {
        ssize_t n = read(fd, block, sizeof block);
        if (n > 0) {
            s->f->h.data(s->handle, block, (size_t)n, net_realtime_ms());
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        stream_end(s);
        return;
    }
}

static void udp_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct feed_stream *s = ctx;
    uint8_t dgram[65536];
    (void)l;
    (void)ev;
    ssize_t n;
    while ((n = recv(fd, dgram, sizeof dgram - 1, 0)) > 0) {
        /* A datagram is whole: its last line ends with it. */
        if (dgram[n - 1] != '\n')
            dgram[n++] = '\n';
        s->f->h.data(s->handle, dgram, (size_t)n, net_realtime_ms());
    }
}

static void input_accept(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct feed_input *in = ctx;
    (void)ev;
    int cfd = net_listeners_accept(in->f->group, fd);
    if (cfd < 0)
        return;
    in->f->stats.connects++;
    struct feed_stream *s = stream_open(in->f, cfd, NULL, &in->ep);
    s->next = in->f->accepted;
    in->f->accepted = s;
    net_loop_add(l, cfd, NET_READ, stream_read, s);
}

static void connect_done(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct feed_input *in = ctx;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (ev & NET_HUP)) {
        net_loop_del(l, fd);
        close(fd);
        in->fd = -1;
        in->f->stats.connect_failures++;
        schedule_retry(in);
        return;
    }
    in->backoff_ms = FEED_BACKOFF_MIN_MS;
    in->f->stats.connects++;
    if (in->was_connected)
        in->f->stats.reconnects++;
    in->was_connected = 1;
    in->s = stream_open(in->f, fd, in, &in->ep);
    net_loop_mod(l, fd, NET_READ, stream_read, in->s);
}

static void try_connect(struct feed_input *in)
{
    in->fd = net_tcp_connect(in->ep.host, in->ep.port);
    if (in->fd < 0) {
        in->f->stats.connect_failures++;
        schedule_retry(in);
        return;
    }
    net_loop_add(in->f->loop, in->fd, NET_WRITE, connect_done, in);
}

static void reconnect_tick(struct net_loop *l, void *ctx)
{
    struct net_feeds *f = ctx;
    (void)l;
    int64_t now = net_monotonic_ms();
    for (int i = 0; i < f->nin; i++) {
        struct feed_input *in = &f->in[i];
        if (in->ep.transport == NET_TCP_CONNECT && in->fd < 0 && now >= in->retry_at_ms)
            try_connect(in);
    }
}

struct net_feeds *net_feeds_new(struct net_loop *loop, struct net_listeners *group, unsigned max_conns,
                                int64_t idle_ms, const struct net_feed_handlers *h)
{
    struct net_feeds *f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->loop = loop;
    f->group = group;
    f->max_conns = max_conns;
    f->idle_ms = idle_ms;
    f->h = *h;
    f->timer = -1;
    return f;
}

int net_feeds_add(struct net_feeds *f, const char *spec, char *err, size_t errn)
{
    if (f->nin == FEED_MAX_INPUTS) {
        snprintf(err, errn, "more than %d network inputs", FEED_MAX_INPUTS);
        return -1;
    }
    struct feed_input *in = &f->in[f->nin];
    memset(in, 0, sizeof *in);
    in->f = f;
    in->fd = -1;
    in->backoff_ms = FEED_BACKOFF_MIN_MS;
    if (net_endpoint_parse(spec, NET_DIR_INPUT, &in->ep, err, (int)errn) != 0)
        return -1;
    if (in->ep.transport == NET_TCP_CONNECT) {
        if (f->timer < 0)
            f->timer = net_loop_every(f->loop, RECONNECT_TICK_MS, reconnect_tick, f);
        try_connect(in);
    } else if (in->ep.transport == NET_TCP_LISTEN) {
        if ((in->fd = net_tcp_listen(in->ep.host, in->ep.port)) < 0) {
            snprintf(err, errn, "cannot listen on %s:%s: %s", in->ep.host, in->ep.port, strerror(errno));
            return -1;
        }
        net_listeners_add(f->group, in->fd, f->max_conns, f->idle_ms, input_accept, in);
    } else {
        if (in->ep.format != NET_FMT_NMEA && in->ep.format != NET_FMT_SBS) {
            snprintf(err, errn, "UDP inputs carry text (nmea or sbs)");
            return -1;
        }
        if ((in->fd = net_udp_bind(in->ep.host, in->ep.port)) < 0) {
            snprintf(err, errn, "cannot bind UDP %s:%s: %s", in->ep.host, in->ep.port, strerror(errno));
            return -1;
        }
        in->s = stream_open(f, in->fd, in, &in->ep);
        net_loop_add(f->loop, in->fd, NET_READ, udp_read, in->s);
    }
    f->nin++;
    return 0;
}

const struct net_feed_stats *net_feeds_stats(const struct net_feeds *f) { return &f->stats; }

void net_feeds_free(struct net_feeds *f)
{
    if (!f)
        return;
    while (f->accepted) {
        struct feed_stream *s = f->accepted;
        f->accepted = s->next;
        net_loop_del(f->loop, s->fd);
        close(s->fd);
        f->h.close(s->handle);
        free(s);
    }
    for (int i = 0; i < f->nin; i++) {
        struct feed_input *in = &f->in[i];
        if (in->s) {
            f->h.close(in->s->handle);
            free(in->s);
        }
        if (in->fd >= 0) {
            net_loop_del(f->loop, in->fd);
            close(in->fd);
        }
    }
    free(f);
}

/* relay.c: output listeners and their clients (relay.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/buf.h"
#include "net/listener.h"
#include "net/loop.h"
#include "net/relay.h"

#define RELAY_MAX_OUTPUTS 64

struct relay_client {
    struct net_relay *r;
    int fd;
    enum net_format fmt;
    struct buf out;
    struct relay_client *next;
};

struct relay_output {
    struct net_relay *r;
    struct net_endpoint ep;
    int fd;
};

struct net_relay {
    struct net_loop *loop;
    struct net_listeners *group;
    unsigned max_conns;
    size_t limit;
    struct relay_output out[RELAY_MAX_OUTPUTS];
    int nout;
    struct relay_client *clients;
    unsigned wants; /* bit per format: clients connected */
    struct net_relay_stats stats;
};

static void recount(struct net_relay *r)
{
    r->wants = 0;
    for (struct relay_client *c = r->clients; c; c = c->next)
        r->wants |= 1u << c->fmt;
}

static void client_close(struct net_relay *r, struct relay_client *c)
{
    net_loop_del(r->loop, c->fd);
    close(c->fd);
    for (struct relay_client **p = &r->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    buf_free(&c->out);
    free(c);
    recount(r);
}

static void drain(struct relay_client *c, int flags, bool *dead)
{
    ssize_t w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL | flags);
    if (w > 0) {
        memmove(c->out.p, c->out.p + w, c->out.len - (size_t)w);
        c->out.len -= (size_t)w;
    } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && dead) {
        *dead = true;
    }
}

/* Clients send us nothing: readable means they went away. Writable means
 * part of their queue can go. Any error closes them. */
static void client_event(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct relay_client *c = ctx;
    bool dead = false;
    char junk[256];
    if ((ev & NET_HUP) || ((ev & NET_READ) && read(fd, junk, sizeof junk) <= 0))
        dead = true;
    if (!dead && (ev & NET_WRITE) && c->out.len)
        drain(c, 0, &dead);
    if (dead) {
        c->r->stats.disconnects++;
        client_close(c->r, c);
        return;
    }
    net_loop_mod(l, fd, NET_READ | (c->out.len ? NET_WRITE : 0), client_event, c);
}

static void output_accept(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct relay_output *o = ctx;
    (void)ev;
    int cfd = net_listeners_accept(o->r->group, fd);
    if (cfd < 0)
        return;
    struct relay_client *c = calloc(1, sizeof *c);
    if (!c) {
        close(cfd);
        return;
    }
    c->r = o->r;
    c->fd = cfd;
    c->fmt = o->ep.format;
    buf_init(&c->out, 4096);
    c->next = o->r->clients;
    o->r->clients = c;
    o->r->stats.connects++;
    recount(o->r);
    net_loop_add(l, cfd, NET_READ, client_event, c);
}

struct net_relay *net_relay_new(struct net_loop *loop, struct net_listeners *group, unsigned max_conns,
                                size_t client_buffer)
{
    struct net_relay *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->loop = loop;
    r->group = group;
    r->max_conns = max_conns;
    r->limit = client_buffer;
    return r;
}

int net_relay_listen(struct net_relay *r, const char *spec, char *err, size_t errn)
{
    if (r->nout == RELAY_MAX_OUTPUTS) {
        snprintf(err, errn, "more than %d outputs", RELAY_MAX_OUTPUTS);
        return -1;
    }
    struct relay_output *o = &r->out[r->nout];
    o->r = r;
    if (net_endpoint_parse(spec, NET_DIR_OUTPUT, &o->ep, err, (int)errn) != 0)
        return -1;
    if ((o->fd = net_tcp_listen(o->ep.host, o->ep.port)) < 0) {
        snprintf(err, errn, "cannot listen on %s:%s: %s", o->ep.host, o->ep.port, strerror(errno));
        return -1;
    }
    net_listeners_add(r->group, o->fd, r->max_conns, 0, output_accept, o);
    r->nout++;
    return 0;
}

bool net_relay_wants(const struct net_relay *r, enum net_format fmt) { return r && (r->wants >> fmt) & 1u; }

void net_relay_send(struct net_relay *r, enum net_format fmt, const void *p, size_t n)
{
    for (struct relay_client *c = r->clients, *next; c; c = next) {
        next = c->next;
        if (c->fmt != fmt)
            continue;
        if (c->out.len + n > r->limit) {
            r->stats.dropped++;
            client_close(r, c);
            continue;
        }
        bool was_empty = c->out.len == 0;
        buf_put(&c->out, p, n);
        /* Hand a full batch to the kernel now rather than waiting for the
         * loop: keeps queues short while one input is being drained. */
        if (c->out.len >= 16384)
            drain(c, MSG_DONTWAIT, NULL);
        if (was_empty && c->out.len)
            net_loop_mod(r->loop, c->fd, NET_READ | NET_WRITE, client_event, c);
    }
}

const struct net_relay_stats *net_relay_stats(const struct net_relay *r) { return &r->stats; }

void net_relay_free(struct net_relay *r)
{
    if (!r)
        return;
    while (r->clients)
        client_close(r, r->clients);
    for (int i = 0; i < r->nout; i++) {
        net_loop_del(r->loop, r->out[i].fd);
        close(r->out[i].fd);
    }
    free(r);
}

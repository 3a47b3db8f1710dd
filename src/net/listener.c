/* listener.c: accept with descriptor-shortage pauses, caps and idle
 * time-outs (listener.h). */
#include "net/listener.h"

#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/xmalloc.h"

#define MAX_LISTENERS 32
#define CHECK_MS 250

struct lsock {
    int fd;
    unsigned max;
    int64_t idle_ms;
    net_fd_cb cb;
    void *ctx;
    bool paused, logged;
    int64_t resume_ms, pause_ms; /* pause_ms: the last pause, doubled while accept fails */
    unsigned open;
};

/* A connection we handed out, known by descriptor and socket inode: when the
 * descriptor is closed, or reused for another socket, the inode tells. */
struct conn {
    int fd;
    dev_t dev;
    ino_t ino;
    int ls; /* index of its listener */
    bool doomed; /* shut down for idleness; its owner has yet to close it */
};

struct net_listeners {
    struct net_loop *loop;
    struct net_listen_limits lim;
    struct lsock ls[MAX_LISTENERS];
    int nls;
    struct conn *c;
    size_t nc, cap;
    struct net_listen_stats st;
};

static void on_timer(struct net_loop *l, void *ctx)
{
    (void)l;
    net_listeners_check(ctx);
}

struct net_listeners *net_listeners_new(struct net_loop *loop, const struct net_listen_limits *lim)
{
    struct net_listeners *g = xcalloc(1, sizeof *g);
    g->loop = loop;
    g->lim = *lim;
    if (g->lim.pause_min_ms <= 0)
        g->lim.pause_min_ms = 100;
    if (g->lim.pause_max_ms < g->lim.pause_min_ms)
        g->lim.pause_max_ms = g->lim.pause_min_ms > 5000 ? g->lim.pause_min_ms : 5000;
    /* Connections never take the descriptors the rest of the process needs
     * (the HTTP server's, files, the store): the cap stays that far below
     * the process's limit. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        unsigned room = rl.rlim_cur > 2 * NET_FD_RESERVE ? (unsigned)(rl.rlim_cur - NET_FD_RESERVE)
                                                          : (unsigned)(rl.rlim_cur / 2);
        if (!g->lim.max_total || g->lim.max_total > room)
            g->lim.max_total = room;
    }
    net_loop_every(loop, CHECK_MS, on_timer, g);
    return g;
}

void net_listeners_free(struct net_listeners *g)
{
    if (!g)
        return;
    free(g->c);
    free(g);
}

int net_listeners_add(struct net_listeners *g, int lfd, unsigned max_conns, int64_t idle_ms, net_fd_cb cb,
                      void *ctx)
{
    if (g->nls == MAX_LISTENERS) {
        errno = ENOSPC;
        return -1;
    }
    if (net_loop_add(g->loop, lfd, NET_READ, cb, ctx) != 0)
        return -1;
    g->ls[g->nls++] = (struct lsock){.fd = lfd, .max = max_conns, .idle_ms = idle_ms, .cb = cb, .ctx = ctx};
    return 0;
}

static struct lsock *find(struct net_listeners *g, int lfd)
{
    for (int i = 0; i < g->nls; i++)
        if (g->ls[i].fd == lfd)
            return &g->ls[i];
    return NULL;
}

/* Forgets connections whose descriptor no longer names their socket, and
 * counts the rest per listener. */
static void refresh(struct net_listeners *g)
{
    for (int i = 0; i < g->nls; i++)
        g->ls[i].open = 0;
    for (size_t i = 0; i < g->nc;) {
        struct stat sb;
        struct conn *c = &g->c[i];
        if (fstat(c->fd, &sb) != 0 || sb.st_ino != c->ino || sb.st_dev != c->dev) {
            g->c[i] = g->c[--g->nc];
            continue;
        }
        g->ls[c->ls].open++;
        i++;
    }
    g->st.open = (unsigned)g->nc;
}

static bool at_cap(const struct net_listeners *g, const struct lsock *L)
{
    return (L->max && L->open >= L->max) || (g->lim.max_total && g->nc >= g->lim.max_total);
}

static void pause_listener(struct net_listeners *g, struct lsock *L, int err)
{
    net_loop_del(g->loop, L->fd);
    L->paused = true;
    L->pause_ms = L->pause_ms ? L->pause_ms * 2 : g->lim.pause_min_ms;
    if (L->pause_ms > g->lim.pause_max_ms)
        L->pause_ms = g->lim.pause_max_ms;
    L->resume_ms = net_monotonic_ms() + L->pause_ms;
    g->st.pauses++;
    if (!L->logged) {
        L->logged = true;
        fprintf(stderr,
                "atalaya: warning: accept: %s: listening socket %d paused (up to %lld ms at a time, counted as "
                "pauses) until descriptors free up; raise ulimit -n or lower the connection caps\n",
                strerror(err), L->fd, (long long)g->lim.pause_max_ms);
    }
}

int net_listeners_accept(struct net_listeners *g, int lfd)
{
    struct lsock *L = find(g, lfd);
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!L)
        return fd;
    if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            pause_listener(g, L, errno);
        return -1;
    }
    L->pause_ms = 0;
    if (at_cap(g, L)) {
        refresh(g); /* some may have gone since the last check */
        if (at_cap(g, L)) {
            close(fd);
            g->st.refused++;
            return -1;
        }
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return -1;
    }
    if (g->nc == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->c = xrealloc(g->c, g->cap * sizeof *g->c);
    }
    g->c[g->nc++] = (struct conn){.fd = fd, .dev = sb.st_dev, .ino = sb.st_ino, .ls = (int)(L - g->ls)};
    L->open++;
    g->st.accepted++;
    g->st.open = (unsigned)g->nc;
    return fd;
}

/* Milliseconds since the socket last received data (since it was set up
 * when it never has), or -1 when the kernel does not say. */
static int64_t idle_for(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
        return -1;
    return ti.tcpi_last_data_recv;
}

void net_listeners_check(struct net_listeners *g)
{
    refresh(g);
    for (size_t i = 0; i < g->nc; i++) {
        struct conn *c = &g->c[i];
        int64_t limit = g->ls[c->ls].idle_ms;
        if (limit > 0 && !c->doomed && idle_for(c->fd) >= limit) {
            shutdown(c->fd, SHUT_RDWR);
            c->doomed = true;
            g->st.idle_closed++;
        }
    }
    int64_t now = net_monotonic_ms();
    g->st.paused = 0;
    for (int i = 0; i < g->nls; i++) {
        struct lsock *L = &g->ls[i];
        if (L->paused && now >= L->resume_ms && net_loop_add(g->loop, L->fd, NET_READ, L->cb, L->ctx) == 0)
            L->paused = false;
        g->st.paused += L->paused;
    }
}

void net_listeners_stats(struct net_listeners *g, struct net_listen_stats *out)
{
    *out = g->st;
    out->max_total = g->lim.max_total;
}

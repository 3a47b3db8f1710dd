#include "net/loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"

#define MAX_TIMERS 16

struct fd_slot {
    net_fd_cb cb;
    void *ctx;
};

struct timer {
    int64_t interval_ms, next_ms;
    net_timer_cb cb;
    void *ctx;
};

struct net_loop {
    int ep;
    struct fd_slot *slots; /* indexed by fd */
    int nslots;
    struct timer timers[MAX_TIMERS];
    int ntimers;
    volatile sig_atomic_t stop;
};

int64_t net_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t net_realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct net_loop *net_loop_new(void)
{
    struct net_loop *l = xcalloc(1, sizeof *l);
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    if (l->ep < 0) {
        free(l);
        return NULL;
    }
    return l;
}

void net_loop_free(struct net_loop *l)
{
    if (!l)
        return;
    close(l->ep);
    free(l->slots);
    free(l);
}

static uint32_t to_epoll(unsigned ev)
{
    return ((ev & NET_READ) ? EPOLLIN | EPOLLRDHUP : 0) | ((ev & NET_WRITE) ? EPOLLOUT : 0);
}

static void ensure_slot(struct net_loop *l, int fd)
{
    if (fd < l->nslots)
        return;
    int n = l->nslots ? l->nslots : 64;
    while (n <= fd)
        n *= 2;
    l->slots = xrealloc(l->slots, (size_t)n * sizeof *l->slots);
    memset(l->slots + l->nslots, 0, (size_t)(n - l->nslots) * sizeof *l->slots);
    l->nslots = n;
}

int net_loop_add(struct net_loop *l, int fd, unsigned events, net_fd_cb cb, void *ctx)
{
    ensure_slot(l, fd);
    struct epoll_event e = {.events = to_epoll(events), .data.fd = fd};
    if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &e) != 0)
        return -1;
    l->slots[fd] = (struct fd_slot){cb, ctx};
    return 0;
}

int net_loop_mod(struct net_loop *l, int fd, unsigned events, net_fd_cb cb, void *ctx)
{
    struct epoll_event e = {.events = to_epoll(events), .data.fd = fd};
    if (epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &e) != 0)
        return -1;
    l->slots[fd] = (struct fd_slot){cb, ctx};
    return 0;
}

void net_loop_del(struct net_loop *l, int fd)
{
    epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
    if (fd < l->nslots)
        l->slots[fd] = (struct fd_slot){NULL, NULL};
}

int net_loop_every(struct net_loop *l, int64_t interval_ms, net_timer_cb cb, void *ctx)
{
    if (l->ntimers == MAX_TIMERS)
        return -1;
    l->timers[l->ntimers] = (struct timer){interval_ms, net_monotonic_ms() + interval_ms, cb, ctx};
    return l->ntimers++;
}

void net_loop_stop(struct net_loop *l) { l->stop = 1; }

void net_loop_run(struct net_loop *l)
{
    struct epoll_event ev[64];
    while (!l->stop) {
        int64_t now = net_monotonic_ms(), wait = 1000;
        for (int i = 0; i < l->ntimers; i++)
            if (l->timers[i].next_ms - now < wait)
                wait = l->timers[i].next_ms - now;
        int n = epoll_wait(l->ep, ev, 64, wait < 0 ? 0 : (int)wait);
        if (n < 0 && errno != EINTR)
            break;
        for (int i = 0; i < n && !l->stop; i++) {
            int fd = ev[i].data.fd;
            if (fd >= l->nslots || !l->slots[fd].cb)
                continue; /* closed by an earlier callback in this batch */
            unsigned r = 0;
            if (ev[i].events & EPOLLIN) r |= NET_READ;
            if (ev[i].events & EPOLLOUT) r |= NET_WRITE;
            if (ev[i].events & (EPOLLHUP | EPOLLERR | EPOLLRDHUP)) r |= NET_HUP | NET_READ;
            l->slots[fd].cb(l, fd, r, l->slots[fd].ctx);
        }
        now = net_monotonic_ms();
        for (int i = 0; i < l->ntimers && !l->stop; i++) {
            if (now >= l->timers[i].next_ms) {
                l->timers[i].next_ms = now + l->timers[i].interval_ms;
                l->timers[i].cb(l, l->timers[i].ctx);
            }
        }
    }
}

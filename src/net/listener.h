/* listener.h: accepting on listening sockets without letting the process be
 * frozen through them (issue 14 defects 3 and 4):
 *
 * - accept() failing for want of descriptors or memory (EMFILE, ENFILE,
 *   ENOBUFS, ENOMEM) leaves the listening socket readable, so a level-
 *   triggered loop would call back at once, for ever, at 100% CPU. Here
 *   the socket leaves the poll set and comes back after a pause that
 *   doubles while the shortage lasts (net_listen_limits); each pause is
 *   counted; the first of each listener is logged.
 * - connections are capped per listening socket and over all sockets of a
 *   group: beyond a cap a new connection is accepted and closed at once
 *   (counted), so the backlog drains and the peer learns it was refused.
 * - a connection of a listener with an idle time-out that has received no
 *   byte for that long is shut down (shutdown(2)); its owner sees the end of
 *   the stream as if the peer had closed, and closes it as usual.
 *
 * The owner keeps its connections its own way: the group notices by itself
 * that one was closed (its descriptor is closed or names another socket), so
 * the owner needs no call when it closes one. Idle time comes from the
 * kernel (TCP_INFO's time since the last data received), so reading needs no
 * call either. Single-threaded: everything runs on the loop's thread.
 *
 * Use: net_listeners_add() instead of net_loop_add() for the listening
 * socket, and net_listeners_accept() instead of accept() in its callback.
 * (`run` sets the caps and the idle time-out with --feeders-max,
 * --feeders-total and --feeder-idle-s: 256, 1024, 600 s.) */
#ifndef ATALAYA_NET_LISTENER_H
#define ATALAYA_NET_LISTENER_H

#include <stdint.h>

#include "net/loop.h"

/* Descriptors kept out of reach of the group's connections (see max_total). */
#define NET_FD_RESERVE 64u

struct net_listen_limits {
    /* Connections over the whole group (0: no cap of its own). Never more
     * than the descriptor limit (RLIMIT_NOFILE, as when the group is made)
     * less NET_FD_RESERVE (less half when the limit is below twice that),
     * so a flood of connections cannot starve the rest of the process. */
    unsigned max_total;
    int64_t pause_min_ms; /* first pause after a descriptor shortage (0: 100) */
    int64_t pause_max_ms; /* longest pause (0: 5000) */
};

struct net_listen_stats {
    unsigned long long accepted;  /* connections handed to owners */
    unsigned long long refused;   /* accepted and closed at a cap */
    unsigned long long idle_closed; /* shut down after their idle time-out */
    unsigned long long pauses;    /* times a listener left the poll set */
    unsigned open;                /* connections open now (as of the last check) */
    unsigned paused;              /* listeners paused now */
    unsigned max_total;           /* the group's cap in effect */
};

struct net_listeners;

/* A group on loop (registers a 250 ms timer: free the group only after the
 * loop has stopped running, like every timer owner). */
struct net_listeners *net_listeners_new(struct net_loop *loop, const struct net_listen_limits *lim);
void net_listeners_free(struct net_listeners *g);
/* Polls the listening socket lfd (cb is called when a connection waits, as
 * with net_loop_add); at most max_conns of its connections at once (0: no
 * cap), each shut down after idle_ms without a byte received (0: never).
 * Returns 0, or -1 (errno) when the loop refuses it. */
int net_listeners_add(struct net_listeners *g, int lfd, unsigned max_conns, int64_t idle_ms, net_fd_cb cb,
                      void *ctx);
/* Accepts one connection on lfd (non-blocking, close-on-exec): its
 * descriptor, or -1 when there was none to take, it was refused at a cap,
 * or descriptors ran out (the listener is then paused). */
int net_listeners_accept(struct net_listeners *g, int lfd);
/* Checks now what the timer checks: closed connections, idle ones, paused
 * listeners due back. */
void net_listeners_check(struct net_listeners *g);
void net_listeners_stats(struct net_listeners *g, struct net_listen_stats *out);

#endif

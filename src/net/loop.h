/* loop.h: a small epoll reactor: file-descriptor events and periodic timers,
 * one thread. Callbacks run to completion; a slow consumer is the caller's to
 * bound (see conn.h). This and main are the only places that read the clock. */
#ifndef ATALAYA_NET_LOOP_H
#define ATALAYA_NET_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct net_loop;

/* events: NET_READ | NET_WRITE; the callback gets the ready subset. */
#define NET_READ 1u
#define NET_WRITE 2u
#define NET_HUP 4u

typedef void (*net_fd_cb)(struct net_loop *l, int fd, unsigned events, void *ctx);
typedef void (*net_timer_cb)(struct net_loop *l, void *ctx);

struct net_loop *net_loop_new(void);
void net_loop_free(struct net_loop *l);
int net_loop_add(struct net_loop *l, int fd, unsigned events, net_fd_cb cb, void *ctx);
int net_loop_mod(struct net_loop *l, int fd, unsigned events, net_fd_cb cb, void *ctx);
void net_loop_del(struct net_loop *l, int fd);
/* Runs cb every interval_ms (first after interval_ms). Returns a timer id >= 0. */
int net_loop_every(struct net_loop *l, int64_t interval_ms, net_timer_cb cb, void *ctx);
/* Runs until net_loop_stop() (from a callback or a signal handler). */
void net_loop_run(struct net_loop *l);
void net_loop_stop(struct net_loop *l);

int64_t net_monotonic_ms(void);
int64_t net_realtime_ms(void); /* receive time, for messages that carry none */

#endif

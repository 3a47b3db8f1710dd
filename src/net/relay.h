/* relay.h: re-broadcast outputs of a live run: listening sockets that serve
 * clients what arrived (Beast, AVR, SBS, NMEA; the caller formats). Outputs
 * never stall the loop: each client has a bounded queue and is dropped when
 * it falls further behind than that. */
#ifndef ATALAYA_NET_RELAY_H
#define ATALAYA_NET_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sock.h"

struct net_loop;

struct net_relay_stats {
    uint64_t connects, disconnects, dropped;
};

struct net_relay;

/* Clients are accepted through the group (net/listener.h: caps, EMFILE
 * pauses), at most max_conns per output; client_buffer: bytes a client may
 * fall behind before it is dropped. */
struct net_listeners;
struct net_relay *net_relay_new(struct net_loop *loop, struct net_listeners *group, unsigned max_conns,
                                size_t client_buffer);
/* Listens on an output endpoint (FORMAT+listen://...). 0, or -1 with err. */
int net_relay_listen(struct net_relay *r, const char *spec, char *err, size_t errn);
/* Whether any client of this format is connected (formatting can be skipped). */
bool net_relay_wants(const struct net_relay *r, enum net_format fmt);
void net_relay_send(struct net_relay *r, enum net_format fmt, const void *p, size_t n);
const struct net_relay_stats *net_relay_stats(const struct net_relay *r);
void net_relay_free(struct net_relay *r);

#endif

/* sock.h: endpoints and sockets. An endpoint is written FORMAT+TRANSPORT://HOST[:PORT]:
 *   beast+tcp://127.0.0.1:30005     connect to a feeder (reconnects with back-off)
 *   avr+listen://127.0.0.1:30001    accept feeders that push to us
 *   nmea+udp://127.0.0.1:10110      receive datagrams
 *   beast+listen://127.0.0.1:30005  (as an output) serve clients
 *   beast+tcp://[::1]:30005         IPv6 literals in brackets
 * HOST defaults to 127.0.0.1: nothing listens on other interfaces unless asked.
 * FORMAT "raw" is AVR (dump1090 calls its AVR ports "raw").
 * A missing PORT is the one dump1090/readsb (Mode S) or gpsd and AIS-catcher
 * (NMEA) use for that format and direction, from one table that also writes
 * the help text (net_default_ports_help), so the two cannot disagree; where no
 * such convention exists the port must be given. */
#ifndef ATALAYA_NET_SOCK_H
#define ATALAYA_NET_SOCK_H

#include <stddef.h>

enum net_format { NET_FMT_BEAST, NET_FMT_AVR, NET_FMT_SBS, NET_FMT_NMEA };
enum net_transport { NET_TCP_CONNECT, NET_TCP_LISTEN, NET_UDP };

struct net_endpoint {
    enum net_format format;
    enum net_transport transport;
    char host[256];
    char port[16];
};

/* Which side of `run` an endpoint is on: it decides the default port. */
enum net_dir { NET_DIR_INPUT, NET_DIR_OUTPUT };

/* Parses an endpoint, filling in the conventional port when none is given;
 * an output must be FORMAT+listen. Returns 0, or -1 with a message in err. */
int net_endpoint_parse(const char *s, enum net_dir dir, struct net_endpoint *e, char *err, int errlen);
/* The conventional port for a format, transport and direction; NULL if none. */
const char *net_default_port(enum net_format f, enum net_transport t, enum net_dir dir);
/* Appends to out (NUL-terminated, truncated to n) one line per default port,
 * "    beast+tcp      input   30005  a feeder's Beast output (dump1090, readsb)". */
void net_default_ports_help(char *out, size_t n);
/* "beast+tcp://127.0.0.1:30005" (canonical form, brackets for IPv6). */
void net_endpoint_format(const struct net_endpoint *e, char *out, size_t n);
const char *net_format_name(enum net_format f);
const char *net_transport_name(enum net_transport t);

/* Non-blocking sockets. Each returns the fd or -1 (errno set). */
int net_tcp_listen(const char *host, const char *port);
int net_tcp_connect(const char *host, const char *port); /* in progress: wait for NET_WRITE */
int net_udp_bind(const char *host, const char *port);
int net_set_nonblock(int fd);

#endif

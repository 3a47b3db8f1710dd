/* sock.h: endpoints and sockets. An endpoint is written FORMAT+TRANSPORT://HOST:PORT:
 *   beast+tcp://127.0.0.1:30005     connect to a feeder (reconnects with back-off)
 *   avr+listen://127.0.0.1:30001    accept feeders that push to us
 *   nmea+udp://127.0.0.1:10110      receive datagrams
 *   beast+listen://127.0.0.1:30005  (as an output) serve clients
 * HOST defaults to 127.0.0.1: nothing listens on other interfaces unless asked. */
#ifndef ATALAYA_NET_SOCK_H
#define ATALAYA_NET_SOCK_H

enum net_format { NET_FMT_BEAST, NET_FMT_AVR, NET_FMT_SBS, NET_FMT_NMEA };
enum net_transport { NET_TCP_CONNECT, NET_TCP_LISTEN, NET_UDP };

struct net_endpoint {
    enum net_format format;
    enum net_transport transport;
    char host[256];
    char port[16];
};

/* Parses an endpoint. Returns 0, or -1 with a message in err. */
int net_endpoint_parse(const char *s, struct net_endpoint *e, char *err, int errlen);
const char *net_format_name(enum net_format f);

/* Non-blocking sockets. Each returns the fd or -1 (errno set). */
int net_tcp_listen(const char *host, const char *port);
int net_tcp_connect(const char *host, const char *port); /* in progress: wait for NET_WRITE */
int net_udp_bind(const char *host, const char *port);
int net_set_nonblock(int fd);

#endif

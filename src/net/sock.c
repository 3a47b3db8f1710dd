#include "net/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const format_names[] = {"beast", "avr", "sbs", "nmea"};

const char *net_format_name(enum net_format f) { return format_names[f]; }

int net_endpoint_parse(const char *s, struct net_endpoint *e, char *err, int errlen)
{
    memset(e, 0, sizeof *e);
    const char *plus = strchr(s, '+'), *sep = strstr(s, "://");
    if (!plus || !sep || plus > sep) {
        snprintf(err, (size_t)errlen, "'%s': expected FORMAT+TRANSPORT://HOST:PORT", s);
        return -1;
    }
    int f = -1;
    for (int i = 0; i < 4; i++)
        if ((size_t)(plus - s) == strlen(format_names[i]) && !strncmp(s, format_names[i], (size_t)(plus - s)))
            f = i;
    if (f < 0) {
        snprintf(err, (size_t)errlen, "'%s': format must be beast, avr, sbs or nmea", s);
        return -1;
    }
    e->format = (enum net_format)f;
    size_t tl = (size_t)(sep - plus - 1);
    if (tl == 3 && !strncmp(plus + 1, "tcp", 3))
        e->transport = NET_TCP_CONNECT;
    else if (tl == 6 && !strncmp(plus + 1, "listen", 6))
        e->transport = NET_TCP_LISTEN;
    else if (tl == 3 && !strncmp(plus + 1, "udp", 3))
        e->transport = NET_UDP;
    else {
        snprintf(err, (size_t)errlen, "'%s': transport must be tcp, listen or udp", s);
        return -1;
    }
    const char *hp = sep + 3, *colon = strrchr(hp, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= sizeof e->port) {
        snprintf(err, (size_t)errlen, "'%s': missing :PORT", s);
        return -1;
    }
    size_t hl = (size_t)(colon - hp);
    if (hl >= sizeof e->host) {
        snprintf(err, (size_t)errlen, "'%s': host too long", s);
        return -1;
    }
    if (hl == 0)
        strcpy(e->host, "127.0.0.1");
    else
        memcpy(e->host, hp, hl);
    strcpy(e->port, colon + 1);
    return 0;
}

int net_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_socket(const char *host, const char *port, int type, int mode)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = type, .ai_flags = mode ? AI_PASSIVE : 0};
    struct addrinfo *res, *ai;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (mode) {
            int one = 1;
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (type == SOCK_DGRAM) {
                /* Bursts of AIS datagrams arrive while we decode: give them room. */
                int rcvbuf = 4 << 20;
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
            }
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && (type != SOCK_STREAM || listen(fd, 64) == 0))
                break;
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int net_tcp_listen(const char *host, const char *port) { return open_socket(host, port, SOCK_STREAM, 1); }
int net_tcp_connect(const char *host, const char *port) { return open_socket(host, port, SOCK_STREAM, 0); }
int net_udp_bind(const char *host, const char *port) { return open_socket(host, port, SOCK_DGRAM, 1); }

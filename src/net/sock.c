#include "net/sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const format_names[] = {"beast", "avr", "sbs", "nmea"};
static const char *const transport_names[] = {"tcp", "listen", "udp"};

const char *net_format_name(enum net_format f) { return format_names[f]; }
const char *net_transport_name(enum net_transport t) { return transport_names[t]; }

/* The ports the programs an operator already runs use, so `beast+tcp://pi`
 * reaches a dump1090 or readsb on that host and our outputs sit where map
 * clients look. dump1090 calls its AVR ports "raw"; readsb also takes Beast
 * in on 30104. An SBS input we listen on, or text over UDP other than NMEA,
 * has no convention: those need a port. */
static const struct port_default {
    enum net_format fmt;
    enum net_transport tr;
    enum net_dir dir;
    const char *port, *what;
} port_defaults[] = {
    {NET_FMT_BEAST, NET_TCP_CONNECT, NET_DIR_INPUT, "30005", "a feeder's Beast output (dump1090, readsb)"},
    {NET_FMT_AVR, NET_TCP_CONNECT, NET_DIR_INPUT, "30002", "a feeder's raw (AVR) output"},
    {NET_FMT_SBS, NET_TCP_CONNECT, NET_DIR_INPUT, "30003", "a feeder's SBS/BaseStation output"},
    {NET_FMT_NMEA, NET_TCP_CONNECT, NET_DIR_INPUT, "10110", "an NMEA server (gpsd, AIS-catcher)"},
    {NET_FMT_BEAST, NET_TCP_LISTEN, NET_DIR_INPUT, "30004", "Beast pushed to us (dump1090; readsb also 30104)"},
    {NET_FMT_AVR, NET_TCP_LISTEN, NET_DIR_INPUT, "30001", "raw (AVR) pushed to us (dump1090)"},
    {NET_FMT_NMEA, NET_TCP_LISTEN, NET_DIR_INPUT, "10110", "NMEA pushed to us"},
    {NET_FMT_NMEA, NET_UDP, NET_DIR_INPUT, "10110", "NMEA datagrams (AIS-catcher, rtl-ais)"},
    {NET_FMT_BEAST, NET_TCP_LISTEN, NET_DIR_OUTPUT, "30005", "Beast for clients (tar1090, mlat-client, feeders)"},
    {NET_FMT_AVR, NET_TCP_LISTEN, NET_DIR_OUTPUT, "30002", "raw (AVR) for clients"},
    {NET_FMT_SBS, NET_TCP_LISTEN, NET_DIR_OUTPUT, "30003", "SBS for clients (Virtual Radar Server)"},
    {NET_FMT_NMEA, NET_TCP_LISTEN, NET_DIR_OUTPUT, "10110", "NMEA for clients (OpenCPN)"},
};
#define N_PORT_DEFAULTS (sizeof port_defaults / sizeof port_defaults[0])

const char *net_default_port(enum net_format f, enum net_transport t, enum net_dir dir)
{
    for (size_t i = 0; i < N_PORT_DEFAULTS; i++)
        if (port_defaults[i].fmt == f && port_defaults[i].tr == t && port_defaults[i].dir == dir)
            return port_defaults[i].port;
    return NULL;
}

void net_default_ports_help(char *out, size_t n)
{
    size_t used = 0;
    if (n)
        out[0] = 0;
    for (size_t i = 0; i < N_PORT_DEFAULTS && used < n; i++) {
        const struct port_default *d = &port_defaults[i];
        char name[32];
        snprintf(name, sizeof name, "%s+%s", format_names[d->fmt], transport_names[d->tr]);
        int w = snprintf(out + used, n - used, "    %-13s %-6s %s  %s\n", name,
                         d->dir == NET_DIR_INPUT ? "input" : "output", d->port, d->what);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void net_endpoint_format(const struct net_endpoint *e, char *out, size_t n)
{
    bool v6 = strchr(e->host, ':') != NULL;
    snprintf(out, n, "%s+%s://%s%s%s:%s", format_names[e->format], transport_names[e->transport], v6 ? "[" : "",
             e->host, v6 ? "]" : "", e->port);
}

static int parse_format(const char *s, size_t n, struct net_endpoint *e)
{
    if (n == 3 && !strncmp(s, "raw", 3)) { /* dump1090's name for AVR */
        e->format = NET_FMT_AVR;
        return 0;
    }
    for (int i = 0; i < 4; i++)
        if (n == strlen(format_names[i]) && !strncmp(s, format_names[i], n)) {
            e->format = (enum net_format)i;
            return 0;
        }
    return -1;
}

static int parse_transport(const char *s, size_t n, struct net_endpoint *e)
{
    for (int i = 0; i < 3; i++)
        if (n == strlen(transport_names[i]) && !strncmp(s, transport_names[i], n)) {
            e->transport = (enum net_transport)i;
            return 0;
        }
    return -1;
}

static bool valid_port(const char *p)
{
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    return *p >= '0' && *p <= '9' && !*end && !errno && v >= 1 && v <= 65535;
}

/* Splits "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT". *port is NULL when none
 * is written. Unbracketed text with several colons keeps the old reading:
 * the last colon starts the port. */
static int split_host_port(const char *hp, const char **host, size_t *hl, const char **port)
{
    *port = NULL;
    if (hp[0] == '[') {
        const char *close = strchr(hp, ']');
        if (!close || (close[1] && close[1] != ':'))
            return -1;
        *host = hp + 1;
        *hl = (size_t)(close - hp - 1);
        if (close[1] == ':')
            *port = close + 2;
        return 0;
    }
    const char *colon = strrchr(hp, ':');
    *host = hp;
    *hl = colon ? (size_t)(colon - hp) : strlen(hp);
    if (colon)
        *port = colon + 1;
    return 0;
}

int net_endpoint_parse(const char *s, enum net_dir dir, struct net_endpoint *e, char *err, int errlen)
{
    memset(e, 0, sizeof *e);
    const char *plus = strchr(s, '+'), *sep = strstr(s, "://");
    if (!plus || !sep || plus > sep) {
        snprintf(err, (size_t)errlen, "'%s': expected FORMAT+TRANSPORT://HOST[:PORT]", s);
        return -1;
    }
    if (parse_format(s, (size_t)(plus - s), e) != 0) {
        snprintf(err, (size_t)errlen, "'%s': format must be beast, avr (or raw), sbs or nmea", s);
        return -1;
    }
    if (parse_transport(plus + 1, (size_t)(sep - plus - 1), e) != 0) {
        snprintf(err, (size_t)errlen, "'%s': transport must be tcp, listen or udp", s);
        return -1;
    }
    if (dir == NET_DIR_OUTPUT && e->transport != NET_TCP_LISTEN) {
        snprintf(err, (size_t)errlen, "'%s': outputs serve clients: beast+listen, avr+listen, sbs+listen or nmea+listen", s);
        return -1;
    }
    const char *host, *port;
    size_t hl;
    if (split_host_port(sep + 3, &host, &hl, &port) != 0) {
        snprintf(err, (size_t)errlen, "'%s': expected [IPV6] or [IPV6]:PORT", s);
        return -1;
    }
    if (hl >= sizeof e->host) {
        snprintf(err, (size_t)errlen, "'%s': host too long", s);
        return -1;
    }
    if (hl == 0)
        strcpy(e->host, "127.0.0.1");
    else
        memcpy(e->host, host, hl);
    if (!port) {
        port = net_default_port(e->format, e->transport, dir);
        if (!port) {
            snprintf(err, (size_t)errlen, "'%s': no conventional port for %s+%s as an %s: give :PORT", s,
                     format_names[e->format], transport_names[e->transport],
                     dir == NET_DIR_INPUT ? "input" : "output");
            return -1;
        }
    } else if (!valid_port(port)) {
        snprintf(err, (size_t)errlen, "'%s': port must be a number from 1 to 65535", s);
        return -1;
    }
    strcpy(e->port, port);
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

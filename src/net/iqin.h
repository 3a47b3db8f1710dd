/* iqin.h: live I/Q sample inputs of `run`, on its event loop:
 *   iq+rtltcp://HOST[:PORT]?band=ais|1090[&freq=HZ&rate=SPS&gain=DB&ppm=N&agc=0|1&timeout=S&retries=N]
 *   rtlsdr://INDEX?band=ais|1090[&freq=HZ&rate=SPS&gain=DB&ppm=N&agc=0|1&timeout=S&retries=N]
 * band= says which demodulator the samples feed, and so the default tuning
 * (rtltcp.h): ais 162.000 MHz at 288 kS/s, 1090 at 2.4 MS/s (Mode S reads
 * 2.0 or 2.4 MS/s only). Two dongles, two inputs.
 *
 * rtl_tcp: connects without blocking, sends the tuning commands, checks the
 * 12-byte header, hands on the samples. A refused connection, a header that
 * is not rtl_tcp's, an end of stream, an error or TIMEOUT seconds (default
 * 5) without a byte ends the connection, counted, with the reason on
 * stderr, and it is tried again with the back-off of the other network
 * inputs (feed.h: FEED_BACKOFF_MIN_MS doubling to FEED_BACKOFF_MAX_MS; the
 * back-off restarts once a valid header arrives). retries=N gives up after
 * N failures in a row (default: never).
 * rtlsdr (net/rtlsdr.h): the device opened at start (a missing device is an
 * error then); a device that stops or falls silent is reopened with the
 * same back-off. Its buffers take the same path as rtl_tcp's samples.
 *
 * Each connection (or device opening) is one stream of unsigned 8-bit I/Q:
 * the caller is told when it opens (band, rate), gets its bytes in whole
 * samples with their arrival time, and is told when it ends. */
#ifndef ATALAYA_NET_IQIN_H
#define ATALAYA_NET_IQIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum net_iq_band { NET_IQ_1090, NET_IQ_AIS };

struct net_loop;

struct net_iq_handlers {
    void *ctx;
    /* Samples begin (a valid header, a device opened); name: the input, for
     * messages. Returns the caller's handle for the stream. */
    void *(*open)(void *ctx, enum net_iq_band band, double rate, const char *name);
    void (*data)(void *stream, const uint8_t *cu8, size_t n, int64_t arrival_ms);
    void (*close)(void *stream);
};

struct net_iq_stats {
    uint64_t samples;      /* I/Q samples handed on */
    /* rtlsdr: samples dropped because the loop fell behind (counted). rtl_tcp
     * sheds samples at the server, where we cannot see them: there, the
     * samples short of rate x time since each connection's first samples. */
    uint64_t dropped;
    uint64_t connects;     /* streams begun (valid headers, devices opened) */
    uint64_t reconnects;   /* of those, after the first */
    uint64_t failures;     /* refused, bad header, end, error, silence; device lost */
    uint64_t bad_headers;
    uint64_t timeouts;
};

/* True for the specs this module reads (iq+rtltcp://, rtlsdr://). */
bool net_iq_is_spec(const char *spec);
/* The spec resolved, for run --dry-run ("rtl_tcp 127.0.0.1:1234 band ais
 * freq 162000000 rate 288000 gain auto"). Returns 0, or -1 with err. */
int net_iq_describe(const char *spec, char *out, size_t n, char *err, size_t errn);

struct net_iq_inputs;
struct net_iq_inputs *net_iq_new(struct net_loop *loop, const struct net_iq_handlers *h);
/* Starts one input. Returns 0, or -1 with a message in err (a bad spec; an
 * RTL-SDR device that is not there or cannot be opened). */
int net_iq_add(struct net_iq_inputs *g, const char *spec, char *err, size_t errn);
/* One line per input to f, each beginning with who. */
void net_iq_print_stats(const struct net_iq_inputs *g, const char *who, FILE *f);
/* Ends every stream (calling close), closes sockets and devices. */
void net_iq_free(struct net_iq_inputs *g);

#endif

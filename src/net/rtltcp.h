/* rtltcp.h: a client of rtl_tcp (librtlsdr's I/Q server), as
 *   iq+rtltcp://HOST:PORT?band=ais|1090&freq=HZ&rate=SPS&gain=DB&ppm=N&agc=1&retries=N&timeout=S
 * The server sends a 12-byte header ("RTL0", tuner type, gain count, both
 * big-endian) and then unsigned 8-bit I/Q for as long as the connection
 * lasts; the client tunes it with 5-byte commands (one byte, then a
 * big-endian 32-bit value): 0x01 frequency, 0x02 sample rate, 0x03 gain
 * mode (0 auto, 1 manual), 0x04 gain in tenths of a dB, 0x05 frequency
 * correction in ppm, 0x08 RTL AGC.
 *
 * Two layers, so `run` can drive the socket from its own event loop:
 *  - the protocol (no I/O): rtltcp_parse, rtltcp_commands, and
 *    rtltcp_stream_feed, which checks the header and hands on sample bytes
 *    in whole samples, whatever the TCP segmentation;
 *  - a blocking client for `decode` (rtltcp_client_*): connects, sends the
 *    commands, reads; on a refused connection, a bad header, an error, an
 *    end of stream or TIMEOUT seconds of silence it reconnects after a
 *    back-off of 0.5 s doubling to 8 s, RETRIES times in a row at most
 *    (0: for ever), the count restarting once samples flow again.
 * Only the host given is contacted; HOST defaults to 127.0.0.1 and PORT to
 * rtl_tcp's 1234.
 */
#ifndef ATALAYA_NET_RTLTCP_H
#define ATALAYA_NET_RTLTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define RTLTCP_HEADER_BYTES 12
#define RTLTCP_GAIN_AUTO INT32_MIN

/* band=: which demodulator the samples are for, and so the default tuning:
 * AIS 162.000 MHz (both channels at +-25 kHz) at 288 kS/s, Mode S 1090 MHz
 * at 2.4 MS/s. */
enum rtltcp_band { RTLTCP_BAND_NONE, RTLTCP_BAND_1090, RTLTCP_BAND_AIS };
#define RTLTCP_AIS_FREQ 162000000u
#define RTLTCP_AIS_RATE 288000u
#define RTLTCP_1090_FREQ 1090000000u
#define RTLTCP_1090_RATE 2400000u

struct rtltcp_cfg {
    char host[256], port[16];
    uint32_t freq_hz;        /* centre frequency */
    uint32_t rate;           /* samples per second */
    int32_t gain_tenth_db;   /* RTLTCP_GAIN_AUTO: tuner AGC */
    int32_t ppm;             /* frequency correction, sent when non-zero */
    bool agc;                /* the RTL2832's digital AGC */
    unsigned retries;        /* failed attempts in a row before giving up; 0 = never give up */
    double timeout_s;        /* silence that counts as a dead server */
    enum rtltcp_band band;   /* RTLTCP_BAND_NONE: not said */
};

/* Parses what follows "iq+rtltcp://". freq and rate default to those of
 * band= when it is given, else to def_freq and def_rate; unknown keys and
 * bad numbers are errors. */
int rtltcp_parse(const char *spec, uint32_t def_freq, uint32_t def_rate, struct rtltcp_cfg *c, char *err,
                 size_t errlen);

/* The commands to send after connecting; returns their length (a multiple
 * of 5, at most RTLTCP_MAX_COMMANDS * 5). */
#define RTLTCP_MAX_COMMANDS 6
size_t rtltcp_commands(const struct rtltcp_cfg *c, uint8_t *out);

/* One connection's byte stream. */
struct rtltcp_stream {
    uint8_t hdr[RTLTCP_HEADER_BYTES];
    unsigned nhdr;
    uint32_t tuner, ngains;   /* from the header */
    uint8_t odd;              /* the I byte of a sample split across reads */
    bool have_odd;
};
typedef void (*rtltcp_samples_cb)(void *ctx, const uint8_t *p, size_t n);
/* Feeds received bytes: the header first, then sample bytes to cb (whole
 * I/Q pairs). Returns 0, or -1 when the header is not rtl_tcp's. */
int rtltcp_stream_feed(struct rtltcp_stream *s, const uint8_t *p, size_t n, rtltcp_samples_cb cb, void *ctx);

struct rtltcp_stats {
    uint64_t connects;       /* connections that delivered a valid header */
    uint64_t failures;       /* refused, bad header, error, end of stream, timeout */
    uint64_t bad_headers;
    uint64_t timeouts;
    uint64_t bytes;          /* sample bytes delivered */
};

struct rtltcp_client;

struct rtltcp_client *rtltcp_client_new(const struct rtltcp_cfg *c);
void rtltcp_client_free(struct rtltcp_client *c);
/* Calls cb with sample bytes (whole samples) until one read's worth has
 * arrived. Returns 1 after delivering, 0 when it gave up (retries spent),
 * with the reasons on stderr. */
int rtltcp_client_read(struct rtltcp_client *c, rtltcp_samples_cb cb, void *ctx);
const struct rtltcp_stats *rtltcp_client_stats(const struct rtltcp_client *c);
void rtltcp_print_stats(const struct rtltcp_client *c, FILE *f);

#endif

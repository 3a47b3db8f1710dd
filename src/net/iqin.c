/* iqin.c: live I/Q inputs (iqin.h) on the event loop. */
#include "net/iqin.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "net/feed.h"
#include "net/loop.h"
#include "net/rtlsdr.h"
#include "net/rtltcp.h"
#include "net/sock.h"

#define TICK_MS 250 /* how often due retries and silent inputs are looked for */
#define IQ_MAX_INPUTS 16

#define RTLTCP_PREFIX "iq+rtltcp://"
#define RTLSDR_PREFIX "rtlsdr://"

struct iq_input {
    struct net_iq_inputs *g;
    bool device;                /* rtlsdr://, else rtl_tcp */
    unsigned index;             /* the device's */
    struct rtltcp_cfg cfg;
    char name[320];
    int fd;                     /* socket, or the device's ring; -1 */
    bool connecting;
    struct rtltcp_stream s;
    struct net_rtlsdr *dev;
    void *stream;               /* the caller's, while samples flow */
    int64_t retry_at_ms, backoff_ms;
    int64_t heard_ms;           /* monotonic: last byte, or the start of the attempt */
    int64_t arrival_ms;         /* wall clock: the bytes in hand */
    unsigned failed;            /* failures in a row */
    bool given_up;
    /* rtl_tcp's shortfall: this connection's first samples, and samples since. */
    int64_t first_ms;
    uint64_t conn_samples, short_closed;
    uint64_t dev_dropped_closed; /* bytes dropped by devices closed since */
    struct net_iq_stats st;
};

struct net_iq_inputs {
    struct net_loop *loop;
    struct net_iq_handlers h;
    struct iq_input in[IQ_MAX_INPUTS];
    int nin;
    int timer;
};

bool net_iq_is_spec(const char *spec)
{
    return !strncmp(spec, RTLTCP_PREFIX, strlen(RTLTCP_PREFIX)) || !strncmp(spec, RTLSDR_PREFIX, strlen(RTLSDR_PREFIX));
}

static int parse(const char *spec, struct iq_input *in, char *err, size_t errn)
{
    if (!strncmp(spec, RTLTCP_PREFIX, strlen(RTLTCP_PREFIX))) {
        if (rtltcp_parse(spec + strlen(RTLTCP_PREFIX), 0, 0, &in->cfg, err, errn) != 0)
            return -1;
    } else {
        const char *p = spec + strlen(RTLSDR_PREFIX);
        char *end;
        unsigned long idx = strtoul(p, &end, 10);
        if (end == p || idx > 255 || (*end && *end != '?')) {
            snprintf(err, errn, "rtlsdr://INDEX?band=...: INDEX is the device's number (0 for the first)");
            return -1;
        }
        /* The same keys as rtl_tcp's URL; host and port do not apply. */
        if (rtltcp_parse(end, 0, 0, &in->cfg, err, errn) != 0)
            return -1;
        in->device = true;
        in->index = (unsigned)idx;
    }
    const struct rtltcp_cfg *c = &in->cfg;
    if (c->band == RTLTCP_BAND_NONE) {
        snprintf(err, errn, "%s: say which band the samples are for: band=ais (162 MHz) or band=1090", spec);
        return -1;
    }
    if (c->band == RTLTCP_BAND_1090 && c->rate != 2000000 && c->rate != 2400000) {
        snprintf(err, errn, "%s: Mode S (band=1090) is read at rate=2.0M or 2.4M", spec);
        return -1;
    }
    const char *band = c->band == RTLTCP_BAND_AIS ? "ais" : "1090";
    if (in->device)
        snprintf(in->name, sizeof in->name, "rtlsdr://%u (%s)", in->index, band);
    else
        snprintf(in->name, sizeof in->name, "rtl_tcp %s:%s (%s)", c->host, c->port, band);
    return 0;
}

int net_iq_describe(const char *spec, char *out, size_t n, char *err, size_t errn)
{
    struct iq_input in;
    memset(&in, 0, sizeof in);
    if (parse(spec, &in, err, errn) != 0)
        return -1;
    const struct rtltcp_cfg *c = &in.cfg;
    char gain[32] = "auto";
    if (c->gain_tenth_db != RTLTCP_GAIN_AUTO)
        snprintf(gain, sizeof gain, "%.1f dB", c->gain_tenth_db / 10.0);
    char where[300];
    if (in.device)
        snprintf(where, sizeof where, "rtlsdr %u", in.index);
    else
        snprintf(where, sizeof where, "rtl_tcp %s:%s", c->host, c->port);
    snprintf(out, n, "%s band %s freq %u rate %u gain %s ppm %d agc %d", where,
             c->band == RTLTCP_BAND_AIS ? "ais" : "1090", c->freq_hz, c->rate, gain, c->ppm, c->agc);
    return 0;
}

/* ----------------------------------------------------------- streams */

/* Samples begin: counted, the back-off restarts, the caller is told. */
static void begin(struct iq_input *in)
{
    in->st.connects++;
    if (in->st.connects > 1)
        in->st.reconnects++;
    in->failed = 0;
    in->backoff_ms = FEED_BACKOFF_MIN_MS;
    in->first_ms = 0;
    in->conn_samples = 0;
    in->stream = in->g->h.open(in->g->h.ctx, in->cfg.band == RTLTCP_BAND_AIS ? NET_IQ_AIS : NET_IQ_1090,
                               in->cfg.rate, in->name);
}

static void on_samples(void *ctx, const uint8_t *p, size_t n)
{
    struct iq_input *in = ctx;
    if (!in->stream)
        begin(in);
    /* The shortfall is counted from the end of the first chunk: its samples
     * were sent before we could time them. */
    if (!in->first_ms)
        in->first_ms = in->heard_ms;
    else
        in->conn_samples += n / 2;
    in->st.samples += n / 2;
    in->g->h.data(in->stream, p, n, in->arrival_ms);
}

/* rtl_tcp's samples short of the rate on the connection in hand, beyond
 * SHORT_SLACK_S of them: a server sends in bursts of its USB transfers, so
 * a stream that loses nothing can be that far behind at any moment. */
#define SHORT_SLACK_S 0.1
static uint64_t shortfall(const struct iq_input *in)
{
    if (in->device || !in->stream || !in->first_ms)
        return 0;
    double due = (double)in->cfg.rate * ((double)(in->heard_ms - in->first_ms) / 1000.0 - SHORT_SLACK_S);
    return due > (double)in->conn_samples ? (uint64_t)llround(due - (double)in->conn_samples) : 0;
}

/* The connection or device ends: counted, the caller told, tried again. */
static void fail(struct iq_input *in, const char *why)
{
    in->short_closed += shortfall(in);
    if (in->stream) {
        void *s = in->stream;
        in->stream = NULL;
        in->g->h.close(s);
    }
    if (in->fd >= 0) {
        net_loop_del(in->g->loop, in->fd);
        if (!in->device)
            close(in->fd);
        in->fd = -1;
    }
    if (in->dev) {
        in->dev_dropped_closed += net_rtlsdr_dropped(in->dev);
        net_rtlsdr_close(in->dev);
        in->dev = NULL;
    }
    in->connecting = false;
    in->st.failures++;
    in->failed++;
    if (in->cfg.retries && in->failed >= in->cfg.retries) {
        fprintf(stderr, "atalaya run: %s: %s; giving up after %u failures in a row\n", in->name, why, in->failed);
        in->given_up = true;
        return;
    }
    fprintf(stderr, "atalaya run: %s: %s; trying again in %lld s\n", in->name, why,
            (long long)(in->backoff_ms / 1000));
    in->retry_at_ms = feed_backoff_next(&in->backoff_ms);
}

static void sock_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct iq_input *in = ctx;
    uint8_t block[1 << 16];
    (void)l;
    (void)ev;
    /* A few blocks per wake-up, then back to the loop, as feed.c does. */
    for (int round = 0; round < 4; round++) {
        ssize_t n = read(fd, block, sizeof block);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (n <= 0) {
            fail(in, n == 0 ? "the server closed the connection" : strerror(errno));
            return;
        }
        in->heard_ms = net_monotonic_ms();
        in->arrival_ms = net_realtime_ms();
        if (rtltcp_stream_feed(&in->s, block, (size_t)n, on_samples, in) != 0) {
            in->st.bad_headers++;
            fail(in, "not an rtl_tcp server (bad header)");
            return;
        }
        if (in->s.nhdr == RTLTCP_HEADER_BYTES && !in->stream)
            begin(in);
    }
}

static void connected(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct iq_input *in = ctx;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (ev & NET_HUP)) {
        fail(in, err ? strerror(err) : "connection refused");
        return;
    }
    uint8_t cmd[RTLTCP_MAX_COMMANDS * 5];
    size_t n = rtltcp_commands(&in->cfg, cmd);
    /* 30 bytes into a fresh socket's buffer: all or nothing. */
    if (send(fd, cmd, n, MSG_NOSIGNAL) != (ssize_t)n) {
        fail(in, "cannot send the tuning commands");
        return;
    }
    in->connecting = false;
    in->heard_ms = net_monotonic_ms();
    memset(&in->s, 0, sizeof in->s);
    net_loop_mod(l, fd, NET_READ, sock_read, in);
}

static void dev_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct iq_input *in = ctx;
    (void)l;
    (void)fd;
    (void)ev;
    in->arrival_ms = net_realtime_ms();
    uint64_t before = in->st.samples;
    int rc = net_rtlsdr_drain(in->dev, on_samples, in);
    if (in->st.samples != before)
        in->heard_ms = net_monotonic_ms();
    if (rc == 0)
        fail(in, "the device stopped (unplugged, or a USB error)");
}

/* Returns 0, or -1 with err when a device cannot be opened. */
static int try_open(struct iq_input *in, char *err, size_t errn)
{
    in->heard_ms = net_monotonic_ms();
    if (in->device) {
        if (!(in->dev = net_rtlsdr_open(in->index, &in->cfg, err, errn)))
            return -1;
        in->fd = net_rtlsdr_fd(in->dev);
        net_loop_add(in->g->loop, in->fd, NET_READ, dev_read, in);
        begin(in);
        return 0;
    }
    if ((in->fd = net_tcp_connect(in->cfg.host, in->cfg.port)) < 0) {
        fail(in, strerror(errno));
        return 0;
    }
    in->connecting = true;
    net_loop_add(in->g->loop, in->fd, NET_WRITE, connected, in);
    return 0;
}

static void tick(struct net_loop *l, void *ctx)
{
    struct net_iq_inputs *g = ctx;
    (void)l;
    int64_t now = net_monotonic_ms();
    for (int i = 0; i < g->nin; i++) {
        struct iq_input *in = &g->in[i];
        if (in->given_up)
            continue;
        if (in->fd < 0) {
            char err[256];
            if (now >= in->retry_at_ms && try_open(in, err, sizeof err) != 0)
                fail(in, err);
            continue;
        }
        if (now - in->heard_ms <= (int64_t)(in->cfg.timeout_s * 1000))
            continue;
        if (in->connecting) {
            fail(in, "connect timed out");
        } else {
            char why[64];
            snprintf(why, sizeof why, "no samples for %g s (timeout)", in->cfg.timeout_s);
            in->st.timeouts++;
            fail(in, why);
        }
    }
}

/* ------------------------------------------------------------ the set */

struct net_iq_inputs *net_iq_new(struct net_loop *loop, const struct net_iq_handlers *h)
{
    struct net_iq_inputs *g = xcalloc(1, sizeof *g);
    g->loop = loop;
    g->h = *h;
    g->timer = -1;
    return g;
}

int net_iq_add(struct net_iq_inputs *g, const char *spec, char *err, size_t errn)
{
    if (g->nin == IQ_MAX_INPUTS) {
        snprintf(err, errn, "more than %d I/Q inputs", IQ_MAX_INPUTS);
        return -1;
    }
    struct iq_input *in = &g->in[g->nin];
    memset(in, 0, sizeof *in);
    in->g = g;
    in->fd = -1;
    in->backoff_ms = FEED_BACKOFF_MIN_MS;
    if (parse(spec, in, err, errn) != 0)
        return -1;
    char why[256];
    if (try_open(in, why, sizeof why) != 0) {
        /* At start a missing device is a setting to fix, not a wait. */
        snprintf(err, errn, "%s: %s", spec, why);
        return -1;
    }
    if (g->timer < 0)
        g->timer = net_loop_every(g->loop, TICK_MS, tick, g);
    g->nin++;
    return 0;
}

static void input_stats(const struct iq_input *in, struct net_iq_stats *s)
{
    *s = in->st;
    if (in->device)
        s->dropped = (in->dev_dropped_closed + (in->dev ? net_rtlsdr_dropped(in->dev) : 0)) / 2;
    else
        s->dropped = in->short_closed + shortfall(in);
}

void net_iq_print_stats(const struct net_iq_inputs *g, const char *who, FILE *f)
{
    for (int i = 0; g && i < g->nin; i++) {
        struct net_iq_stats s;
        input_stats(&g->in[i], &s);
        fprintf(f,
                "%s: %s: samples %llu, dropped %llu%s; connects %llu, reconnects %llu, failures %llu "
                "(bad headers %llu, timeouts %llu)\n",
                who, g->in[i].name, (unsigned long long)s.samples, (unsigned long long)s.dropped,
                g->in[i].device ? "" : " (short of the rate: shed by the server)", (unsigned long long)s.connects,
                (unsigned long long)s.reconnects, (unsigned long long)s.failures, (unsigned long long)s.bad_headers,
                (unsigned long long)s.timeouts);
    }
}

void net_iq_free(struct net_iq_inputs *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->nin; i++) {
        struct iq_input *in = &g->in[i];
        if (in->stream)
            g->h.close(in->stream);
        if (in->fd >= 0) {
            net_loop_del(g->loop, in->fd);
            if (!in->device)
                close(in->fd);
        }
        net_rtlsdr_close(in->dev);
    }
    free(g);
}

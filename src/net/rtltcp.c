/* rtltcp.c: the rtl_tcp protocol and a blocking client (see rtltcp.h). */
#include "net/rtltcp.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "net/sock.h"

/* "rtl_tcp: MSG", with " near 'NEAR'" when NEAR is given. */
static int fail(char *err, size_t n, const char *msg, const char *near)
{
    snprintf(err, n, "rtl_tcp: %s%s%s%s", msg, near ? " near '" : "", near ? near : "", near ? "'" : "");
    return -1;
}

static bool num(const char *s, size_t n, double *v)
{
    char tmp[32], *end;
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    *v = strtod(tmp, &end);
    double mul = 1;
    if (*end == 'k' || *end == 'K')
        mul = 1e3, end++;
    else if (*end == 'M')
        mul = 1e6, end++;
    else if (*end == 'G')
        mul = 1e9, end++;
    *v *= mul;
    return end != tmp && !*end && isfinite(*v);
}

int rtltcp_parse(const char *spec, uint32_t def_freq, uint32_t def_rate, struct rtltcp_cfg *c, char *err,
                 size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->freq_hz = def_freq;
    c->rate = def_rate;
    c->gain_tenth_db = RTLTCP_GAIN_AUTO;
    c->timeout_s = 5;
    const char *q = strchr(spec, '?');
    size_t hp = q ? (size_t)(q - spec) : strlen(spec);
    bool freq_set = false, rate_set = false;
    const char *colon = memrchr(spec, ':', hp);
    size_t hl = colon ? (size_t)(colon - spec) : hp;
    if (hl >= sizeof c->host)
        return fail(err, errlen, "host name too long", NULL);
    memcpy(c->host, spec, hl);
    c->host[hl] = 0;
    if (!c->host[0])
        strcpy(c->host, "127.0.0.1");
    size_t pl = colon ? hp - hl - 1 : 0;
    if (pl >= sizeof c->port || (colon && pl == 0))
        return fail(err, errlen, "bad port", NULL);
    if (pl) {
        memcpy(c->port, colon + 1, pl);
        c->port[pl] = 0;
    } else {
        strcpy(c->port, "1234");
    }
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        const char *amp = strchr(p, '&'), *e = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(e - p));
        double v;
        if (eq && eq - p == 4 && !memcmp(p, "band", 4)) {
            size_t vl = (size_t)(e - eq - 1);
            if (vl == 3 && !memcmp(eq + 1, "ais", 3))
                c->band = RTLTCP_BAND_AIS;
            else if (vl == 4 && !memcmp(eq + 1, "1090", 4))
                c->band = RTLTCP_BAND_1090;
            else
                return fail(err, errlen, "band is ais or 1090", p);
            p = amp ? amp + 1 : e;
            continue;
        }
        if (!eq || !num(eq + 1, (size_t)(e - eq - 1), &v))
            return fail(err, errlen, "bad parameter (KEY=NUMBER)", p);
        size_t kl = (size_t)(eq - p);
#define KEY(k) (kl == sizeof k - 1 && !memcmp(p, k, kl))
        if (KEY("freq") && v >= 1e6 && v < 4.3e9)
            c->freq_hz = (uint32_t)llround(v), freq_set = true;
        else if (KEY("rate") && v >= 225001 && v <= 3.2e6)
            c->rate = (uint32_t)llround(v), rate_set = true;
        else if (KEY("gain") && v >= 0 && v <= 60)
            c->gain_tenth_db = (int32_t)lround(v * 10);
        else if (KEY("ppm") && fabs(v) <= 1000)
            c->ppm = (int32_t)lround(v);
        else if (KEY("agc") && (v == 0 || v == 1))
            c->agc = v == 1;
        else if (KEY("retries") && v >= 0 && v <= 1e6)
            c->retries = (unsigned)v;
        else if (KEY("timeout") && v >= 0.1 && v <= 3600)
            c->timeout_s = v;
        else
            return fail(err, errlen,
                        "unknown parameter or value out of range (band ais/1090, freq, rate 225001-3.2M, "
                        "gain 0-60 dB, ppm, agc 0/1, retries, timeout s)",
                        p);
#undef KEY
        p = amp ? amp + 1 : e;
    }
    if (c->band != RTLTCP_BAND_NONE) {
        bool ais = c->band == RTLTCP_BAND_AIS;
        if (!freq_set)
            c->freq_hz = ais ? RTLTCP_AIS_FREQ : RTLTCP_1090_FREQ;
        if (!rate_set)
            c->rate = ais ? RTLTCP_AIS_RATE : RTLTCP_1090_RATE;
    }
    return 0;
}

static uint8_t *put_cmd(uint8_t *o, uint8_t cmd, uint32_t v)
{
    o[0] = cmd;
    o[1] = (uint8_t)(v >> 24);
    o[2] = (uint8_t)(v >> 16);
    o[3] = (uint8_t)(v >> 8);
    o[4] = (uint8_t)v;
    return o + 5;
}

size_t rtltcp_commands(const struct rtltcp_cfg *c, uint8_t *out)
{
    uint8_t *o = out;
    /* Rate before frequency, as rtl_tcp's own client order; correction
     * before tuning so the first tune is already corrected. */
    o = put_cmd(o, 0x02, c->rate);
    if (c->ppm)
        o = put_cmd(o, 0x05, (uint32_t)c->ppm);
    o = put_cmd(o, 0x01, c->freq_hz);
    bool manual = c->gain_tenth_db != RTLTCP_GAIN_AUTO;
    o = put_cmd(o, 0x03, manual);
    if (manual)
        o = put_cmd(o, 0x04, (uint32_t)c->gain_tenth_db);
    o = put_cmd(o, 0x08, c->agc);
    return (size_t)(o - out);
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

int rtltcp_stream_feed(struct rtltcp_stream *s, const uint8_t *p, size_t n, rtltcp_samples_cb cb, void *ctx)
{
    while (s->nhdr < RTLTCP_HEADER_BYTES && n) {
        s->hdr[s->nhdr++] = *p++;
        n--;
        if (s->nhdr == RTLTCP_HEADER_BYTES) {
            if (memcmp(s->hdr, "RTL0", 4))
                return -1;
            s->tuner = be32(s->hdr + 4);
            s->ngains = be32(s->hdr + 8);
            /* Tuner types 1-6 (E4000 .. R828D); gain counts are tens at most. */
            if (s->tuner > 64 || s->ngains > 1024)
                return -1;
        }
    }
    if (!n)
        return 0;
    if (s->have_odd) {
        uint8_t pair[2] = {s->odd, p[0]};
        cb(ctx, pair, 2);
        p++;
        n--;
        s->have_odd = false;
    }
    if (n >= 2)
        cb(ctx, p, n & ~(size_t)1);
    if (n & 1) {
        s->odd = p[n - 1];
        s->have_odd = true;
    }
    return 0;
}

struct rtltcp_client {
    struct rtltcp_cfg cfg;
    struct rtltcp_stats st;
    struct rtltcp_stream s;
    int fd;
    unsigned failed;          /* attempts in a row that failed */
    double backoff_s;
    rtltcp_samples_cb cb;
    void *ctx;
    uint64_t delivered;       /* bytes handed on in this call */
};

struct rtltcp_client *rtltcp_client_new(const struct rtltcp_cfg *c)
{
    struct rtltcp_client *r = xcalloc(1, sizeof *r);
    r->cfg = *c;
    r->fd = -1;
    r->backoff_s = 0.5;
    return r;
}

void rtltcp_client_free(struct rtltcp_client *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}

const struct rtltcp_stats *rtltcp_client_stats(const struct rtltcp_client *c) { return &c->st; }

static void drop(struct rtltcp_client *c, const char *why)
{
    fprintf(stderr, "atalaya: rtl_tcp %s:%s: %s\n", c->cfg.host, c->cfg.port, why);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->st.failures++;
    c->failed++;
}

static int wait_fd(int fd, short ev, double timeout_s)
{
    struct pollfd p = {.fd = fd, .events = ev};
    int r;
    do
        r = poll(&p, 1, (int)(timeout_s * 1000));
    while (r < 0 && errno == EINTR);
    return r > 0 ? p.revents : r;
}

/* Connects and sends the commands; the header is checked as it arrives. */
static bool open_conn(struct rtltcp_client *c)
{
    c->fd = net_tcp_connect(c->cfg.host, c->cfg.port);
    if (c->fd < 0) {
        drop(c, strerror(errno));
        return false;
    }
    int rv = wait_fd(c->fd, POLLOUT, c->cfg.timeout_s), soerr = 0;
    socklen_t sl = sizeof soerr;
    if (rv <= 0 || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
        drop(c, rv == 0 ? "connect timed out" : strerror(soerr ? soerr : errno));
        return false;
    }
    uint8_t cmd[RTLTCP_MAX_COMMANDS * 5];
    size_t n = rtltcp_commands(&c->cfg, cmd), off = 0;
    while (off < n) {
        ssize_t w = send(c->fd, cmd + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN && wait_fd(c->fd, POLLOUT, c->cfg.timeout_s) > 0)
            continue;
        if (w <= 0) {
            drop(c, "cannot send the tuning commands");
            return false;
        }
        off += (size_t)w;
    }
    memset(&c->s, 0, sizeof c->s);
    return true;
}

static void deliver(void *ctx, const uint8_t *p, size_t n)
{
    struct rtltcp_client *c = ctx;
    c->delivered += n;
    c->st.bytes += n;
    c->cb(c->ctx, p, n);
}

int rtltcp_client_read(struct rtltcp_client *c, rtltcp_samples_cb cb, void *ctx)
{
    c->cb = cb;
    c->ctx = ctx;
    c->delivered = 0;
    static uint8_t block[1 << 16];
    while (!c->delivered) {
        if (c->fd < 0) {
            if (c->cfg.retries && c->failed >= c->cfg.retries) {
                fprintf(stderr, "atalaya: rtl_tcp %s:%s: giving up after %u failed attempts\n", c->cfg.host,
                        c->cfg.port, c->failed);
                return 0;
            }
            if (c->failed) {
                struct timespec ts = {(time_t)c->backoff_s, (long)((c->backoff_s - floor(c->backoff_s)) * 1e9)};
                while (nanosleep(&ts, &ts) && errno == EINTR)
                    ;
                c->backoff_s = c->backoff_s * 2 > 8 ? 8 : c->backoff_s * 2;
            }
            if (!open_conn(c))
                continue;
        }
        int rv = wait_fd(c->fd, POLLIN, c->cfg.timeout_s);
        if (rv == 0) {
            c->st.timeouts++;
            drop(c, "no data (timeout)");
            continue;
        }
        ssize_t n = rv > 0 ? recv(c->fd, block, sizeof block, 0) : -1;
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            drop(c, n == 0 ? "server closed the connection" : strerror(errno));
            continue;
        }
        bool had_header = c->s.nhdr == RTLTCP_HEADER_BYTES;
        if (rtltcp_stream_feed(&c->s, block, (size_t)n, deliver, c)) {
            c->st.bad_headers++;
            drop(c, "not an rtl_tcp server (bad header)");
            continue;
        }
        if (!had_header && c->s.nhdr == RTLTCP_HEADER_BYTES)
            c->st.connects++;
        if (c->delivered) {
            c->failed = 0;
            c->backoff_s = 0.5;
        }
    }
    return 1;
}

void rtltcp_print_stats(const struct rtltcp_client *c, FILE *f)
{
    fprintf(f, "rtl_tcp connects: %llu\nrtl_tcp failures: %llu\nrtl_tcp bad headers: %llu\nrtl_tcp timeouts: %llu\n"
               "rtl_tcp sample bytes: %llu\n",
            (unsigned long long)c->st.connects, (unsigned long long)c->st.failures,
            (unsigned long long)c->st.bad_headers, (unsigned long long)c->st.timeouts,
            (unsigned long long)c->st.bytes);
}

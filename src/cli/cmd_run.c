/* cmd_run.c: `atalaya run`: the live service. Inputs (feeders we connect to,
 * feeders that connect to us, UDP NMEA, files) -> framing per connection ->
 * duplicate copies from other receivers dropped -> validation and decoding ->
 * the tracker; re-broadcast of what arrived (Beast, AVR, NMEA) to clients of
 * our output ports; aircraft.json / vessels.json / receiver.json written
 * atomically every second for map clients (tar1090 reads ours unchanged).
 *
 * Event time: a message's own time when it has one (tag block c:, SBS date);
 * for Mode S frames with a 12 MHz receiver counter, the counter's progress
 * since the connection's first frame, anchored to that frame's arrival (see
 * net/rxclock.h); else the time it was received (the one place the wall clock
 * enters). Outputs never stall the loop: each client has a bounded queue and
 * is dropped when full.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/config.h"
#include "common/input.h"
#include "detect/watch.h"
#include "http/http.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"
#include "ref/watchlist.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/sbs_write.h"
#include "modes/validate.h"
#include "net/dedupe.h"
#include "net/loop.h"
#include "net/rxclock.h"
#include "net/sock.h"
#include "track/track.h"

struct run_config {
    struct cfg_list inputs, outputs, areas;
    const char *json_dir, *config, *db, *http, *store;
    double json_interval, stats_interval, receiver_lat, receiver_lon;
    long client_buffer_kib, max_entities;
    bool stats, fix2, dry_run;
    struct cfg_list strings; /* owns string values read from a config file */
};

#define S(f) offsetof(struct run_config, f)
static const struct cfg_option run_options[] = {
    {"input", CFG_LIST, S(inputs), NULL, "FORMAT+tcp://HOST[:PORT] (we connect), FORMAT+listen://HOST[:PORT], nmea+udp://HOST[:PORT] or a file", 0},
    {"output", CFG_LIST, S(outputs), NULL, "FORMAT+listen://HOST[:PORT]: serve clients what arrived", 0},
    {"json-dir", CFG_STR, S(json_dir), NULL, "write aircraft.json, vessels.json and receiver.json here", S(strings)},
    {"http", CFG_STR, S(http), NULL, "serve the live map and API on HOST:PORT (e.g. 127.0.0.1:8080)", S(strings)},
    {"store", CFG_STR, S(store), NULL, "with --http: also answer the store-backed API (docs/formats/api-v1.md) from this store (sqlite:PATH)", S(strings)},
    {"json-interval", CFG_DOUBLE, S(json_interval), "1", "seconds between JSON snapshots", 0},
    {"db", CFG_STR, S(db), "atalaya.db", "watchlists and registry (used when the file exists): alerts on stdout", S(strings)},
    {"area", CFG_LIST, S(areas), NULL, "GeoJSON polygons: alert when a watched entity enters one", 0},
    {"receiver-lat", CFG_DOUBLE, S(receiver_lat), NULL, "receiver latitude (surface and local CPR)", 0},
    {"receiver-lon", CFG_DOUBLE, S(receiver_lon), NULL, "receiver longitude", 0},
    {"fix2", CFG_BOOL, S(fix2), NULL, "also correct 2-bit errors in DF17/18", 0},
    {"client-buffer-kib", CFG_INT, S(client_buffer_kib), "1024", "an output client further behind than this is dropped", 0},
    {"max-entities", CFG_INT, S(max_entities), "1000000", "live vessels and aircraft at most; past it the least recently heard are evicted (docs/memory.md)", 0},
    {"stats", CFG_BOOL, S(stats), NULL, "print counters to stderr periodically", 0},
    {"stats-interval", CFG_DOUBLE, S(stats_interval), "60", "seconds between counter reports", 0},
    {"config", CFG_STR, S(config), NULL, "read settings from FILE (name = value lines, as the options)", 0},
    {"dry-run", CFG_BOOL, S(dry_run), NULL, "print the inputs and outputs as resolved (ports filled in) and exit", 0},
    {NULL, 0, 0, NULL, NULL, 0},
};
#undef S

/* Reconnect back-off of the inputs we connect to (documented in --help). */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 60000
#define RECONNECT_TICK_MS 250 /* how often due retries are looked for */

struct run;

struct stream {
    struct run *app;
    int fd, id;
    enum net_format fmt;
    struct modes_framer fr;
    struct ais_ctx *ais;
    char line[IN_MAX_LINE + 1];
    size_t len;
    bool overlong;
    struct input *owner; /* the connect input to retry when this stream ends */
    struct net_rxclock clock; /* Mode S event time from this receiver's counter */
    struct stream *next;      /* accepted streams: the run's list, for teardown */
};

struct input {
    struct run *app;
    struct net_endpoint ep;
    int fd;               /* listening or UDP socket, or the connecting one */
    struct stream *s;     /* connect and UDP inputs: their stream */
    int64_t retry_at_ms, backoff_ms;
    bool was_connected; /* a later connection is a reconnect */
};

struct client {
    struct run *app;
    int fd;
    enum net_format fmt;
    struct buf out;
    struct client *next;
};

struct output {
    struct run *app;
    struct net_endpoint ep;
    int fd;
};

struct run {
    struct run_config cfg;
    struct net_loop *loop;
    struct trk *trk;
    struct watch *watch;
    struct ref *ref;
    struct sqlite3 *db;
    struct ref_wl_set wl_set;
    struct ref_wl_index *wl;
    struct buf alerts;
    struct modes_validator val;
    struct modes_decoder *dec;
    struct dedupe dedupe;
    struct input inputs[CFG_LIST_MAX];
    int ninputs;
    struct output outputs[CFG_LIST_MAX];
    int noutputs;
    struct client *clients;
    struct stream *accepted; /* streams of feeders that connected to us */
    struct http_server *http;
    int next_stream_id;
    uint64_t frames, ais_messages, sbs_messages, clients_dropped, connects, disconnects;
    uint64_t reconnects, connect_failures; /* of the inputs we connect to */
};

static struct net_loop *signal_loop;

static void on_signal(int sig)
{
    (void)sig;
    if (signal_loop)
        net_loop_stop(signal_loop);
}

/* ---------------------------------------------------------------- outputs */

static void client_close(struct run *a, struct client *c)
{
    net_loop_del(a->loop, c->fd);
    close(c->fd);
    for (struct client **p = &a->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    buf_free(&c->out);
    free(c);
}

/* Output clients send us nothing: readable means they went away. Writable
 * means part of their queue can go. Any error closes them. */
static void client_event(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct client *c = ctx;
    bool dead = false;
    char junk[256];
    if ((ev & NET_HUP) || ((ev & NET_READ) && read(fd, junk, sizeof junk) <= 0))
        dead = true;
    if (!dead && (ev & NET_WRITE) && c->out.len) {
        ssize_t w = send(fd, c->out.p, c->out.len, MSG_NOSIGNAL);
        if (w > 0) {
            memmove(c->out.p, c->out.p + w, c->out.len - (size_t)w);
            c->out.len -= (size_t)w;
        } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            dead = true;
        }
    }
    if (dead) {
        c->app->disconnects++;
        client_close(c->app, c);
        return;
    }
    net_loop_mod(l, fd, NET_READ | (c->out.len ? NET_WRITE : 0), client_event, c);
}

static void broadcast(struct run *a, enum net_format fmt, const void *p, size_t n)
{
    size_t limit = (size_t)a->cfg.client_buffer_kib * 1024;
    for (struct client *c = a->clients, *next; c; c = next) {
        next = c->next;
        if (c->fmt != fmt)
            continue;
        if (c->out.len + n > limit) {
            a->clients_dropped++;
            client_close(a, c);
            continue;
        }
        bool was_empty = c->out.len == 0;
        buf_put(&c->out, p, n);
        if (c->out.len >= 16384) {
            /* Hand a full batch to the kernel now rather than waiting for the
             * loop: keeps queues short while one input is being drained. */
            ssize_t w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0) {
                memmove(c->out.p, c->out.p + w, c->out.len - (size_t)w);
                c->out.len -= (size_t)w;
            }
        }
        if (was_empty)
            net_loop_mod(a->loop, c->fd, NET_READ | NET_WRITE, client_event, c);
    }
}

static bool have_clients(struct run *a, enum net_format fmt)
{
    for (struct client *c = a->clients; c; c = c->next)
        if (c->fmt == fmt)
            return true;
    return false;
}

static void output_accept(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct output *o = ctx;
    (void)ev;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return;
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        close(cfd);
        return;
    }
    c->app = o->app;
    c->fd = cfd;
    c->fmt = o->ep.format;
    buf_init(&c->out, 4096);
    c->next = o->app->clients;
    o->app->clients = c;
    o->app->connects++;
    net_loop_add(l, cfd, NET_READ, client_event, c);
}

/* ----------------------------------------------------------------- inputs */

/* Alerts go to stdout as JSON lines, one write per alert so a reader sees
 * whole lines; they are rare, unlike messages. */
static void emit_alerts(struct run *a, const struct trk_update *u, const char *evidence, size_t n)
{
    if (watch_on_update(a->watch, u, evidence, n, &a->alerts) > 0) {
        if (a->http) /* the same lines to the live stream as `event: alert` */
            http_push(a->http, "alert", a->alerts.p, a->alerts.len);
        buf_flush(&a->alerts, stdout);
        fflush(stdout);
    }
}

static void on_frame(void *ctx, struct modes_frame *f)
{
    struct stream *s = ctx;
    struct run *a = s->app;
    int64_t now = net_realtime_ms();
    a->frames++;
    /* Copies from several receivers arrive together, whatever their
     * counters say: duplicates are judged by arrival time. */
    if (dedupe_seen(&a->dedupe, f->verbatim, f->len, s->id, now))
        return;
    f->time_ms = net_rxclock_time(&s->clock, f->ts12, now);
    if (!modes_frame_validate(&a->val, f))
        return;
    /* One receiver's copy with a bit error is another's clean copy once
     * corrected: compare the corrected bytes too, both ways round. */
    if (f->corrected_bits > 0 && dedupe_seen(&a->dedupe, f->msg, f->len, s->id, now))
        return;
    if (have_clients(a, NET_FMT_BEAST) || have_clients(a, NET_FMT_AVR)) {
        struct buf b;
        buf_init(&b, 64);
        modes_write_beast(&b, f);
        broadcast(a, NET_FMT_BEAST, b.p, b.len);
        b.len = 0;
        modes_write_avr(&b, f);
        broadcast(a, NET_FMT_AVR, b.p, b.len);
        buf_free(&b);
    }
    struct modes_msg m;
    struct trk_update u;
    if (modes_decode(a->dec, f, &m) != MODES_DECODE_OK)
        return;
    if (have_clients(a, NET_FMT_SBS)) {
        struct buf b;
        buf_init(&b, 256);
        modes_write_sbs(&b, &m);
        broadcast(a, NET_FMT_SBS, b.p, b.len);
        buf_free(&b);
    }
    if (trk_update_modes(a->trk, &m, f->time_ms, &u)) {
        char hex[2 * MODES_LONG_BYTES + 1];
        for (int i = 0; i < f->len; i++)
            snprintf(hex + 2 * i, 3, "%02x", f->verbatim[i]);
        emit_alerts(a, &u, hex, 2u * f->len);
    }
}

static void on_line(struct stream *s, const char *line, size_t len, bool overlong)
{
    struct run *a = s->app;
    int64_t now = net_realtime_ms();
    if (s->fmt == NET_FMT_SBS) {
        struct modes_msg m;
        struct trk_update u;
        if (overlong || modes_sbs_parse(line, len, &m) != 0)
            return;
        a->sbs_messages++;
        if (trk_update_modes(a->trk, &m, m.time_ms != MODES_NO_TIME ? m.time_ms : now, &u))
            emit_alerts(a, &u, line, len);
        return;
    }
    struct ais_payload p;
    if (ais_feed_line(s->ais, line, len, overlong, &p) != AIS_OK)
        return;
    if (dedupe_seen(&a->dedupe, p.bits, (p.nbits + 7) / 8, s->id, now))
        return;
    struct ais_msg m;
    int st = ais_decode(p.bits, p.nbits, &m);
    ais_ctx_note_decode(s->ais, st);
    if (st != AIS_OK)
        return;
    a->ais_messages++;
    if (p.meta.raw && have_clients(a, NET_FMT_NMEA)) {
        struct buf b;
        buf_init(&b, 256);
        for (size_t i = 0; i < p.meta.raw_len; i++) {
            if (p.meta.raw[i] == '\n')
                buf_putc(&b, '\r');
            buf_putc(&b, p.meta.raw[i]);
        }
        buf_put(&b, "\r\n", 2);
        broadcast(a, NET_FMT_NMEA, b.p, b.len);
        buf_free(&b);
    }
    struct trk_update u;
    if (trk_update_ais(a->trk, &m, p.meta.time_ms != AIS_NO_TIME ? p.meta.time_ms : now, &u))
        emit_alerts(a, &u, p.meta.raw, p.meta.raw_len);
}

static void stream_feed(struct stream *s, const uint8_t *p, size_t n)
{
    if (s->fmt == NET_FMT_BEAST || s->fmt == NET_FMT_AVR) {
        modes_framer_feed(&s->fr, p, n, on_frame, s);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = (char)p[i];
        if (c == '\n') {
            size_t len = s->len;
            if (len && s->line[len - 1] == '\r')
                len--;
            on_line(s, s->line, len, s->overlong);
            s->len = 0;
            s->overlong = false;
        } else if (s->len < IN_MAX_LINE) {
            s->line[s->len++] = c;
        } else {
            s->overlong = true;
        }
    }
}

static struct stream *stream_new(struct run *a, int fd, enum net_format fmt)
{
    struct stream *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->app = a;
    s->fd = fd;
    s->fmt = fmt;
    s->id = ++a->next_stream_id;
    modes_framer_init(&s->fr, fmt == NET_FMT_AVR ? MODES_FRAMER_AVR : MODES_FRAMER_BEAST);
    if (fmt == NET_FMT_NMEA)
        s->ais = ais_ctx_new();
    return s;
}

static void stream_free(struct stream *s)
{
    if (s->ais) {
        ais_ctx_finish(s->ais);
        ais_ctx_free(s->ais);
    }
    free(s);
}

/* The next attempt, and the wait after it should it fail: twice as long each
 * time, up to a minute, so a feeder that is down for long is not hammered,
 * and one back after a short restart is found within seconds. */
static void schedule_retry(struct input *in)
{
    in->retry_at_ms = net_monotonic_ms() + in->backoff_ms;
    in->backoff_ms = in->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : in->backoff_ms * 2;
}

static void back_off(struct input *in)
{
    in->app->connect_failures++;
    schedule_retry(in);
}

static void unlink_accepted(struct run *a, struct stream *s)
{
    for (struct stream **p = &a->accepted; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            return;
        }
}

static void stream_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct stream *s = ctx;
    uint8_t block[1 << 16];
    (void)ev;
    /* A few blocks per wake-up, then back to the loop: a fast feeder must not
     * starve the outputs (epoll is level-triggered, so we are called again). */
    for (int round = 0; round < 4; round++) {
        ssize_t n = read(fd, block, sizeof block);
        if (n > 0) {
            stream_feed(s, block, (size_t)n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        /* End of stream or error: close; a connect input retries with back-off. */
        net_loop_del(l, fd);
        close(fd);
        s->app->disconnects++;
        if (s->owner) {
            s->owner->fd = -1;
            s->owner->s = NULL;
            schedule_retry(s->owner);
        } else {
            unlink_accepted(s->app, s);
        }
        stream_free(s);
        return;
    }
}

static void udp_read(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct stream *s = ctx;
    uint8_t dgram[65536];
    (void)l;
    (void)ev;
    ssize_t n;
    while ((n = recv(fd, dgram, sizeof dgram, 0)) > 0) {
        stream_feed(s, dgram, (size_t)n);
        if (s->len) /* a datagram is whole: end its last line */
            stream_feed(s, (const uint8_t *)"\n", 1);
    }
}

static void input_accept(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct input *in = ctx;
    (void)ev;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return;
    in->app->connects++;
    struct stream *s = stream_new(in->app, cfd, in->ep.format);
    s->next = in->app->accepted;
    in->app->accepted = s;
    net_loop_add(l, cfd, NET_READ, stream_read, s);
}

static void connect_done(struct net_loop *l, int fd, unsigned ev, void *ctx)
{
    struct input *in = ctx;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err || (ev & NET_HUP)) {
        net_loop_del(l, fd);
        close(fd);
        in->fd = -1;
        back_off(in);
        return;
    }
    in->backoff_ms = BACKOFF_MIN_MS;
    in->app->connects++;
    if (in->was_connected)
        in->app->reconnects++;
    in->was_connected = true;
    in->s = stream_new(in->app, fd, in->ep.format);
    in->s->owner = in;
    net_loop_mod(l, fd, NET_READ, stream_read, in->s);
}

static void try_connect(struct run *a, struct input *in)
{
    in->fd = net_tcp_connect(in->ep.host, in->ep.port);
    if (in->fd < 0) {
        back_off(in);
        return;
    }
    net_loop_add(a->loop, in->fd, NET_WRITE, connect_done, in);
}

static void reconnect_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    int64_t now = net_monotonic_ms();
    for (int i = 0; i < a->ninputs; i++) {
        struct input *in = &a->inputs[i];
        if (in->ep.transport == NET_TCP_CONNECT && in->fd < 0 && now >= in->retry_at_ms)
            try_connect(a, in);
    }
}

/* ------------------------------------------------------------ snapshots */

static void write_json(struct run *a, const char *name, struct buf *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", a->cfg.json_dir, name);
    if (trk_write_file_atomic(path, b) != 0)
        fprintf(stderr, "atalaya run: cannot write %s\n", path);
}

static void json_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    int64_t now = net_realtime_ms();
    struct buf b;
    buf_init(&b, 1 << 16);
    trk_write_aircraft_json(a->trk, now, &b);
    write_json(a, "aircraft.json", &b);
    b.len = 0;
    trk_write_vessels_json(a->trk, now, &b);
    write_json(a, "vessels.json", &b);
    b.len = 0;
    buf_printf(&b, "{\"version\":\"atalaya %s\",\"refresh\":%.0f,\"history\":0", ATALAYA_VERSION,
               a->cfg.json_interval * 1000);
    if (a->cfg.receiver_lat != 0 || a->cfg.receiver_lon != 0)
        buf_printf(&b, ",\"lat\":%.6f,\"lon\":%.6f", a->cfg.receiver_lat, a->cfg.receiver_lon);
    buf_puts(&b, "}\n");
    write_json(a, "receiver.json", &b);
    buf_free(&b);
}

static void stats_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    const struct trk_stats *t = trk_stats(a->trk);
    fprintf(stderr,
            "atalaya run: aircraft %zu, vessels %zu; frames %llu, ais %llu, sbs %llu; duplicates %llu; "
            "positions %llu (rejected %llu); reconnects %llu, failed connects %llu; clients dropped %llu\n",
            trk_aircraft_count(a->trk), trk_vessel_count(a->trk), (unsigned long long)a->frames,
            (unsigned long long)a->ais_messages, (unsigned long long)a->sbs_messages,
            (unsigned long long)a->dedupe.dropped, (unsigned long long)t->positions,
            (unsigned long long)t->positions_rejected, (unsigned long long)a->reconnects,
            (unsigned long long)a->connect_failures, (unsigned long long)a->clients_dropped);
}

/* --------------------------------------------------------------- set-up */

static int read_file_input(struct run *a, const char *path)
{
    struct in_file *in = in_open(path);
    if (!in) {
        fprintf(stderr, "atalaya run: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    const uint8_t *peek;
    ssize_t n = in_peek(in, &peek, 8192);
    enum decode_input kind = decode_sniff(peek, n > 0 ? n : 0);
    enum net_format fmt = kind == IN_BEAST ? NET_FMT_BEAST : kind == IN_AVR ? NET_FMT_AVR
                          : kind == IN_SBS ? NET_FMT_SBS : NET_FMT_NMEA;
    struct stream *s = stream_new(a, -1, fmt);
    uint8_t block[1 << 16];
    while ((n = in_read(in, block, sizeof block)) > 0)
        stream_feed(s, block, (size_t)n);
    if (s->len)
        stream_feed(s, (const uint8_t *)"\n", 1);
    stream_free(s);
    in_close(in);
    return 0;
}

static int open_endpoints(struct run *a)
{
    char err[256];
    for (int i = 0; i < a->cfg.inputs.n; i++) {
        const char *spec = a->cfg.inputs.v[i];
        if (!strstr(spec, "://")) {
            if (read_file_input(a, spec) != 0)
                return -1;
            continue;
        }
        struct input *in = &a->inputs[a->ninputs++];
        in->app = a;
        if (net_endpoint_parse(spec, NET_DIR_INPUT, &in->ep, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --input %s\n", err);
            return -1;
        }
        in->fd = -1;
        in->backoff_ms = BACKOFF_MIN_MS;
        if (in->ep.transport == NET_TCP_CONNECT) {
            try_connect(a, in);
        } else if (in->ep.transport == NET_TCP_LISTEN) {
            if ((in->fd = net_tcp_listen(in->ep.host, in->ep.port)) < 0) {
                fprintf(stderr, "atalaya run: cannot listen on %s:%s: %s\n", in->ep.host, in->ep.port, strerror(errno));
                return -1;
            }
            net_loop_add(a->loop, in->fd, NET_READ, input_accept, in);
        } else {
            if (in->ep.format != NET_FMT_NMEA && in->ep.format != NET_FMT_SBS) {
                fprintf(stderr, "atalaya run: UDP inputs carry text (nmea or sbs)\n");
                return -1;
            }
            if ((in->fd = net_udp_bind(in->ep.host, in->ep.port)) < 0) {
                fprintf(stderr, "atalaya run: cannot bind UDP %s:%s: %s\n", in->ep.host, in->ep.port, strerror(errno));
                return -1;
            }
            in->s = stream_new(a, in->fd, in->ep.format);
            net_loop_add(a->loop, in->fd, NET_READ, udp_read, in->s);
        }
    }
    for (int i = 0; i < a->cfg.outputs.n; i++) {
        struct output *o = &a->outputs[a->noutputs++];
        o->app = a;
        if (net_endpoint_parse(a->cfg.outputs.v[i], NET_DIR_OUTPUT, &o->ep, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --output %s\n", err);
            return -1;
        }
        if ((o->fd = net_tcp_listen(o->ep.host, o->ep.port)) < 0) {
            fprintf(stderr, "atalaya run: cannot listen on %s:%s: %s\n", o->ep.host, o->ep.port, strerror(errno));
            return -1;
        }
        net_loop_add(a->loop, o->fd, NET_READ, output_accept, o);
    }
    return 0;
}

/* One endpoint as resolved, for --dry-run. Returns 0 or -1 (message printed). */
static int print_endpoint(const char *spec, enum net_dir dir)
{
    const char *what = dir == NET_DIR_INPUT ? "input" : "output";
    if (dir == NET_DIR_INPUT && !strstr(spec, "://")) {
        printf("input file %s\n", spec);
        return 0;
    }
    char err[512], text[320];
    struct net_endpoint e;
    if (net_endpoint_parse(spec, dir, &e, err, sizeof err) != 0) {
        fprintf(stderr, "atalaya run: --%s %s\n", what, err);
        return -1;
    }
    net_endpoint_format(&e, text, sizeof text);
    printf("%s %s\n", what, text);
    return 0;
}

/* --dry-run: what the settings resolve to, one line each, so an operator (and
 * the tests) can see which port a short endpoint means without opening it. */
static int print_endpoints(const struct run_config *c)
{
    for (int i = 0; i < c->inputs.n; i++)
        if (print_endpoint(c->inputs.v[i], NET_DIR_INPUT) != 0)
            return 1;
    for (int i = 0; i < c->outputs.n; i++)
        if (print_endpoint(c->outputs.v[i], NET_DIR_OUTPUT) != 0)
            return 1;
    return 0;
}

/* The usage text, with the default ports from the table the parser uses. */
static void run_usage(char *out, size_t n)
{
    char ports[2048];
    net_default_ports_help(ports, sizeof ports);
    snprintf(out, n,
             "usage: atalaya run [OPTIONS] [FILE...]\n"
             "  live tracking from network feeds and files; JSON snapshots and re-broadcast\n"
             "  FORMAT is beast, avr (or raw, dump1090's name for AVR), sbs or nmea; HOST defaults to\n"
             "  127.0.0.1; without :PORT an endpoint takes the port dump1090/readsb (Mode S) or\n"
             "  gpsd/AIS-catcher (NMEA) use; the others need one:\n%s"
             "  An input we connect to is tried again %d s after it fails or ends, then %d, %d, ...\n"
             "  up to %d s apart while the feeder stays away. Beast and AVR frames that carry the 12 MHz\n"
             "  counter are timed by it, from the arrival of the connection's first frame, so a\n"
             "  recording pushed fast gives the picture a real-time feed would (docs/formats/live-json.md).",
             ports, BACKOFF_MIN_MS / 1000, 2 * BACKOFF_MIN_MS / 1000, 4 * BACKOFF_MIN_MS / 1000,
             BACKOFF_MAX_MS / 1000);
}

static void teardown(struct run *a)
{
    while (a->clients)
        client_close(a, a->clients);
    /* Feeders still connected when we stop. */
    for (struct stream *s = a->accepted, *next; s; s = next) {
        next = s->next;
        net_loop_del(a->loop, s->fd);
        close(s->fd);
        stream_free(s);
    }
    a->accepted = NULL;
    for (int i = 0; i < a->ninputs; i++) {
        struct input *in = &a->inputs[i];
        if (in->s && in->ep.transport != NET_UDP)
            net_loop_del(a->loop, in->s->fd);
        if (in->s)
            stream_free(in->s);
        if (in->fd >= 0)
            close(in->fd);
    }
    for (int i = 0; i < a->noutputs; i++)
        close(a->outputs[i].fd);
}

int cmd_run(int argc, char **argv)
{
    char usage[4096];
    run_usage(usage, sizeof usage);
    struct run *a = calloc(1, sizeof *a);
    char err[512];
    struct cfg_list rest = {.n = 0};
    if (!a || cfg_defaults(run_options, &a->cfg, err, sizeof err) != 0)
        return 1;
    int rc = cfg_parse_args(run_options, &a->cfg, argc, argv, &rest, usage, err, sizeof err);
    if (rc == 0 && a->cfg.config) {
        /* The file sets values first; the command line then overrides them. */
        const char *path = a->cfg.config;
        cfg_free(run_options, &a->cfg);
        cfg_defaults(run_options, &a->cfg, err, sizeof err);
        rc = cfg_parse_file(run_options, &a->cfg, path, err, sizeof err);
        if (rc == 0)
            rc = cfg_parse_args(run_options, &a->cfg, argc, argv, &rest, usage, err, sizeof err);
    }
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "atalaya run: %s\n", err);
        cfg_free(run_options, &a->cfg);
        free(a);
        return rc < 0 ? 1 : 0;
    }
    for (int i = 0; i < rest.n && a->cfg.inputs.n < CFG_LIST_MAX; i++)
        a->cfg.inputs.v[a->cfg.inputs.n++] = rest.v[i];
    if (a->cfg.dry_run) {
        rc = print_endpoints(&a->cfg);
        cfg_free(run_options, &a->cfg);
        free(a);
        return rc;
    }
    a->loop = net_loop_new();
    char dir[4096];
    ref_wl_set_init(&a->wl_set);
    buf_init(&a->alerts, 4096);
    if (ref_data_dir(dir, sizeof dir) && !(a->ref = ref_load(dir, err, sizeof err)))
        fprintf(stderr, "atalaya run: reference data: %s (no enrichment)\n", err);
    if (a->cfg.db && access(a->cfg.db, R_OK) == 0) {
        if (ref_db_open(a->cfg.db, &a->db, err, sizeof err) != 0 ||
            ref_wl_db_load(a->db, NULL, &a->wl_set, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: %s\n", err);
            rc = 1;
        } else {
            a->wl = ref_wl_index_build(&a->wl_set, a->db);
        }
    }
    a->watch = watch_new(a->ref, a->wl, a->db);
    for (int i = 0; i < a->cfg.areas.n && rc == 0; i++)
        if (watch_load_areas(a->watch, a->cfg.areas.v[i], err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: %s\n", err);
            rc = 1;
        }
    struct trk_config tcfg = {.enricher = watch_enricher(a->watch),
                              .max_entities = a->cfg.max_entities > 0 ? (size_t)a->cfg.max_entities : 0};
    a->trk = trk_new(&tcfg);
    struct modes_decoder_cfg dcfg = {.have_ref = a->cfg.receiver_lat != 0 || a->cfg.receiver_lon != 0,
                                     .ref_lat = a->cfg.receiver_lat, .ref_lon = a->cfg.receiver_lon};
    a->dec = modes_decoder_new(&dcfg);
    modes_validator_init(&a->val, a->cfg.fix2 ? 2 : 1);
    dedupe_init(&a->dedupe, 2000);
    signal_loop = a->loop;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct http_config hcfg = {.listen = a->cfg.http, .have_receiver = dcfg.have_ref,
                               .receiver_lat = a->cfg.receiver_lat, .receiver_lon = a->cfg.receiver_lon,
                               .store_url = a->cfg.store, .ref = a->ref};
    if (rc == 0 && a->cfg.http && !(a->http = http_start(&hcfg, a->loop, a->trk, err, sizeof err)))
        fprintf(stderr, "atalaya run: %s\n", err);
    if (rc != 0 || (a->cfg.http && !a->http) || open_endpoints(a) != 0) {
        rc = 1;
    } else {
        net_loop_every(a->loop, RECONNECT_TICK_MS, reconnect_tick, a);
        if (a->cfg.json_dir) {
            json_tick(a->loop, a);
            net_loop_every(a->loop, (int64_t)(a->cfg.json_interval * 1000), json_tick, a);
        }
        if (a->cfg.stats)
            net_loop_every(a->loop, (int64_t)(a->cfg.stats_interval * 1000), stats_tick, a);
        if (a->ninputs || a->noutputs || a->http)
            net_loop_run(a->loop);
        if (a->cfg.json_dir)
            json_tick(a->loop, a);
        if (a->cfg.stats)
            stats_tick(a->loop, a);
    }
    teardown(a);
    http_stop(a->http);
    signal_loop = NULL;
    net_loop_free(a->loop);
    trk_free(a->trk);
    watch_free(a->watch);
    ref_wl_index_free(a->wl);
    ref_wl_set_free(&a->wl_set);
    ref_db_close(a->db);
    ref_free(a->ref);
    buf_free(&a->alerts);
    modes_decoder_free(a->dec);
    modes_validator_free(&a->val);
    cfg_free(run_options, &a->cfg);
    free(a);
    return rc;
}

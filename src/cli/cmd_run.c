/* cmd_run.c: `atalaya run`: the live operations centre. Parses the options
 * and wires the one pipeline (src/pipeline/) to its sources and sinks:
 *
 *   sources  network feeds (net/feed.h: feeders we connect to, feeders that
 *            connect to us, UDP), I/Q from rtl_tcp servers and RTL-SDR
 *            dongles (net/iqin.h) and recordings played as a live feed
 *            (--speed X: X times faster than recorded; 0 as fast as possible)
 *   sinks    the store (--store: positions, identities, events and alerts
 *            as they arrive, committed at least once a second), stdout
 *            (alert and event lines), re-broadcast outputs (net/relay.h),
 *            aircraft.json / vessels.json / receiver.json (--json-dir), and
 *            the map and API (--http), which push new events and alerts to
 *            the page.
 *
 * Event time, as in every pipeline command (pipeline.h): the detectors run
 * on the messages' own times, so a recording pushed through `run` at any
 * speed gives the closed events `ingest` gives. With only recordings and no
 * --http, run ends with its input (and closes what ends with the input, as
 * ingest does); stopped by a signal, open events stay open in the store.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ais/ais.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/config.h"
#include "common/json.h"
#include "http/http.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/sbs_write.h"
#include "net/feed.h"
#include "net/iqin.h"
#include "net/listener.h"
#include "net/loop.h"
#include "net/mqtt.h"
#include "net/relay.h"
#include "net/rtlsdr.h"
#include "net/sock.h"
#include "pipeline/pipeline.h"
#include "pipeline/store_sink.h"
#include "store/store.h"
#include "stream/link.h"
#include "stream/obs.h"
#include "stream/publish.h"
#include "track/track.h"

struct run_config {
    struct cfg_list inputs, outputs;
    const char *json_dir, *http, *store;
    const char *publish, *receiver, *spool; /* --publish: stream/publish.h */
    long spool_max;
    double publish_wait;
    double json_interval, stats_interval, speed;
    long client_buffer_kib, feeders_max, feeders_total, feeder_idle_s;
    bool stats, dry_run, no_detect, all_positions, end_with_feeds;
    struct pipeline_options pl;
};

#define S(f) offsetof(struct run_config, f)
static const struct cfg_option run_options[] = {
    {"input", CFG_LIST, S(inputs), NULL, "FORMAT+tcp://HOST[:PORT] (we connect), FORMAT+listen://HOST[:PORT], nmea+udp://HOST[:PORT], "
     "iq+rtltcp://HOST[:PORT]?band=ais|1090&... or rtlsdr://INDEX?band=ais|1090&... (I/Q from a dongle) or a file (a recording, played as a live feed)", 0},
    {"output", CFG_LIST, S(outputs), NULL, "FORMAT+listen://HOST[:PORT]: serve clients what arrived; "
     "mqtt://HOST[:PORT][?topic=PREFIX&qos=N]: publish positions, events and alerts to a broker (docs/formats/mqtt.md)", 0},
    {"store", CFG_STR, S(store), NULL, "keep the history here as it arrives (sqlite:PATH or postgresql://USER@HOST:PORT/DB): positions, identities, events, alerts; with --http the API answers from it", S(pl.strings)},
    {"http", CFG_STR, S(http), NULL, "serve the live map and API on HOST:PORT (e.g. 127.0.0.1:8080)", S(pl.strings)},
    {"publish", CFG_STR, S(publish), NULL, "nats://HOST[:PORT][?stream=NAME&shards=N]: send every validated message to JetStream (docs/formats/stream.md), spooling on disk while the server is away", S(pl.strings)},
    {"receiver", CFG_STR, S(receiver), NULL, "with --publish: this receiver's id on the stream, 1-63 of A-Z a-z 0-9 _ - (default: the host name)", S(pl.strings)},
    {"spool", CFG_STR, S(spool), NULL, "with --publish: the spool folder (default $STATE_DIRECTORY/spool/RECEIVER under systemd, else $XDG_STATE_HOME/atalaya/spool/RECEIVER, else ~/.local/state/..., else ./atalaya-spool-RECEIVER)", S(pl.strings)},
    {"spool-max", CFG_INT, S(spool_max), "1073741824", "with --publish: bytes the spool may hold; when full, its oldest messages are dropped (counted)", 0},
    {"publish-wait", CFG_DOUBLE, S(publish_wait), "60", "with --publish: seconds the end of the input waits for the stream to acknowledge everything (the rest stays in the spool for the next run)", 0},
    {"json-dir", CFG_STR, S(json_dir), NULL, "write aircraft.json, vessels.json and receiver.json here", S(pl.strings)},
    {"json-interval", CFG_DOUBLE, S(json_interval), "1", "seconds between JSON snapshots", 0},
    {"speed", CFG_DOUBLE, S(speed), "0", "play recordings X times faster than recorded (0: as fast as possible)", 0},
    {"no-detect", CFG_BOOL, S(no_detect), NULL, "track and store only: no detectors", 0},
    {"all-positions", CFG_BOOL, S(all_positions), NULL, "store every accepted fix (default: thinned, as ingest does)", 0},
    {"end-with-feeds", CFG_BOOL, S(end_with_feeds), NULL, "stop when every feeder that connected has gone (and the recordings are played), closing what ends with the input as ingest does", 0},
    {"feeders-max", CFG_INT, S(feeders_max), "256", "connections at once per listen input or output (more are closed at once)", 0},
    {"feeders-total", CFG_INT, S(feeders_total), "1024", "connections at once over all listen inputs and outputs", 0},
    {"feeder-idle-s", CFG_INT, S(feeder_idle_s), "600", "close a listen input's connection after this many seconds without a byte (0: never)", 0},
    {"client-buffer-kib", CFG_INT, S(client_buffer_kib), "1024", "an output client further behind than this is dropped", 0},
    {"feeders-max", CFG_INT, S(feeders_max), "256", "connections at once per listen input or output (more are closed at once)", 0},
    {"feeders-total", CFG_INT, S(feeders_total), "1024", "connections at once over all listen inputs and outputs", 0},
    {"feeder-idle-s", CFG_INT, S(feeder_idle_s), "600", "close a listen input's connection after this many seconds without a byte (0: never)", 0},
    {"stats", CFG_BOOL, S(stats), NULL, "print counters to stderr periodically", 0},
    {"stats-interval", CFG_DOUBLE, S(stats_interval), "60", "seconds between counter reports", 0},
    {"dry-run", CFG_BOOL, S(dry_run), NULL, "print the inputs and outputs as resolved (ports filled in) and exit", 0},
    PIPELINE_CFG_OPTIONS(struct run_config, pl),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

/* The usage text, with the default ports from the table the parser uses
 * (filled in by cmd_run before the options are read). */
static char run_usage_text[4096];
const struct cfg_cmd run_cmd = {"run", run_usage_text, run_options, sizeof(struct run_config), NULL, 0};

struct run {
    struct run_config cfg;
    struct net_loop *loop;
    struct pipeline p;
    struct net_listeners *listeners; /* accepting on listen inputs and outputs: caps, idle, EMFILE */
    struct net_feeds *feeds;
    struct net_iq_inputs *iq; /* rtl_tcp servers and RTL-SDR dongles */
    struct net_relay *relay;
    struct http_server *http;
    struct store *st;
    struct store_sink *sink;
    struct pipeline_player *players[CFG_LIST_MAX];
    int nplayers, playing;
    bool input_ended; /* every recording played, nothing live: finish and stop */
    int streams;      /* feeder streams open now */
    bool fed;         /* a feeder has connected */
    struct buf lines; /* alert and event lines for stdout */
    struct net_mqtt *mqtt[CFG_LIST_MAX]; /* mqtt:// outputs (net/mqtt.h) */
    int nmqtt;
    struct publish *pub; /* --publish */
};

static struct net_loop *signal_loop;
static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    (void)sig;
    signalled = 1;
    store_stop_waiting();
    if (signal_loop)
        net_loop_stop(signal_loop);
}

/* ------------------------------------------------------------ sinks */

static void relay_frame(void *ctx, const struct modes_frame *f)
{
    struct run *a = ctx;
    struct buf b;
    if (!net_relay_wants(a->relay, NET_FMT_BEAST) && !net_relay_wants(a->relay, NET_FMT_AVR))
        return;
    buf_init(&b, 64);
    modes_write_beast(&b, f);
    net_relay_send(a->relay, NET_FMT_BEAST, b.p, b.len);
    b.len = 0;
    modes_write_avr(&b, f);
    net_relay_send(a->relay, NET_FMT_AVR, b.p, b.len);
    buf_free(&b);
}

static void relay_modes(void *ctx, const struct modes_msg *m)
{
    struct run *a = ctx;
    if (!net_relay_wants(a->relay, NET_FMT_SBS))
        return;
    struct buf b;
    buf_init(&b, 256);
    modes_write_sbs(&b, m);
    net_relay_send(a->relay, NET_FMT_SBS, b.p, b.len);
    buf_free(&b);
}

/* NMEA goes out with CRLF, fragments of one message each on its line. */
static void relay_nmea(void *ctx, const char *raw, size_t n)
{
    struct run *a = ctx;
    if (!net_relay_wants(a->relay, NET_FMT_NMEA))
        return;
    struct buf b;
    buf_init(&b, 256);
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '\n')
            buf_putc(&b, '\r');
        buf_putc(&b, raw[i]);
    }
    buf_put(&b, "\r\n", 2);
    net_relay_send(a->relay, NET_FMT_NMEA, b.p, b.len);
    buf_free(&b);
}

/* Alerts and events to stdout as JSON lines (detect/event.h), one write per
 * line so a reader never sees half of one, and to the page's live stream
 * as they are raised. */
static void print_event(void *ctx, const struct event *e)
{
    struct run *a = ctx;
    struct jw w;
    a->lines.len = 0;
    jw_init(&w, &a->lines);
    event_write(&w, e);
    buf_putc(&a->lines, '\n');
    if (a->http)
        http_push(a->http, e->alert ? "alert" : "event", a->lines.p, a->lines.len);
    buf_flush(&a->lines, stdout);
    fflush(stdout);
}

/* The picture's time for the page and the JSON documents: the pipeline's
 * clock (event time), so a recording played at --speed shows its own ages. */
static int64_t picture_clock(void *ctx)
{
    const struct run *a = ctx;
    return a->p.now_ms;
}

/* --------------------------------------------------- network sources */

static enum pipeline_format pipeline_format_of(enum net_format f)
{
    switch (f) {
    case NET_FMT_BEAST: return PL_BEAST;
    case NET_FMT_AVR: return PL_AVR;
    case NET_FMT_SBS: return PL_SBS;
    default: return PL_NMEA;
    }
}

static void *feed_open(void *ctx, const struct net_endpoint *ep)
{
    struct run *a = ctx;
    a->streams++;
    a->fed = true;
    struct pipeline_source *s = pipeline_source_new(&a->p, pipeline_format_of(ep->format), "", true);
    pipeline_source_set_owner(s, a);
    return s;
}

/* An I/Q stream is a source like a feeder's connection, demodulated by band. */
static void *iq_open(void *ctx, enum net_iq_band band, double rate, const char *name)
{
    struct run *a = ctx;
    a->streams++;
    a->fed = true;
    struct pipeline_source *s = pipeline_source_new(&a->p, band == NET_IQ_AIS ? PL_AIS_IQ : PL_IQ, "", true);
    pipeline_source_set_owner(s, a);
    /* net/iqin.h takes only rates the band's demodulator reads. */
    if (pipeline_source_set_rate(s, rate) != 0)
        fprintf(stderr, "atalaya run: %s: the demodulator cannot read %.0f S/s\n", name, rate);
    return s;
}

static void feed_data(void *stream, const uint8_t *bytes, size_t n, int64_t arrival_ms)
{
    pipeline_source_feed(stream, bytes, n, arrival_ms);
}

static void feed_close(void *stream)
{
    struct run *a = pipeline_source_owner(stream);
    pipeline_source_close(stream);
    if (--a->streams == 0 && a->fed && a->cfg.end_with_feeds && !a->playing) {
        a->input_ended = true;
        net_loop_stop(a->loop);
    }
}

/* --------------------------------------------------------- recordings */

/* How long one tick may play when recordings go as fast as they can: the
 * loop must still serve the page, the outputs and the feeds. */
#define PLAY_SLICE_MS 40

static void play_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    int64_t start = net_monotonic_ms();
    do {
        for (int i = 0; i < a->nplayers; i++) {
            if (!a->players[i])
                continue;
            int rc = pipeline_player_step(a->players[i], net_realtime_ms());
            if (rc == 1)
                continue;
            if (rc < 0)
                fprintf(stderr, "atalaya run: read error in %s\n", a->cfg.inputs.v[i]);
            pipeline_player_close(a->players[i]);
            a->players[i] = NULL;
            a->playing--;
        }
    } while (a->playing && a->cfg.speed <= 0 && net_monotonic_ms() - start < PLAY_SLICE_MS && !a->p.stop);
    bool feeds_over = (!a->feeds && !a->iq) || (a->cfg.end_with_feeds && a->fed && !a->streams);
    if ((!a->playing && feeds_over && !a->relay && !a->http) || a->p.stop) {
        a->input_ended = !a->playing;
        net_loop_stop(l);
    }
}

/* ------------------------------------------------------------ timers */

static void commit_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    if (store_flush(a->st) != 0)
        fprintf(stderr, "atalaya run: store: %s\n", a->st->err);
}

static void publish_timer(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    publish_tick(a->pub);
}

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
    int64_t now = a->p.now_ms > 0 ? a->p.now_ms : net_realtime_ms();
    struct buf b;
    buf_init(&b, 1 << 16);
    trk_write_aircraft_json(a->p.trk, now, &b);
    write_json(a, "aircraft.json", &b);
    b.len = 0;
    trk_write_vessels_json(a->p.trk, now, &b);
    write_json(a, "vessels.json", &b);
    b.len = 0;
    trk_write_receiver_json(&b, llround(a->cfg.json_interval * 1000),
                            a->cfg.pl.receiver_lat != 0 || a->cfg.pl.receiver_lon != 0,
                            a->cfg.pl.receiver_lat, a->cfg.pl.receiver_lon);
    write_json(a, "receiver.json", &b);
    buf_free(&b);
}

static void stats_tick(struct net_loop *l, void *ctx)
{
    struct run *a = ctx;
    (void)l;
    const struct trk_stats *t = trk_stats(a->p.trk);
    static const struct net_feed_stats none_in;
    static const struct net_relay_stats none_out;
    const struct net_feed_stats *in = a->feeds ? net_feeds_stats(a->feeds) : &none_in;
    const struct net_relay_stats *out = a->relay ? net_relay_stats(a->relay) : &none_out;
    fprintf(stderr,
            "atalaya run: aircraft %zu, vessels %zu; frames %" PRIu64 ", ais %" PRIu64 ", sbs %" PRIu64
            "; duplicates %" PRIu64 "; positions %llu (rejected %llu); reconnects %" PRIu64 ", failed connects %" PRIu64
            "; clients dropped %" PRIu64 "; store rows %" PRIu64 ", failed writes %" PRIu64 "\n",
            trk_aircraft_count(a->p.trk), trk_vessel_count(a->p.trk), a->p.n.frames, a->p.n.ais_messages,
            a->p.n.sbs_messages, a->p.dedupe ? a->p.dedupe->dropped : 0, (unsigned long long)t->positions,
            (unsigned long long)t->positions_rejected, in->reconnects, in->connect_failures, out->dropped,
            a->st ? a->st->rows : 0, a->sink ? store_sink_failures(a->sink) : 0);
    net_iq_print_stats(a->iq, "atalaya run", stderr);
    struct net_listen_stats ls;
    net_listeners_stats(a->listeners, &ls);
    fprintf(stderr, "atalaya run: listen connections %u; refused at a cap %llu, idle closed %llu, accept pauses %llu\n",
            ls.open, ls.refused, ls.idle_closed, ls.pauses);
    for (int i = 0; i < a->nmqtt; i++)
        net_mqtt_print_stats(a->mqtt[i], stderr);
    if (a->pub)
        publish_print_stats(a->pub, stderr);
    if (a->p.det)
        fprintf(stderr, "atalaya run: detectors: vessels %" PRIu64 " (cap %u), forgotten over the cap %" PRIu64 "\n",
                det_stats(a->p.det)->vessels, det_max_vessels(a->p.det), det_stats(a->p.det)->vessels_evicted);
}

/* --------------------------------------------------------------- set-up */

/* One endpoint as resolved, for --dry-run. Returns 0 or -1 (message printed). */
static int print_endpoint(const char *spec, enum net_dir dir)
{
    const char *what = dir == NET_DIR_INPUT ? "input" : "output";
    if (dir == NET_DIR_INPUT && !strstr(spec, "://")) {
        printf("input file %s\n", spec);
        return 0;
    }
    char err[512], text[400];
    if (dir == NET_DIR_INPUT && net_iq_is_spec(spec)) {
        if (net_iq_describe(spec, text, sizeof text, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --input %s\n", err);
            return -1;
        }
        printf("input %s\n", text);
        return 0;
    }
    struct net_mqtt_url mu;
    if (dir == NET_DIR_OUTPUT && net_mqtt_is_url(spec)) {
        if (net_mqtt_parse(spec, &mu, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --output %s\n", err);
            return -1;
        }
        printf("output mqtt://%s:%d topic %s qos %d\n", mu.host, mu.port, mu.prefix, mu.qos);
        return 0;
    }
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
    if (c->publish) {
        struct stream_url u;
        char err[512], rx[OBS_RECEIVER_MAX], spool[4096];
        if (stream_url_parse(c->publish, &u, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --publish %s\n", err);
            return 1;
        }
        if (c->receiver)
            snprintf(rx, sizeof rx, "%s", c->receiver);
        else
            publish_default_receiver(rx, sizeof rx);
        if (!c->spool)
            publish_default_spool(spool, sizeof spool, rx);
        printf("publish nats://%s:%d stream %s shards %u receiver %s spool %s\n", u.host, u.port, u.stream, u.shards,
               rx, c->spool ? c->spool : spool);
    }
    return 0;
}

static void run_usage(char *out, size_t n)
{
    char ports[2048];
    net_default_ports_help(ports, sizeof ports);
    snprintf(out, n,
             "usage: atalaya run [OPTIONS] [FILE...]\n"
             "  the live operations centre: network feeds and recordings through decoders, tracker,\n"
             "  watchlists and detectors into the store, the map and API, JSON snapshots and\n"
             "  re-broadcast outputs\n"
             "  FORMAT is beast, avr (or raw, dump1090's name for AVR), sbs or nmea; HOST defaults to\n"
             "  127.0.0.1; without :PORT an endpoint takes the port dump1090/readsb (Mode S) or\n"
             "  gpsd/AIS-catcher (NMEA) use; the others need one:\n%s"
             "  An input we connect to is tried again %d s after it fails or ends, then %d, %d, ...\n"
             "  up to %d s apart while the feeder stays away. Beast and AVR frames that carry the 12 MHz\n"
             "  counter are timed by it, from the arrival of the connection's first frame (or from\n"
             "  --modes-epoch), so a recording pushed fast gives the picture a real-time feed would\n"
             "  (docs/formats/live-json.md). With only recordings and no --http, run ends with them.\n"
             "  I/Q from a dongle, one input per dongle (band ais: 162 MHz, 288 kS/s; band 1090: 2.4 MS/s):\n"
             "    iq+rtltcp://HOST[:PORT]?band=ais|1090[&freq=HZ&rate=SPS&gain=DB&ppm=N&agc=0|1&timeout=S]\n"
             "    rtlsdr://INDEX?band=ais|1090[&...]  (RTL-SDR through librtlsdr: %s)\n"
             "  rtl_tcp is reconnected with the same back-off; messages take their arrival time.",
             ports, FEED_BACKOFF_MIN_MS / 1000, 2 * FEED_BACKOFF_MIN_MS / 1000, 4 * FEED_BACKOFF_MIN_MS / 1000,
             FEED_BACKOFF_MAX_MS / 1000,
             net_rtlsdr_built_in() ? "built in" : "not built in: this build lacks librtlsdr");
}

/* Sources and sinks. Returns 0, or -1 after printing why. */
static int wire(struct run *a)
{
    char err[512];
    const struct run_config *c = &a->cfg;
    if (a->st) {
        a->sink = store_sink_add(&a->p, a->st, c->all_positions, false);
        net_loop_every(a->loop, 1000, commit_tick, a);
    }
    pipeline_add_sink(&a->p, &(struct pipeline_sink){.ctx = a, .event = print_event});
    if (a->st) {
        /* A restart carries on where the store's last commit left off. */
        struct pipeline_restored r;
        if (pipeline_restore(&a->p, a->st, &r) != 0) {
            fprintf(stderr, "atalaya run: store: %s\n", a->st->err);
            return -1;
        }
        if (r.events)
            fprintf(stderr, "atalaya run: %u open events in the store: %u picked up, %u closed where last seen\n",
                    r.events, r.events_rebuilt, r.events - r.events_rebuilt);
        if (r.entities || r.records)
            fprintf(stderr, "atalaya run: restored %u live entities and %u detector records (%u vessels from positions alone)\n",
                    r.entities, r.records, r.seeded);
        store_sink_checkpoint(a->sink);
    }
    /* MQTT outputs are sinks of their own (net/mqtt.h); the others, the relay's. */
    int nrelay = 0;
    for (int i = 0; i < c->outputs.n; i++) {
        struct pipeline_sink ms;
        if (!net_mqtt_is_url(c->outputs.v[i])) {
            nrelay++;
            continue;
        }
        if (!(a->mqtt[a->nmqtt] = net_mqtt_open(c->outputs.v[i], err, sizeof err))) {
            fprintf(stderr, "atalaya run: --output %s\n", err);
            return -1;
        }
        net_mqtt_sink(a->mqtt[a->nmqtt++], &ms);
        if (pipeline_add_sink(&a->p, &ms) != 0) {
            fprintf(stderr, "atalaya run: too many outputs\n");
            return -1;
        }
    }
    if (c->publish) {
        struct publish_config pcfg = {.url = c->publish, .receiver = c->receiver, .spool_dir = c->spool,
                                      .spool_max = (uint64_t)(c->spool_max > 0 ? c->spool_max : 0),
                                      .who = "atalaya run"};
        struct pipeline_sink ps;
        if (!(a->pub = publish_open(&pcfg, err, sizeof err))) {
            fprintf(stderr, "atalaya run: --publish %s\n", err);
            return -1;
        }
        publish_sink(a->pub, &ps);
        if (pipeline_add_sink(&a->p, &ps) != 0) {
            fprintf(stderr, "atalaya run: too many outputs\n");
            return -1;
        }
        net_loop_every(a->loop, 20, publish_timer, a);
    }
    if (nrelay) {
        a->relay = net_relay_new(a->loop, a->listeners, (unsigned)c->feeders_max, (size_t)c->client_buffer_kib * 1024);
        for (int i = 0; i < c->outputs.n; i++)
            if (!net_mqtt_is_url(c->outputs.v[i]) && net_relay_listen(a->relay, c->outputs.v[i], err, sizeof err) != 0) {
                fprintf(stderr, "atalaya run: --output %s\n", err);
                return -1;
            }
        pipeline_add_sink(&a->p, &(struct pipeline_sink){.ctx = a, .frame = relay_frame, .modes = relay_modes,
                                                          .nmea = relay_nmea});
    }
    if (c->http) {
        struct http_config hcfg = {.listen = c->http, .have_receiver = c->pl.receiver_lat || c->pl.receiver_lon,
                                   .receiver_lat = c->pl.receiver_lat, .receiver_lon = c->pl.receiver_lon,
                                   .store_url = c->store, .ref = a->p.ref,
                                   .picture_clock = picture_clock, .picture_clock_ctx = a, .det = a->p.det};
        if (!(a->http = http_start(&hcfg, a->loop, a->p.trk, err, sizeof err))) {
            fprintf(stderr, "atalaya run: %s\n", err);
            return -1;
        }
    }
    for (int i = 0; i < c->inputs.n; i++) {
        const char *spec = c->inputs.v[i];
        if (net_iq_is_spec(spec)) {
            if (!a->iq)
                a->iq = net_iq_new(a->loop, &(struct net_iq_handlers){.ctx = a, .open = iq_open, .data = feed_data,
                                                                       .close = feed_close});
            if (net_iq_add(a->iq, spec, err, sizeof err) != 0) {
                fprintf(stderr, "atalaya run: --input %s\n", err);
                return -1;
            }
            continue;
        }
        if (!strstr(spec, "://")) {
            if (!(a->players[i] = pipeline_player_open(&a->p, spec, c->speed, err, sizeof err))) {
                fprintf(stderr, "atalaya run: %s\n", err);
                return -1;
            }
            a->nplayers = i + 1;
            a->playing++;
            continue;
        }
        if (!a->feeds)
            a->feeds = net_feeds_new(a->loop, a->listeners, (unsigned)c->feeders_max, c->feeder_idle_s * 1000,
                                     &(struct net_feed_handlers){.ctx = a, .open = feed_open, .data = feed_data,
                                                                 .close = feed_close});
        if (net_feeds_add(a->feeds, spec, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya run: --input %s\n", err);
            return -1;
        }
    }
    if (a->playing)
        net_loop_every(a->loop, a->cfg.speed > 0 ? 10 : 1, play_tick, a);
    if (c->json_dir) {
        json_tick(a->loop, a);
        net_loop_every(a->loop, (int64_t)(c->json_interval * 1000), json_tick, a);
    }
    if (c->stats)
        net_loop_every(a->loop, (int64_t)(c->stats_interval * 1000), stats_tick, a);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    run_usage(run_usage_text, sizeof run_usage_text);
    struct run *a = calloc(1, sizeof *a);
    if (!a)
        return 1;
    struct det_config det;
    struct trk_config trk;
    struct cfg_target tg[2];
    pipeline_targets(tg, &det, &trk);
    int first, rc = cli_options(&run_cmd, &a->cfg, tg, 2, argc, argv, &first);
    for (int i = first; rc == 0 && i < argc && a->cfg.inputs.n < CFG_LIST_MAX; i++)
        a->cfg.inputs.v[a->cfg.inputs.n++] = argv[i];
    if (rc != 0 || a->cfg.dry_run) {
        if (rc == 0)
            rc = print_endpoints(&a->cfg);
        cfg_free(run_options, &a->cfg);
        free(a);
        return rc < 0 ? 1 : rc;
    }
    struct pipeline_config pc = {.who = "atalaya run", .detect = !a->cfg.no_detect};
    pipeline_config_from(&pc, &a->cfg.pl, &det, &trk);
    /* Watchlists: --db, else the store's own file, else (a PostgreSQL store)
     * the store's tables, else atalaya.db; used when it exists. */
    char err[512];
    struct ref_wl_set wls;
    bool ok = pipeline_config_ok(&pc, "the detectors (not with --no-detect)");
    if (ok && a->cfg.store && !(a->st = store_open(a->cfg.store, err, sizeof err))) {
        fprintf(stderr, "atalaya run: %s\n", err);
        ok = false;
    }
    if (ok && !pc.db && a->st && !(pc.db = cli_store_file(a->cfg.store)) && store_sink_watchlists(a->st, &wls, &pc) != 0) {
        fprintf(stderr, "atalaya run: watchlists: %s\n", a->st->err);
        ok = false;
    }
    if (!pc.db)
        pc.db = "atalaya.db";
    if (access(pc.db, R_OK) != 0)
        pc.db = NULL;
    if (!ok || pipeline_open(&a->p, &pc) != 0) {
        store_close(a->st);
        cfg_free(run_options, &a->cfg);
        free(a);
        return 1;
    }
    a->loop = net_loop_new();
    a->listeners = net_listeners_new(a->loop, &(struct net_listen_limits){.max_total = (unsigned)a->cfg.feeders_total});
    buf_init(&a->lines, 4096);
    signal_loop = a->loop;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    /* A file-size limit reached is a failed write to report and count, like
     * a full disk, not a reason to die. */
    signal(SIGXFSZ, SIG_IGN);
    rc = wire(a) != 0;
    if (rc == 0 && (a->playing || a->feeds || a->iq || a->relay || a->http))
        net_loop_run(a->loop);
    if (rc == 0 && a->input_ended) {
        /* The recordings are over: what ends with the input ends, as in ingest. */
        pipeline_finish(&a->p);
        if (a->sink && store_sink_finish(a->sink) != 0)
            rc = 2;
    }
    if (a->cfg.json_dir)
        json_tick(a->loop, a);
    /* What the end of input raised goes out before the counters are final. */
    for (int i = 0; i < a->nmqtt; i++)
        net_mqtt_flush(a->mqtt[i], 2000);
    /* Stopped by a signal, what is not acknowledged soon waits in the spool. */
    if (a->pub && !publish_flush(a->pub, (int)(1000 * (signalled ? fmin(2, a->cfg.publish_wait) : a->cfg.publish_wait))))
        fprintf(stderr, "atalaya run: stream: not everything acknowledged; the rest stays in the spool for the next run\n");
    if (a->cfg.stats)
        stats_tick(a->loop, a);
    for (int i = 0; i < a->nmqtt; i++)
        net_mqtt_close(a->mqtt[i]);
    if (a->pub && !a->cfg.stats)
        publish_print_stats(a->pub, stderr);
    publish_close(a->pub);
    for (int i = 0; i < a->nplayers; i++)
        pipeline_player_close(a->players[i]);
    net_iq_free(a->iq);
    net_feeds_free(a->feeds);
    net_relay_free(a->relay);
    http_stop(a->http);
    net_listeners_free(a->listeners);
    signal_loop = NULL;
    if (a->st && store_flush(a->st) != 0) {
        fprintf(stderr, "atalaya run: store: %s\n", a->st->err);
        rc = 2;
    }
    if (a->sink && store_sink_failures(a->sink))
        rc = 2;
    store_close(a->st);
    store_sink_free(a->sink);
    pipeline_close(&a->p);
    net_loop_free(a->loop);
    buf_free(&a->lines);
    cfg_free(run_options, &a->cfg);
    free(a);
    return rc;
}

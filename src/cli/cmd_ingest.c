/* cmd_ingest.c: `atalaya ingest [--store sqlite:PATH] FILE...`: recordings
 * through the decoders and the tracker into the store (src/store/store.h):
 * every accepted position, and each identity field as history (a change
 * closes the old row). Format is detected per file, .gz/.zst read as is.
 *
 * Event time only, as replay: a message without a time takes the latest seen
 * before it, so ingesting one file or the same messages split over several
 * files in one run gives the same rows. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/input.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"
#include "store/store.h"
#include "track/track.h"

struct ingest {
    struct trk *trk;
    struct store *st;
    struct modes_validator val;
    struct modes_decoder *dec;
    int64_t now_ms;
    uint64_t messages;
    int failed;    /* a store write failed: stop */
    bool progress; /* stderr is a terminal */
};

static const char *source_name(uint8_t s)
{
    static const char *const names[] = {"", "sbs", "modes", "tisb", "adsr", "adsb", "ais_other", "ais_b", "ais_a"};
    return s < sizeof names / sizeof names[0] && names[s][0] ? names[s] : NULL;
}

static void put_id(struct ingest *g, uint8_t kind, uint32_t id, const char *field, const char *value, int64_t t)
{
    if (value[0] && !g->failed && store_put_identity(g->st, kind, id, field, value, t) != 0)
        g->failed = 1;
}

static void store_vessel(struct ingest *g, const struct trk_update *u)
{
    const struct trk_vessel *v = u->e.vessel;
    if ((u->flags & TRK_U_POS) && !g->failed) {
        struct store_position p = {
            .kind = STORE_VESSEL, .id = v->mmsi, .t_ms = u->t_ms, .lat = v->lat, .lon = v->lon, .alt_ft = NAN,
            .speed_kt = v->v_sog.t_ms && v->sog_dkn < 1023 ? v->sog_dkn / 10.0 : NAN,
            .course_deg = v->v_cog.t_ms && v->cog_ddeg < 3600 ? v->cog_ddeg / 10.0 : NAN,
            .source = source_name(v->v_pos.source),
        };
        g->failed = store_put_position(g->st, &p) != 0;
    }
    if (!(u->flags & (TRK_U_NEW | TRK_U_STATIC | TRK_U_IDENTITY)))
        return;
    char num[16];
    put_id(g, STORE_VESSEL, v->mmsi, "name", v->name, u->t_ms);
    put_id(g, STORE_VESSEL, v->mmsi, "callsign", v->callsign, u->t_ms);
    snprintf(num, sizeof num, "%" PRIu32, v->imo);
    put_id(g, STORE_VESSEL, v->mmsi, "imo", v->imo ? num : "", u->t_ms);
    snprintf(num, sizeof num, "%u", v->shiptype);
    put_id(g, STORE_VESSEL, v->mmsi, "shiptype", v->shiptype ? num : "", u->t_ms);
    put_id(g, STORE_VESSEL, v->mmsi, "flag", v->flag, u->t_ms);
}

static void store_aircraft(struct ingest *g, const struct trk_update *u)
{
    const struct trk_aircraft *a = u->e.aircraft;
    if ((u->flags & TRK_U_POS) && !g->failed) {
        struct store_position p = {
            .kind = STORE_AIRCRAFT, .id = a->icao & 0xFFFFFFu, .t_ms = u->t_ms, .lat = a->lat, .lon = a->lon,
            .alt_ft = a->v_alt_baro.t_ms ? a->alt_baro_ft : NAN,
            .speed_kt = a->v_gs.t_ms ? a->gs_kt : NAN,
            .course_deg = a->v_track.t_ms ? a->track_deg : NAN,
            .source = source_name(a->v_pos.source),
        };
        g->failed = store_put_position(g->st, &p) != 0;
    }
    if (!(u->flags & (TRK_U_NEW | TRK_U_STATIC | TRK_U_IDENTITY)))
        return;
    uint32_t id = a->icao & 0xFFFFFFu;
    put_id(g, STORE_AIRCRAFT, id, "callsign", a->callsign, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "registration", a->registration, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "type", a->type_code, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "country", a->country, u->t_ms);
}

static void on_update(struct ingest *g, const struct trk_update *u)
{
    if (u->kind == TRK_VESSEL)
        store_vessel(g, u);
    else
        store_aircraft(g, u);
}

static void tick(struct ingest *g)
{
    if (++g->messages % 65536 == 0 && g->progress)
        fprintf(stderr, "\ringest: %" PRIu64 " messages, %" PRIu64 " rows", g->messages, g->st->rows);
}

static int ingest_nmea(struct ingest *g, struct in_file *in, struct ais_ctx *ctx)
{
    const char *line;
    size_t len;
    int overlong, rc = 0;
    while (!g->failed && (rc = in_getline(in, &line, &len, &overlong)) == 1) {
        struct ais_payload p;
        if (ais_feed_line(ctx, line, len, overlong != 0, &p) != AIS_OK)
            continue;
        struct ais_msg m;
        int st = ais_decode(p.bits, p.nbits, &m);
        ais_ctx_note_decode(ctx, st);
        if (st != AIS_OK)
            continue;
        if (p.meta.time_ms != AIS_NO_TIME && p.meta.time_ms > g->now_ms)
            g->now_ms = p.meta.time_ms;
        struct trk_update u;
        if (trk_update_ais(g->trk, &m, p.meta.time_ms != AIS_NO_TIME ? p.meta.time_ms : g->now_ms, &u))
            on_update(g, &u);
        tick(g);
    }
    return g->failed ? 2 : rc < 0 ? 2 : 0;
}

static void ingest_frame(void *ctx, struct modes_frame *f)
{
    struct ingest *g = ctx;
    struct modes_msg m;
    if (g->failed || !modes_frame_validate(&g->val, f) || modes_decode(g->dec, f, &m) != MODES_DECODE_OK)
        return;
    /* Beast/AVR carry a 12 MHz counter, not a date: relative ms, as replay. */
    int64_t t = f->time_ms != MODES_NO_TIME ? f->time_ms : f->ts12 ? (int64_t)(f->ts12 / 12000u) : g->now_ms;
    if (t > g->now_ms)
        g->now_ms = t;
    struct trk_update u;
    if (trk_update_modes(g->trk, &m, t, &u))
        on_update(g, &u);
    tick(g);
}

static int ingest_modes(struct ingest *g, struct in_file *in, enum decode_input kind)
{
    static uint8_t block[1 << 16];
    ssize_t n = 0;
    if (kind == IN_SBS) {
        const char *line;
        size_t len;
        int overlong, rc = 0;
        while (!g->failed && (rc = in_getline(in, &line, &len, &overlong)) == 1) {
            struct modes_msg m;
            if (overlong || modes_sbs_parse(line, len, &m) != 0)
                continue;
            int64_t t = m.time_ms != MODES_NO_TIME ? m.time_ms : g->now_ms;
            if (t > g->now_ms)
                g->now_ms = t;
            struct trk_update u;
            if (trk_update_modes(g->trk, &m, t, &u))
                on_update(g, &u);
            tick(g);
        }
        return g->failed || rc < 0 ? 2 : 0;
    }
    if (kind != IN_BEAST && kind != IN_AVR)
        return fprintf(stderr, "atalaya ingest: raw I/Q is not ingested; decode it first\n"), 2;
    struct modes_framer fr;
    modes_framer_init(&fr, kind == IN_BEAST ? MODES_FRAMER_BEAST : MODES_FRAMER_AVR);
    while (!g->failed && (n = in_read(in, block, sizeof block)) > 0)
        modes_framer_feed(&fr, block, (size_t)n, ingest_frame, g);
    return g->failed || n < 0 ? 2 : 0;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, 0, 's'}, {"batch", required_argument, 0, 'b'},
        {"retain-days", required_argument, 0, 'r'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    const char *url = "sqlite:atalaya.db";
    unsigned batch = 5000;
    double retain_days = 0;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's': url = optarg; break;
        case 'b': batch = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'r': retain_days = strtod(optarg, NULL); break;
        case 'q': quiet = true; break;
        case 'h':
            printf("usage: atalaya ingest [--store sqlite:PATH] [--batch N] [--retain-days D] FILE...\n"
                   "  recordings (AIS NMEA, Beast, AVR, SBS; .gz/.zst read as is) through the decoders and\n"
                   "  the tracker into the store (default sqlite:atalaya.db): positions and identity history\n"
                   "  --batch N        commit every N rows (default 5000) or 60 s of event time\n"
                   "  --retain-days D  then delete positions older than D days before the latest event time\n");
            return 0;
        default: return 1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "atalaya ingest: no input files\n");
        return 1;
    }
    char err[512];
    struct ingest g = {.progress = !quiet && isatty(2)};
    if (!(g.st = store_open(url, err, sizeof err))) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        return 2;
    }
    store_set_batch(g.st, batch, 60000);
    g.trk = trk_new(NULL);
    g.dec = modes_decoder_new(NULL);
    modes_validator_init(&g.val, 1);
    struct ais_ctx *ctx = ais_ctx_new();
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++) {
        struct in_file *in = in_open(argv[i]);
        if (!in) {
            fprintf(stderr, "atalaya ingest: cannot open %s\n", argv[i]);
            rc = 2;
            break;
        }
        const uint8_t *peek;
        ssize_t n = in_peek(in, &peek, 8192);
        enum decode_input kind = decode_sniff(peek, n > 0 ? n : 0);
        rc = kind == IN_NMEA ? ingest_nmea(&g, in, ctx) : ingest_modes(&g, in, kind);
        in_close(in);
    }
    if (g.failed)
        fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
    if (store_flush(g.st) != 0) {
        fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
        rc = 2;
    }
    if (rc == 0 && retain_days > 0) {
        long n = g.st->ops->retain(g.st, g.now_ms - (int64_t)(retain_days * 86400000.0));
        if (n < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
            rc = 2;
        }
    }
    if (g.progress)
        fprintf(stderr, "\ringest: %" PRIu64 " messages, %" PRIu64 " rows\n", g.messages, g.st->rows);
    store_close(g.st);
    ais_ctx_finish(ctx);
    ais_ctx_free(ctx);
    modes_validator_free(&g.val);
    modes_decoder_free(g.dec);
    trk_free(g.trk);
    return rc;
}

/* cmd_ingest.c: `atalaya ingest [--store sqlite:PATH] FILE...`: recordings
 * through the pipeline (decoders, tracker, reference data, watchlists,
 * detectors: pipeline.h) into the store (src/store/store.h): every accepted
 * position, each identity field as history (a change closes the old row),
 * and every detector event and watchlist alert with its evidence. Format is
 * detected per file, .gz/.zst read as is.
 *
 * Event time only, as replay: ingesting one file or the same messages split
 * over several files in one run gives the same rows. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/pipeline.h"
#include "store/store.h"
#include "store/thin.h"
#include "track/track.h"

struct ingest {
    struct pipeline p;
    struct store *st;
    struct thinner *thin; /* NULL: every accepted position is stored */
    uint64_t bad_lines; /* event lines the store could not parse (a bug upstream: counted, not fatal) */
    int failed;         /* a store write failed: stop */
    bool progress;      /* stderr is a terminal */
};

static const char *source_name(uint8_t s)
{
    static const char *const names[] = {"", "sbs", "modes", "tisb", "adsr", "adsb", "ais_other", "ais_b", "ais_a"};
    return s < sizeof names / sizeof names[0] && names[s][0] ? names[s] : NULL;
}

/* Through the thinner (store/thin.h) unless --positions all. */
static void put_position(struct ingest *g, const struct store_position *p)
{
    if (!g->thin) {
        g->failed = store_put_position(g->st, p) != 0;
        return;
    }
    struct store_position out[2];
    int n = thin_offer(g->thin, p, out);
    for (int i = 0; i < n && !g->failed; i++)
        g->failed = store_put_position(g->st, &out[i]) != 0;
}

static int put_held(void *ctx, const struct store_position *p)
{
    struct ingest *g = ctx;
    return g->failed = store_put_position(g->st, p) != 0;
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
        put_position(g, &p);
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
        put_position(g, &p);
    }
    if (!(u->flags & (TRK_U_NEW | TRK_U_STATIC | TRK_U_IDENTITY)))
        return;
    uint32_t id = a->icao & 0xFFFFFFu;
    put_id(g, STORE_AIRCRAFT, id, "callsign", a->callsign, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "registration", a->registration, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "type", a->type_code, u->t_ms);
    put_id(g, STORE_AIRCRAFT, id, "country", a->country, u->t_ms);
}

/* Positions and identities of the update, then the alert and event lines
 * watch and detectors wrote for it. */
static void on_update(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    (void)evidence;
    (void)evidence_len;
    struct ingest *g = ctx;
    store_input_at(g->st, g->p.in_pos);
    if (u->kind == TRK_VESSEL)
        store_vessel(g, u);
    else
        store_aircraft(g, u);
    if (!g->failed && g->p.out.len && store_put_event_lines(g->st, &g->p.out, &g->bad_lines) != 0)
        g->failed = 1;
    if (g->failed)
        g->p.stop = true;
    if (g->p.messages % 65536 == 0 && g->progress)
        fprintf(stderr, "\ringest: %" PRIu64 " messages, %" PRIu64 " rows", g->p.messages, g->st->rows);
}

/* The store file doubles as the watchlist database when it is SQLite. */
static const char *store_file(const char *url)
{
    if (!strncmp(url, "sqlite:", 7))
        return url + 7;
    return strstr(url, "://") ? NULL : url;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, 0, 's'},     {"batch", required_argument, 0, 'b'},
        {"retain-days", required_argument, 0, 'r'}, {"quiet", no_argument, 0, 'q'},
        {"no-detect", no_argument, 0, 'N'},       {"positions", required_argument, 0, 'P'},
        {"resume", no_argument, 0, 'R'},
        PIPELINE_LONGOPTS,
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    const char *url = "sqlite:atalaya.db";
    struct pipeline_config pc = {.who = "atalaya ingest", .detect = true};
    unsigned batch = 5000;
    double retain_days = 0;
    bool quiet = false, all_positions = false, resume = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        if (pipeline_option(&pc, c, optarg))
            continue;
        switch (c) {
        case 's': url = optarg; break;
        case 'b': batch = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'r': retain_days = strtod(optarg, NULL); break;
        case 'q': quiet = true; break;
        case 'N': pc.detect = false; break;
        case 'R': resume = true; break;
        case 'P':
            if (strcmp(optarg, "all") && strcmp(optarg, "thinned"))
                return fprintf(stderr, "atalaya ingest: --positions all|thinned\n"), 1;
            all_positions = !strcmp(optarg, "all");
            break;
        case 'h':
            printf("usage: atalaya ingest [--store sqlite:PATH] [options] FILE...\n"
                   "  recordings (AIS NMEA, Beast, AVR, SBS, raw I/Q; .gz/.zst read as is) through the\n"
                   "  decoders, the tracker, reference data, watchlists and detectors into the store\n"
                   "  (default sqlite:atalaya.db): positions, identity history, events and alerts\n"
                   "  --batch N        commit every N rows (default 5000) or 60 s of event time\n"
                   "  --retain-days D  then delete positions older than D days before the latest event time\n"
                   "  --db PATH        watchlists and registry (default: the store's own file)\n"
                   "  --area F         GeoJSON areas for watchlist area-entry alerts (repeatable)\n"
                   "  --geofence F     GeoJSON zones: enter/exit/dwell events of any entity (repeatable)\n"
                   "  --port-polygons F  GeoJSON port areas beside the World Port Index (repeatable)\n"
                   "  --no-detect      positions and identities only\n"
                   "  --positions all|thinned  every accepted fix, or (default) a fix a minute per vessel\n"
                   "                   and every 10 s per aircraft, plus turns, speed and altitude changes\n"
                   "                   and the last fix before each silence (detectors see every fix)\n"
                   "  --modes-epoch S  UNIX time (s) of the Beast/AVR 12 MHz counter's zero\n"
                   "  --resume         after an interrupted ingest of the same files: store only what it\n"
                   "                   had not committed (the files are read again from the start)\n"
                   "  --quiet          no progress line\n");
            return 0;
        default: return 1;
        }
    }
    if (!pipeline_config_ok(&pc, "the detectors (not with --no-detect)"))
        return 1;
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
    if (!all_positions)
        g.thin = thin_new(NULL);
    if (!pc.db)
        pc.db = store_file(url);
    pc.quiet = quiet;
    if (pipeline_open(&g.p, &pc, on_update, &g) != 0) {
        store_close(g.st);
        return 2;
    }
    int rc = 0;
    for (int i = optind; i < argc && rc == 0 && !g.failed; i++) {
        /* Where this file stands in the store (store.h, resumable ingest). */
        struct store_mark from;
        int r = store_input_file(g.st, argv[i], resume, &from);
        if (r < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
            rc = 2;
        } else {
            if (r == 1 && !quiet && from.offset == STORE_INPUT_END)
                fprintf(stderr, "atalaya ingest: %s: stored in full already\n", argv[i]);
            else if (r == 1 && !quiet)
                fprintf(stderr, "atalaya ingest: %s: stored up to byte %" PRId64 " already\n", argv[i], from.offset);
            rc = pipeline_feed(&g.p, argv[i]);
        }
    }
    store_input_at(g.st, STORE_INPUT_END);
    if (!g.failed) {
        pipeline_finish(&g.p);
        if (g.thin)
            thin_flush(g.thin, put_held, &g);
        if (store_put_event_lines(g.st, &g.p.out, &g.bad_lines) != 0)
            g.failed = 1;
    }
    if (g.failed) {
        fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
        rc = 2;
    }
    if (store_flush(g.st) != 0) {
        fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
        rc = 2;
    }
    if (rc == 0 && retain_days > 0) {
        long n = g.st->ops->retain(g.st, g.p.now_ms - (int64_t)(retain_days * 86400000.0));
        if (n < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", g.st->err);
            rc = 2;
        }
    }
    if (g.bad_lines)
        fprintf(stderr, "atalaya ingest: %" PRIu64 " event lines could not be stored (malformed)\n", g.bad_lines);
    if (g.progress)
        fprintf(stderr, "\ringest: %" PRIu64 " messages, %" PRIu64 " rows\n", g.p.messages, g.st->rows);
    store_close(g.st);
    thin_free(g.thin);
    pipeline_close(&g.p);
    return rc;
}

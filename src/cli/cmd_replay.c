/* cmd_replay.c: `atalaya replay FILE...`: a recording through decoders and the
 * tracker, as a live run would see it, printing what the tracker noticed
 * (new entities, identity changes, implausible positions, squawk changes) as
 * JSON lines, and optionally the final picture as aircraft.json/vessels.json.
 *
 * Event time comes from the messages (tag block c:, USCG/Gatehouse times);
 * a message without one takes the latest time seen before it, so the order of
 * the recording is kept and the wall clock is never read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/input.h"
#include "common/json.h"
#include "detect/detect.h"
#include "detect/watch.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"
#include "ref/watchlist.h"
#include "modes/demod.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"
#include "track/track.h"

struct replay {
    int64_t modes_epoch_ms; /* UTC of 12 MHz counter zero (--modes-epoch), 0 if unknown */
    struct trk *trk;
    struct watch *watch;
    struct det *det;       /* NULL unless --detect */
    const char *source;    /* receiver of the message being replayed ("" unknown) */
    struct buf out;
    bool events;
    int64_t now_ms;
};

static void print_update(struct replay *r, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    static const uint32_t notable = TRK_U_NEW | TRK_U_IDENTITY | TRK_U_POS_REJECTED;
    if (r->watch)
        watch_on_update(r->watch, u, evidence, evidence_len, &r->out);
    if (r->det)
        det_on_update(r->det, u, r->source, evidence, evidence_len, &r->out);
    if (!r->events || !(u->flags & notable))
        return;
    struct jw w;
    jw_init(&w, &r->out);
    jw_obj_begin(&w);
    jw_kint(&w, "t_ms", u->t_ms);
    const char *what = (u->flags & TRK_U_IDENTITY) ? "identity_change"
                       : (u->flags & TRK_U_POS_REJECTED) ? "implausible_position"
                                                          : "new";
    jw_kstr(&w, "event", what);
    if (u->kind == TRK_VESSEL) {
        const struct trk_vessel *v = u->e.vessel;
        jw_kuint(&w, "mmsi", v->mmsi);
        if (v->name[0])
            jw_kstr(&w, "name", v->name);
        if (v->imo)
            jw_kuint(&w, "imo", v->imo);
    } else {
        char hex[8];
        snprintf(hex, sizeof hex, "%06x", u->e.aircraft->icao & 0xFFFFFFu);
        jw_kstr(&w, "icao", hex);
        if (u->e.aircraft->callsign[0])
            jw_kstr(&w, "callsign", u->e.aircraft->callsign);
    }
    if (u->flags & TRK_U_IDENTITY) {
        static const char *const fields[] = {"", "name", "callsign", "imo", "shiptype"};
        jw_kstr(&w, "field", fields[u->id_field < 5 ? u->id_field : 0]);
        jw_kstr(&w, "old", u->id_old);
    }
    if (u->flags & TRK_U_POS_REJECTED)
        jw_kfixed(&w, "implied_speed_kt", u->rejected_speed_kt, 0);
    if (evidence) {
        jw_key(&w, "evidence");
        jw_strn(&w, evidence, evidence_len);
    }
    jw_obj_end(&w);
    buf_putc(&r->out, '\n');
    if (r->out.len > (1u << 16))
        buf_flush(&r->out, stdout);
}

static int replay_nmea(struct replay *r, struct in_file *in, struct ais_ctx *ctx)
{
    const char *line;
    size_t len;
    int overlong, rc;
    while ((rc = in_getline(in, &line, &len, &overlong)) == 1) {
        struct ais_payload p;
        if (ais_feed_line(ctx, line, len, overlong != 0, &p) != AIS_OK)
            continue;
        struct ais_msg m;
        int st = ais_decode(p.bits, p.nbits, &m);
        ais_ctx_note_decode(ctx, st);
        if (st != AIS_OK)
            continue;
        if (p.meta.time_ms != AIS_NO_TIME && p.meta.time_ms > r->now_ms)
            r->now_ms = p.meta.time_ms;
        struct trk_update u;
        r->source = p.meta.source;
        if (trk_update_ais(r->trk, &m, p.meta.time_ms != AIS_NO_TIME ? p.meta.time_ms : r->now_ms, &u))
            print_update(r, &u, p.meta.raw, p.meta.raw_len);
    }
    r->source = ""; /* it pointed into p: a Mode S file replayed next must not read it */
    return rc < 0 ? 2 : 0;
}

/* Mode S: frames carry a 12 MHz receiver counter, not a date. Until a feed
 * gives UTC, replay time is that counter in ms (relative, monotonic per
 * receiver), which is all the tracker's rules need. */
struct modes_replay {
    struct replay *r;
    struct modes_validator val;
    struct modes_decoder *dec;
};

static void replay_frame(void *ctx, struct modes_frame *f)
{
    struct modes_replay *mr = ctx;
    if (!modes_frame_validate(&mr->val, f))
        return;
    struct modes_msg m;
    if (modes_decode(mr->dec, f, &m) != MODES_DECODE_OK)
        return;
    int64_t t = f->time_ms != MODES_NO_TIME ? f->time_ms
                : f->ts12 ? mr->r->modes_epoch_ms + (int64_t)(f->ts12 / 12000u)
                          : mr->r->now_ms;
    if (t > mr->r->now_ms)
        mr->r->now_ms = t;
    struct trk_update u;
    char hex[2 * MODES_LONG_BYTES + 1];
    for (int i = 0; i < f->len; i++)
        snprintf(hex + 2 * i, 3, "%02x", f->verbatim[i]);
    if (trk_update_modes(mr->r->trk, &m, t, &u))
        print_update(mr->r, &u, hex, 2u * f->len);
}

static int replay_modes(struct replay *r, struct in_file *in, enum decode_input kind, struct modes_replay *mr)
{
    static uint8_t block[1 << 16];
    ssize_t n;
    if (kind == IN_SBS) {
        const char *line;
        size_t len;
        int overlong, rc;
        while ((rc = in_getline(in, &line, &len, &overlong)) == 1) {
            struct modes_msg m;
            if (overlong || modes_sbs_parse(line, len, &m) != 0)
                continue;
            int64_t t = m.time_ms != MODES_NO_TIME ? m.time_ms : r->now_ms;
            if (t > r->now_ms)
                r->now_ms = t;
            struct trk_update u;
            if (trk_update_modes(r->trk, &m, t, &u))
                print_update(r, &u, line, len);
        }
        return rc < 0 ? 2 : 0;
    }
    if (kind == IN_IQ) {
        struct modes_demod_cfg cfg;
        modes_demod_parse_cfg(NULL, NULL, &cfg);
        struct modes_demod *d = modes_demod_new(&cfg);
        while ((n = in_read(in, block, sizeof block)) > 0)
            modes_demod_feed(d, block, (size_t)n, replay_frame, mr);
        modes_demod_flush(d, replay_frame, mr);
        modes_demod_free(d);
        return n < 0 ? 2 : 0;
    }
    struct modes_framer fr;
    modes_framer_init(&fr, kind == IN_BEAST ? MODES_FRAMER_BEAST : MODES_FRAMER_AVR);
    while ((n = in_read(in, block, sizeof block)) > 0)
        modes_framer_feed(&fr, block, (size_t)n, replay_frame, mr);
    return n < 0 ? 2 : 0;
}

static int write_snapshot(struct replay *r, const char *path, bool aircraft)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    if (aircraft)
        trk_write_aircraft_json(r->trk, r->now_ms, &b);
    else
        trk_write_vessels_json(r->trk, r->now_ms, &b);
    int rc = trk_write_file_atomic(path, &b);
    if (rc != 0)
        fprintf(stderr, "atalaya replay: cannot write %s\n", path);
    buf_free(&b);
    return rc;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"events", no_argument, 0, 'e'},       {"aircraft-json", required_argument, 0, 'a'},
        {"vessels-json", required_argument, 0, 'v'}, {"stats", no_argument, 0, 's'},
        {"db", required_argument, 0, 'd'},     {"area", required_argument, 0, 'A'},
        {"detect", no_argument, 0, 'D'},      {"modes-epoch", required_argument, 0, 'E'},
        {"geofence", required_argument, 0, 'G'}, {"port-polygons", required_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *fences[32], *port_polys[32];
    int nfences = 0, nport_polys = 0;
    const char *aircraft_json = NULL, *vessels_json = NULL, *dbpath = "atalaya.db";
    const char *areas[32];
    int nareas = 0;
    bool stats = false, detect = false;
    struct replay r = {.events = false};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "eh", longopts, NULL)) != -1) {
        switch (c) {
        case 'e': r.events = true; break;
        case 'a': aircraft_json = optarg; break;
        case 'v': vessels_json = optarg; break;
        case 's': stats = true; break;
        case 'd': dbpath = optarg; break;
        case 'D': detect = true; break;
        case 'E': r.modes_epoch_ms = (int64_t)(strtod(optarg, NULL) * 1000.0); break;
        case 'G':
            if (nfences < 32)
                fences[nfences++] = optarg;
            break;
        case 'P':
            if (nport_polys < 32)
                port_polys[nport_polys++] = optarg;
            break;
        case 'A':
            if (nareas < 32)
                areas[nareas++] = optarg;
            break;
        case 'h':
            printf("usage: atalaya replay [--events] [--aircraft-json F] [--vessels-json F] [--stats] FILE...\n"
                   "  a recording (AIS NMEA, Beast, AVR, SBS or 2.4 MS/s uc8 IQ; .gz/.zst read as is, format\n"
                   "  detected per file) through the decoders and the tracker\n"
                   "  --events   print new entities, identity changes and implausible positions as JSON lines\n"
                   "  --db PATH  watchlists and registry (default atalaya.db, when present): alerts on\n"
                   "             watched entities, with the raw messages as evidence\n"
                   "  --area F   GeoJSON polygons: alert when a watched entity enters one (repeatable)\n"
                   "  --detect   AIS dark gaps, ship-to-ship encounters, loitering, port calls as JSON lines\n"
                   "  --geofence F       with --detect: GeoJSON zones, enter/exit/dwell of any entity (repeatable)\n"
                   "  --port-polygons F  with --detect: GeoJSON port areas beside the World Port Index (repeatable)\n"
                   "  --modes-epoch S  UNIX time (s) of the Beast/AVR 12 MHz counter's zero, so Mode S\n"
                   "             recordings get UTC times (default: the counter as a relative clock)\n");
            return 0;
        default: return 1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "atalaya replay: no input files\n");
        return 1;
    }
    /* Reference data and watchlists: enrichment always, alerts when a db is there. */
    char dir[4096], err[512];
    struct ref *ref = NULL;
    struct sqlite3 *db = NULL;
    struct ref_wl_set set;
    struct ref_wl_index *wl = NULL;
    ref_wl_set_init(&set);
    if (ref_data_dir(dir, sizeof dir) && !(ref = ref_load(dir, err, sizeof err)))
        fprintf(stderr, "atalaya replay: reference data: %s (no enrichment)\n", err);
    if (access(dbpath, R_OK) == 0) {
        if (ref_db_open(dbpath, &db, err, sizeof err) != 0 || ref_wl_db_load(db, NULL, &set, err, sizeof err) != 0) {
            fprintf(stderr, "atalaya replay: %s\n", err);
            ref_db_close(db);
            ref_free(ref);
            ref_wl_set_free(&set);
            return 2;
        }
        wl = ref_wl_index_build(&set, db);
    } else if (strcmp(dbpath, "atalaya.db") != 0) {
        fprintf(stderr, "atalaya replay: cannot read %s\n", dbpath);
        ref_free(ref);
        return 2;
    }
    r.watch = watch_new(ref, wl, db);
    for (int i = 0; i < nareas; i++)
        if (watch_load_areas(r.watch, areas[i], err, sizeof err) != 0) {
            fprintf(stderr, "atalaya replay: %s\n", err);
            if (r.det && stats) {
        const struct det_stats *ds = det_stats(r.det);
        fprintf(stderr, "gaps: %llu (likely deliberate %llu, coverage %llu)\nencounters: %llu\nloitering: %llu\n",
                (unsigned long long)ds->gaps, (unsigned long long)ds->gaps_deliberate,
                (unsigned long long)ds->gaps_coverage, (unsigned long long)ds->encounters,
                (unsigned long long)ds->loitering);
    }
    det_free(r.det);
    watch_free(r.watch);
            ref_wl_index_free(wl);
            ref_wl_set_free(&set);
            ref_db_close(db);
            ref_free(ref);
            return 2;
        }
    struct trk_config tcfg = {.enricher = watch_enricher(r.watch)};
    r.trk = trk_new(&tcfg);
    r.source = "";
    if (detect)
        r.det = det_new(NULL, ref);
    buf_init(&r.out, 1 << 17);
    struct ais_ctx *ctx = ais_ctx_new();
    struct modes_replay mr = {.r = &r, .dec = modes_decoder_new(NULL)};
    modes_validator_init(&mr.val, 1);
    int rc = 0;
    if (!r.det && nfences + nport_polys) {
        fprintf(stderr, "atalaya replay: --geofence and --port-polygons need --detect\n");
        rc = 1;
    }
    for (int i = 0; rc == 0 && i < nfences + nport_polys; i++)
        if ((i < nfences ? det_load_geofences(r.det, fences[i], err, sizeof err)
                         : det_load_port_polygons(r.det, port_polys[i - nfences], err, sizeof err)) != 0) {
            fprintf(stderr, "atalaya replay: %s\n", err);
            rc = 2;
        }
    for (int i = optind; i < argc && rc == 0; i++) {
        struct in_file *in = in_open(argv[i]);
        if (!in) {
            fprintf(stderr, "atalaya replay: cannot open %s\n", argv[i]);
            rc = 2;
            break;
        }
        const uint8_t *peek;
        ssize_t n = in_peek(in, &peek, 8192);
        enum decode_input kind = decode_sniff(peek, n > 0 ? n : 0);
        rc = kind == IN_NMEA ? replay_nmea(&r, in, ctx) : replay_modes(&r, in, kind, &mr);
        in_close(in);
    }
    ais_ctx_finish(ctx);
    if (r.det)
        det_finish(r.det, &r.out);
    buf_flush(&r.out, stdout);
    fflush(stdout);
    if (aircraft_json && write_snapshot(&r, aircraft_json, true) != 0)
        rc = 2;
    if (vessels_json && write_snapshot(&r, vessels_json, false) != 0)
        rc = 2;
    if (stats) {
        const struct trk_stats *s = trk_stats(r.trk);
        fprintf(stderr,
                "vessels: %zu\naircraft: %zu\nais updates: %llu\nmode s updates: %llu\npositions: %llu\n"
                "positions rejected: %llu\n"
                "positions out of order: %llu\nidentity changes: %llu\n",
                trk_vessel_count(r.trk), trk_aircraft_count(r.trk), (unsigned long long)s->updates_ais,
                (unsigned long long)s->updates_modes,
                (unsigned long long)s->positions, (unsigned long long)s->positions_rejected,
                (unsigned long long)s->positions_out_of_order, (unsigned long long)s->identity_changes);
        ais_stats_print(ais_ctx_stats(ctx), stderr);
    }
    if (stats) {
        const struct watch_stats *ws = watch_stats(r.watch);
        fprintf(stderr, "watchlist matches: %llu\nalerts sighting: %llu\nalerts area entry: %llu\n",
                (unsigned long long)ws->matched, (unsigned long long)ws->sightings,
                (unsigned long long)ws->area_entries);
    }
    if (r.det && stats) {
        const struct det_stats *ds = det_stats(r.det);
        fprintf(stderr, "gaps: %llu (likely deliberate %llu, coverage %llu)\nencounters: %llu\nloitering: %llu\n",
                (unsigned long long)ds->gaps, (unsigned long long)ds->gaps_deliberate,
                (unsigned long long)ds->gaps_coverage, (unsigned long long)ds->encounters,
                (unsigned long long)ds->loitering);
        fprintf(stderr, "port calls: %llu (open %llu; visits without a stop or under the minimum: %llu)\n"
                "geofence enter/exit/dwell: %llu/%llu/%llu\n", (unsigned long long)ds->port_calls,
                (unsigned long long)ds->port_calls_open, (unsigned long long)ds->port_visits_dropped,
                (unsigned long long)ds->geofence_enter, (unsigned long long)ds->geofence_exit,
                (unsigned long long)ds->geofence_dwell);
    }
    det_free(r.det);
    watch_free(r.watch);
    ref_wl_index_free(wl);
    ref_wl_set_free(&set);
    ref_db_close(db);
    ref_free(ref);
    ais_ctx_free(ctx);
    modes_validator_free(&mr.val);
    modes_decoder_free(mr.dec);
    buf_free(&r.out);
    trk_free(r.trk);
    return rc;
}

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

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "detect/detect.h"
#include "detect/watch.h"
#include "pipeline/pipeline.h"
#include "track/track.h"

struct replay {
    struct pipeline p;
    struct buf out; /* lines for stdout */
    bool events;
};

/* Alerts and detector events, one JSON line each (detect/event.h). */
static void print_event(void *ctx, const struct event *e)
{
    struct replay *r = ctx;
    struct jw w;
    jw_init(&w, &r->out);
    event_write(&w, e);
    buf_putc(&r->out, '\n');
    if (r->out.len > (1u << 16))
        buf_flush(&r->out, stdout);
}

/* --events: the tracker's own notes (new entities, identity changes,
 * rejected fixes). */
static void print_update(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    static const uint32_t notable = TRK_U_NEW | TRK_U_IDENTITY | TRK_U_POS_REJECTED;
    struct replay *r = ctx;
    struct buf *out = &r->out;
    if (r->events && (u->flags & notable)) {
        struct jw w;
        jw_init(&w, out);
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
        buf_putc(out, '\n');
    }
    if (out->len > (1u << 16))
        buf_flush(out, stdout);
}

static int write_snapshot(struct replay *r, const char *path, bool aircraft)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    if (aircraft)
        trk_write_aircraft_json(r->p.trk, r->p.now_ms, &b);
    else
        trk_write_vessels_json(r->p.trk, r->p.now_ms, &b);
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
        {"detect", no_argument, 0, 'D'},       PIPELINE_LONGOPTS,
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *aircraft_json = NULL, *vessels_json = NULL;
    struct pipeline_config pc = {.who = "atalaya replay", .dedupe_ms = 2000};
    bool stats = false;
    struct replay r = {.events = false};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "eh", longopts, NULL)) != -1) {
        int taken = pipeline_option(&pc, c, optarg);
        if (taken < 0)
            return 1;
        if (taken)
            continue;
        switch (c) {
        case 'e': r.events = true; break;
        case 'a': aircraft_json = optarg; break;
        case 'v': vessels_json = optarg; break;
        case 's': stats = true; break;
        case 'D': pc.detect = true; break;
        case 'h':
            printf("usage: atalaya replay [--events] [--aircraft-json F] [--vessels-json F] [--stats] FILE...\n"
                   "  a recording (AIS NMEA, Beast, AVR, SBS or 2.4 MS/s uc8 IQ; .gz/.zst read as is, format\n"
                   "  detected per file) through the decoders and the tracker\n"
                   "  --events   print new entities, identity changes and implausible positions as JSON lines\n"
                   "  --detect   every detector (dark gaps, encounters, loitering, port calls, flights, ...)\n"
                   "             as JSON event lines; watchlist alerts (--db) come with the raw messages\n"
                   PIPELINE_OPTIONS_HELP);
            return 0;
        default: return 1;
        }
    }
    if (!pipeline_config_ok(&pc, "--detect"))
        return 1;
    if (optind >= argc) {
        fprintf(stderr, "atalaya replay: no input files\n");
        return 1;
    }
    if (pipeline_open(&r.p, &pc) != 0)
        return 2;
    buf_init(&r.out, 1 << 16);
    pipeline_add_sink(&r.p, &(struct pipeline_sink){.ctx = &r, .update = print_update, .event = print_event});
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++)
        rc = pipeline_feed_file(&r.p, argv[i]);
    pipeline_finish(&r.p);
    buf_flush(&r.out, stdout);
    fflush(stdout);
    if (aircraft_json && write_snapshot(&r, aircraft_json, true) != 0)
        rc = 2;
    if (vessels_json && write_snapshot(&r, vessels_json, false) != 0)
        rc = 2;
    if (stats) {
        const struct trk_stats *s = trk_stats(r.p.trk);
        fprintf(stderr,
                "vessels: %zu\naircraft: %zu\nais updates: %llu\nmode s updates: %llu\npositions: %llu\n"
                "positions rejected: %llu\n"
                "positions out of order: %llu\nidentity changes: %llu\n",
                trk_vessel_count(r.p.trk), trk_aircraft_count(r.p.trk), (unsigned long long)s->updates_ais,
                (unsigned long long)s->updates_modes,
                (unsigned long long)s->positions, (unsigned long long)s->positions_rejected,
                (unsigned long long)s->positions_out_of_order, (unsigned long long)s->identity_changes);
        struct ais_stats as;
        pipeline_ais_stats(&r.p, &as);
        ais_stats_print(&as, stderr);
        const struct watch_stats *ws = watch_stats(r.p.watch);
        fprintf(stderr, "watchlist matches: %llu\nalerts sighting: %llu\nalerts area entry: %llu\n",
                (unsigned long long)ws->matched, (unsigned long long)ws->sightings,
                (unsigned long long)ws->area_entries);
        if (r.p.det)
            det_print_stats(r.p.det, stderr);
    }
    pipeline_close(&r.p);
    buf_free(&r.out);
    return rc;
}

/* cmd_replay.c: `atalaya replay FILE...`: a recording through decoders and the
 * tracker, as a live run would see it, printing what the tracker noticed
 * (new entities, identity changes, implausible positions, squawk changes) as
 * JSON lines, and optionally the final picture as aircraft.json/vessels.json.
 *
 * Event time comes from the messages (tag block c:, USCG/Gatehouse times);
 * a message without one takes the latest time seen before it, so the order of
 * the recording is kept and the wall clock is never read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/xmalloc.h"
#include "detect/detect.h"
#include "detect/watch.h"
#include "pipeline/pipeline.h"
#include "track/track.h"

/* An event still open: its latest line, printed if it is still open at the end. */
struct pending {
    uint64_t key;
    char *line; /* NULL once closed */
};

struct replay {
    struct pipeline p;
    struct buf out; /* lines for stdout */
    bool events;
    struct pending *open;
    size_t nopen, capopen;
    struct hash_u32 open_index; /* folded key -> index into open */
};

static struct pending *pending_find(struct replay *r, uint64_t key)
{
    uint32_t i, k = (uint32_t)(key ^ key >> 32) & 0x7FFFFFFFu;
    if (!hash_u32_get(&r->open_index, k, &i))
        return NULL;
    if (r->open[i].key == key)
        return &r->open[i];
    for (size_t j = 0; j < r->nopen; j++) /* another key folded to the same 31 bits */
        if (r->open[j].key == key)
            return &r->open[j];
    return NULL;
}

/* Alerts and detector events, one JSON line each (event.h), each event in
 * its final state: a closed event as it closes, one still open at the end of
 * the input once, as it then stands (replay_flush_open). `run` prints every
 * state as it happens instead: it is a live stream, this is a report. */
static void print_event(void *ctx, const struct event *e)
{
    struct replay *r = ctx;
    struct pending *pe = pending_find(r, e->key);
    struct buf line;
    buf_init(&line, 1024);
    struct jw w;
    jw_init(&w, &line);
    event_write(&w, e);
    buf_putc(&line, '\n');
    if (e->state == EVENT_OPEN) {
        buf_putc(&line, 0);
        if (!pe) {
            if (r->nopen == r->capopen) {
                r->capopen = r->capopen ? 2 * r->capopen : 64;
                r->open = xrealloc(r->open, r->capopen * sizeof *r->open);
            }
            pe = &r->open[r->nopen];
            *pe = (struct pending){.key = e->key};
            hash_u32_put(&r->open_index, (uint32_t)(e->key ^ e->key >> 32) & 0x7FFFFFFFu, (uint32_t)r->nopen++);
        }
        free(pe->line);
        pe->line = line.p; /* kept, not freed */
        return;
    }
    if (pe) {
        free(pe->line);
        pe->line = NULL;
    }
    buf_put(&r->out, line.p, line.len);
    buf_free(&line);
    if (r->out.len > (1u << 16))
        buf_flush(&r->out, stdout);
}

static void replay_flush_open(struct replay *r)
{
    for (size_t i = 0; i < r->nopen; i++)
        if (r->open[i].line) {
            buf_puts(&r->out, r->open[i].line);
            free(r->open[i].line);
        }
    free(r->open);
    hash_u32_free(&r->open_index);
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

struct replay_config {
    const char *aircraft_json, *vessels_json;
    bool events, stats, detect;
    struct pipeline_options pl;
};

#define S(f) offsetof(struct replay_config, f)
static const struct cfg_option replay_options[] = {
    {"events", CFG_BOOL, S(events), NULL, "print new entities, identity changes and implausible positions as JSON lines", 0},
    {"detect", CFG_BOOL, S(detect), NULL, "every detector (dark gaps, encounters, loitering, port calls, flights, ...) as JSON event lines, each in its final state", 0},
    {"aircraft-json", CFG_STR, S(aircraft_json), NULL, "write the final picture's aircraft.json here", S(pl.strings)},
    {"vessels-json", CFG_STR, S(vessels_json), NULL, "write the final picture's vessels.json here", S(pl.strings)},
    {"stats", CFG_BOOL, S(stats), NULL, "counters to stderr at the end", 0},
    PIPELINE_CFG_OPTIONS(struct replay_config, pl),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S
static const struct cfg_alias replay_aliases[] = {{'e', "events"}, {0, NULL}};
const struct cfg_cmd replay_cmd = {
    "replay",
    "usage: atalaya replay [OPTIONS] FILE...\n"
    "  a recording (AIS NMEA, Beast, AVR, SBS or 2.4 MS/s uc8 IQ; .gz/.zst read as is, format\n"
    "  detected per file) through the decoders and the tracker, as a live run would see it;\n"
    "  watchlist alerts (--db) come with the raw messages as evidence",
    replay_options, sizeof(struct replay_config), replay_aliases, 0,
};

int cmd_replay(int argc, char **argv)
{
    struct replay_config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct det_config det;
    struct trk_config trk;
    struct cfg_target tg[2];
    pipeline_targets(tg, &det, &trk);
    int first, rc = cli_options(&replay_cmd, &cfg, tg, 2, argc, argv, &first);
    if (rc != 0) {
        cfg_free(replay_options, &cfg);
        return rc < 0;
    }
    struct replay r = {.events = cfg.events};
    struct pipeline_config pc = {.who = "atalaya replay", .detect = cfg.detect};
    pipeline_config_from(&pc, &cfg.pl, &det, &trk);
    const char *aircraft_json = cfg.aircraft_json, *vessels_json = cfg.vessels_json;
    bool stats = cfg.stats;
    if (!pipeline_config_ok(&pc, "--detect") || first >= argc) {
        if (first >= argc)
            fprintf(stderr, "atalaya replay: no input files\n");
        cfg_free(replay_options, &cfg);
        return 1;
    }
    hash_u32_init(&r.open_index, 64);
    if (pipeline_open(&r.p, &pc) != 0) {
        hash_u32_free(&r.open_index);
        cfg_free(replay_options, &cfg);
        return 2;
    }
    buf_init(&r.out, 1 << 16);
    pipeline_add_sink(&r.p, &(struct pipeline_sink){.ctx = &r, .update = print_update, .event = print_event});
    struct cli_progress prog;
    cli_progress_begin(&prog, &r.p, "replay", argv + first, argc - first);
    for (int i = first; i < argc && rc == 0; i++) {
        rc = pipeline_feed_file(&r.p, argv[i]);
        cli_progress_file_done(&prog);
    }
    pipeline_finish(&r.p);
    if (prog.pr.on)
        cli_progress_end(&prog);
    replay_flush_open(&r);
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
    cfg_free(replay_options, &cfg);
    return rc;
}

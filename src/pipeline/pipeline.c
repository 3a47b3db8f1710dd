/* pipeline.c: the message path shared by every command (pipeline.h):
 * framed message -> duplicate filter -> validation -> decoder -> tracker ->
 * watch and detectors -> sinks. Sources (source.c) hand framed lines and
 * frames in; this file knows nothing of files or sockets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "common/buf.h"
#include "detect/watch.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "pipeline/pipeline.h"
#include "pipeline/pipeline_internal.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"

void pipeline_targets(struct cfg_target tg[2], struct det_config *det, struct trk_config *trk)
{
    memset(det, 0, sizeof *det);
    memset(trk, 0, sizeof *trk);
    det_cfg_targets(tg, det, trk);
}

static void copy_list(const char **to, int *n, const struct cfg_list *from)
{
    for (int i = 0; i < from->n && *n < PIPELINE_MAX_FILES; i++)
        to[(*n)++] = from->v[i];
}

void pipeline_config_from(struct pipeline_config *cfg, const struct pipeline_options *o,
                          const struct det_config *det, const struct trk_config *trk)
{
    cfg->db = o->db;
    copy_list(cfg->areas, &cfg->nareas, &o->areas);
    copy_list(cfg->geofences, &cfg->ngeofences, &o->geofences);
    copy_list(cfg->port_polygons, &cfg->nport_polygons, &o->port_polygons);
    cfg->modes_epoch_ms = (int64_t)(o->modes_epoch * 1000.0);
    cfg->have_receiver = o->receiver_lat != 0 || o->receiver_lon != 0;
    cfg->receiver_lat = o->receiver_lat;
    cfg->receiver_lon = o->receiver_lon;
    cfg->fix2 = o->fix2;
    cfg->dedupe_ms = o->dedupe_ms;
    cfg->det = det;
    cfg->trk = trk;
}

bool pipeline_config_ok(const struct pipeline_config *cfg, const char *needs)
{
    if (cfg->detect || !(cfg->ngeofences + cfg->nport_polygons))
        return true;
    fprintf(stderr, "%s: --geofence and --port-polygons need %s\n", cfg->who, needs);
    return false;
}

/* Watch and detectors hand their events here; every sink gets each. */
static void on_event(void *ctx, const struct event *e)
{
    struct pipeline *p = ctx;
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].event)
            p->sinks[i].event(p->sinks[i].ctx, e);
}

int pipeline_open(struct pipeline *p, const struct pipeline_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->who = cfg->who ? cfg->who : "atalaya";
    p->modes_epoch_ms = cfg->modes_epoch_ms;
    ref_wl_set_init(&p->set);
    if (cfg->wl_set) {
        p->set = *cfg->wl_set;
        ref_wl_set_init(cfg->wl_set);
    }
    char dir[4096], err[512];
    if (ref_data_dir(dir, sizeof dir) && !(p->ref = ref_load(dir, err, sizeof err)) && !cfg->quiet)
        fprintf(stderr, "%s: reference data: %s (no enrichment)\n", p->who, err);
    const char *db = cfg->db ? cfg->db : "atalaya.db";
    if (access(db, R_OK) == 0) {
        if (ref_db_open(db, &p->db, err, sizeof err) != 0 ||
            (!cfg->wl_set && ref_wl_db_load(p->db, NULL, &p->set, err, sizeof err) != 0)) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
        p->wl = ref_wl_index_build(&p->set, p->db);
    } else if (cfg->db) {
        fprintf(stderr, "%s: cannot read %s\n", p->who, db);
        pipeline_close(p);
        return -1;
    } else if (cfg->wl_set) {
        p->wl = ref_wl_index_build(&p->set, NULL);
    }
    p->watch = watch_new(p->ref, p->wl, p->db, on_event, p);
    for (int i = 0; i < cfg->nareas; i++)
        if (watch_load_areas(p->watch, cfg->areas[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
    struct trk_config tcfg = {0};
    if (cfg->trk)
        tcfg = *cfg->trk;
    tcfg.enricher = watch_enricher(p->watch);
    p->trk = trk_new(&tcfg);
    if (cfg->detect) {
        /* The detectors remember as many vessels as the tracker shows, unless told. */
        struct det_config dcfg = {0};
        if (cfg->det)
            dcfg = *cfg->det;
        if (!dcfg.max_vessels)
            dcfg.max_vessels = (unsigned)trk_max_entities(p->trk);
        p->det = det_new(&dcfg, p->ref, on_event, p);
    }
    for (int i = 0; p->det && i < cfg->ngeofences + cfg->nport_polygons; i++)
        if ((i < cfg->ngeofences ? det_load_geofences(p->det, cfg->geofences[i], err, sizeof err)
                                 : det_load_port_polygons(p->det, cfg->port_polygons[i - cfg->ngeofences], err,
                                                          sizeof err)) != 0) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
    struct modes_decoder_cfg dcfg = {.have_ref = cfg->have_receiver, .ref_lat = cfg->receiver_lat,
                                     .ref_lon = cfg->receiver_lon};
    p->dec = modes_decoder_new(&dcfg);
    modes_validator_init(&p->val, cfg->fix2 ? 2 : 1);
    if (cfg->dedupe_ms > 0) {
        p->dedupe = malloc(sizeof *p->dedupe);
        if (!p->dedupe)
            abort();
        dedupe_init(p->dedupe, cfg->dedupe_ms);
    }
    p->ais_closed = calloc(1, sizeof *p->ais_closed);
    if (!p->ais_closed)
        abort();
    return 0;
}

int pipeline_add_sink(struct pipeline *p, const struct pipeline_sink *s)
{
    if (p->nsinks == PIPELINE_MAX_SINKS)
        return -1;
    p->sinks[p->nsinks++] = *s;
    return 0;
}


static void deliver(struct pipeline *p, const struct trk_update *u, const char *source, const char *ev, size_t evlen)
{
    watch_on_update(p->watch, u, ev, evlen);
    if (p->det) {
        det_on_update(p->det, u, source, ev, evlen);
        /* Time passing raises what silence means (a vessel dark past the
         * gap threshold), by the pipeline's clock, never the wall's. */
        det_tick(p->det, p->now_ms);
    }
    p->n.updates++;
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].update)
            p->sinks[i].update(p->sinks[i].ctx, u, ev, evlen);
}

static void advance(struct pipeline *p, int64_t t)
{
    if (t > p->now_ms)
        p->now_ms = t;
}

/* A receiver as the duplicate filter knows it: the tag block's station when
 * the line names one (an aggregator multiplexes many receivers on one
 * connection), else the connection. */
static int dedupe_source(const struct pipeline_source *s, const char *tag_source)
{
    if (!tag_source || !tag_source[0])
        return s->id;
    uint32_t h = 2166136261u;
    for (const char *c = tag_source; *c; c++)
        h = (h ^ (uint8_t)*c) * 16777619u;
    return (int)(h | 0x40000000u); /* apart from connection ids */
}

/* Copies of one transmission from several receivers arrive within tens of
 * milliseconds of each other, whatever their own clocks say (a Beast
 * counter's frames pushed fast carry minutes of event time; an AVR copy
 * carries none): live copies are judged by arrival. A recording has no
 * arrival times, so there its event times stand in. */
static int64_t dedupe_time(const struct pipeline_source *s, int64_t event_ms)
{
    return s->live ? s->arrival_ms : event_ms;
}

/* Every validated message to the sinks that forward messages as they came. */
static bool wants_messages(const struct pipeline *p)
{
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].message)
            return true;
    return false;
}

static void emit_message(struct pipeline *p, enum pipeline_format fmt, int64_t t, uint8_t kind, uint32_t id,
                         const void *raw, size_t len)
{
    struct pipeline_message m = {.format = fmt, .time_ms = t, .kind = kind, .id = id, .raw = raw, .len = len};
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].message)
            p->sinks[i].message(p->sinks[i].ctx, &m);
}

/* A frame as it came: the framers keep no bytes, so it is written again
 * from the bytes before any correction (Beast, escaped; AVR without its
 * line end). Both fit in 64 bytes, so the buf never grows off the stack. */
static void emit_frame(struct pipeline *p, const struct pipeline_source *s, const struct modes_frame *f, int64_t t)
{
    struct modes_frame g = *f;
    memcpy(g.msg, g.verbatim, g.len);
    char mem[64];
    struct buf b = {.p = mem, .cap = sizeof mem};
    bool avr = s->fmt == PL_AVR;
    if (avr)
        modes_write_avr(&b, &g);
    else
        modes_write_beast(&b, &g);
    emit_message(p, avr ? PL_AVR : PL_BEAST, t, f->addr_unverified ? 0 : TRK_AIRCRAFT, f->addr, mem,
                 avr ? b.len - 1 : b.len);
}

void pl_nmea_line(struct pipeline_source *s, const char *line, size_t len, bool overlong)
{
    struct pipeline *p = s->p;
    struct ais_payload pl;
    if (p->stop || ais_feed_line(s->ais, line, len, overlong, &pl) != AIS_OK)
        return;
    bool timed = s->given_ms || pl.meta.time_ms != AIS_NO_TIME;
    int64_t t = s->given_ms ? s->given_ms : timed ? pl.meta.time_ms : s->live ? s->arrival_ms : p->now_ms;
    if (p->dedupe && dedupe_seen(p->dedupe, pl.bits, (pl.nbits + 7) / 8, dedupe_source(s, pl.meta.source), dedupe_time(s, t)))
        return;
    struct ais_msg m;
    int st = ais_decode(pl.bits, pl.nbits, &m);
    ais_ctx_note_decode(s->ais, st);
    if (wants_messages(p))
        emit_message(p, PL_NMEA, t, st == AIS_OK ? TRK_VESSEL : 0, st == AIS_OK ? m.mmsi : 0, pl.meta.raw,
                     pl.meta.raw_len);
    if (st != AIS_OK)
        return;
    p->n.ais_messages++;
    if (timed || s->live) {
        advance(p, t);
        if (t > s->last_ms)
            s->last_ms = t;
    }
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].nmea && pl.meta.raw)
            p->sinks[i].nmea(p->sinks[i].ctx, pl.meta.raw, pl.meta.raw_len);
    struct trk_update u;
    if (trk_update_ais(p->trk, &m, t, &u))
        deliver(p, &u, pl.meta.source[0] ? pl.meta.source : s->name, pl.meta.raw, pl.meta.raw_len);
}

void pl_sbs_line(struct pipeline_source *s, const char *line, size_t len, bool overlong)
{
    struct pipeline *p = s->p;
    struct modes_msg m;
    if (p->stop || overlong || modes_sbs_parse(line, len, &m) != 0)
        return;
    p->n.sbs_messages++;
    bool timed = s->given_ms || m.time_ms != MODES_NO_TIME;
    int64_t t = s->given_ms ? s->given_ms : timed ? m.time_ms : s->live ? s->arrival_ms : p->now_ms;
    if (timed || s->live) {
        advance(p, t);
        if (t > s->last_ms)
            s->last_ms = t;
    }
    if (wants_messages(p))
        emit_message(p, PL_SBS, t, TRK_AIRCRAFT, m.addr, line, len);
    struct trk_update u;
    if (trk_update_modes(p->trk, &m, t, &u))
        deliver(p, &u, s->name, line, len);
}

/* Mode S event time: the frame's own (SBS-style date), else (live I/Q) arrival, else the 12 MHz
 * counter anchored by the configured epoch, else (live) anchored to the
 * connection's first frame, else (a recording) read as a relative clock;
 * no counter at all: arrival (live) or the clock so far. */
static int64_t frame_time(struct pipeline_source *s, const struct modes_frame *f)
{
    struct pipeline *p = s->p;
    if (s->given_ms)
        return s->given_ms;
    if (f->time_ms != MODES_NO_TIME)
        return f->time_ms;
    /* A live demodulator's counter counts samples, not time: arrival it is,
     * as for AIS from I/Q (pipeline.h). */
    if (s->fmt == PL_IQ && s->live)
        return s->arrival_ms;
    if (f->ts12 && f->ts12 != NET_TS12_MLAT) {
        if (p->modes_epoch_ms || !s->live)
            return p->modes_epoch_ms + (int64_t)(f->ts12 / 12000u);
        return net_rxclock_time(&s->clock, f->ts12, s->arrival_ms);
    }
    return s->live ? s->arrival_ms : p->now_ms;
}

void pl_frame(void *ctx, struct modes_frame *f)
{
    struct pipeline_source *s = ctx;
    struct pipeline *p = s->p;
    if (p->stop)
        return;
    p->n.frames++;
    int64_t t = frame_time(s, f);
    /* Copies from several receivers carry the same bytes; a copy with a bit
     * error is another's clean copy once corrected: the corrected bytes are
     * compared too, after validation. */
    if (p->dedupe && dedupe_seen(p->dedupe, f->verbatim, f->len, s->id, dedupe_time(s, t)))
        return;
    if (!modes_frame_validate(&p->val, f))
        return;
    if (p->dedupe && f->corrected_bits > 0 && dedupe_seen(p->dedupe, f->msg, f->len, s->id, dedupe_time(s, t)))
        return;
    f->time_ms = t;
    if (wants_messages(p))
        emit_frame(p, s, f, t);
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].frame)
            p->sinks[i].frame(p->sinks[i].ctx, f);
    struct modes_msg m;
    if (modes_decode(p->dec, f, &m) != MODES_DECODE_OK)
        return;
    for (int i = 0; i < p->nsinks; i++)
        if (p->sinks[i].modes)
            p->sinks[i].modes(p->sinks[i].ctx, &m);
    advance(p, t);
    if (t > s->last_ms)
        s->last_ms = t;
    struct trk_update u;
    if (!trk_update_modes(p->trk, &m, t, &u))
        return;
    char hex[2 * MODES_LONG_BYTES + 1];
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < f->len; i++) {
        hex[2 * i] = digits[f->verbatim[i] >> 4];
        hex[2 * i + 1] = digits[f->verbatim[i] & 15];
    }
    hex[2 * f->len] = 0;
    deliver(p, &u, s->name, hex, 2u * f->len);
}

void pipeline_finish(struct pipeline *p)
{
    for (struct pipeline_source *s = p->sources; s; s = s->next)
        if (s->owns_ais)
            ais_ctx_finish(s->ais);
    if (p->recordings_ais)
        ais_ctx_finish(p->recordings_ais);
    if (p->det)
        det_finish(p->det);
}

static void add_stats(struct ais_stats *to, const struct ais_stats *from)
{
    /* Every member is a uint64_t counter. */
    uint64_t *a = (uint64_t *)to;
    const uint64_t *b = (const uint64_t *)from;
    for (size_t i = 0; i < sizeof *to / sizeof(uint64_t); i++)
        a[i] += b[i];
}

void pl_source_retire_stats(struct pipeline *p, const struct ais_ctx *ais)
{
    add_stats(p->ais_closed, ais_ctx_stats(ais));
}

void pipeline_ais_stats(const struct pipeline *p, struct ais_stats *out)
{
    *out = *p->ais_closed;
    for (const struct pipeline_source *s = p->sources; s; s = s->next)
        if (s->owns_ais)
            add_stats(out, ais_ctx_stats(s->ais));
    if (p->recordings_ais)
        add_stats(out, ais_ctx_stats(p->recordings_ais));
}

void pipeline_close(struct pipeline *p)
{
    while (p->sources)
        pipeline_source_close(p->sources);
    det_free(p->det);
    watch_free(p->watch);
    trk_free(p->trk);
    ref_wl_index_free(p->wl);
    ref_wl_set_free(&p->set);
    ref_db_close(p->db);
    ref_free(p->ref);
    if (p->dec) {
        modes_validator_free(&p->val);
        modes_decoder_free(p->dec);
    }
    if (p->recordings_ais)
        ais_ctx_free(p->recordings_ais);
    free(p->dedupe);
    free(p->ais_closed);
    memset(p, 0, sizeof *p);
}

/* pipeline.c: recordings through decoders, tracker, watch and detectors
 * (pipeline.h), shared by `replay` and `ingest` so both see a recording the
 * same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "cli/pipeline.h"
#include "common/input.h"
#include "detect/watch.h"
#include "modes/demod.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"

static void deliver(struct pipeline *p, const struct trk_update *u, const char *ev, size_t evlen)
{
    watch_on_update(p->watch, u, ev, evlen, &p->out);
    if (p->det)
        det_on_update(p->det, u, p->source, ev, evlen, &p->out);
    p->messages++;
    if (p->on_update)
        p->on_update(p->ctx, u, ev, evlen);
}

static void advance(struct pipeline *p, int64_t t)
{
    if (t > p->now_ms)
        p->now_ms = t;
}

static void add_file(const char **list, int *n, const char *path)
{
    if (*n < PIPELINE_MAX_FILES)
        list[(*n)++] = path;
}

bool pipeline_option(struct pipeline_config *cfg, int c, const char *arg)
{
    switch (c) {
    case 'd': cfg->db = arg; return true;
    case 'A': add_file(cfg->areas, &cfg->nareas, arg); return true;
    case 'G': add_file(cfg->geofences, &cfg->ngeofences, arg); return true;
    case 'O': add_file(cfg->port_polygons, &cfg->nport_polygons, arg); return true;
    case 'E': cfg->modes_epoch_ms = (int64_t)(strtod(arg, NULL) * 1000.0); return true;
    default: return false;
    }
}

bool pipeline_config_ok(const struct pipeline_config *cfg, const char *needs)
{
    if (cfg->detect || !(cfg->ngeofences + cfg->nport_polygons))
        return true;
    fprintf(stderr, "%s: --geofence and --port-polygons need %s\n", cfg->who, needs);
    return false;
}

int pipeline_open(struct pipeline *p, const struct pipeline_config *cfg, pipeline_update_fn fn, void *ctx)
{
    memset(p, 0, sizeof *p);
    p->who = cfg->who ? cfg->who : "atalaya";
    p->on_update = fn;
    p->ctx = ctx;
    p->modes_epoch_ms = cfg->modes_epoch_ms;
    p->source = "";
    ref_wl_set_init(&p->set);
    char dir[4096], err[512];
    if (ref_data_dir(dir, sizeof dir) && !(p->ref = ref_load(dir, err, sizeof err)) && !cfg->quiet)
        fprintf(stderr, "%s: reference data: %s (no enrichment)\n", p->who, err);
    const char *db = cfg->db ? cfg->db : "atalaya.db";
    if (access(db, R_OK) == 0) {
        if (ref_db_open(db, &p->db, err, sizeof err) != 0 || ref_wl_db_load(p->db, NULL, &p->set, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
        p->wl = ref_wl_index_build(&p->set, p->db);
    } else if (cfg->db) {
        fprintf(stderr, "%s: cannot read %s\n", p->who, db);
        pipeline_close(p);
        return -1;
    }
    p->watch = watch_new(p->ref, p->wl, p->db);
    for (int i = 0; i < cfg->nareas; i++)
        if (watch_load_areas(p->watch, cfg->areas[i], err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
    struct trk_config tcfg = {.enricher = watch_enricher(p->watch)};
    p->trk = trk_new(&tcfg);
    if (cfg->detect)
        p->det = det_new(cfg->det, p->ref);
    for (int i = 0; p->det && i < cfg->ngeofences + cfg->nport_polygons; i++)
        if ((i < cfg->ngeofences ? det_load_geofences(p->det, cfg->geofences[i], err, sizeof err)
                                 : det_load_port_polygons(p->det, cfg->port_polygons[i - cfg->ngeofences], err,
                                                          sizeof err)) != 0) {
            fprintf(stderr, "%s: %s\n", p->who, err);
            pipeline_close(p);
            return -1;
        }
    p->ais = ais_ctx_new();
    p->dec = modes_decoder_new(NULL);
    modes_validator_init(&p->val, 1);
    buf_init(&p->out, 1 << 16);
    return 0;
}

static int feed_nmea(struct pipeline *p, struct in_file *in)
{
    const char *line;
    size_t len;
    int overlong, rc;
    while (!p->stop && (rc = in_getline(in, &line, &len, &overlong)) == 1) {
        p->in_pos = in_tell(in);
        struct ais_payload pl;
        if (ais_feed_line(p->ais, line, len, overlong != 0, &pl) != AIS_OK)
            continue;
        struct ais_msg m;
        int st = ais_decode(pl.bits, pl.nbits, &m);
        ais_ctx_note_decode(p->ais, st);
        if (st != AIS_OK)
            continue;
        if (pl.meta.time_ms != AIS_NO_TIME)
            advance(p, pl.meta.time_ms);
        struct trk_update u;
        p->source = pl.meta.source;
        if (trk_update_ais(p->trk, &m, pl.meta.time_ms != AIS_NO_TIME ? pl.meta.time_ms : p->now_ms, &u))
            deliver(p, &u, pl.meta.raw, pl.meta.raw_len);
    }
    p->source = "";
    return rc < 0 ? 2 : 0;
}

/* Mode S frames carry a 12 MHz receiver counter, not a date: anchored to UTC
 * by modes_epoch_ms when known, else the counter is a relative, monotonic
 * clock per receiver, which is all the tracker's rules need. */
static void on_frame(void *ctx, struct modes_frame *f)
{
    struct pipeline *p = ctx;
    struct modes_msg m;
    if (p->stop || !modes_frame_validate(&p->val, f) || modes_decode(p->dec, f, &m) != MODES_DECODE_OK)
        return;
    int64_t t = f->time_ms != MODES_NO_TIME ? f->time_ms
                : f->ts12 ? p->modes_epoch_ms + (int64_t)(f->ts12 / 12000u)
                          : p->now_ms;
    advance(p, t);
    struct trk_update u;
    if (!trk_update_modes(p->trk, &m, t, &u))
        return;
    char hex[2 * MODES_LONG_BYTES + 1];
    for (int i = 0; i < f->len; i++)
        snprintf(hex + 2 * i, 3, "%02x", f->verbatim[i]);
    deliver(p, &u, hex, 2u * f->len);
}

static int feed_modes(struct pipeline *p, struct in_file *in, enum decode_input kind)
{
    static uint8_t block[1 << 16];
    ssize_t n = 0;
    if (kind == IN_SBS) {
        const char *line;
        size_t len;
        int overlong, rc;
        while (!p->stop && (rc = in_getline(in, &line, &len, &overlong)) == 1) {
            p->in_pos = in_tell(in);
            struct modes_msg m;
            if (overlong || modes_sbs_parse(line, len, &m) != 0)
                continue;
            int64_t t = m.time_ms != MODES_NO_TIME ? m.time_ms : p->now_ms;
            advance(p, t);
            struct trk_update u;
            if (trk_update_modes(p->trk, &m, t, &u))
                deliver(p, &u, line, len);
        }
        return rc < 0 ? 2 : 0;
    }
    if (kind == IN_IQ) {
        struct modes_demod_cfg cfg;
        modes_demod_parse_cfg(NULL, NULL, &cfg);
        struct modes_demod *d = modes_demod_new(&cfg);
        while (!p->stop && (n = in_read(in, block, sizeof block)) > 0) {
            p->in_pos = in_tell(in);
            modes_demod_feed(d, block, (size_t)n, on_frame, p);
        }
        modes_demod_flush(d, on_frame, p);
        modes_demod_free(d);
        return n < 0 ? 2 : 0;
    }
    struct modes_framer fr;
    modes_framer_init(&fr, kind == IN_BEAST ? MODES_FRAMER_BEAST : MODES_FRAMER_AVR);
    while (!p->stop && (n = in_read(in, block, sizeof block)) > 0) {
        p->in_pos = in_tell(in);
        modes_framer_feed(&fr, block, (size_t)n, on_frame, p);
    }
    return n < 0 ? 2 : 0;
}

int pipeline_feed(struct pipeline *p, const char *path)
{
    struct in_file *in = in_open(path);
    if (!in) {
        fprintf(stderr, "%s: cannot open %s\n", p->who, path);
        return 2;
    }
    const uint8_t *peek;
    ssize_t n = in_peek(in, &peek, 8192);
    enum decode_input kind = decode_sniff(peek, n > 0 ? n : 0);
    int rc = kind == IN_NMEA ? feed_nmea(p, in) : feed_modes(p, in, kind);
    if (rc)
        fprintf(stderr, "%s: read error in %s\n", p->who, path);
    in_close(in);
    return rc;
}

void pipeline_finish(struct pipeline *p)
{
    ais_ctx_finish(p->ais);
    if (p->det)
        det_finish(p->det, &p->out);
}

void pipeline_close(struct pipeline *p)
{
    det_free(p->det);
    watch_free(p->watch);
    trk_free(p->trk);
    ref_wl_index_free(p->wl);
    ref_wl_set_free(&p->set);
    ref_db_close(p->db);
    ref_free(p->ref);
    if (p->ais)
        ais_ctx_free(p->ais);
    if (p->dec) {
        modes_validator_free(&p->val);
        modes_decoder_free(p->dec);
    }
    buf_free(&p->out);
    memset(p, 0, sizeof *p);
}

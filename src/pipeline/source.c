/* source.c: bytes in, framed messages out (pipeline.h): line splitting for
 * NMEA and SBS, the Beast/AVR framers, the I/Q demodulator; recordings read
 * whole (pipeline_feed_file) or played at a speed (pipeline_player). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "aisdemod/aisdemod.h"
#include "common/buf.h"
#include "modes/demod.h"
#include "pipeline/pipeline_internal.h"

struct pipeline_source *pipeline_source_new(struct pipeline *p, enum pipeline_format fmt, const char *name, bool live)
{
    struct pipeline_source *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->p = p;
    s->fmt = fmt;
    s->id = ++p->next_source_id;
    s->live = live;
    snprintf(s->name, sizeof s->name, "%s", name ? name : "");
    if ((fmt == PL_NMEA && live) || fmt == PL_AIS_IQ) {
        s->ais = ais_ctx_new();
        s->owns_ais = true;
    } else if (fmt == PL_NMEA) {
        if (!p->recordings_ais)
            p->recordings_ais = ais_ctx_new();
        s->ais = p->recordings_ais;
    }
    else if (fmt == PL_BEAST || fmt == PL_AVR)
        modes_framer_init(&s->fr, fmt == PL_AVR ? MODES_FRAMER_AVR : MODES_FRAMER_BEAST);
    else if (fmt == PL_IQ) {
        struct modes_demod_cfg cfg;
        modes_demod_parse_cfg(NULL, NULL, &cfg);
        s->demod = modes_demod_new(&cfg);
    }
    if (fmt == PL_AIS_IQ) {
        struct aisd_cfg cfg;
        char err[160];
        aisd_parse_cfg(NULL, NULL, &cfg, err, sizeof err);
        s->aisd = aisd_new(&cfg);
    }
    s->next = p->sources;
    p->sources = s;
    return s;
}

static void source_line(struct pipeline_source *s, const char *line, size_t len, bool overlong)
{
    if (s->fmt == PL_NMEA)
        pl_nmea_line(s, line, len, overlong);
    else
        pl_sbs_line(s, line, len, overlong);
}

/* Whole lines straight from the chunk; only a line cut by the chunk's end is
 * copied, to be completed by the next chunk. CR before LF is dropped, a line
 * longer than IN_MAX_LINE is cut and marked overlong, as common/input.h does. */
static void split_lines(struct pipeline_source *s, const uint8_t *b, size_t n)
{
    const char *p = (const char *)b, *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t take = (size_t)((nl ? nl : end) - p);
        if (!s->len && nl) {
            size_t len = take;
            if (len && p[len - 1] == '\r')
                len--;
            bool over = len > IN_MAX_LINE;
            source_line(s, p, over ? IN_MAX_LINE : len, over);
        } else {
            size_t room = IN_MAX_LINE - s->len;
            if (take > room) {
                s->overlong = true;
                take = room;
            }
            memcpy(s->line + s->len, p, take);
            s->len += take;
            if (nl) {
                size_t len = s->len;
                if (len && s->line[len - 1] == '\r')
                    len--;
                source_line(s, s->line, len, s->overlong);
                s->len = 0;
                s->overlong = false;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

int pipeline_source_set_rate(struct pipeline_source *s, double rate)
{
    char r[32], err[160];
    snprintf(r, sizeof r, "%.0f", rate);
    if (s->fmt == PL_IQ) {
        struct modes_demod_cfg cfg;
        if (modes_demod_parse_cfg(r, NULL, &cfg) != 0)
            return -1;
        modes_demod_free(s->demod);
        s->demod = modes_demod_new(&cfg);
        return 0;
    }
    struct aisd_cfg cfg;
    if (s->fmt != PL_AIS_IQ || aisd_parse_cfg(r, NULL, &cfg, err, sizeof err) != 0)
        return -1;
    aisd_free(s->aisd);
    s->aisd = aisd_new(&cfg);
    return 0;
}

/* An AIS burst demodulated: its sentences, one line each, as NMEA from
 * this source. */
static void ais_iq_msg(void *ctx, const struct aisd_msg *m)
{
    struct pipeline_source *s = ctx;
    struct aisd_msg t = *m;
    if (s->live)
        t.time_ms = s->arrival_ms;
    struct buf b;
    buf_init(&b, 512);
    aisd_write_nmea(&b, &t, s->ais_seq);
    s->ais_seq = (s->ais_seq + 1) % 10;
    size_t from = 0;
    for (size_t i = 0; i < b.len; i++)
        if (b.p[i] == '\n') {
            pl_nmea_line(s, b.p + from, i - from, false);
            from = i + 1;
        }
    buf_free(&b);
}

void pipeline_source_feed(struct pipeline_source *s, const uint8_t *bytes, size_t n, int64_t arrival_ms)
{
    s->arrival_ms = arrival_ms;
    switch (s->fmt) {
    case PL_BEAST:
    case PL_AVR: modes_framer_feed(&s->fr, bytes, n, pl_frame, s); break;
    case PL_IQ: modes_demod_feed(s->demod, bytes, n, pl_frame, s); break;
    case PL_AIS_IQ: aisd_feed(s->aisd, bytes, n, ais_iq_msg, s); break;
    default: split_lines(s, bytes, n); break;
    }
}

void pipeline_source_set_time(struct pipeline_source *s, int64_t t_ms) { s->given_ms = t_ms; }
void pipeline_source_set_owner(struct pipeline_source *s, void *owner) { s->owner = owner; }
void *pipeline_source_owner(const struct pipeline_source *s) { return s->owner; }

void pipeline_source_close(struct pipeline_source *s)
{
    struct pipeline *p = s->p;
    if ((s->fmt == PL_NMEA || s->fmt == PL_SBS) && s->len) {
        source_line(s, s->line, s->len, s->overlong);
        s->len = 0;
    }
    if (s->demod) {
        modes_demod_flush(s->demod, pl_frame, s);
        modes_demod_free(s->demod);
    }
    if (s->aisd) {
        aisd_flush(s->aisd, ais_iq_msg, s);
        aisd_free(s->aisd);
    }
    if (s->owns_ais) {
        ais_ctx_finish(s->ais);
        pl_source_retire_stats(p, s->ais);
        ais_ctx_free(s->ais);
    }
    for (struct pipeline_source **q = &p->sources; *q; q = &(*q)->next)
        if (*q == s) {
            *q = s->next;
            break;
        }
    free(s);
}

static enum pipeline_format format_of(enum decode_input k)
{
    switch (k) {
    case IN_BEAST: return PL_BEAST;
    case IN_AVR: return PL_AVR;
    case IN_SBS: return PL_SBS;
    case IN_IQ: return PL_IQ;
    default: return PL_NMEA;
    }
}

static struct pipeline_source *open_recording(struct pipeline *p, const char *path, struct in_file **in)
{
    if (!(*in = in_open(path)))
        return NULL;
    const uint8_t *peek;
    ssize_t n = in_peek(*in, &peek, 8192);
    return pipeline_source_new(p, format_of(decode_sniff(peek, n > 0 ? n : 0)), "", false);
}

/* Up to max_lines lines (text) or max_bytes bytes (binary) of a recording,
 * stopping early once the source's clock passes until_ms (0: no limit).
 * Returns 1 when more may follow, 0 at the end, -1 on a read error. */
static int read_some(struct pipeline_source *s, struct in_file *in, size_t max_lines, size_t max_bytes,
                     int64_t until_ms)
{
    struct pipeline *p = s->p;
    if (s->fmt == PL_NMEA || s->fmt == PL_SBS) {
        const char *line;
        size_t len;
        int overlong, rc = 1;
        for (size_t i = 0; i < max_lines && !p->stop; i++) {
            if ((rc = in_getline(in, &line, &len, &overlong)) != 1)
                return rc < 0 ? -1 : 0;
            p->in_pos = in_tell(in);
            p->in_read = in_bytes_read(in);
            source_line(s, line, len, overlong != 0);
            if (until_ms && s->last_ms > until_ms)
                return 1;
        }
        return p->stop ? 0 : 1;
    }
    static uint8_t block[1 << 16];
    /* Paced: small chunks, so one read does not run far past the due time. */
    size_t chunk = until_ms ? 4096 : max_bytes < sizeof block ? max_bytes : sizeof block, done = 0;
    while (done < max_bytes && !p->stop) {
        ssize_t n = in_read(in, block, chunk);
        if (n <= 0)
            return n < 0 ? -1 : 0;
        p->in_pos = in_tell(in);
        p->in_read = in_bytes_read(in);
        pipeline_source_feed(s, block, (size_t)n, 0);
        done += (size_t)n;
        if (until_ms && s->last_ms > until_ms)
            return 1;
    }
    return p->stop ? 0 : 1;
}

int pipeline_feed_file(struct pipeline *p, const char *path)
{
    struct in_file *in;
    struct pipeline_source *s = open_recording(p, path, &in);
    if (!s) {
        fprintf(stderr, "%s: cannot open %s: %s\n", p->who, path, strerror(errno));
        return 2;
    }
    int rc;
    while ((rc = read_some(s, in, 1u << 20, 1u << 24, 0)) == 1)
        ;
    if (rc < 0)
        fprintf(stderr, "%s: read error in %s\n", p->who, path);
    pipeline_source_close(s);
    in_close(in);
    return rc < 0 ? 2 : 0;
}

struct pipeline_player {
    struct pipeline_source *s;
    struct in_file *in;
    double speed;
    int64_t t0_ms, w0_ms; /* event time of the first timed message, and the wall time it was played */
};

struct pipeline_player *pipeline_player_open(struct pipeline *p, const char *path, double speed, char *err,
                                             size_t errn)
{
    struct pipeline_player *pl = calloc(1, sizeof *pl);
    if (!pl)
        abort();
    if (!(pl->s = open_recording(p, path, &pl->in))) {
        snprintf(err, errn, "cannot open %s: %s", path, strerror(errno));
        free(pl);
        return NULL;
    }
    pl->speed = speed;
    return pl;
}

/* Bounded work per step, so the caller's loop (the HTTP server, outputs)
 * stays responsive however fast the recording is played. */
#define STEP_LINES 20000
#define STEP_BYTES (1u << 20)

int pipeline_player_step(struct pipeline_player *pl, int64_t now_ms)
{
    if (pl->speed <= 0)
        return read_some(pl->s, pl->in, STEP_LINES, STEP_BYTES, 0);
    if (!pl->t0_ms) {
        /* Until the first timed message there is nothing to pace by. */
        int rc = read_some(pl->s, pl->in, STEP_LINES, STEP_BYTES, 1);
        if (pl->s->last_ms) {
            pl->t0_ms = pl->s->last_ms;
            pl->w0_ms = now_ms;
        }
        return rc;
    }
    int64_t due = pl->t0_ms + (int64_t)((double)(now_ms - pl->w0_ms) * pl->speed);
    if (pl->s->last_ms > due)
        return 1;
    return read_some(pl->s, pl->in, STEP_LINES, STEP_BYTES, due);
}

void pipeline_player_close(struct pipeline_player *pl)
{
    if (!pl)
        return;
    pipeline_source_close(pl->s);
    in_close(pl->in);
    free(pl);
}

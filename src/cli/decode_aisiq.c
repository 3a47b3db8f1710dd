/* decode_aisiq.c: `atalaya decode --band ais` for I/Q (or FM audio) input:
 * samples -> aisdemod -> !AIVDM sentences with tag blocks -> the same
 * framing and decoding as NMEA input (decode_ais_line), so --format json,
 * csv and nmea all work as for a log. WAV files are recognised by their
 * header, which then sets the rate and format. */
#include <stdio.h>
#include <string.h>

#include "aisdemod/aisdemod.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/input.h"
#include "common/timeparse.h"
#include "net/loop.h"
#include "net/rtltcp.h"

#define OUT_BLOCK (1u << 16)

struct aisiq {
    const struct decode_opts *o;
    struct ais_ctx *ctx;
    struct buf out, line;
    unsigned seq;
    int write_error;
};

static void on_msg(void *arg, const struct aisd_msg *m)
{
    struct aisiq *a = arg;
    a->line.len = 0;
    aisd_write_nmea(&a->line, m, a->seq);
    a->seq = (a->seq + 1) % 10;
    /* One sentence per line through the framing layer, as if read from a log. */
    size_t from = 0;
    for (size_t i = 0; i < a->line.len; i++)
        if (a->line.p[i] == '\n') {
            decode_ais_line(a->ctx, &a->out, a->o, a->line.p + from, i - from, false);
            from = i + 1;
        }
    if (a->out.len >= OUT_BLOCK && buf_flush(&a->out, stdout) != 0)
        a->write_error = 1;
}

static int setup(const struct decode_opts *o, struct aisd_cfg *cfg)
{
    char err[160];
    if (aisd_parse_cfg(o->sample_rate, o->iq_format, cfg, err, sizeof err)) {
        fprintf(stderr, "atalaya decode: %s\n", err);
        return 1;
    }
    cfg->mode = o->ais_noncoherent ? AISD_NONCOHERENT : AISD_COHERENT;
    if (o->start_time && !time_parse_ms(o->start_time, &cfg->start_ms)) {
        fprintf(stderr, "atalaya decode: --start-time: cannot read '%s'\n", o->start_time);
        return 1;
    }
    return 0;
}

/* A WAV header, when the file has one, replaces --sample-rate/--iq-format. */
static int skip_wav(struct in_file *f, struct aisd_cfg *cfg)
{
    const uint8_t *p;
    ssize_t n = in_peek(f, &p, 4096);
    if (n <= 0)
        return 0;
    char err[160];
    double rate = 0;
    enum aisd_format fmt = cfg->format;
    long off = aisd_wav_header(p, (size_t)n, &rate, &fmt, err, sizeof err);
    if (off < 0) {
        fprintf(stderr, "atalaya decode: %s: %s\n", in_name(f), err);
        return 1;
    }
    if (off == 0)
        return 0;
    struct aisd_cfg c = *cfg;
    c.format = fmt;
    c.sample_rate = rate;
    char r[32];
    snprintf(r, sizeof r, "%.0f", rate);
    static const char *const names[] = {"cu8", "cs8", "cs16", "cf32", "fm16"};
    if (aisd_parse_cfg(r, names[fmt], &c, err, sizeof err)) {
        fprintf(stderr, "atalaya decode: %s: %s\n", in_name(f), err);
        return 1;
    }
    c.mode = cfg->mode;
    c.start_ms = cfg->start_ms;
    *cfg = c;
    uint8_t skip[4096];
    return in_read(f, skip, (size_t)off) == off ? 0 : 1;
}

struct live {
    struct aisd *d;
    struct aisiq *a;
};

static void on_samples(void *ctx, const uint8_t *p, size_t n)
{
    struct live *l = ctx;
    aisd_feed(l->d, p, n, on_msg, l->a);
}

/* Live: each read's messages go out at once. Ends when the client gives up. */
static int run_rtltcp(struct aisiq *a, const struct aisd_cfg *cfg, struct rtltcp_client *cl)
{
    struct live l = {aisd_new(cfg), a};
    while (!a->write_error && rtltcp_client_read(cl, on_samples, &l))
        if (a->out.len && buf_flush(&a->out, stdout) == 0)
            fflush(stdout);
    aisd_flush(l.d, on_msg, a);
    if (a->o->stats) {
        aisd_print_stats(l.d, stderr);
        rtltcp_print_stats(cl, stderr);
    }
    int rc = rtltcp_client_stats(cl)->bytes ? 0 : 2;
    aisd_free(l.d);
    rtltcp_client_free(cl);
    return rc;
}

int decode_aisiq_main(const struct decode_opts *o)
{
    struct aisd_cfg cfg;
    if (o->format == OUT_AVR || o->format == OUT_BEAST) {
        fprintf(stderr, "atalaya decode: --band ais prints json, csv, nmea or none\n");
        return 1;
    }
    if (setup(o, &cfg))
        return 1;
    struct rtltcp_client *cl = NULL;
    if (o->rtltcp) {
        if (!(cl = decode_rtltcp_open(o, 162000000, cfg.sample_rate, &cfg.sample_rate)))
            return 1;
        cfg.format = AISD_CU8;
        if (!o->start_time)
            cfg.start_ms = net_realtime_ms();
    }
    struct aisiq a = {.o = o, .ctx = ais_ctx_new()};
    buf_init(&a.out, 2 * OUT_BLOCK);
    buf_init(&a.line, 512);
    int rc = 0;
    if (o->format == OUT_CSV) {
        ais_write_csv_header(&a.out);
        buf_putc(&a.out, '\n');
    }
    if (cl)
        rc = run_rtltcp(&a, &cfg, cl);
    static uint8_t block[1 << 16];
    for (int i = 0; i < o->nin && rc == 0 && !a.write_error; i++) {
        /* Each file is its own recording: its own header, rate and clock. */
        struct aisd_cfg c = cfg;
        if (skip_wav(o->in[i], &c)) {
            rc = 1;
            break;
        }
        struct aisd *d = aisd_new(&c);
        ssize_t n;
        while ((n = in_read(o->in[i], block, sizeof block)) > 0 && !a.write_error)
            aisd_feed(d, block, (size_t)n, on_msg, &a);
        if (n < 0) {
            fprintf(stderr, "atalaya decode: read error in %s\n", in_name(o->in[i]));
            rc = 2;
        }
        aisd_flush(d, on_msg, &a);
        if (o->stats)
            aisd_print_stats(d, stderr);
        aisd_free(d);
    }
    ais_ctx_finish(a.ctx);
    if (buf_flush(&a.out, stdout) != 0 || fflush(stdout) != 0 || a.write_error)
        rc = 2;
    if (o->stats)
        ais_stats_print(ais_ctx_stats(a.ctx), stderr);
    buf_free(&a.out);
    buf_free(&a.line);
    ais_ctx_free(a.ctx);
    return rc;
}

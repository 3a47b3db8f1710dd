/* decode_modes.c: `atalaya decode` for Mode S input: AVR, Beast and SBS
 * streams (and raw IQ through the demodulator) -> validated frames -> decoded
 * messages as JSON lines, or the frames re-emitted as AVR or Beast.
 *
 * Binary input is read in blocks and framed by resumable state machines, so
 * a frame split across reads (or across files: a capture cut in two) is
 * handled like any other. Counters go to stderr with --stats.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/input.h"
#include "modes/demod.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"
#include "net/rtltcp.h"

#define OUT_BLOCK (1u << 18)

struct loop {
    const struct decode_opts *o;
    struct modes_validator val;
    struct modes_decoder *dec;
    struct buf out;
    int write_error;
    uint64_t sbs_lines, sbs_bad;
};

static void flush_if_full(struct loop *l)
{
    if (l->out.len >= OUT_BLOCK && buf_flush(&l->out, stdout) != 0)
        l->write_error = 1;
}

static void on_frame(void *ctx, struct modes_frame *f)
{
    struct loop *l = ctx;
    bool ok = modes_frame_validate(&l->val, f);
    switch (l->o->format) {
    case OUT_AVR:
        if (ok)
            modes_write_avr(&l->out, f);
        break;
    case OUT_BEAST:
        if (ok)
            modes_write_beast(&l->out, f);
        break;
    case OUT_NONE:
    case OUT_NMEA:
    case OUT_JSON:
    case OUT_CSV: {
        if (!ok)
            break;
        struct modes_msg m;
        if (modes_decode(l->dec, f, &m) != MODES_DECODE_OK || l->o->format == OUT_NONE)
            break;
        modes_write_json(&l->out, &m);
        buf_putc(&l->out, '\n');
        break;
    }
    }
    flush_if_full(l);
}

static int run_framed(struct loop *l, enum modes_framer_kind kind)
{
    struct modes_framer fr;
    modes_framer_init(&fr, kind);
    static uint8_t block[1 << 16];
    int rc = 0;
    for (int i = 0; i < l->o->nin && !l->write_error; i++) {
        ssize_t n;
        while ((n = in_read(l->o->in[i], block, sizeof block)) > 0 && !l->write_error)
            modes_framer_feed(&fr, block, (size_t)n, on_frame, l);
        if (n < 0) {
            fprintf(stderr, "atalaya decode: read error in %s\n", in_name(l->o->in[i]));
            rc = 2;
        }
    }
    if (l->o->stats)
        fprintf(stderr, "frames: %llu\nmode a/c: %llu\nstatus frames: %llu\ngarbage bytes: %llu\nbad frames: %llu\n",
                (unsigned long long)fr.stats.frames, (unsigned long long)fr.stats.modeac,
                (unsigned long long)fr.stats.status, (unsigned long long)fr.stats.garbage_bytes,
                (unsigned long long)fr.stats.bad_frames);
    return rc;
}

static int run_sbs(struct loop *l)
{
    int rc = 0;
    for (int i = 0; i < l->o->nin && !l->write_error; i++) {
        const char *line;
        size_t len;
        int overlong, r;
        while ((r = in_getline(l->o->in[i], &line, &len, &overlong)) == 1) {
            struct modes_msg m;
            l->sbs_lines++;
            if (overlong || modes_sbs_parse(line, len, &m) != 0) {
                l->sbs_bad++;
                continue;
            }
            if (l->o->format == OUT_NONE)
                continue;
            modes_write_json(&l->out, &m);
            buf_putc(&l->out, '\n');
            flush_if_full(l);
        }
        if (r < 0)
            rc = 2;
    }
    if (l->o->stats)
        fprintf(stderr, "sbs lines: %llu\nsbs unusable lines: %llu\n", (unsigned long long)l->sbs_lines,
                (unsigned long long)l->sbs_bad);
    return rc;
}

struct live {
    struct loop *l;
    struct modes_demod *d;
};

static void on_samples(void *ctx, const uint8_t *p, size_t n)
{
    struct live *v = ctx;
    modes_demod_feed(v->d, p, n, on_frame, v->l);
}

static int run_iq(struct loop *l)
{
    struct modes_demod_cfg cfg;
    struct rtltcp_client *cl = NULL;
    char rate[32];
    const char *rate_s = l->o->sample_rate;
    if (l->o->rtltcp) {
        double def = 2.4e6, r;
        if (rate_s && modes_demod_parse_cfg(rate_s, NULL, &cfg) == 0)
            def = cfg.sample_rate;
        if (!(cl = decode_rtltcp_open(l->o, 1090000000, def, &r)))
            return 1;
        snprintf(rate, sizeof rate, "%.0f", r);
        rate_s = rate;
    }
    if (modes_demod_parse_cfg(rate_s, l->o->iq_format, &cfg) != 0) {
        rtltcp_client_free(cl);
        fprintf(stderr, "atalaya decode: unsupported --sample-rate/--iq-format (2.0 or 2.4 MS/s; uc8 or sc16)\n");
        return 1;
    }
    cfg.fix2 = l->o->fix2;
    struct modes_demod *d = modes_demod_new(&cfg);
    static uint8_t block[1 << 18];
    int rc = 0;
    if (cl) {
        struct live v = {l, d};
        while (!l->write_error && rtltcp_client_read(cl, on_samples, &v))
            if (l->out.len && buf_flush(&l->out, stdout) == 0)
                fflush(stdout);
        rc = rtltcp_client_stats(cl)->bytes ? 0 : 2;
        if (l->o->stats)
            rtltcp_print_stats(cl, stderr);
        rtltcp_client_free(cl);
    }
    for (int i = 0; i < l->o->nin && !l->write_error; i++) {
        ssize_t n;
        while ((n = in_read(l->o->in[i], block, sizeof block)) > 0 && !l->write_error)
            modes_demod_feed(d, block, (size_t)n, on_frame, l);
        if (n < 0) {
            fprintf(stderr, "atalaya decode: read error in %s\n", in_name(l->o->in[i]));
            rc = 2;
        }
    }
    modes_demod_flush(d, on_frame, l);
    if (l->o->stats)
        modes_demod_print_stats(d, stderr);
    modes_demod_free(d);
    return rc;
}

int decode_modes_main(const struct decode_opts *o)
{
    if (o->format == OUT_CSV || o->format == OUT_NMEA) {
        fprintf(stderr, "atalaya decode: --format csv and nmea are for AIS; Mode S prints json, avr or beast\n");
        return 1;
    }
    if (o->input == IN_SBS && (o->format == OUT_AVR || o->format == OUT_BEAST)) {
        fprintf(stderr, "atalaya decode: SBS input carries no frames to re-emit as AVR or Beast\n");
        return 1;
    }
    struct loop l = {.o = o};
    struct modes_decoder_cfg cfg = {.have_ref = o->have_ref, .ref_lat = o->ref_lat, .ref_lon = o->ref_lon};
    l.dec = modes_decoder_new(&cfg);
    modes_validator_init(&l.val, o->fix2 ? 2 : 1);
    l.val.trust_unverified = o->trust_unverified;
    buf_init(&l.out, 2 * OUT_BLOCK);
    int rc;
    switch (o->input) {
    case IN_AVR: rc = run_framed(&l, MODES_FRAMER_AVR); break;
    case IN_BEAST: rc = run_framed(&l, MODES_FRAMER_BEAST); break;
    case IN_SBS: rc = run_sbs(&l); break;
    case IN_IQ: rc = run_iq(&l); break;
    default: rc = 1; break;
    }
    if (buf_flush(&l.out, stdout) != 0 || fflush(stdout) != 0 || l.write_error)
        rc = 2;
    if (o->stats && o->input != IN_SBS) {
        const struct modes_validate_stats *v = &l.val.stats;
        const struct modes_decode_stats *s = modes_decoder_stats(l.dec);
        fprintf(stderr,
                "validated: %llu\ncorrected 1 bit: %llu\ncorrected 2 bits: %llu\naddress/parity recovered: %llu\n"
                "address/parity unknown address: %llu\naddress/parity unverified, kept: %llu\nbad crc: %llu\nbad length: %llu\nunsupported df: %llu\n"
                "decoded: %llu\npositions global: %llu\npositions local: %llu\ncpr rejected range: %llu\n"
                "cpr rejected speed: %llu\n",
                (unsigned long long)v->ok, (unsigned long long)v->fixed1, (unsigned long long)v->fixed2,
                (unsigned long long)v->ap_recovered, (unsigned long long)v->ap_unknown,
                (unsigned long long)v->ap_unverified,
                (unsigned long long)v->bad_crc, (unsigned long long)v->bad_len,
                (unsigned long long)v->unsupported_df, (unsigned long long)s->decoded,
                (unsigned long long)s->cpr_global, (unsigned long long)s->cpr_local,
                (unsigned long long)s->cpr_range, (unsigned long long)s->cpr_speed);
    }
    buf_free(&l.out);
    modes_validator_free(&l.val);
    modes_decoder_free(l.dec);
    return rc;
}

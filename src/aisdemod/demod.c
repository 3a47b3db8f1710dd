/* demod.c: bytes -> samples -> two channels -> messages (the chain is
 * described in aisdemod.h). Stage 1 decimates by D1 to fs1 in [144k, 288k)
 * with a low-pass that keeps +-34 kHz (both channels); stage 2 mixes each
 * channel to 0 Hz and decimates by D2 to ~48-96 kS/s behind an 8 kHz
 * low-pass (GMSK BT 0.4 at 9600 baud is ~+-6 kHz wide). */
#include "aisdemod/aisd_int.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define BLOCK 8192 /* samples converted per step */

struct aisd {
    struct aisd_cfg cfg;
    struct aisd_stats st;
    int bps;                 /* bytes per input sample */
    uint8_t carry[8];        /* a sample split across feeds */
    int ncarry;
    int d1, d2;
    double fs1, fs_ch;
    double delay;            /* filter delay, input samples */
    struct aisd_fir s1, s2[2];
    struct aisd_chan *ch[2];
    double complex nco[2], step[2];
    double fm_phase;         /* FM audio: integrated discriminator */
    float *bi, *bq, *mi, *mq, *oi, *oq;
    int cur_ch;              /* the channel being searched, for on_found */
    aisd_cb cb;
    void *ctx;
};

static int odd_taps(double n) { return ((int)ceil(n)) | 1; }

struct aisd *aisd_new(const struct aisd_cfg *cfg)
{
    struct aisd *d = xcalloc(1, sizeof *d);
    d->cfg = *cfg;
    static const int bps[] = {[AISD_CU8] = 2, [AISD_CS8] = 2, [AISD_CS16] = 4, [AISD_CF32] = 8, [AISD_FM16] = 2};
    d->bps = bps[cfg->format];
    double fs = cfg->sample_rate;
    bool coherent = cfg->mode == AISD_COHERENT;
    if (cfg->format == AISD_FM16) {
        d->d1 = d->d2 = 1;
        d->fs_ch = fs;
        d->ch[0] = aisd_chan_new(fs, 0, false);
    } else {
        d->d1 = fs >= 288000 ? (int)(fs / 144000) : 1;
        d->fs1 = fs / d->d1;
        d->d2 = (int)(d->fs1 / 48000);
        d->fs_ch = d->fs1 / d->d2;
        int n1 = d->d1 > 1 ? odd_taps(5.5 * fs / (d->fs1 - 68000)) : 1;
        int n2 = odd_taps(5.5 * d->fs1 / 8000);
        aisd_fir_init(&d->s1, 0.5 / d->d1, n1, d->d1);
        for (int c = 0; c < 2; c++) {
            aisd_fir_init(&d->s2[c], 8000.0 / d->fs1, n2, d->d2);
            d->ch[c] = aisd_chan_new(d->fs_ch, c ? 'B' : 'A', coherent);
            d->nco[c] = 1;
            /* A sits at -25 kHz: turn it up by 25 kHz; B down. */
            d->step[c] = cexp(I * 2 * M_PI * (c ? -25000.0 : 25000.0) / d->fs1);
        }
        d->delay = (n1 - 1) / 2.0 + d->d1 * (n2 - 1) / 2.0;
    }
    size_t n = BLOCK + 8;
    d->bi = xcalloc(n, sizeof(float));
    d->bq = xcalloc(n, sizeof(float));
    d->mi = xcalloc(n, sizeof(float));
    d->mq = xcalloc(n, sizeof(float));
    d->oi = xcalloc(n, sizeof(float));
    d->oq = xcalloc(n, sizeof(float));
    return d;
}

void aisd_free(struct aisd *d)
{
    if (!d)
        return;
    aisd_fir_free(&d->s1);
    for (int c = 0; c < 2; c++) {
        aisd_fir_free(&d->s2[c]);
        aisd_chan_free(d->ch[c]);
    }
    free(d->bi);
    free(d->bq);
    free(d->mi);
    free(d->mq);
    free(d->oi);
    free(d->oq);
    free(d);
}

const struct aisd_stats *aisd_stats(const struct aisd *d) { return &d->st; }

/* Channel sample index -> message. */
static void on_found(void *ctx, const struct aisd_found *f)
{
    struct aisd *d = ctx;
    double in = f->at * d->d1 * d->d2 + d->delay;
    struct aisd_msg m = {
        .bits = f->bits,
        .nbits = f->nbits,
        .sample = in > 0 ? (uint64_t)in : 0,
        .coherent = f->coherent,
        .freq_hz = f->omega * AISD_BAUD / (2 * M_PI),
    };
    m.time_ms = d->cfg.start_ms + (int64_t)floor(m.sample * 1000.0 / d->cfg.sample_rate);
    m.level_db = d->cfg.format == AISD_FM16 ? NAN : f->power > 0 ? 10 * log10(f->power) : -200;
    m.channel = d->cfg.format == AISD_FM16 ? 0 : d->cur_ch ? 'B' : 'A';
    d->st.messages[d->cur_ch]++;
    d->st.coherent += f->coherent;
    d->cb(d->ctx, &m);
}

/* Converts n whole samples to floats in [-1, 1]; counts those at a rail. */
static void convert(struct aisd *d, const uint8_t *p, size_t n)
{
    uint64_t clip = 0;
    switch (d->cfg.format) {
    case AISD_CU8:
        for (size_t k = 0; k < n; k++) {
            uint8_t a = p[2 * k], b = p[2 * k + 1];
            clip += (a == 0 || a == 255 || b == 0 || b == 255);
            d->bi[k] = (a - 127.5f) * (1 / 127.5f);
            d->bq[k] = (b - 127.5f) * (1 / 127.5f);
        }
        break;
    case AISD_CS8:
        for (size_t k = 0; k < n; k++) {
            int8_t a = (int8_t)p[2 * k], b = (int8_t)p[2 * k + 1];
            clip += (a == -128 || a == 127 || b == -128 || b == 127);
            d->bi[k] = a * (1 / 128.0f);
            d->bq[k] = b * (1 / 128.0f);
        }
        break;
    case AISD_CS16:
        for (size_t k = 0; k < n; k++) {
            int16_t a = (int16_t)(p[4 * k] | p[4 * k + 1] << 8), b = (int16_t)(p[4 * k + 2] | p[4 * k + 3] << 8);
            clip += (a == -32768 || a == 32767 || b == -32768 || b == 32767);
            d->bi[k] = a * (1 / 32768.0f);
            d->bq[k] = b * (1 / 32768.0f);
        }
        break;
    case AISD_CF32:
        for (size_t k = 0; k < n; k++) {
            float a, b;
            memcpy(&a, p + 8 * k, 4);
            memcpy(&b, p + 8 * k + 4, 4);
            /* NaN and infinities are not samples: silence them, count them. */
            if (!isfinite(a) || !isfinite(b) || fabsf(a) > 1e6f || fabsf(b) > 1e6f) {
                a = b = 0;
                clip++;
            }
            d->bi[k] = a;
            d->bq[k] = b;
        }
        break;
    case AISD_FM16:
        /* rtl_fm writes the discriminator as angle / pi * 2^14; integrating
         * it gives back the phase, so the channel code sees a unit phasor. */
        for (size_t k = 0; k < n; k++) {
            int16_t a = (int16_t)(p[2 * k] | p[2 * k + 1] << 8);
            clip += a == -32768 || a == 32767;
            d->fm_phase = remainder(d->fm_phase + a * (M_PI / 16384.0), 2 * M_PI);
            d->bi[k] = (float)cos(d->fm_phase);
            d->bq[k] = (float)sin(d->fm_phase);
        }
        break;
    }
    d->st.clipped += clip;
    d->st.samples += n;
}

static void run_channels(struct aisd *d, bool final)
{
    for (int c = 0; c < 2 && d->ch[c]; c++) {
        d->cur_ch = c;
        aisd_chan_run(d->ch[c], final, &d->st, on_found, d);
    }
}

static void process(struct aisd *d, size_t n)
{
    if (d->cfg.format == AISD_FM16) {
        aisd_chan_push(d->ch[0], d->bi, d->bq, n);
        run_channels(d, false);
        return;
    }
    size_t m = aisd_fir_run(&d->s1, d->bi, d->bq, n, d->mi, d->mq);
    for (int c = 0; c < 2; c++) {
        /* The mixer's phasor in double, renormalised per block: float would drift. */
        double complex z = d->nco[c], st = d->step[c];
        for (size_t k = 0; k < m; k++) {
            float complex x = (d->mi[k] + I * d->mq[k]) * (float complex)z;
            d->bi[k] = crealf(x);
            d->bq[k] = cimagf(x);
            z *= st;
        }
        d->nco[c] = z / cabs(z);
        size_t o = aisd_fir_run(&d->s2[c], d->bi, d->bq, m, d->oi, d->oq);
        aisd_chan_push(d->ch[c], d->oi, d->oq, o);
    }
    run_channels(d, false);
}

void aisd_feed(struct aisd *d, const uint8_t *p, size_t n, aisd_cb cb, void *ctx)
{
    d->cb = cb;
    d->ctx = ctx;
    if (d->ncarry) {
        size_t take = (size_t)(d->bps - d->ncarry);
        if (take > n)
            take = n;
        memcpy(d->carry + d->ncarry, p, take);
        d->ncarry += (int)take;
        p += take;
        n -= take;
        if (d->ncarry < d->bps)
            return;
        convert(d, d->carry, 1);
        d->ncarry = 0;
        process(d, 1);
    }
    size_t bps = (size_t)d->bps;
    while (n >= bps) {
        size_t k = n / bps < BLOCK ? n / bps : BLOCK;
        convert(d, p, k);
        process(d, k);
        p += k * bps;
        n -= k * bps;
    }
    memcpy(d->carry, p, n);
    d->ncarry = (int)n;
}

void aisd_flush(struct aisd *d, aisd_cb cb, void *ctx)
{
    d->cb = cb;
    d->ctx = ctx;
    d->st.bytes_dropped += (uint64_t)d->ncarry;
    d->ncarry = 0;
    run_channels(d, true);
}

void aisd_print_stats(const struct aisd *d, FILE *f)
{
    const struct aisd_stats *s = &d->st;
    fprintf(f,
            "samples: %llu\nclipped samples: %llu\ntrailing bytes dropped: %llu\ncandidates: %llu\n"
            "crc failed: %llu\nrepaired: %llu\nbad length: %llu\nmessages A: %llu\nmessages B: %llu\ncoherent: %llu\n",
            (unsigned long long)s->samples, (unsigned long long)s->clipped,
            (unsigned long long)s->bytes_dropped, (unsigned long long)s->candidates,
            (unsigned long long)s->crc_fail, (unsigned long long)s->repaired, (unsigned long long)s->bad_length,
            (unsigned long long)s->messages[0], (unsigned long long)s->messages[1],
            (unsigned long long)s->coherent);
}

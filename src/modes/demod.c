/* demod.c: the preamble detector and bit slicer described in demod.h. */
#include "modes/demod.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "modes/crc.h"

#define BLOCK_SAMPLES 65536
#define FRAME_HALFBITS (16 + 2 * 112)

struct modes_demod {
    struct modes_demod_cfg cfg;
    double h;              /* samples per half-bit: 1.0 or 1.2 */
    int nphases;           /* sub-sample phases tried */
    unsigned window;       /* samples one whole long frame spans, plus interpolation margin */
    float *mag;            /* magnitudes, normalised to full scale 1.0 */
    size_t len, cap;
    uint64_t base;         /* sample index of mag[0] in the whole stream */
    uint8_t partial[4];    /* bytes of a sample split across feeds */
    unsigned npartial;
    float lut[256];        /* uc8: (x - 127.5) / 127.5 */
    struct modes_demod_stats stats;
};

int modes_demod_parse_cfg(const char *rate, const char *format, struct modes_demod_cfg *cfg)
{
    cfg->sample_rate = 2.4e6;
    cfg->format = MODES_IQ_UC8;
    if (rate) {
        double r = strtod(rate, NULL);
        if (r > 0 && r < 100)
            r *= 1e6; /* "2.4" or "2.4M" */
        if (fabs(r - 2.0e6) < 1 )
            cfg->sample_rate = 2.0e6;
        else if (fabs(r - 2.4e6) < 1)
            cfg->sample_rate = 2.4e6;
        else
            return -1;
    }
    if (format) {
        if (!strcmp(format, "uc8"))
            cfg->format = MODES_IQ_UC8;
        else if (!strcmp(format, "sc16"))
            cfg->format = MODES_IQ_SC16;
        else
            return -1;
    }
    return 0;
}

struct modes_demod *modes_demod_new(const struct modes_demod_cfg *cfg)
{
    struct modes_demod *d = xcalloc(1, sizeof *d);
    d->cfg = *cfg;
    d->h = cfg->sample_rate / 2.0e6;
    d->nphases = d->h == 1.0 ? 1 : 5;
    d->window = (unsigned)ceil(FRAME_HALFBITS * d->h) + 4;
    d->cap = BLOCK_SAMPLES + d->window;
    d->mag = xmalloc(d->cap * sizeof *d->mag);
    for (int i = 0; i < 256; i++)
        d->lut[i] = (float)((i - 127.5) / 127.5);
    return d;
}

void modes_demod_free(struct modes_demod *d)
{
    if (!d)
        return;
    free(d->mag);
    free(d);
}

const struct modes_demod_stats *modes_demod_stats(const struct modes_demod *d) { return &d->stats; }

/* Magnitude at fractional sample position t (linear interpolation). */
static inline float mag_at(const float *m, double t)
{
    size_t i = (size_t)t;
    float f = (float)(t - (double)i);
    return m[i] + (m[i + 1] - m[i]) * f;
}

/* The value of half-bit k of a frame starting at s (a fractional sample):
 * the magnitude at the centre of the half-bit. */
static inline float halfbit(const struct modes_demod *d, double s, int k)
{
    if (d->h == 1.0)
        return d->mag[(size_t)s + (size_t)k];
    return mag_at(d->mag, s + d->h * k + d->h / 2 - 0.5);
}

static bool preamble(const struct modes_demod *d, double s, float *high)
{
    float v[16];
    for (int k = 0; k < 16; k++)
        v[k] = halfbit(d, s, k);
    /* Pulses higher than their neighbours... */
    if (!(v[0] > v[1] && v[2] > v[1] && v[2] > v[3] && v[7] > v[6] && v[7] > v[8] && v[9] > v[8] && v[0] > v[3] &&
          v[9] > v[6]))
        return false;
    /* ...and the gaps between and after them quiet compared with the pulses. */
    float h = (v[0] + v[2] + v[7] + v[9]) / 6.0f;
    if (v[4] >= h || v[5] >= h)
        return false;
    if (v[11] >= h || v[12] >= h || v[13] >= h || v[14] >= h)
        return false;
    *high = h * 1.5f;
    return true;
}

struct candidate {
    uint8_t msg[14];
    int len;
    float score;   /* sum of |first - second| half-bit differences, per bit */
    float power;   /* mean power of the pulses */
    bool crc_ok;
};

static int frame_bytes_for_df(unsigned df)
{
    switch (df) {
    case 0: case 4: case 5: case 11: return 7;
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: return 14;
    default: return df >= 24 ? 14 : 0;
    }
}

static bool slice(const struct modes_demod *d, double s, struct candidate *c)
{
    memset(c->msg, 0, sizeof c->msg);
    double power = 0;
    float score = 0;
    int nbits = 112;
    for (int i = 0; i < nbits; i++) {
        float a = halfbit(d, s, 16 + 2 * i), b = halfbit(d, s, 17 + 2 * i);
        if (a > b) {
            c->msg[i >> 3] |= (uint8_t)(0x80u >> (i & 7));
            power += (double)a * a;
        } else {
            power += (double)b * b;
        }
        score += fabsf(a - b);
        if (i == 4) {
            c->len = frame_bytes_for_df(c->msg[0] >> 3);
            if (!c->len)
                return false;
            nbits = c->len * 8;
        }
    }
    c->score = score / (float)nbits;
    c->power = (float)(power / nbits);
    unsigned df = c->msg[0] >> 3;
    if (df == 11 || df == 17 || df == 18) {
        uint32_t r = modes_crc_residual(c->msg, nbits);
        c->crc_ok = df == 11 ? (r & 0xFFFF80u) == 0 : r == 0;
        if (!c->crc_ok) {
            uint8_t tmp[14];
            memcpy(tmp, c->msg, sizeof tmp);
            c->crc_ok = modes_crc_fix(tmp, nbits, 1) == 1;
        }
    } else {
        c->crc_ok = false;
    }
    return true;
}

/* Examines every start position that leaves room for a whole frame; returns
 * the number of samples fully examined. */
static size_t scan(struct modes_demod *d, size_t limit, modes_frame_cb cb, void *ctx)
{
    size_t j = 0;
    while (j + d->window + 8 <= limit) {
        float high;
        struct candidate best = {.len = 0}, c;
        double best_s = 0;
        bool found = false;
        /* A preamble shape often matches a sample or two early as well: look
         * at the next few start positions too and keep the best reading, so a
         * weaker early match never swallows the real frame. */
        size_t span = 1;
        for (size_t k = 0; k < span && j + k + d->window <= limit; k++) {
            for (int p = 0; p < d->nphases; p++) {
                double s = (double)(j + k) + p * 0.2;
                if (!preamble(d, s, &high))
                    continue;
                d->stats.preambles++;
                if (!slice(d, s, &c))
                    continue;
                /* A CRC-clean reading beats any other; otherwise the clearest bits. */
                if (!found || (c.crc_ok && !best.crc_ok) || (c.crc_ok == best.crc_ok && c.score > best.score)) {
                    best = c;
                    best_s = s;
                    if (!found)
                        span = k + (size_t)ceil(4 * d->h) + 1;
                    found = true;
                }
            }
        }
        if (!found) {
            j++;
            continue;
        }
        if (!best.crc_ok) {
            /* Address/parity formats cannot be checked here: hand them on only
             * when the bits were decided clearly (weak ones are noise). */
            unsigned df = best.msg[0] >> 3;
            bool ap = df == 0 || df == 4 || df == 5 || df == 16 || df == 20 || df == 21;
            if (!ap || best.score < 0.25f * sqrtf(best.power)) {
                d->stats.rejected++;
                j = (size_t)best_s + 1;
                continue;
            }
        }
        struct modes_frame f;
        memset(&f, 0, sizeof f);
        f.source = MODES_SRC_IQ;
        f.len = (uint8_t)best.len;
        memcpy(f.msg, best.msg, (size_t)best.len);
        memcpy(f.verbatim, best.msg, (size_t)best.len);
        f.sample_offset = d->base + (uint64_t)best_s;
        f.ts12 = (uint64_t)llround((double)(d->base) * 12e6 / d->cfg.sample_rate + best_s * 12e6 / d->cfg.sample_rate);
        f.time_ms = MODES_NO_TIME;
        f.signal = best.power > 0 ? 10.0 * log10(best.power) : NAN;
        d->stats.frames++;
        cb(ctx, &f);
        /* Skip a CRC-checked frame whole. An address/parity frame cannot be
         * checked here and may be noise that merely looks like one, so only
         * its preamble is skipped: a real frame starting inside it is still
         * found (the validator drops the noise by its unknown address). */
        j = (size_t)best_s + (size_t)((best.crc_ok ? 16 + 2 * 8 * best.len : 16) * d->h);
    }
    return j;
}

static size_t convert(struct modes_demod *d, const uint8_t *p, size_t n, float *out, size_t max)
{
    size_t k = 0;
    if (d->cfg.format == MODES_IQ_UC8) {
        for (size_t i = 0; i + 1 < n && k < max; i += 2, k++) {
            float I = d->lut[p[i]], Q = d->lut[p[i + 1]];
            out[k] = sqrtf(I * I + Q * Q);
        }
    } else {
        for (size_t i = 0; i + 3 < n && k < max; i += 4, k++) {
            float I = (float)(int16_t)(p[i] | p[i + 1] << 8) / 32768.0f;
            float Q = (float)(int16_t)(p[i + 2] | p[i + 3] << 8) / 32768.0f;
            out[k] = sqrtf(I * I + Q * Q);
        }
    }
    return k;
}

static void process(struct modes_demod *d, modes_frame_cb cb, void *ctx, bool final)
{
    size_t limit = d->len;
    if (final) {
        /* Pad with silence so the last real samples can start a frame check. */
        while (d->len < d->cap && d->len < limit + d->window)
            d->mag[d->len++] = 0.0f;
    }
    size_t done = scan(d, final ? d->len : limit, cb, ctx);
    if (final)
        done = d->len;
    memmove(d->mag, d->mag + done, (d->len - done) * sizeof *d->mag);
    d->len -= done;
    d->base += done;
}

void modes_demod_feed(struct modes_demod *d, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx)
{
    size_t sample_bytes = d->cfg.format == MODES_IQ_UC8 ? 2 : 4;
    /* Complete a sample split across calls. */
    while (d->npartial && n) {
        d->partial[d->npartial++] = *p++;
        n--;
        if (d->npartial == sample_bytes) {
            d->len += convert(d, d->partial, sample_bytes, d->mag + d->len, 1);
            d->stats.samples++;
            d->npartial = 0;
        }
    }
    while (n >= sample_bytes) {
        size_t room = d->cap - d->len;
        size_t take = n / sample_bytes;
        if (take > room)
            take = room;
        size_t got = convert(d, p, take * sample_bytes, d->mag + d->len, take);
        d->len += got;
        d->stats.samples += got;
        p += got * sample_bytes;
        n -= got * sample_bytes;
        if (d->len == d->cap)
            process(d, cb, ctx, false);
    }
    while (n) {
        d->partial[d->npartial++] = *p++;
        n--;
    }
}

void modes_demod_flush(struct modes_demod *d, modes_frame_cb cb, void *ctx)
{
    if (d->len)
        process(d, cb, ctx, true);
}

void modes_demod_print_stats(const struct modes_demod *d, FILE *f)
{
    fprintf(f, "iq samples: %llu\npreambles: %llu\ncandidate frames: %llu\nrejected preambles: %llu\n",
            (unsigned long long)d->stats.samples, (unsigned long long)d->stats.preambles,
            (unsigned long long)d->stats.frames, (unsigned long long)d->stats.rejected);
}

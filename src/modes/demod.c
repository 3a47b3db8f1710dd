/* demod.c: the preamble detector and bit slicer described in demod.h. */
#include "modes/demod.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "modes/crc.h"
#include "modes/demod_mag.h"
#include "modes/demod_pre.h"

/* Samples per block: its interpolated half-bits (20 bytes a sample at
 * 2.4 MS/s) stay in L2 for the reads that follow. */
#define BLOCK_SAMPLES 16384
#define FRAME_HALFBITS (16 + 2 * 112)

/* At 2.4 MS/s a half-bit is 1.2 samples and a start phase is a multiple of
 * 0.2 samples, so every half-bit centre a frame can have lies at i + 0.1 +
 * 0.2q (q = 0..4) for some sample i. Interpolating the magnitudes once at
 * those five points per sample ("up", 12 MHz) turns every half-bit read into
 * an index: half-bit k of a frame starting at sample j, phase p, is
 * up[UP * j + p + STEP * k] with UP = 5, STEP = 6. */
#define UP24 5
#define STEP24 6
/* At 2.0 MS/s a half-bit is one sample, but a frame may start anywhere
 * between two samples; near the middle every sample straddles two
 * half-bits, and the mean of neighbouring samples reads them better: two
 * phases, UP = STEP = 2, up[2i] = mag[i], up[2i + 1] = the mean of mag[i]
 * and mag[i + 1] (modes1.bin: 274 frames instead of 265, at twice the cost). */
#define UP20 2
#define STEP20 2

struct modes_demod {
    struct modes_demod_cfg cfg;
    double h;              /* samples per half-bit: 1.0 or 1.2 */
    unsigned up, step;     /* see UP24 / STEP24, UP20 / STEP20 above */
    unsigned window;       /* samples one whole long frame spans, plus interpolation margin */
    float *mag;            /* magnitudes, normalised to full scale 1.0 */
    float *upbuf;          /* magnitudes at the half-bit centres, up per sample */
    const float *u;        /* upbuf */
    uint64_t *cand;        /* bit per sample: set where a preamble starts (demod_pre.h) */
    uint8_t *phases;       /* ... and at which phases, where cand is set */
    size_t sifted;         /* words of cand sifted or passed over by the scan */
    size_t len, cap;
    uint64_t base;         /* sample index of mag[0] in the whole stream */
    uint8_t partial[4];    /* bytes of a sample split across feeds */
    unsigned npartial;
    float *maglut;         /* uc8: magnitude of every (I, Q) byte pair, indexed I | Q << 8 */
    struct modes_demod_stats stats;
};

int modes_demod_parse_cfg(const char *rate, const char *format, struct modes_demod_cfg *cfg)
{
    cfg->sample_rate = 2.4e6;
    cfg->format = MODES_IQ_UC8;
    cfg->fix2 = false;
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
    d->up = d->h == 1.0 ? UP20 : UP24;
    d->step = d->h == 1.0 ? STEP20 : STEP24;
    d->window = (unsigned)ceil(FRAME_HALFBITS * d->h) + 4;
    d->cap = BLOCK_SAMPLES + d->window;
    /* Zeroed: the candidate pass reads a little past the filled part. */
    d->mag = xcalloc(d->cap, sizeof *d->mag);
    d->upbuf = xcalloc(d->cap * d->up, sizeof *d->upbuf);
    d->u = d->upbuf;
    d->cand = xcalloc(d->cap / 64 + 2, sizeof *d->cand);
    d->phases = xcalloc(d->cap, sizeof *d->phases);
    if (cfg->format == MODES_IQ_UC8)
        d->maglut = demod_mag_lut_new();
    return d;
}

void modes_demod_free(struct modes_demod *d)
{
    if (!d)
        return;
    free(d->mag);
    free(d->upbuf);
    free(d->cand);
    free(d->phases);
    free(d->maglut);
    free(d);
}

const struct modes_demod_stats *modes_demod_stats(const struct modes_demod *d) { return &d->stats; }

/* Half-bits of a frame: u points at the frame's half-bit 0, step apart. */
#define HB(k) u[(size_t)(k) * step]

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

/* Reads the frame at u into c. rival: the best reading so far, or NULL; a
 * reading that cannot beat a CRC-clean rival (its score is no higher) skips
 * the CRC and is marked not clean. */
static bool slice(const float *u, size_t step, int max_fix, const struct candidate *rival, struct candidate *c)
{
    /* Branch-free: on noise every bit decision is a coin toss, and a branch
     * per bit would be mispredicted half the time (most slices are noise). */
    memset(c->msg, 0, sizeof c->msg);
    float power = 0, score = 0;
    int nbytes = 1;
    for (int j = 0; j < nbytes; j++) {
        unsigned byte = 0;
        for (int k = 0; k < 8; k++) {
            int i = 8 * j + k;
            float a = HB(16 + 2 * i), b = HB(17 + 2 * i);
            unsigned bit = a > b;
            byte = byte << 1 | bit;
            float m = bit ? a : b;
            power += m * m;
            score += fabsf(a - b);
        }
        c->msg[j] = (uint8_t)byte;
        if (j == 0) {
            c->len = frame_bytes_for_df(byte >> 3);
            if (!c->len)
                return false;
            nbytes = c->len;
        }
    }
    int nbits = 8 * nbytes;
    c->score = score / (float)nbits;
    c->power = power / (float)nbits;
    c->crc_ok = false;
    if (rival && rival->crc_ok && !(c->score > rival->score))
        return true;
    unsigned df = c->msg[0] >> 3;
    if (df == 11 || df == 17 || df == 18) {
        uint32_t r = modes_crc_residual(c->msg, nbits);
        c->crc_ok = df == 11 ? (r & 0xFFFF80u) == 0 : r == 0;
        if (!c->crc_ok) {
            uint8_t tmp[14];
            memcpy(tmp, c->msg, sizeof tmp);
            c->crc_ok = modes_crc_fix(tmp, nbits, max_fix) > 0;
        }
    }
    return true;
}

/* Word i of cand, sifted on first use. The scan only moves forward, so the
 * words it jumps over (inside frames it decoded) are never sifted. */
static inline uint64_t cand_word(struct modes_demod *d, size_t i)
{
    if (i >= d->sifted) {
        demod_preamble_sift(d->u, d->cand, i, i + 1, d->up == UP24, d->phases);
        d->sifted = i + 1;
    }
    return d->cand[i];
}

static inline bool is_cand(struct modes_demod *d, size_t j) { return (cand_word(d, j / 64) >> (j % 64)) & 1u; }

/* First candidate sample >= x, or n when there is none. */
static size_t next_cand(struct modes_demod *d, size_t x, size_t n)
{
    if (x >= n)
        return n;
    size_t i = x / 64;
    uint64_t w = cand_word(d, i) & (~UINT64_C(0) << (x % 64));
    while (!w) {
        if (++i * 64 >= n)
            return n;
        w = cand_word(d, i);
    }
    size_t r = i * 64 + (size_t)__builtin_ctzll(w);
    return r < n ? r : n;
}

/* Examines every start position that leaves room for a whole frame; returns
 * the number of samples fully examined. */
static size_t scan(struct modes_demod *d, size_t limit, modes_frame_cb cb, void *ctx)
{
    bool rate24 = d->up == UP24;
    /* Start samples j with j + window + 8 <= limit. */
    size_t n = limit >= d->window + 8 ? limit - d->window - 7 : 0;
    demod_prefilter(d->mag, n, rate24, d->cand);
    d->sifted = 0;
    size_t j = 0;
    while (j < n) {
        j = next_cand(d, j, n);
        if (j >= n)
            break;
        struct candidate best = {.len = 0}, c;
        double best_s = 0;
        bool found = false;
        /* A preamble shape often matches a sample or two early as well: look
         * at the next few start positions too (pre-filtered or not) and keep
         * the best reading, so a weaker early match never swallows the real
         * frame. */
        size_t span = 1;
        for (size_t k = 0; k < span && j + k + d->window <= limit; k++) {
            /* Positions after the first may have failed the pre-filter only: test them whole. */
            unsigned phases = is_cand(d, j + k) ? d->phases[j + k] : k ? demod_preamble_phases(d->u, j + k, rate24) : 0;
            for (; phases; phases &= phases - 1) {
                unsigned p = (unsigned)__builtin_ctz(phases);
                const float *u = d->u + (j + k) * d->up + p;
                double s = (double)(j + k) + p / (double)d->up;
                d->stats.preambles++;
                if (!slice(u, d->step, d->cfg.fix2 ? 2 : 1, found ? &best : NULL, &c))
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
             * when the bits were decided clearly (weak ones are noise; no
             * energy at all, as in the silence padded at the end, is none). */
            unsigned df = best.msg[0] >> 3;
            bool ap = df == 0 || df == 4 || df == 5 || df == 16 || df == 20 || df == 21;
            if (!ap || !(best.power > 0) || best.score < 0.25f * sqrtf(best.power)) {
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
    size_t k = n / (d->maglut ? 2 : 4);
    if (k > max)
        k = max;
    if (d->maglut)
        demod_mag_uc8(d->maglut, p, k, out);
    else
        demod_mag_sc16(p, k, out);
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
    /* The whole block: candidates come every few dozen samples even on a
     * quiet channel, so interpolating on demand touched 90 % of it anyway
     * and cost more. */
    if (d->len > 1) {
        if (d->up == UP24)
            demod_upsample24(d->mag, d->upbuf, 0, d->len - 1);
        else
            demod_upsample20(d->mag, d->upbuf, 0, d->len - 1);
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

/* chan.c: one AIS channel at ~5 samples per symbol: burst search and
 * demodulation.
 *
 * Search. GMSK with modulation index 1/2 turns the carrier phase by about
 * +-90 degrees per symbol, so the sign of Im(y(t) conj(y(t - T))) between
 * two symbol boundaries (samples smoothed over half a symbol, the
 * receiver's known carrier offset undone) is the symbol's level; NRZI makes
 * the bit "level unchanged". NPHASE searchers read the boundaries at timing
 * phases T / NPHASE apart, each shifting its bits into a register, and a
 * burst is a register ending in the last 16 bits of the training sequence
 * and the start flag 01111110, two wrong bits allowed.
 *
 * Demodulation. The symbols are re-read around the searcher's timing at a
 * few offsets; the first reading whose frame passes the CRC wins:
 *  - coherent: training and flag are known bits, which give the carrier
 *    offset w and the phase (data-aided); a PLL runs through them on the
 *    known decisions, then on through the data deciding s_k, the sign of
 *    the real part of the matched filter's output times exp(-j(wk + theta))
 *    (-j)^k; the NRZI bit is s_k == s_(k-2) (Laurent's main pulse: GMSK as
 *    offset QPSK). A burst that no reading passes gets one repair pass.
 *  - non-coherent: the differential detector on point samples, w removed.
 * Samples are held from HISTORY before the slowest searcher (the training
 * is read backwards from the flag) to LOOKAHEAD past it (a 5-slot burst).
 */
#include "aisdemod/aisd_int.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

#define NPHASE 4
#define PRE_SYMBOLS 32     /* training 24 + start flag 8, read back from the flag's end */
#define MAX_RAW_BITS ((AISD_MAX_PAYLOAD_BITS + 16) * 6 / 5 + 8)
#define MAX_FRAME_BITS (AISD_MAX_PAYLOAD_BITS + 16 + 8)

struct searcher {
    double t;            /* next symbol boundary, channel sample index */
    float complex prev;  /* the sample at the previous boundary */
    int level;
    uint32_t sr;
    double pend_t;       /* a match waiting to see whether a closer one follows */
    int pend_err, pend_age;
};

struct aisd_chan {
    char letter;
    bool coherent;
    double sps;
    float complex *x;    /* x[0] is channel sample `base` */
    float complex *xs;   /* x smoothed over `box` samples for the search, delayed by `lag` */
    int box;
    double lag;
    size_t len, cap;
    uint64_t base;
    double history, lookahead; /* in samples */
    struct searcher s[NPHASE];
    double busy_until;   /* a burst was decoded up to here: no search triggers before */
    float complex derot; /* the receiver's carrier offset per symbol, undone in the search:
                          * an average of the decoded bursts' (a dongle's ppm error
                          * moves them all alike) */
    double fail_at;      /* the last candidate that failed: its neighbours are the same */
    uint8_t raw[MAX_RAW_BITS + 8];
    /* The last coherent reading: decisions (two from the flag first) and
     * their margins, for the one- and two-symbol repairs. */
    int8_t sd[MAX_RAW_BITS + 64];
    float rel[MAX_RAW_BITS + 64];
    unsigned nsd;
    double quality;
    uint8_t payload[AISD_MAX_PAYLOAD_BITS / 8 + 1];
};

struct aisd_chan *aisd_chan_new(double rate, char letter, bool coherent)
{
    struct aisd_chan *c = xcalloc(1, sizeof *c);
    c->letter = letter;
    c->coherent = coherent;
    c->sps = rate / AISD_BAUD;
    c->history = (PRE_SYMBOLS + 4) * c->sps + 4;
    c->lookahead = (MAX_RAW_BITS + 16) * c->sps + 4;
    c->cap = (size_t)(c->history + c->lookahead) + (1u << 15);
    c->x = xcalloc(c->cap, sizeof *c->x);
    c->xs = xcalloc(c->cap, sizeof *c->xs);
    /* Half a symbol: less noise for the search, little ISI for its
     * one-symbol differential. */
    c->box = c->sps >= 3 ? (int)lround(c->sps / 2) : 1;
    c->lag = (c->box - 1) / 2.0;
    for (int p = 0; p < NPHASE; p++) {
        c->s[p].t = c->history + p * c->sps / NPHASE;
        c->s[p].level = 1;
    }
    c->busy_until = c->fail_at = -1e30;
    c->derot = 1;
    return c;
}

void aisd_chan_free(struct aisd_chan *c)
{
    if (!c)
        return;
    free(c->x);
    free(c->xs);
    free(c);
}

/* Linear interpolation in x (or xs) at channel sample index t. */
static inline float complex interp(const struct aisd_chan *c, const float complex *x, double t)
{
    double r = t - (double)c->base;
    if (r < 0)
        r = 0;
    size_t i = (size_t)r;
    if (i + 1 >= c->len)
        return c->len ? x[c->len - 1] : 0;
    float f = (float)(r - (double)i);
    return x[i] + f * (x[i + 1] - x[i]);
}
static inline float complex at(const struct aisd_chan *c, double t) { return interp(c, c->x, t); }
static inline float complex smooth(const struct aisd_chan *c, double t) { return interp(c, c->xs, t + c->lag); }

/* The matched filter of one MSK half-symbol pair: the samples within one
 * symbol of boundary t, weighted by cos(pi tau / 2T) (the pulse that
 * carries the boundary's decision in MSK's offset-QPSK form) and turned back
 * by the carrier offset w (radians per symbol). Twice the energy of a point
 * sample, and a noise bandwidth of about the symbol rate. */
static float complex matched(const struct aisd_chan *c, double t, float w)
{
    double r = t - (double)c->base;
    long lo = (long)ceil(r - c->sps), hi = (long)floor(r + c->sps);
    if (lo < 0)
        lo = 0;
    if (hi >= (long)c->len)
        hi = (long)c->len - 1;
    float complex acc = 0;
    for (long i = lo; i <= hi; i++) {
        float tau = (float)((i - r) / c->sps); /* in symbols, -1..1 */
        acc += c->x[i] * (cosf((float)M_PI_2 * tau) * cexpf(-I * w * tau));
    }
    return acc;
}

/* (-j)^k for any integer k. */
static inline float complex mj_pow(long k)
{
    static const float complex t[4] = {1, -I, -1, I};
    return t[((k % 4) + 4) % 4];
}

/* HDLC after the start flag: de-stuffs raw bits into c->raw until the end
 * flag. Returns the frame length in bits on the end flag, -1 before it,
 * -2 when the frame is impossible (too long). */
struct destuff {
    unsigned n, ones;
};
static inline int destuff_bit(struct aisd_chan *c, struct destuff *d, unsigned b)
{
    if (b) {
        c->raw[d->n++] = 1;
        if (++d->ones == 6)
            return d->n >= 7 ? (int)(d->n - 7) : -2;
    } else {
        if (d->ones != 5)
            c->raw[d->n++] = 0;
        d->ones = 0;
    }
    return d->n > MAX_FRAME_BITS ? -2 : -1;
}

/* One reading of the burst whose start flag ends at boundary t0 + tau.
 * Returns the payload length in bits (payload in c->payload), or < 0. */
static int read_burst(struct aisd_chan *c, double t0, bool coherent, double *power, double *omega,
                      struct aisd_stats *st)
{
    double end = (double)c->base + (double)c->len - 2;
    float complex y[PRE_SYMBOLS + 1];
    for (int k = 0; k <= PRE_SYMBOLS; k++)
        y[k] = at(c, t0 - (PRE_SYMBOLS - k) * c->sps); /* y[PRE_SYMBOLS] is the flag's end */
    /* Training and flag are known bits, so their levels are known up to
     * sign: undoing the +-90 degree turn of each symbol leaves the carrier
     * offset, exp(jw) per symbol (a data-aided estimate; squaring, which
     * needs no levels, loses several dB at low SNR). The wrong sign gives
     * -exp(jw): the right one is that with |w| < 90 degrees (2.4 kHz). */
    static const int8_t lv[PRE_SYMBOLS + 1] = {
        0, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1,
        1, 1, -1, -1, 1, 1, -1, -1, 1, 1, 1, 1, 1, 1, 1, -1};
    float complex up = 0;
    for (int k = 1; k <= PRE_SYMBOLS; k++)
        up += y[k] * conjf(y[k - 1]) * (lv[k] > 0 ? -I : I);
    int sign = crealf(up) >= 0 ? 1 : -1;
    float complex best = up * (float)sign;
    float w = cabsf(best) > 0 ? cargf(best) : 0;
    float complex rot = cexpf(-I * w), r = 1;
    struct destuff ds = {0, 0};
    double pw = 0;
    unsigned nsym = 0;
    int rc = -1;
    if (coherent) {
        /* Phase from training and flag: after (-j)^k the boundary samples
         * are real with known signs S_k = S_(k-1) * level_k. */
        float complex a1 = 0, zp[PRE_SYMBOLS + 1];
        int sk = 1, s2 = 1, s1 = 1, known[PRE_SYMBOLS + 1];
        for (int k = 0; k <= PRE_SYMBOLS; k++) {
            zp[k] = matched(c, t0 - (PRE_SYMBOLS - k) * c->sps, w) * r * mj_pow(k);
            r *= rot;
            if (k)
                sk *= lv[k] * sign;
            known[k] = sk;
            a1 += zp[k] * (float)sk;
            s2 = s1;
            s1 = sk; /* the flag's last two decisions are known, not decided */
        }
        float complex ph = cabsf(a1) > 0 ? conjf(a1) / cabsf(a1) : 1;
        float dw = 0, qa = 0, qb = 0;
        /* That phase is the preamble's mean, at its middle: a small error in
         * w moves its end. The PLL runs through the preamble on the known
         * decisions first, so that it meets the data locked (about +2 dB). */
        for (int k = 0; k <= PRE_SYMBOLS; k++) {
            float complex zz = zp[k] * ph;
            float mag = cabsf(zz);
            if (mag > 0) {
                float e = cimagf(zz) * (float)known[k] / mag;
                dw += 0.006f * e;
                ph *= cexpf(-I * (0.2f * e + dw));
            }
        }
        long k = PRE_SYMBOLS + 1;
        c->sd[0] = (int8_t)s2;
        c->sd[1] = (int8_t)s1;
        c->rel[0] = c->rel[1] = 1e30f;
        c->nsd = 2;
        /* A few symbols past the end flag are kept for the repairs: a wrong
         * decision can end the frame early. */
        int extra = 24;
        for (double t = t0 + c->sps; (rc == -1 || extra-- > 0) && t < end && c->nsd < sizeof c->sd; t += c->sps, k++) {
            float complex v = at(c, t);
            pw += crealf(v * conjf(v));
            nsym++;
            float complex zz = matched(c, t, w) * r * mj_pow(k) * ph;
            r *= rot;
            int s = crealf(zz) >= 0 ? 1 : -1;
            float mag = cabsf(zz);
            if (mag > 0) {
                /* Decision-directed PLL, second order (phase and residual frequency). */
                float e = cimagf(zz) * (float)s / mag;
                dw += 0.006f * e;
                ph *= cexpf(-I * (0.2f * e + dw));
            }
            c->sd[c->nsd] = (int8_t)s;
            c->rel[c->nsd++] = fabsf(crealf(zz));
            qa += fabsf(crealf(zz));
            qb += mag;
            if (rc == -1)
                rc = destuff_bit(c, &ds, s == s2);
            s2 = s1;
            s1 = s;
        }
        c->quality = qb > 0 ? qa / qb : 0;
    } else {
        int lvl = cimagf(y[PRE_SYMBOLS] * conjf(y[PRE_SYMBOLS - 1]) * rot) >= 0 ? 1 : -1;
        float complex prev = y[PRE_SYMBOLS];
        for (double t = t0 + c->sps; rc == -1 && t < end; t += c->sps) {
            float complex v = at(c, t);
            pw += crealf(v * conjf(v));
            nsym++;
            int l = cimagf(v * conjf(prev) * rot) >= 0 ? 1 : -1;
            rc = destuff_bit(c, &ds, l == lvl);
            lvl = l;
            prev = v;
        }
    }
    if (rc < 0)
        return -1;
    int n = aisd_hdlc_unpack(c->raw, (unsigned)rc, c->payload);
    if (n == -2 && st)
        st->bad_length++;
    *power = nsym ? pw / nsym : 0;
    *omega = w;
    return n;
}

/* Message types whose length is fixed (ITU-R M.1371-5): a repaired frame
 * must have its type's length, on top of the CRC, so that trying a few
 * flips cannot let noise through. */
static bool standard_length(const uint8_t *payload, int nbits)
{
    switch (payload[0] >> 2) {
    case 1: case 2: case 3: case 4: case 9: case 11: case 18: return nbits == 168;
    case 5: return nbits == 424;
    case 19: return nbits == 312;
    case 24: return nbits == 160 || nbits == 168;
    case 27: return nbits == 96;
    default: return false;
    }
}

/* De-stuffs and checks the NRZI bits of decisions c->sd. */
static int check_decisions(struct aisd_chan *c)
{
    struct destuff ds = {0, 0};
    int rc = -1;
    for (unsigned i = 2; i < c->nsd && rc == -1; i++)
        rc = destuff_bit(c, &ds, c->sd[i] == c->sd[i - 2]);
    return rc < 0 ? -1 : aisd_hdlc_unpack(c->raw, (unsigned)rc, c->payload);
}

/* The last coherent reading with its weakest decision, or two of its four
 * weakest, flipped (one wrong decision is two wrong NRZI bits). Returns
 * the payload length, or -1. */
static int repair(struct aisd_chan *c)
{
    enum { WEAK = 5 };
    unsigned w[WEAK];
    int nw = 0;
    for (unsigned i = 2; i < c->nsd; i++) {
        int j = nw < WEAK ? nw++ : WEAK;
        if (j == WEAK && c->rel[i] >= c->rel[w[WEAK - 1]])
            continue;
        if (j == WEAK)
            j = WEAK - 1;
        while (j > 0 && c->rel[w[j - 1]] > c->rel[i]) {
            w[j] = w[j - 1];
            j--;
        }
        w[j] = i;
    }
    for (int a = 0; a < nw; a++)
        for (int b = a; b < nw && b < 4; b++) {
            c->sd[w[a]] = (int8_t)-c->sd[w[a]];
            if (b != a)
                c->sd[w[b]] = (int8_t)-c->sd[w[b]];
            int n = check_decisions(c);
            c->sd[w[a]] = (int8_t)-c->sd[w[a]];
            if (b != a)
                c->sd[w[b]] = (int8_t)-c->sd[w[b]];
            if (n > 0 && standard_length(c->payload, n))
                return n;
        }
    return -1;
}

static void found(struct aisd_chan *c, const struct aisd_found *f, aisd_found_cb cb, void *ctx)
{
    float w = cargf(c->derot);
    w -= 0.25f * (w + (float)f->omega);
    c->derot = cexpf(I * w);
    c->busy_until = f->at + (f->nbits + 16 + 8) * c->sps; /* the end flag is at least this far on */
    cb(ctx, f);
}

static bool try_burst(struct aisd_chan *c, double t0, struct aisd_stats *st, aisd_found_cb cb, void *ctx)
{
    static const double taus[] = {0, -0.125, 0.125, -0.25, 0.25, -0.375, 0.375, 0.5};
    st->candidates++;
    double best_q = -1, best_t = t0;
    for (size_t i = 0; i < sizeof taus / sizeof taus[0]; i++) {
        for (int m = c->coherent ? 0 : 1; m < 2; m++) {
            double t = t0 + taus[i] * c->sps, power, omega;
            int n = read_burst(c, t, m == 0, &power, &omega, i == 0 && m == 1 ? st : NULL);
            if (m == 0 && c->quality > best_q)
                best_q = c->quality, best_t = t;
            if (n <= 0)
                continue;
            struct aisd_found f = {.bits = c->payload, .nbits = (unsigned)n, .at = t, .power = power,
                                   .omega = omega, .coherent = m == 0};
            found(c, &f, cb, ctx);
            return true;
        }
    }
    if (c->coherent) {
        /* Repairs on the cleanest coherent reading only. */
        double power, omega;
        read_burst(c, best_t, true, &power, &omega, NULL);
        int n = repair(c);
        if (n > 0) {
            struct aisd_found f = {.bits = c->payload, .nbits = (unsigned)n, .at = best_t, .power = power,
                                   .omega = omega, .coherent = true};
            st->repaired++;
            found(c, &f, cb, ctx);
            return true;
        }
    }
    st->crc_fail++;
    return false;
}

void aisd_chan_push(struct aisd_chan *c, const float *i, const float *q, size_t n)
{
    if (c->len + n > c->cap) {
        /* Drop what every searcher has passed, less the history. */
        double tmin = c->s[0].t;
        for (int p = 1; p < NPHASE; p++)
            if (c->s[p].t < tmin)
                tmin = c->s[p].t;
        double keep_from = tmin - c->history - c->sps;
        size_t drop = keep_from > (double)c->base ? (size_t)(keep_from - (double)c->base) : 0;
        if (drop > c->len)
            drop = c->len;
        memmove(c->x, c->x + drop, (c->len - drop) * sizeof *c->x);
        memmove(c->xs, c->xs + drop, (c->len - drop) * sizeof *c->xs);
        c->len -= drop;
        c->base += drop;
        if (c->len + n > c->cap) {
            c->cap = (c->len + n) * 2;
            c->x = xrealloc(c->x, c->cap * sizeof *c->x);
            c->xs = xrealloc(c->xs, c->cap * sizeof *c->xs);
        }
    }
    for (size_t k = 0; k < n; k++) {
        size_t j = c->len + k;
        c->x[j] = i[k] + I * q[k];
        float complex acc = 0;
        for (size_t m = 0; m < (size_t)c->box && m <= j; m++)
            acc += c->x[j - m];
        c->xs[j] = acc * (1.0f / (float)c->box);
    }
    c->len += n;
}

void aisd_chan_run(struct aisd_chan *c, bool final, struct aisd_stats *st, aisd_found_cb cb, void *ctx)
{
    double limit = (double)c->base + (double)c->len - 2 - (final ? 0 : c->lookahead);
    for (;;) {
        /* Advance the searcher that is furthest behind, so that candidates
         * come in time order across phases. */
        int p = 0;
        for (int k = 1; k < NPHASE; k++)
            if (c->s[k].t < c->s[p].t)
                p = k;
        struct searcher *s = &c->s[p];
        if (s->t >= limit)
            break;
        float complex v = smooth(c, s->t);
        int l = cimagf(v * conjf(s->prev) * c->derot) >= 0 ? 1 : -1;
        s->sr = s->sr << 1 | (l == s->level);
        s->level = l;
        s->prev = v;
        double t = s->t;
        s->t += c->sps;
        /* Two symbols before the true flag end the register also matches
         * with two errors (the flag's shifted start looks like training):
         * a match waits two symbols for a closer one. */
        int err = __builtin_popcount((s->sr ^ 0x55557Eu) & 0xFFFFFFu);
        if (err <= 2 && (!s->pend_age || err < s->pend_err)) {
            s->pend_t = t;
            s->pend_err = err;
            s->pend_age = 1;
            if (err)
                continue;
        } else if (s->pend_age && ++s->pend_age <= 3) {
            continue;
        }
        if (!s->pend_age)
            continue;
        t = s->pend_t;
        s->pend_age = 0;
        if (t < c->busy_until || fabs(t - c->fail_at) < 0.75 * c->sps)
            continue;
        if (!try_burst(c, t, st, cb, ctx))
            c->fail_at = t;
    }
}

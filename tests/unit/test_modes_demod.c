/* test_modes_demod.c: the IQ demodulator on synthetic captures.
 *
 * A capture is built here from first principles (ICAO Annex 10 Vol IV
 * 3.1.2.1: preamble pulses at 0, 1.0, 3.5 and 4.5 us, then one 1 us slot per
 * bit with the 0.5 us pulse in the first half for a 1): each sample is the
 * pulse amplitude times the fraction of its sampling interval the pulse
 * covers (a crude receiver low-pass), on a rotating carrier, plus noise. The
 * frames are placed at fractional sample offsets so every 2.4 MS/s phase is
 * exercised. The result must be the same frames, in order, at the right
 * sample, at the right level, whatever the chunking of the input; noise alone
 * must yield nothing that validates.
 *
 * Beside the synthetic captures, the real ones in tests/samples/modes/dump1090
 * pin the yield: a faster demodulator that loses frames fails here.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modes/crc.h"
#include "modes/demod.h"
#include "modes/validate.h"
#include "test.h"

#define NFRAMES 4
#define AMPL 0.5 /* pulse amplitude, fraction of full scale: -6.02 dBFS */

struct synth_frame {
    uint8_t msg[MODES_LONG_BYTES];
    int len;
    double t0; /* start of the preamble, in samples */
};

struct got {
    struct modes_frame f[64];
    int n;
    struct modes_validator *v;
};

static void collect(void *ctx, struct modes_frame *f)
{
    struct got *g = ctx;
    if (modes_frame_validate(g->v, f) && g->n < 64)
        g->f[g->n++] = *f;
}

static void hex(const char *s, uint8_t *out)
{
    for (size_t i = 0; s[2 * i]; i++) {
        char b[3] = {s[2 * i], s[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(b, NULL, 16);
    }
}

/* Deterministic noise: a small LCG, roughly Gaussian by summing four uniforms. */
static uint32_t lcg_state;
static double noise(double sigma)
{
    double s = 0;
    for (int i = 0; i < 4; i++) {
        lcg_state = lcg_state * 1664525u + 1013904223u;
        s += (lcg_state >> 8) / 16777216.0 - 0.5;
    }
    return s * sigma * 1.7320508; /* four uniforms on [-0.5, 0.5): variance 1/3 */
}

/* Is the pulse on at time h (in half-bit units from the preamble start)? */
static int pulse_on(const struct synth_frame *fr, double h)
{
    if (h < 0)
        return 0;
    int k = (int)h;
    if (k < 16)
        return k == 0 || k == 2 || k == 7 || k == 9;
    k -= 16;
    if (k >= 2 * 8 * fr->len)
        return 0;
    int bit = fr->msg[(k / 2) >> 3] >> (7 - ((k / 2) & 7)) & 1;
    return (k & 1) == !bit;
}

/* Builds nsamples of I/Q in the given format; returns malloc'd bytes. */
static uint8_t *synth(const struct synth_frame *frames, int nframes, size_t nsamples, double rate,
                      enum modes_iq_format fmt, double ampl, size_t *nbytes)
{
    size_t bps = fmt == MODES_IQ_UC8 ? 2 : 4;
    uint8_t *out = malloc(nsamples * bps);
    double half_bit = rate * 0.5e-6; /* samples per half-bit */
    for (size_t k = 0; k < nsamples; k++) {
        double a = 0;
        for (int i = 0; i < nframes; i++) {
            const struct synth_frame *fr = &frames[i];
            if (k + 1 < fr->t0 || k > fr->t0 + (16 + 16 * fr->len) * half_bit + 1)
                continue;
            int on = 0;
            for (int s = 0; s < 20; s++) /* coverage of [k, k+1) by the pulse */
                on += pulse_on(fr, ((double)k + (s + 0.5) / 20.0 - fr->t0) / half_bit);
            a += ampl * on / 20.0;
        }
        double phi = 0.7 + 0.013 * (double)k; /* carrier phase with a small frequency offset */
        double I = a * cos(phi) + noise(0.01), Q = a * sin(phi) + noise(0.01);
        if (fmt == MODES_IQ_UC8) {
            long i8 = lround(127.5 + 127.5 * I), q8 = lround(127.5 + 127.5 * Q);
            out[2 * k] = (uint8_t)(i8 < 0 ? 0 : i8 > 255 ? 255 : i8);
            out[2 * k + 1] = (uint8_t)(q8 < 0 ? 0 : q8 > 255 ? 255 : q8);
        } else {
            int16_t i16 = (int16_t)lround(32767.0 * I), q16 = (int16_t)lround(32767.0 * Q);
            out[4 * k] = (uint8_t)((uint16_t)i16 & 0xFF);
            out[4 * k + 1] = (uint8_t)((uint16_t)i16 >> 8);
            out[4 * k + 2] = (uint8_t)((uint16_t)q16 & 0xFF);
            out[4 * k + 3] = (uint8_t)((uint16_t)q16 >> 8);
        }
    }
    *nbytes = nsamples * bps;
    return out;
}

/* Four frames: two DF17, a DF11 all-call reply, and a DF4 whose AP field
 * carries 4840D6, the address the first DF17 vouched for. */
static void make_frames(struct synth_frame *fr, double phase, double rate)
{
    memset(fr, 0, NFRAMES * sizeof *fr);
    hex("8D4840D6202CC371C32CE0576098", fr[0].msg);
    fr[0].len = 14;
    hex("5D4D20237A55A6", fr[1].msg); /* from modes1.bin */
    fr[1].len = 7;
    hex("8D406B902015A678D4D220AA4BDA", fr[2].msg);
    fr[2].len = 14;
    hex("20000F1F", fr[3].msg); /* DF4, altitude code 0xF1F */
    uint32_t ap = modes_crc24(fr[3].msg, 4) ^ 0x4840D6u;
    fr[3].msg[4] = (uint8_t)(ap >> 16);
    fr[3].msg[5] = (uint8_t)(ap >> 8);
    fr[3].msg[6] = (uint8_t)ap;
    fr[3].len = 7;
    double gap = 150e-6 * rate; /* 150 us apart: longer than a long frame */
    for (int i = 0; i < NFRAMES; i++)
        fr[i].t0 = 300.0 + phase + i * gap;
}

/* Demodulates buf fed in chunks of at most `chunk` bytes (0: pseudo-random
 * sizes from 1 to 997, which split samples); returns what validated. */
static void run_demod(const uint8_t *buf, size_t n, const struct modes_demod_cfg *cfg, size_t chunk,
                      struct got *g, struct modes_validator *v)
{
    g->n = 0;
    g->v = v;
    struct modes_demod *d = modes_demod_new(cfg);
    srand(11);
    for (size_t i = 0; i < n;) {
        size_t c = chunk ? chunk : 1 + (size_t)rand() % 997;
        if (c > n - i)
            c = n - i;
        modes_demod_feed(d, buf + i, c, collect, g);
        i += c;
    }
    modes_demod_flush(d, collect, g);
    modes_demod_free(d);
}

static int same(const struct got *a, const struct got *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->f[i].len != b->f[i].len || memcmp(a->f[i].msg, b->f[i].msg, a->f[i].len) ||
            a->f[i].sample_offset != b->f[i].sample_offset || a->f[i].ts12 != b->f[i].ts12)
            return 0;
    return 1;
}

static void check_capture(double rate, enum modes_iq_format fmt, double phase)
{
    struct synth_frame fr[NFRAMES];
    make_frames(fr, phase, rate);
    size_t nsamples = (size_t)(fr[NFRAMES - 1].t0 + 200e-6 * rate);
    size_t n;
    lcg_state = 12345u;
    uint8_t *buf = synth(fr, NFRAMES, nsamples, rate, fmt, AMPL, &n);
    struct modes_demod_cfg cfg = {.sample_rate = rate, .format = fmt};
    static struct got whole, pieces;
    struct modes_validator v1, v2;
    modes_validator_init(&v1, 1);
    modes_validator_init(&v2, 1);
    run_demod(buf, n, &cfg, n, &whole, &v1);
    run_demod(buf, n, &cfg, 0, &pieces, &v2);

    int bad = whole.n != NFRAMES;
    for (int i = 0; i < whole.n && i < NFRAMES; i++) {
        const struct modes_frame *f = &whole.f[i];
        /* Samples straddling pulse edges read low (the crude low-pass above),
         * so the level may fall short of the pulse amplitude, never exceed it. */
        double want_db = 20.0 * log10(AMPL);
        if (f->len != fr[i].len || memcmp(f->msg, fr[i].msg, (size_t)f->len) != 0 || f->corrected_bits != 0 ||
            f->addr != (i == 1 ? 0x4D2023u : i == 2 ? 0x406B90u : 0x4840D6u) || f->addr_from_ap != (i == 3) ||
            fabs((double)f->sample_offset - fr[i].t0) > 1.5 || !(f->signal > want_db - 3.5 && f->signal < want_db + 0.5) ||
            fabs((double)f->ts12 - fr[i].t0 * 12e6 / rate) > 1.5 * 12e6 / rate) {
            bad = 1;
            fprintf(stderr, "rate %.1f fmt %d phase %.2f frame %d: len %d offset %llu (want %.2f) signal %.2f\n",
                    rate / 1e6, (int)fmt, phase, i, f->len, (unsigned long long)f->sample_offset, fr[i].t0,
                    f->signal);
        }
    }
    if (bad)
        fprintf(stderr, "rate %.1f fmt %d phase %.2f: %d frames validated, want %d\n", rate / 1e6, (int)fmt, phase,
                whole.n, NFRAMES);
    CHECK(!bad);
    CHECK(same(&whole, &pieces));
    modes_validator_free(&v1);
    modes_validator_free(&v2);
    free(buf);
}

static void test_2m0_uc8(void)
{
    /* At 2.0 MS/s a half-bit is one sample. At exactly half a sample every
     * sample here is the mean of two half-bits, and "1 1 1" reads as
     * "0 0 0" does: no demodulator can tell them apart, so 0.5 is left out. */
    static const double phases[] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9};
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
        check_capture(2.0e6, MODES_IQ_UC8, phases[i]);
}

static void test_2m4_every_phase_uc8(void)
{
    for (double ph = 0.0; ph < 0.99; ph += 0.1)
        check_capture(2.4e6, MODES_IQ_UC8, ph);
}

static void test_sc16_both_rates(void)
{
    check_capture(2.0e6, MODES_IQ_SC16, 0.0);
    check_capture(2.0e6, MODES_IQ_SC16, 0.7);
    for (double ph = 0.0; ph < 0.99; ph += 0.2)
        check_capture(2.4e6, MODES_IQ_SC16, ph + 0.05);
}

/* A DF17 transmitted with two bits flipped reaches the output only with
 * --fix2, corrected, at both rates. */
static void test_fix2_reaches_the_validator(void)
{
    static const double rates[] = {2.0e6, 2.4e6};
    for (int r = 0; r < 2; r++) {
        struct synth_frame fr[1];
        memset(fr, 0, sizeof fr);
        hex("8D406B902015A678D4D220AA4BDA", fr[0].msg);
        uint8_t clean[14];
        memcpy(clean, fr[0].msg, 14);
        fr[0].msg[5] ^= 0x08;
        fr[0].msg[10] ^= 0x40;
        fr[0].len = 14;
        fr[0].t0 = 200.3;
        size_t n;
        lcg_state = 99u;
        uint8_t *buf = synth(fr, 1, 700, rates[r], MODES_IQ_UC8, AMPL, &n);
        for (int fix2 = 0; fix2 < 2; fix2++) {
            struct modes_demod_cfg cfg = {.sample_rate = rates[r], .format = MODES_IQ_UC8, .fix2 = fix2 != 0};
            static struct got g;
            struct modes_validator v;
            modes_validator_init(&v, fix2 ? 2 : 1);
            run_demod(buf, n, &cfg, n, &g, &v);
            CHECK_EQ_INT(g.n, fix2);
            if (fix2 && g.n == 1) {
                CHECK_EQ_INT(g.f[0].corrected_bits, 2);
                CHECK(memcmp(g.f[0].msg, clean, 14) == 0);
                CHECK(memcmp(g.f[0].verbatim, fr[0].msg, 14) == 0);
            }
            modes_validator_free(&v);
        }
        free(buf);
    }
}

static void test_noise_yields_nothing(void)
{
    static const double rates[] = {2.0e6, 2.4e6};
    for (int r = 0; r < 2; r++) {
        lcg_state = 777u;
        /* Strong noise (sigma 0.2 per component) over 1 s of samples. */
        size_t nsamples = (size_t)rates[r];
        uint8_t *buf = malloc(nsamples * 2);
        for (size_t k = 0; k < nsamples * 2; k++) {
            long v = lround(127.5 + 127.5 * noise(0.2));
            buf[k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
        size_t n = nsamples * 2;
        struct modes_demod_cfg cfg = {.sample_rate = rates[r], .format = MODES_IQ_UC8};
        static struct got g;
        struct modes_validator v;
        modes_validator_init(&v, 1);
        run_demod(buf, n, &cfg, 1 << 16, &g, &v);
        CHECK_EQ_INT(g.n, 0);
        modes_validator_free(&v);
        free(buf);
    }
}

static void test_parse_cfg(void)
{
    struct modes_demod_cfg c;
    CHECK_EQ_INT(modes_demod_parse_cfg(NULL, NULL, &c), 0);
    CHECK(c.sample_rate == 2.4e6 && c.format == MODES_IQ_UC8);
    static const char *two[] = {"2.0", "2", "2M", "2.0M", "2000000"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        CHECK_EQ_INT(modes_demod_parse_cfg(two[i], "sc16", &c), 0);
        CHECK(c.sample_rate == 2.0e6 && c.format == MODES_IQ_SC16);
    }
    static const char *two4[] = {"2.4", "2.4M", "2400000"};
    for (size_t i = 0; i < sizeof two4 / sizeof two4[0]; i++) {
        CHECK_EQ_INT(modes_demod_parse_cfg(two4[i], "uc8", &c), 0);
        CHECK(c.sample_rate == 2.4e6);
    }
    CHECK_EQ_INT(modes_demod_parse_cfg("3.2", NULL, &c), -1);
    CHECK_EQ_INT(modes_demod_parse_cfg("2.0", "cs8", &c), -1);
}

/* Yield on real captures (antirez's modes1.bin and its 2.4 MS/s
 * resampling): at least as many frames validate as the demodulator gave
 * when its speed was last tuned (328 at 2.4 MS/s, 274 at 2.0), whatever the
 * chunking, and each checks out on its own: DF11/17/18 by their parity
 * (after the validator's corrections), address/parity frames by an address
 * an earlier DF11/17/18 carried in clear. */
struct yield {
    struct modes_validator v;
    uint32_t seen[256];
    int nseen, n, bad;
};

static void count_valid(void *ctx, struct modes_frame *f)
{
    struct yield *y = ctx;
    if (!modes_frame_validate(&y->v, f))
        return;
    y->n++;
    unsigned df = f->msg[0] >> 3;
    uint32_t r = modes_crc_residual(f->msg, 8 * f->len);
    if (df == 11 || df == 17 || df == 18) {
        if (df == 11 ? (r & 0xFFFF80u) != 0 : r != 0) {
            y->bad++;
            return;
        }
        uint32_t a = (uint32_t)f->msg[1] << 16 | (uint32_t)f->msg[2] << 8 | f->msg[3];
        for (int i = 0; i < y->nseen; i++)
            if (y->seen[i] == a)
                return;
        if (y->nseen < 256)
            y->seen[y->nseen++] = a;
        return;
    }
    for (int i = 0; i < y->nseen; i++)
        if (y->seen[i] == r)
            return;
    y->bad++;
}

static uint8_t *slurp_sample(const char *name, size_t *n)
{
    const char *root = getenv("ATALAYA_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/samples/modes/dump1090/%s", root ? root : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 20);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_real_capture_yield(void)
{
    static const struct {
        const char *file;
        double rate;
        int want;
    } caps[] = {{"modes1_2m4.bin", 2.4e6, 328}, {"modes1.bin", 2.0e6, 274}};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        size_t n = 0;
        uint8_t *buf = slurp_sample(caps[c].file, &n);
        CHECK(buf != NULL && n > 700000);
        if (!buf)
            continue;
        /* Whole, in 64 KiB reads, and in odd pieces that split samples. */
        static const size_t chunks[] = {0, 65536, 4099};
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            struct yield y;
            memset(&y, 0, sizeof y);
            modes_validator_init(&y.v, 1);
            struct modes_demod_cfg cfg = {.sample_rate = caps[c].rate, .format = MODES_IQ_UC8};
            struct modes_demod *d = modes_demod_new(&cfg);
            size_t step = chunks[k] ? chunks[k] : n;
            for (size_t i = 0; i < n; i += step)
                modes_demod_feed(d, buf + i, n - i < step ? n - i : step, count_valid, &y);
            modes_demod_flush(d, count_valid, &y);
            if (y.n < caps[c].want || y.bad)
                fprintf(stderr, "%s, pieces of %zu: %d frames validated (want >= %d), %d do not check out\n",
                        caps[c].file, step, y.n, caps[c].want, y.bad);
            CHECK(y.n >= caps[c].want);
            CHECK_EQ_INT(y.bad, 0);
            modes_demod_free(d);
            modes_validator_free(&y.v);
        }
        free(buf);
    }
}

int main(void)
{
    RUN(test_2m0_uc8);
    RUN(test_2m4_every_phase_uc8);
    RUN(test_sc16_both_rates);
    RUN(test_fix2_reaches_the_validator);
    RUN(test_noise_yields_nothing);
    RUN(test_parse_cfg);
    RUN(test_real_capture_yield);
    TEST_MAIN_END();
}

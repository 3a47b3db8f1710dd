/* demod_pre.c: the preamble pre-filter and shape test of demod_pre.h. */
#include "modes/demod_pre.h"

#include "modes/demod_simd.h"

/* Which raw samples lie inside a pulse or a gap whatever the phase. At
 * 2.4 MS/s a frame read from sample j at phase p has half-bit k centred at
 * j + 0.1 + (p + 6k)/5, so over the five phases its 0.5 us pulses (half-bits
 * 0, 2, 7, 9) cover j+3, j+9 and j+11 or j+12 (j+11 up to phase 3, j+12 from
 * phase 1), the long gap (half-bits 3..6) covers j+5..j+7 and the quiet after
 * the preamble (half-bits 10..15) j+14..j+16, with at least 0.1 sample to
 * spare. With a = m3, b = m9, c = max(m11, m12), the gap's highest sample
 * G = max(m5, m6, m7), the quiet's A = max(m14, m15, m16) and the noise
 * floor F below:
 *     min(a, b, c) >= G,  3A < a + b + c,  a + b + c > 9F
 * (no pulse below the gap, the quiet below the pulses' mean, and that mean
 * above three times the floor). It is tolerant by design: a weak frame's
 * pulse often reads no higher than noise in a gap (>=: uc8 steps are coarse
 * near zero), and a quiet sample may stand above one pulse, never above
 * their mean (a stricter min(a, b, c) > max(G, A) lost up to 2 % of the
 * frames at 10-15 dB SNR). At 2.0 MS/s (phases 0 and 0.5 sample) the pulses
 * cover j+2, j+7 and j+9, the gap j+4, j+5 and the quiet j+12..j+14.
 *
 * Noise alone would pass the first test about 5 % of the time (the smallest
 * of three samples above the largest of three others): the floor test
 * stops that. F is the block's mean of the smallest of every four
 * consecutive samples (PPM data leaves a gap in any four samples, so frames
 * hardly raise it); for noise alone F is 0.63 sigma and the bar 1.9 sigma,
 * where a pulse has a per-sample SNR of 2.5 dB and no frame decodes.
 * Measured: on the modes1 captures and on simulated channels down to 10 dB
 * SNR (atalaya simulate --modes-iq, aircraft at 30 and 60 NM) every frame of
 * the unfiltered demodulator still comes out (at four times the floor some
 * do not), and 2 to 3 % of the samples pass. */
static inline unsigned pass24(const float *q, float floor9)
{
    v4f a = load4(q + 3), b = load4(q + 9), c = vmax(load4(q + 11), load4(q + 12));
    v4f gap = vmax(vmax(load4(q + 5), load4(q + 6)), load4(q + 7));
    v4f quiet = vmax(vmax(load4(q + 14), load4(q + 15)), load4(q + 16));
    v4f sum = a + b + c;
    return lane_bits((vmin(vmin(a, b), c) >= gap) & (3.0f * quiet < sum) & (sum > floor9));
}

static inline unsigned pass20(const float *q, float floor9)
{
    v4f a = load4(q + 2), b = load4(q + 7), c = load4(q + 9);
    v4f gap = vmax(load4(q + 4), load4(q + 5));
    v4f quiet = vmax(vmax(load4(q + 12), load4(q + 13)), load4(q + 14));
    v4f sum = a + b + c;
    return lane_bits((vmin(vmin(a, b), c) >= gap) & (3.0f * quiet < sum) & (sum > floor9));
}

/* The noise floor above: the mean of min(m[i .. i + 3]) over i < n. The
 * same code on every path, so every path gets the same value. */
static float noise_floor(const float *m, size_t n)
{
    v4f acc = {0, 0, 0, 0};
    size_t k = 0;
    for (size_t i = 0; i + 4 <= n; i += 16, k += 4) /* a quarter of them is plenty */
        acc += vmin(vmin(load4(m + i), load4(m + i + 1)), vmin(load4(m + i + 2), load4(m + i + 3)));
    return k ? ((acc[0] + acc[1]) + (acc[2] + acc[3])) / (float)k : 0.0f;
}

#if DEMOD_AVX2
DEMOD_TARGET_AVX2 static void prefilter24_avx2(const float *m, size_t n, float floor9, uint64_t *bits)
{
    const __m256 three = _mm256_set1_ps(3.0f), fl = _mm256_set1_ps(floor9);
    for (size_t x = 0; x < n; x += 64) {
        uint64_t w = 0;
        for (unsigned g = 0; g < 8; g++) {
            const float *q = m + x + 8 * g;
            __m256 a = _mm256_loadu_ps(q + 3), b = _mm256_loadu_ps(q + 9);
            __m256 c = _mm256_max_ps(_mm256_loadu_ps(q + 11), _mm256_loadu_ps(q + 12));
            __m256 gap = _mm256_max_ps(_mm256_max_ps(_mm256_loadu_ps(q + 5), _mm256_loadu_ps(q + 6)),
                                       _mm256_loadu_ps(q + 7));
            __m256 quiet = _mm256_max_ps(_mm256_max_ps(_mm256_loadu_ps(q + 14), _mm256_loadu_ps(q + 15)),
                                         _mm256_loadu_ps(q + 16));
            __m256 sum = _mm256_add_ps(_mm256_add_ps(a, b), c);
            __m256 pass = _mm256_cmp_ps(_mm256_min_ps(_mm256_min_ps(a, b), c), gap, _CMP_GE_OQ);
            pass = _mm256_and_ps(pass, _mm256_cmp_ps(_mm256_mul_ps(three, quiet), sum, _CMP_LT_OQ));
            pass = _mm256_and_ps(pass, _mm256_cmp_ps(sum, fl, _CMP_GT_OQ));
            w |= (uint64_t)(unsigned)_mm256_movemask_ps(pass) << (8 * g);
        }
        bits[x / 64] = w;
    }
}
#endif

void demod_prefilter(const float *m, size_t n, bool rate24, uint64_t *bits)
{
    /* a + b + c > 9F: the pulses' mean above three times the floor. */
    float floor9 = 9.0f * noise_floor(m, n);
#if DEMOD_AVX2
    if (rate24 && demod_have_avx2()) {
        prefilter24_avx2(m, n, floor9, bits);
        goto done;
    }
#endif
    for (size_t x = 0; x < n; x += 64) {
        uint64_t w = 0;
        if (rate24)
            for (unsigned g = 0; g < 16; g++)
                w |= (uint64_t)pass24(m + x + 4 * g, floor9) << (4 * g);
        else
            for (unsigned g = 0; g < 16; g++)
                w |= (uint64_t)pass20(m + x + 4 * g, floor9) << (4 * g);
        bits[x / 64] = w;
    }
#if DEMOD_AVX2
done:
#endif
    if (n % 64)
        bits[n / 64] &= (UINT64_C(1) << (n % 64)) - 1;
    bits[(n + 63) / 64] = 0;
}

/* Four neighbouring phases at once: lane i tests the frame whose half-bit k
 * is u[i + step * k]. Pulses higher than their neighbours, and the gaps
 * between and after them quiet compared with the pulses. The first pulse is
 * held only against the later gap (3), not the 0.5 us one after it (1): a
 * burst out of silence rises slowly through a receiver's or resampler's
 * filter, so the first pulse often reads lower than the smeared gap behind
 * it (4 of the 214 listed modes1 frames at 2.4 MS/s were lost that way). */
static inline unsigned shape4(const float *u, size_t step)
{
#define HB(k) load4(u + (size_t)(k) * step)
    v4f a0 = HB(0), a2 = HB(2), a3 = HB(3), a6 = HB(6), a7 = HB(7), a8 = HB(8), a9 = HB(9);
    v4i m = (a2 > HB(1)) & (a2 > a3) & (a7 > a6) & (a7 > a8) & (a9 > a8) & (a0 > a3) & (a9 > a6);
    if (!lane_bits(m))
        return 0;
    v4f h = (a0 + a2 + a7 + a9) / 6.0f;
    m &= (HB(4) < h) & (HB(5) < h) & (HB(11) < h) & (HB(12) < h) & (HB(13) < h) & (HB(14) < h);
#undef HB
    return lane_bits(m);
}

#if DEMOD_AVX2
/* shape4 over eight phases (the five of a 2.4 MS/s sample and three more). */
DEMOD_TARGET_AVX2 static inline __attribute__((always_inline)) unsigned shape8_avx2(const float *u, size_t step)
{
#define HB(k) _mm256_loadu_ps(u + (size_t)(k) * step)
#define GT(a, b) _mm256_cmp_ps(a, b, _CMP_GT_OQ)
#define AND(a, b) _mm256_and_ps(a, b)
    __m256 a0 = HB(0), a2 = HB(2), a3 = HB(3), a6 = HB(6), a7 = HB(7), a8 = HB(8), a9 = HB(9);
    __m256 m = AND(AND(AND(GT(a2, HB(1)), GT(a2, a3)), AND(GT(a7, a6), GT(a7, a8))),
                   AND(AND(GT(a9, a8), GT(a0, a3)), GT(a9, a6)));
    if (!_mm256_movemask_ps(m))
        return 0;
    __m256 h = _mm256_div_ps(_mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a2), a7), a9), _mm256_set1_ps(6.0f));
    m = AND(m, AND(AND(GT(h, HB(4)), GT(h, HB(5))), AND(GT(h, HB(11)), GT(h, HB(12)))));
    m = AND(m, AND(GT(h, HB(13)), GT(h, HB(14))));
#undef HB
#undef GT
#undef AND
    return (unsigned)_mm256_movemask_ps(m);
}

DEMOD_TARGET_AVX2 static unsigned phases24_avx2(const float *u, size_t j) { return shape8_avx2(u + 5 * j, 6) & 0x1Fu; }
#endif

unsigned demod_preamble_phases(const float *u, size_t j, bool rate24)
{
#if DEMOD_AVX2
    if (rate24 && demod_have_avx2())
        return phases24_avx2(u, j);
#endif
    if (rate24)
        return (shape4(u + 5 * j, 6) | shape4(u + 5 * j + 4, 6) << 4) & 0x1Fu;
    return shape4(u + 2 * j, 2) & 0x3u;
}

/* Visits the set bits of bits[w0 .. w1), keeping those whose test passes at
 * some phase (their phase bits go to phases[j]). */
#define SIFT(test)                                                                                                     \
    for (size_t w = w0; w < w1; w++) {                                                                                 \
        uint64_t b = bits[w], keep = 0;                                                                                \
        for (; b; b &= b - 1) {                                                                                        \
            size_t j = 64 * w + (size_t)__builtin_ctzll(b);                                                            \
            unsigned p = (test);                                                                                       \
            phases[j] = (uint8_t)p;                                                                                    \
            keep |= (uint64_t)(p != 0) << (j % 64);                                                                    \
        }                                                                                                              \
        bits[w] = keep;                                                                                                \
    }

#if DEMOD_AVX2
DEMOD_TARGET_AVX2 static void sift24_avx2(const float *u, uint64_t *bits, size_t w0, size_t w1, uint8_t *phases)
{
    SIFT(shape8_avx2(u + 5 * j, 6) & 0x1Fu)
}
#endif

void demod_preamble_sift(const float *u, uint64_t *bits, size_t w0, size_t w1, bool rate24, uint8_t *phases)
{
#if DEMOD_AVX2
    if (rate24 && demod_have_avx2()) {
        sift24_avx2(u, bits, w0, w1, phases);
        return;
    }
#endif
    if (rate24) {
        SIFT((shape4(u + 5 * j, 6) | shape4(u + 5 * j + 4, 6) << 4) & 0x1Fu)
    } else {
        SIFT(shape4(u + 2 * j, 2) & 0x3u)
    }
}

/* demod_mag.c: magnitudes and their interpolation (demod_mag.h). */
#include "modes/demod_mag.h"

#include <math.h>
#include <string.h>

#include "common/xmalloc.h"
#include "modes/demod_simd.h"

float *demod_mag_lut_new(void)
{
    /* A uc8 sample is 16 bits: one table lookup replaces two scalings and a sqrt. */
    float *lut = xmalloc(65536 * sizeof *lut);
    for (int q = 0; q < 256; q++)
        for (int i = 0; i < 256; i++) {
            double I = (i - 127.5) / 127.5, Q = (q - 127.5) / 127.5;
            lut[i | q << 8] = (float)sqrt(I * I + Q * Q);
        }
    return lut;
}

void demod_mag_uc8(const float *lut, const uint8_t *p, size_t n, float *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Four samples per 64-bit load: a sample's two bytes are its table index. */
    size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        uint64_t v;
        memcpy(&v, p + 2 * k, sizeof v);
        out[k] = lut[v & 0xFFFF];
        out[k + 1] = lut[v >> 16 & 0xFFFF];
        out[k + 2] = lut[v >> 32 & 0xFFFF];
        out[k + 3] = lut[v >> 48];
    }
    for (; k < n; k++)
        out[k] = lut[p[2 * k] | p[2 * k + 1] << 8];
#else
    for (size_t k = 0; k < n; k++)
        out[k] = lut[p[2 * k] | p[2 * k + 1] << 8];
#endif
}

void demod_mag_sc16(const uint8_t *p, size_t n, float *out)
{
    for (size_t k = 0; k < n; k++, p += 4) {
        float I = (float)(int16_t)(p[0] | p[1] << 8) / 32768.0f;
        float Q = (float)(int16_t)(p[2] | p[3] << 8) / 32768.0f;
        out[k] = sqrtf(I * I + Q * Q);
    }
}

static const float frac[5] = {0.1f, 0.3f, 0.5f, 0.7f, 0.9f};

#if DEMOD_AVX2
/* Eight samples -> forty values: output vector r, lane l is up index 8r + l,
 * i.e. sample idx = (8r + l) / 5 at fraction frac[(8r + l) % 5]. */
DEMOD_TARGET_AVX2 static size_t upsample24_avx2(const float *m, float *u, size_t i, size_t i1)
{
    __m256i ix[5];
    __m256 fx[5];
    for (int r = 0; r < 5; r++) {
        int32_t idx[8];
        float fr[8];
        for (int l = 0; l < 8; l++) {
            idx[l] = (8 * r + l) / 5;
            fr[l] = frac[(8 * r + l) % 5];
        }
        ix[r] = _mm256_loadu_si256((const __m256i *)idx);
        fx[r] = _mm256_loadu_ps(fr);
    }
    for (; i + 8 <= i1; i += 8) {
        __m256 a = _mm256_loadu_ps(m + i), b = _mm256_sub_ps(_mm256_loadu_ps(m + i + 1), a);
        for (int r = 0; r < 5; r++)
            _mm256_storeu_ps(u + 5 * i + 8 * r,
                             _mm256_add_ps(_mm256_permutevar8x32_ps(a, ix[r]),
                                           _mm256_mul_ps(_mm256_permutevar8x32_ps(b, ix[r]), fx[r])));
    }
    return i;
}
#endif

void demod_upsample24(const float *m, float *u, size_t i0, size_t i1)
{
    size_t i = i0;
#if DEMOD_AVX2
    if (demod_have_avx2())
        i = upsample24_avx2(m, u, i, i1);
#endif
    /* Four samples -> twenty values, as five vectors (lane patterns spelled
     * out so the compiler emits shuffles, not scalar stores). */
    const v4f f0 = {0.1f, 0.3f, 0.5f, 0.7f}, f1 = {0.9f, 0.1f, 0.3f, 0.5f}, f2 = {0.7f, 0.9f, 0.1f, 0.3f};
    const v4f f3 = {0.5f, 0.7f, 0.9f, 0.1f}, f4 = {0.3f, 0.5f, 0.7f, 0.9f};
    for (; i + 4 <= i1; i += 4) {
        v4f a = load4(m + i), b = load4(m + i + 1) - a;
        v4f a0 = {a[0], a[0], a[0], a[0]}, b0 = {b[0], b[0], b[0], b[0]};
        v4f a1 = {a[0], a[1], a[1], a[1]}, b1 = {b[0], b[1], b[1], b[1]};
        v4f a2 = {a[1], a[1], a[2], a[2]}, b2 = {b[1], b[1], b[2], b[2]};
        v4f a3 = {a[2], a[2], a[2], a[3]}, b3 = {b[2], b[2], b[2], b[3]};
        v4f a4 = {a[3], a[3], a[3], a[3]}, b4 = {b[3], b[3], b[3], b[3]};
        store4(u + 5 * i, a0 + b0 * f0);
        store4(u + 5 * i + 4, a1 + b1 * f1);
        store4(u + 5 * i + 8, a2 + b2 * f2);
        store4(u + 5 * i + 12, a3 + b3 * f3);
        store4(u + 5 * i + 16, a4 + b4 * f4);
    }
    for (; i < i1; i++) {
        float a = m[i], b = m[i + 1] - m[i];
        for (int q = 0; q < 5; q++)
            u[5 * i + (size_t)q] = a + b * frac[q];
    }
}

void demod_upsample20(const float *m, float *u, size_t i0, size_t i1)
{
    for (size_t i = i0; i < i1; i++) {
        u[2 * i] = m[i];
        u[2 * i + 1] = 0.5f * (m[i] + m[i + 1]);
    }
}

/* demod_simd.h: the four-lane float vectors the demodulator's inner loops
 * are written in (internal to src/modes/demod*.c).
 *
 * GCC/Clang vector extensions: SSE2 on x86-64, NEON on arm64, plain scalar
 * code elsewhere, from the same source. Loads and stores are unaligned and
 * aliasing-safe, so any float pointer may be read four lanes at a time.
 */
#ifndef ATALAYA_MODES_DEMOD_SIMD_H
#define ATALAYA_MODES_DEMOD_SIMD_H

#include <stdbool.h>
#include <stdint.h>
#ifdef __SSE2__
#include <immintrin.h>
#endif

/* x86-64 with GCC or Clang: the hottest loops also come as AVX2 functions
 * (target attribute, so the build stays plain x86-64), used when the CPU
 * has AVX2. They do the same float operations in the same order (no FMA),
 * so both paths give the same frames. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DEMOD_AVX2 1
#define DEMOD_TARGET_AVX2 __attribute__((target("avx2")))
static inline bool demod_have_avx2(void) { return __builtin_cpu_supports("avx2"); }
#else
#define DEMOD_AVX2 0
#endif

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef float v4f_u __attribute__((vector_size(16), aligned(4), may_alias));

static inline v4f load4(const float *p) { return *(const v4f_u *)p; }
static inline void store4(float *p, v4f v) { *(v4f_u *)p = v; }

/* Bit i set when lane i of m is true (all ones); movmskps where there is one. */
static inline unsigned lane_bits(v4i m)
{
#ifdef __SSE2__
    return (unsigned)_mm_movemask_ps((__m128)m);
#else
    return (unsigned)((m[0] & 1) | (m[1] & 2) | (m[2] & 4) | (m[3] & 8));
#endif
}

/* Lane-wise minimum and maximum (magnitudes are never NaN). */
static inline v4f vmin(v4f a, v4f b)
{
#ifdef __SSE2__
    return (v4f)_mm_min_ps((__m128)a, (__m128)b);
#else
    v4i lt = a < b;
    return (v4f)((lt & (v4i)a) | (~lt & (v4i)b));
#endif
}

static inline v4f vmax(v4f a, v4f b)
{
#ifdef __SSE2__
    return (v4f)_mm_max_ps((__m128)a, (__m128)b);
#else
    v4i gt = a > b;
    return (v4f)((gt & (v4i)a) | (~gt & (v4i)b));
#endif
}

#endif

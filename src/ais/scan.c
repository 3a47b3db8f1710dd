/* scan.c: the NMEA checksum scan (scan.h). */
#include "ais/scan.h"

#include <stdint.h>

#include "common/bits.h"

/* Bit 7 of the byte of w holding the first '*' (counting from the low byte),
 * or 0 if none; bits above that first one may be spurious (a borrow). */
static inline uint64_t star_bits(uint64_t w)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t z = w ^ (ones * '*');
    return (z - ones) & ~z & highs;
}

/* Finds the first '*' in s[0..n) and XORs the bytes before it (the NMEA
 * checksum), eight bytes at a time, the first byte in the low byte of each
 * word: a word without '*' is XORed whole (XOR commutes, so the
 * accumulator's bytes fold into the answer at the end); in the word with the
 * '*', only the bytes below it. The last 1..7 bytes (where the '*' usually
 * is) are read as the last eight bytes of s shifted down, so no byte loop
 * runs unless the whole of s is shorter than a word. */
struct ais_star_sum ais_scan_checksum_portable(const char *s, size_t n)
{
    uint64_t acc = 0, w = 0, hit = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        w = bits_load_le64(s + i);
        if ((hit = star_bits(w)) != 0)
            break;
        acc ^= w;
    }
    if (!hit && i < n) {
        if (n >= 8) {
            /* The r bytes left, zeros above them: a zero is not a '*'. */
            w = bits_load_le64(s + n - 8) >> (8 * (8 - (n - i)));
            hit = star_bits(w);
        } else {
            for (unsigned k = 0; i + k < n; k++)
                w |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
            hit = star_bits(w) & (~(uint64_t)0 >> (8 * (8 - n)));
        }
    }
    const char *star = NULL;
    if (hit) {
        unsigned k = (unsigned)__builtin_ctzll(hit) / 8;
        if (k)
            acc ^= w & (~(uint64_t)0 >> (64 - 8 * k));
        star = s + i + k;
    }
    acc ^= acc >> 32;
    acc ^= acc >> 16;
    acc ^= acc >> 8;
    return (struct ais_star_sum){star, (unsigned)acc & 0xff};
}

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>

/* loadu(keep + 16 - k): the first k bytes all-ones, the rest zero (k 0..16). */
static const uint8_t keep[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static inline __m128i first_bytes(unsigned k)
{
    return _mm_loadu_si128((const __m128i *)(const void *)(keep + 16 - k));
}

/* Sixteen bytes at a time: compare with '*' (movemask gives one bit per
 * byte) and XOR whole blocks into a 16-byte accumulator, folded at the end;
 * in the block with the '*', only the bytes before it. The last 1..15 bytes
 * are the last sixteen of s with the ones already done masked off, so only
 * s[0..n) is ever read. */
struct ais_star_sum ais_scan_checksum(const char *s, size_t n)
{
    if (n < 16)
        return ais_scan_checksum_portable(s, n);
    const __m128i stars = _mm_set1_epi8('*');
    __m128i acc = _mm_setzero_si128();
    const char *star = NULL;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, stars));
        if (m) {
            unsigned k = (unsigned)__builtin_ctz(m);
            acc = _mm_xor_si128(acc, _mm_and_si128(w, first_bytes(k)));
            star = s + i + k;
            break;
        }
        acc = _mm_xor_si128(acc, w);
    }
    if (!star && i < n) {
        unsigned skip = 16 - (unsigned)(n - i); /* bytes of the block already done, 1..15 */
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, stars)) >> skip;
        if (m) {
            unsigned k = (unsigned)__builtin_ctz(m);
            /* Bytes skip .. skip + k - 1 of the block: those before the '*'. */
            __m128i before = _mm_andnot_si128(first_bytes(skip), first_bytes(skip + k));
            acc = _mm_xor_si128(acc, _mm_and_si128(w, before));
            star = s + i + k;
        }
    }
    acc = _mm_xor_si128(acc, _mm_srli_si128(acc, 8));
    acc = _mm_xor_si128(acc, _mm_srli_si128(acc, 4));
    acc = _mm_xor_si128(acc, _mm_srli_si128(acc, 2));
    acc = _mm_xor_si128(acc, _mm_srli_si128(acc, 1));
    return (struct ais_star_sum){star, (unsigned)_mm_cvtsi128_si32(acc) & 0xff};
}
#else
struct ais_star_sum ais_scan_checksum(const char *s, size_t n)
{
    return ais_scan_checksum_portable(s, n);
}
#endif

/* armor.c: 6-bit de-armouring. On x86-64, payloads of 16 characters or more
 * go sixteen at a time through SSE2 (range checks, values and the first two
 * packing steps on all sixteen bytes at once). The portable path, used
 * elsewhere and for shorter payloads, takes eight at a time through one
 * 64-bit word (SWAR); under eight, the 256-entry table. The unit tests run
 * both paths against a bit-by-bit reference. */
#include "ais/armor.h"

#include "ais/ais.h"
#include "common/bits.h"

#define X 0xff
#define ROW16(b) (b), (b) + 1, (b) + 2, (b) + 3, (b) + 4, (b) + 5, (b) + 6, (b) + 7, (b) + 8, \
                 (b) + 9, (b) + 10, (b) + 11, (b) + 12, (b) + 13, (b) + 14, (b) + 15
#define BAD16 X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X

/* '0'..'W' -> 0..39, '`'..'w' -> 40..63 (AIVDM.txt, payload armoring table). */
const uint8_t ais_armor_table[256] = {
    BAD16, BAD16, BAD16,
    ROW16(0),                   /* 0x30 '0'..'?' */
    ROW16(16),                  /* 0x40 '@'..'O' */
    32, 33, 34, 35, 36, 37, 38, 39, X, X, X, X, X, X, X, X, /* 0x50 'P'..'W', then 'X'..'_' */
    ROW16(40),                  /* 0x60 '`'..'o' */
    56, 57, 58, 59, 60, 61, 62, 63, X, X, X, X, X, X, X, X, /* 0x70 'p'..'w', then 'x'.. */
    BAD16, BAD16, BAD16, BAD16, BAD16, BAD16, BAD16, BAD16,
};

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Eight characters to their 48 bits, the first character's on top. w holds
 * them big-endian (the first in the top byte). Bit 7 of *bad is set in each
 * byte that is not armouring (the bits are then meaningless).
 * Range tests: bytes are first cut to 7 bits (w7), so adding 0x80 - k to a
 * byte cannot carry into the next, and bit 7 of the sum says byte >= k;
 * bytes with bit 7 set are flagged bad on their own. */
static inline uint64_t armor8(uint64_t w, uint64_t *bad)
{
    uint64_t w7 = w & ~HIGHS;
    uint64_t a = w7 + 0x50 * ONES;                /* bit 7: >= 0x30; below it: c - 0x30 */
    uint64_t ge58 = (w7 + 0x28 * ONES) & HIGHS;
    uint64_t ge60 = (w7 + 0x20 * ONES) & HIGHS;
    uint64_t ge78 = (w7 + 0x08 * ONES) & HIGHS;
    /* Valid: 0x30..0x57 or 0x60..0x77, and bit 7 clear. */
    *bad |= ((w | ~a) & HIGHS) | (ge58 ^ ge60) | ge78;
    /* Value: c - 0x30, and 8 less from '`' on (ge58 >> 4 is 8 in such
     * bytes). No byte borrows from the next when all eight are valid. */
    uint64_t v = (a & ~HIGHS) - (ge58 >> 4);
    /* Pack, the earlier part always in the upper half of its lane: in each
     * 16-bit lane hi * 256 + lo becomes hi * 64 + lo by subtracting hi * 192
     * (at most 63 * 192: no lane overflows or borrows), then in each 32-bit
     * lane hi * 65536 + lo becomes hi * 4096 + lo, then the two 24-bit
     * halves are joined. */
    v -= (v >> 8 & UINT64_C(0x00ff00ff00ff00ff)) * 192;
    v -= (v >> 16 & UINT64_C(0x0000ffff0000ffff)) * 61440;
    return (v >> 32) << 24 | (v & UINT64_C(0xffffffff));
}

int ais_armor_valid(const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t bad = 0;
        size_t i = 0;
        for (; i + 8 <= n; i += 8)
            (void)armor8(bits_load_be64(s + i), &bad);
        /* The last word overlaps the one before: checking a byte twice is harmless. */
        if (i < n)
            (void)armor8(bits_load_be64(s + n - 8), &bad);
        return !bad;
    }
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= ais_armor_table[(unsigned char)s[i]];
    /* Valid values are < 64, so bit 7 is set only by an 0xff entry. */
    return !(bad & 0x80);
}

/* Short payloads (< 8 characters): table lookups, 4 characters (24 bits)
 * into three bytes at a time, the last group zero-padded. */
static int decode_short(const unsigned char *u, size_t n, unsigned fill, uint8_t *bits)
{
    unsigned bad = 0;
    for (size_t i = 0, o = 0; i < n; i += 4, o += 3) {
        uint32_t w = 0;
        for (unsigned k = 0; k < 4; k++) {
            unsigned v = i + k < n ? ais_armor_table[u[i + k]] : 0;
            bad |= v;
            w = (w << 6) | (v & 0x3f);
        }
        bits[o] = (uint8_t)(w >> 16);
        bits[o + 1] = (uint8_t)(w >> 8);
        bits[o + 2] = (uint8_t)w;
    }
    if (bad & 0x80)
        return AIS_EARMOR;
    return (int)(6 * n - fill);
}

int ais_armor_decode_portable(const char *s, size_t n, unsigned fill, uint8_t *bits)
{
    if (fill > 5 || (fill && n == 0))
        return AIS_EARMOR;
    if (n < 8)
        return decode_short((const unsigned char *)s, n, fill, bits);
    uint64_t bad = 0;
    size_t i = 0, o = 0;
    /* Each word's 48 bits are stored as 8 bytes, the low 2 zero: the next
     * word's store overwrites them, and after the last they are padding. */
    for (; i + 8 <= n; i += 8, o += 6)
        bits_store_be64(bits + o, armor8(bits_load_be64(s + i), &bad) << 16);
    if (i < n) {
        /* 1..7 characters left: load the last eight (n >= 8, so this stays
         * inside s), drop the ones already done and pad with '0' (value 0),
         * so the bits past the payload come out zero. */
        unsigned r = (unsigned)(n - i);
        uint64_t w = bits_load_be64(s + n - 8) << (8 * (8 - r)) | (0x30 * ONES) >> (8 * r);
        bits_store_be64(bits + o, armor8(w, &bad) << 16);
    }
    if (bad)
        return AIS_EARMOR;
    return (int)(6 * n - fill);
}

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>

/* Sixteen characters (byte k of c is character k) to 96 bits, stored as
 * two 8-byte big-endian words at out and out + 6 (14 bytes written, the
 * last two zero). Lanes of *ok stay all-ones while every byte is armouring.
 * SSE2 is part of x86-64 itself, so no run-time dispatch is needed. */
static inline void armor16(__m128i c, uint8_t *out, __m128i *ok)
{
    /* Signed compares: bytes >= 0x80 are negative and fail the first. */
    __m128i ge30 = _mm_cmpgt_epi8(c, _mm_set1_epi8(0x2f));
    __m128i ge58 = _mm_cmpgt_epi8(c, _mm_set1_epi8(0x57));
    __m128i ge60 = _mm_cmpgt_epi8(c, _mm_set1_epi8(0x5f));
    __m128i ge78 = _mm_cmpgt_epi8(c, _mm_set1_epi8(0x77));
    /* Valid: >= 0x30, not 0x58..0x5f, not >= 0x78. */
    *ok = _mm_and_si128(*ok, _mm_andnot_si128(_mm_or_si128(ge78, _mm_xor_si128(ge58, ge60)), ge30));
    /* Value: c - 0x30, and 8 less from '`' on. */
    __m128i v = _mm_sub_epi8(_mm_sub_epi8(c, _mm_set1_epi8(0x30)),
                             _mm_and_si128(ge58, _mm_set1_epi8(8)));
    /* 16-bit lanes (earlier character in the low byte): e << 6 | o. */
    v = _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0xff)), 6),
                     _mm_srli_epi16(v, 8));
    /* 32-bit lanes: earlier 12 bits * 4096 + later 12 bits, as one
     * multiply-add (values < 4096, factors fit signed 16 bits). */
    v = _mm_madd_epi16(v, _mm_set1_epi32(0x00011000));
    /* Four 24-bit groups, two per 64-bit half: join each pair into 48 bits. */
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(v);
    uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(v, v));
    bits_store_be64(out, ((lo & UINT64_C(0xffffffff)) << 24 | lo >> 32) << 16);
    bits_store_be64(out + 6, ((hi & UINT64_C(0xffffffff)) << 24 | hi >> 32) << 16);
}

int ais_armor_decode(const char *s, size_t n, unsigned fill, uint8_t *bits)
{
    if (n < 16)
        return ais_armor_decode_portable(s, n, fill, bits);
    if (fill > 5)
        return AIS_EARMOR;
    __m128i ok = _mm_set1_epi8(-1);
    size_t i = 0, o = 0;
    for (; i + 16 <= n; i += 16, o += 12)
        armor16(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), bits + o, &ok);
    if (i < n && n % 4 == 0) {
        /* 4..12 characters left, and the last sixteen start on a whole byte
         * of output (4 characters are 3 bytes): decode those sixteen again
         * in place. The characters done twice give the same bytes, so
         * rewriting them is harmless (most payloads, 28 characters, end
         * here). */
        __m128i last = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        armor16(last, bits + 3 * (n - 16) / 4, &ok);
    } else if (i < n) {
        /* 1..15 characters left: the last sixteen of s (n >= 16) shifted
         * down past the ones already done, '0' (value 0) above them, so the
         * bits past the payload come out zero. Shifted as two 64-bit words:
         * SSE2 byte shifts take only constant counts. */
        unsigned r = (unsigned)(n - i), k = 16 - r; /* k: bytes to drop, 1..15 */
        uint64_t lo = bits_load_le64(s + n - 16), hi = bits_load_le64(s + n - 8);
        if (k >= 8) {
            lo = hi >> (8 * (k - 8));
            hi = 0;
        } else {
            lo = lo >> (8 * k) | hi << (64 - 8 * k);
            hi >>= 8 * k;
        }
        const uint64_t zeros = 0x30 * ONES;
        if (r >= 8) {
            hi |= zeros << (8 * (r - 8));
        } else {
            lo |= zeros << (8 * r);
            hi = zeros;
        }
        armor16(_mm_set_epi64x((long long)hi, (long long)lo), bits + o, &ok);
    }
    if (_mm_movemask_epi8(ok) != 0xffff)
        return AIS_EARMOR;
    return (int)(6 * n - fill);
}
#else
int ais_armor_decode(const char *s, size_t n, unsigned fill, uint8_t *bits)
{
    return ais_armor_decode_portable(s, n, fill, bits);
}
#endif

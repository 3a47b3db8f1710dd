/* armor.c: 6-bit de-armouring. Payloads of eight characters or more go
 * eight at a time through one 64-bit word (SWAR: range checks and the 6-bit
 * packing done on all eight bytes at once, 48 bits out per word); shorter
 * ones, and the reference for the tests, use the 256-entry table. */
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

int ais_armor_decode(const char *s, size_t n, unsigned fill, uint8_t *bits)
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

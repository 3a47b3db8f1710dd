/* bits.h: the one place bit-field arithmetic lives.
 *
 * Two numbering conventions, because the two standards number differently:
 *  - AIS (ITU-R M.1371, gpsd's AIVDM.txt): bit 0 is the MSB of byte 0, fields are
 *    (start, width) with 0-based start. Use bits_u()/bits_s().
 *  - Mode S (ICAO Annex 10, DO-260B): bit 1 is the MSB of byte 0, fields are
 *    (first, last) inclusive. Use bits_get1()/bits_get1_bit().
 * Callers bound-check against the buffer length; these helpers never read past
 * byte ((start + width - 1) / 8).
 */
#ifndef ATALAYA_COMMON_BITS_H
#define ATALAYA_COMMON_BITS_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

/* Unsigned field of `width` (0..64) bits starting at 0-based bit `start`. */
static inline uint64_t bits_u(const uint8_t *buf, unsigned start, unsigned width)
{
    if (width == 0)
        return 0;
    unsigned lead = start & 7;
    if (lead + width <= 64) {
        /* Gather only the bytes the field touches (at most 8), then shift. */
        const uint8_t *p = buf + (start >> 3);
        unsigned nbytes = (lead + width + 7) >> 3;
        uint64_t v = 0;
        for (unsigned i = 0; i < nbytes; i++)
            v = (v << 8) | p[i];
        v >>= nbytes * 8 - lead - width;
        return width == 64 ? v : v & ((UINT64_C(1) << width) - 1);
    }
    /* A 58..64-bit field that straddles 9 bytes: two halves. */
    unsigned hi = width - 32;
    return (bits_u(buf, start, hi) << 32) | bits_u(buf, start + hi, 32);
}

/* Two's-complement signed field, as bits_u(). */
static inline int64_t bits_s(const uint8_t *buf, unsigned start, unsigned width)
{
    uint64_t v = bits_u(buf, start, width);
    if (width > 0 && width < 64 && (v >> (width - 1)) & 1u)
        v |= ~(uint64_t)0 << width;
    return (int64_t)v;
}

/* Mode S numbering: bits first..last inclusive, 1-based (spec tables read directly). */
static inline uint32_t bits_get1(const uint8_t *buf, unsigned first, unsigned last)
{
    return (uint32_t)bits_u(buf, first - 1, last - first + 1);
}

static inline unsigned bits_get1_bit(const uint8_t *buf, unsigned bit)
{
    return (buf[(bit - 1) >> 3] >> (7 - ((bit - 1) & 7))) & 1u;
}

/* Byte-order-independent 8-byte loads and stores (for word-at-a-time text
 * scanning). With GCC or Clang on a host of known byte order they are one
 * unaligned memcpy (one mov) and at most a byte swap; elsewhere, byte by
 * byte, which means the same on any host. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BITS_TO_LE64(v) (v)
#define BITS_TO_BE64(v) __builtin_bswap64(v)
#else
#define BITS_TO_LE64(v) __builtin_bswap64(v)
#define BITS_TO_BE64(v) (v)
#endif
static inline uint64_t bits_load_le64(const void *src)
{
    uint64_t v;
    memcpy(&v, src, 8);
    return BITS_TO_LE64(v);
}

static inline uint64_t bits_load_be64(const void *src)
{
    uint64_t v;
    memcpy(&v, src, 8);
    return BITS_TO_BE64(v);
}

static inline void bits_store_be64(void *dst, uint64_t v)
{
    v = BITS_TO_BE64(v);
    memcpy(dst, &v, 8);
}
#undef BITS_TO_LE64
#undef BITS_TO_BE64
#else
static inline uint64_t bits_load_le64(const void *src)
{
    const uint8_t *b = src;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static inline uint64_t bits_load_be64(const void *src)
{
    const uint8_t *b = src;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

static inline void bits_store_be64(void *dst, uint64_t v)
{
    uint8_t *b = dst;
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
}
#endif

/* Write `width` bits of `v` at 0-based `start` (encoders). */
void bits_put(uint8_t *buf, unsigned start, unsigned width, uint64_t v);

#endif

/* armor.c: 6-bit de-armouring through a 256-entry table, four characters
 * (24 bits) into three bytes at a time. */
#include "ais/armor.h"

#include "ais/ais.h"

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

int ais_armor_valid(const char *s, size_t n)
{
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++)
        bad |= ais_armor_table[(unsigned char)s[i]];
    /* Valid values are < 64, so bit 7 is set only by an 0xff entry. */
    return !(bad & 0x80);
}

int ais_armor_decode(const char *s, size_t n, unsigned fill, uint8_t *bits)
{
    if (fill > 5 || (fill && n == 0))
        return AIS_EARMOR;
    const unsigned char *u = (const unsigned char *)s;
    unsigned bad = 0;
    size_t i = 0, o = 0;
    for (; i + 4 <= n; i += 4, o += 3) {
        unsigned a = ais_armor_table[u[i]], b = ais_armor_table[u[i + 1]];
        unsigned c = ais_armor_table[u[i + 2]], d = ais_armor_table[u[i + 3]];
        bad |= a | b | c | d;
        uint32_t w = (a << 18) | (b << 12) | (c << 6) | d;
        bits[o] = (uint8_t)(w >> 16);
        bits[o + 1] = (uint8_t)(w >> 8);
        bits[o + 2] = (uint8_t)w;
    }
    /* The 1..3 characters left go into one more zero-padded 3-byte group. */
    if (i < n) {
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

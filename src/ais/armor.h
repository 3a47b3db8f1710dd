/* armor.h: AIS 6-bit payload armouring (ITU-R M.1371-5 Annex 8 / IEC 61162-1,
 * described in gpsd's AIVDM.txt "AIVDM/AIVDO payload armoring").
 *
 * Each payload character carries 6 bits: '0'..'W' (48..87) are 0..39 and
 * '`'..'w' (96..119) are 40..63; anything else is not armouring. The last
 * sentence of a message says how many fill bits (0..5) pad its last character.
 */
#ifndef ATALAYA_AIS_ARMOR_H
#define ATALAYA_AIS_ARMOR_H

#include <stddef.h>
#include <stdint.h>

/* 6-bit value of each byte, or 0xff for a byte outside the alphabet. */
extern const uint8_t ais_armor_table[256];

/* Returns 1 when all n characters are in the armouring alphabet, else 0. */
int ais_armor_valid(const char *s, size_t n);

/* De-armours n characters into bits (MSB first), dropping `fill` bits from the
 * end. bits must hold (6 * n + 7) / 8 + 16 bytes: the packer writes whole
 * words, so up to 16 bytes past the payload may be written (zero bits after
 * the last character up to the end of its word; contents past that are
 * unspecified).
 * Returns the number of payload bits, or AIS_EARMOR (a character outside the
 * alphabet, fill > 5, or fill bits without a character to hold them). */
int ais_armor_decode(const char *s, size_t n, unsigned fill, uint8_t *bits);

/* The same without SIMD (what ais_armor_decode is where SSE2 is missing);
 * public so the tests check both. */
int ais_armor_decode_portable(const char *s, size_t n, unsigned fill, uint8_t *bits);

#endif

/* scan.h: the NMEA checksum scan: find the first '*' of a sentence and XOR
 * the bytes before it (IEC 61162-1), in one pass. */
#ifndef ATALAYA_AIS_SCAN_H
#define ATALAYA_AIS_SCAN_H

#include <stddef.h>

/* Returned in registers: an out-parameter would make every caller a
 * stack-protected function (-fstack-protector-strong). */
struct ais_star_sum {
    const char *star; /* the first '*' in s[0..n), NULL if none */
    unsigned sum;     /* XOR of the bytes before it (meaningless if star is NULL) */
};

/* Reads only s[0..n). SSE2 16 bytes at a time where available (x86-64),
 * else ais_scan_checksum_portable. */
struct ais_star_sum ais_scan_checksum(const char *s, size_t n);

/* The same, eight bytes at a time in a 64-bit word; public so the tests
 * check both. */
struct ais_star_sum ais_scan_checksum_portable(const char *s, size_t n);

#endif

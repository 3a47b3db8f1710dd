/* hex.h: hexadecimal digits, one table lookup each (framers read millions). */
#ifndef ATALAYA_COMMON_HEX_H
#define ATALAYA_COMMON_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A digit's value + 1; 0 for anything not 0-9, a-f, A-F. */
extern const uint8_t hex_value1[256];

/* 0-15, or -1 when c is not a hex digit. */
static inline int hex_digit(unsigned char c) { return hex_value1[c] - 1; }

/* Exactly n (<= 8) hex digits into *v; false (v untouched) on any other character. */
bool hex_u32(const char *p, size_t n, uint32_t *v);

#endif

/* buf.h: growable byte buffer with fast appenders, used for all text output
 * (JSON lines, CSV, NMEA, AVR). Output paths append to a buf and write it out
 * in large blocks; printf is too slow for millions of lines a second. */
#ifndef ATALAYA_COMMON_BUF_H
#define ATALAYA_COMMON_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct buf {
    char *p;
    size_t len;
    size_t cap;
};

void buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);
void buf_grow(struct buf *b, size_t need); /* ensures cap >= len + need; may move p */

static inline void buf_reserve(struct buf *b, size_t need)
{
    if (b->len + need > b->cap)
        buf_grow(b, need);
}

static inline void buf_putc(struct buf *b, char c)
{
    buf_reserve(b, 1);
    b->p[b->len++] = c;
}

static inline void buf_put(struct buf *b, const void *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void buf_puts(struct buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_u64(struct buf *b, uint64_t v);
void buf_i64(struct buf *b, int64_t v);
void buf_2d(struct buf *b, unsigned v); /* exactly two digits, v % 100 zero-padded */
/* Fixed-point decimal with `decimals` digits after the point (0..9), rounded
 * half away from zero. Callers never pass NaN or infinities. */
void buf_fixed(struct buf *b, double v, int decimals);
void buf_hex(struct buf *b, const uint8_t *bytes, size_t n, int upper);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the buffer to f and empties it; returns 0 or -1 on a write error. */
int buf_flush(struct buf *b, FILE *f);

#endif

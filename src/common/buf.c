#include "common/buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

#include "common/xmalloc.h"

void buf_init(struct buf *b, size_t cap)
{
    b->cap = cap ? cap : 256;
    b->p = xmalloc(b->cap);
    b->len = 0;
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_grow(struct buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_u64(struct buf *b, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_reserve(b, (size_t)n);
    while (n)
        b->p[b->len++] = tmp[--n];
}

void buf_i64(struct buf *b, int64_t v)
{
    if (v < 0) {
        buf_putc(b, '-');
        buf_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        buf_u64(b, (uint64_t)v);
    }
}

static const uint64_t pow10_table[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                       1000000000};

void buf_fixed(struct buf *b, double v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    if (!isfinite(v) || fabs(v) > 9e9) {
        /* Out of the fixed-point range: rare, so printf is fine here. */
        buf_printf(b, "%.*f", decimals, isfinite(v) ? v : 0.0);
        return;
    }
    uint64_t scale = pow10_table[decimals];
    int neg = v < 0;
    double a = neg ? -v : v;
    double x = a * (double)scale;
    double frac = x - floor(x);
    if (frac > 0.4999 && frac < 0.5001) {
        /* Near a tie the product's rounding can differ from the decimal value
         * printf rounds; let printf decide so output matches C's %.Nf exactly. */
        buf_printf(b, "%.*f", decimals, v);
        return;
    }
    uint64_t q = (uint64_t)llround(x);
    if (neg && q != 0)
        buf_putc(b, '-');
    buf_u64(b, q / scale);
    if (decimals) {
        uint64_t frac = q % scale;
        char tmp[10];
        for (int i = decimals - 1; i >= 0; i--) {
            tmp[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        buf_putc(b, '.');
        buf_put(b, tmp, (size_t)decimals);
    }
}

void buf_hex(struct buf *b, const uint8_t *bytes, size_t n, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    buf_reserve(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        b->p[b->len++] = digits[bytes[i] >> 4];
        b->p[b->len++] = digits[bytes[i] & 15];
    }
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= b->cap - b->len) {
        buf_reserve(b, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

int buf_flush(struct buf *b, FILE *f)
{
    int rc = 0;
    if (b->len && fwrite(b->p, 1, b->len, f) != b->len)
        rc = -1;
    b->len = 0;
    return rc;
}

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

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

void buf_u64(struct buf *b, uint64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    /* Two digits per division: the output path prints millions of numbers a second. */
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    buf_put(b, p, (size_t)(tmp + sizeof tmp - p));
}

void buf_2d(struct buf *b, unsigned v)
{
    buf_put(b, digit_pairs + 2 * (v % 100), 2);
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
    uint64_t whole = (uint64_t)x;
    double rem = x - (double)whole;
    if (rem > 0.4999 && rem < 0.5001) {
        /* Near a tie the product's rounding can differ from the decimal value
         * printf rounds; let printf decide so output matches C's %.Nf exactly. */
        buf_printf(b, "%.*f", decimals, v);
        return;
    }
    uint64_t q = whole + (rem >= 0.5);
    if (neg && q != 0)
        buf_putc(b, '-');
    if (decimals == 0) {
        buf_u64(b, q);
        return;
    }
    /* Constant divisors for the common precisions (the compiler turns them into multiplies). */
    uint64_t ip, fp;
    switch (decimals) {
    case 1: ip = q / 10; fp = q % 10; break;
    case 2: ip = q / 100; fp = q % 100; break;
    case 4: ip = q / 10000; fp = q % 10000; break;
    case 6: ip = q / 1000000; fp = q % 1000000; break;
    default: ip = q / scale; fp = q % scale; break;
    }
    buf_u64(b, ip);
    char tmp[11];
    tmp[0] = '.';
    for (int i = decimals; i > 0; i--) {
        tmp[i] = (char)('0' + fp % 10);
        fp /= 10;
    }
    buf_put(b, tmp, (size_t)decimals + 1);
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

#include "common/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void jw_init(struct jw *w, struct buf *b)
{
    w->b = b;
    w->depth = 0;
    w->need_comma = 0;
}

/* Called before every value: arrays need commas between elements;
 * object members get theirs from jw_key(). */
static void before_value(struct jw *w)
{
    unsigned bit = 1u << (w->depth & 31);
    if (w->need_comma & bit)
        buf_putc(w->b, ',');
    w->need_comma |= bit;
}

static void after_key_value(struct jw *w)
{
    w->need_comma |= 1u << (w->depth & 31);
}

static void open_container(struct jw *w, char c)
{
    before_value(w);
    buf_putc(w->b, c);
    w->depth++;
    w->need_comma &= ~(1u << (w->depth & 31));
}

static void close_container(struct jw *w, char c)
{
    buf_putc(w->b, c);
    w->depth--;
    after_key_value(w);
}

void jw_obj_begin(struct jw *w) { open_container(w, '{'); }
void jw_obj_end(struct jw *w) { close_container(w, '}'); }
void jw_arr_begin(struct jw *w) { open_container(w, '['); }
void jw_arr_end(struct jw *w) { close_container(w, ']'); }

void json_escape(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        /* Copy the longest run that needs no escaping in one go. */
        size_t run = i;
        while (run < n && u[run] >= 0x20 && u[run] < 0x80 && u[run] != '"' && u[run] != '\\')
            run++;
        if (run > i) {
            buf_put(b, u + i, run - i);
            i = run;
            if (i == n)
                break;
        }
        unsigned char c = u[i];
        if (c >= 0x80) {
            /* Pass through well-formed UTF-8 sequences; anything else is latin-1. */
            int len = (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3 : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
            int ok = len && i + (size_t)len <= n;
            for (int k = 1; ok && k < len; k++)
                ok = (u[i + (size_t)k] & 0xc0) == 0x80;
            if (ok) {
                buf_put(b, u + i, (size_t)len);
                i += (size_t)len;
                continue;
            }
        }
        switch (c) {
        case '"': buf_put(b, "\\\"", 2); break;
        case '\\': buf_put(b, "\\\\", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_put(b, e, 6);
        }
        }
        i++;
    }
}

void jw_key_escaped(struct jw *w, const char *key, size_t n)
{
    unsigned bit = 1u << (w->depth & 31);
    if (w->need_comma & bit)
        buf_putc(w->b, ',');
    buf_putc(w->b, '"');
    json_escape(w->b, key, n);
    buf_put(w->b, "\":", 2);
    w->need_comma &= ~bit;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    before_value(w);
    buf_putc(w->b, '"');
    json_escape(w->b, s, n);
    buf_putc(w->b, '"');
}

void jw_str(struct jw *w, const char *s) { jw_strn(w, s, strlen(s)); }

void jw_int(struct jw *w, int64_t v)
{
    before_value(w);
    buf_i64(w->b, v);
}

void jw_uint(struct jw *w, uint64_t v)
{
    before_value(w);
    buf_u64(w->b, v);
}

void jw_fixed(struct jw *w, double v, int decimals)
{
    before_value(w);
    if (!isfinite(v))
        buf_put(w->b, "null", 4);
    else
        buf_fixed(w->b, v, decimals);
}

void json_shortest(struct buf *b, double v)
{
    if (!isfinite(v)) {
        buf_put(b, "null", 4);
        return;
    }
    /* The fewest significant digits that read back as the same double:
     * 27.19, not the 27.190000000000001 of %.17g. Most values from decoded
     * fields need 15 or fewer; 17 always suffices (IEEE 754 binary64). */
    char s[40];
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(s, sizeof s, "%.*e", prec - 1, v);
        if (strtod(s, NULL) == v)
            break;
    }
    /* Plain notation where it stays short (100, not the 1e+02 of %g). */
    int exp10 = v == 0 ? 0 : (int)floor(log10(fabs(v)));
    if (exp10 >= -5 && exp10 < 17) {
        int decimals = prec - 1 - exp10;
        snprintf(s, sizeof s, "%.*f", decimals > 0 ? decimals : 0, v);
        if (strtod(s, NULL) != v) /* log10 rounded across a power of ten */
            snprintf(s, sizeof s, "%.*e", prec - 1, v);
    } else {
        snprintf(s, sizeof s, "%.*g", prec, v);
    }
    buf_puts(b, s);
}

void jw_double(struct jw *w, double v)
{
    before_value(w);
    json_shortest(w->b, v);
}

void jw_bool(struct jw *w, bool v)
{
    before_value(w);
    if (v)
        buf_put(w->b, "true", 4);
    else
        buf_put(w->b, "false", 5);
}

void jw_null(struct jw *w)
{
    before_value(w);
    buf_put(w->b, "null", 4);
}

void jw_raw(struct jw *w, const char *s, size_t n)
{
    before_value(w);
    buf_put(w->b, s, n);
}

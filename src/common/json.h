/* json.h: streaming JSON writer (no DOM) on top of struct buf.
 * One object at a time; the writer tracks whether a comma is due.
 * Keys are trusted ASCII literals; string values are escaped (RFC 8259),
 * with bytes that are not valid UTF-8 written as \u00XX of their latin-1 value,
 * so the output is always valid JSON whatever the input. */
#ifndef ATALAYA_COMMON_JSON_H
#define ATALAYA_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"

struct jw {
    struct buf *b;
    int depth;
    unsigned need_comma; /* bit per depth level */
};

void jw_init(struct jw *w, struct buf *b);
void jw_obj_begin(struct jw *w);   /* as a value: after jw_key(), in an array, or top level */
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
/* Writes ,"key": (inline so a literal key's length is known at compile time). */
static inline void jw_key(struct jw *w, const char *key)
{
    unsigned bit = 1u << (w->depth & 31);
    size_t n = strlen(key);
    struct buf *b = w->b;
    buf_reserve(b, n + 4);
    char *p = b->p + b->len;
    if (w->need_comma & bit)
        *p++ = ',';
    *p++ = '"';
    memcpy(p, key, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    b->len = (size_t)(p - b->p);
    /* The value that follows must not add another comma. */
    w->need_comma &= ~bit;
}

/* As jw_key, for a key from outside (escaped like a string value). */
void jw_key_escaped(struct jw *w, const char *key, size_t n);

void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_uint(struct jw *w, uint64_t v);
void jw_fixed(struct jw *w, double v, int decimals);
/* The shortest decimal that reads back as v (27.19, not 27.190000000000001);
 * non-finite becomes null. */
void jw_double(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *s, size_t n); /* pre-formatted JSON value */

/* Key-value shorthands. */
static inline void jw_kstr(struct jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
static inline void jw_kint(struct jw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
static inline void jw_kuint(struct jw *w, const char *k, uint64_t v) { jw_key(w, k); jw_uint(w, v); }
static inline void jw_kfixed(struct jw *w, const char *k, double v, int d) { jw_key(w, k); jw_fixed(w, v, d); }
static inline void jw_kbool(struct jw *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }

/* Appends v as jw_double writes it. */
void json_shortest(struct buf *b, double v);
/* Escapes s (n bytes) as the body of a JSON string, without quotes. */
void json_escape(struct buf *b, const char *s, size_t n);

#endif

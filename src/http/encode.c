/* encode.c: content negotiation of answers: gzip (RFC 9110 Accept-Encoding,
 * RFC 1952) and entity tags (RFC 9110 If-None-Match). See http_internal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http/http_internal.h"

/* The q-value of a coding element "gzip;q=0.5" (1 when absent). */
static double qvalue(const char *params, const char *end)
{
    for (const char *p = params; p < end; p++)
        if ((*p == 'q' || *p == 'Q') && p + 1 < end && p[1] == '=')
            return atof(p + 2);
    return 1.0;
}

bool http_accepts_gzip(const char *accept_encoding)
{
    if (!accept_encoding)
        return false;
    double gzip = -1, star = -1;
    for (const char *p = accept_encoding; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t n = (size_t)(p - tok);
        const char *params = p;
        while (*p && *p != ',')
            p++;
        double q = qvalue(params, p);
        if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) || (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gzip = q;
        else if (n == 1 && *tok == '*')
            star = q;
    }
    return gzip >= 0 ? gzip > 0 : star > 0;
}

bool http_compressible(const char *ctype)
{
    return ctype && (strncmp(ctype, "text/", 5) == 0 || strncmp(ctype, "application/json", 16) == 0 ||
                     strncmp(ctype, "application/geo+json", 20) == 0 || strncmp(ctype, "image/svg+xml", 13) == 0 ||
                     strncmp(ctype, "application/vnd.google-earth.kml", 32) == 0);
}

int http_gzip(const void *in, size_t n, struct buf *out)
{
    z_stream z = {0};
    /* Level 6: zlib's default; 31 = 15-bit window with a gzip wrapper. */
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)n);
    buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->p + out->len;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    if (rc == Z_STREAM_END)
        out->len += z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END ? 0 : -1;
}

void http_etag_of(const void *p, size_t n, char out[HTTP_ETAG_LEN])
{
    /* FNV-1a, 64 bits: a change detector, not a defence (the server makes
     * the documents; a collision only costs one stale poll). */
    uint64_t h = 0xcbf29ce484222325ull;
    const unsigned char *u = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ u[i]) * 0x100000001b3ull;
    snprintf(out, HTTP_ETAG_LEN, "W/\"%016llx\"", (unsigned long long)h);
}

/* The opaque part of a tag, without W/ and quotes. */
static void opaque(const char *tag, size_t n, const char **o, size_t *on)
{
    if (n >= 2 && tag[0] == 'W' && tag[1] == '/')
        tag += 2, n -= 2;
    if (n >= 2 && tag[0] == '"' && tag[n - 1] == '"')
        tag++, n -= 2;
    *o = tag;
    *on = n;
}

bool http_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match || !etag)
        return false;
    const char *want;
    size_t wn;
    opaque(etag, strlen(etag), &want, &wn);
    for (const char *p = if_none_match; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *tok = p;
        while (*p && *p != ',')
            p++;
        const char *e = p;
        while (e > tok && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e - tok == 1 && *tok == '*')
            return true;
        const char *o;
        size_t on;
        /* Weak comparison (RFC 9110 13.1.2): W/ does not matter. */
        opaque(tok, (size_t)(e - tok), &o, &on);
        if (on == wn && memcmp(o, want, wn) == 0)
            return true;
    }
    return false;
}

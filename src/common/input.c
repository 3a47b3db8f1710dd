#include "common/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "common/xmalloc.h"

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_ZSTD };

#define RAW_CAP (1u << 18)
#define LINE_BUF_CAP (1u << 20)

struct in_file {
    char *name;
    int fd;
    enum codec codec;
    int eof, err;
    int gz_open;   /* inside a gzip member: its end has not been seen yet */
    /* compressed side */
    uint8_t *raw;
    size_t raw_len, raw_pos;
    z_stream z;
    ZSTD_DStream *zs;
    /* line side */
    char *lb;
    size_t lb_start, lb_end;
    int skipping; /* inside the tail of an over-long line */
    /* Newline bitmap of the 64 bytes at lb + nl_base (bit k set: a '\n' at
     * lb[nl_base + k]), the bits of lines already returned cleared. Valid
     * only while nl_ok, which only in_getline's fast path sets (never while
     * skipping) and everything else that moves lb_start or the buffer clears. */
    uint64_t nl_bits;
    size_t nl_base;
    int nl_ok;
    uint64_t bytes_read; /* from the file itself (compressed, for .gz/.zst) */
    int64_t decoded; /* bytes out of read_decoded so far */
};

#if defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_NEWLINES64 1
/* The '\n' bitmap of p[0..64): four compares and byte masks. */
static inline uint64_t newlines64(const char *p)
{
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i *q = (const __m128i *)(const void *)p;
    uint64_t m0 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q), nl));
    uint64_t m1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 1), nl));
    uint64_t m2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 2), nl));
    uint64_t m3 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(q + 3), nl));
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}
#endif

/* Every read of the file itself, counted for in_bytes_read. */
static ssize_t read_fd(struct in_file *f, void *dst, size_t n)
{
    for (;;) {
        ssize_t r = read(f->fd, dst, n);
        if (r > 0)
            f->bytes_read += (uint64_t)r;
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

static int fill_raw(struct in_file *f)
{
    if (f->raw_pos < f->raw_len)
        return 1;
    ssize_t r = read_fd(f, f->raw, RAW_CAP);
    if (r < 0)
        return -1;
    f->raw_len = (size_t)r;
    f->raw_pos = 0;
    return r > 0;
}

struct in_file *in_open(const char *path)
{
    int fd = 0;
    if (path && strcmp(path, "-") != 0) {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return NULL;
    }
    struct in_file *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(path && strcmp(path, "-") ? path : "stdin");
    f->fd = fd;
    f->raw = xmalloc(RAW_CAP);
    f->lb = xmalloc(LINE_BUF_CAP);
    /* Sniff the codec from the first bytes; they stay in raw[] for whoever reads next. */
    while (f->raw_len < 4) {
        ssize_t r = read_fd(f, f->raw + f->raw_len, RAW_CAP - f->raw_len);
        if (r <= 0)
            break;
        f->raw_len += (size_t)r;
    }
    const uint8_t *m = f->raw;
    if (f->raw_len >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        f->codec = CODEC_GZIP;
        if (inflateInit2(&f->z, 15 + 32) != Z_OK) {
            in_close(f);
            errno = ENOMEM;
            return NULL;
        }
    } else if (f->raw_len >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        f->codec = CODEC_ZSTD;
        f->zs = ZSTD_createDStream();
        ZSTD_initDStream(f->zs);
    }
    return f;
}

struct in_file *in_open_err(const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open(path);
    if (!f)
        snprintf(err, errn, "%s: %s", path ? path : "-", strerror(errno));
    return f;
}

uint64_t in_bytes_read(const struct in_file *f) { return f->bytes_read; }

uint64_t in_size(const struct in_file *f)
{
    struct stat st;
    return fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

void in_close(struct in_file *f)
{
    if (!f)
        return;
    if (f->codec == CODEC_GZIP)
        inflateEnd(&f->z);
    if (f->zs)
        ZSTD_freeDStream(f->zs);
    if (f->fd > 0)
        close(f->fd);
    free(f->raw);
    free(f->lb);
    free(f->name);
    free(f);
}

const char *in_name(const struct in_file *f) { return f->name; }

static ssize_t read_gzip(struct in_file *f, uint8_t *dst, size_t n)
{
    f->z.next_out = dst;
    f->z.avail_out = (uInt)n;
    while (f->z.avail_out == n) {
        int have = fill_raw(f);
        if (have < 0)
            return -1;
        if (have == 0) {
            /* A file that ends inside a member was cut short: say so. */
            if (f->gz_open)
                return -1;
            break;
        }
        f->gz_open = 1;
        f->z.next_in = f->raw + f->raw_pos;
        f->z.avail_in = (uInt)(f->raw_len - f->raw_pos);
        int rc = inflate(&f->z, Z_NO_FLUSH);
        f->raw_pos = f->raw_len - f->z.avail_in;
        if (rc == Z_STREAM_END) {
            /* Concatenated gzip members (as `cat a.gz b.gz` makes) continue. */
            inflateReset(&f->z);
            f->gz_open = 0;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return -1;
        }
    }
    return (ssize_t)(n - f->z.avail_out);
}

static ssize_t read_zstd(struct in_file *f, uint8_t *dst, size_t n)
{
    ZSTD_outBuffer out = {dst, n, 0};
    while (out.pos == 0) {
        int have = fill_raw(f);
        if (have < 0)
            return -1;
        if (have == 0)
            break;
        ZSTD_inBuffer in = {f->raw + f->raw_pos, f->raw_len - f->raw_pos, 0};
        size_t rc = ZSTD_decompressStream(f->zs, &out, &in);
        f->raw_pos += in.pos;
        if (ZSTD_isError(rc))
            return -1;
    }
    return (ssize_t)out.pos;
}

static ssize_t read_codec(struct in_file *f, void *dst, size_t n);

static ssize_t read_decoded(struct in_file *f, void *dst, size_t n)
{
    ssize_t r = read_codec(f, dst, n);
    if (r > 0)
        f->decoded += r;
    return r;
}

int64_t in_tell(const struct in_file *f) { return f->decoded - (int64_t)(f->lb_end - f->lb_start); }

static ssize_t read_codec(struct in_file *f, void *dst, size_t n)
{
    if (n == 0)
        return 0;
    switch (f->codec) {
    case CODEC_GZIP: return read_gzip(f, dst, n);
    case CODEC_ZSTD: return read_zstd(f, dst, n);
    case CODEC_PLAIN: break;
    }
    if (f->raw_pos < f->raw_len) {
        size_t k = f->raw_len - f->raw_pos;
        if (k > n)
            k = n;
        memcpy(dst, f->raw + f->raw_pos, k);
        f->raw_pos += k;
        return (ssize_t)k;
    }
    return read_fd(f, dst, n);
}

ssize_t in_read(struct in_file *f, void *dst, size_t n)
{
    /* Bytes already pulled into the line buffer (by in_peek or in_getline) come first. */
    size_t avail = f->lb_end - f->lb_start;
    f->nl_ok = 0;
    if (avail) {
        if (avail > n)
            avail = n;
        memcpy(dst, f->lb + f->lb_start, avail);
        f->lb_start += avail;
        return (ssize_t)avail;
    }
    return read_decoded(f, dst, n);
}

ssize_t in_peek(struct in_file *f, const uint8_t **p, size_t n)
{
    if (n > LINE_BUF_CAP)
        n = LINE_BUF_CAP;
    f->nl_ok = 0;
    if (f->lb_start) {
        memmove(f->lb, f->lb + f->lb_start, f->lb_end - f->lb_start);
        f->lb_end -= f->lb_start;
        f->lb_start = 0;
    }
    while (f->lb_end < n && !f->eof) {
        ssize_t r = read_decoded(f, f->lb + f->lb_end, LINE_BUF_CAP - f->lb_end);
        if (r < 0) {
            f->err = f->eof = 1;
        } else if (r == 0) {
            f->eof = 1;
        } else {
            f->lb_end += (size_t)r;
        }
    }
    *p = (const uint8_t *)f->lb;
    return (ssize_t)(f->lb_end < n ? f->lb_end : n);
}

static int getline_slow(struct in_file *f, const char **line, size_t *len, int *overlong);
static int getline_memchr(struct in_file *f, const char **line, size_t *len, int *overlong);

/* A line of n bytes at start, its '\n' consumed: CR dropped, cut at
 * IN_MAX_LINE. */
static inline int give_line(char *start, size_t n, const char **line, size_t *len, int *overlong)
{
    if (n && start[n - 1] == '\r')
        n--;
    *line = start;
    *overlong = n > IN_MAX_LINE;
    *len = n > IN_MAX_LINE ? IN_MAX_LINE : n;
    return 1;
}

/* The common case inline: a whole line already in the buffer. Where SSE2
 * is there, newlines are found 64 bytes at a time into a bitmap, and each
 * line is then one count-trailing-zeros; else (and whenever the bitmap is
 * not valid: near the end of the buffered bytes, after a refill, an in_read
 * or in_peek) one memchr per line. Fields are read into locals first: the
 * stores through line/len/overlong could alias *f, which would force a
 * reload of every field after each store. */
int in_getline(struct in_file *f, const char **line, size_t *len, int *overlong)
{
#ifdef HAVE_NEWLINES64
    if (f->nl_ok) {
        uint64_t bits = f->nl_bits;
        size_t base = f->nl_base, end = f->lb_end;
        /* Newlines before base + 64 that are not yet cleared are at or after
         * lb_start; blocks are only scanned while whole inside the buffer. */
        while (!bits && base + 128 <= end) {
            base += 64;
            bits = newlines64(f->lb + base);
        }
        if (bits) {
            size_t s = f->lb_start, pos = base + (size_t)__builtin_ctzll(bits);
            f->nl_bits = bits & (bits - 1);
            f->nl_base = base;
            f->lb_start = pos + 1;
            return give_line(f->lb + s, pos - s, line, len, overlong);
        }
        f->nl_ok = 0;
    }
#endif
    return getline_memchr(f, line, len, overlong);
}

/* Out of line, so that the bitmap path above makes no call and saves no
 * registers. */
__attribute__((noinline)) static int getline_memchr(struct in_file *f, const char **line,
                                                    size_t *len, int *overlong)
{
    size_t s = f->lb_start, avail = f->lb_end - s;
    char *start = f->lb + s;
    char *nl = f->skipping ? NULL : memchr(start, '\n', avail);
    if (nl) {
        size_t n = (size_t)(nl - start);
        f->lb_start = s + n + 1;
#ifdef HAVE_NEWLINES64
        /* Start a bitmap at the next line when 64 bytes are there. */
        if (f->lb_start + 64 <= f->lb_end) {
            f->nl_base = f->lb_start;
            f->nl_bits = newlines64(f->lb + f->lb_start);
            f->nl_ok = 1;
        }
#endif
        return give_line(start, n, line, len, overlong);
    }
    return getline_slow(f, line, len, overlong);
}

__attribute__((noinline)) static int getline_slow(struct in_file *f, const char **line, size_t *len,
                                                  int *overlong)
{
    f->nl_ok = 0;
    for (;;) {
        char *start = f->lb + f->lb_start;
        size_t avail = f->lb_end - f->lb_start;
        char *nl = avail ? memchr(start, '\n', avail) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - start);
            f->lb_start += n + 1;
            if (f->skipping) {
                f->skipping = 0;
                continue;
            }
            if (n && start[n - 1] == '\r')
                n--;
            *line = start;
            *overlong = n > IN_MAX_LINE;
            *len = *overlong ? IN_MAX_LINE : n;
            return 1;
        }
        if (!f->skipping && avail > IN_MAX_LINE) {
            /* Hand out the head of an over-long line once, then drop the rest. */
            f->lb_start += avail;
            f->skipping = 1;
            *line = start;
            *len = IN_MAX_LINE;
            *overlong = 1;
            return 1;
        }
        if (f->skipping) {
            f->lb_start = f->lb_end = 0;
            avail = 0;
        }
        if (f->eof) {
            if (avail == 0 || f->skipping)
                return f->err ? -1 : 0;
            /* Last line without a terminator. */
            f->lb_start = f->lb_end;
            if (start[avail - 1] == '\r')
                avail--;
            *line = start;
            *len = avail;
            *overlong = 0;
            return 1;
        }
        memmove(f->lb, start, avail);
        f->lb_start = 0;
        f->lb_end = avail;
        ssize_t r = read_decoded(f, f->lb + f->lb_end, LINE_BUF_CAP - f->lb_end);
        if (r < 0) {
            f->err = 1;
            f->eof = 1;
        } else if (r == 0) {
            f->eof = 1;
        } else {
            f->lb_end += (size_t)r;
        }
    }
}

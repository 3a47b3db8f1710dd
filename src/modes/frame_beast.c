/* frame_beast.c: Beast binary framing (the format of dump1090/readsb port
 * 30005 and of Mode-S Beast receivers). State: waiting for 0x1a, then the
 * type byte, then counter + signal + payload with 0x1a escapes undone. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "common/bits.h"
#include "common/buf.h"
#include "modes/framer.h"

enum { WAIT_SYNC, WAIT_TYPE, IN_FRAME };

/* Payload bytes by type byte (0: not a frame type). A table, not a
 * switch: the fast path reads it once per frame without a branch. */
static const uint8_t plen_of[256] = {['1'] = 2, ['2'] = 7, ['3'] = 14, ['4'] = 14};

static unsigned payload_len(uint8_t type) { return plen_of[type]; }

/* Byte masks that keep the payload of a 2-, 7- or 14-byte frame in two
 * overlapping 8-byte words of the message (bytes 0-7 and 6-13) and zero the
 * rest. Bytes, copied into a word, so the masks hold on any byte order. */
static const uint8_t keep_lo[15][8] = {
    [2] = {0xFF, 0xFF},
    [7] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
    [14] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
};
static const uint8_t keep_hi[15][8] = {
    [7] = {0xFF},
    [14] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
};

/* The signal byte is an amplitude (0..255); dBFS of its power, as readsb
 * shows. A table, because log10 per frame costs more than the framing. */
static double dbfs[256];
static pthread_once_t dbfs_once = PTHREAD_ONCE_INIT;

static void dbfs_init(void)
{
    dbfs[0] = NAN;
    for (int s = 1; s < 256; s++)
        dbfs[s] = 20.0 * log10(s / 255.0);
}

static double signal_dbfs(uint8_t s) { return dbfs[s]; }

/* Hands on one frame; b is the unescaped counter + signal + payload (at
 * least 9 bytes) of a frame of type `type`. */
static void emit(struct modes_framer *fr, uint8_t type, const uint8_t *b, modes_frame_cb cb, void *ctx)
{
    if (type == '4') {
        fr->stats.status++;
        return;
    }
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.source = MODES_SRC_BEAST;
    /* The 6-byte big-endian counter: one 8-byte load (b holds >= 9 bytes). */
    f.ts12 = bits_load_be64(b) >> 16;
    f.signal = signal_dbfs(b[6]);
    f.time_ms = MODES_NO_TIME;
    /* Copies of constant size: a variable one is a library call (and, with
     * _FORTIFY_SOURCE, a checked one) for 7 or 14 bytes. */
    switch (type) {
    case '3':
        f.len = MODES_LONG_BYTES;
        memcpy(f.msg, b + 7, MODES_LONG_BYTES);
        memcpy(f.verbatim, b + 7, MODES_LONG_BYTES);
        break;
    case '2':
        f.len = MODES_SHORT_BYTES;
        memcpy(f.msg, b + 7, MODES_SHORT_BYTES);
        memcpy(f.verbatim, b + 7, MODES_SHORT_BYTES);
        break;
    default: /* '1' */
        f.len = 2;
        memcpy(f.msg, b + 7, 2);
        memcpy(f.verbatim, b + 7, 2);
        fr->stats.modeac++;
        break;
    }
    fr->stats.frames++;
    cb(ctx, &f);
}

/* Like emit, for a frame of type '1', '2' or '3' whose buffer b can be read
 * for 21 bytes (a long frame's length): the payload is copied as two
 * 8-byte words masked to its length, without a branch on the type, which a
 * mixed feed mispredicts. */
static void emit_wide(struct modes_framer *fr, unsigned len, const uint8_t *b, modes_frame_cb cb, void *ctx)
{
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.source = MODES_SRC_BEAST;
    f.ts12 = bits_load_be64(b) >> 16;
    f.signal = signal_dbfs(b[6]);
    f.time_ms = MODES_NO_TIME;
    f.len = (uint8_t)len;
    uint64_t lo, hi, mlo, mhi;
    memcpy(&lo, b + 7, 8);
    memcpy(&hi, b + 13, 8);
    memcpy(&mlo, keep_lo[len], 8);
    memcpy(&mhi, keep_hi[len], 8);
    lo &= mlo;
    hi &= mhi;
    memcpy(f.msg, &lo, 8);
    memcpy(f.msg + 6, &hi, 8);
    memcpy(f.verbatim, &lo, 8);
    memcpy(f.verbatim + 6, &hi, 8);
    fr->stats.frames++;
    fr->stats.modeac += len == 2;
    cb(ctx, &f);
}

/* Whether any of the len (9..21) bytes at q is 0x1a, eight at a time: a
 * byte of v is zero exactly where q holds 0x1a, and (v - 0x01..) & ~v &
 * 0x80.. is nonzero exactly when v has a zero byte. Three words, at 0, 8
 * (or len - 8 if less) and len - 8, cover any such len, with no loop whose
 * exit depends on the frame's length. */
static bool has_escape(const uint8_t *q, unsigned len)
{
    const uint64_t ones = 0x0101010101010101u, sync = 0x1a * ones, high = 0x80 * ones;
    unsigned mid = len - 8 < 8 ? len - 8 : 8;
    uint64_t a = bits_load_le64(q) ^ sync, b = bits_load_le64(q + mid) ^ sync,
             c = bits_load_le64(q + len - 8) ^ sync;
    return (((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) & high;
}

void modes_framer_init(struct modes_framer *fr, enum modes_framer_kind kind)
{
    pthread_once(&dbfs_once, dbfs_init);
    memset(fr, 0, sizeof *fr);
    fr->kind = kind;
}

void modes_beast_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        switch (fr->state) {
        case WAIT_SYNC:
            if (c != 0x1a) {
                /* Skip to the next sync byte in one go. */
                const uint8_t *sync = memchr(p + i, 0x1a, n - i);
                size_t skip = sync ? (size_t)(sync - p) - i : n - i;
                fr->stats.garbage_bytes += skip;
                i += skip - 1;
                break;
            }
            /* Fast path: whole frames in this chunk with no escaped byte
             * in them (the common case), one after another, handed on
             * straight from the input. */
            for (;;) {
                unsigned plen = i + 1 < n ? payload_len(p[i + 1]) : 0;
                if (!plen)
                    break;
                unsigned need = plen + 7;
                if (i + 2 + need > n || has_escape(p + i + 2, need))
                    break;
                if (p[i + 1] != '4' && i + 2 + 7 + MODES_LONG_BYTES <= n)
                    emit_wide(fr, plen, p + i + 2, cb, ctx);
                else
                    emit(fr, p[i + 1], p + i + 2, cb, ctx);
                i += 2 + need;
                if (i >= n || p[i] != 0x1a)
                    break;
            }
            if (i >= n || p[i] != 0x1a) {
                i--; /* the loop's i++ lands on the byte after the frame */
                break;
            }
            fr->state = WAIT_TYPE;
            break;
        case WAIT_TYPE:
            if (c == 0x1a) { /* "1a 1a" outside a frame: an escaped data byte we missed the start of */
                fr->stats.garbage_bytes += 2;
                fr->state = WAIT_SYNC;
                break;
            }
            fr->need = payload_len(c);
            if (!fr->need) {
                fr->stats.bad_frames++;
                fr->state = WAIT_SYNC;
                break;
            }
            fr->need += 7;
            fr->type = c;
            fr->len = 0;
            fr->escape = 0;
            fr->state = IN_FRAME;
            break;
        case IN_FRAME:
            if (fr->escape) {
                fr->escape = 0;
                if (c != 0x1a) {
                    /* A lone 0x1a: a new frame started inside this one. Drop
                     * the cut frame and read c as the new type byte. */
                    fr->stats.bad_frames++;
                    fr->state = WAIT_TYPE;
                    i--;
                    break;
                }
            } else if (c == 0x1a) {
                fr->escape = 1;
                break;
            }
            fr->buf[fr->len++] = c;
            if (fr->len == fr->need) {
                emit(fr, fr->type, fr->buf, cb, ctx);
                fr->state = WAIT_SYNC;
            }
            break;
        }
    }
}

void modes_write_beast(struct buf *out, const struct modes_frame *f)
{
    uint8_t raw[1 + 6 + 1 + MODES_LONG_BYTES];
    unsigned n = 0;
    uint8_t type = f->len == 2 ? '1' : f->len == MODES_SHORT_BYTES ? '2' : '3';
    for (int i = 5; i >= 0; i--)
        raw[n++] = (uint8_t)(f->ts12 >> (8 * i));
    /* Inverse of signal_dbfs; unknown signal is written as 0. */
    double s = isnan(f->signal) ? 0.0 : 255.0 * pow(10.0, f->signal / 20.0);
    raw[n++] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : lround(s));
    memcpy(raw + n, f->msg, f->len);
    n += f->len;
    buf_putc(out, 0x1a);
    buf_putc(out, (char)type);
    for (unsigned i = 0; i < n; i++) {
        if (raw[i] == 0x1a)
            buf_putc(out, 0x1a);
        buf_putc(out, (char)raw[i]);
    }
}

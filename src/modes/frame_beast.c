/* frame_beast.c: Beast binary framing (the format of dump1090/readsb port
 * 30005 and of Mode-S Beast receivers). State: waiting for 0x1a, then the
 * type byte, then counter + signal + payload with 0x1a escapes undone. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "common/buf.h"
#include "modes/framer.h"

enum { WAIT_SYNC, WAIT_TYPE, IN_FRAME };

static unsigned payload_len(uint8_t type)
{
    switch (type) {
    case '1': return 2;
    case '2': return 7;
    case '3': return 14;
    case '4': return 14;
    default: return 0;
    }
}

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

static void emit(struct modes_framer *fr, modes_frame_cb cb, void *ctx)
{
    if (fr->type == '4') {
        fr->stats.status++;
        return;
    }
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    unsigned n = fr->need - 7;
    f.source = MODES_SRC_BEAST;
    f.len = (uint8_t)n;
    for (int i = 0; i < 6; i++)
        f.ts12 = (f.ts12 << 8) | fr->buf[i];
    f.signal = signal_dbfs(fr->buf[6]);
    f.time_ms = MODES_NO_TIME;
    memcpy(f.msg, fr->buf + 7, n);
    memcpy(f.verbatim, fr->buf + 7, n);
    fr->stats.frames++;
    if (n == 2)
        fr->stats.modeac++;
    cb(ctx, &f);
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
            /* Fast path: a whole frame in this chunk with no escaped byte in
             * it (the common case) is copied straight out. */
            unsigned plen = i + 1 < n ? payload_len(p[i + 1]) : 0;
            if (plen) {
                unsigned need = plen + 7;
                if (i + 2 + need <= n && !memchr(p + i + 2, 0x1a, need)) {
                    fr->type = p[i + 1];
                    fr->need = need;
                    memcpy(fr->buf, p + i + 2, need);
                    emit(fr, cb, ctx);
                    i += 1 + need;
                    break;
                }
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
                emit(fr, cb, ctx);
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

/* frame_avr.c: AVR text framing ("*HEX;" and "@<12-hex counter>HEX;", the
 * format of dump1090 port 30002). Anything between frames (line ends, other
 * text) is garbage and counted; a frame must be 4, 14 or 28 hex digits. */
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "common/hex.h"
#include "modes/framer.h"

enum { WAIT_START, IN_HEX };


static void finish(struct modes_framer *fr, modes_frame_cb cb, void *ctx)
{
    unsigned ts_digits = fr->type == '@' ? 12 : 0;
    unsigned digits = fr->len - ts_digits;
    if (fr->len < ts_digits || (digits != 4 && digits != 14 && digits != 28)) {
        fr->stats.bad_frames++;
        return;
    }
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.source = MODES_SRC_AVR;
    f.time_ms = MODES_NO_TIME;
    f.signal = NAN;
    for (unsigned i = 0; i < ts_digits; i++)
        f.ts12 = (f.ts12 << 4) | (uint64_t)hex_digit(fr->buf[i]);
    f.len = (uint8_t)(digits / 2);
    for (unsigned i = 0; i < f.len; i++)
        f.msg[i] = (uint8_t)(hex_digit(fr->buf[ts_digits + 2 * i]) << 4 | hex_digit(fr->buf[ts_digits + 2 * i + 1]));
    memcpy(f.verbatim, f.msg, f.len);
    fr->stats.frames++;
    if (f.len == 2)
        fr->stats.modeac++;
    cb(ctx, &f);
}

void modes_avr_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == '*' || c == '@') {
            if (fr->state == IN_HEX)
                fr->stats.bad_frames++; /* previous frame never ended */
            /* Fast path: the whole frame is in this chunk and all hex. */
            size_t max = n - i - 1 < sizeof fr->buf + 1 ? n - i - 1 : sizeof fr->buf + 1;
            const uint8_t *end = memchr(p + i + 1, ';', max);
            if (end) {
                size_t len = (size_t)(end - (p + i + 1));
                unsigned ok = 1;
                for (size_t k = 0; k < len; k++)
                    ok &= hex_value1[p[i + 1 + k]] != 0;
                if (ok) {
                    fr->type = c;
                    fr->len = (unsigned)len;
                    memcpy(fr->buf, p + i + 1, len);
                    finish(fr, cb, ctx);
                    fr->state = WAIT_START;
                    i += len + 1;
                    continue;
                }
            }
            fr->state = IN_HEX;
            fr->type = c;
            fr->len = 0;
            continue;
        }
        if (fr->state != IN_HEX) {
            if (c != '\n' && c != '\r')
                fr->stats.garbage_bytes++;
            continue;
        }
        if (c == ';') {
            finish(fr, cb, ctx);
            fr->state = WAIT_START;
        } else if (hex_digit(c) >= 0 && fr->len < sizeof fr->buf) {
            fr->buf[fr->len++] = c;
        } else {
            fr->stats.bad_frames++;
            fr->state = WAIT_START;
            if (c != '\n' && c != '\r')
                fr->stats.garbage_bytes++;
        }
    }
}

void modes_framer_feed(struct modes_framer *fr, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx)
{
    if (fr->kind == MODES_FRAMER_BEAST)
        modes_beast_feed(fr, p, n, cb, ctx);
    else
        modes_avr_feed(fr, p, n, cb, ctx);
}

void modes_write_avr(struct buf *out, const struct modes_frame *f)
{
    if (f->ts12) {
        uint8_t ts[6];
        for (int i = 0; i < 6; i++)
            ts[i] = (uint8_t)(f->ts12 >> (8 * (5 - i)));
        buf_putc(out, '@');
        buf_hex(out, ts, 6, 1);
    } else {
        buf_putc(out, '*');
    }
    buf_hex(out, f->msg, f->len, 1);
    buf_put(out, ";\n", 2);
}

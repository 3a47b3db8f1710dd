/* fuzz_avr.c: libFuzzer target over the AVR text path the way `atalaya
 * decode --input avr` runs it: framer -> validate -> decode -> JSON, and the
 * frame re-emitted as AVR. The first input byte picks a chunk size, so lines
 * cut anywhere are exercised. Invariants: framer counters add up; an AVR
 * frame written out frames again to the same bytes and counter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct modes_validator val;
    struct modes_decoder *dec;
    struct buf out, again;
    uint64_t frames;
};

struct echo {
    const struct modes_frame *want;
    int seen;
};

static void on_echo(void *ctx, struct modes_frame *f)
{
    struct echo *e = ctx;
    e->seen++;
    if (f->len != e->want->len || memcmp(f->msg, e->want->msg, f->len) != 0 || f->ts12 != e->want->ts12)
        abort();
}

static void on_frame(void *ctx, struct modes_frame *f)
{
    struct fz *z = ctx;
    z->frames++;
    if (f->len != 2 && f->len != MODES_SHORT_BYTES && f->len != MODES_LONG_BYTES)
        abort();
    z->again.len = 0;
    modes_write_avr(&z->again, f);
    struct modes_framer fr;
    struct echo e = {f, 0};
    modes_framer_init(&fr, MODES_FRAMER_AVR);
    modes_framer_feed(&fr, (const uint8_t *)z->again.p, z->again.len, on_echo, &e);
    if (e.seen != 1)
        abort();
    if (!modes_frame_validate(&z->val, f))
        return;
    struct modes_msg m;
    if (modes_decode(z->dec, f, &m) == MODES_DECODE_OK)
        modes_write_json(&z->out, &m);
    z->out.len = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)data[0] % 32 + 1;
    data++;
    size--;
    struct fz z = {0};
    struct modes_decoder_cfg cfg = {0};
    z.dec = modes_decoder_new(&cfg);
    modes_validator_init(&z.val, 1);
    buf_init(&z.out, 1 << 12);
    buf_init(&z.again, 64);
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_AVR);
    for (size_t off = 0; off < size; off += chunk)
        modes_framer_feed(&fr, data + off, size - off < chunk ? size - off : chunk, on_frame, &z);
    if (fr.stats.frames != z.frames || fr.stats.modeac > fr.stats.frames)
        abort();
    buf_free(&z.out);
    buf_free(&z.again);
    modes_validator_free(&z.val);
    modes_decoder_free(z.dec);
    return 0;
}

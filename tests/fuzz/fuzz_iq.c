/* fuzz_iq.c: libFuzzer target over the IQ path the way `atalaya decode
 * --input iq` runs it: demodulator -> validate -> decode -> JSON. The first
 * input byte picks the sample rate (bit 0: 2.0 or 2.4 MS/s), the sample
 * format (bit 1: uc8 or sc16) and a chunk size (the rest), so samples split
 * across calls are exercised. Invariants checked: every sample is counted;
 * a frame has a Mode S length, lies inside the input, has a 12 MHz time that
 * matches its sample offset and a level no stronger than the largest
 * magnitude the format can carry. An odd-sized input turns on --fix2. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/buf.h"
#include "modes/demod.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct modes_validator val;
    struct modes_decoder *dec;
    struct buf out;
    double rate;
    uint64_t nsamples;
};

static void on_frame(void *ctx, struct modes_frame *f)
{
    struct fz *z = ctx;
    if (f->len != MODES_SHORT_BYTES && f->len != MODES_LONG_BYTES)
        abort();
    if (f->sample_offset >= z->nsamples)
        abort();
    double tick = 12e6 / z->rate; /* 12 MHz ticks per sample */
    if (fabs((double)f->ts12 - (double)f->sample_offset * tick) > tick + 0.5)
        abort();
    /* A magnitude is at most sqrt(2) of full scale (I and Q both at the
     * rail): +3.01 dBFS. */
    if (!(f->signal <= 3.02))
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
    struct modes_demod_cfg cfg = {
        .sample_rate = data[0] & 1 ? 2.4e6 : 2.0e6,
        .format = data[0] & 2 ? MODES_IQ_SC16 : MODES_IQ_UC8,
    };
    size_t chunk = (size_t)(data[0] >> 2) * 37 + 1;
    data++;
    size--;
    cfg.fix2 = size & 1; /* as the validator below */
    size_t bps = cfg.format == MODES_IQ_UC8 ? 2 : 4;
    struct fz z = {.rate = cfg.sample_rate, .nsamples = size / bps};
    struct modes_decoder_cfg dcfg = {0};
    z.dec = modes_decoder_new(&dcfg);
    modes_validator_init(&z.val, (size & 1) ? 2 : 1);
    buf_init(&z.out, 1 << 12);
    struct modes_demod *d = modes_demod_new(&cfg);
    for (size_t off = 0; off < size; off += chunk)
        modes_demod_feed(d, data + off, size - off < chunk ? size - off : chunk, on_frame, &z);
    modes_demod_flush(d, on_frame, &z);
    if (modes_demod_stats(d)->samples != z.nsamples)
        abort();
    modes_demod_free(d);
    buf_free(&z.out);
    modes_validator_free(&z.val);
    modes_decoder_free(z.dec);
    return 0;
}

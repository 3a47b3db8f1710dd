/* fuzz_aisdemod.c: libFuzzer target over the AIS demodulator as `atalaya
 * decode --band ais` runs it. The first byte picks the format (bits 0-2),
 * the detector (bit 3) and a chunk size (the rest); the rate is 96k or
 * 288k (bit 4 of the second byte) so short inputs still reach the channel
 * search. Invariants: every whole sample is counted, the split tail is
 * counted as dropped, a message has a payload of whole bytes within the
 * 5-slot bound and a sample index inside the input, and its sentences frame
 * and decode through the NMEA path. */
#include <stdint.h>
#include <stdlib.h>

#include "aisdemod/aisdemod.h"
#include "ais/nmea.h"
#include "common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    uint64_t nsamples;
    struct buf out;
    struct ais_ctx *ctx;
};

static void on_msg(void *arg, const struct aisd_msg *m)
{
    struct fz *z = arg;
    if (m->nbits % 8 || m->nbits > AISD_MAX_PAYLOAD_BITS || m->sample > z->nsamples + 100000)
        abort();
    z->out.len = 0;
    aisd_write_nmea(&z->out, m, 0);
    size_t from = 0;
    for (size_t i = 0; i < z->out.len; i++)
        if (z->out.p[i] == '\n') {
            struct ais_payload p;
            int st = ais_feed_line(z->ctx, z->out.p + from, i - from, false, &p);
            if (st != AIS_OK && st != AIS_EPARTIAL)
                abort();
            from = i + 1;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const enum aisd_format fmts[] = {AISD_CU8, AISD_CS8, AISD_CS16, AISD_CF32, AISD_FM16};
    struct aisd_cfg cfg = {.format = fmts[(data[0] & 7) % 5],
                           .mode = data[0] & 8 ? AISD_NONCOHERENT : AISD_COHERENT};
    cfg.sample_rate = cfg.format == AISD_FM16 ? 48000 : data[1] & 16 ? 288000 : 96000;
    size_t chunk = (size_t)(data[0] >> 4) * 97 + 1;
    data += 2;
    size -= 2;
    static const size_t bps[] = {2, 2, 4, 8, 2};
    struct fz z = {.nsamples = size / bps[cfg.format], .ctx = ais_ctx_new()};
    buf_init(&z.out, 1024);
    struct aisd *d = aisd_new(&cfg);
    for (size_t off = 0; off < size; off += chunk)
        aisd_feed(d, data + off, size - off < chunk ? size - off : chunk, on_msg, &z);
    aisd_flush(d, on_msg, &z);
    const struct aisd_stats *st = aisd_stats(d);
    if (st->samples != z.nsamples || st->bytes_dropped != size % bps[cfg.format])
        abort();
    aisd_free(d);
    ais_ctx_free(z.ctx);
    buf_free(&z.out);
    return 0;
}

/* fuzz_nmea.c: libFuzzer target over the whole AIS path: the input is split
 * into lines and each goes line -> framing -> ais_decode -> JSON and CSV,
 * the way `atalaya decode` runs it. Crashes, sanitizer reports and the
 * invariants below are findings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct buf out;
    buf_init(&out, 1 << 12);
    const char *p = (const char *)data, *end = p + size;
    uint64_t lines = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        struct ais_payload m;
        /* The first byte of a line decides whether the reader flagged it as cut. */
        bool overlong = e > p && (unsigned char)*p == 0xff;
        lines++;
        if (ais_feed_line(ctx, p, (size_t)(e - p), overlong, &m) == AIS_OK) {
            if (m.nbits > AIS_MAX_PAYLOAD_BITS)
                abort();
            struct ais_msg msg;
            int st = ais_decode(m.bits, m.nbits, &msg);
            ais_ctx_note_decode(ctx, st);
            if (st == AIS_OK) {
                ais_write_json(&out, &msg, &m.meta, 0);
                ais_write_json(&out, &msg, &m.meta, AIS_OUT_UNSCALED);
                ais_write_csv(&out, &msg, &m.meta, 0);
            }
            out.len = 0;
        }
        p = nl ? nl + 1 : end;
    }
    ais_ctx_finish(ctx);
    const struct ais_stats *st = ais_ctx_stats(ctx);
    /* Every line lands in exactly one outcome. */
    if (st->lines != lines ||
        st->lines != st->sentences + st->bad_checksum + st->bad_armor + st->bad_sentence +
                          st->overlong + st->not_ais)
        abort();
    buf_free(&out);
    ais_ctx_free(ctx);
    return 0;
}

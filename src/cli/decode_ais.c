/* decode_ais.c: `atalaya decode` for NMEA AIS input: lines -> framing
 * (ais/nmea.h) -> ais_decode -> JSON or CSV lines on stdout.
 *
 * Output goes through one large buffer written in blocks: per-message
 * stdio calls would cost more than the decoding. Bad lines are counted and
 * never stop the run; only a read or write error changes the exit status.
 */
#include <stdio.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "cli/cli.h"
#include "common/buf.h"
#include "common/input.h"

#define OUT_BLOCK (1u << 18)

void decode_ais_line(struct ais_ctx *ctx, struct buf *out, const struct decode_opts *o, const char *line,
                     size_t len, bool overlong)
{
    struct ais_payload p;
    int st = ais_feed_line(ctx, line, len, overlong, &p);
    if (o->format == OUT_NMEA && (st == AIS_OK || st == AIS_EPARTIAL)) {
        buf_put(out, line, len);
        buf_putc(out, '\n');
    }
    if (st != AIS_OK)
        return;
    struct ais_msg m;
    st = ais_decode(p.bits, p.nbits, &m);
    ais_ctx_note_decode(ctx, st);
    if (st != AIS_OK || o->format == OUT_NONE || o->format == OUT_NMEA)
        return;
    unsigned flags = o->unscaled ? AIS_OUT_UNSCALED : 0;
    if (o->format == OUT_CSV)
        ais_write_csv(out, &m, &p.meta, flags);
    else
        ais_write_json(out, &m, &p.meta, flags);
    buf_putc(out, '\n');
}

int decode_ais_main(const struct decode_opts *o)
{
    struct ais_ctx *ctx = ais_ctx_new();
    struct buf out;
    buf_init(&out, 2 * OUT_BLOCK);
    int rc = 0;
    if (o->format == OUT_CSV) {
        ais_write_csv_header(&out);
        if (out.len && out.p[out.len - 1] != '\n')
            buf_putc(&out, '\n');
    }
    for (int i = 0; i < o->nin && rc == 0; i++) {
        const char *line;
        size_t len;
        int overlong, r;
        while ((r = in_getline(o->in[i], &line, &len, &overlong)) == 1) {
            decode_ais_line(ctx, &out, o, line, len, overlong != 0);
            if (out.len >= OUT_BLOCK && buf_flush(&out, stdout) != 0) {
                rc = 2;
                break;
            }
        }
        if (r < 0) {
            fprintf(stderr, "atalaya decode: read error in %s\n", in_name(o->in[i]));
            rc = 2;
        }
    }
    ais_ctx_finish(ctx);
    if (buf_flush(&out, stdout) != 0 || fflush(stdout) != 0)
        rc = 2;
    if (o->stats)
        ais_stats_print(ais_ctx_stats(ctx), stderr);
    buf_free(&out);
    ais_ctx_free(ctx);
    return rc;
}

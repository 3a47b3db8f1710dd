/* nmea.c: a demodulated message -> !AIVDM sentences (IEC 61162-1, ITU-R
 * M.1371-5 Annex 8 armouring) behind an NMEA 4.10 tag block. */
#include "aisdemod/aisdemod.h"

#include <math.h>
#include <stdio.h>

#include "common/bits.h"
#include "common/buf.h"

#define CHARS_PER_SENTENCE 60 /* keeps a sentence within 82 characters */

static const char hexd[] = "0123456789ABCDEF";

static void put_checksum(struct buf *b, size_t from)
{
    unsigned x = 0;
    for (size_t i = from; i < b->len; i++)
        x ^= (unsigned char)b->p[i];
    char t[3] = {'*', hexd[x >> 4], hexd[x & 15]};
    buf_put(b, t, 3);
}

void aisd_write_nmea(struct buf *out, const struct aisd_msg *m, unsigned seq_id)
{
    unsigned nchars = (m->nbits + 5) / 6;
    unsigned fill = nchars * 6 - m->nbits;
    unsigned total = (nchars + CHARS_PER_SENTENCE - 1) / CHARS_PER_SENTENCE;
    for (unsigned part = 1; part <= total; part++) {
        buf_putc(out, '\\');
        size_t tb = out->len;
        buf_printf(out, "c:%013lld", (long long)(m->time_ms > 0 ? m->time_ms : 0));
        if (isfinite(m->level_db))
            buf_printf(out, ",i:%.1fdBFS", m->level_db);
        put_checksum(out, tb);
        buf_putc(out, '\\');
        size_t start = out->len;
        buf_printf(out, "!AIVDM,%u,%u,", total, part);
        if (total > 1)
            buf_putc(out, (char)('0' + seq_id % 10));
        buf_putc(out, ',');
        if (m->channel)
            buf_putc(out, m->channel);
        buf_putc(out, ',');
        unsigned first = (part - 1) * CHARS_PER_SENTENCE;
        unsigned last = first + CHARS_PER_SENTENCE < nchars ? first + CHARS_PER_SENTENCE : nchars;
        buf_reserve(out, last - first);
        for (unsigned i = first; i < last; i++) {
            unsigned avail = m->nbits - 6 * i < 6 ? m->nbits - 6 * i : 6;
            unsigned v = (unsigned)bits_u(m->bits, 6 * i, avail) << (6 - avail);
            out->p[out->len++] = (char)(v < 40 ? v + 48 : v + 56);
        }
        buf_printf(out, ",%u", part == total ? fill : 0);
        put_checksum(out, start + 1);
        buf_putc(out, '\n');
    }
}

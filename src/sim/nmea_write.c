/* nmea_write.c: AIS payload bits -> !AIVDM sentences (IEC 61162-1 framing,
 * ITU-R M.1371-5 Annex 8 armouring, NMEA 4.10 tag block), the inverse of
 * src/ais/nmea.c. */
#include "common/buf.h"
#include "common/bits.h"
#include "sim/encode.h"

/* 60 characters keep a sentence within the 82-character NMEA limit
 * (gpsd's AIVDM.txt: "!AIVDM,2,1,3,B," + 60 + ",0*hh" = 79). */
#define PAYLOAD_CHARS_PER_SENTENCE 60

static const char hexd[] = "0123456789ABCDEF";

/* Appends "*hh", the XOR of the bytes of b from `from` to its end (the same
 * rule for the sentence and for the tag block). */
static void put_checksum(struct buf *b, size_t from)
{
    unsigned x = 0;
    for (size_t i = from; i < b->len; i++)
        x ^= (unsigned char)b->p[i];
    char t[3] = {'*', hexd[x >> 4], hexd[x & 15]};
    buf_put(b, t, 3);
}

void sim_nmea_write(struct buf *out, const uint8_t *bits, unsigned nbits, char channel,
                    unsigned seq_id, const char *source, int64_t time_s)
{
    unsigned nchars = (nbits + 5) / 6;
    unsigned fill = nchars * 6 - nbits;
    unsigned total = (nchars + PAYLOAD_CHARS_PER_SENTENCE - 1) / PAYLOAD_CHARS_PER_SENTENCE;
    for (unsigned part = 1; part <= total; part++) {
        buf_putc(out, '\\');
        size_t tb = out->len;
        buf_puts(out, "s:");
        buf_puts(out, source);
        buf_puts(out, ",c:");
        buf_i64(out, time_s);
        put_checksum(out, tb);
        buf_putc(out, '\\');
        size_t start = out->len;
        buf_putc(out, '!');
        buf_puts(out, "AIVDM,");
        buf_putc(out, (char)('0' + total));
        buf_putc(out, ',');
        buf_putc(out, (char)('0' + part));
        buf_putc(out, ',');
        if (total > 1)
            buf_putc(out, (char)('0' + seq_id % 10));
        buf_putc(out, ',');
        buf_putc(out, channel);
        buf_putc(out, ',');
        unsigned first = (part - 1) * PAYLOAD_CHARS_PER_SENTENCE;
        unsigned last = first + PAYLOAD_CHARS_PER_SENTENCE;
        if (last > nchars)
            last = nchars;
        buf_reserve(out, last - first);
        for (unsigned i = first; i < last; i++) {
            /* The last character's low bits past nbits are the fill (zero). */
            unsigned avail = nbits - 6 * i < 6 ? nbits - 6 * i : 6;
            unsigned v = (unsigned)bits_u(bits, 6 * i, avail) << (6 - avail);
            out->p[out->len++] = (char)(v < 40 ? v + 48 : v + 56);
        }
        buf_putc(out, ',');
        buf_putc(out, (char)('0' + (part == total ? fill : 0)));
        /* The sentence checksum covers the bytes between '!' and '*'. */
        put_checksum(out, start + 1);
        buf_putc(out, '\n');
    }
}

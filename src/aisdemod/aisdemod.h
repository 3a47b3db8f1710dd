/* aisdemod.h: raw I/Q samples (or FM-discriminator audio) -> AIS messages.
 *
 * Input is complex baseband centred on 162.000 MHz, so channel A (161.975
 * MHz) sits at -25 kHz and channel B (162.025 MHz) at +25 kHz; both are
 * demodulated at once. The chain (one file per step):
 *   iq.c    sample formats (cu8, cs8, cs16, cf32) and WAV headers -> floats
 *   ddc.c   decimation to ~150 kS/s, then per channel: mix to 0 Hz, low-pass,
 *           decimate to ~50 kS/s (about 5.2 samples per 9600-baud symbol)
 *   chan.c  per channel: preamble search on one-symbol differential phase at
 *           several timing phases in parallel; on a training sequence and
 *           start flag, the burst is demodulated coherently (frequency from
 *           the squared differential products, phase from the training, a
 *           decision-directed PLL) at several timing offsets, or with the
 *           differential detector alone (AISD_NONCOHERENT), until one
 *           reading passes the CRC
 *   hdlc.c  NRZI, bit de-stuffing, CRC-16 (X.25), LSB-first bytes -> payload
 *   nmea.c  payload -> !AIVDM sentences with a tag block (time, level)
 * Messages of 1 to 5 slots (up to 1,008 payload bits) are accepted.
 * Mono FM-discriminator audio (as rtl_fm writes, usually 48 kHz) enters
 * after the DDC: it carries one channel, whose letter is unknown (left
 * empty in the sentence), and only the non-coherent path applies.
 */
#ifndef ATALAYA_AISDEMOD_AISDEMOD_H
#define ATALAYA_AISDEMOD_AISDEMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct buf;

enum aisd_format { AISD_CU8, AISD_CS8, AISD_CS16, AISD_CF32, AISD_FM16 };
enum aisd_mode { AISD_COHERENT, AISD_NONCOHERENT };

#define AISD_RATE_MIN 96000.0   /* I/Q: both channels (+-25 kHz +- 9 kHz) and their images must stay apart */
#define AISD_RATE_MAX 12.5e6
#define AISD_FM_RATE_MIN 24000.0 /* FM audio: 2.5 samples per symbol at least */
#define AISD_MAX_PAYLOAD_BITS 1008 /* 5 slots: 1280 bits less ramp, training, flags, FCS, buffer */

struct aisd_cfg {
    double sample_rate;      /* samples (complex, or audio) per second */
    enum aisd_format format;
    enum aisd_mode mode;
    int64_t start_ms;        /* time of the first sample, ms since the epoch */
};

/* One message, valid during the callback. */
struct aisd_msg {
    char channel;            /* 'A', 'B', or 0 (FM audio: unknown) */
    const uint8_t *bits;     /* payload MSB first, (nbits + 7) / 8 bytes */
    unsigned nbits;
    uint64_t sample;         /* input sample index of the start flag's end */
    int64_t time_ms;         /* start_ms + sample / rate */
    double level_db;         /* burst power, dB relative to full scale (I/Q) */
    double freq_hz;          /* carrier offset from the channel centre */
    bool coherent;           /* which detector produced it */
};

typedef void (*aisd_cb)(void *ctx, const struct aisd_msg *m);

struct aisd_stats {
    uint64_t samples;        /* input samples consumed */
    uint64_t bytes_dropped;  /* trailing bytes that made no whole sample at the end */
    uint64_t clipped;        /* samples at a format's rail (saturation) */
    uint64_t candidates;     /* training + start flag found */
    uint64_t crc_fail;       /* candidates with no reading passing the CRC */
    uint64_t repaired;       /* passed after one or two weak decisions were flipped */
    uint64_t bad_length;     /* a CRC pass with a payload not a whole number of bytes */
    uint64_t messages[2];    /* channel A, B (FM audio counts as A) */
    uint64_t coherent;       /* messages from the coherent detector */
};

/* Parses the rate ("288k", "1.536M", "2400000", "2.4M") and format ("cu8"
 * (also "uc8"), "cs8", "cs16" (also "sc16"), "cf32", "fm16": 16-bit mono FM
 * audio). NULL rate: 288 kS/s (48 kS/s for fm16); NULL format: cu8.
 * Returns 0, or -1 with a reason in err. */
int aisd_parse_cfg(const char *rate, const char *format, struct aisd_cfg *cfg, char *err, size_t errlen);

/* A WAV file's header: PCM 8/16-bit or IEEE float 32-bit; stereo is I/Q,
 * mono is FM audio (16-bit only). Returns the byte offset of the sample
 * data and fills rate and format, 0 when p does not start with a RIFF/WAVE
 * header, or -1 for a WAV we cannot read (reason in err). */
long aisd_wav_header(const uint8_t *p, size_t n, double *rate, enum aisd_format *format, char *err,
                     size_t errlen);

struct aisd *aisd_new(const struct aisd_cfg *cfg);
void aisd_free(struct aisd *d);
/* Raw bytes in any chunking (a sample split across calls is kept). */
void aisd_feed(struct aisd *d, const uint8_t *p, size_t n, aisd_cb cb, void *ctx);
/* End of input: the samples still held are searched to their end. */
void aisd_flush(struct aisd *d, aisd_cb cb, void *ctx);
const struct aisd_stats *aisd_stats(const struct aisd *d);
void aisd_print_stats(const struct aisd *d, FILE *f);

/* Appends m as !AIVDM sentence(s), each ended by "\n" and prefixed by the
 * NMEA 4.10 tag block "\c:<ms>,i:<level>dBFS*hh\": c: is the receive time in
 * milliseconds, written with at least 13 digits so that readers which tell
 * seconds from milliseconds by length (ours does) take it as ms even near
 * the epoch (an input without a start time counts from 0). seq_id (0..9)
 * numbers multi-sentence messages. */
void aisd_write_nmea(struct buf *out, const struct aisd_msg *m, unsigned seq_id);

/* ---- HDLC pieces, shared with the simulator's modulator (sim/ais_iq.c). ---- */

/* CRC-16/X.25 register over bits in transmission order (reflected, poly
 * 0x8408), from 0xFFFF; the transmitted FCS is its complement, LSB first.
 * Over data and FCS together a good frame leaves AISD_CRC_GOOD. */
#define AISD_CRC_GOOD 0xF0B8u
static inline unsigned aisd_crc_bit(unsigned crc, unsigned bit)
{
    return (crc ^ bit) & 1u ? (crc >> 1) ^ 0x8408u : crc >> 1;
}

/* Checks a de-stuffed frame (data then FCS, transmission order, one bit per
 * byte) and packs its data into payload bits MSB first (each byte was sent
 * LSB first). Returns the payload length in bits, -1 on a CRC mismatch, -2
 * when the length is not a whole number of bytes or out of range. */
int aisd_hdlc_unpack(const uint8_t *raw, unsigned n, uint8_t *payload);

#endif

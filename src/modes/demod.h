/* demod.h: raw I/Q samples -> Mode S frames.
 *
 * Mode S is pulse-position modulated at 1 Mbit/s: each bit is a 1 us slot
 * whose first or second half carries the pulse. A frame starts with an 8 us
 * preamble of four 0.5 us pulses at 0, 1.0, 3.5 and 4.5 us:
 *
 *     half-bit: 0 1 2 3 4 5 6 7 8 9 10..15 | 16 17 | 18 19 | ...
 *     pulse:    # . # . . . . # . # . .. . | bit 1 = #. , bit 0 = .#
 *
 * At 2.0 MS/s a half-bit is one sample, and a frame is read at the samples
 * and at the midpoints between them. At 2.4 MS/s it is 1.2
 * samples, so a frame can start at any of five sub-sample phases; we read
 * magnitudes by linear interpolation at each candidate phase and keep the
 * phase whose frame checks out (CRC for DF11/17/18, otherwise the clearest
 * bit decisions). Most sample positions never get that far: a few SIMD
 * comparisons on the raw magnitudes (demod_pre.h) reject them first, and
 * only the survivors get the full preamble test at each phase. Input:
 * 8-bit unsigned (RTL-SDR, "uc8") or 16-bit signed
 * little-endian ("sc16") interleaved I/Q. Frames are handed to the callback
 * unvalidated (validate.c decides); the signal level is the mean power of
 * the frame's pulses in dBFS, and ts12 the 12 MHz time of the preamble.
 */
#ifndef ATALAYA_MODES_DEMOD_H
#define ATALAYA_MODES_DEMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "modes/framer.h"

enum modes_iq_format { MODES_IQ_UC8, MODES_IQ_SC16 };

struct modes_demod_cfg {
    double sample_rate;         /* 2.0e6 or 2.4e6 */
    enum modes_iq_format format;
    bool fix2;                  /* a reading of DF11/17/18 may need 2 bit fixes, not just 1
                                 * (--fix2: otherwise such frames never reach the validator) */
};

struct modes_demod_stats {
    uint64_t samples;
    uint64_t preambles;   /* preamble shapes found */
    uint64_t frames;      /* candidate frames handed on */
    uint64_t rejected;    /* preambles whose bits made no plausible frame */
};

struct modes_demod;

/* Parses "2.0", "2.4", "2000000", "2.4M" and "uc8"/"sc16" (NULLs: 2.4 MS/s, uc8); fix2 off.
 * Returns 0, or -1 for an unsupported value. */
int modes_demod_parse_cfg(const char *rate, const char *format, struct modes_demod_cfg *cfg);

struct modes_demod *modes_demod_new(const struct modes_demod_cfg *cfg);
void modes_demod_free(struct modes_demod *d);
/* Consumes raw bytes (any chunking; a sample split across calls is kept). */
void modes_demod_feed(struct modes_demod *d, const uint8_t *p, size_t n, modes_frame_cb cb, void *ctx);
/* End of input: examines the samples still buffered. */
void modes_demod_flush(struct modes_demod *d, modes_frame_cb cb, void *ctx);
const struct modes_demod_stats *modes_demod_stats(const struct modes_demod *d);
void modes_demod_print_stats(const struct modes_demod *d, FILE *f);

#endif

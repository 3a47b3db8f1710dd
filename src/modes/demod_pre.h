/* demod_pre.h: where a Mode S preamble may start (internal to demod.c).
 *
 * Two stages. The pre-filter looks at raw magnitudes only: per sample a
 * handful of comparisons against samples that lie in a pulse or a gap at
 * every sub-sample phase the sample stands for, and against the block's
 * noise floor. It is tolerant of weak, noisy frames (demod_pre.c says how it
 * was measured) and rejects most positions (noise, and the data bits of
 * frames). Only samples it lets through get the full shape test at each
 * phase, on the interpolated half-bit magnitudes (see demod.h for the
 * half-bit layout and demod.c for "up" and "step").
 */
#ifndef ATALAYA_MODES_DEMOD_PRE_H
#define ATALAYA_MODES_DEMOD_PRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bit j of bits (j < n) set when sample j of m may start a preamble; rate24:
 * 2.4 MS/s, else 2.0. The noise floor is that of m[0 .. n). Reads
 * m[0 .. n + 80); writes (n + 63) / 64 + 1 words, the last a zero stop word. */
void demod_prefilter(const float *m, size_t n, bool rate24, uint64_t *bits);

/* The preamble test of sample j at each of its phases: bit p set when the
 * half-bits u[up * j + p + step * k], k = 0..15, have the preamble's shape
 * (up, step: 5, 6 at 2.4 MS/s; 2, 2 at 2.0). Reads u up to up * j + 8 + 14 * step. */
unsigned demod_preamble_phases(const float *u, size_t j, bool rate24);

/* Keeps in words [w0, w1) of bits (as demod_prefilter left them) only the
 * samples whose preamble test passes at some phase, and stores those phase
 * bits in phases[j] for them (phases[j] is written for every sample that
 * was set). */
void demod_preamble_sift(const float *u, uint64_t *bits, size_t w0, size_t w1, bool rate24, uint8_t *phases);

#endif

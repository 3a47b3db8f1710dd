/* demod_mag.h: I/Q samples -> magnitudes -> magnitudes at half-bit centres
 * (internal to demod.c).
 *
 * Magnitudes are normalised to full scale 1.0. The half-bit centres a frame
 * can have lie at fixed fractions between neighbouring samples (see demod.c:
 * five per sample at 2.4 MS/s, two at 2.0), read by linear interpolation;
 * the demodulator computes them only near samples that may start a frame.
 */
#ifndef ATALAYA_MODES_DEMOD_MAG_H
#define ATALAYA_MODES_DEMOD_MAG_H

#include <stddef.h>
#include <stdint.h>

/* The magnitude of every uc8 (I, Q) byte pair, indexed I | Q << 8 (malloc'd). */
float *demod_mag_lut_new(void);
/* n samples of interleaved uc8 (lut) or sc16 little-endian (lut NULL) I/Q -> out[0 .. n). */
void demod_mag_uc8(const float *lut, const uint8_t *p, size_t n, float *out);
void demod_mag_sc16(const uint8_t *p, size_t n, float *out);

/* u[5i + q] = the magnitude 0.1 + 0.2q samples after sample i, for samples
 * i in [i0, i1); reads m[i0 .. i1]. */
void demod_upsample24(const float *m, float *u, size_t i0, size_t i1);
/* u[2i] = m[i], u[2i + 1] = the midpoint of m[i] and m[i + 1], i in [i0, i1). */
void demod_upsample20(const float *m, float *u, size_t i0, size_t i1);

#endif

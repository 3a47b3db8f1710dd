/* ais_iq.h: AIS bursts as a dongle tuned to 162.000 MHz records them: HDLC
 * framing, NRZI, GMSK (BT 0.4, 9600 baud, h = 1/2) at -25 kHz (channel A) or
 * +25 kHz (B), white noise, carrier offsets; bursts that overlap on one
 * channel are marked collided in the truth. The inverse of src/aisdemod/. */
#ifndef ATALAYA_SIM_AIS_IQ_H
#define ATALAYA_SIM_AIS_IQ_H

#include <complex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aisdemod/aisdemod.h"

/* The on-air symbol levels (+1/-1, one byte each) of a message: 8 ramp-up
 * and 24 training bits, start flag, payload bytes LSB first and the FCS with
 * bit stuffing, end flag, 8 ramp-down bits; NRZI from level +1. Returns the
 * count (at most SIM_AIS_MAX_SYMBOLS). */
#define SIM_AIS_MAX_SYMBOLS 1400
unsigned sim_ais_symbols(const uint8_t *bits, unsigned nbits, int8_t *levels);

/* Adds the GMSK burst of those symbols to out[0..n) at amplitude amp,
 * carrier freq_hz (from the band centre) and starting phase, rate samples
 * per second, with 8-symbol raised-cosine ramps. Returns the samples it
 * spans (a burst past n is cut). */
size_t sim_ais_modulate(const int8_t *levels, unsigned nsym, double rate, double freq_hz, double amp,
                        double phase, float complex *out, size_t n);

struct sim_ais_iq_cfg {
    double rate;
    enum aisd_format format;   /* cu8, cs8, cs16 or cf32 */
    double noise_db;           /* noise power in 9.6 kHz, dBFS */
    double snr_db;             /* NAN: each burst's level from its distance */
    double ppm;                /* the receiver's frequency error */
    uint64_t seed;
    int64_t start_ms;          /* time of the first sample */
};

struct sim_ais_iq;

struct sim_ais_iq *sim_ais_iq_new(const struct sim_ais_iq_cfg *cfg, FILE *iq, FILE *truth);
/* One message heard at t_ms (put at the start of its slot; calls come in
 * time order) by receiver rx at dist_nm. Returns 0, or -1 on a write error. */
int sim_ais_iq_burst(struct sim_ais_iq *w, int64_t t_ms, char channel, const uint8_t *bits, unsigned nbits,
                     const char *rx, double dist_nm);
/* Writes samples up to end_ms and the remaining truth. Returns 0 or -1. */
int sim_ais_iq_finish(struct sim_ais_iq *w, int64_t end_ms);
void sim_ais_iq_free(struct sim_ais_iq *w);

#endif

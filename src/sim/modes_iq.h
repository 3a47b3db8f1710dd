/* modes_iq.h: Mode S frames as a dongle tuned to 1090 MHz records them at
 * 2.4 MS/s cu8: pulse-position modulation (preamble pulses at 0, 1.0, 3.5
 * and 4.5 us, then one 0.5 us pulse per 1 us bit, first half for 1), each
 * frame at its level and a random carrier phase and offset (+-100 kHz), in
 * white noise; frames that overlap are marked collided in the truth. */
#ifndef ATALAYA_SIM_MODES_IQ_H
#define ATALAYA_SIM_MODES_IQ_H

#include <stdint.h>
#include <stdio.h>

struct sim_modes_iq;

/* noise_db: noise power over the whole 2.4 MHz band, dBFS. */
struct sim_modes_iq *sim_modes_iq_new(double noise_db, uint64_t seed, int64_t start_ms, FILE *iq, FILE *truth);
/* One frame (len 7 or 14 bytes) heard at t_ms (calls in time order) at
 * level_db dBFS; it is put at a random point within that millisecond.
 * Returns 0, or -1 on a write error. */
int sim_modes_iq_frame(struct sim_modes_iq *w, int64_t t_ms, const uint8_t *msg, int len, double level_db);
int sim_modes_iq_finish(struct sim_modes_iq *w, int64_t end_ms);
void sim_modes_iq_free(struct sim_modes_iq *w);

#endif

/* sim.h: the generator's contract: a loaded scenario in, the broadcasts
 * that its receivers pick up out (AIS NMEA with tag blocks; Mode S as Beast
 * or AVR with 12 MHz counters), plus the truth of what happened.
 *
 * Transmissions follow the standards' schedules (gen.c cites them); every
 * entity's next transmission sits in one heap ordered by (time, entity,
 * kind), so the files come out in time order and byte-identical for a seed. */
#ifndef ATALAYA_SIM_SIM_H
#define ATALAYA_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario.h"

struct sim_counts {
    uint64_t ais_sent, ais_heard;       /* AIS messages transmitted / written */
    uint64_t ais_dark;                  /* transmissions withheld by ais_dark */
    uint64_t modes_sent, modes_heard;   /* Mode S frames transmitted / written */
    uint64_t modes_off;                 /* withheld by adsb_off */
    uint64_t ais_lines;                 /* NMEA lines written */
};

struct sim_outputs {
    FILE *ais;    /* NULL: AIS not written (still simulated) */
    FILE *modes;  /* NULL: Mode S not written */
    bool avr;     /* Mode S as AVR text instead of Beast */
    /* Every AIS message a receiver heard (for I/Q output, sim/ais_iq.h);
     * returns 0, or -1 to stop on a write error. NULL: none. */
    int (*ais_heard)(void *ctx, int64_t t_ms, char channel, const uint8_t *bits, unsigned nbits,
                     const struct sim_receiver *rx, double dist_nm);
    void *ais_heard_ctx;
    /* Every Mode S frame a receiver heard (sim/modes_iq.h), level in dBFS. */
    int (*modes_heard)(void *ctx, int64_t t_ms, const uint8_t *msg, int len, double level_db);
    void *modes_heard_ctx;
    /* Called after every transmission with how far the scenario has got (ms
     * since its start) and the counts so far; NULL: not called. */
    void (*progress)(void *ctx, int64_t done_ms, const struct sim_counts *c);
    void *progress_ctx;
};

/* Runs the whole scenario. Returns 0, or -1 on a write error. */
int sim_generate(struct sim_scenario *sc, uint64_t seed, const struct sim_outputs *out,
                 struct sim_counts *counts);

/* The Mode S receiver's 12 MHz counter at the scenario's start (its uptime
 * then, drawn from the seed): frame time = start + (ts12 - this) / 12 MHz. */
uint64_t sim_ts12_base(uint64_t seed);

/* The receiver that would hear a transmitter at (lat, lon) at t (alt_ft < 0:
 * a vessel; else an aircraft at that altitude, within the radio horizon), or
 * NULL where none does (a coverage hole, or between satellite passes). */
const struct sim_receiver *sim_heard(const struct sim_scenario *sc, int64_t t, double lat, double lon,
                                    double alt_ft, double *dist_nm);

/* Writes the truth as JSON lines in order of start time: a "scenario"
 * header (synthetic flag, span, seed, ts12 at the start), every behaviour with its span and
 * entities, ship-to-ship meetings as found in the motion (within 500 m,
 * both under 2 kn), loiters, flights and port calls. Returns 0 or -1. */
int sim_truth_write(struct sim_scenario *sc, uint64_t seed, FILE *f);

#endif

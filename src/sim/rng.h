/* rng.h: the simulator's only source of randomness, seeded by --seed so a
 * scenario always yields the same bytes. xoshiro256** (Blackman and Vigna,
 * 2018) seeded through splitmix64, as its authors recommend. */
#ifndef ATALAYA_SIM_RNG_H
#define ATALAYA_SIM_RNG_H

#include <stdint.h>

struct sim_rng {
    uint64_t s[4];
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_u64(struct sim_rng *r);
/* Uniform in [0, 1). */
double sim_rng_unit(struct sim_rng *r);
/* Uniform in [lo, hi). */
double sim_rng_range(struct sim_rng *r, double lo, double hi);
/* Uniform integer in [0, n), n > 0. */
uint32_t sim_rng_below(struct sim_rng *r, uint32_t n);

#endif

/* rng.c: xoshiro256** with splitmix64 seeding (see rng.h). */
#include "sim/rng.h"

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += UINT64_C(0x9E3779B97F4A7C15));
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        r->s[i] = z ^ (z >> 31);
    }
}

uint64_t sim_rng_u64(struct sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double sim_rng_unit(struct sim_rng *r) { return (double)(sim_rng_u64(r) >> 11) * 0x1.0p-53; }

double sim_rng_range(struct sim_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * sim_rng_unit(r);
}

uint32_t sim_rng_below(struct sim_rng *r, uint32_t n)
{
    /* Multiply-shift (Lemire): bias below 2^-32, irrelevant for a simulator. */
    return (uint32_t)(((sim_rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

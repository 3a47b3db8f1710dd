/* aisd_int.h: the demodulator's parts, shared by its files (not a public
 * contract: see aisdemod.h). */
#ifndef ATALAYA_AISDEMOD_AISD_INT_H
#define ATALAYA_AISDEMOD_AISD_INT_H

#include "aisdemod/aisdemod.h"

#define AISD_BAUD 9600.0

/* A decimating FIR low-pass over complex samples held as separate I and Q
 * arrays (so the dot products vectorise). */
struct aisd_fir {
    float *h;
    int ntaps, dec;
    float *xi, *xq;  /* pending input: outputs start at xi[0] */
    size_t len, cap;
};

/* Blackman-windowed sinc, unity gain at 0 Hz; cutoff in cycles per sample. */
void aisd_fir_init(struct aisd_fir *f, double cutoff, int ntaps, int dec);
void aisd_fir_free(struct aisd_fir *f);
/* Appends n samples and writes every output they complete to oi/oq (room
 * for n / dec + 1); returns how many. */
size_t aisd_fir_run(struct aisd_fir *f, const float *i, const float *q, size_t n, float *oi, float *oq);

/* One channel's burst search and demodulation over ~5 samples per symbol. */
struct aisd_chan;

struct aisd_chan *aisd_chan_new(double rate, char letter, bool coherent);
void aisd_chan_free(struct aisd_chan *c);
/* Appends complex channel samples (any count). */
void aisd_chan_push(struct aisd_chan *c, const float *i, const float *q, size_t n);

/* What the channel found: payload and where (channel sample index). */
struct aisd_found {
    const uint8_t *bits;
    unsigned nbits;
    double at;        /* channel sample index of the start flag's end */
    double power;     /* mean |y|^2 over the burst */
    double omega;     /* carrier offset, radians per symbol */
    bool coherent;
};
typedef void (*aisd_found_cb)(void *ctx, const struct aisd_found *f);

/* Searches as far as the held samples allow (all of them when final). */
void aisd_chan_run(struct aisd_chan *c, bool final, struct aisd_stats *st, aisd_found_cb cb, void *ctx);

#endif

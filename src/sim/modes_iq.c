/* modes_iq.c: Mode S frames into 2.4 MS/s cu8 samples (see modes_iq.h). */
#include "sim/modes_iq.h"

#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "sim/rng.h"

#define RATE 2.4e6
#define SPAN 1200000 /* samples held: 0.5 s, far more than a frame */

struct pend {
    uint64_t start, end;
    bool collided;
    int len;
    uint8_t msg[14];
    double level_db;
};

struct sim_modes_iq {
    FILE *iq, *truth;
    struct sim_rng rng;
    int64_t start_ms;
    double sigma;
    float complex acc[SPAN];
    uint8_t out[SPAN];
    uint64_t pos;
    struct pend *p;
    size_t np, cap;
    int err;
};

struct sim_modes_iq *sim_modes_iq_new(double noise_db, uint64_t seed, int64_t start_ms, FILE *iq, FILE *truth)
{
    struct sim_modes_iq *w = xcalloc(1, sizeof *w);
    w->iq = iq;
    w->truth = truth;
    w->start_ms = start_ms;
    sim_rng_seed(&w->rng, seed ^ UINT64_C(0x10905E5));
    w->sigma = sqrt(pow(10, noise_db / 10) / 2);
    return w;
}

void sim_modes_iq_free(struct sim_modes_iq *w)
{
    if (!w)
        return;
    free(w->p);
    free(w);
}

static double gauss(struct sim_rng *r)
{
    double u = sim_rng_unit(r), v = sim_rng_unit(r);
    return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static void write_until(struct sim_modes_iq *w, uint64_t upto)
{
    while (w->pos < upto && !w->err) {
        size_t n = upto - w->pos < SPAN / 2 ? (size_t)(upto - w->pos) : SPAN / 2;
        for (size_t k = 0; k < n; k++) {
            double i = crealf(w->acc[k]) + w->sigma * gauss(&w->rng);
            double q = cimagf(w->acc[k]) + w->sigma * gauss(&w->rng);
            w->out[2 * k] = (uint8_t)fmin(255, fmax(0, lround(i * 127.5 + 127.5)));
            w->out[2 * k + 1] = (uint8_t)fmin(255, fmax(0, lround(q * 127.5 + 127.5)));
        }
        if (fwrite(w->out, 2, n, w->iq) != n)
            w->err = 1;
        memmove(w->acc, w->acc + n, (SPAN - n) * sizeof *w->acc);
        memset(w->acc + SPAN - n, 0, n * sizeof *w->acc);
        w->pos += n;
    }
    size_t keep = 0;
    for (size_t i = 0; i < w->np; i++) {
        struct pend *p = &w->p[i];
        if (p->end > w->pos) {
            w->p[keep++] = *p;
            continue;
        }
        if (!w->truth)
            continue;
        fprintf(w->truth, "{\"sample\":%llu,\"level_dbfs\":%.2f,\"collided\":%s,\"hex\":\"",
                (unsigned long long)p->start, p->level_db, p->collided ? "true" : "false");
        for (int k = 0; k < p->len; k++)
            fprintf(w->truth, "%02x", p->msg[k]);
        if (fputs("\"}\n", w->truth) == EOF)
            w->err = 1;
    }
    w->np = keep;
}

/* Adds a 0.5 us pulse starting at us (microseconds from the frame start). */
static void pulse(struct sim_modes_iq *w, double at, double us, float complex c, double f)
{
    double a = at + us * RATE / 1e6, b = a + 0.5 * RATE / 1e6;
    for (long s = (long)floor(a); s <= (long)ceil(b); s++) {
        double cover = fmin(s + 1.0, b) - fmax((double)s, a); /* the part of sample s the pulse fills */
        if (cover <= 0 || s < 0 || s >= SPAN)
            continue;
        w->acc[s] += (float)cover * c * (float complex)cexp(I * 2 * M_PI * f * s / RATE);
    }
}

int sim_modes_iq_frame(struct sim_modes_iq *w, int64_t t_ms, const uint8_t *msg, int len, double level_db)
{
    if (t_ms < w->start_ms || (len != 7 && len != 14))
        return w->err ? -1 : 0;
    double at = ((double)(t_ms - w->start_ms) / 1000.0 + sim_rng_range(&w->rng, 0, 0.00088)) * RATE;
    uint64_t start = (uint64_t)at;
    if (start < w->pos)
        start = w->pos, at = (double)start;
    write_until(w, start);
    at -= (double)w->pos;
    float complex c = (float)sqrt(pow(10, level_db / 10)) * cexpf(I * (float)sim_rng_range(&w->rng, 0, 2 * M_PI));
    double f = sim_rng_range(&w->rng, -100e3, 100e3);
    static const double pre[4] = {0, 1.0, 3.5, 4.5};
    for (int i = 0; i < 4; i++)
        pulse(w, at, pre[i], c, f);
    for (int i = 0; i < len * 8; i++)
        pulse(w, at, 8.0 + i + ((msg[i / 8] >> (7 - i % 8)) & 1 ? 0 : 0.5), c, f);
    struct pend p = {.start = start, .end = start + (uint64_t)((8 + len * 8 + 1) * RATE / 1e6), .len = len,
                     .level_db = level_db};
    memcpy(p.msg, msg, (size_t)len);
    for (size_t i = 0; i < w->np; i++)
        if (w->p[i].end > start)
            w->p[i].collided = p.collided = true;
    if (w->np == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->p = xrealloc(w->p, w->cap * sizeof *w->p);
    }
    w->p[w->np++] = p;
    return w->err ? -1 : 0;
}

int sim_modes_iq_finish(struct sim_modes_iq *w, int64_t end_ms)
{
    uint64_t end = end_ms > w->start_ms ? (uint64_t)((end_ms - w->start_ms) * (RATE / 1000)) : 0;
    for (size_t i = 0; i < w->np; i++)
        if (w->p[i].end > end)
            end = w->p[i].end;
    write_until(w, end);
    return w->err ? -1 : 0;
}

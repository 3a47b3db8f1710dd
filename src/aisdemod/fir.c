/* fir.c: decimating low-pass filters for the channel split. */
#include "aisdemod/aisd_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

void aisd_fir_init(struct aisd_fir *f, double cutoff, int ntaps, int dec)
{
    memset(f, 0, sizeof *f);
    f->ntaps = ntaps;
    f->dec = dec;
    f->h = xcalloc((size_t)ntaps, sizeof *f->h);
    double sum = 0, mid = (ntaps - 1) / 2.0;
    double *h = xcalloc((size_t)ntaps, sizeof *h);
    for (int k = 0; k < ntaps; k++) {
        double x = k - mid;
        double s = x == 0 ? 2 * cutoff : sin(2 * M_PI * cutoff * x) / (M_PI * x);
        double w = ntaps == 1 ? 1
                              : 0.42 - 0.5 * cos(2 * M_PI * k / (ntaps - 1)) + 0.08 * cos(4 * M_PI * k / (ntaps - 1));
        h[k] = s * w;
        sum += h[k];
    }
    for (int k = 0; k < ntaps; k++)
        f->h[k] = (float)(h[k] / sum);
    free(h);
}

void aisd_fir_free(struct aisd_fir *f)
{
    free(f->h);
    free(f->xi);
    free(f->xq);
    memset(f, 0, sizeof *f);
}

size_t aisd_fir_run(struct aisd_fir *f, const float *i, const float *q, size_t n, float *oi, float *oq)
{
    if (n == 0)
        return 0;
    if (f->len + n > f->cap) {
        f->cap = (f->len + n) * 2;
        f->xi = xrealloc(f->xi, f->cap * sizeof *f->xi);
        f->xq = xrealloc(f->xq, f->cap * sizeof *f->xq);
    }
    memcpy(f->xi + f->len, i, n * sizeof *i);
    memcpy(f->xq + f->len, q, n * sizeof *q);
    f->len += n;
    size_t out = 0, pos = 0, nt = (size_t)f->ntaps;
    const float *h = f->h;
    for (; pos + nt <= f->len; pos += (size_t)f->dec, out++) {
        const float *xi = f->xi + pos, *xq = f->xq + pos;
        /* Eight partial sums per component: a vector register's worth that
         * the compiler may keep in one (a single running sum is a serial
         * dependency it may not reorder). */
        float ai[8] = {0}, aq[8] = {0};
        size_t k = 0;
        for (; k + 8 <= nt; k += 8)
            for (int j = 0; j < 8; j++) {
                ai[j] += h[k + j] * xi[k + j];
                aq[j] += h[k + j] * xq[k + j];
            }
        float si = 0, sq = 0;
        for (; k < nt; k++) {
            si += h[k] * xi[k];
            sq += h[k] * xq[k];
        }
        for (int j = 0; j < 8; j++) {
            si += ai[j];
            sq += aq[j];
        }
        oi[out] = si;
        oq[out] = sq;
    }
    memmove(f->xi, f->xi + pos, (f->len - pos) * sizeof *f->xi);
    memmove(f->xq, f->xq + pos, (f->len - pos) * sizeof *f->xq);
    f->len -= pos;
    return out;
}

/* grid.c: see grid.h. */
#include <math.h>
#include <stdlib.h>

#include "common/geo.h"
#include "common/xmalloc.h"
#include "ref/grid.h"

#define NCOL 360
#define NROW 180

static int row_of(double lat)
{
    int r = (int)floor(lat + 90.0);
    return r < 0 ? 0 : r >= NROW ? NROW - 1 : r;
}

static int col_of(double lon)
{
    int c = (int)floor(lon + 180.0);
    return ((c % NCOL) + NCOL) % NCOL;
}

void ref_grid_build(struct ref_grid *g, const double *lat, const double *lon, size_t n)
{
    g->start = xcalloc(NCOL * NROW + 1, sizeof *g->start);
    g->idx = xmalloc((n ? n : 1) * sizeof *g->idx);
    for (size_t i = 0; i < n; i++)
        g->start[row_of(lat[i]) * NCOL + col_of(lon[i]) + 1]++;
    for (size_t c = 0; c < NCOL * NROW; c++)
        g->start[c + 1] += g->start[c];
    uint32_t *fill = xmalloc(NCOL * NROW * sizeof *fill);
    for (size_t c = 0; c < NCOL * NROW; c++)
        fill[c] = g->start[c];
    for (size_t i = 0; i < n; i++)
        g->idx[fill[row_of(lat[i]) * NCOL + col_of(lon[i])]++] = (uint32_t)i;
    free(fill);
}

void ref_grid_free(struct ref_grid *g)
{
    free(g->start);
    free(g->idx);
    g->start = g->idx = NULL;
}

static double by_distance(void *ctx, uint32_t i, double d)
{
    (void)ctx;
    (void)i;
    return d;
}

long ref_grid_nearest(const struct ref_grid *g, const double *lat, const double *lon, double qlat,
                      double qlon, double radius_m, double *dist_m)
{
    return ref_grid_best(g, lat, lon, qlat, qlon, radius_m, by_distance, NULL, dist_m);
}

long ref_grid_best(const struct ref_grid *g, const double *lat, const double *lon, double qlat, double qlon,
                   double radius_m, double (*cost)(void *ctx, uint32_t i, double dist_m), void *ctx,
                   double *dist_m)
{
    /* Degrees of latitude spanned by the radius, plus one cell of margin for
     * the spherical approximation. */
    double dlat = radius_m / (GEO_EARTH_RADIUS_M * M_PI / 180.0) + 1.0;
    int r0 = row_of(qlat - dlat), r1 = row_of(qlat + dlat);
    double maxlat = fmax(fabs(qlat - dlat), fabs(qlat + dlat));
    int c0 = 0, ncols = NCOL;
    if (maxlat < 89.0) {
        double dlon = dlat / cos(maxlat * M_PI / 180.0) + 1.0;
        if (dlon < 180.0) {
            c0 = col_of(qlon - dlon);
            ncols = (int)ceil(2 * dlon) + 1;
            if (ncols > NCOL)
                ncols = NCOL;
        }
    }
    long best = -1;
    double bestc = INFINITY, bestd = 0;
    for (int r = r0; r <= r1; r++)
        for (int k = 0; k < ncols; k++) {
            int cell = r * NCOL + (c0 + k) % NCOL;
            for (uint32_t j = g->start[cell]; j < g->start[cell + 1]; j++) {
                uint32_t i = g->idx[j];
                double d = geo_distance_m(qlat, qlon, lat[i], lon[i]);
                if (d > radius_m)
                    continue;
                double c = cost(ctx, i, d);
                /* Ties go to the later index, as the plain nearest search always did. */
                if (c >= 0 && c <= bestc) {
                    bestc = c;
                    bestd = d;
                    best = i;
                }
            }
        }
    if (best >= 0 && dist_m)
        *dist_m = bestd;
    return best;
}

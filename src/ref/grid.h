/* grid.h: a 1-degree latitude/longitude bucket index over a fixed set of
 * points, for "nearest airport/port within R" without scanning every row.
 * Compressed rows: cell c holds idx[start[c] .. start[c+1]). */
#ifndef ATALAYA_REF_GRID_H
#define ATALAYA_REF_GRID_H

#include <stddef.h>
#include <stdint.h>

struct ref_grid {
    uint32_t *start; /* 360*180 + 1 offsets */
    uint32_t *idx;   /* point indices, cell by cell */
};

void ref_grid_build(struct ref_grid *g, const double *lat, const double *lon, size_t n);
void ref_grid_free(struct ref_grid *g);
/* Index of the point nearest (qlat, qlon) within radius_m (great circle), or
 * -1; *dist_m receives its distance when found. */
long ref_grid_nearest(const struct ref_grid *g, const double *lat, const double *lon, double qlat,
                      double qlon, double radius_m, double *dist_m);

/* The point within radius_m of lowest cost(ctx, index, distance): a cost
 * below 0 skips the point. -1 when none; *dist_m gets the chosen one's
 * distance. ref_grid_nearest is this with the distance as the cost. */
long ref_grid_best(const struct ref_grid *g, const double *lat, const double *lon, double qlat, double qlon,
                   double radius_m, double (*cost)(void *ctx, uint32_t i, double dist_m), void *ctx,
                   double *dist_m);

#endif

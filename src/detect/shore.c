/* shore.c: distance to the nearest land, by probing: rings of points at
 * growing radii around the position, 24 bearings each, tested against the
 * reference land polygons. Coarse (a few nm) but plenty for the 20 and 50 nm
 * rules it serves, and only evaluated when an event is being judged. */
#include <math.h>

#include "common/geo.h"
#include "detect/detect.h"
#include "ref/ref.h"

double det_shore_nm(const struct ref *r, double lat, double lon, double max_nm)
{
    if (!r)
        return max_nm;
    if (ref_country_at(r, lat, lon))
        return 0.0;
    double step = max_nm / 10.0 < 2.0 ? 2.0 : max_nm / 10.0;
    for (double d = step; d <= max_nm + 1e-9; d += step)
        for (int b = 0; b < 24; b++) {
            double la, lo;
            geo_destination(lat, lon, b * 15.0, d * GEO_M_PER_NM, &la, &lo);
            if (ref_country_at(r, la, lo))
                return d;
        }
    return max_nm;
}

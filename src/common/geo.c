#include "common/geo.h"

#include <math.h>

#define DEG (M_PI / 180.0)

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    /* Haversine: stable for the short distances plausibility checks use. */
    double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
    double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1.0)
        a = 1.0;
    return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a));
}

double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * DEG, p2 = lat2 * DEG, dl = (lon2 - lon1) * DEG;
    double y = sin(dl) * cos(p2), x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl);
    double b = atan2(y, x) / DEG;
    return b < 0 ? b + 360.0 : b;
}

void geo_destination(double lat, double lon, double bearing_deg, double distance_m, double *lat2, double *lon2)
{
    double d = distance_m / GEO_EARTH_RADIUS_M, b = bearing_deg * DEG, p1 = lat * DEG, l1 = lon * DEG;
    double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(b));
    double l2 = l1 + atan2(sin(b) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2));
    *lat2 = p2 / DEG;
    double lo = fmod(l2 / DEG + 540.0, 360.0) - 180.0;
    *lon2 = lo;
}

int geo_point_in_ring(double lat, double lon, const double *ring, int n)
{
    int inside = 0;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        double xi = ring[2 * i], yi = ring[2 * i + 1], xj = ring[2 * j], yj = ring[2 * j + 1];
        if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi)
            inside = !inside;
    }
    return inside;
}

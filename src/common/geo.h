/* geo.h: great-circle geometry on a spherical Earth (mean radius 6371.0088 km),
 * which is within 0.5% of WGS-84 distances: ample for plausibility checks,
 * proximity and nearest-airport questions. Degrees in, metres/knots out. */
#ifndef ATALAYA_COMMON_GEO_H
#define ATALAYA_COMMON_GEO_H

#define GEO_EARTH_RADIUS_M 6371008.8
#define GEO_M_PER_NM 1852.0

double geo_distance_m(double lat1, double lon1, double lat2, double lon2);
/* Initial bearing from point 1 to point 2, degrees 0..360. */
double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2);
/* Point at distance_m along bearing_deg from (lat, lon). */
void geo_destination(double lat, double lon, double bearing_deg, double distance_m, double *lat2, double *lon2);
/* Ray-casting point-in-polygon on lon/lat (ring of n points, closed or not). */
int geo_point_in_ring(double lat, double lon, const double *ring_lonlat, int n);

#endif

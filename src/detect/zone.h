/* zone.h: named polygon areas read from GeoJSON, shared by the watchlist's
 * area-entry alerts (watch.c), the geofence detector (geofence.c) and the
 * user port polygons of the port-call detector (portcall.c).
 *
 * A zone is one Feature: a Polygon or MultiPolygon with its holes, named by
 * the feature's "name" property ("country", an ISO alpha-2 code, is kept for
 * port polygons). Coordinates are GeoJSON's [lon, lat]. Tests are planar on
 * lon/lat (ray casting), which is exact enough for areas of a few hundred km
 * and wrong across the antimeridian (split such a zone in two). Not a public
 * header of the detect module. */
#ifndef ATALAYA_DETECT_ZONE_H
#define ATALAYA_DETECT_ZONE_H

#include <stdbool.h>
#include <stddef.h>

struct det_zone {
    char name[64];
    char country[3];  /* "country" property when two letters, else "" */
    double *pts;      /* every ring's points, lon/lat pairs back to back */
    int *ring_len;    /* points per ring */
    bool *ring_hole;  /* ring i is a hole of the outer ring before it */
    int nrings;
    double min_lat, max_lat, min_lon, max_lon;
    double lat, lon;  /* centroid of the largest outer ring: where the zone "is" */
    /* Whom the zone concerns (properties "applies_to", "ship_types",
     * "airborne_only"; absent: everyone): DET_ZONE_* bits, the AIS ship
     * type decades allowed (bit d: types 10d..10d+9; 0 = any), aircraft on
     * the ground left out. */
    unsigned applies;
    unsigned ship_decades;
    bool airborne_only;
};

#define DET_ZONE_VESSELS 1u
#define DET_ZONE_AIRCRAFT 2u

struct det_zones {
    struct det_zone *z;
    size_t n, cap;
};

void det_zones_free(struct det_zones *zs);

/* Appends the Polygon/MultiPolygon features of a GeoJSON file (a
 * FeatureCollection or one Feature); other geometries are skipped. Fails
 * when the file is not JSON or would take zs beyond max zones. Returns the
 * number of zones added, or -1 with err filled. */
int det_zones_load(struct det_zones *zs, const char *path, size_t max, char *err, size_t errn);

/* True when the zone concerns this entity: a vessel of AIS ship type
 * shiptype (0 unknown: never one of a zone's ship_types), or an aircraft,
 * on the ground or not. */
bool det_zone_applies(const struct det_zone *z, bool aircraft, unsigned shiptype, bool on_ground);

/* True when (lat, lon) lies inside an outer ring of z and in none of its holes. */
bool det_zone_contains(const struct det_zone *z, double lat, double lon);

/* Metres from (lat, lon) to z: 0 inside, else to the nearest edge (local
 * flat-earth projection, good to well under 1% within tens of km). Returns
 * a value > limit_m quickly when the bounding box is already farther. */
double det_zone_distance_m(const struct det_zone *z, double lat, double lon, double limit_m);

#endif

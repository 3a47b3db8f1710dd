/* zone.c: GeoJSON polygons with holes, point-in-zone and distance to a zone.
 * Loading is liberal (jansson answers 0 / NULL for anything of the wrong
 * type, so a malformed feature reads as an empty one and is skipped), since
 * these files are hand-drawn by users. */
#include "detect/zone.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/geo.h"
#include "common/xmalloc.h"

#define M_PER_DEG (GEO_EARTH_RADIUS_M * M_PI / 180.0)

void det_zones_free(struct det_zones *zs)
{
    for (size_t i = 0; i < zs->n; i++) {
        free(zs->z[i].pts);
        free(zs->z[i].ring_len);
        free(zs->z[i].ring_hole);
    }
    free(zs->z);
    memset(zs, 0, sizeof *zs);
}

/* Twice the signed area (lon/lat units) and the centroid of a ring. */
static double ring_centroid(const double *p, int n, double *clat, double *clon)
{
    double a = 0, cx = 0, cy = 0;
    for (int i = 0, j = n - 1; i < n; j = i++) {
        double c = p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1];
        a += c;
        cx += (p[2 * j] + p[2 * i]) * c;
        cy += (p[2 * j + 1] + p[2 * i + 1]) * c;
    }
    if (fabs(a) < 1e-12) { /* degenerate: the mean of the points */
        cx = cy = 0;
        for (int i = 0; i < n; i++) {
            cx += p[2 * i];
            cy += p[2 * i + 1];
        }
        *clon = cx / n;
        *clat = cy / n;
        return 0;
    }
    *clon = cx / (3 * a);
    *clat = cy / (3 * a);
    return a;
}

/* Returns false (and adds nothing) for a ring too short to enclose anything. */
static bool add_ring(struct det_zone *z, json_t *ring, bool hole)
{
    size_t n = json_array_size(ring);
    if (n < 3 || n > (1u << 24))
        return false;
    size_t have = 0;
    for (int i = 0; i < z->nrings; i++)
        have += (size_t)z->ring_len[i];
    z->pts = xrealloc(z->pts, (have + n) * 2 * sizeof(double));
    z->ring_len = xrealloc(z->ring_len, (size_t)(z->nrings + 1) * sizeof(int));
    z->ring_hole = xrealloc(z->ring_hole, (size_t)(z->nrings + 1) * sizeof(bool));
    double *p = z->pts + 2 * have;
    for (size_t i = 0; i < n; i++) {
        json_t *pt = json_array_get(ring, i);
        double lon = json_number_value(json_array_get(pt, 0)), lat = json_number_value(json_array_get(pt, 1));
        p[2 * i] = lon;
        p[2 * i + 1] = lat;
        if (hole)
            continue; /* holes never widen the box */
        if (lat < z->min_lat) z->min_lat = lat;
        if (lat > z->max_lat) z->max_lat = lat;
        if (lon < z->min_lon) z->min_lon = lon;
        if (lon > z->max_lon) z->max_lon = lon;
    }
    z->ring_len[z->nrings] = (int)n;
    z->ring_hole[z->nrings] = hole;
    z->nrings++;
    return true;
}

/* A Polygon's coordinates: the outer ring, then its holes. */
static void add_polygon(struct det_zone *z, json_t *rings)
{
    if (!add_ring(z, json_array_get(rings, 0), false))
        return; /* holes without their outer ring would attach to the wrong polygon */
    for (size_t k = 1; k < json_array_size(rings); k++)
        add_ring(z, json_array_get(rings, k), true);
}

static void set_centroid(struct det_zone *z)
{
    double best = -1;
    const double *p = z->pts;
    for (int r = 0; r < z->nrings; p += 2 * z->ring_len[r], r++) {
        double la, lo, a;
        if (z->ring_hole[r])
            continue;
        a = fabs(ring_centroid(p, z->ring_len[r], &la, &lo));
        if (a > best) {
            best = a;
            z->lat = la;
            z->lon = lo;
        }
    }
}

/* AIS ship type names (ITU-R M.1371 Table 53) as the decade of their codes. */
static int type_decade(json_t *v)
{
    static const struct {
        const char *name;
        int decade;
    } names[] = {{"wig", 2},     {"fishing", 3},    {"towing", 3}, {"sailing", 3}, {"pleasure", 3},
                 {"high_speed", 4}, {"special", 5}, {"pilot", 5},  {"tug", 5},     {"passenger", 6},
                 {"cargo", 7},   {"tanker", 8},     {"other", 9}};
    if (json_is_integer(v)) {
        json_int_t t = json_integer_value(v);
        return t >= 1 && t <= 99 ? (int)(t / 10) : -1;
    }
    const char *s = json_string_value(v);
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0)
            return names[i].decade;
    return -1;
}

/* The zone's "applies_to" (a string or an array of them), "ship_types" and
 * "airborne_only"; absent members concern everyone. -1 on a bad value. */
static int read_applies(struct det_zone *z, json_t *props)
{
    json_t *to = json_object_get(props, "applies_to"), *types = json_object_get(props, "ship_types"),
           *air = json_object_get(props, "airborne_only");
    z->applies = to ? 0 : DET_ZONE_VESSELS | DET_ZONE_AIRCRAFT;
    json_t *one = to && json_is_string(to) ? to : NULL;
    size_t i, n = one ? 1 : json_is_array(to) ? json_array_size(to) : 0;
    if (to && !n)
        return -1;
    for (i = 0; i < n; i++) {
        const char *s = json_string_value(one ? one : json_array_get(to, i));
        if (s && (!strcasecmp(s, "vessel") || !strcasecmp(s, "vessels")))
            z->applies |= DET_ZONE_VESSELS;
        else if (s && !strcasecmp(s, "aircraft"))
            z->applies |= DET_ZONE_AIRCRAFT;
        else
            return -1;
    }
    if (types) {
        if (!json_is_array(types) || !json_array_size(types))
            return -1;
        json_t *t;
        json_array_foreach(types, i, t)
        {
            int d = type_decade(t);
            if (d < 0)
                return -1;
            z->ship_decades |= 1u << d;
        }
    }
    if (air && !json_is_boolean(air))
        return -1;
    z->airborne_only = air && json_is_true(air);
    return 0;
}

bool det_zone_applies(const struct det_zone *z, bool aircraft, unsigned shiptype, bool on_ground)
{
    if (aircraft)
        return (z->applies & DET_ZONE_AIRCRAFT) && !(z->airborne_only && on_ground);
    if (!(z->applies & DET_ZONE_VESSELS))
        return false;
    return !z->ship_decades || (shiptype >= 1 && shiptype <= 99 && (z->ship_decades >> (shiptype / 10)) & 1u);
}

int det_zones_load(struct det_zones *zs, const char *path, size_t max, char *err, size_t errn)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errn, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    json_t *features = json_object_get(root, "features");
    json_t *single = NULL;
    if (!features && json_object_get(root, "geometry")) {
        single = json_array();
        json_array_append(single, root);
        features = single;
    }
    int added = 0;
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f) {
        json_t *g = json_object_get(f, "geometry");
        const char *type = json_string_value(json_object_get(g, "type"));
        json_t *coords = json_object_get(g, "coordinates");
        if (!type || !coords || (strcmp(type, "Polygon") && strcmp(type, "MultiPolygon")))
            continue;
        if (zs->n == max) {
            snprintf(err, errn, "%s: more than %zu areas", path, max);
            added = -1;
            break;
        }
        if (zs->n == zs->cap) {
            zs->cap = zs->cap ? 2 * zs->cap : 16;
            zs->z = xrealloc(zs->z, zs->cap * sizeof *zs->z);
        }
        struct det_zone *z = &zs->z[zs->n];
        memset(z, 0, sizeof *z);
        z->min_lat = z->min_lon = 1e9;
        z->max_lat = z->max_lon = -1e9;
        json_t *props = json_object_get(f, "properties");
        const char *name = json_string_value(json_object_get(props, "name"));
        const char *cc = json_string_value(json_object_get(props, "country"));
        snprintf(z->name, sizeof z->name, "%s", name ? name : "area");
        if (cc && strlen(cc) == 2)
            memcpy(z->country, cc, 3);
        if (read_applies(z, props) != 0) {
            snprintf(err, errn, "%s: zone \"%s\": applies_to is vessel and/or aircraft, ship_types names "
                     "(tanker, cargo, passenger, fishing, high_speed, special, other) or AIS types 1-99, "
                     "airborne_only true or false", path, z->name);
            added = -1;
            break;
        }
        if (!strcmp(type, "Polygon")) {
            add_polygon(z, coords);
        } else {
            size_t k;
            json_t *poly;
            json_array_foreach(coords, k, poly) add_polygon(z, poly);
        }
        if (!z->nrings) {
            free(z->pts);
            free(z->ring_len);
            free(z->ring_hole);
            continue;
        }
        set_centroid(z);
        zs->n++;
        added++;
    }
    json_decref(single);
    json_decref(root);
    return added;
}

bool det_zone_contains(const struct det_zone *z, double lat, double lon)
{
    if (lat < z->min_lat || lat > z->max_lat || lon < z->min_lon || lon > z->max_lon)
        return false;
    const double *p = z->pts;
    bool in = false; /* inside the current outer ring and none of its holes so far */
    for (int r = 0; r < z->nrings; p += 2 * z->ring_len[r], r++) {
        if (!z->ring_hole[r]) {
            if (in)
                return true; /* the previous polygon held it, holes and all */
            in = geo_point_in_ring(lat, lon, p, z->ring_len[r]);
        } else if (in && geo_point_in_ring(lat, lon, p, z->ring_len[r])) {
            in = false;
        }
    }
    return in;
}

/* Distance from the origin to segment (ax, ay)-(bx, by), metres. */
static double seg_distance(double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? -(ax * dx + ay * dy) / l2 : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    return hypot(ax + t * dx, ay + t * dy);
}

double det_zone_distance_m(const struct det_zone *z, double lat, double lon, double limit_m)
{
    double kx = M_PER_DEG * cos(lat * M_PI / 180.0), ky = M_PER_DEG;
    double bx = lon < z->min_lon ? z->min_lon - lon : lon > z->max_lon ? lon - z->max_lon : 0;
    double by = lat < z->min_lat ? z->min_lat - lat : lat > z->max_lat ? lat - z->max_lat : 0;
    double box = hypot(bx * kx, by * ky);
    if (box > limit_m)
        return box;
    if (det_zone_contains(z, lat, lon))
        return 0;
    double best = INFINITY;
    const double *p = z->pts;
    for (int r = 0; r < z->nrings; p += 2 * z->ring_len[r], r++)
        for (int i = 0, j = z->ring_len[r] - 1; i < z->ring_len[r]; j = i++) {
            double m = seg_distance((p[2 * j] - lon) * kx, (p[2 * j + 1] - lat) * ky, (p[2 * i] - lon) * kx,
                                    (p[2 * i + 1] - lat) * ky);
            if (m < best)
                best = m;
        }
    return best;
}

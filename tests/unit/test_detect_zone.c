/* test_detect_zone.c: GeoJSON zones (src/detect/zone.c): which features load,
 * point in zone with holes and MultiPolygons, distance to a zone's edge
 * against great-circle distances, centroids, the zone limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/geo.h"
#include "detect/zone.h"
#include "test.h"

static const char *const ZONES =
    "{\"type\":\"FeatureCollection\",\"features\":["
    /* 0: a 0.2 x 0.2 degree square at 10 N 20 E with a 0.1-degree hole in its middle */
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"HOLED\",\"country\":\"XX\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[20.0,10.0],[20.2,10.0],[20.2,10.2],[20.0,10.2],[20.0,10.0]],"
    "[[20.05,10.05],[20.15,10.05],[20.15,10.15],[20.05,10.15],[20.05,10.05]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"A POINT\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"GARBAGE\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[1,2]]}},"
    /* 1: two squares, the second (0.1 degree) smaller than the first (0.2) */
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"TWO\",\"country\":\"toolong\"},\"geometry\":{\"type\":\"MultiPolygon\","
    "\"coordinates\":[[[[30.0,-5.0],[30.2,-5.0],[30.2,-4.8],[30.0,-4.8]]],[[[31.0,-5.0],[31.1,-5.0],[31.1,-4.9],[31.0,-4.9]]]]}},"
    /* 2: no name */
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,1]]]}}"
    "]}";

/* Writes ZONES to a new temporary file, its name in path. */
static const char *write_zones(char path[64])
{
    snprintf(path, 64, "/tmp/test_detect_zone_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(ZONES, f);
    fclose(f);
    return path;
}

static void test_zone_load(void)
{
    char buf[64];
    const char *path = write_zones(buf);
    struct det_zones zs = {0};
    char err[256];
    CHECK(path != NULL);
    if (!path || det_zones_load(&zs, path, 10, err, sizeof err) != 3 || zs.n != 3) {
        CHECK(!"three zones load");
        return;
    }
    CHECK_STR(zs.z[0].name, "HOLED");
    CHECK_STR(zs.z[0].country, "XX");
    CHECK_EQ_INT(zs.z[0].nrings, 2);
    CHECK_STR(zs.z[1].name, "TWO");
    CHECK_STR(zs.z[1].country, ""); /* not an alpha-2 code */
    CHECK_STR(zs.z[2].name, "area");
    CHECK_NEAR(zs.z[0].lat, 10.1, 1e-9);
    CHECK_NEAR(zs.z[0].lon, 20.1, 1e-9);
    CHECK_NEAR(zs.z[1].lat, -4.9, 1e-9); /* the larger square's centre */
    CHECK_NEAR(zs.z[1].lon, 30.1, 1e-9);
    /* The limit counts zones already loaded. */
    CHECK_EQ_INT(det_zones_load(&zs, path, 4, err, sizeof err), -1);
    CHECK(strstr(err, "more than 4") != NULL);
    det_zones_free(&zs);
    CHECK_EQ_INT(det_zones_load(&zs, "/nonexistent/zones.geojson", 10, err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent/zones.geojson") != NULL);
    det_zones_free(&zs);
    remove(path);
}

static void test_zone_contains_and_distance(void)
{
    char buf[64];
    const char *path = write_zones(buf);
    struct det_zones zs = {0};
    char err[256];
    if (!path || det_zones_load(&zs, path, 10, err, sizeof err) != 3) {
        CHECK(!"three zones load");
        return;
    }
    /* dist_to: the point on the zone's edge nearest (lat, lon), for the
     * great-circle check; NAN when inside. */
    static const struct {
        int zone;
        double lat, lon;
        bool inside;
        double edge_lat, edge_lon;
    } cases[] = {
        {0, 10.02, 20.02, true, NAN, NAN},     /* in the ring, outside the hole */
        {0, 10.10, 20.10, false, 10.10, 20.15}, /* in the hole: out; its east and west edges are nearest */
        {0, 9.99, 20.10, false, 10.0, 20.10},   /* 0.01 degree south of the outer ring */
        {0, 10.10, 20.23, false, 10.10, 20.2},  /* east */
        {0, 10.21, 20.21, false, 10.2, 20.2},   /* off the north-east corner */
        {1, -4.9, 30.1, true, NAN, NAN},        /* first polygon of the MultiPolygon */
        {1, -4.95, 31.05, true, NAN, NAN},      /* second one */
        {1, -4.95, 30.6, false, -4.95, 30.2},   /* between the two: nearest is the first */
        {1, -4.95, 30.9, false, -4.95, 31.0},   /* ... the second */
        {2, 0.2, 0.2, true, NAN, NAN},
        {2, 0.6, 0.6, false, 0.5, 0.5},         /* off the hypotenuse */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct det_zone *z = &zs.z[cases[i].zone];
        CHECK_EQ_INT(det_zone_contains(z, cases[i].lat, cases[i].lon), cases[i].inside);
        double m = det_zone_distance_m(z, cases[i].lat, cases[i].lon, 1e9);
        if (cases[i].inside) {
            CHECK_NEAR(m, 0, 0);
            continue;
        }
        double gc = geo_distance_m(cases[i].lat, cases[i].lon, cases[i].edge_lat, cases[i].edge_lon);
        if (!(fabs(m - gc) <= 0.005 * gc))
            fprintf(stderr, "case %zu: %.1f m, great circle %.1f m\n", i, m, gc);
        CHECK_NEAR(m, gc, 0.005 * gc);
    }
    /* Far beyond the limit: answered from the bounding box, still beyond it. */
    CHECK(det_zone_distance_m(&zs.z[0], 12.0, 20.1, 5000) > 5000);
    det_zones_free(&zs);
    remove(path);
}

/* A file of one square zone with these properties; the load's result. */
static int load_props(const char *props, struct det_zones *zs, char *err, size_t errn)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/test_detect_zone_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -2;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"type\":\"Feature\",\"properties\":{\"name\":\"Z\"%s%s},\"geometry\":{\"type\":\"Polygon\","
               "\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}", *props ? "," : "", props);
    fclose(f);
    int rc = det_zones_load(zs, path, 10, err, errn);
    remove(path);
    return rc;
}

/* Whom a zone concerns: applies_to, ship_types, airborne_only (zone.h). */
static void test_zone_applies(void)
{
    char err[256];
    static const struct {
        const char *props;
        /* vessel type 80 (tanker), vessel type 70 (cargo), vessel of unknown type, aircraft airborne, on the ground */
        int tanker, cargo, untyped, air, ground;
    } cases[] = {
        {"", 1, 1, 1, 1, 1},
        {"\"applies_to\":\"vessel\"", 1, 1, 1, 0, 0},
        {"\"applies_to\":[\"aircraft\"]", 0, 0, 0, 1, 1},
        {"\"applies_to\":[\"vessel\",\"aircraft\"],\"airborne_only\":true", 1, 1, 1, 1, 0},
        {"\"applies_to\":\"vessels\",\"ship_types\":[\"tanker\"]", 1, 0, 0, 0, 0},
        {"\"ship_types\":[\"Cargo\",84]", 1, 1, 0, 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct det_zones zs = {0};
        if (load_props(cases[i].props, &zs, err, sizeof err) != 1) {
            fprintf(stderr, "case %zu: %s\n", i, err);
            CHECK(0);
            det_zones_free(&zs);
            continue;
        }
        const struct det_zone *z = &zs.z[0];
        CHECK_EQ_INT(det_zone_applies(z, false, 80, false), cases[i].tanker);
        CHECK_EQ_INT(det_zone_applies(z, false, 70, false), cases[i].cargo);
        CHECK_EQ_INT(det_zone_applies(z, false, 0, false), cases[i].untyped);
        CHECK_EQ_INT(det_zone_applies(z, true, 0, false), cases[i].air);
        CHECK_EQ_INT(det_zone_applies(z, true, 0, true), cases[i].ground);
        det_zones_free(&zs);
    }
    /* A value it cannot read fails the load, naming the zone. */
    static const char *const bad[] = {"\"applies_to\":\"ships\"", "\"applies_to\":[]", "\"ship_types\":[\"yacht\"]",
                                      "\"ship_types\":[100]", "\"ship_types\":\"tanker\"", "\"airborne_only\":\"yes\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct det_zones zs = {0};
        err[0] = 0;
        CHECK_EQ_INT(load_props(bad[i], &zs, err, sizeof err), -1);
        CHECK(strstr(err, "\"Z\"") != NULL);
        det_zones_free(&zs);
    }
}

int main(void)
{
    RUN(test_zone_load);
    RUN(test_zone_contains_and_distance);
    RUN(test_zone_applies);
    TEST_MAIN_END();
}

/* test_ref_tables.c: the bundled reference tables through ref.h, with values
 * checked against the source rows (OpenFlights, WPI, ITU MID, ICAO blocks,
 * Natural Earth). */
#include "test.h"

#include "common/geo.h"
#include "ref/csv.h"
#include "ref/datadir.h"
#include "ref/ref.h"
#include "ref/ref_int.h"
#include <time.h>

static struct ref *R;

static void test_csv_split(void)
{
    const char *l = "1,\"a, \"\"b\"\"\",\\N,-0- ,";
    char buf[64], *f[8];
    CHECK_EQ_INT(ref_csv_split(l, strlen(l), buf, f, 8), 5);
    CHECK_STR(f[1], "a, \"b\"");
    CHECK(ref_csv_null(f[2]));
    CHECK(ref_csv_null(f[3]));
    CHECK(ref_csv_null(f[4]));
    CHECK(!ref_csv_null(f[0]));
}

static void test_airports(void)
{
    CHECK(ref_airport_count(R) > 7000);
    const struct ref_airport *a = ref_airport_by_code(R, "EGLL");
    CHECK(a && !strcmp(a->iata, "LHR"));
    const struct ref_airport *b = ref_airport_by_code(R, "lhr");
    CHECK(a == b);
    CHECK(ref_airport_by_code(R, "ZZZZ") == NULL);
    CHECK(ref_airport_by_code(R, "EGLLX") == NULL);
    /* A point 2 km east of Toulouse-Blagnac: LFBO within 10 km, nothing within 100 m. */
    const struct ref_airport *t = ref_airport_by_code(R, "LFBO");
    CHECK(t != NULL);
    if (!t)
        return;
    double lat, lon, d = -1;
    geo_destination(t->lat, t->lon, 90, 2000, &lat, &lon);
    const struct ref_airport *n = ref_airport_nearest(R, lat, lon, 10000, &d);
    CHECK(n == t);
    CHECK_NEAR(d, 2000, 5);
    CHECK(ref_airport_nearest(R, 0.0, -140.0, 100, &d) == NULL); /* mid-Pacific */
    /* Across the antimeridian: Fiji's Nadi (NFFN) seen from 179.99 W. */
    const struct ref_airport *f = ref_airport_nearest(R, -17.0, -179.99, 500000, &d);
    CHECK(f != NULL && !strcmp(f->country, "Fiji"));
}

static void test_ports(void)
{
    CHECK(ref_port_count(R) > 3000);
    const struct ref_port *p = ref_port_by_name(R, "rotterdam");
    CHECK(p && !strcmp(p->country, "NL"));
    if (p)
        CHECK(ref_port_by_id(R, p->id) == p);
    double d;
    const struct ref_port *q = ref_port_nearest(R, 51.95, 4.10, 30000, &d);
    CHECK(q && !strcmp(q->country, "NL"));
    CHECK(ref_port_nearest(R, 0.0, -140.0, 50000, &d) == NULL);
}

static void test_operators(void)
{
    char d[4];
    CHECK(ref_callsign_designator("IRM1234", d) && !strcmp(d, "IRM"));
    CHECK(ref_callsign_designator("baw12k  ", d) && !strcmp(d, "BAW"));
    CHECK(!ref_callsign_designator("N123AB", d));
    CHECK(!ref_callsign_designator("GABCD", d));
    CHECK(!ref_callsign_designator("IRM", d));
    CHECK(!ref_callsign_designator("IRM12345X", d));
    const struct ref_operator *o = ref_operator_by_callsign(R, "IRM1234");
    CHECK(o && !strcmp(o->name, "Mahan Air") && !strcmp(o->country, "Iran"));
    o = ref_operator_by_designator(R, "VCV");
    CHECK(o && !strcmp(o->callsign, "CONVIASA"));
    CHECK(ref_operator_by_designator(R, "QQQQ") == NULL);
}

static void test_mmsi(void)
{
    struct ref_mmsi m;
    CHECK(ref_mmsi_flag(R, 422303000, &m) && m.kind == REF_MMSI_SHIP && m.mid == 422);
    CHECK(m.country && strstr(m.country, "Iran"));
    /* 374 is newer than the bundled table: it comes from the ITU additions. */
    CHECK(ref_mmsi_flag(R, 374123000, &m) && m.country && strstr(m.country, "Panama"));
    CHECK(ref_mmsi_flag(R, 2320004, &m) && m.kind == REF_MMSI_COAST && m.mid == 232);
    CHECK(ref_mmsi_flag(R, 23100001, &m) && m.kind == REF_MMSI_GROUP && m.mid == 231);
    CHECK(ref_mmsi_flag(R, 111232501, &m) && m.kind == REF_MMSI_SAR && m.mid == 232);
    CHECK(ref_mmsi_flag(R, 992351234, &m) && m.kind == REF_MMSI_ATON && m.mid == 235);
    CHECK(ref_mmsi_flag(R, 982351234, &m) && m.kind == REF_MMSI_CRAFT && m.mid == 235);
    CHECK(ref_mmsi_flag(R, 822712345, &m) && m.kind == REF_MMSI_HANDHELD && m.mid == 227);
    CHECK(ref_mmsi_flag(R, 970012345, &m) && m.kind == REF_MMSI_SART && !m.country);
    CHECK(ref_mmsi_flag(R, 974012345, &m) && m.kind == REF_MMSI_EPIRB);
    CHECK(!ref_mmsi_flag(R, 1000000000u, &m));
    CHECK(ref_mmsi_flag(R, 100000000, &m) == false);
}

static void test_icao(void)
{
    const char *c = ref_icao_country(R, 0x731821); /* EP-FAA */
    CHECK(c && strstr(c, "Iran"));
    c = ref_icao_country(R, 0xA00001);
    CHECK(c && strstr(c, "United States"));
    CHECK(ref_icao_country(R, 0xF10001) == NULL);
    CHECK(ref_icao_military(R, 0xAE1234));
    CHECK(!ref_icao_military(R, 0x731821));
}

static void test_countries(void)
{
    const char *c = ref_country_at(R, 48.8566, 2.3522);
    CHECK(c && !strcmp(c, "France"));
    c = ref_country_at(R, -33.87, 151.21); /* Sydney */
    CHECK(c && !strcmp(c, "Australia"));
    CHECK(ref_country_at(R, 45.0, -30.0) == NULL); /* North Atlantic */
    CHECK(ref_sea_at(R, 45.0, -30.0) == NULL);     /* no sea layer loaded */
}

/* The land grid in front of the polygons (areas.c) gives the polygons'
 * answer: at random points anywhere, and at points within a few hundred
 * metres of coastline vertices, where cells are mixed. And it is faster. */
static void test_country_grid(void)
{
    struct ref_layer plain = R->countries;
    CHECK(plain.grid != NULL);
    plain.grid = NULL;
    uint64_t x = 88172645463325252ull;
    int differ = 0, n = 0;
    double pts[2 * 20000];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double lat = (double)(x % 1800000) / 10000.0 - 90.0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double lon = (double)(x % 3600000) / 10000.0 - 180.0;
        if (i % 2 && R->countries.n) { /* near a vertex of a random ring */
            const struct ref_area *a = &R->countries.a[x % R->countries.n];
            const struct ref_ring *g = &a->rings[(x >> 20) % (uint64_t)a->nrings];
            int k = (int)((x >> 32) % (uint64_t)g->n);
            lat = g->lonlat[2 * k + 1] + (lat / 90.0) * 0.005;
            lon = g->lonlat[2 * k] + (lon / 180.0) * 0.005;
        }
        pts[2 * i] = lat;
        pts[2 * i + 1] = lon;
        const char *a = ref_country_at(R, lat, lon), *b = ref_layer_at(&plain, lat, lon);
        differ += !(a == b || (a && b && !strcmp(a, b)));
        n++;
    }
    CHECK_EQ_INT(differ, 0);
    clock_t t0 = clock();
    int hits = 0;
    for (int r = 0; r < 5; r++)
        for (int i = 0; i < 20000; i += 2) /* the uniform points: a flood's */
            hits += ref_country_at(R, pts[i * 2], pts[i * 2 + 1]) != NULL;
    clock_t t1 = clock();
    for (int r = 0; r < 5; r++)
        for (int i = 0; i < 20000; i += 2)
            hits -= ref_layer_at(&plain, pts[i * 2], pts[i * 2 + 1]) != NULL;
    clock_t t2 = clock();
    CHECK_EQ_INT(hits, 0);
    printf("# land test at uniform random points: grid %.2f us, polygons %.2f us a point (%d points)\n",
           (double)(t1 - t0) / CLOCKS_PER_SEC * 1e6 / 50000, (double)(t2 - t1) / CLOCKS_PER_SEC * 1e6 / 50000, n);
}

/* The territorial-sea layer (not bundled: read from the shared data). */
static void test_sea(void)
{
    const char *dir = test_shared_data();
    if (!dir) {
        SKIP(test_sea, "no shared data");
        return;
    }
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/ref/maritime/countries-maritime-10m.geo.json.gz", dir);
    CHECK_EQ_INT(ref_load_sea(R, path, err, sizeof err), 0);
    const char *s = ref_sea_at(R, 51.95, 3.9); /* off Rotterdam, inside 12 nm */
    CHECK(s && !strcmp(s, "NLD"));
    CHECK(ref_country_at(R, 51.95, 3.9) == NULL); /* at sea: no land country */
    s = ref_sea_at(R, 26.5, 56.3); /* Strait of Hormuz, Omani side */
    CHECK(s && !strcmp(s, "OMN"));
    CHECK(ref_sea_at(R, 45.0, -30.0) == NULL); /* high seas */
    CHECK(ref_load_sea(R, "/nonexistent.geojson", err, sizeof err) == -1);
}

static void test_data_dir(void)
{
    char out[1024], want[1024];
    const char *root = getenv("ATALAYA_ROOT");
    snprintf(want, sizeof want, "%s/data", root ? root : ".");
    setenv("ATALAYA_DATA", want, 1);
    CHECK(ref_data_dir(out, sizeof out) && !strcmp(out, want));
    setenv("ATALAYA_DATA", "/nonexistent", 1);
    CHECK(ref_data_dir(out, sizeof out) == NULL);
    unsetenv("ATALAYA_DATA");
}

int main(void)
{
    char err[512] = "";
    const char *root = getenv("ATALAYA_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    R = ref_load(dir, err, sizeof err);
    if (!R) {
        fprintf(stderr, "ref_load: %s\n", err);
        return 1;
    }
    RUN(test_csv_split);
    RUN(test_airports);
    RUN(test_ports);
    RUN(test_operators);
    RUN(test_mmsi);
    RUN(test_icao);
    RUN(test_countries);
    RUN(test_country_grid);
    RUN(test_sea);
    RUN(test_data_dir);
    ref_free(R);
    TEST_MAIN_END();
}

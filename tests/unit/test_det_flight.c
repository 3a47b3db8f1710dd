/* test_det_flight.c: the flight detector's rules on their own (when a
 * silence is one flight, how far from an airport a low point may be) and the
 * airports' ISO country codes it reports. */
#include "test.h"

#include "common/geo.h"
#include "detect/detect.h"
#include "ref/ref.h"

static struct det_config C;
static struct ref *R;

static void test_defaults(void)
{
    CHECK_NEAR(C.flight_airport_km, 10, 0);
    CHECK_NEAR(C.flight_low_ft, 10000, 0);
    CHECK_NEAR(C.flight_runway_ft, 3281, 0);
    CHECK_NEAR(C.flight_land_gap_min, 10, 0);
    CHECK_NEAR(C.flight_split_gap_min, 30, 0);
    CHECK_NEAR(C.flight_glide_deg, 3, 0);
    CHECK_NEAR(C.flight_ground_max_kt, 175, 0);
    CHECK_NEAR(C.flight_max_gap_h, 20, 0);
    CHECK_EQ_INT(C.emergency_min_reports, 2);
    /* A value set by the caller is kept. */
    struct det_config c = {.flight_airport_km = 25};
    det_flights_defaults(&c);
    CHECK_NEAR(c.flight_airport_km, 25, 0);
    CHECK_NEAR(c.flight_low_ft, 10000, 0);
}

static void test_gap_fits(void)
{
    double nm = GEO_M_PER_NM;
    /* Ten hours over the Atlantic at 480 kt: 4,600 nm flown, one flight. */
    CHECK_EQ_INT(det_flight_gap_fits(&C, 10 * 3600, 4600 * nm, 480), 1);
    /* The same gap but only 300 nm apart: it sat somewhere for hours. */
    CHECK_EQ_INT(det_flight_gap_fits(&C, 10 * 3600, 300 * nm, 480), 0);
    /* At the edges: 0.7 and 1.3 of the speed. */
    CHECK_EQ_INT(det_flight_gap_fits(&C, 3600, 0.71 * 400 * nm, 400), 1);
    CHECK_EQ_INT(det_flight_gap_fits(&C, 3600, 0.69 * 400 * nm, 400), 0);
    CHECK_EQ_INT(det_flight_gap_fits(&C, 3600, 1.29 * 400 * nm, 400), 1);
    CHECK_EQ_INT(det_flight_gap_fits(&C, 3600, 1.31 * 400 * nm, 400), 0);
    /* No speed known: cannot tell; longer than any flight: never. */
    CHECK_EQ_INT(det_flight_gap_fits(&C, 3600, 400 * nm, -1), -1);
    CHECK_EQ_INT(det_flight_gap_fits(&C, 21 * 3600, 9000 * nm, 450), 0);
}

static void test_glide_radius(void)
{
    /* 10 km, plus 3,048 m of height down a 3 degree path: 58.2 km more. */
    CHECK_NEAR(det_flight_glide_radius_m(&C, 10000), 10000 + 3048 / tan(3 * M_PI / 180), 1);
    CHECK_NEAR(det_flight_glide_radius_m(&C, 10000), 68159, 100);
    CHECK_NEAR(det_flight_glide_radius_m(&C, 0), 10000, 0);
    CHECK_NEAR(det_flight_glide_radius_m(&C, -500), 10000, 0); /* below the field (pressure altitude) */
}

static const char *code_of(const char *icao)
{
    const struct ref_airport *a = ref_airport_by_code(R, icao);
    return a ? a->country_code : "(no airport)";
}

static void test_country_codes(void)
{
    /* From countries.dat, by the name airports.dat gives. */
    CHECK_STR(code_of("SVMI"), "VE");
    CHECK_STR(code_of("OIIE"), "IR");
    CHECK_STR(code_of("SGES"), "PY");
    CHECK_STR(code_of("OSDI"), "SY");
    CHECK_STR(code_of("EGLL"), "GB");
    CHECK_STR(code_of("KJFK"), "US");
    /* Names countries.dat spells otherwise ("St. Lucia", "Myanmar"): the
     * nearest ports' ISO codes vote. */
    CHECK_STR(code_of("TLPL"), "LC");
    CHECK_STR(code_of("VYYY"), "MM");
    CHECK_STR(code_of("GVAC"), "CV");
}

int main(void)
{
    det_flights_defaults(&C);
    RUN(test_defaults);
    RUN(test_gap_fits);
    RUN(test_glide_radius);
    char err[512]    = "", dir[1024];
    const char *root = getenv("ATALAYA_ROOT");
    snprintf(dir, sizeof dir, "%s/data", root ? root : ".");
    if (!(R = ref_load(dir, err, sizeof err))) {
        fprintf(stderr, "ref_load: %s\n", err);
        return 1;
    }
    RUN(test_country_codes);
    ref_free(R);
    TEST_MAIN_END();
}

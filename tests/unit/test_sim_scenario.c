/* test_sim_scenario.c: the simulator's model: timelines (great-circle legs,
 * stays, waits, whole-lap loiters, aircraft climb and descent), the loader's
 * errors, and background traffic fixed by the seed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/geo.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "test.h"

#define H 3600000LL
#define T0 1768176000000LL

static void test_move_and_stay(void)
{
    struct sim_entity e;
    memset(&e, 0, sizeof e);
    e.kind = SIM_VESSEL;
    struct sim_route r;
    sim_route_start(&r, &e, T0, 10.0, -60.0, 0);
    sim_route_move(&r, 10.0, -59.0, 0, 10.0);
    double d_nm = geo_distance_m(10.0, -60.0, 10.0, -59.0) / GEO_M_PER_NM;
    CHECK_EQ_INT(e.nlegs, 1);
    CHECK_NEAR((double)(e.legs[0].t1 - T0) / H, d_nm / 10.0, 1e-6);
    sim_route_stay(&r, r.t + 2 * H, SIM_NAV_MOORED, 0, "PORT");
    sim_route_stay(&r, r.t + 3 * H, SIM_NAV_MOORED, 0, "PORT"); /* merges */
    CHECK_EQ_INT(e.nlegs, 2);
    CHECK_EQ_INT(e.legs[1].t1 - e.legs[1].t0, 5 * H);
    struct sim_state s;
    CHECK(!sim_entity_state(&e, T0 - 1, &s));
    CHECK(sim_entity_state(&e, T0, &s));
    CHECK_NEAR(s.lat, 10.0, 1e-9);
    CHECK_NEAR(s.lon, -60.0, 1e-9);
    CHECK_NEAR(s.sog_kn, 10.0, 1e-9);
    /* Halfway in time is halfway along the arc. */
    int64_t mid = T0 + (e.legs[0].t1 - T0) / 2;
    CHECK(sim_entity_state(&e, mid, &s));
    CHECK_NEAR(geo_distance_m(10.0, -60.0, s.lat, s.lon) / GEO_M_PER_NM, d_nm / 2, 0.01);
    CHECK_NEAR(s.cog_deg, geo_bearing_deg(s.lat, s.lon, 10.0, -59.0), 1e-9);
    CHECK(sim_entity_state(&e, e.legs[1].t0 + H, &s));
    CHECK_EQ_INT(s.nav_status, SIM_NAV_MOORED);
    CHECK_NEAR(s.sog_kn, 0.0, 0);
    CHECK_NEAR(s.lon, -59.0, 1e-9);
    CHECK(!sim_entity_state(&e, e.legs[1].t1, &s));
    free(e.legs);
}

static void test_loiter_whole_laps(void)
{
    struct sim_entity e;
    memset(&e, 0, sizeof e);
    struct sim_route r;
    sim_route_start(&r, &e, T0, 12.0, -65.0, 0);
    sim_route_circle(&r, 1852.0, 4.0, T0 + 3 * H);
    struct sim_state s;
    /* Starts and (just before) ends where the entity was, radius 1 NM. */
    CHECK(sim_entity_state(&e, T0, &s));
    CHECK_NEAR(geo_distance_m(s.lat, s.lon, 12.0, -65.0), 0.0, 0.5);
    CHECK(sim_entity_state(&e, T0 + 3 * H - 1, &s));
    CHECK_NEAR(geo_distance_m(s.lat, s.lon, 12.0, -65.0), 0.0, 5.0);
    for (int64_t t = T0; t < T0 + 3 * H; t += 600000) {
        sim_entity_state(&e, t, &s);
        CHECK_NEAR(geo_distance_m(s.lat, s.lon, e.legs[0].lat0, e.legs[0].lon0), 1852.0, 1.0);
    }
    /* Whole laps: the speed is nudged from 4 kn, not far. */
    CHECK_NEAR(e.legs[0].speed_kn, 4.0, 0.5);
    free(e.legs);
}

static void test_aircraft_profile(void)
{
    struct sim_entity e;
    memset(&e, 0, sizeof e);
    e.kind = SIM_AIRCRAFT;
    e.cruise_ft = 30000;
    e.climb_fpm = 2000;
    struct sim_route r;
    sim_route_start(&r, &e, T0, 10.6, -67.0, 0);
    sim_route_move(&r, 12.2, -69.0, 0, 300);  /* about 150 NM: 30 min */
    struct sim_state s;
    CHECK(sim_entity_state(&e, T0 + 60000, &s));
    CHECK(s.airborne);
    CHECK_NEAR(s.alt_ft, 2000, 1e-6);
    CHECK_NEAR(s.vrate_fpm, 2000, 0);
    int64_t mid = T0 + (e.legs[0].t1 - T0) / 2;
    CHECK(sim_entity_state(&e, mid, &s));
    CHECK(s.alt_ft <= 30000);
    CHECK(sim_entity_state(&e, e.legs[0].t1 - 60000, &s));
    CHECK_NEAR(s.alt_ft, 2000, 1e-6);
    CHECK_NEAR(s.vrate_fpm, -2000, 0);
    free(e.legs);
}

/* Ground phases: the flight keeps its times; before it a stand with the
 * transponder on and a taxi to the runway point, after it the reverse;
 * a stay too short for both shrinks them in proportion. */
static void test_aircraft_ground(void)
{
    struct sim_entity e;
    memset(&e, 0, sizeof e);
    e.kind = SIM_AIRCRAFT;
    e.icao = 0xF1E010;
    e.cruise_ft = 30000;
    e.climb_fpm = 2000;
    e.taxi_m = 2000;
    e.taxi_kn = 15;
    e.stand_ms = 600000;
    struct sim_route r;
    sim_route_start(&r, &e, T0, 10.6, -67.0, 0);
    sim_route_stay(&r, T0 + H, SIM_NAV_MOORED, 0, "A");
    sim_route_move(&r, 12.2, -69.0, 0, 300);
    int64_t takeoff = T0 + H, landing = r.t;
    sim_route_stay(&r, r.t + 20 * 60000, SIM_NAV_MOORED, 0, "B"); /* too short: shrinks */
    sim_route_move(&r, 10.6, -67.0, 0, 300);
    sim_route_stay(&r, r.t + 4 * H, SIM_NAV_MOORED, 0, "A");
    sim_aircraft_ground(&e);
    /* quiet, stand, taxi, flight, taxi, stand, stand, taxi, flight, taxi, stand, quiet */
    CHECK_EQ_INT(e.nlegs, 12);
    int64_t taxi_ms = llround(2000 / (15 * 1852.0 / 3600) * 1000);
    CHECK_EQ_INT(e.legs[1].ground, SIM_GROUND_STAND);
    CHECK_EQ_INT(e.legs[1].t0, takeoff - taxi_ms - 600000);
    CHECK_EQ_INT(e.legs[2].ground, SIM_GROUND_TAXI);
    CHECK_EQ_INT(e.legs[2].t1, takeoff);
    CHECK_EQ_INT(e.legs[3].t0, takeoff);
    CHECK_EQ_INT(e.legs[3].t1, landing);
    CHECK_EQ_INT(e.legs[3].ground, SIM_GROUND_NONE);
    CHECK_EQ_INT(e.legs[4].ground, SIM_GROUND_TAXI);
    CHECK_EQ_INT(e.legs[4].t0, landing);
    /* 20 min for 2 x (taxi + 10 min): each part shrinks by the same factor. */
    double f = 20 * 60000.0 / (2.0 * (double)(taxi_ms + 600000));
    CHECK_NEAR((double)(e.legs[4].t1 - e.legs[4].t0), taxi_ms * f, 2);
    CHECK_NEAR(e.legs[4].dist_m, 2000 * f, 1);
    CHECK_EQ_INT(e.legs[7].t1, landing + 20 * 60000);
    CHECK(!strcmp(e.legs[4].place, "B"));
    struct sim_state s;
    sim_entity_rewind(&e);
    CHECK(sim_entity_state(&e, T0 + 60000, &s));
    CHECK(!s.airborne && !s.surface); /* parked, silent */
    CHECK(sim_entity_state(&e, takeoff - taxi_ms - 300000, &s));
    CHECK(!s.airborne && s.surface && s.sog_kn == 0);
    CHECK(sim_entity_state(&e, takeoff - 1000, &s));
    CHECK(!s.airborne && s.surface);
    CHECK_NEAR(s.sog_kn, 15, 1e-3); /* the taxi time is whole ms */
    CHECK_NEAR(geo_distance_m(s.lat, s.lon, 10.6, -67.0), 15 * 1852.0 / 3600, 1);
    CHECK(sim_entity_state(&e, takeoff + 1000, &s));
    CHECK(s.airborne && !s.surface);
    free(e.legs);
}

static const char *write_tmp(const char *text, char *path, size_t n)
{
    snprintf(path, n, "/tmp/test_sim_scenario_%d.json", (int)getpid());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static int load_text(const char *text, uint64_t seed, struct sim_scenario *sc, char *err)
{
    char path[128];
    int rc = sim_scenario_load(write_tmp(text, path, sizeof path), seed, sc, err, 200);
    remove(path);
    return rc;
}

static void test_loader(void)
{
    struct sim_scenario sc;
    char err[200];
    CHECK_EQ_INT(load_text("{\"synthetic\":true}", 1, &sc, err), -1);
    CHECK(strstr(err, "start") != NULL);
    sim_scenario_free(&sc);
    CHECK_EQ_INT(load_text("{\"start\":1768176000,\"vessels\":[{\"id\":\"V\",\"route\":[{\"at\":\"X\"}]}]}",
                           1, &sc, err), -1);
    CHECK(strstr(err, "mmsi") != NULL);
    sim_scenario_free(&sc);
    CHECK_EQ_INT(load_text("{\"start\":1768176000,\"vessels\":[{\"id\":\"V\",\"mmsi\":352990301,"
                           "\"route\":[{\"at\":\"NOWHERE\"}]}]}", 1, &sc, err), -1);
    CHECK(strstr(err, "NOWHERE") != NULL);
    sim_scenario_free(&sc);
    CHECK_EQ_INT(load_text("{\"start\":1768176000,\"vessels\":[{\"id\":\"V\",\"mmsi\":352990301,"
                           "\"route\":[{\"lat\":1,\"lon\":2}]}],\"behaviours\":[{\"type\":\"ais_dark\","
                           "\"entity\":\"W\",\"start_h\":1,\"end_h\":2}]}", 1, &sc, err), -1);
    CHECK(strstr(err, "\"W\"") != NULL);
    sim_scenario_free(&sc);
    /* A divert needs the entity under way at its start. */
    CHECK_EQ_INT(load_text("{\"start\":1768176000,\"places\":{\"P\":[12,-68]},\"vessels\":[{\"id\":\"V\","
                           "\"mmsi\":352990301,\"route\":[{\"at\":\"P\",\"stay_h\":5}]}],\"behaviours\":"
                           "[{\"type\":\"divert\",\"entity\":\"V\",\"start_h\":1,\"to\":\"P\"}]}",
                           1, &sc, err), -1);
    CHECK(strstr(err, "under way") != NULL);
    sim_scenario_free(&sc);
    const char *ok = "{\"start\":1768176000,\"duration_h\":10,\"synthetic\":true,"
                     "\"places\":{\"P\":[12,-68],\"Q\":[12.5,-68.5],\"R\":[11,-66]},"
                     "\"vessels\":[{\"id\":\"V\",\"mmsi\":352990301,\"eta\":\"03-04 05:06\","
                     "\"length_m\":90,\"beam_m\":15,\"route\":[{\"at\":\"P\"},{\"lat\":12.5,\"lon\":-68.5,\"until_h\":5}]}],"
                     "\"background\":{\"vessels\":20,\"aircraft\":5,\"sea_areas\":[[11,-70,13,-66]],"
                     "\"ports\":[\"P\"],\"airports\":[\"P\",\"Q\",\"R\"]}}";
    CHECK_EQ_INT(load_text(ok, 9, &sc, err), 0);
    CHECK(sc.synthetic);
    CHECK_EQ_INT(sc.end - sc.start, 10 * H);
    CHECK_EQ_INT(sc.nent, 26);
    CHECK_EQ_INT(sc.ent[0].st.eta_month, 3);
    CHECK_EQ_INT(sc.ent[0].st.eta_minute, 6);
    CHECK_EQ_INT(sc.ent[0].st.to_bow + sc.ent[0].st.to_stern, 90);
    /* The wait at Q lasts until hour 5 whatever the arrival time. */
    const struct sim_leg *wait = &sc.ent[0].legs[1];
    CHECK_EQ_INT(wait->kind, SIM_LEG_STAY);
    CHECK_EQ_INT(wait->t1, sc.start + 5 * H);
    for (size_t i = 1; i < sc.nent; i++) {
        CHECK(sc.ent[i].background);
        CHECK(sc.ent[i].legs[sc.ent[i].nlegs - 1].t1 >= sc.end);
        if (sc.ent[i].kind == SIM_VESSEL)
            CHECK(!strncmp(sc.ent[i].st.name, "DEMO ", 5));
    }
    /* The seed fixes the background; another seed changes it. */
    struct sim_scenario a, b;
    CHECK_EQ_INT(load_text(ok, 9, &a, err), 0);
    CHECK_EQ_INT(load_text(ok, 10, &b, err), 0);
    CHECK_EQ_INT(a.ent[5].st.mmsi, sc.ent[5].st.mmsi);
    CHECK_NEAR(a.ent[5].legs[1].lat1, sc.ent[5].legs[1].lat1, 0);
    CHECK(a.ent[5].st.mmsi != b.ent[5].st.mmsi || a.ent[5].legs[1].lat1 != b.ent[5].legs[1].lat1);
    sim_scenario_free(&a);
    sim_scenario_free(&b);
    sim_scenario_free(&sc);
}

static void test_rng(void)
{
    struct sim_rng a, b;
    sim_rng_seed(&a, 42);
    sim_rng_seed(&b, 42);
    unsigned hist[10] = {0};
    for (int i = 0; i < 100000; i++) {
        uint64_t x = sim_rng_u64(&a);
        CHECK(x == sim_rng_u64(&b));
        double u = sim_rng_unit(&a);
        sim_rng_unit(&b);
        CHECK(u >= 0 && u < 1);
        hist[sim_rng_below(&a, 10)]++;
        sim_rng_below(&b, 10);
    }
    for (int i = 0; i < 10; i++)
        CHECK(hist[i] > 9500 && hist[i] < 10500);
}

int main(void)
{
    RUN(test_move_and_stay);
    RUN(test_loiter_whole_laps);
    RUN(test_aircraft_profile);
    RUN(test_aircraft_ground);
    RUN(test_loader);
    RUN(test_rng);
    TEST_MAIN_END();
}

/* test_track.c: the tracker's rules, table by table: source priority and
 * staleness, out-of-order messages, position plausibility, identity changes,
 * expiry, trails, address spaces, snapshots. Messages are built as the
 * decoders would fill them. */
#include <math.h>
#include <string.h>

#include "ais/ais.h"
#include "common/buf.h"
#include "modes/modes_msg.h"
#include "test.h"
#include "track/track.h"

static struct ais_msg pos(uint32_t mmsi, uint8_t station, double lat, double lon)
{
    struct ais_msg m;
    memset(&m, 0, sizeof m);
    m.type = station == AIS_STATION_CLASS_B ? 18 : 1;
    m.mmsi = mmsi;
    m.station = station;
    m.lat = lat;
    m.lon = lon;
    m.sog_dkn = 105;
    m.has = AIS_HAS_POS | AIS_HAS_SOG;
    return m;
}

static struct ais_msg static5(uint32_t mmsi, const char *name, uint32_t imo)
{
    struct ais_msg m;
    memset(&m, 0, sizeof m);
    m.type = 5;
    m.mmsi = mmsi;
    m.station = AIS_STATION_CLASS_A;
    snprintf(m.shipname, sizeof m.shipname, "%s", name);
    m.imo = imo;
    m.has = AIS_HAS_NAME | AIS_HAS_IMO;
    return m;
}

static void test_priority_and_staleness(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct ais_msg a = pos(211000001, AIS_STATION_CLASS_A, 54.0, 10.0);
    CHECK(trk_update_ais(t, &a, 1000000, &u));
    CHECK(u.flags & TRK_U_NEW);
    CHECK(u.flags & TRK_U_POS);
    /* Class B 10 s later, 300 m away: Class A is fresh, so it stays. */
    struct ais_msg b = pos(211000001, AIS_STATION_CLASS_B, 54.0027, 10.0);
    trk_update_ais(t, &b, 1010000, &u);
    CHECK(!(u.flags & TRK_U_POS));
    struct trk_vessel *v = trk_vessel_get(t, 211000001);
    CHECK(v && v->lat == 54.0);
    /* 11 minutes later the Class A value is stale (600 s): Class B replaces it. */
    trk_update_ais(t, &b, 1000000 + 660000, &u);
    CHECK(u.flags & TRK_U_POS);
    CHECK_NEAR(v->lat, 54.0027, 1e-9);
    CHECK_EQ_INT(v->v_pos.source, TRK_SRC_AIS_B);
    trk_free(t);
}

static void test_out_of_order_is_ignored(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct ais_msg a = pos(211000002, AIS_STATION_CLASS_A, 54.0, 10.0);
    trk_update_ais(t, &a, 2000000, &u);
    struct ais_msg older = pos(211000002, AIS_STATION_CLASS_A, 54.001, 10.0);
    trk_update_ais(t, &older, 1990000, &u);
    CHECK(!(u.flags & TRK_U_POS));
    CHECK_EQ_INT(trk_stats(t)->positions_out_of_order, 1);
    CHECK_EQ_INT(trk_vessel_get(t, 211000002)->lat * 1000, 54000);
    trk_free(t);
}

static void test_implausible_jump_rejected(void)
{
    static const struct {
        double dlat;   /* degrees north of the first fix */
        int64_t dt_ms; /* after the first fix */
        int accepted;
    } cases[] = {
        {0.01, 60000, 1},   /* 0.6 nm in a minute: 36 kn */
        {0.10, 60000, 0},   /* 6 nm in a minute: 360 kn, no ship */
        {0.005, 0, 1},      /* same time, 550 m: inside the receiver-noise slack */
        {1.00, 3600000, 1}, /* 60 nm in an hour: 60 kn, fast but possible */
        {5.0, 7200000, 1},  /* after a 2 h gap (> 30 min reset), anything goes */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct trk *t = trk_new(NULL);
        struct trk_update u;
        struct ais_msg a = pos(211000003, AIS_STATION_CLASS_A, 54.0, 10.0);
        trk_update_ais(t, &a, 1000000, &u);
        struct ais_msg b = pos(211000003, AIS_STATION_CLASS_A, 54.0 + cases[i].dlat, 10.0);
        trk_update_ais(t, &b, 1000000 + cases[i].dt_ms, &u);
        if (cases[i].accepted) {
            CHECK(u.flags & TRK_U_POS);
        } else {
            CHECK(u.flags & TRK_U_POS_REJECTED);
            CHECK(u.rejected_speed_kt > 300);
            CHECK_EQ_INT(trk_vessel_get(t, 211000003)->rejected_positions, 1);
        }
        trk_free(t);
    }
}

static void test_identity_change_reported(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct ais_msg s = static5(211000004, "OCEAN STAR", 9123456);
    trk_update_ais(t, &s, 1000, &u);
    CHECK(!(u.flags & TRK_U_IDENTITY));
    trk_update_ais(t, &s, 2000, &u); /* same again: no change */
    CHECK(!(u.flags & TRK_U_IDENTITY));
    struct ais_msg r = static5(211000004, "SEA GLORY", 9123456);
    trk_update_ais(t, &r, 3000, &u);
    CHECK(u.flags & TRK_U_IDENTITY);
    CHECK_EQ_INT(u.id_field, TRK_ID_NAME);
    CHECK_STR(u.id_old, "OCEAN STAR");
    CHECK_STR(trk_vessel_get(t, 211000004)->name, "SEA GLORY");
    struct ais_msg i2 = static5(211000004, "SEA GLORY", 9765432);
    trk_update_ais(t, &i2, 4000, &u);
    CHECK_EQ_INT(u.id_field, TRK_ID_IMO);
    CHECK_STR(u.id_old, "9123456");
    CHECK_EQ_INT(trk_stats(t)->identity_changes, 2);
    trk_free(t);
}

static void test_expiry_by_event_time(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct ais_msg a = pos(211000005, AIS_STATION_CLASS_A, 54.0, 10.0);
    struct ais_msg b = pos(211000006, AIS_STATION_CLASS_A, 55.0, 10.0);
    trk_update_ais(t, &a, 0, &u);
    trk_update_ais(t, &b, 3000000, &u);
    trk_expire(t, 3700000); /* a unheard for 3700 s > 3600 s */
    CHECK(trk_vessel_get(t, 211000005) == NULL);
    CHECK(trk_vessel_get(t, 211000006) != NULL);
    CHECK_EQ_INT(trk_vessel_count(t), 1);
    trk_update_ais(t, &a, 3800000, &u);
    CHECK(u.flags & TRK_U_NEW); /* back after expiry: a new sighting */
    CHECK_EQ_INT(trk_vessel_count(t), 2);
    trk_free(t);
}

static void test_trail_is_bounded(void)
{
    struct trk_config cfg = {.trail_points = 4};
    struct trk *t = trk_new(&cfg);
    struct trk_update u;
    for (int i = 0; i < 10; i++) {
        struct ais_msg a = pos(211000007, AIS_STATION_CLASS_A, 54.0 + i * 0.001, 10.0);
        trk_update_ais(t, &a, 1000 + i * 10000, &u);
    }
    struct trk_vessel *v = trk_vessel_get(t, 211000007);
    CHECK_EQ_INT(v->trail.len, 4);
    CHECK_EQ_INT(trk_trail_point(&v->trail, 0)->lat_e7, 540060000); /* oldest kept: i = 6 */
    CHECK_EQ_INT(trk_trail_point(&v->trail, 3)->lat_e7, 540090000);
    CHECK(trk_trail_point(&v->trail, 4) == NULL);
    trk_free(t);
}

static struct modes_msg adsb(uint32_t addr, uint8_t df, uint8_t kind);

/* Trails start small and double while full, points staying in order, up
 * to the configured length; then the ring drops the oldest. */
static void test_trail_grows_on_demand(void)
{
    struct trk *t = trk_new(NULL); /* 256 points at most */
    struct trk_update u;
    for (int i = 0; i < 300; i++) {
        struct ais_msg a = pos(211000008, AIS_STATION_CLASS_A, 54.0 + i * 0.0001, 10.0);
        trk_update_ais(t, &a, 1000 + i * 10000, &u);
        struct trk_vessel *v = trk_vessel_get(t, 211000008);
        if (i == 0)
            CHECK_EQ_INT(v->trail.cap, 8);
        if (i == 8) {
            CHECK_EQ_INT(v->trail.cap, 16);
            for (unsigned k = 0; k < 9; k++)
                CHECK_EQ_INT(trk_trail_point(&v->trail, k)->lat_e7, 540000000 + 1000 * (int)k);
        }
        if (i == 100)
            CHECK_EQ_INT(v->trail.cap, 128);
    }
    struct trk_vessel *v = trk_vessel_get(t, 211000008);
    CHECK_EQ_INT(v->trail.cap, 256);
    CHECK_EQ_INT(v->trail.len, 256);
    CHECK_EQ_INT(trk_trail_point(&v->trail, 0)->lat_e7, 540044000); /* oldest kept: i = 44 */
    CHECK_EQ_INT(trk_trail_point(&v->trail, 255)->lat_e7, 540299000);
    trk_free(t);
}

/* Past max_entities the least recently heard go, vessels and aircraft
 * alike, a 32nd of the cap (and the one over) at a time, counted. */
static void test_cap_evicts_least_recently_heard(void)
{
    struct trk_config cfg = {.max_entities = 64};
    struct trk *t = trk_new(&cfg);
    struct trk_update u;
    for (int i = 0; i < 64; i++) {
        struct ais_msg a = pos(211100000 + (uint32_t)i, AIS_STATION_CLASS_A, 54.0, 10.0 + i * 0.01);
        trk_update_ais(t, &a, 1000 + i * 1000, &u);
    }
    struct ais_msg again = pos(211100000, AIS_STATION_CLASS_A, 54.0, 10.0);
    trk_update_ais(t, &again, 100000, &u); /* the oldest heard again: now the newest */
    CHECK_EQ_INT(trk_vessel_count(t), 64);
    CHECK_EQ_INT(trk_stats(t)->evicted_vessels, 0);
    struct ais_msg one_more = pos(211200000, AIS_STATION_CLASS_A, 55.0, 10.0);
    trk_update_ais(t, &one_more, 101000, &u);
    CHECK(u.flags & TRK_U_NEW);
    /* 64 - 64 + 1 + 64 / 32 = 3 evicted: the three heard longest ago. */
    CHECK_EQ_INT(trk_stats(t)->evicted_vessels, 3);
    CHECK_EQ_INT(trk_vessel_count(t), 62);
    CHECK(trk_vessel_get(t, 211100000) != NULL);
    for (uint32_t i = 1; i <= 3; i++)
        CHECK(trk_vessel_get(t, 211100000 + i) == NULL);
    CHECK(trk_vessel_get(t, 211100004) != NULL);
    CHECK(trk_vessel_get(t, 211200000) != NULL);
    /* Aircraft count against the same cap. */
    for (uint32_t i = 0; i < 10; i++) {
        struct modes_msg m = adsb(0x400000 + i, 17, MODES_ADDR_ICAO);
        trk_update_modes(t, &m, 200000 + i, &u);
    }
    CHECK(trk_vessel_count(t) + trk_aircraft_count(t) <= 64);
    CHECK_EQ_INT(trk_aircraft_count(t), 10);
    CHECK_EQ_INT(trk_stats(t)->evicted_aircraft, 0);
    CHECK(trk_stats(t)->evicted_vessels > 3);
    trk_free(t);
}

static struct modes_msg adsb(uint32_t addr, uint8_t df, uint8_t kind)
{
    struct modes_msg m;
    memset(&m, 0, sizeof m);
    m.df = df;
    m.addr = addr;
    m.addr_kind = kind;
    m.source = MODES_SRC_BEAST; /* (MODES_SRC_SBS is 0: a zeroed message would read as SBS) */
    m.signal = NAN;
    m.have = MODES_BIT(MODES_F_ADDR);
    return m;
}

static void test_aircraft_sources(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct modes_msg a = adsb(0x4840D6, 17, MODES_ADDR_ICAO);
    a.have |= MODES_BIT(MODES_F_ALT_BARO) | MODES_BIT(MODES_F_CALLSIGN);
    a.alt_baro_ft = 36000;
    strcpy(a.callsign, "KLM1023");
    CHECK(trk_update_modes(t, &a, 1000, &u));
    /* TIS-B about the same aircraft 2 s later does not override ADS-B. */
    struct modes_msg b = adsb(0x4840D6, 18, MODES_ADDR_TISB_ICAO);
    b.have |= MODES_BIT(MODES_F_ALT_BARO);
    b.alt_baro_ft = 35000;
    trk_update_modes(t, &b, 3000, &u);
    struct trk_aircraft *ac = trk_aircraft_get(t, 0x4840D6);
    CHECK_EQ_INT(ac->alt_baro_ft, 36000);
    /* Mode S altitude replies may refresh it once ADS-B is stale (> 60 s). */
    struct modes_msg c = adsb(0x4840D6, 4, MODES_ADDR_ICAO);
    c.have |= MODES_BIT(MODES_F_ALT_BARO);
    c.alt_baro_ft = 30000;
    trk_update_modes(t, &c, 70000, &u);
    CHECK_EQ_INT(ac->alt_baro_ft, 30000);
    /* A non-ICAO TIS-B track number with the same 24 bits is another target. */
    struct modes_msg d = adsb(0x4840D6, 18, MODES_ADDR_TISB_OTHER);
    trk_update_modes(t, &d, 71000, &u);
    CHECK(u.flags & TRK_U_NEW);
    CHECK_EQ_INT(trk_aircraft_count(t), 2);
    /* Callsign change is an identity change. */
    struct modes_msg e = adsb(0x4840D6, 17, MODES_ADDR_ICAO);
    e.have |= MODES_BIT(MODES_F_CALLSIGN);
    strcpy(e.callsign, "KLM99");
    trk_update_modes(t, &e, 72000, &u);
    CHECK(u.flags & TRK_U_IDENTITY);
    CHECK_STR(u.id_old, "KLM1023");
    struct modes_msg none = adsb(0, 11, 0);
    none.have = 0;
    CHECK(!trk_update_modes(t, &none, 73000, &u));
    trk_free(t);
}

static void test_aircraft_speed_limit(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct modes_msg a = adsb(0xABCDEF, 17, MODES_ADDR_ICAO);
    a.have |= MODES_BIT(MODES_F_POS);
    a.lat = 40.0;
    a.lon = -3.0;
    trk_update_modes(t, &a, 1000, &u);
    a.lon = -2.0; /* 46 nm in 10 s: 16,000 kt */
    trk_update_modes(t, &a, 11000, &u);
    CHECK(u.flags & TRK_U_POS_REJECTED);
    CHECK_NEAR(u.rejected_lat, 40.0, 1e-9); /* the dropped position travels with the update */
    CHECK_NEAR(u.rejected_lon, -2.0, 1e-9);
    a.lon = -2.95; /* 2.3 nm in 20 s: 414 kt */
    trk_update_modes(t, &a, 21000, &u);
    CHECK(u.flags & TRK_U_POS);
    trk_free(t);
}

/* NACp (TC 29/31) is kept per aircraft and flagged in the update; TIS-B
 * quality (the ground system's) does not displace the aircraft's own. */
static void test_aircraft_nac_p(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct modes_msg a = adsb(0x4CA1B2, 17, MODES_ADDR_ICAO);
    a.have |= MODES_BIT(MODES_F_NAC_P);
    a.nac_p = 9;
    trk_update_modes(t, &a, 1000, &u);
    CHECK(u.flags & TRK_U_NAC_P);
    struct trk_aircraft *ac = trk_aircraft_get(t, 0x4CA1B2);
    CHECK_EQ_INT(ac->nac_p, 9);
    CHECK_EQ_INT(ac->v_nac_p.source, TRK_SRC_ADSB);
    struct modes_msg b = adsb(0x4CA1B2, 18, MODES_ADDR_TISB_ICAO);
    b.have |= MODES_BIT(MODES_F_NAC_P);
    b.nac_p = 5;
    trk_update_modes(t, &b, 2000, &u);
    CHECK(!(u.flags & TRK_U_NAC_P));
    CHECK_EQ_INT(ac->nac_p, 9);
    a.nac_p = 2;
    trk_update_modes(t, &a, 3000, &u);
    CHECK(u.flags & TRK_U_NAC_P);
    CHECK_EQ_INT(ac->nac_p, 2);
    struct modes_msg c = adsb(0x4CA1B2, 17, MODES_ADDR_ICAO); /* no NACp: no flag */
    trk_update_modes(t, &c, 4000, &u);
    CHECK(!(u.flags & TRK_U_NAC_P));
    trk_free(t);
}

static void test_snapshots_are_json(void)
{
    struct trk *t = trk_new(NULL);
    struct trk_update u;
    struct ais_msg a = pos(211000008, AIS_STATION_CLASS_A, 54.0, 10.0);
    trk_update_ais(t, &a, 5000, &u);
    struct ais_msg s = static5(211000008, "NAME \"Q\"", 9123456);
    trk_update_ais(t, &s, 6000, &u);
    struct modes_msg m = adsb(0x3C6444, 17, MODES_ADDR_ICAO);
    m.have |= MODES_BIT(MODES_F_SQUAWK);
    m.squawk = 7700;
    trk_update_modes(t, &m, 6000, &u);
    CHECK(u.flags & TRK_U_SQUAWK);
    struct buf b;
    buf_init(&b, 64);
    trk_write_vessels_json(t, 10000, &b);
    buf_putc(&b, 0);
    CHECK(strstr(b.p, "\"mmsi\":211000008") != NULL);
    CHECK(strstr(b.p, "\"name\":\"NAME \\\"Q\\\"\"") != NULL);
    CHECK(strstr(b.p, "\"seen\":4.0") != NULL);
    b.len = 0;
    trk_write_aircraft_json(t, 10000, &b);
    buf_putc(&b, 0);
    CHECK(strstr(b.p, "\"hex\":\"3c6444\"") != NULL);
    CHECK(strstr(b.p, "\"squawk\":\"7700\"") != NULL);
    buf_free(&b);
    trk_free(t);
}

int main(void)
{
    RUN(test_priority_and_staleness);
    RUN(test_out_of_order_is_ignored);
    RUN(test_implausible_jump_rejected);
    RUN(test_identity_change_reported);
    RUN(test_expiry_by_event_time);
    RUN(test_trail_is_bounded);
    RUN(test_trail_grows_on_demand);
    RUN(test_cap_evicts_least_recently_heard);
    RUN(test_aircraft_sources);
    RUN(test_aircraft_speed_limit);
    RUN(test_aircraft_nac_p);
    RUN(test_snapshots_are_json);
    TEST_MAIN_END();
}

/* test_sim_encode.c: the simulator's encoders against the real decoders:
 * encode -> NMEA / frame -> src/ais and src/modes decoders -> the same
 * values, at field extremes. Positions must come back within the field's
 * resolution (AIS 1/10000 min; CPR about 5 m airborne). */
#include <stdint.h>
#include <string.h>

#include "ais/ais.h"
#include "ais/nmea.h"
#include "common/buf.h"
#include "modes/cpr.h"
#include "modes/es.h"
#include "modes/modes.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"
#include "sim/encode.h"
#include "test.h"

/* Feeds every line of text to a fresh context and decodes the one message
 * it must yield; returns the number of complete messages. */
static int ais_roundtrip(const char *text, struct ais_msg *m, struct ais_meta *meta)
{
    struct ais_ctx *ctx = ais_ctx_new();
    int got = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        struct ais_payload pl;
        int rc = ais_feed_line(ctx, p, n, false, &pl);
        if (rc == AIS_OK) {
            CHECK_EQ_INT(ais_decode(pl.bits, pl.nbits, m), AIS_OK);
            *meta = pl.meta;
            meta->raw = NULL;
            got++;
        } else {
            CHECK_EQ_INT(rc, AIS_EPARTIAL);
        }
        p += n + (nl ? 1 : 0);
    }
    const struct ais_stats *st = ais_ctx_stats(ctx);
    CHECK_EQ_INT(st->bad_checksum + st->bad_armor + st->bad_sentence + st->bad_tagblock, 0);
    ais_ctx_free(ctx);
    return got;
}

static void check_pos(const struct sim_ais_pos *p)
{
    uint8_t bits[SIM_AIS_BYTES_MAX];
    unsigned n = p->type == 18 ? sim_ais_encode_18(p, bits) : sim_ais_encode_pos(p, bits);
    CHECK_EQ_INT(n, 168);
    struct buf b;
    buf_init(&b, 256);
    sim_nmea_write(&b, bits, n, 'B', 0, "DEMO-RX", 1700000000);
    buf_putc(&b, '\0');
    struct ais_msg m;
    struct ais_meta meta;
    memset(&m, 0, sizeof m);
    CHECK_EQ_INT(ais_roundtrip(b.p, &m, &meta), 1);
    CHECK_EQ_INT(m.type, p->type);
    CHECK_EQ_INT(m.mmsi, p->mmsi);
    CHECK_EQ_INT(meta.time_ms, 1700000000000LL);
    CHECK_STR(meta.source, "DEMO-RX");
    CHECK_EQ_INT(meta.channel, 'B');
    CHECK(m.has & AIS_HAS_POS);
    CHECK_NEAR(m.lat, p->lat, 0.5 / 600000.0 + 1e-12);
    CHECK_NEAR(m.lon, p->lon, 0.5 / 600000.0 + 1e-12);
    CHECK_EQ_INT(m.accuracy, p->accuracy);
    CHECK_EQ_INT(m.sog_dkn, p->sog_dkn);
    CHECK_EQ_INT(m.cog_ddeg, p->cog_ddeg);
    CHECK_EQ_INT(m.heading_deg, p->heading);
    CHECK_EQ_INT(m.utc_second, p->second);
    if (p->type != 18) {
        CHECK_EQ_INT(m.nav_status, p->nav_status);
        CHECK_EQ_INT(m.turn, p->turn);
    }
    buf_free(&b);
}

static void test_ais_position(void)
{
    struct sim_ais_pos p = {.type = 1, .mmsi = 999000001, .nav_status = 0, .turn = -127,
                            .sog_dkn = 1022, .accuracy = true, .lat = -90.0, .lon = -180.0,
                            .cog_ddeg = 3599, .heading = 359, .second = 59};
    check_pos(&p);
    p = (struct sim_ais_pos){.type = 3, .mmsi = 1, .nav_status = 14, .turn = 127, .sog_dkn = 0,
                             .lat = 90.0, .lon = 180.0, .cog_ddeg = 0, .heading = 0, .second = 0};
    check_pos(&p);
    p = (struct sim_ais_pos){.type = 2, .mmsi = 0x3FFFFFFF, .nav_status = 5, .turn = 0,
                             .sog_dkn = 123, .lat = 10.4123456, .lon = -64.1987654,
                             .cog_ddeg = 1800, .heading = 181, .second = 30};
    check_pos(&p);
    p = (struct sim_ais_pos){.type = 18, .mmsi = 999000002, .sog_dkn = 55, .lat = 12.0001,
                             .lon = -70.0001, .cog_ddeg = 2700, .heading = 270, .second = 12};
    check_pos(&p);
}

static void test_ais_static(void)
{
    struct sim_ais_static s = {.mmsi = 999123456, .imo = 9999991, .callsign = "DM0A1",
                               .name = "DEMO NORTH STAR 12345", /* 21: cut to 20 */
                               .shiptype = 80, .to_bow = 511, .to_stern = 60, .to_port = 63,
                               .to_starboard = 0, .eta_month = 12, .eta_day = 31,
                               .eta_hour = 23, .eta_minute = 59, .draught_dm = 255,
                               .destination = "VEJOS"};
    uint8_t bits[SIM_AIS_BYTES_MAX];
    CHECK_EQ_INT(sim_ais_encode_5(&s, bits), 424);
    struct buf b;
    buf_init(&b, 256);
    sim_nmea_write(&b, bits, 424, 'A', 7, "DEMO-RX", 1700000001);
    buf_putc(&b, '\0');
    /* 424 bits are 71 characters: two sentences, 2 fill bits on the last. */
    CHECK(strstr(b.p, "!AIVDM,2,1,7,A,") != NULL);
    CHECK(strstr(b.p, "!AIVDM,2,2,7,A,") != NULL);
    CHECK(strstr(b.p, ",2*") != NULL);
    struct ais_msg m;
    struct ais_meta meta;
    memset(&m, 0, sizeof m);
    CHECK_EQ_INT(ais_roundtrip(b.p, &m, &meta), 1);
    CHECK_EQ_INT(m.type, 5);
    CHECK_EQ_INT(m.mmsi, s.mmsi);
    CHECK_EQ_INT(m.imo, s.imo);
    CHECK_STR(m.callsign, "DM0A1");
    CHECK_STR(m.shipname, "DEMO NORTH STAR 1234");
    CHECK_STR(m.destination, "VEJOS");
    CHECK_EQ_INT(m.shiptype, 80);
    CHECK_EQ_INT(m.to_bow, 511);
    CHECK_EQ_INT(m.to_stern, 60);
    CHECK_EQ_INT(m.to_port, 63);
    CHECK_EQ_INT(m.to_starboard, 0);
    CHECK_EQ_INT(m.eta_month, 12);
    CHECK_EQ_INT(m.eta_day, 31);
    CHECK_EQ_INT(m.eta_hour, 23);
    CHECK_EQ_INT(m.eta_minute, 59);
    CHECK_EQ_INT(m.draught_dm, 255);

    for (int part = 0; part < 2; part++) {
        b.len = 0;
        unsigned n = sim_ais_encode_24(&s, part, bits);
        CHECK_EQ_INT(n, part ? 168 : 160);
        sim_nmea_write(&b, bits, n, 'B', 0, "DEMO-RX", 1700000002);
        buf_putc(&b, '\0');
        memset(&m, 0, sizeof m);
        CHECK_EQ_INT(ais_roundtrip(b.p, &m, &meta), 1);
        CHECK_EQ_INT(m.type, 24);
        CHECK_EQ_INT(m.part, part);
        if (part) {
            CHECK_STR(m.callsign, "DM0A1");
            CHECK_EQ_INT(m.shiptype, 80);
            CHECK_EQ_INT(m.to_bow, 511);
            CHECK_EQ_INT(m.to_port, 63);
        } else {
            CHECK_STR(m.shipname, "DEMO NORTH STAR 1234");
        }
    }
    buf_free(&b);
}

/* Validates and decodes one frame through a shared decoder. */
static int modes_roundtrip(struct modes_validator *v, struct modes_decoder *d, const uint8_t *msg,
                           int len, int64_t t_ms, struct modes_msg *out)
{
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    memcpy(f.msg, msg, (size_t)len);
    memcpy(f.verbatim, msg, (size_t)len);
    f.len = (uint8_t)len;
    f.source = MODES_SRC_BEAST;
    f.time_ms = t_ms;
    f.ts12 = (uint64_t)t_ms * 12000;
    f.signal = -10.0;
    if (!modes_frame_validate(v, &f))
        return -100;
    CHECK_EQ_INT(f.corrected_bits, 0);
    return modes_decode(d, &f, out);
}

static void test_modes_ident_and_replies(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    const uint32_t addrs[] = {0x000001, 0xFFFFFE, 0x0D0CAF};
    for (unsigned i = 0; i < 3; i++) {
        uint32_t a = addrs[i];
        sim_modes_ident(msg, a, 0xA5, "DMO123");
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 1000, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.df, 17);
        CHECK_EQ_INT(m.addr, a);
        CHECK_EQ_INT(m.tc, 4);
        CHECK_EQ_INT(m.category, 0xA5);
        CHECK_STR(m.callsign, "DMO123");
        sim_modes_ident(msg, a, 0xB2, "Z9Z9Z9Z9");
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 1100, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 3);
        CHECK_STR(m.callsign, "Z9Z9Z9Z9");

        sim_modes_df11(msg, a);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 7, 1200, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.df, 11);
        CHECK_EQ_INT(m.addr, a);

        const int32_t alts[] = {-1000, 0, 37025, 50175};
        for (unsigned k = 0; k < 4; k++) {
            sim_modes_df4(msg, a, 0, alts[k]);
            CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 7, 1300, &m), MODES_DECODE_OK);
            CHECK_EQ_INT(m.df, 4);
            CHECK_EQ_INT(m.addr, a);
            CHECK(m.addr_from_ap);
            CHECK_EQ_INT(m.alt_baro_ft, alts[k]);
        }
        const unsigned squawks[] = {0, 7500, 7600, 7700, 1234, 7777};
        for (unsigned k = 0; k < 6; k++) {
            sim_modes_df5(msg, a, 1, squawks[k]);
            CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 7, 1400, &m), MODES_DECODE_OK);
            CHECK_EQ_INT(m.df, 5);
            CHECK_EQ_INT(m.addr, a);
            CHECK_EQ_INT(m.fs, 1);
            if (squawks[k])
                CHECK_EQ_INT(m.squawk, squawks[k]);
            sim_modes_status(msg, a, 5, squawks[k]);
            CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 1500, &m), MODES_DECODE_OK);
            CHECK_EQ_INT(m.tc, 28);
            CHECK_EQ_INT(m.emergency, MODES_EMERG_UNLAWFUL);
            CHECK_EQ_INT(MODES_HAS(&m, MODES_F_SQUAWK), squawks[k] != 0);
            if (squawks[k])
                CHECK_EQ_INT(m.squawk, squawks[k]);
        }
    }
    /* The parity is real: one flipped bit is found and repaired by the CRC. */
    sim_modes_ident(msg, 0x0D0CAF, 0xA5, "DMO123");
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    memcpy(f.msg, msg, 14);
    f.msg[6] ^= 0x10;
    f.len = 14;
    f.time_ms = 2000;
    CHECK(modes_frame_validate(&v, &f));
    CHECK_EQ_INT(f.corrected_bits, 1);
    CHECK(memcmp(f.msg, msg, 14) == 0);
    modes_decoder_free(d);
    modes_validator_free(&v);
}

static void test_modes_position(void)
{
    /* Extremes of latitude (the NL table's ends), the date line, the
     * equator and zone boundaries; each a fresh aircraft so the pair is global. */
    const double pts[][2] = {{0.0, 0.0},      {10.6, -66.99},   {35.4, 51.15},  {-25.45, -54.84},
                             {86.99, 179.99}, {-86.99, -179.99}, {87.5, 10.0},  {59.95, -0.0001},
                             {-0.0001, 179.9999}, {52.0, 4.0}};
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    for (unsigned i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        uint32_t a = 0x0DE000 + i;
        int64_t t = 10000 + 1000 * (int64_t)i;
        sim_modes_airborne_pos(msg, a, 37000, pts[i][0], pts[i][1], false, false);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, t, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 11);
        CHECK_EQ_INT(m.alt_baro_ft, 37000);
        CHECK(!m.cpr_odd);
        sim_modes_airborne_pos(msg, a, 37000, pts[i][0], pts[i][1], true, true);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, t + 500, &m), MODES_DECODE_OK);
        CHECK(m.cpr_odd);
        CHECK(m.alert);
        CHECK(MODES_HAS(&m, MODES_F_POS));
        /* Half a step of the odd format: 360 / 59 / 2^17 / 2 degrees of
         * latitude; in longitude 360 / (NL - 1) / 2^17 / 2 (360 when NL is 1). */
        CHECK_NEAR(m.lat, pts[i][0], 360.0 / 59 / CPR_MAX / 2 + 1e-9);
        double dlon = fabs(m.lon - pts[i][1]);
        if (dlon > 180)
            dlon = 360 - dlon;
        int nl = cpr_nl(m.lat) - 1;
        CHECK_NEAR(dlon, 0.0, 360.0 / (nl > 0 ? nl : 1) / CPR_MAX / 2 + 1e-9);
    }
    modes_decoder_free(d);
    modes_validator_free(&v);
}

static void test_modes_velocity(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    sim_modes_ident(msg, 0x0DE100, 0xA3, "DMO1");
    CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 100, &m), MODES_DECODE_OK);
    const double vel[][3] = {{300, 400, -6400}, {-1021, 0, 0}, {0, -1021, 32576}, {-3, 4, 64}};
    for (unsigned i = 0; i < 4; i++) {
        sim_modes_velocity(msg, 0x0DE100, vel[i][0], vel[i][1], (int32_t)vel[i][2]);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 200 + (int64_t)i, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 19);
        CHECK_EQ_INT(m.st, 1);
        CHECK_NEAR(m.gs_kt, hypot(vel[i][0], vel[i][1]), 1e-9);
        double trk = atan2(vel[i][0], vel[i][1]) * 180 / M_PI;
        CHECK_NEAR(m.track_deg, trk < 0 ? trk + 360 : trk, 1e-9);
        CHECK(MODES_HAS(&m, MODES_F_BARO_RATE));
        CHECK_EQ_INT(m.baro_rate_fpm, (int32_t)vel[i][2]);
    }
    modes_decoder_free(d);
    modes_validator_free(&v);
}

static void test_modes_commb(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    sim_modes_df11(msg, 0x0DE300);
    CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 7, 100, &m), MODES_DECODE_OK);
    const char *cs[] = {"DQX711", "AB12CD34", "Z"};
    for (unsigned i = 0; i < 3; i++) {
        sim_modes_df20_ident(msg, 0x0DE300, 0, 35025, cs[i]);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 200 + (int64_t)i, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.df, 20);
        CHECK_EQ_INT(m.addr, 0x0DE300);
        CHECK_EQ_INT(m.alt_baro_ft, 35025);
        CHECK_EQ_INT(m.bds, MODES_BDS(2, 0));
        CHECK_STR(m.callsign, cs[i]);
        sim_modes_df21_ident(msg, 0x0DE300, 2, 7500, cs[i]);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 300 + (int64_t)i, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.df, 21);
        CHECK_EQ_INT(m.squawk, 7500);
        CHECK_EQ_INT(m.fs, 2);
        CHECK_EQ_INT(m.bds, MODES_BDS(2, 0));
        CHECK_STR(m.callsign, cs[i]);
    }
    modes_decoder_free(d);
    modes_validator_free(&v);
}

static void test_modes_opstatus(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    const unsigned q[][5] = {{9, 2, 3, 1, 2}, {0, 0, 0, 0, 0}, {15, 3, 3, 1, 3}};
    for (unsigned i = 0; i < 3; i++) {
        sim_modes_opstatus(msg, 0x0DE200, 2, q[i][0], q[i][1], q[i][2], q[i][3], q[i][4]);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 100 + (int64_t)i, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 31);
        CHECK_EQ_INT(m.st, 0);
        CHECK_EQ_INT(m.version, 2);
        CHECK_EQ_INT(m.nac_p, q[i][0]);
        CHECK_EQ_INT(m.gva, q[i][1]);
        CHECK_EQ_INT(m.sil, q[i][2]);
        CHECK_EQ_INT(m.nic_baro, q[i][3]);
        CHECK_EQ_INT(m.sda, q[i][4]);
        CHECK(!m.sil_per_sample);
    }
    /* Surface (subtype 1): on the ground, NACv and SDA in version 2. */
    sim_modes_opstatus_surface(msg, 0x0DE202, 2, 10, 2, 3, 2, 13);
    CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 150, &m), MODES_DECODE_OK);
    CHECK_EQ_INT(m.tc, 31);
    CHECK_EQ_INT(m.st, 1);
    CHECK_EQ_INT(m.version, 2);
    CHECK(m.on_ground);
    CHECK_EQ_INT(m.nac_p, 10);
    CHECK_EQ_INT(m.nac_v, 2);
    CHECK_EQ_INT(m.sil, 3);
    CHECK_EQ_INT(m.sda, 2);
    CHECK_EQ_INT(m.ca, 4);
    /* Version 1: the same fields but no GVA or SDA. */
    sim_modes_opstatus(msg, 0x0DE201, 1, 8, 2, 2, 1, 2);
    CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 200, &m), MODES_DECODE_OK);
    CHECK_EQ_INT(m.version, 1);
    CHECK_EQ_INT(m.nac_p, 8);
    CHECK_EQ_INT(m.sil, 2);
    CHECK(!MODES_HAS(&m, MODES_F_GVA));
    CHECK(!MODES_HAS(&m, MODES_F_SDA));
    modes_decoder_free(d);
    modes_validator_free(&v);
}

/* Surface position (TC 7): every movement and track code comes back, and
 * positions do within half a surface CPR step, decoded from a receiver
 * reference (the decoder cannot place a surface position without one). */
static void test_modes_surface(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    uint8_t msg[14];
    struct modes_msg m;
    struct modes_decoder *d = modes_decoder_new(NULL);
    for (unsigned code = 1; code <= 124; code++) {
        struct modes_frame f;
        memset(&f, 0, sizeof f);
        double gs = modes_es_movement(code);
        CHECK_EQ_INT(sim_modes_movement(gs), code);
        /* Anywhere inside the band gives the band's code. */
        if (code > 1 && code < 124)
            CHECK_EQ_INT(sim_modes_movement((gs + modes_es_movement(code + 1)) / 2), code);
        sim_modes_surface_pos(msg, 0x0DE400, gs, (code % 128) * 360.0 / 128.0, 10.6, -66.99, false);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 1000 + code, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 7);
        CHECK(m.on_ground);
        CHECK(m.cpr_surface);
        CHECK(MODES_HAS(&m, MODES_F_GS));
        CHECK_NEAR(m.gs_kt, gs, 1e-12);
        CHECK(MODES_HAS(&m, MODES_F_TRACK));
        CHECK_NEAR(m.track_deg, (code % 128) * 360.0 / 128.0, 1e-9);
    }
    CHECK_EQ_INT(sim_modes_movement(-1), 0);
    CHECK_EQ_INT(sim_modes_movement(400), 124);
    sim_modes_surface_pos(msg, 0x0DE400, 0, -1, 10.6, -66.99, true);
    CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 2000, &m), MODES_DECODE_OK);
    CHECK(!MODES_HAS(&m, MODES_F_TRACK));
    CHECK_NEAR(m.gs_kt, 0, 0);
    modes_decoder_free(d);

    /* Airports in each hemisphere and quadrant, a zone edge, the date line. */
    const double pts[][2] = {{10.6, -66.99}, {35.4, 51.15},   {-25.45, -54.84}, {52.0, 4.0},
                             {-33.95, 151.18}, {64.13, -21.94}, {0.0001, 179.9999}, {45.0, -90.0}};
    for (unsigned i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        /* A receiver 20 km away: the reference picks the quadrant. */
        struct modes_decoder_cfg cfg = {.have_ref = true, .ref_lat = pts[i][0] + 0.15,
                                        .ref_lon = pts[i][1] - 0.1};
        if (cfg.ref_lon < -180)
            cfg.ref_lon += 360;
        d = modes_decoder_new(&cfg);
        uint32_t a = 0x0DE500 + i;
        int64_t t = 10000;
        for (int k = 0; k < 2; k++) {
            sim_modes_surface_pos(msg, a, 12.0, 90.0, pts[i][0], pts[i][1], k == 1);
            CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, t + 500 * k, &m), MODES_DECODE_OK);
            CHECK_EQ_INT(m.cpr_odd, k == 1);
            CHECK(MODES_HAS(&m, MODES_F_POS));
            CHECK_NEAR(m.lat, pts[i][0], 90.0 / 59 / CPR_MAX / 2 + 1e-9);
            double dlon = fabs(m.lon - pts[i][1]);
            if (dlon > 180)
                dlon = 360 - dlon;
            int nl = cpr_nl(m.lat) - k;
            CHECK_NEAR(dlon, 0.0, 90.0 / (nl > 0 ? nl : 1) / CPR_MAX / 2 + 1e-9);
        }
        modes_decoder_free(d);
    }
    modes_validator_free(&v);
}

/* TC 29 subtype 1: selected altitude, barometric setting, selected heading,
 * NACp, NIC-baro, SIL and the mode bits, each at its ends. */
static void test_modes_target_state(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_decoder *d = modes_decoder_new(NULL);
    uint8_t msg[14];
    struct modes_msg m;
    const struct sim_modes_tss cases[] = {
        {37024, false, 1013.6, 90.0, 9, 1, 3, false, true,
         MODES_AP_AUTOPILOT | MODES_AP_ALT_HOLD | MODES_AP_LNAV | MODES_AP_TCAS},
        {0, true, 800.0, 0.0, 0, 0, 0, true, true, MODES_AP_VNAV | MODES_AP_APPROACH},
        {65472, false, 800.0 + 509 * 0.8, 360.0 - 180.0 / 256, 15, 1, 2, false, false, MODES_AP_TCAS},
        {-1, false, 0, -1, 10, 0, 1, false, false, 0},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct sim_modes_tss *c = &cases[i];
        sim_modes_target_state(msg, 0x0DE600, c);
        CHECK_EQ_INT(modes_roundtrip(&v, d, msg, 14, 100 + (int64_t)i, &m), MODES_DECODE_OK);
        CHECK_EQ_INT(m.tc, 29);
        CHECK_EQ_INT(m.st, 1);
        int alt_f = c->sel_alt_fms ? MODES_F_SEL_ALT_FMS : MODES_F_SEL_ALT_MCP;
        CHECK_EQ_INT(MODES_HAS(&m, alt_f), c->sel_alt_ft >= 0);
        if (c->sel_alt_ft >= 0)
            CHECK_EQ_INT(c->sel_alt_fms ? m.sel_alt_fms_ft : m.sel_alt_mcp_ft, c->sel_alt_ft);
        CHECK_EQ_INT(MODES_HAS(&m, MODES_F_QNH), c->qnh_hpa >= 800);
        if (c->qnh_hpa >= 800)
            CHECK_NEAR(m.qnh_hpa, c->qnh_hpa, 1e-9);
        CHECK_EQ_INT(MODES_HAS(&m, MODES_F_SEL_HEADING), c->sel_heading_deg >= 0);
        if (c->sel_heading_deg >= 0)
            CHECK_NEAR(m.sel_heading_deg, c->sel_heading_deg, 1e-9);
        CHECK_EQ_INT(m.nac_p, c->nac_p);
        CHECK_EQ_INT(m.nic_baro, c->nic_baro);
        CHECK_EQ_INT(m.sil, c->sil);
        CHECK_EQ_INT(m.sil_per_sample, c->sil_per_sample);
        CHECK_EQ_INT(MODES_HAS(&m, MODES_F_AP_MODES), c->modes_valid);
        CHECK_EQ_INT(m.ap_modes, c->modes_valid ? c->ap_modes : c->ap_modes & MODES_AP_TCAS);
    }
    modes_decoder_free(d);
    modes_validator_free(&v);
}

int main(void)
{
    RUN(test_ais_position);
    RUN(test_ais_static);
    RUN(test_modes_ident_and_replies);
    RUN(test_modes_position);
    RUN(test_modes_velocity);
    RUN(test_modes_opstatus);
    RUN(test_modes_commb);
    RUN(test_modes_surface);
    RUN(test_modes_target_state);
    TEST_MAIN_END();
}

/* test_modes_validate.c: modes_frame_validate and its recently-seen filter.
 *
 * Address/parity recovery must succeed only for an address a clean DF11/17/18
 * vouched for within the time-to-live of frame time; corrected frames and
 * DF18 non-ICAO addresses never vouch; every rejection has its counter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modes/crc.h"
#include "modes/validate.h"
#include "test.h"

static struct modes_frame frame_hex(const char *s, uint64_t ts12)
{
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    size_t n = strlen(s) / 2;
    for (size_t i = 0; i < n; i++) {
        char b[3] = {s[2 * i], s[2 * i + 1], 0};
        f.msg[i] = (uint8_t)strtoul(b, NULL, 16);
    }
    memcpy(f.verbatim, f.msg, n);
    f.len = (uint8_t)n;
    f.ts12 = ts12;
    f.time_ms = MODES_NO_TIME;
    f.source = MODES_SRC_BEAST;
    return f;
}

/* Fills the last 24 bits so that the residual is `residual`: 0 for a clean
 * DF11/17/18, the address for an address/parity format. */
static void set_parity(struct modes_frame *f, uint32_t residual)
{
    uint32_t p = modes_crc24(f->msg, f->len - 3) ^ residual;
    f->msg[f->len - 3] = (uint8_t)(p >> 16);
    f->msg[f->len - 2] = (uint8_t)(p >> 8);
    f->msg[f->len - 1] = (uint8_t)p;
    memcpy(f->verbatim, f->msg, f->len);
}

/* DF4 surveillance altitude reply whose AP field carries addr. */
static struct modes_frame df4(uint32_t addr, uint64_t ts12)
{
    struct modes_frame f = frame_hex("20000F1F000000", ts12);
    set_parity(&f, addr);
    return f;
}

/* DF17 (or DF18 with the given CF) identification from addr, clean parity. */
static struct modes_frame es(int df, int cf, uint32_t addr, uint64_t ts12)
{
    struct modes_frame f = frame_hex("8D4840D6202CC371C32CE0576098", ts12);
    f.msg[0] = (uint8_t)(df << 3 | cf);
    f.msg[1] = (uint8_t)(addr >> 16);
    f.msg[2] = (uint8_t)(addr >> 8);
    f.msg[3] = (uint8_t)addr;
    set_parity(&f, 0);
    return f;
}

#define SEC(s) ((uint64_t)(s) * 12000000u) /* seconds as 12 MHz ticks */

static void test_ap_needs_a_recent_clean_sighting(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_frame f = df4(0x4840D6, SEC(5));
    CHECK(!modes_frame_validate(&v, &f)); /* nobody vouched yet */
    CHECK(!f.crc_ok);
    CHECK_EQ_INT(v.stats.ap_unknown, 1);

    f = es(17, 5, 0x4840D6, SEC(10));
    CHECK(modes_frame_validate(&v, &f));
    CHECK(f.crc_ok && !f.addr_from_ap && f.corrected_bits == 0);
    CHECK_EQ_INT(f.addr, 0x4840D6);

    f = df4(0x4840D6, SEC(30));
    CHECK(modes_frame_validate(&v, &f));
    CHECK(f.crc_ok && f.addr_from_ap);
    CHECK_EQ_INT(f.addr, 0x4840D6);
    CHECK_EQ_INT(v.stats.ap_recovered, 1);

    /* A different address (as a bit error in an AP frame would give). */
    f = df4(0x4840D7, SEC(31));
    CHECK(!modes_frame_validate(&v, &f));

    /* Past the 60 s time-to-live of frame time since the last clean sighting. */
    f = df4(0x4840D6, SEC(71));
    CHECK(!modes_frame_validate(&v, &f));
    CHECK_EQ_INT(v.stats.ap_unknown, 3);
    CHECK_EQ_INT(v.stats.ok, 2);
    modes_validator_free(&v);
}

static void test_who_may_vouch(void)
{
    struct modes_validator v;
    modes_validator_init(&v, 1);
    /* DF18 with CF 1: a non-ICAO address, which never vouches. */
    struct modes_frame f = es(18, 1, 0x123456, SEC(1));
    CHECK(modes_frame_validate(&v, &f));
    f = df4(0x123456, SEC(2));
    CHECK(!modes_frame_validate(&v, &f));
    /* DF18 CF 0 (ADS-B, ICAO address) does. */
    f = es(18, 0, 0x223344, SEC(3));
    CHECK(modes_frame_validate(&v, &f));
    f = df4(0x223344, SEC(4));
    CHECK(modes_frame_validate(&v, &f));

    /* A 1-bit-corrected DF17 is accepted, the received bytes are kept in
     * verbatim, but its address is not trusted for AP recovery. */
    f = es(17, 5, 0xABCDEF, SEC(5));
    uint8_t clean[14];
    memcpy(clean, f.msg, 14);
    f.msg[6] ^= 0x04;
    f.verbatim[6] ^= 0x04;
    CHECK(modes_frame_validate(&v, &f));
    CHECK_EQ_INT(f.corrected_bits, 1);
    CHECK(memcmp(f.msg, clean, 14) == 0);
    CHECK(memcmp(f.verbatim, clean, 14) != 0);
    CHECK_EQ_INT(v.stats.fixed1, 1);
    f = df4(0xABCDEF, SEC(6));
    CHECK(!modes_frame_validate(&v, &f));

    /* DF11 replying to interrogator 11: residual 0x0B is accepted; it
     * carries its address in clear. */
    f = frame_hex("5D3981E46DC8EB", SEC(7));
    CHECK(modes_frame_validate(&v, &f));
    CHECK_EQ_INT(f.addr, 0x3981E4);
    modes_validator_free(&v);
}

static void test_rejections_are_counted(void)
{
    struct modes_validator v1, v2;
    modes_validator_init(&v1, 1);
    modes_validator_init(&v2, 2);
    /* Two bit errors: refused with 1-bit correction, fixed with --fix2. */
    struct modes_frame a = es(17, 5, 0x406B90, SEC(1));
    a.msg[5] ^= 0x80;
    a.msg[9] ^= 0x01;
    memcpy(a.verbatim, a.msg, 14);
    struct modes_frame b = a;
    CHECK(!modes_frame_validate(&v1, &a));
    CHECK_EQ_INT(v1.stats.bad_crc, 1);
    CHECK(modes_frame_validate(&v2, &b));
    CHECK_EQ_INT(b.corrected_bits, 2);
    CHECK_EQ_INT(v2.stats.fixed2, 1);

    /* A long DF in a short frame. */
    struct modes_frame f = frame_hex("8D4840D6202CC3", SEC(2));
    CHECK(!modes_frame_validate(&v1, &f));
    CHECK_EQ_INT(v1.stats.bad_len, 1);
    /* Mode A/C is not validated. */
    f = frame_hex("1234", SEC(3));
    CHECK(!modes_frame_validate(&v1, &f));
    CHECK_EQ_INT(v1.stats.modeac, 1);
    /* DF19 military: no checkable parity. */
    f = es(19, 0, 0x111111, SEC(4));
    CHECK(!modes_frame_validate(&v1, &f));
    CHECK_EQ_INT(v1.stats.unsupported_df, 1);
    CHECK_EQ_INT(v1.stats.frames, 4);
    CHECK_EQ_INT(v1.stats.ok, 0);
    modes_validator_free(&v1);
    modes_validator_free(&v2);
}

static void test_untimed_frames(void)
{
    /* AVR "*...;" frames carry no time: the filter still works, on a pseudo
     * clock that never reads the wall clock. */
    struct modes_validator v;
    modes_validator_init(&v, 1);
    struct modes_frame f = es(17, 5, 0x4840D6, 0);
    CHECK(modes_frame_validate(&v, &f));
    f = df4(0x4840D6, 0);
    CHECK(modes_frame_validate(&v, &f));
    CHECK(f.addr_from_ap);
    /* Event time in ms wins over the counter when both are present. */
    f = es(17, 5, 0x555555, SEC(1000));
    f.time_ms = 1700000000000;
    CHECK_EQ_INT(modes_frame_clock_ms(&v, &f), 1700000000000);
    modes_validator_free(&v);
}

static void test_filter_stays_bounded(void)
{
    /* 100000 different aircraft, one every 10 ms of frame time (1000 s): at
     * most 6000 of them are within the 60 s time-to-live at any moment, and
     * the filter must not keep the rest (a live run sees new ones forever). */
    struct modes_validator v;
    modes_validator_init(&v, 1);
    size_t most = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        struct modes_frame f = es(17, 5, 0x100000 + i, (uint64_t)i * 120000u); /* 10 ms in 12 MHz ticks */
        CHECK(modes_frame_validate(&v, &f));
        if (v.seen.used > most)
            most = v.seen.used;
    }
    CHECK(most <= 2 * 6100);
    CHECK(v.seen.cap <= 32768);
    struct modes_frame f = df4(0x100000 + 99990, SEC(1000));
    CHECK(modes_frame_validate(&v, &f)); /* seen 0.1 s ago */
    f = df4(0x100000 + 5, SEC(1000));
    CHECK(!modes_frame_validate(&v, &f)); /* seen 1000 s ago */
    modes_validator_free(&v);
}

int main(void)
{
    RUN(test_ap_needs_a_recent_clean_sighting);
    RUN(test_who_may_vouch);
    RUN(test_rejections_are_counted);
    RUN(test_untimed_frames);
    RUN(test_filter_stays_bounded);
    TEST_MAIN_END();
}

/* test_modes_sbs_write.c: every message decoded from the Beast sample, written
 * as an SBS line and parsed back by the SBS reader, keeps its address,
 * callsign, altitude, squawk and position. */
#include <math.h>
#include <string.h>

#include "common/buf.h"
#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/sbs_write.h"
#include "modes/validate.h"
#include "test.h"

struct ctx {
    struct modes_validator v;
    struct modes_decoder *d;
    struct buf b;
    int lines, bad, positions;
};

static void on_frame(void *p, struct modes_frame *f)
{
    struct ctx *c = p;
    struct modes_msg m, back;
    if (!modes_frame_validate(&c->v, f))
        return;
    f->time_ms = 1714737600123;
    if (modes_decode(c->d, f, &m) != MODES_DECODE_OK)
        return;
    c->b.len = 0;
    modes_write_sbs(&c->b, &m);
    if (!c->b.len)
        return;
    c->lines++;
    int ok = c->b.len > 2 && !memcmp(c->b.p + c->b.len - 2, "\r\n", 2) &&
             modes_sbs_parse(c->b.p, c->b.len - 2, &back) == 0 && back.addr == m.addr &&
             back.time_ms == m.time_ms;
    if (ok && MODES_HAS(&m, MODES_F_ALT_BARO))
        ok = MODES_HAS(&back, MODES_F_ALT_BARO) && back.alt_baro_ft == m.alt_baro_ft;
    if (ok && MODES_HAS(&m, MODES_F_CALLSIGN))
        ok = !strcmp(back.callsign, m.callsign);
    if (ok && MODES_HAS(&m, MODES_F_SQUAWK))
        ok = back.squawk == m.squawk;
    if (ok && MODES_HAS(&m, MODES_F_POS)) {
        c->positions++;
        ok = fabs(back.lat - m.lat) < 1e-5 && fabs(back.lon - m.lon) < 1e-5;
    }
    c->bad += !ok;
}

static void test_beast_sample_round_trip(void)
{
    FILE *f = fopen("tests/samples/modes/beast/sample_dump1090.bin", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    uint8_t data[16384];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    struct ctx c = {.lines = 0};
    modes_validator_init(&c.v, 1);
    c.d = modes_decoder_new(NULL);
    buf_init(&c.b, 256);
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    modes_framer_feed(&fr, data, n, on_frame, &c);
    CHECK(c.lines >= 200);
    CHECK(c.positions >= 1);
    CHECK_EQ_INT(c.bad, 0);
    buf_free(&c.b);
    modes_decoder_free(c.d);
    modes_validator_free(&c.v);
}

int main(void)
{
    RUN(test_beast_sample_round_trip);
    TEST_MAIN_END();
}

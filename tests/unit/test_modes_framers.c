/* test_modes_framers.c: the Beast sample yields exactly the frames listed
 * beside it; any chunking gives the same frames; Beast and AVR writers are
 * inverses of their framers; garbage and cut frames are counted, not glued. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "modes/framer.h"
#include "test.h"

#define MAXF 1024

struct got {
    struct modes_frame f[MAXF];
    int n;
};

static void collect(void *ctx, struct modes_frame *f)
{
    struct got *g = ctx;
    if (g->n < MAXF)
        g->f[g->n++] = *f;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *p = malloc(1 << 20);
    *n = fread(p, 1, 1 << 20, f);
    fclose(f);
    return p;
}

static int same_frames(const struct got *a, const struct got *b)
{
    if (a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->f[i].len != b->f[i].len || memcmp(a->f[i].msg, b->f[i].msg, a->f[i].len) ||
            a->f[i].ts12 != b->f[i].ts12)
            return 0;
    return 1;
}

static void test_beast_sample_matches_list(void)
{
    size_t n;
    uint8_t *data = slurp("tests/samples/modes/beast/sample_dump1090.bin", &n);
    FILE *tsv = fopen("tests/samples/modes/beast/derived_sample_dump1090_beast_frames.tsv", "r");
    CHECK(data && tsv);
    if (!data || !tsv)
        return;
    static struct got g;
    g.n = 0;
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    modes_framer_feed(&fr, data, n, collect, &g);
    char line[256];
    int k = 0, mismatches = 0;
    while (fgets(line, sizeof line, tsv)) {
        if (line[0] == '#')
            continue;
        unsigned long long ts;
        unsigned sig;
        char type[8], avr[64];
        if (sscanf(line, "%llu %u %7s %63s", &ts, &sig, type, avr) != 4)
            continue;
        if (k >= g.n) {
            k++;
            continue;
        }
        const struct modes_frame *f = &g.f[k++];
        char hex[64] = "*";
        for (int i = 0; i < f->len; i++)
            sprintf(hex + 1 + 2 * i, "%02X", f->msg[i]);
        strcat(hex, ";");
        double want_sig = sig ? 20.0 * log10(sig / 255.0) : NAN;
        if (f->ts12 != ts || strcasecmp(hex, avr) != 0 || (sig && fabs(f->signal - want_sig) > 1e-9))
            mismatches++;
    }
    fclose(tsv);
    CHECK_EQ_INT(k, 239);
    CHECK_EQ_INT(g.n, 239);
    CHECK_EQ_INT(mismatches, 0);
    CHECK_EQ_INT(fr.stats.garbage_bytes, 0);
    CHECK_EQ_INT(fr.stats.bad_frames, 0);

    /* Byte by byte, and in pseudo-random chunk sizes: the same frames. */
    static struct got g1, g2;
    g1.n = g2.n = 0;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    for (size_t i = 0; i < n; i++)
        modes_framer_feed(&fr, data + i, 1, collect, &g1);
    CHECK(same_frames(&g, &g1));
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    srand(7);
    for (size_t i = 0; i < n;) {
        size_t c = 1 + (size_t)rand() % 97;
        if (c > n - i)
            c = n - i;
        modes_framer_feed(&fr, data + i, c, collect, &g2);
        i += c;
    }
    CHECK(same_frames(&g, &g2));

    /* Writer round trip: Beast out, Beast in. */
    struct buf b;
    buf_init(&b, 1 << 16);
    for (int i = 0; i < g.n; i++)
        modes_write_beast(&b, &g.f[i]);
    static struct got g3;
    g3.n = 0;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    modes_framer_feed(&fr, (uint8_t *)b.p, b.len, collect, &g3);
    CHECK(same_frames(&g, &g3));
    /* AVR out, AVR in (with the 12 MHz counter in '@' lines). */
    b.len = 0;
    for (int i = 0; i < g.n; i++)
        modes_write_avr(&b, &g.f[i]);
    static struct got g4;
    g4.n = 0;
    modes_framer_init(&fr, MODES_FRAMER_AVR);
    modes_framer_feed(&fr, (uint8_t *)b.p, b.len, collect, &g4);
    CHECK(same_frames(&g, &g4));
    buf_free(&b);
    free(data);
}

static void test_avr_resync_and_counting(void)
{
    const char *in = "junk*8D4840D6202CC371C32CE0576098;\r\n*8D4840;*5D3981E46DC8E0*8D40;"
                     "@0000003D0A185D3981E46DC8E0;\n*ZZ;*02E197B00179C3;";
    static struct got g;
    g.n = 0;
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_AVR);
    modes_framer_feed(&fr, (const uint8_t *)in, strlen(in), collect, &g);
    CHECK_EQ_INT(g.n, 4);
    CHECK_EQ_INT(g.f[0].len, 14);
    CHECK_EQ_INT(g.f[1].len, 2); /* "*8D40;": four digits are a Mode A/C reply */
    CHECK_EQ_INT(g.f[2].ts12, 0x3D0A18);
    CHECK_EQ_INT(g.f[2].len, 7);
    CHECK_EQ_INT(g.f[3].msg[0], 0x02);
    CHECK_EQ_INT(fr.stats.modeac, 1);
    CHECK_EQ_INT(fr.stats.garbage_bytes, 7); /* "junk", then "ZZ;" after the bad digit ends that frame */
    CHECK_EQ_INT(fr.stats.bad_frames, 3);    /* six digits, cut by '*', bad digit */
}

static void test_beast_cut_frame_not_glued(void)
{
    /* A long frame cut after 5 payload bytes by a new frame start. */
    const uint8_t in[] = {0x1a, '3', 0, 0, 0, 0, 0, 1, 0x80, 0x8D, 0x48, 0x40, 0xD6, 0x20,
                          0x1a, '2', 0, 0, 0, 0, 0, 2, 0x90, 0x5D, 0x39, 0x81, 0xE4, 0x6D, 0xC8, 0xE0,
                          0x1a, 'x', 0x1a, '4'};
    static struct got g;
    g.n = 0;
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    modes_framer_feed(&fr, in, sizeof in, collect, &g);
    CHECK_EQ_INT(g.n, 1);
    CHECK_EQ_INT(g.f[0].ts12, 2);
    CHECK_EQ_INT(fr.stats.bad_frames, 2); /* the cut frame and type 'x' */
}

/* Mode A/C, short and long frames back to back, with 0x1a in a counter, in
 * a signal byte and in a payload: the whole frame (bytes past len zero,
 * counter, signal, length) is the same whether it comes from the in-chunk
 * fast path or, fed byte by byte, from the state machine. */
static void test_beast_fast_path_whole_frames(void)
{
    const uint8_t in[] = {0x1a, '1', 0, 0, 0, 0, 0, 7, 0x40, 0x12, 0x34,
                          0x1a, '2', 0, 0, 0, 0, 0, 8, 0x50, 0x5D, 0x39, 0x81, 0xE4, 0x6D, 0xC8, 0xE0,
                          0x1a, '3', 0, 0, 0, 0, 0, 9, 0x60, 0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3,
                          0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98,
                          0x1a, '2', 0, 0, 0, 0, 0x1a, 0x1a, 10, 0x1a, 0x1a, 0x5D, 0x1a, 0x1a, 0x81, 0xE4,
                          0x6D, 0xC8, 0xE0,
                          0x1a, '1', 0, 0, 0, 0, 0, 11, 0x40, 0x12, 0x34,
                          0x1a, '3', 0, 0, 0, 0, 0, 12, 0x60, 0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3,
                          0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98,
                          /* padding so that every frame above is "in chunk" with room to spare */
                          0x1a, '4', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static struct got whole, bytes;
    whole.n = bytes.n = 0;
    struct modes_framer fa, fb;
    modes_framer_init(&fa, MODES_FRAMER_BEAST);
    modes_framer_feed(&fa, in, sizeof in, collect, &whole);
    modes_framer_init(&fb, MODES_FRAMER_BEAST);
    for (size_t i = 0; i < sizeof in; i++)
        modes_framer_feed(&fb, in + i, 1, collect, &bytes);
    CHECK_EQ_INT(whole.n, 6);
    CHECK_EQ_INT(bytes.n, 6);
    CHECK_EQ_INT(fa.stats.modeac, 2);
    CHECK_EQ_INT(fb.stats.modeac, 2);
    CHECK_EQ_INT(fa.stats.status, 1);
    CHECK_EQ_INT(fb.stats.status, 1);
    static const uint8_t lens[6] = {2, 7, 14, 7, 2, 14};
    for (int i = 0; i < whole.n && i < bytes.n; i++) {
        const struct modes_frame *a = &whole.f[i], *b = &bytes.f[i];
        CHECK_EQ_INT(a->len, lens[i]);
        CHECK_EQ_INT(b->len, lens[i]);
        CHECK(memcmp(a->msg, b->msg, sizeof a->msg) == 0);
        CHECK(memcmp(a->verbatim, b->verbatim, sizeof a->verbatim) == 0);
        CHECK(memcmp(a->msg, a->verbatim, sizeof a->msg) == 0);
        for (int k = a->len; k < MODES_LONG_BYTES; k++)
            CHECK_EQ_INT(a->msg[k], 0);
        CHECK_EQ_INT(a->ts12, b->ts12);
        CHECK(a->signal == b->signal);
        CHECK_EQ_INT(a->time_ms == MODES_NO_TIME, 1);
    }
    CHECK_EQ_INT(whole.f[3].ts12, 0x1a0a);
    CHECK_EQ_INT(whole.f[3].msg[0], 0x5D);
    CHECK_EQ_INT(whole.f[3].msg[1], 0x1a);
    CHECK_EQ_INT(whole.f[3].msg[2], 0x81);
}

int main(void)
{
    RUN(test_beast_sample_matches_list);
    RUN(test_avr_resync_and_counting);
    RUN(test_beast_cut_frame_not_glued);
    RUN(test_beast_fast_path_whole_frames);
    TEST_MAIN_END();
}

/* test_net_iq.c: the pieces of live I/Q input that need no server or
 * dongle: the rtl_tcp URL's band= (net/rtltcp.h) and the ring that hands a
 * reader thread's buffers to the event loop (net/iqring.h): whole buffers,
 * oldest first, dropped and counted when the loop is behind, never waiting. */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>

#include "net/iqring.h"
#include "net/rtltcp.h"
#include "test.h"

static void test_band_defaults(void)
{
    struct rtltcp_cfg c;
    char err[256];
    CHECK_EQ_INT(rtltcp_parse("127.0.0.1:1234?band=ais", 0, 0, &c, err, sizeof err), 0);
    CHECK_EQ_INT(c.band, RTLTCP_BAND_AIS);
    CHECK_EQ_INT(c.freq_hz, 162000000);
    CHECK_EQ_INT(c.rate, 288000);
    /* Given values stand, wherever band= is in the query. */
    CHECK_EQ_INT(rtltcp_parse("h:1?rate=1.536M&freq=162.001M&band=ais", 0, 0, &c, err, sizeof err), 0);
    CHECK_EQ_INT(c.freq_hz, 162001000);
    CHECK_EQ_INT(c.rate, 1536000);
    CHECK_EQ_INT(rtltcp_parse("?band=1090&gain=40", 0, 0, &c, err, sizeof err), 0);
    CHECK_EQ_INT(c.band, RTLTCP_BAND_1090);
    CHECK_EQ_INT(c.freq_hz, 1090000000);
    CHECK_EQ_INT(c.rate, 2400000);
    CHECK_EQ_INT(c.gain_tenth_db, 400);
    /* Without band= the caller's defaults hold (decode's --band). */
    CHECK_EQ_INT(rtltcp_parse("", 162000000, 288000, &c, err, sizeof err), 0);
    CHECK_EQ_INT(c.band, RTLTCP_BAND_NONE);
    CHECK_EQ_INT(c.freq_hz, 162000000);
    CHECK_EQ_INT(rtltcp_parse("?band=vhf", 0, 0, &c, err, sizeof err), -1);
    CHECK(strstr(err, "band is ais or 1090") != NULL);
    CHECK_EQ_INT(rtltcp_parse("?band=", 0, 0, &c, err, sizeof err), -1);
    CHECK_EQ_INT(rtltcp_parse("?band", 0, 0, &c, err, sizeof err), -1);
}

struct got {
    uint8_t first[16];
    size_t len[16];
    int n;
};

static void collect(void *ctx, const uint8_t *p, size_t n)
{
    struct got *g = ctx;
    g->first[g->n] = p[0];
    g->len[g->n++] = n;
}

static int readable(const struct iqring *r)
{
    struct pollfd p = {.fd = iqring_fd(r), .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

static void test_ring_full_drops_whole_buffers(void)
{
    struct iqring *r = iqring_new(3, 8);
    uint8_t b[8];
    CHECK(!readable(r));
    for (int i = 1; i <= 5; i++) {
        memset(b, i, sizeof b);
        iqring_put(r, b, sizeof b);
    }
    CHECK_EQ_INT(iqring_offered(r), 40);
    CHECK_EQ_INT(iqring_dropped(r), 16);
    CHECK(readable(r));
    struct got g = {0};
    CHECK_EQ_INT(iqring_drain(r, 2, collect, &g), 1);
    CHECK_EQ_INT(g.n, 2);
    CHECK_EQ_INT(g.first[0], 1);
    CHECK_EQ_INT(g.first[1], 2);
    CHECK(readable(r)); /* one still waits */
    CHECK_EQ_INT(iqring_drain(r, 8, collect, &g), 1);
    CHECK_EQ_INT(g.n, 3);
    CHECK_EQ_INT(g.first[2], 3);
    CHECK(!readable(r));
    /* Room again: a buffer longer than a slot goes in slot-sized pieces. */
    uint8_t big[20];
    memset(big, 9, sizeof big);
    iqring_put(r, big, sizeof big);
    iqring_end(r);
    CHECK(readable(r));
    CHECK_EQ_INT(iqring_drain(r, 8, collect, &g), 0);
    CHECK_EQ_INT(g.n, 6);
    CHECK_EQ_INT(g.len[3], 8);
    CHECK_EQ_INT(g.len[4], 8);
    CHECK_EQ_INT(g.len[5], 4);
    iqring_free(r);
}

#define NBUF 20000
#define BUFLEN 64

static void *producer(void *arg)
{
    struct iqring *r = arg;
    uint8_t b[BUFLEN];
    for (uint32_t i = 0; i < NBUF; i++) {
        for (int k = 0; k < BUFLEN; k += 4)
            memcpy(b + k, &i, 4);
        iqring_put(r, b, sizeof b);
    }
    iqring_end(r);
    return NULL;
}

struct seq {
    uint32_t last;
    uint64_t buffers, bytes, torn, out_of_order;
};

static void check_buffer(void *ctx, const uint8_t *p, size_t n)
{
    struct seq *s = ctx;
    uint32_t id, v;
    memcpy(&id, p, 4);
    for (size_t k = 0; k < n; k += 4) {
        memcpy(&v, p + k, 4);
        s->torn += v != id;
    }
    s->out_of_order += s->buffers && id <= s->last;
    s->last = id;
    s->buffers++;
    s->bytes += n;
}

/* A producer that never waits and a consumer that is sometimes slow: every
 * buffer either arrives whole and in order or is counted as dropped. */
static void test_ring_threads(void)
{
    struct iqring *r = iqring_new(8, BUFLEN);
    pthread_t t;
    pthread_create(&t, NULL, producer, r);
    struct seq s = {0};
    int rounds = 0;
    for (;;) {
        struct pollfd p = {.fd = iqring_fd(r), .events = POLLIN};
        poll(&p, 1, 1000);
        if (++rounds % 3 == 0)
            usleep(50);
        if (iqring_drain(r, 4, check_buffer, &s) == 0)
            break;
    }
    pthread_join(t, NULL);
    CHECK_EQ_INT(iqring_offered(r), (uint64_t)NBUF * BUFLEN);
    CHECK_EQ_INT(s.bytes + iqring_dropped(r), (uint64_t)NBUF * BUFLEN);
    CHECK_EQ_INT(s.torn, 0);
    CHECK_EQ_INT(s.out_of_order, 0);
    CHECK(s.buffers > 0);
    iqring_free(r);
}

int main(void)
{
    RUN(test_band_defaults);
    RUN(test_ring_full_drops_whole_buffers);
    RUN(test_ring_threads);
    TEST_MAIN_END();
}

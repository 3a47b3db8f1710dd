/* test_net.c: endpoint parsing (default ports per format and direction, the
 * raw alias, IPv6, refusals), the help table, the receiver clock that times
 * Mode S frames by their 12 MHz counter, and duplicate dropping. */
#include <stdint.h>

#include "net/dedupe.h"
#include "net/rxclock.h"
#include "net/sock.h"
#include "test.h"

static const char *port_of(const char *spec, enum net_dir dir)
{
    static struct net_endpoint e;
    char err[256];
    return net_endpoint_parse(spec, dir, &e, err, sizeof err) == 0 ? e.port : "refused";
}

static void test_default_ports(void)
{
    CHECK_STR(port_of("beast+tcp://pi", NET_DIR_INPUT), "30005");
    CHECK_STR(port_of("avr+tcp://pi", NET_DIR_INPUT), "30002");
    CHECK_STR(port_of("sbs+tcp://pi", NET_DIR_INPUT), "30003");
    CHECK_STR(port_of("nmea+tcp://pi", NET_DIR_INPUT), "10110");
    CHECK_STR(port_of("beast+listen://", NET_DIR_INPUT), "30004");
    CHECK_STR(port_of("avr+listen://", NET_DIR_INPUT), "30001");
    CHECK_STR(port_of("nmea+listen://", NET_DIR_INPUT), "10110");
    CHECK_STR(port_of("nmea+udp://", NET_DIR_INPUT), "10110");
    CHECK_STR(port_of("beast+listen://", NET_DIR_OUTPUT), "30005");
    CHECK_STR(port_of("avr+listen://", NET_DIR_OUTPUT), "30002");
    CHECK_STR(port_of("sbs+listen://", NET_DIR_OUTPUT), "30003");
    CHECK_STR(port_of("nmea+listen://", NET_DIR_OUTPUT), "10110");
    /* No convention: the port must be written. */
    CHECK_STR(port_of("sbs+listen://", NET_DIR_INPUT), "refused");
    CHECK_STR(port_of("sbs+udp://", NET_DIR_INPUT), "refused");
    CHECK_STR(port_of("sbs+listen://:4000", NET_DIR_INPUT), "4000");
    /* A written port always wins. */
    CHECK_STR(port_of("beast+tcp://pi:40005", NET_DIR_INPUT), "40005");
}

static void test_parse_forms(void)
{
    struct net_endpoint e;
    char err[256], text[320];
    CHECK_EQ_INT(net_endpoint_parse("raw+tcp://10.0.0.2", NET_DIR_INPUT, &e, err, sizeof err), 0);
    CHECK_EQ_INT(e.format, NET_FMT_AVR);
    CHECK_EQ_INT(e.transport, NET_TCP_CONNECT);
    CHECK_STR(e.host, "10.0.0.2");
    CHECK_STR(e.port, "30002");
    CHECK_EQ_INT(net_endpoint_parse("raw+listen://:31001", NET_DIR_OUTPUT, &e, err, sizeof err), 0);
    CHECK_EQ_INT(e.format, NET_FMT_AVR);
    CHECK_STR(e.host, "127.0.0.1");
    CHECK_EQ_INT(net_endpoint_parse("beast+tcp://[::1]", NET_DIR_INPUT, &e, err, sizeof err), 0);
    CHECK_STR(e.host, "::1");
    CHECK_STR(e.port, "30005");
    net_endpoint_format(&e, text, sizeof text);
    CHECK_STR(text, "beast+tcp://[::1]:30005");
    CHECK_EQ_INT(net_endpoint_parse("beast+tcp://[fe80::1]:40005", NET_DIR_INPUT, &e, err, sizeof err), 0);
    CHECK_STR(e.host, "fe80::1");
    CHECK_STR(e.port, "40005");
    CHECK_EQ_INT(net_endpoint_parse("nmea+udp://0.0.0.0:10111", NET_DIR_INPUT, &e, err, sizeof err), 0);
    net_endpoint_format(&e, text, sizeof text);
    CHECK_STR(text, "nmea+udp://0.0.0.0:10111");
}

static void test_parse_refusals(void)
{
    struct net_endpoint e;
    char err[256];
    const char *bad[] = {"beast://x:1", "gdl90+tcp://x:1", "beast+ftp://x:1", "beast+tcp://x:0",
                         "beast+tcp://x:65536", "beast+tcp://x:", "beast+tcp://x:port", "beast+tcp://[::1",
                         "beast+tcp://[::1]x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK_EQ_INT(net_endpoint_parse(bad[i], NET_DIR_INPUT, &e, err, sizeof err), -1);
        CHECK(strstr(err, bad[i]) != NULL); /* the message names what was refused */
    }
    /* Outputs serve clients: only listen. */
    CHECK_EQ_INT(net_endpoint_parse("beast+tcp://x:1", NET_DIR_OUTPUT, &e, err, sizeof err), -1);
    CHECK(strstr(err, "listen") != NULL);
    CHECK_EQ_INT(net_endpoint_parse("sbs+listen://", NET_DIR_INPUT, &e, err, sizeof err), -1);
    CHECK(strstr(err, "give :PORT") != NULL);
}

/* Every line of the help table is what the parser does. */
static void test_help_table_matches_parser(void)
{
    char help[4096];
    net_default_ports_help(help, sizeof help);
    int lines = 0;
    for (char *l = help, *nl; (nl = strchr(l, '\n')); l = nl + 1, lines++) {
        char name[32], dir[8], port[8], spec[64];
        CHECK_EQ_INT(sscanf(l, " %31s %7s %7s", name, dir, port), 3);
        snprintf(spec, sizeof spec, "%s://", name);
        CHECK_STR(port_of(spec, strcmp(dir, "input") == 0 ? NET_DIR_INPUT : NET_DIR_OUTPUT), port);
    }
    CHECK_EQ_INT(lines, 12);
}

#define MS(n) ((uint64_t)(n) * 12000u) /* counter ticks in n ms */

static void test_rxclock(void)
{
    struct net_rxclock c = {0};
    const int64_t t0 = 1700000000000;
    /* Anchored at the first frame's arrival; then the counter's progress,
     * however fast the frames arrive. */
    CHECK_EQ_INT(net_rxclock_time(&c, MS(30000), t0), t0);
    CHECK_EQ_INT(net_rxclock_time(&c, MS(32500), t0 + 1), t0 + 2500);
    CHECK_EQ_INT(net_rxclock_time(&c, MS(54000), t0 + 2), t0 + 24000);
    /* Slightly out of order: still the same clock. */
    CHECK_EQ_INT(net_rxclock_time(&c, MS(53500), t0 + 3), t0 + 23500);
    CHECK_EQ_INT(c.reanchors, 0);
    /* No counter, or an mlat result: arrival time. */
    CHECK_EQ_INT(net_rxclock_time(&c, 0, t0 + 4), t0 + 4);
    CHECK_EQ_INT(net_rxclock_time(&c, NET_TS12_MLAT, t0 + 5), t0 + 5);
    /* The receiver restarted (counter back near zero): anchored again, at the
     * latest time given since that is ahead of arrival. */
    CHECK_EQ_INT(net_rxclock_time(&c, MS(10), t0 + 6), t0 + 24000);
    CHECK_EQ_INT(net_rxclock_time(&c, MS(1010), t0 + 7), t0 + 25000);
    CHECK_EQ_INT(c.reanchors, 1);
    /* ... and at arrival when that is later. */
    CHECK_EQ_INT(net_rxclock_time(&c, MS(5), t0 + 90000), t0 + 90000);
    CHECK_EQ_INT(c.reanchors, 2);
}

static void test_ts12_wrap(void)
{
    const uint64_t top = (UINT64_C(1) << 48) - MS(100); /* 100 ms before the wrap */
    CHECK_EQ_INT(net_ts12_delta_ms(top, MS(400)), 500);
    CHECK_EQ_INT(net_ts12_delta_ms(MS(400), top), -500);
    struct net_rxclock c = {0};
    CHECK_EQ_INT(net_rxclock_time(&c, top, 1000), 1000);
    CHECK_EQ_INT(net_rxclock_time(&c, MS(400), 1001), 1500);
    CHECK_EQ_INT(c.reanchors, 0);
}

static void test_dedupe_rules(void)
{
    static struct dedupe d;
    dedupe_init(&d, 2000);
    const uint8_t m[7] = {0x5d, 0x48, 0x52, 0x0a, 0x00, 0x9a, 0x66};
    CHECK(!dedupe_seen(&d, m, 7, 1, 1000));
    CHECK(!dedupe_seen(&d, m, 7, 1, 1100)); /* a squitter repeating itself */
    CHECK(dedupe_seen(&d, m, 7, 2, 1200));  /* another receiver's copy */
    CHECK(!dedupe_seen(&d, m, 7, 2, 9000)); /* long after: heard again */
    CHECK_EQ_INT(d.dropped, 1);
}

/* A second receiver's copy of each of 2000 messages is dropped, every one:
 * the direct-mapped table it replaces lost 142 to collisions. */
static void test_dedupe_no_collision_leaks(void)
{
    static struct dedupe d;
    dedupe_init(&d, 2000);
    uint8_t m[14] = {0x8d};
    for (int src = 1; src <= 2; src++)
        for (uint32_t i = 0; i < 2000; i++) {
            memcpy(m + 1, &i, sizeof i);
            dedupe_seen(&d, m, sizeof m, src, 5000 + src);
        }
    CHECK_EQ_INT(d.dropped, 2000);
}

int main(void)
{
    RUN(test_default_ports);
    RUN(test_parse_forms);
    RUN(test_parse_refusals);
    RUN(test_help_table_matches_parser);
    RUN(test_rxclock);
    RUN(test_ts12_wrap);
    RUN(test_dedupe_rules);
    RUN(test_dedupe_no_collision_leaks);
    TEST_MAIN_END();
}

/* test_common.c: bit helpers, the buffer's number formatting, the JSON writer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/bits.h"
#include "common/buf.h"
#include "common/input.h"
#include "common/hex.h"
#include "common/json.h"
#include "common/timeparse.h"
#include "test.h"

static void test_bits_ais_numbering(void)
{
    const uint8_t b[] = {0xA5, 0x3C, 0xFF, 0x00, 0x81};
    CHECK_EQ_INT(bits_u(b, 0, 8), 0xA5);
    CHECK_EQ_INT(bits_u(b, 4, 8), 0x53);
    CHECK_EQ_INT(bits_u(b, 1, 3), 2);
    CHECK_EQ_INT(bits_u(b, 0, 40), 0xA53CFF0081LL);
    CHECK_EQ_INT(bits_s(b, 0, 4), -6);  /* 1010 */
    CHECK_EQ_INT(bits_s(b, 4, 4), 5);   /* 0101 */
    CHECK_EQ_INT(bits_u(b, 3, 0), 0);
}

static void test_bits_modes_numbering(void)
{
    const uint8_t b[] = {0x8D, 0x48, 0x40, 0xD6};
    CHECK_EQ_INT(bits_get1(b, 1, 5), 17); /* DF17 */
    CHECK_EQ_INT(bits_get1(b, 6, 8), 5);  /* CA */
    CHECK_EQ_INT(bits_get1(b, 9, 32), 0x4840D6);
    CHECK_EQ_INT(bits_get1_bit(b, 1), 1);
    CHECK_EQ_INT(bits_get1_bit(b, 2), 0);
}

static void test_bits_put_roundtrip(void)
{
    uint8_t b[8] = {0};
    bits_put(b, 3, 17, 0x1ABCD);
    CHECK_EQ_INT(bits_u(b, 3, 17), 0x1ABCD);
    bits_put(b, 20, 12, 0xFFF);
    CHECK_EQ_INT(bits_u(b, 3, 17), 0x1ABCD);
    bits_put(b, 20, 12, 0x800);
    CHECK_EQ_INT(bits_s(b, 20, 12), -2048);
}

static void test_buf_numbers(void)
{
    struct buf b;
    buf_init(&b, 4);
    buf_i64(&b, -1234567890123LL);
    buf_putc(&b, ' ');
    buf_fixed(&b, -123.3953833, 6);
    buf_putc(&b, ' ');
    buf_fixed(&b, 0.05, 1);
    buf_putc(&b, ' ');
    buf_fixed(&b, -0.00001, 2);
    buf_putc(&b, ' ');
    buf_fixed(&b, 224.0, 1);
    buf_putc(&b, 0);
    CHECK_STR(b.p, "-1234567890123 -123.395383 0.1 0.00 224.0");
    buf_free(&b);
}

static void test_json_writer(void)
{
    struct buf b;
    struct jw w;
    buf_init(&b, 16);
    jw_init(&w, &b);
    jw_obj_begin(&w);
    jw_kstr(&w, "class", "AIS");
    jw_kint(&w, "turn", -127);
    jw_key(&w, "list");
    jw_arr_begin(&w);
    jw_int(&w, 1);
    jw_obj_begin(&w);
    jw_kbool(&w, "x", true);
    jw_obj_end(&w);
    jw_str(&w, "a\"b\\\x01\xff");
    jw_arr_end(&w);
    jw_kfixed(&w, "lat", 48.381633, 6);
    jw_obj_end(&w);
    buf_putc(&b, 0);
    CHECK_STR(b.p, "{\"class\":\"AIS\",\"turn\":-127,\"list\":[1,{\"x\":true},\"a\\\"b\\\\\\u0001\\u00ff\"],"
                   "\"lat\":48.381633}");
    buf_free(&b);
}

/* Doubles are written as the shortest decimal that reads back the same. */
static void test_json_shortest(void)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {{27.19, "27.19"}, {0.1, "0.1"}, {-62.205177, "-62.205177"}, {1e21, "1e+21"},
                 {1.0 / 3.0, "0.3333333333333333"}, {5e-324, "5e-324"}, {0.1 + 0.2, "0.30000000000000004"},
                 {100, "100"}, {-0.5, "-0.5"}, {NAN, "null"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        struct jw w;
        buf_init(&b, 16);
        jw_init(&w, &b);
        jw_double(&w, cases[i].v);
        buf_putc(&b, 0);
        CHECK_STR(b.p, cases[i].want);
        if (isfinite(cases[i].v))
            CHECK(strtod(b.p, NULL) == cases[i].v);
        buf_free(&b);
    }
}

/* The 8-byte load/store helpers agree with byte-by-byte reading. */
static void test_bits_load_store(void)
{
    uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 0x88};
    CHECK(bits_load_le64(b) == UINT64_C(0x8807060504030201));
    CHECK(bits_load_be64(b) == UINT64_C(0x0102030405060788));
    uint8_t o[8];
    bits_store_be64(o, UINT64_C(0x0102030405060788));
    CHECK(!memcmp(o, b, 8));
}

/* in_getline against a reference split of the same bytes: random lines of
 * 0..300 bytes (LF or CRLF, some with a lone CR inside, a few over
 * IN_MAX_LINE), with and without a final terminator, through buffer refills
 * (the file is several MiB) and with an in_peek or an in_read first, as
 * atalaya decode and the pipeline do; in_tell after each line. */
static void test_input_lines(void)
{
    unsigned seed = 42;
    for (int round = 0; round < 6; round++) {
        size_t cap = (size_t)6 << 20, n = 0;
        char *data = malloc(cap);
        while (n < cap - 2 * IN_MAX_LINE - 8) {
            seed = seed * 1103515245u + 12345u;
            size_t len = (seed >> 16) % 300;
            if ((seed >> 8) % 500 == 0)
                len = IN_MAX_LINE - 2 + (seed >> 4) % 2 * 4000;
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                char c = (char)(' ' + (seed >> 16) % 90);
                data[n++] = (seed >> 8) % 997 == 0 ? '\r' : c;
            }
            if ((seed >> 3) % 5 == 0)
                data[n++] = '\r';
            data[n++] = '\n';
        }
        if (round & 1)
            data[n++] = 'x'; /* last line without a terminator */
        char path[] = "/tmp/atalaya_test_input_XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0 && write(fd, data, n) == (ssize_t)n);
        close(fd);
        struct in_file *f = in_open(path);
        CHECK(f != NULL);
        size_t at = 0;
        if (round % 3 == 1) {
            const uint8_t *p;
            CHECK(in_peek(f, &p, 8192) == 8192);
        } else if (round % 3 == 2) {
            char head[100];
            CHECK(in_read(f, head, sizeof head) == (ssize_t)sizeof head);
            CHECK(!memcmp(head, data, sizeof head));
            at = sizeof head;
        }
        const char *line;
        size_t len;
        int over, r, bad = 0;
        while ((r = in_getline(f, &line, &len, &over)) == 1 && !bad) {
            const char *nl = memchr(data + at, '\n', n - at);
            size_t e = nl ? (size_t)(nl - data) : n, want = e - at;
            if (want && data[at + want - 1] == '\r')
                want--;
            int wover = want > IN_MAX_LINE;
            if (wover)
                want = IN_MAX_LINE;
            if (len != want || over != wover || memcmp(line, data + at, len))
                bad = 1;
            at = nl ? e + 1 : n;
            /* in_tell: the offset after the line (an over-long one's tail
             * is skipped on the next call, so it lags until then). */
            if (!over && in_tell(f) != (int64_t)at)
                bad = 1;
        }
        CHECK(!bad);
        CHECK_EQ_INT(r, 0);
        CHECK(at == n);
        /* Progress measures: the whole file read, its size on disk. */
        CHECK_EQ_INT(in_bytes_read(f), n);
        CHECK_EQ_INT(in_size(f), n);
        in_close(f);
        unlink(path);
        free(data);
    }
}

/* The one ISO 8601 writer against gmtime_r, over four centuries and both
 * sides of 1970, and back through time_parse_ms. */
static void test_time_iso(void)
{
    char a[32], b[64];
    CHECK_EQ_INT(time_iso_ms(1768199415123, true, a, sizeof a), 24);
    CHECK_STR(a, "2026-01-12T06:30:15.123Z");
    time_iso(1768199415123, a, sizeof a);
    CHECK_STR(a, "2026-01-12T06:30:15Z");
    time_iso_ms(-1, true, a, sizeof a);
    CHECK_STR(a, "1969-12-31T23:59:59.999Z");
    time_iso_ms(951782400000, false, a, sizeof a); /* 2000-02-29: a leap day in a century year */
    CHECK_STR(a, "2000-02-29T00:00:00Z");
    time_iso_ms(1768199415123, true, a, 11);
    CHECK_STR(a, "2026-01-12");
    uint64_t x = 88172645463325252ull;
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t ms = (int64_t)(x % (400ull * 365 * 86400000)) - 200ll * 365 * 86400000;
        time_t s = (time_t)(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
        struct tm tm;
        gmtime_r(&s, &tm);
        snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms - (int64_t)s * 1000));
        time_iso_ms(ms, true, a, sizeof a);
        int64_t back = 0;
        if (strcmp(a, b) || !time_parse_ms(a, &back) || back != ms)
            bad++;
    }
    CHECK_EQ_INT(bad, 0);
}

static void test_hex(void)
{
    uint32_t v = 7;
    CHECK(hex_u32("4CA1fe", 6, &v) && v == 0x4ca1fe);
    CHECK(!hex_u32("4CA1g0", 6, &v) && v == 0x4ca1fe);
    CHECK(!hex_u32("123456789", 9, &v));
    CHECK_EQ_INT(hex_digit('F'), 15);
    CHECK_EQ_INT(hex_digit('0'), 0);
    CHECK_EQ_INT(hex_digit('g'), -1);
    CHECK_EQ_INT(hex_digit(0xff), -1);
}

int main(void)
{
    RUN(test_bits_ais_numbering);
    RUN(test_bits_modes_numbering);
    RUN(test_bits_put_roundtrip);
    RUN(test_buf_numbers);
    RUN(test_json_writer);
    RUN(test_json_shortest);
    RUN(test_bits_load_store);
    RUN(test_input_lines);
    RUN(test_time_iso);
    RUN(test_hex);
    TEST_MAIN_END();
}

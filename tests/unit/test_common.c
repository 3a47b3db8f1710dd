/* test_common.c: bit helpers, the buffer's number formatting, the JSON writer. */
#include <stdint.h>

#include "common/bits.h"
#include "common/buf.h"
#include "common/json.h"
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

int main(void)
{
    RUN(test_bits_ais_numbering);
    RUN(test_bits_modes_numbering);
    RUN(test_bits_put_roundtrip);
    RUN(test_buf_numbers);
    RUN(test_json_writer);
    TEST_MAIN_END();
}

/* test_modes_crc.c: CRC-24 residuals of known frames, 1-bit correction of
 * every position, 2-bit correction, and refusals. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modes/crc.h"
#include "test.h"

static void hex(const char *s, uint8_t *out)
{
    for (size_t i = 0; s[2 * i]; i++) {
        char b[3] = {s[2 * i], s[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(b, NULL, 16);
    }
}

static void test_known_residuals(void)
{
    static const struct {
        const char *hex;
        int bits;
        uint32_t residual;
    } cases[] = {
        {"8D4840D6202CC371C32CE0576098", 112, 0},         /* DF17 ident KLM1023 (The 1090 MHz Riddle) */
        {"8D406B902015A678D4D220AA4BDA", 112, 0},         /* DF17 ident EZY85MH */
        {"5D3981E46DC8EB", 56, 0x0B},                    /* DF11 reply to interrogator 11 (from the Beast sample) */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t m[14];
        hex(cases[i].hex, m);
        CHECK_EQ_INT(modes_crc_residual(m, cases[i].bits), cases[i].residual);
    }
}

static void test_fix_every_single_bit(void)
{
    uint8_t clean[14], m[14];
    hex("8D4840D6202CC371C32CE0576098", clean);
    for (int bit = 5; bit < 112; bit++) {
        memcpy(m, clean, 14);
        m[bit >> 3] ^= (uint8_t)(0x80u >> (bit & 7));
        CHECK_EQ_INT(modes_crc_fix(m, 112, 1), 1);
        CHECK(memcmp(m, clean, 14) == 0);
    }
    uint8_t s_clean[7], s[7];
    hex("5D3981E46DC8E0", s_clean); /* DF11, IID 0 */
    for (int bit = 5; bit < 56; bit++) {
        memcpy(s, s_clean, 7);
        s[bit >> 3] ^= (uint8_t)(0x80u >> (bit & 7));
        CHECK_EQ_INT(modes_crc_fix(s, 56, 1), 1);
        CHECK(memcmp(s, s_clean, 7) == 0);
    }
}

static void test_two_bits_only_when_asked(void)
{
    uint8_t clean[14], m[14];
    hex("8D406B902015A678D4D220AA4BDA", clean);
    memcpy(m, clean, 14);
    m[4] ^= 0x10;
    m[9] ^= 0x02;
    CHECK_EQ_INT(modes_crc_fix(m, 112, 1), -1);
    CHECK(memcmp(m, clean, 14) != 0); /* untouched on failure */
    CHECK_EQ_INT(modes_crc_fix(m, 112, 2), 2);
    CHECK(memcmp(m, clean, 14) == 0);
    /* An error in the DF bits is never "corrected". */
    memcpy(m, clean, 14);
    m[0] ^= 0x40;
    CHECK_EQ_INT(modes_crc_fix(m, 112, 1), -1);
}

int main(void)
{
    RUN(test_known_residuals);
    RUN(test_fix_every_single_bit);
    RUN(test_two_bits_only_when_asked);
    TEST_MAIN_END();
}

/* modes_test_frames.h: helpers the Mode S decoder tests share: a frame from
 * hex as modes_frame_validate would leave it (CRC checked; for the
 * address/parity formats the address is the CRC residual, as AP recovery
 * gives it), and synthetic DF17/18 frames built field by field with a
 * correct parity. */
#ifndef ATALAYA_TEST_MODES_FRAMES_H
#define ATALAYA_TEST_MODES_FRAMES_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "modes/crc.h"
#include "modes/modes.h"

static inline int test_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}

/* Validated frame from 14 or 28 hex digits; time unknown. No correction. */
static inline struct modes_frame test_frame_hex(const char *hex)
{
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.len = (uint8_t)(strlen(hex) / 2);
    for (unsigned i = 0; i < f.len; i++)
        f.msg[i] = (uint8_t)(test_hexval(hex[2 * i]) << 4 | test_hexval(hex[2 * i + 1]));
    memcpy(f.verbatim, f.msg, f.len);
    uint32_t r = modes_crc_residual(f.msg, f.len * 8);
    unsigned df = f.msg[0] >> 3;
    if (df == 11) {
        f.crc_ok = r < 0x80; /* an interrogator code (II/SI) remains in DF11 */
    } else if (df == 17 || df == 18) {
        f.crc_ok = r == 0;
    } else {
        f.crc_ok = true;
        f.addr = r;
        f.addr_from_ap = true;
    }
    f.source = MODES_SRC_AVR;
    f.time_ms = MODES_NO_TIME;
    f.signal = NAN;
    return f;
}

/* ME field value v into ME bits first..last (1-based, DO-260B numbering). */
static inline void test_me_put(uint64_t *me, unsigned first, unsigned last, uint64_t v)
{
    *me |= (v & ((1ull << (last - first + 1)) - 1)) << (56 - last);
}

/* DF17 (or DF18 with cf) frame for addr carrying the 56-bit ME, with parity. */
static inline struct modes_frame test_frame_es(unsigned df, unsigned ca_cf, uint32_t addr,
                                               uint64_t me, int64_t time_ms)
{
    struct modes_frame f;
    memset(&f, 0, sizeof f);
    f.len = 14;
    f.msg[0] = (uint8_t)(df << 3 | ca_cf);
    f.msg[1] = (uint8_t)(addr >> 16);
    f.msg[2] = (uint8_t)(addr >> 8);
    f.msg[3] = (uint8_t)addr;
    for (int i = 0; i < 7; i++)
        f.msg[4 + i] = (uint8_t)(me >> (48 - 8 * i));
    uint32_t p = modes_crc24(f.msg, 11);
    f.msg[11] = (uint8_t)(p >> 16);
    f.msg[12] = (uint8_t)(p >> 8);
    f.msg[13] = (uint8_t)p;
    memcpy(f.verbatim, f.msg, 14);
    f.crc_ok = modes_crc_residual(f.msg, 112) == 0;
    f.source = MODES_SRC_BEAST;
    f.time_ms = time_ms;
    f.signal = NAN;
    return f;
}

#endif

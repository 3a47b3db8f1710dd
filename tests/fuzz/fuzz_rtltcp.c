/* fuzz_rtltcp.c: libFuzzer target over the rtl_tcp client's parsers: the
 * URL after "iq+rtltcp://" (input up to the first NUL) and the server's
 * byte stream (the rest), fed in chunks whose sizes come from the first
 * byte. Invariants: a parsed URL gives commands that are whole 5-byte
 * commands with known codes; the stream hands on only whole samples, and
 * exactly the bytes after a good header (less an odd last byte). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/rtltcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(void *ctx, const uint8_t *p, size_t n)
{
    (void)p;
    if (n == 0 || n % 2)
        abort();
    *(size_t *)ctx += n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = data[0] % 31 + 1;
    data++;
    size--;
    const uint8_t *nul = memchr(data, 0, size);
    size_t ul = nul ? (size_t)(nul - data) : size;
    char url[512];
    if (ul < sizeof url) {
        memcpy(url, data, ul);
        url[ul] = 0;
        struct rtltcp_cfg c;
        char err[256];
        if (rtltcp_parse(url, 162000000, 288000, &c, err, sizeof err) == 0) {
            uint8_t cmd[RTLTCP_MAX_COMMANDS * 5];
            size_t n = rtltcp_commands(&c, cmd);
            if (n % 5 || n > sizeof cmd)
                abort();
            for (size_t i = 0; i < n; i += 5)
                if (!strchr("\x01\x02\x03\x04\x05\x08", cmd[i]))
                    abort();
        } else if (!err[0]) {
            abort();
        }
    }
    if (!nul)
        return 0;
    const uint8_t *s = nul + 1;
    size_t n = size - ul - 1, got = 0, off = 0;
    struct rtltcp_stream st;
    memset(&st, 0, sizeof st);
    int rc = 0;
    for (; off < n && rc == 0; off += chunk)
        rc = rtltcp_stream_feed(&st, s + off, n - off < chunk ? n - off : chunk, count, &got);
    bool good = n >= RTLTCP_HEADER_BYTES && !memcmp(s, "RTL0", 4) && rc == 0;
    if (good && got != ((n - RTLTCP_HEADER_BYTES) & ~(size_t)1))
        abort();
    if (!good && got)
        abort();
    return 0;
}

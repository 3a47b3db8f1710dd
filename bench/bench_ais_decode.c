/* bench_ais_decode.c FILE: in-memory AIS decode rate on one core, without
 * file I/O or output: the file is read once, then its lines go through
 * ais_feed_line() alone ("framing") and through ais_feed_line() + ais_decode()
 * ("decode"), each pass repeated until it has run for at least a second.
 * Built and run by bench_ais.sh against build/<mode>/lib{ais,common}.a. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ais/ais.h"
#include "ais/nmea.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass over the buffer; returns the AIS sentences framed. */
static uint64_t pass(const char *buf, size_t n, int decode, uint64_t *decoded)
{
    struct ais_ctx *ctx = ais_ctx_new();
    const char *p = buf, *end = buf + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        struct ais_payload m;
        if (ais_feed_line(ctx, p, (size_t)(e - p), false, &m) == AIS_OK && decode) {
            struct ais_msg msg;
            *decoded += ais_decode(m.bits, m.nbits, &msg) == AIS_OK;
        }
        p = e + 1;
    }
    uint64_t s = ais_ctx_stats(ctx)->sentences;
    ais_ctx_free(ctx);
    return s;
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: bench_ais_decode FILE\n");
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        return 1;
    fclose(f);
    uint64_t lines = 0;
    for (long i = 0; i < n; i++)
        lines += buf[i] == '\n';
    for (int decode = 0; decode <= 1; decode++) {
        uint64_t sentences = 0, decoded = 0;
        int passes = 0;
        double t0 = now(), t;
        do {
            sentences += pass(buf, (size_t)n, decode, &decoded);
            passes++;
        } while ((t = now() - t0) < 1.0);
        printf("%-22s %6.2f M sentences/s  %6.2f M lines/s  %5.1f ns/line  (%d passes%s)\n",
               decode ? "in memory, decode:" : "in memory, framing:", (double)sentences / t / 1e6,
               (double)lines * passes / t / 1e6, t * 1e9 / ((double)lines * passes), passes,
               decode ? "" : ", no ais_decode");
        if (decode && decoded == 0)
            return 1;
    }
    free(buf);
    return 0;
}

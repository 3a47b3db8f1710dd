/* bench_modes_frames.c FILE: in-memory Mode S rates on one core, without file
 * I/O or output. FILE is a Beast stream, read once; three passes, each
 * repeated until it has run for at least a second:
 *   framing   Beast framer alone
 *   validate  framer + CRC check, 1-bit correction, address/parity filter
 *   decode    framer + validate + modes_decode (all fields, CPR)
 * and "decode-only": modes_decode over the already-validated frames, the
 * figure issue 3 sets a goal for (>= 20 M frames/s).
 * Built and run by bench_modes.sh against build/<mode>/lib{modes,common}.a. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modes/framer.h"
#include "modes/modes_msg.h"
#include "modes/validate.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct pass {
    int stage; /* 0 framing, 1 validate, 2 decode, 3 collect validated frames */
    struct modes_validator val;
    struct modes_decoder *dec;
    uint64_t frames, valid, decoded;
    struct modes_frame *keep;
    size_t nkeep, capkeep;
};

static void on_frame(void *ctx, struct modes_frame *f)
{
    struct pass *p = ctx;
    p->frames++;
    if (p->stage == 0 || !modes_frame_validate(&p->val, f))
        return;
    p->valid++;
    if (p->stage == 3) {
        if (p->nkeep == p->capkeep) {
            p->capkeep = p->capkeep ? 2 * p->capkeep : 1024;
            p->keep = realloc(p->keep, p->capkeep * sizeof *p->keep);
            if (!p->keep)
                abort();
        }
        p->keep[p->nkeep++] = *f;
    } else if (p->stage == 2) {
        struct modes_msg m;
        p->decoded += modes_decode(p->dec, f, &m) == MODES_DECODE_OK;
    }
}

static void run(struct pass *p, const uint8_t *buf, size_t n)
{
    struct modes_framer fr;
    modes_framer_init(&fr, MODES_FRAMER_BEAST);
    modes_framer_feed(&fr, buf, n, on_frame, p);
}

static void timed(const char *name, int stage, const uint8_t *buf, size_t n)
{
    struct pass p = {.stage = stage};
    struct modes_decoder_cfg cfg = {0};
    int reps = 0;
    double t0 = now(), t;
    do {
        modes_validator_init(&p.val, 1);
        p.dec = modes_decoder_new(&cfg);
        run(&p, buf, n);
        modes_decoder_free(p.dec);
        modes_validator_free(&p.val);
        reps++;
    } while ((t = now() - t0) < 1.0);
    printf("%-9s %10.2f M frames/s  (%llu frames, %llu valid, %llu decoded per pass; %d passes)\n", name,
           (double)p.frames / t / 1e6, (unsigned long long)(p.frames / (uint64_t)reps),
           (unsigned long long)(p.valid / (uint64_t)reps), (unsigned long long)(p.decoded / (uint64_t)reps), reps);
}

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: bench_modes_frames BEAST_FILE\n");
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    uint8_t *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_modes_frames: cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    timed("framing", 0, buf, (size_t)n);
    timed("validate", 1, buf, (size_t)n);
    timed("decode", 2, buf, (size_t)n);

    /* Decode-only: the validated frames, decoded again and again. */
    struct pass p = {.stage = 3};
    modes_validator_init(&p.val, 1);
    run(&p, buf, (size_t)n);
    struct modes_decoder_cfg cfg = {0};
    struct modes_decoder *dec = modes_decoder_new(&cfg);
    uint64_t done = 0, ok = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < p.nkeep; i++) {
            struct modes_msg m;
            ok += modes_decode(dec, &p.keep[i], &m) == MODES_DECODE_OK;
        }
        done += p.nkeep;
    } while ((t = now() - t0) < 1.0);
    printf("decode-only %8.2f M frames/s  (%llu decoded of %llu; goal >= 20 M/s)\n", (double)done / t / 1e6,
           (unsigned long long)ok, (unsigned long long)done);
    modes_decoder_free(dec);
    modes_validator_free(&p.val);
    free(p.keep);
    free(buf);
    return 0;
}

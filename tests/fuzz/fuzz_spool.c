/* fuzz_spool.c: libFuzzer target over spool bytes (stream/spool.h), the
 * one thing a receiver reads back from disk: the input decoded record by
 * record with obs_decode as the spool's scan does (a record must lie within
 * the bytes given, re-encode to the same bytes and never decode from a
 * shorter prefix), then the same bytes as a segment file that spool_open
 * scans and spool_next reads (torn or corrupt ends counted, never a crash). */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream/obs.h"
#include "stream/spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_all(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        struct obs o;
        long r = obs_decode(data + off, size - off, &o);
        if (r <= 0)
            break;
        if ((size_t)r > size - off || o.data < data + off || o.data + o.len > data + off + r)
            abort();
        uint8_t again[OBS_RECORD_MAX];
        size_t n = obs_encode(&o, again, sizeof again);
        if (n != (size_t)r || memcmp(again, data + off, n) != 0)
            abort(); /* a record decodes to what encodes to it */
        struct obs p;
        if (obs_decode(data + off, (size_t)r - 1, &p) > 0)
            abort();
        off += (size_t)r;
    }
}

static char dir[64];

static void remove_dir(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/lock", dir);
    unlink(path);
    rmdir(dir);
}

static void through_spool(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz-spool-%d", (int)getpid());
        atexit(remove_dir);
    }
    char path[128], err[4400];
    snprintf(path, sizeof path, "%s/0000000000000001.spool", dir);
    struct spool *sp = spool_open(dir, SPOOL_MIN_BYTES, err, sizeof err);
    if (!sp)
        return;
    spool_close(sp); /* an empty folder made */
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    if ((sp = spool_open(dir, SPOOL_MIN_BYTES, err, sizeof err))) {
        struct obs o;
        struct spool_pos pos;
        while (spool_next(sp, &o, &pos) == 1)
            spool_acked(sp, &pos);
        spool_close(sp);
    }
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_all(data, size);
    through_spool(data, size);
    return 0;
}

/* fuzz_det_state.c: libFuzzer target over the detectors' checkpoint records
 * a restart reads back from a store (detect.h, det_state_restore): each
 * line "KIND ID STATE" taken back, then the detectors run on (a position of
 * a restored vessel, the clock, the end of input) and checkpoint again,
 * so a record that was accepted must leave a state they can work with. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ais/ais.h"
#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const struct event *e)
{
    (void)ctx;
    (void)e;
}

static int put(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state)
{
    (void)ctx, (void)kind, (void)id, (void)t_ms, (void)state;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct det_config cfg = {.max_vessels = 64};
    struct det *d = det_new(&cfg, NULL, sink, NULL);
    det_checkpoint_enable(d);
    char line[4096];
    uint32_t last_id = 0;
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len < sizeof line) {
            memcpy(line, p, len);
            line[len] = 0;
            char kind[16];
            long long id;
            int at = 0;
            if (sscanf(line, "%15s %lld %n", kind, &id, &at) == 2 &&
                det_state_restore(d, kind, id, line + at) == 0 && !strcmp(kind, "vessel"))
                last_id = (uint32_t)id;
        }
        p += len + (nl != NULL);
    }
    /* A restored vessel reports again, the clock runs on, the input ends. */
    static struct trk_vessel v;
    memset(&v, 0, sizeof v);
    v.mmsi = last_id ? last_id : 211000001;
    v.station = AIS_STATION_CLASS_A;
    v.lat = 10;
    v.lon = -20;
    int64_t t = 1768176000000LL + 86400000LL;
    v.v_pos = (struct trk_valid){t, TRK_SRC_AIS_A};
    v.v_sog = (struct trk_valid){t, TRK_SRC_AIS_A};
    v.sog_dkn = 5;
    struct trk_update u = {.kind = TRK_VESSEL, .flags = TRK_U_POS, .t_ms = t, .e.vessel = &v};
    det_on_update(d, &u, "rx", "x", 1);
    det_tick(d, t + 7 * 3600000LL);
    det_checkpoint(d, put, NULL);
    det_finish(d);
    det_free(d);
    return 0;
}

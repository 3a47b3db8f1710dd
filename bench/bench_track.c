/* bench_track.c: tracker updates per second with a large live picture
 * (200,000 vessels and 15,000 aircraft, as issue 4 asks), and the memory each
 * tracked entity costs. Synthetic updates: every entity moves along its own
 * straight line, reporting in round-robin once per 10 s of event time (so
 * 21,500 messages per second of event time, a busy world feed); a tenth of
 * vessel updates are static data. Printed, not asserted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ais/ais.h"
#include "modes/modes_msg.h"
#include "track/track.h"

static long rss_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            v = atol(line + strlen(key) + 1);
    if (f)
        fclose(f);
    return v;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    unsigned nv = argc > 1 ? (unsigned)atoi(argv[1]) : 200000, na = argc > 2 ? (unsigned)atoi(argv[2]) : 15000;
    unsigned rounds = argc > 3 ? (unsigned)atoi(argv[3]) : 20;
    unsigned trail = argc > 4 ? (unsigned)atoi(argv[4]) : 64;
    long rss0 = rss_kib("VmRSS:");
    struct trk_config cfg = {.trail_points = trail};
    struct trk *t = trk_new(&cfg);
    struct trk_update u;
    struct ais_msg am;
    memset(&am, 0, sizeof am);
    am.type = 1;
    am.station = AIS_STATION_CLASS_A;
    am.has = AIS_HAS_POS | AIS_HAS_SOG | AIS_HAS_COG | AIS_HAS_HEADING | AIS_HAS_STATUS;
    struct modes_msg mm;
    memset(&mm, 0, sizeof mm);
    mm.df = 17;
    mm.source = MODES_SRC_BEAST;
    mm.signal = NAN;
    mm.have = MODES_BIT(MODES_F_ADDR) | MODES_BIT(MODES_F_POS) | MODES_BIT(MODES_F_ALT_BARO) | MODES_BIT(MODES_F_GS);
    double tms_d = 1700000000000.0, step = 10000.0 / (nv + na);
    int64_t tms = (int64_t)tms_d;
    uint64_t updates = 0;
    double t0 = now_s();
    for (unsigned r = 0; r < rounds; r++) {
        for (unsigned i = 0; i < nv; i++) {
            am.mmsi = 200000000u + i;
            am.lat = -60.0 + (i % 1200) * 0.1 + r * 0.0005;
            am.lon = -170.0 + (double)(i / 1200) * 2.0;
            am.sog_dkn = 120;
            am.type = (i % 10 == 0) ? 5 : 1;
            if (am.type == 5) {
                am.has = AIS_HAS_NAME | AIS_HAS_IMO | AIS_HAS_SHIPTYPE;
                snprintf(am.shipname, sizeof am.shipname, "VESSEL %u", i);
                am.imo = 9000000 + i;
                am.shiptype = 80;
            } else {
                am.has = AIS_HAS_POS | AIS_HAS_SOG | AIS_HAS_COG | AIS_HAS_HEADING | AIS_HAS_STATUS;
            }
            trk_update_ais(t, &am, tms, &u);
            tms = (int64_t)(tms_d += step);
            updates++;
        }
        for (unsigned i = 0; i < na; i++) {
            mm.addr = 0x100000u + i;
            mm.lat = -50.0 + (i % 100) * 1.0 + r * 0.01;
            mm.lon = -150.0 + (double)(i / 100) * 2.0;
            mm.alt_baro_ft = 35000;
            mm.gs_kt = 450;
            trk_update_modes(t, &mm, tms, &u);
            tms = (int64_t)(tms_d += step);
            updates++;
        }
    }
    double dt = now_s() - t0;
    long rss1 = rss_kib("VmRSS:");
    size_t live = trk_vessel_count(t) + trk_aircraft_count(t);
    printf("tracker: %u vessels + %u aircraft live, %u rounds, trails of %u points\n", nv, na, rounds, trail);
    printf("  %.2f M updates/s (%.0f ns/update, %llu updates in %.2f s)\n", updates / dt / 1e6, dt / updates * 1e9,
           (unsigned long long)updates, dt);
    printf("  memory: %.0f bytes per entity with a %u-point trail (%.1f MiB for %zu entities); entity record %zu/%zu bytes (vessel/aircraft)\n",
           (rss1 - rss0) * 1024.0 / (double)live, trail, (rss1 - rss0) / 1024.0, live, sizeof(struct trk_vessel),
           sizeof(struct trk_aircraft));
    trk_free(t);
    return 0;
}

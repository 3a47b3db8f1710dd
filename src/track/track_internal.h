/* track_internal.h: what the tracker's own files share. Not for other modules. */
#ifndef ATALAYA_TRACK_INTERNAL_H
#define ATALAYA_TRACK_INTERNAL_H

#include "common/hash.h"
#include "track/track.h"

struct trk {
    struct trk_config cfg;
    struct trk_stats stats;
    struct hash_u32 vessel_index, aircraft_index;
    struct trk_vessel *vessels;
    struct trk_aircraft *aircraft;
    bool *vessel_live, *aircraft_live;
    /* Each slot's last_ms beside the tables, so expiry and eviction scan 8
     * bytes per entity rather than its whole record (a million vessels: 8 MB,
     * not 440 MB). Kept by vessel.c and aircraft.c with last_ms. */
    int64_t *vessel_heard, *aircraft_heard;
    size_t nvessels, vessels_cap, naircraft, aircraft_cap;
    uint32_t *vessel_free, *aircraft_free; /* free slots (stacks) */
    size_t nvessel_free, naircraft_free;
    size_t live_vessels, live_aircraft;
    int64_t next_sweep_ms;
};

/* validity.c */
bool trk_accept(const struct trk_valid *v, uint8_t source, int64_t t_ms, int64_t stale_ms);
void trk_set(struct trk_valid *v, uint8_t source, int64_t t_ms);
/* Position plausibility against the entity's last accepted position. Returns
 * true to accept; on rejection *speed_kt is the implied speed. */
bool trk_plausible(const struct trk *t, const struct trk_valid *vpos, double lat0, double lon0, double lat,
                   double lon, int64_t t_ms, double max_kt, double *speed_kt);

/* trail.c */
void trk_trail_add(struct trk_trail *tr, unsigned cap, double lat, double lon, int64_t t_ms, int32_t alt_ft,
                   bool have_alt, double speed_kt, bool have_speed);
void trk_trail_free(struct trk_trail *tr);

/* track.c: entity lookup-or-create, marks TRK_U_NEW in u. */
struct trk_vessel *trk_vessel_touch(struct trk *t, uint32_t mmsi, int64_t t_ms, struct trk_update *u);
struct trk_aircraft *trk_aircraft_touch(struct trk *t, uint32_t icao, int64_t t_ms, struct trk_update *u);
void trk_maybe_sweep(struct trk *t, int64_t t_ms);

#endif

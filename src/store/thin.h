/* thin.h: which positions of a track the store keeps. ADS-B gives a fix
 * twice a second and a Class A ship every 2-10 s; stored as they come, a
 * day of a busy region is billions of rows that say little more than one
 * fix every few seconds would. A fix is kept when the track has moved on
 * in time or changed (course, speed, altitude), and the last fix before
 * every silence is kept too, so a dark gap starts exactly where the vessel
 * was last heard. The detectors see every message before this; only the
 * stored history is thinned. Event time only. */
#ifndef ATALAYA_STORE_THIN_H
#define ATALAYA_STORE_THIN_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct thin_config {
    int64_t vessel_ms, aircraft_ms; /* keep at least one fix this often (60 s, 10 s) */
    double course_deg;              /* keep a turn of this much since the last kept fix (10) */
    double vessel_kn, aircraft_kt;  /* a speed change of this much (2 kn, 25 kt) */
    double alt_ft;                  /* an altitude change of this much (300 ft) */
};

struct thinner;

/* cfg NULL: the defaults above. */
struct thinner *thin_new(const struct thin_config *cfg);
void thin_free(struct thinner *t);

/* Offers a fix; writes to out the fixes to store now, in time order (the
 * held fix before a silence, then this one): returns 0, 1 or 2. The
 * source string must outlive the thinner (the store's source names do). */
int thin_offer(struct thinner *t, const struct store_position *p, struct store_position out[2]);

/* The fixes still held (each entity's latest, if not stored), for the end
 * of an ingest. */
typedef int (*thin_flush_cb)(void *ctx, const struct store_position *p);
int thin_flush(struct thinner *t, thin_flush_cb cb, void *ctx);

#endif

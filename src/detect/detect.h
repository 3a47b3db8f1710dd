/* detect.h: what analysts look for, found in the stream of tracker updates:
 * AIS dark gaps, ship-to-ship encounters and loitering (vessels). Each
 * detector is a file of its own behind this one interface; thresholds are
 * configurable and default to Global Fishing Watch's published definitions
 * (cited beside each). Events are JSON lines with their time span, the
 * entities, where it happened, the numbers that made it an event, and the
 * raw messages that bound it as evidence. Event time only: the same recording
 * gives the same events, whatever the chunking or speed.
 *
 * Distance from shore comes from the reference data's land polygons
 * (det_shore_nm, shore.c); without reference data every place counts as far
 * from shore and the "likely deliberate" / loitering rules say so. */
#ifndef ATALAYA_DETECT_DETECT_H
#define ATALAYA_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "track/track.h"

struct ref;
struct buf;

struct det_config {
    /* AIS gaps (GFW, "AIS disabling events", Welch et al. 2022, Sci. Adv.): gaps of
     * >= 6 h are logged; >= 12 h starting >= 50 nm from shore, with good
     * reception before, are "likely deliberate". */
    double gap_min_h, gap_deliberate_h, gap_deliberate_shore_nm;
    int gap_good_coverage_positions; /* positions in the 6 h before the gap (default 10) */
    /* Encounters (GFW, Miller et al. 2018, Front. Mar. Sci.): within 500 m
     * for >= 2 h, median speed < 2 kn, >= 10 km from an anchorage (port). */
    double enc_distance_m, enc_min_h, enc_max_median_kn, enc_min_port_km;
    /* Loitering (GFW carrier loitering): < 2 kn for >= 2 h (4 h for a
     * stricter reading), >= 20 nm from shore. */
    double loiter_max_kn, loiter_min_h, loiter_shore_nm;
    /* Port calls (GFW port visits, pipe-anchorages CreateInOutEvents): in port
     * within 3 km of a port point, out beyond 4 km; stopped at <= 0.2 kn until
     * >= 0.5 kn; a silence of >= 4 h in port is a "port gap". A visit counts
     * with a stop or a gap (GFW confidence >= 3) lasting >= 3 h (GFW carrier
     * vessel portal minimum; negative: no minimum). */
    double port_entry_km, port_exit_km, port_stop_kn, port_start_kn, port_gap_h, port_min_h;
    /* Geofences: a dwell event once an entity has been inside >= 1 h (ours). */
    double geofence_dwell_h;
};

struct det_stats {
    uint64_t gaps, gaps_deliberate, gaps_coverage, encounters, loitering;
    uint64_t port_calls, port_calls_open, port_visits_dropped, geofence_enter, geofence_exit, geofence_dwell;
};

struct det;

/* r may be NULL (no shore or port distances). cfg may be NULL: defaults. */
struct det *det_new(const struct det_config *cfg, const struct ref *r);
void det_free(struct det *d);

/* Feeds one tracker update. source: the receiver the message came through
 * ("" if unknown), so a receiver's outage is not read as ships going dark.
 * Appends any finished events to out as JSON lines. */
void det_on_update(struct det *d, const struct trk_update *u, const char *source, const char *evidence,
                   size_t evidence_len, struct buf *out);
/* End of input: events still open (an encounter or loitering in progress)
 * are closed at their last report if they already qualify. */
void det_finish(struct det *d, struct buf *out);
const struct det_stats *det_stats(const struct det *d);
/* The counters as "name: value" lines (replay --stats). */
void det_print_stats(const struct det *d, FILE *f);

/* Port polygons (GeoJSON Polygon/MultiPolygon; property "name" the port,
 * optional "country" its ISO alpha-2): a vessel inside one is in that port,
 * beside the World Port Index points. Geofences: zones whose entry, exit and
 * dwell are reported for every vessel and aircraft. Both return 0, or -1
 * with err filled (see portcall.c, geofence.c). */
int det_load_port_polygons(struct det *d, const char *geojson_path, char *err, size_t errn);
int det_load_geofences(struct det *d, const char *geojson_path, char *err, size_t errn);

/* Distance from (lat, lon) to the nearest land, nautical miles, searched out
 * to max_nm (returns max_nm when no land is that close). 0 on land. */
double det_shore_nm(const struct ref *r, double lat, double lon, double max_nm);

#endif

/* watch.h: enrichment and watchlist alerts on the live picture.
 *
 * On a new entity or an identity change, the tracker calls our enricher:
 * flag from the MMSI's MID, country from the ICAO address block, operator
 * from the callsign prefix, registration and type from the user's registry,
 * and the watchlist match (rule + list entry). After every update the caller
 * passes the update and its raw messages to watch_on_update(), which raises:
 *   - "watchlist_sighting": a watched entity seen for the first time (or
 *     first matched after an identity change);
 *   - "area_entry": a watched entity's position entering a configured area
 *     (GeoJSON polygons, e.g. a country's territorial sea).
 * Each alert is an event (event.h) marked as an alert with the rule that
 * matched, carrying the match (rule, weak, list entry with program and entry
 * number) and the raw messages as evidence, handed to the sink given at
 * construction. Event time only. This module reads the reference data and
 * watchlists (src/ref) and the tracker's entities (src/track).
 */
#ifndef ATALAYA_DETECT_WATCH_H
#define ATALAYA_DETECT_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "detect/event.h"
#include "track/track.h"

struct ref;
struct ref_wl_index;
struct sqlite3;

struct watch_stats {
    uint64_t enriched, matched, sightings, area_entries;
};

struct watch;

/* Any of r, x, registry may be NULL (that enrichment or matching is skipped).
 * Alerts go to sink(ctx, event); sink may be NULL (alerts only counted). */
struct watch *watch_new(const struct ref *r, const struct ref_wl_index *x, struct sqlite3 *registry,
                        event_sink_fn sink, void *ctx);
void watch_free(struct watch *w);

/* Adds the polygons of a GeoJSON file (Polygon and MultiPolygon features;
 * outer rings; the feature's "name" property names the area). At most 32
 * areas. Returns 0, or -1 with err filled. */
int watch_load_areas(struct watch *w, const char *path, char *err, size_t errn);

/* The tracker hook: pass it in struct trk_config.enricher. */
struct trk_enricher watch_enricher(struct watch *w);

/* Raises the alerts an update calls for, appending one JSON line each to out.
 * evidence: the raw message(s) behind the update (NMEA sentences or frame hex).
 * Returns the number of alerts written. */
int watch_on_update(struct watch *w, const struct trk_update *u, const char *evidence, size_t evidence_len);

/* After a restart: the entity (kind 1 vessel, 2 aircraft) was last heard at
 * t_ms, so hearing it again within the revisit time (6 h) is not a new
 * sighting. */
void watch_note_seen(struct watch *w, uint8_t kind, uint32_t id, int64_t t_ms);

const struct watch_stats *watch_stats(const struct watch *w);

#endif

/* detect.h: what analysts look for, found in the stream of tracker updates:
 * AIS dark gaps, ship-to-ship encounters and loitering (vessels). Each
 * detector is a file of its own behind this one interface; thresholds are
 * configurable and default to Global Fishing Watch's published definitions
 * (cited beside each). Events are typed values (event.h) with their time
 * span, the entities and their roles, where it happened, the numbers that
 * made it an event, and the raw messages that bound it as evidence, handed to
 * the sink given at construction. Event time only: the same recording gives
 * the same events, whatever the chunking or speed.
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

#include "detect/event.h"
#include "common/config.h"
#include "track/track.h"

struct ref;

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
    /* Impossible kinematics and spoofing (spoof.c, jump.c, land.c, gnss.c; sources in
     * docs/detectors.md): a spell of rejected fixes needs spoof_min_rejected
     * (2) and a jump of spoof_min_jump_nm (3 nm), and ends spoof_settle_min
     * (10 min) after the last; 3 returns to the first place make it "two
     * places". On land: >= land_inland_nm (5 nm) from any water and
     * land_port_nm (20 nm) from any port, reached by a jump or heard there
     * first (or also by sailing there: land_report_sailed); a vessel's test
     * is reused within land_recheck_nm (1 nm).
     * NACp (readsb's counter rule): below gnss_nacp_bad (8) counts up, at or
     * above gnss_nacp_good (8) down, degraded at gnss_count_open (18) of at
     * most gnss_count_max (20). Jamming: jam_min_aircraft (3) degraded within
     * jam_radius_nm (100) and jam_window_min (30) of each other. */
    int spoof_min_rejected, spoof_two_places_min;
    double spoof_settle_min, spoof_min_jump_nm, land_inland_nm, land_port_nm, land_recheck_nm;
    bool land_report_sailed;
    /* Aircraft moves beyond spoof_ac_speed_factor (1.3) x their own ground
     * speed, at least spoof_ac_min_kt (200), are jumps (readsb's rule). */
    double spoof_ac_speed_factor, spoof_ac_min_kt;
    int gnss_nacp_bad, gnss_nacp_good, gnss_count_open, gnss_count_max, jam_min_aircraft;
    double jam_radius_nm, jam_window_min;
    /* Flights and emergency squawks (flight.c; sources in docs/detectors.md).
     * EUROCONTROL OPDI flight list v0.0.1 (opdi.aero/methodology): airports
     * within 10 km, candidates below 10,000 ft, a 10 min silence below 1 km
     * ends a flight, a 30 min silence splits a track (here: is judged). */
    double flight_airport_km, flight_low_ft, flight_runway_ft, flight_land_gap_min, flight_split_gap_min;
    double flight_glide_deg;       /* 3: the optimum ILS glide path, ICAO Doc 8168 (PANS-OPS) */
    double flight_approach_max_deg; /* 60: an inferred airport lies within this of the track (ours) */
    double flight_above_path_ft;    /* 3000: an inferred end is at most this above its path (ours) */
    double flight_climb_max_deg;    /* 6: steeper than airliners' climb-outs (steep-approach airports: 5.5) */
    double flight_ambiguity;        /* 2: an inferred airport must fit this much better than the next (ours) */
    double flight_ground_max_kt;   /* 175: top of the DO-260B surface movement scale */
    double flight_max_gap_h;       /* 20: longer than any scheduled flight (~19 h) */
    double flight_join_min_frac, flight_join_max_frac; /* 0.7, 1.3 of the speed flown */
    double flight_touchgo_s;       /* 120: shorter ground contacts are touch-and-go */
    double flight_callsign_wait_s; /* 60: twelve identification squitters (one per ~5 s) */
    int emergency_min_reports;     /* 2: one corrupted reply is not an emergency */
    /* Open events (a gap, a meeting, loitering, a dwell, degraded GNSS, a
     * squawk still going on) are reported when they start to qualify and
     * again at most every open_update_min (60) of event time while they last,
     * so a store is not flooded; then closed with the same key. */
    double open_update_min;
    /* Distress (distress.c): a locating device or a ship with status 14
     * silent this long (10 min; an active AIS-SART sends every minute,
     * ITU-R M.1371-5) is no longer transmitting: its event is closed. */
    double distress_silence_min;
    /* Vessels the detectors remember at most (detect.max_vessels; 0: the
     * tracker's cap, track.max_entities, as the pipeline sets it). Past it
     * the least recently heard with nothing open (no open gap, loitering or
     * encounter pair) are forgotten, a 32nd of the cap at a time; the
     * spoofing detector's vessels and aircraft likewise (docs/memory.md). */
    unsigned max_vessels;
};

/* Every det_config threshold by name ("gap.min_h"), with unit, default and
 * source (det_options.c; docs/detectors.md): set them with cfg_set. */
extern const struct cfg_param det_params[];
/* Both threshold tables (detectors, tracker) as the targets of cfg_load, so
 * --set NAME=VALUE and config-file lines fill d and t. Either may start zeroed:
 * det_new and trk_new fill what is left 0 with the same defaults. */
void det_cfg_targets(struct cfg_target tg[2], struct det_config *d, struct trk_config *t);

struct det_stats {
    uint64_t gaps, gaps_deliberate, gaps_coverage, encounters, loitering;
    uint64_t port_calls, port_calls_open, port_visits_dropped, geofence_enter, geofence_exit, geofence_dwell;
    uint64_t implausible_speed, two_places, on_land, gnss_degraded, gnss_jamming;
    uint64_t flights, flights_joined, touch_and_go, emergency_squawks;
    uint64_t distress, distress_tests; /* distress events ended (closed, or open at the end), alarms and tests */
    uint64_t vessels, vessels_evicted;  /* vessels remembered now; forgotten over max_vessels */
    uint64_t spoof_evicted;             /* spoofing detector's entities forgotten over max_vessels */
};

struct det;

/* r may be NULL (no shore or port distances). cfg may be NULL: defaults.
 * Every event goes to sink(ctx, event) as it is raised. */
struct det *det_new(const struct det_config *cfg, const struct ref *r, event_sink_fn sink, void *ctx);
void det_free(struct det *d);

/* Feeds one tracker update (ignored while its time is unknown, t_ms <= 0). source: the receiver the message came through
 * ("" if unknown), so a receiver's outage is not read as ships going dark.
 * Events it raises go to the sink. */
void det_on_update(struct det *d, const struct trk_update *u, const char *source, const char *evidence,
                   size_t evidence_len);
/* The pipeline's event-time clock (the latest message time), called as
 * often as convenient: every few minutes of event time it reports open an AIS
 * gap for each vessel silent longer than gap_min_h (then again every
 * open_update_min), which is closed, with its true start, when the vessel is
 * heard again. */
void det_tick(struct det *d, int64_t now_ms);
/* End of input: encounters and loitering in progress are closed at their
 * last report if they already qualify, as are spoofing spells; what is still
 * going on otherwise (a silence, a port call, a squawk, a dwell, a flight's
 * GNSS degradation) stays open, reported in state open. */
void det_finish(struct det *d);
/* Whether events of this kind come from more than one entity's reports:
 * ship-to-ship encounters and GNSS jamming areas pair entities; an AIS gap
 * weighs the reception of every other vessel nearby and the silence of the
 * receiver; an identity change may link two MMSIs by their IMO number. A
 * pipeline that sees only some entities (a stream worker's shard) cannot
 * raise them as one that sees all does (stream/worker.h: the global stage). */
bool det_kind_global(const char *kind);
/* After a restart: re-creates the state behind an open event read back from
 * a store (store_query_open_events), so that when the condition ends the
 * same event (same key, true start) is closed once. Kinds whose state cannot
 * be rebuilt are reported closed at their last time instead (docs/detectors.md,
 * "Restart"). Call after det_new (and the geofences) and before the first
 * update. Returns 0 restored, 1 closed instead, -1 not a detector event. */
int det_restore(struct det *d, const struct event *open);
/* Restart continuity (checkpoint.c): the state the detectors keep per vessel
 * (last position, time, receiver and raw message, recent reception, a slow
 * spell's samples, open gap and loitering times, IMO links), per encounter
 * pair, per receiver and per coverage cell, as small text records a store
 * keeps beside the rows (store.h, put_state). det_checkpoint_enable starts
 * the bookkeeping; det_checkpoint then hands put every record changed since
 * the last call (state NULL: the record is gone, e.g. a vessel forgotten
 * over max_vessels); it returns how many, or -1 when put failed (put
 * returns non-zero). det_state_restore takes one back after det_new and
 * before the first update, vessels before pairs (kinds "vessel", "source",
 * "pair", "heard"): 0 taken, 1 not (unknown kind, another version, over
 * the cap). Open events (det_restore) come after: a vessel already restored
 * keeps its own state and only learns its gap is open. */
typedef int (*det_state_fn)(void *ctx, const char *kind, int64_t id, int64_t t_ms, const char *state);
void det_checkpoint_enable(struct det *d);
int det_checkpoint(struct det *d, det_state_fn put, void *ctx);
int det_state_restore(struct det *d, const char *kind, int64_t id, const char *state);
/* A vessel the store heard (its latest position) that no record covers
 * (a store written by ingest, or before checkpoints): its last report, so
 * a silence after the restart is still a gap. 0 seeded, 1 known already. */
int det_seed_vessel(struct det *d, uint32_t mmsi, int64_t t_ms, double lat, double lon, const char *name,
                    uint32_t imo);
const struct det_stats *det_stats(const struct det *d);
/* The cap on vessels in force (det_config.max_vessels). */
unsigned det_max_vessels(const struct det *d);
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

/* flight.c, the rules on their own. det_flights_defaults fills the flight_*
 * and emergency_* fields left 0, as det_new does. */
void det_flights_defaults(struct det_config *c);
/* Whether a silence of gap_s seconds, over which the aircraft moved dist_m
 * (great circle from the last position before to the first after), fits one
 * flight flown at about speed_kt (the speed seen either side; <= 0 unknown):
 * 1 yes, 0 no (it must have landed), -1 cannot tell (no speed known). */
int det_flight_gap_fits(const struct det_config *c, double gap_s, double dist_m, double speed_kt);
/* How far from an airport a point height_ft above it can still belong to its
 * approach or climb-out: the airport radius plus the distance a glide path
 * of flight_glide_deg covers from that height, metres. */
double det_flight_glide_radius_m(const struct det_config *c, double height_ft);

#endif

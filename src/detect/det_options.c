/* det_options.c: every detector threshold by name, for --set NAME=VALUE,
 * config files, `atalaya config --defaults` and docs/detectors.md (a test
 * checks every name is documented there). The defaults are det_new's and
 * det_flights_defaults' own (test_config checks they agree); a zero field
 * still means "the default" to det_new, so values must be > 0 (port.min_h:
 * non-zero, negative for no minimum). */
#include <stddef.h>

#include "common/config.h"
#include "detect/detect.h"

#define F(f) offsetof(struct det_config, f)
#define P CFG_POSITIVE
const struct cfg_param det_params[] = {
    {"gap.min_h", CFG_DOUBLE, F(gap_min_h), "6", "h", P, "AIS silences this long are gaps (GFW AIS disabling events, Welch et al. 2022, Sci. Adv.)"},
    {"gap.deliberate_h", CFG_DOUBLE, F(gap_deliberate_h), "12", "h", P, "a gap this long may be likely deliberate (GFW, Welch et al. 2022)"},
    {"gap.deliberate_shore_nm", CFG_DOUBLE, F(gap_deliberate_shore_nm), "50", "nm", P, "... when it starts this far from shore (GFW, Welch et al. 2022)"},
    {"gap.good_coverage_positions", CFG_I32, F(gap_good_coverage_positions), "10", "", P, "... with this many positions in the 6 h before (GFW, Welch et al. 2022)"},
    {"encounter.distance_m", CFG_DOUBLE, F(enc_distance_m), "500", "m", P, "two vessels this close meet (GFW encounters, Miller et al. 2018, Front. Mar. Sci.)"},
    {"encounter.min_h", CFG_DOUBLE, F(enc_min_h), "2", "h", P, "for at least this long (GFW, Miller et al. 2018)"},
    {"encounter.max_median_kn", CFG_DOUBLE, F(enc_max_median_kn), "2", "kn", P, "with a median speed below this (GFW, Miller et al. 2018)"},
    {"encounter.min_port_km", CFG_DOUBLE, F(enc_min_port_km), "10", "km", P, "at least this far from a port or anchorage (GFW, Miller et al. 2018)"},
    {"loiter.max_kn", CFG_DOUBLE, F(loiter_max_kn), "2", "kn", P, "slower than this is loitering (GFW carrier loitering)"},
    {"loiter.min_h", CFG_DOUBLE, F(loiter_min_h), "2", "h", P, "for at least this long (GFW carrier loitering; 4 h for a stricter reading)"},
    {"loiter.shore_nm", CFG_DOUBLE, F(loiter_shore_nm), "20", "nm", P, "starting at least this far from shore (GFW carrier loitering)"},
    {"port.entry_km", CFG_DOUBLE, F(port_entry_km), "3", "km", P, "in port within this of a port point (GFW port visits, pipe-anchorages CreateInOutEvents)"},
    {"port.exit_km", CFG_DOUBLE, F(port_exit_km), "4", "km", P, "out of port beyond this (GFW pipe-anchorages)"},
    {"port.stop_kn", CFG_DOUBLE, F(port_stop_kn), "0.2", "kn", P, "a stop in port begins at or below this (GFW pipe-anchorages)"},
    {"port.start_kn", CFG_DOUBLE, F(port_start_kn), "0.5", "kn", P, "and ends at or above this (GFW pipe-anchorages)"},
    {"port.gap_h", CFG_DOUBLE, F(port_gap_h), "4", "h", P, "a silence this long in port is a port gap (GFW min_gap_minutes 240)"},
    {"port.min_h", CFG_DOUBLE, F(port_min_h), "3", "h", CFG_NONZERO, "a port call lasts at least this; negative: no minimum (GFW carrier vessel portal)"},
    {"geofence.dwell_h", CFG_DOUBLE, F(geofence_dwell_h), "1", "h", P, "a dwell event once inside a geofence this long (ours)"},
    {"events.open_update_min", CFG_DOUBLE, F(open_update_min), "60", "min", P, "an open event (a gap, a meeting, a dwell still going on) is reported again at most this often (ours: one row update an hour keeps the store small)"},
    {"spoof.min_rejected", CFG_I32, F(spoof_min_rejected), "2", "", P, "rejected fixes that make an implausible-speed spell (ours: one is a corrupted message)"},
    {"spoof.two_places_min", CFG_I32, F(spoof_two_places_min), "3", "", P, "returns to the first place that make it \"two places\" (ours)"},
    {"spoof.settle_min", CFG_DOUBLE, F(spoof_settle_min), "10", "min", P, "a spell ends this long after its last rejected fix (ours)"},
    {"spoof.min_jump_nm", CFG_DOUBLE, F(spoof_min_jump_nm), "3", "nm", P, "the first rejected fix is at least this far (satellite AIS stamps late; docs/detectors.md)"},
    {"spoof.aircraft_speed_factor", CFG_DOUBLE, F(spoof_ac_speed_factor), "1.3", "", P, "an aircraft move beyond this times its own ground speed is a jump (readsb's rule)"},
    {"spoof.aircraft_min_kt", CFG_DOUBLE, F(spoof_ac_min_kt), "200", "kt", P, "... taking at least this speed (readsb's rule)"},
    {"land.inland_nm", CFG_DOUBLE, F(land_inland_nm), "5", "nm", P, "a vessel this far from any water is on land (ours)"},
    {"land.port_nm", CFG_DOUBLE, F(land_port_nm), "20", "nm", P, "... and this far from any port (ours)"},
    {"land.recheck_nm", CFG_DOUBLE, F(land_recheck_nm), "1", "nm", P, "a vessel's land test is reused within this (ours)"},
    {"land.report_sailed", CFG_BOOL, F(land_report_sailed), "false", "", 0, "also report vessels that sailed onto land, not only jumped or first heard there (ours)"},
    {"gnss.nacp_bad", CFG_I32, F(gnss_nacp_bad), "8", "", P, "an ADS-B NACp below this counts up (readsb's counter rule; 14 CFR 91.227 needs 8)"},
    {"gnss.nacp_good", CFG_I32, F(gnss_nacp_good), "8", "", P, "a NACp at or above this counts down (readsb's counter rule)"},
    {"gnss.count_open", CFG_I32, F(gnss_count_open), "18", "", P, "degraded from this count (readsb via gpsjam.org)"},
    {"gnss.count_max", CFG_I32, F(gnss_count_max), "20", "", P, "the counter's cap, at least gnss.count_open (readsb via gpsjam.org)"},
    {"jam.min_aircraft", CFG_I32, F(jam_min_aircraft), "3", "", P, "degraded aircraft that make a jamming area (gpsjam.org counts several)"},
    {"jam.radius_nm", CFG_DOUBLE, F(jam_radius_nm), "100", "nm", P, "... within this of each other (ours)"},
    {"jam.window_min", CFG_DOUBLE, F(jam_window_min), "30", "min", P, "... and this long (ours)"},
    {"flight.airport_km", CFG_DOUBLE, F(flight_airport_km), "10", "km", P, "the airport's circle for departure and arrival (EUROCONTROL OPDI flight list v0.0.1)"},
    {"flight.low_ft", CFG_DOUBLE, F(flight_low_ft), "10000", "ft", P, "only positions below this are airport candidates (OPDI)"},
    {"flight.runway_ft", CFG_DOUBLE, F(flight_runway_ft), "3281", "ft", P, "a silence this close to the airport's elevation ends a flight (OPDI: 1 km)"},
    {"flight.land_gap_min", CFG_DOUBLE, F(flight_land_gap_min), "10", "min", P, "... when it lasts this long (OPDI)"},
    {"flight.split_gap_min", CFG_DOUBLE, F(flight_split_gap_min), "30", "min", P, "a silence this long is judged: one flight or two (OPDI splits there)"},
    {"flight.glide_deg", CFG_DOUBLE, F(flight_glide_deg), "3", "deg", P, "the approach path of an inferred airport (ILS optimum, ICAO Doc 8168 PANS-OPS)"},
    {"flight.approach_max_deg", CFG_DOUBLE, F(flight_approach_max_deg), "60", "deg", P, "an inferred airport lies within this of the track (ours)"},
    {"flight.above_path_ft", CFG_DOUBLE, F(flight_above_path_ft), "3000", "ft", P, "an inferred end is at most this above its path (ours)"},
    {"flight.climb_max_deg", CFG_DOUBLE, F(flight_climb_max_deg), "6", "deg", P, "steeper than airliners' climb-outs (ours; steep-approach airports 5.5)"},
    {"flight.ambiguity", CFG_DOUBLE, F(flight_ambiguity), "2", "", P, "an inferred airport must fit this much better than the next (ours)"},
    {"flight.ground_max_kt", CFG_DOUBLE, F(flight_ground_max_kt), "175", "kt", P, "a ground report faster than this is not believed (top of the DO-260B surface movement scale)"},
    {"flight.max_gap_h", CFG_DOUBLE, F(flight_max_gap_h), "20", "h", P, "a silence longer than any scheduled flight (about 19 h) splits it"},
    {"flight.join_min_frac", CFG_DOUBLE, F(flight_join_min_frac), "0.7", "", P, "a silence is one flight from this fraction of the speed flown (ours)"},
    {"flight.join_max_frac", CFG_DOUBLE, F(flight_join_max_frac), "1.3", "", P, "... up to this fraction (ours)"},
    {"flight.touchgo_s", CFG_DOUBLE, F(flight_touchgo_s), "120", "s", P, "back in the air within this is a touch-and-go (ours)"},
    {"flight.callsign_wait_s", CFG_DOUBLE, F(flight_callsign_wait_s), "60", "s", P, "wait this long for a callsign (twelve identification squitters, DO-260B)"},
    {"emergency.min_reports", CFG_I32, F(emergency_min_reports), "2", "", P, "messages with 7500/7600/7700 that make an emergency (ours: one corrupted reply is not)"},
    {"distress.silence_min", CFG_DOUBLE, F(distress_silence_min), "10", "min", P, "an AIS-SART, MOB or EPIRB-AIS (or a ship with status 14) silent this long has stopped: its distress event is closed (ours; an active AIS-SART transmits every minute, ITU-R M.1371-5)"},
    {"detect.max_vessels", CFG_U32, F(max_vessels), "1000000", "", P, "vessels the detectors remember at most (default: track.max_entities); past it the least recently heard with nothing open are forgotten (ours, docs/memory.md)"},
    {NULL, CFG_DOUBLE, 0, NULL, NULL, 0, NULL},
};
#undef P
#undef F

void det_cfg_targets(struct cfg_target tg[2], struct det_config *d, struct trk_config *t)
{
    tg[0] = (struct cfg_target){det_params, d, NULL};
    tg[1] = (struct cfg_target){trk_params, t, NULL};
}

/* trk_options.c: the tracker's thresholds by name (see det_options.c for how
 * they are used). Times are given in seconds and kept in milliseconds. The
 * defaults are trk_new's own (test_config checks they agree). */
#include <stddef.h>

#include "common/config.h"
#include "track/track.h"

#define F(f) offsetof(struct trk_config, f)
#define P CFG_POSITIVE
const struct cfg_param trk_params[] = {
    {"track.aircraft_expire_s", CFG_SEC_MS, F(aircraft_ttl_ms), "300", "s", P, "an aircraft unheard this long is dropped (dump1090-fa TRACK_AIRCRAFT_TTL)"},
    {"track.vessel_expire_s", CFG_SEC_MS, F(vessel_ttl_ms), "3600", "s", P, "a vessel unheard this long is dropped (ours)"},
    {"track.aircraft_stale_s", CFG_SEC_MS, F(aircraft_stale_ms), "60", "s", P, "an aircraft field older than this yields to any source (ours)"},
    {"track.vessel_stale_s", CFG_SEC_MS, F(vessel_stale_ms), "600", "s", P, "a vessel field older than this yields to any source (ours)"},
    {"track.aircraft_max_kt", CFG_DOUBLE, F(aircraft_max_kt), "2000", "kt", P, "an implied speed above this rejects an aircraft position (readsb)"},
    {"track.vessel_max_kt", CFG_DOUBLE, F(vessel_max_kt), "80", "kt", P, "an implied speed above this rejects a vessel position (faster than any surface ship)"},
    {"track.position_slack_m", CFG_DOUBLE, F(position_slack_m), "1000", "m", P, "a move this short is always allowed (receiver noise; ours)"},
    {"track.position_reset_s", CFG_SEC_MS, F(position_reset_ms), "1800", "s", P, "after a silence this long any position is accepted (ours)"},
    {"track.trail_points", CFG_U32, F(trail_points), "256", "", P, "positions kept per entity for the map's trails (at most 65535)"},
    {"track.max_entities", CFG_U32, F(max_entities), "1000000", "", P, "live vessels and aircraft together at most; past it the least recently heard are evicted (ours, docs/memory.md)"},
    {NULL, CFG_DOUBLE, 0, NULL, NULL, 0, NULL},
};
#undef P
#undef F

/* cpr.h: Compact Position Reporting (DO-260B Appendix A.1.7; ICAO Annex 10
 * Vol IV 3.1.2.8.7). Pure functions: 17-bit encoded latitude/longitude in,
 * degrees out. No state, no clock; the caller pairs frames and checks
 * plausibility (modes/decode state in es_position.c).
 *
 * Results: CPR_OK, CPR_RETRY (the pair straddles a longitude-zone boundary:
 * wait for a fresh pair), CPR_BAD (the input cannot be a real position). */
#ifndef ATALAYA_MODES_CPR_H
#define ATALAYA_MODES_CPR_H

#include <stdbool.h>
#include <stdint.h>

enum { CPR_OK = 0, CPR_RETRY = -1, CPR_BAD = -2 };

#define CPR_MAX 131072.0 /* 2^17: encoded values are fractions of a zone */

/* Number of longitude zones at latitude lat (1..59), DO-260B A.1.7.2.d. */
int cpr_nl(double lat);

/* Global airborne decode from an even (lat0, lon0) and an odd (lat1, lon1)
 * frame; odd_newer selects which frame's position is reported. */
int cpr_airborne_global(uint32_t lat0, uint32_t lon0, uint32_t lat1, uint32_t lon1, bool odd_newer,
                        double *lat, double *lon);

/* Global surface decode: as airborne with 90° zones; the reference (receiver
 * or last known position, within 45 NM) picks the right quadrant and hemisphere. */
int cpr_surface_global(double ref_lat, double ref_lon, uint32_t lat0, uint32_t lon0, uint32_t lat1,
                       uint32_t lon1, bool odd_newer, double *lat, double *lon);

/* Local decode of one frame relative to a reference within half a zone:
 * 180 NM airborne, 45 NM surface (DO-260B A.1.7.5 / A.1.7.6). */
int cpr_local(double ref_lat, double ref_lon, uint32_t cpr_lat, uint32_t cpr_lon, bool odd,
              bool surface, double *lat, double *lon);

#endif

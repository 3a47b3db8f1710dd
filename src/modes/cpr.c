/* cpr.c: CPR decoding, transcribed from DO-260B Appendix A.1.7 (the same
 * algorithm as ICAO Annex 10 Vol IV C.2.6). See cpr.h for the contract.
 *
 * The NL table: NL(lat) = floor(2π / acos(1 - (1 - cos(π / 2NZ)) / cos²(lat))),
 * NZ = 15. Rather than evaluate trigonometry per frame, DO-260B A.1.7.2.d
 * tabulates the latitudes where NL changes; we search that table.
 * Tests (tests/unit/test_cpr.c) compare with an independent implementation. */
#include "modes/cpr.h"

#include <math.h>

/* cpr_nl_table[k]: NL is 59 - k for |lat| below this (DO-260B A.1.7.2.d). */
static const double cpr_nl_table[58] = {
    10.47047130, 14.82817437, 18.18626357, 21.02939493, 23.54504487, 25.82924707, 27.93898710,
    29.91135686, 31.77209708, 33.53993436, 35.22899598, 36.85025108, 38.41241892, 39.92256684,
    41.38651832, 42.80914012, 44.19454951, 45.54626723, 46.86733252, 48.16039128, 49.42776439,
    50.67150166, 51.89342469, 53.09516153, 54.27817472, 55.44378444, 56.59318756, 57.72747354,
    58.84763776, 59.95459277, 61.04917774, 62.13216659, 63.20427479, 64.26616523, 65.31845310,
    66.36171008, 67.39646774, 68.42322022, 69.44242631, 70.45451075, 71.45986473, 72.45884545,
    73.45177442, 74.43893416, 75.42056257, 76.39684391, 77.36789461, 78.33374083, 79.29428225,
    80.24923213, 81.19801349, 82.13956981, 83.07199445, 83.99173563, 84.89166191, 85.75541621,
    86.53536998, 87.00000000,
};

int cpr_nl(double lat)
{
    double a = fabs(lat);
    if (a >= cpr_nl_table[56])
        return a <= cpr_nl_table[57] ? 2 : 1; /* exactly 87 is still NL 2 (A.1.7.2.d) */
    /* First k with a < table[k]: binary search, this runs for every frame. */
    int lo = 0, hi = 56;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (a < cpr_nl_table[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return 59 - lo;
}

/* MOD as the spec defines it: x - y * floor(x / y), always in [0, y). */
static double cpr_mod(double x, double y)
{
    double r = x - y * floor(x / y);
    return r >= y ? 0.0 : r;
}

static int cpr_imod(int x, int y)
{
    int r = x % y;
    return r < 0 ? r + y : r;
}

/* Longitude into [-180, 180). Decoded values lie within a zone of a
 * longitude, so two conditional steps suffice; fmod only for wild references. */
static double cpr_wrap_lon(double lon)
{
    if (lon < -540.0 || lon > 540.0)
        lon = fmod(lon, 360.0);
    if (lon >= 180.0)
        lon -= 360.0;
    if (lon >= 180.0)
        lon -= 360.0;
    if (lon < -180.0)
        lon += 360.0;
    if (lon < -180.0)
        lon += 360.0;
    return lon;
}

/* The shared part of global decoding (A.1.7.7 / A.1.7.8): zone size zs is
 * 360 airborne, 90 surface. The surface encoding fixes latitude only modulo
 * 90°: of the northern solution and the southern one (minus 90°), ref_lat
 * picks the nearer, before NL is taken (NL depends on the true latitude). */
static int cpr_global(double zs, double ref_lat, uint32_t lat0, uint32_t lon0, uint32_t lat1,
                      uint32_t lon1, bool odd_newer, double *rlat_out, double *rlon_out)
{
    double y0 = lat0 / CPR_MAX, y1 = lat1 / CPR_MAX, x0 = lon0 / CPR_MAX, x1 = lon1 / CPR_MAX;
    double dlat0 = zs / 60.0, dlat1 = zs / 59.0;
    int j = (int)floor(59.0 * y0 - 60.0 * y1 + 0.5);
    double rlat0 = dlat0 * (cpr_imod(j, 60) + y0);
    double rlat1 = dlat1 * (cpr_imod(j, 59) + y1);
    if (zs == 360.0) {
        if (rlat0 >= 270.0)
            rlat0 -= 360.0;
        if (rlat1 >= 270.0)
            rlat1 -= 360.0;
        if (rlat0 < -90.0 || rlat0 > 90.0 || rlat1 < -90.0 || rlat1 > 90.0)
            return CPR_BAD;
    } else if (fabs(rlat0 - 90.0 - ref_lat) < fabs(rlat0 - ref_lat)) {
        rlat0 -= 90.0;
        rlat1 -= 90.0;
    }
    /* Both frames must lie in the same number of longitude zones, or the
     * longitude index m below is meaningless (A.1.7.7 b). */
    int nl = cpr_nl(rlat0);
    if (nl != cpr_nl(rlat1))
        return CPR_RETRY;
    int i = odd_newer ? 1 : 0;
    double rlat = odd_newer ? rlat1 : rlat0;
    double xi = odd_newer ? x1 : x0;
    int ni = nl - i > 1 ? nl - i : 1;
    double dlon = zs / ni;
    int m = (int)floor(x0 * (nl - 1) - x1 * nl + 0.5);
    *rlat_out = rlat;
    *rlon_out = dlon * (cpr_imod(m, ni) + xi);
    return CPR_OK;
}

int cpr_airborne_global(uint32_t lat0, uint32_t lon0, uint32_t lat1, uint32_t lon1, bool odd_newer,
                        double *lat, double *lon)
{
    double rlat, rlon;
    int rc = cpr_global(360.0, 0.0, lat0, lon0, lat1, lon1, odd_newer, &rlat, &rlon);
    if (rc != CPR_OK)
        return rc;
    *lat = rlat;
    *lon = cpr_wrap_lon(rlon);
    return CPR_OK;
}

/* Angular distance between two longitudes, 0..180. */
static double cpr_lon_diff(double a, double b)
{
    return fabs(cpr_wrap_lon(a - b));
}

int cpr_surface_global(double ref_lat, double ref_lon, uint32_t lat0, uint32_t lon0, uint32_t lat1,
                       uint32_t lon1, bool odd_newer, double *lat, double *lon)
{
    double rlat, rlon;
    int rc = cpr_global(90.0, ref_lat, lat0, lon0, lat1, lon1, odd_newer, &rlat, &rlon);
    if (rc != CPR_OK)
        return rc;
    /* Longitude too is fixed only modulo 90° (A.1.7.8): of the four
     * candidates the reference picks the nearest. */
    double best = rlon, bestd = 1e9;
    for (int k = 0; k < 4; k++) {
        double c = cpr_wrap_lon(rlon + 90.0 * k);
        double dd = cpr_lon_diff(c, ref_lon);
        if (dd < bestd) {
            bestd = dd;
            best = c;
        }
    }
    *lat = rlat;
    *lon = best;
    return CPR_OK;
}

int cpr_local(double ref_lat, double ref_lon, uint32_t cpr_lat, uint32_t cpr_lon, bool odd,
              bool surface, double *lat, double *lon)
{
    double zs = surface ? 90.0 : 360.0;
    int i = odd ? 1 : 0;
    double y = cpr_lat / CPR_MAX, x = cpr_lon / CPR_MAX;
    double dlat = zs / (60 - i);
    double j = floor(ref_lat / dlat) + floor(0.5 + cpr_mod(ref_lat, dlat) / dlat - y);
    double rlat = dlat * (j + y);
    if (rlat < -90.0 || rlat > 90.0)
        return CPR_BAD;
    int ni = cpr_nl(rlat) - i;
    double dlon = ni > 0 ? zs / ni : zs;
    double m = floor(ref_lon / dlon) + floor(0.5 + cpr_mod(ref_lon, dlon) / dlon - x);
    *lat = rlat;
    *lon = cpr_wrap_lon(dlon * (m + x));
    return CPR_OK;
}

/* ref.h: the bundled reference tables and their lookups, loaded once from the
 * data directory (datadir.h) into one read-only handle that the tracker,
 * alerts and CLI share. Sources and licences: data/README.md; usage:
 * docs/ref.md. All lookups are hash or grid based and never allocate. */
#ifndef ATALAYA_REF_REF_H
#define ATALAYA_REF_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ref_airport {
    char icao[5], iata[4]; /* "" when the source has none */
    char *name, *city, *country;
    char country_code[3]; /* ISO 3166-1 alpha-2 of country ("" unknown; countries.c) */
    double lat, lon;
    int alt_ft;
};

struct ref_port {
    uint32_t id; /* World Port Index number */
    char *name;
    char country[3]; /* ISO 3166 alpha-2 */
    double lat, lon;
};

/* An aircraft operator (OpenFlights airlines.dat) by ICAO designator. */
struct ref_operator {
    char icao[4], iata[3];
    char *name, *callsign, *country; /* callsign: the radio telephony designator */
    bool active;
};

/* ITU-R M.585 MMSI formats; the MID sits at a different offset in each. */
enum ref_mmsi_kind {
    REF_MMSI_INVALID,
    REF_MMSI_SHIP,       /* MIDXXXXXX */
    REF_MMSI_GROUP,      /* 0MIDXXXXX */
    REF_MMSI_COAST,      /* 00MIDXXXX */
    REF_MMSI_SAR,        /* 111MIDXXX: SAR aircraft */
    REF_MMSI_HANDHELD,   /* 8MIDXXXXX: handheld VHF with DSC/GNSS */
    REF_MMSI_CRAFT,      /* 98MIDXXXX: craft associated with a parent ship */
    REF_MMSI_ATON,       /* 99MIDXXXX: aid to navigation */
    REF_MMSI_SART,       /* 970XXYYYY: AIS-SART (no MID) */
    REF_MMSI_MOB,        /* 972XXYYYY: man overboard device */
    REF_MMSI_EPIRB,      /* 974XXYYYY: EPIRB-AIS */
};

struct ref_mmsi {
    enum ref_mmsi_kind kind;
    int mid;             /* 0 when the format carries none */
    const char *country; /* NULL when the MID is unallocated or absent */
};

struct ref;

/* Loads every table under dir. Returns NULL and writes a reason into err on a
 * missing or malformed file. */
struct ref *ref_load(const char *dir, char *err, size_t errn);
void ref_free(struct ref *r);
/* Adds a polygon layer of territorial seas (GeoJSON whose features carry the
 * country in property "A3" or "name"); ref_sea_at() then answers from it.
 * Returns 0, or -1 with err filled. */
int ref_load_sea(struct ref *r, const char *path, char *err, size_t errn);

/* By ICAO (4 letters) or IATA (3 letters) code, case-insensitive. */
const struct ref_airport *ref_airport_by_code(const struct ref *r, const char *code);
const struct ref_airport *ref_airport_nearest(const struct ref *r, double lat, double lon,
                                              double radius_m, double *dist_m);
/* The airport within radius_m of lowest cost(ctx, airport, distance) (a
 * cost below 0 rules it out), or NULL. */
const struct ref_airport *ref_airport_best(const struct ref *r, double lat, double lon, double radius_m,
                                           double (*cost)(void *ctx, const struct ref_airport *a, double dist_m),
                                           void *ctx, double *dist_m);
size_t ref_airport_count(const struct ref *r);
/* The i-th airport, port (0 .. count - 1; NULL beyond): to search them by name. */
const struct ref_airport *ref_airport_at(const struct ref *r, size_t i);

const struct ref_port *ref_port_by_id(const struct ref *r, uint32_t id);
/* Exact name, case- and punctuation-insensitive ("Rotterdam", "ROTTERDAM"). */
const struct ref_port *ref_port_by_name(const struct ref *r, const char *name);
const struct ref_port *ref_port_nearest(const struct ref *r, double lat, double lon,
                                        double radius_m, double *dist_m);
size_t ref_port_count(const struct ref *r);
const struct ref_port *ref_port_at(const struct ref *r, size_t i);

/* The ICAO designator of a flight identification: three letters then a flight
 * number that starts with a digit (ICAO Doc 8585; "IRM1234", "BAW12K"). Writes
 * it upper-case into out and returns true, or false for registrations used as
 * callsigns ("N123AB", "GABCD") and anything else. */
bool ref_callsign_designator(const char *callsign, char out[4]);
const struct ref_operator *ref_operator_by_designator(const struct ref *r, const char *icao);
const struct ref_operator *ref_operator_by_callsign(const struct ref *r, const char *callsign);
size_t ref_operator_count(const struct ref *r);
const struct ref_operator *ref_operator_at(const struct ref *r, size_t i);

/* Classifies an MMSI and finds the flag of its MID. Returns false (kind
 * INVALID) above 999999999. */
bool ref_mmsi_flag(const struct ref *r, uint32_t mmsi, struct ref_mmsi *out);
const char *ref_mid_country(const struct ref *r, int mid);

/* Country whose ICAO 24-bit address block holds addr (Annex 10 Vol III,
 * Ch. 9), or NULL for unassigned blocks. */
const char *ref_icao_country(const struct ref *r, uint32_t addr);
/* True when addr lies in a block commonly used by military aircraft. */
bool ref_icao_military(const struct ref *r, uint32_t addr);

/* Natural Earth country containing the point (land borders), or NULL. */
const char *ref_country_at(const struct ref *r, double lat, double lon);
/* Country whose land or territorial sea holds the point (the sea layer, when
 * loaded), or NULL. */
const char *ref_sea_at(const struct ref *r, double lat, double lon);

#endif

/* watchlist.h: sanctions and user watchlists, their store, and the matching
 * API the tracker calls for every new or changed entity.
 *
 * A list is a set of entries (vessel, aircraft, organisation, individual),
 * each with typed identifiers (IMO, MMSI, ICAO 24-bit address, registration,
 * ICAO operator designator, former names...). Importers fill a set; the store
 * (SQLite, tables watchlist and watchlist_ident, db.h) keeps it; an index
 * built from a set answers "does this vessel/aircraft match" with hash
 * lookups only, and says which rule fired and which list entry it was. */
#ifndef ATALAYA_REF_WATCHLIST_H
#define ATALAYA_REF_WATCHLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jw;
struct ref;
struct sqlite3;

enum ref_wl_kind { REF_WL_VESSEL, REF_WL_AIRCRAFT, REF_WL_ORGANISATION, REF_WL_INDIVIDUAL };

enum ref_wl_id {
    REF_WL_ID_IMO,          /* 7 digits */
    REF_WL_ID_MMSI,         /* 9 digits */
    REF_WL_ID_ICAO24,       /* 6 hex digits, lower case */
    REF_WL_ID_REGISTRATION, /* aircraft tail number, upper case */
    REF_WL_ID_CALL_SIGN,    /* a vessel's radio call sign */
    REF_WL_ID_DESIGNATOR,   /* ICAO operator designator (callsign prefix) */
    REF_WL_ID_ALIAS,        /* a.k.a., f.k.a., former vessel name */
    REF_WL_ID_MSN,          /* aircraft manufacturer's serial number */
    REF_WL_ID_MODEL,        /* aircraft model */
    REF_WL_ID_OPERATOR,     /* aircraft operator, by name */
    REF_WL_ID_OWNER,        /* vessel owner */
    REF_WL_ID_VESSEL_TYPE,
    REF_WL_ID_LINKED_TO,    /* "Linked To:" another listed entity */
    /* An identifier that fails its check (ref_wl_entry_add_id): kept as
     * written, shown, never mistaken for a checked one. A 7-digit IMO with a
     * wrong check digit is still indexed: a transmitter may send the same. */
    REF_WL_ID_IMO_INVALID,
    REF_WL_ID_MMSI_INVALID,
    REF_WL_ID_REGISTRATION_INVALID,
    REF_WL_ID_ICAO24_INVALID,
    /* Where an entry comes from and why it is listed (FollowTheMoney). */
    REF_WL_ID_DATASET,      /* source dataset, e.g. us_ofac_sdn, eu_fsf */
    REF_WL_ID_SOURCE_URL,
    REF_WL_ID_AUTHORITY,    /* sanctioning authority */
    REF_WL_ID_LISTED,       /* a listing date, ISO 8601 */
    REF_WL_ID_PAST_FLAG,
    REF_WL_ID_COUNT
};

struct ref_wl_ident {
    enum ref_wl_id type;
    char *value;
};

struct ref_wl_entry {
    int64_t id; /* row id in the store; 0 before it is stored */
    enum ref_wl_kind kind;
    char *list, *list_date, *name, *program, *entry_num, *flag, *note; /* NULL when absent */
    struct ref_wl_ident *ids;
    int nids;
};

struct ref_wl_set {
    struct ref_wl_entry *e;
    size_t n, cap;
};

void ref_wl_set_init(struct ref_wl_set *s);
void ref_wl_set_free(struct ref_wl_set *s);
/* Appends an entry (strings copied; list, name required). */
struct ref_wl_entry *ref_wl_set_add(struct ref_wl_set *s, enum ref_wl_kind kind,
                                    const char *list, const char *name);
/* Sets one of the entry's text fields (pointer to one of its char * members). */
void ref_wl_entry_set(char **field, const char *value);
/* Adds an identifier unless the same one is already there. */
void ref_wl_entry_ident(struct ref_wl_entry *e, enum ref_wl_id type, const char *value);
/* The first identifier of a type, or NULL. */
const char *ref_wl_entry_get(const struct ref_wl_entry *e, enum ref_wl_id type);

const char *ref_wl_kind_name(enum ref_wl_kind k);
int ref_wl_kind_parse(const char *s); /* -1 when unknown */
const char *ref_wl_id_name(enum ref_wl_id t);
int ref_wl_id_parse(const char *s); /* -1 when unknown */

/* Identifier hygiene, shared by every importer. Each returns 1 for a valid
 * identifier written into out in its one form (IMO: 7 digits with a good
 * check digit, from "IMO 9228980" or "9228980 (Russia)"; MMSI: 9 digits;
 * registration: upper case without blanks, "EP-GOM"), 0 for a value kept
 * but flagged invalid (out: the IMO's 7 digits, else the text as written),
 * -1 when there is nothing. */
int ref_wl_norm_imo(const char *in, char *out, size_t n);
int ref_wl_norm_mmsi(const char *in, char *out, size_t n);
int ref_wl_norm_registration(const char *in, char *out, size_t n);
bool ref_imo_check(uint32_t imo);
/* Registration match key: letters and digits only, upper case ("EP-GOM",
 * "epgom" -> "EPGOM"); lists and registries disagree on the hyphen. */
char *ref_wl_reg_key(const char *reg, char *out, size_t n);
/* Adds an identifier after cleaning it (IMO, MMSI, registration, ICAO24),
 * under its _INVALID twin when it fails the check; other types as given. */
void ref_wl_entry_add_id(struct ref_wl_entry *e, enum ref_wl_id type, const char *raw);

/* Vessel names: upper case, punctuation to spaces, one space between words,
 * and a leading type prefix dropped (M/T, M/V, MT, MV, SS, MY...), so
 * "m/t  Fortune." and "FORTUNE" compare equal. Returns out. */
char *ref_wl_norm_vessel(const char *name, char *out, size_t n);

/* --- importers --- */

struct ref_wl_sdn_stats {
    size_t entries, vessels, aircraft, organisations, individuals;
    size_t vessels_imo, vessels_mmsi, aircraft_registration, aircraft_icao24;
    size_t designators; /* organisations linked to an ICAO operator designator */
};

/* Parses the OFAC SDN CSV (sdn.csv: latin-1, no header, "-0-" for empty;
 * identifiers inside Remarks) into s, list "ofac-sdn" dated list_date (may be
 * NULL). When r is given, aviation organisations are linked to OpenFlights
 * designators by name (ref_wl_link_operators). Returns 0 or -1 with err. */
int ref_wl_import_sdn(struct ref_wl_set *s, const char *path, const char *list_date,
                      const struct ref *r, struct ref_wl_sdn_stats *st, char *err, size_t errn);

/* The user's own list: CSV with a header naming any of kind, name, imo, mmsi,
 * icao24, registration, callsign_prefix (or operator: an ICAO designator),
 * flag, program, note (docs/ref.md). Returns 0 or -1 with err. */
int ref_wl_import_csv(struct ref_wl_set *s, const char *path, const char *list, char *err,
                      size_t errn);

/* OpenSanctions / FollowTheMoney: entities.ftm.json (one entity per line)
 * or targets.nested.json (one target per line, related entities nested in
 * its properties). Vessels, airplanes, the organisations that operate or own
 * them or are sanctioned, and the Sanction entities' program, authority and
 * listing date folded into the entry they name; each entry keeps its FtM id
 * (entry_num), datasets and source URLs. Lines that are not JSON objects are
 * counted, not fatal. With r, organisations get operator designators as
 * for the SDN. docs/ref.md. */
struct ref_wl_ftm_stats {
    size_t lines, bad_lines, entities, sanctions, sanctions_linked;
    size_t vessels, aircraft, organisations;
    size_t vessels_imo, vessels_mmsi, aircraft_registration, designators;
    size_t invalid_ids; /* identifiers kept but flagged */
};
int ref_wl_import_ftm(struct ref_wl_set *s, const char *path, const char *list,
                      const struct ref *r, struct ref_wl_ftm_stats *st, char *err, size_t errn);

/* Links organisations that operate aircraft (an SDN aircraft is linked to or
 * operated by them, or their name says AIR/AVIA/AERO) to the designators of
 * OpenFlights airlines with the same name, the same words in another order,
 * or a name that abbreviates theirs by word prefixes (CONVIASA for CONsorcio
 * Venezolano de Industrias Aeronauticas y Servicios Aereos). Returns the
 * number of organisations linked. */
size_t ref_wl_link_operators(struct ref_wl_set *s, const struct ref *r);

/* --- store (db.h) --- */

/* Replaces every entry of list `list` with the set's entries (one transaction). */
int ref_wl_db_replace(struct sqlite3 *db, const char *list, struct ref_wl_set *s, char *err,
                      size_t errn);
/* Inserts one entry, setting e->id. */
int ref_wl_db_add(struct sqlite3 *db, struct ref_wl_entry *e, char *err, size_t errn);
/* Removes an entry by id; returns 1 removed, 0 none, -1 error. */
int ref_wl_db_remove(struct sqlite3 *db, int64_t id, char *err, size_t errn);
/* Appends the stored entries (of one list, or all when list is NULL) to s. */
int ref_wl_db_load(struct sqlite3 *db, const char *list, struct ref_wl_set *s, char *err,
                   size_t errn);

/* --- matching --- */

enum ref_wl_rule {
    REF_WL_RULE_ICAO24,       /* the address is listed (Mode S transponder code) */
    REF_WL_RULE_REGISTRY,     /* the registry gives the address a listed registration */
    REF_WL_RULE_REGISTRATION, /* the reported registration is listed */
    REF_WL_RULE_OPERATOR,     /* callsign prefix -> designator of a listed operator */
    REF_WL_RULE_MMSI,
    REF_WL_RULE_IMO,
    REF_WL_RULE_NAME_FLAG,    /* normalised vessel name and the same flag (weak) */
    REF_WL_RULE_NAME,         /* normalised vessel name alone (weakest) */
};

struct ref_wl_match {
    enum ref_wl_rule rule;
    bool weak; /* names are not identifiers: a lead, not a finding */
    const struct ref_wl_entry *entry;
};

struct ref_wl_vessel {
    uint32_t mmsi, imo;     /* 0 when unknown */
    const char *name, *flag; /* NULL when unknown; flag as ref_mmsi_flag gives it */
};

struct ref_wl_aircraft {
    uint32_t icao24;        /* 0xFFFFFFFF when unknown */
    const char *registration, *callsign;
};

struct ref_wl_index;

/* Builds the lookup index over s (which must outlive it). With a store that
 * holds a registry, listed registrations are resolved to addresses once here
 * (the REGISTRY rule), so matching never queries the database. */
struct ref_wl_index *ref_wl_index_build(const struct ref_wl_set *s, struct sqlite3 *registry);
void ref_wl_index_free(struct ref_wl_index *x);
/* Writes up to max matches, strongest rule first; returns how many there are
 * (may exceed max). */
int ref_wl_match_vessel(const struct ref_wl_index *x, const struct ref_wl_vessel *v,
                        struct ref_wl_match *out, int max);
int ref_wl_match_aircraft(const struct ref_wl_index *x, const struct ref_wl_aircraft *a,
                          struct ref_wl_match *out, int max);
const char *ref_wl_rule_name(enum ref_wl_rule r);

/* Writes an entry as a JSON object value (id, list, kind, name, program,
 * entry_num, list_date, flag, note, and identifiers grouped by type), and a
 * match as {rule, weak, entry}: the evidence alerts carry. */
void ref_wl_entry_json(struct jw *w, const struct ref_wl_entry *e);
void ref_wl_match_json(struct jw *w, const struct ref_wl_match *m);

#endif

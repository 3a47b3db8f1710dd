/* track.h: the live picture: aircraft keyed by ICAO 24-bit address, vessels by
 * MMSI, built from decoded messages.
 *
 * Every field carries the source and event time of its last accepted value and
 * obeys one acceptance rule (trk_accept, validity.c): a value from a source of
 * equal or higher priority always replaces; a lower-priority one replaces only
 * a value that has gone stale. Positions must also be plausible against the
 * previous one (implied speed, plausibility.c). Static data merges over time,
 * and a change of identity (name, call sign, IMO, ship type, callsign) is
 * reported in the update with the old value, never silently overwritten.
 *
 * EVENT TIME ONLY: each update carries the message's time in ms; the tracker
 * never reads the clock, so a replay gives the results the live run gave.
 * One thread owns a struct trk.
 */
#ifndef ATALAYA_TRACK_TRACK_H
#define ATALAYA_TRACK_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

struct ais_msg;
struct ais_meta;
struct modes_msg;
struct buf;

/* Where a value came from, in increasing order of priority within each kind. */
enum trk_source {
    TRK_SRC_NONE = 0,
    /* aircraft */
    TRK_SRC_SBS,   /* BaseStation text feed: already decoded by someone else */
    TRK_SRC_MODES, /* Mode S replies (DF4/5/20/21), no ADS-B */
    TRK_SRC_TISB,  /* TIS-B: ground radar relayed */
    TRK_SRC_ADSR,  /* ADS-R: another link's ADS-B rebroadcast */
    TRK_SRC_ADSB,  /* ADS-B from the aircraft itself */
    /* vessels */
    TRK_SRC_AIS_OTHER, /* base station, AtoN, SAR aircraft, long range, satellite */
    TRK_SRC_AIS_B,     /* Class B */
    TRK_SRC_AIS_A,     /* Class A */
};

/* The source and time of a field's current value. */
struct trk_valid {
    int64_t t_ms;   /* event time of the accepted value; 0 = never */
    uint8_t source; /* enum trk_source */
};

/* What the watch module (src/detect/watch.h) keeps on an entity; the tracker
 * stores it and never looks inside. */
struct trk_watch {
    const void *entry;  /* the watchlist entry matched, NULL if none */
    int8_t rule;        /* which rule matched (enum ref_wl_rule), when entry is set */
    bool weak;          /* a name-only match: a lead, not a finding */
    bool announced;     /* the first-sighting alert was raised */
    uint32_t areas;     /* bit i: inside configured area i at the last position */
};

/* A trail point, packed: 16 bytes. */
struct trk_point {
    int32_t lat_e7, lon_e7; /* degrees * 1e7 */
    uint32_t t_s;           /* event time, seconds since the epoch */
    int16_t alt_25ft;       /* aircraft: altitude / 25 ft (INT16_MIN unknown); vessels: unused */
    uint16_t speed_dkn;     /* 0.1 kn; 0xFFFF unknown */
};

struct trk_trail {
    struct trk_point *pts; /* ring of cap points, grown on demand up to trail_points (trail.c) */
    uint16_t cap, len, head;
};

struct trk_vessel {
    uint32_t mmsi;
    uint8_t station;     /* enum ais_station of the best source seen */
    int64_t first_ms, last_ms;
    uint32_t messages;
    uint32_t rejected_positions;

    struct trk_valid v_pos, v_sog, v_cog, v_heading, v_status, v_name, v_callsign, v_imo, v_type, v_dims,
        v_voyage;
    double lat, lon;
    uint16_t sog_dkn, cog_ddeg, heading_deg;
    uint8_t nav_status;
    char name[36];
    char callsign[8];
    uint32_t imo;
    uint8_t shiptype;
    uint16_t to_bow, to_stern;
    uint8_t to_port, to_starboard;
    char destination[21];
    uint8_t eta_month, eta_day, eta_hour, eta_minute;
    uint8_t draught_dm;
    char flag[88];       /* country of the MID (longest in data/mid: 82), "" unknown (filled by the enricher) */
    struct trk_watch watch;
    struct trk_trail trail;
};

struct trk_aircraft {
    uint32_t icao;       /* 24-bit address */
    uint8_t addr_kind;   /* enum modes_addr_kind */
    int64_t first_ms, last_ms;
    uint32_t messages;
    uint32_t rejected_positions;
    double signal_avg;   /* dBFS, running mean over about the last 8 messages */
    uint32_t signal_n;

    struct trk_valid v_pos, v_alt_baro, v_alt_geom, v_gs, v_track, v_rate, v_callsign, v_squawk, v_category,
        v_ground, v_version;
    double lat, lon;
    int32_t alt_baro_ft, alt_geom_ft;
    double gs_kt, track_deg;
    int32_t vrate_fpm;
    char callsign[9];
    uint16_t squawk;     /* four octal digits as decimal (7700) */
    uint8_t category;    /* 0xA3 = "A3" */
    bool on_ground;
    uint8_t version;
    char country[48];    /* country of the ICAO address block (enricher) */
    char registration[24];
    char type_code[16];
    char operator_icao[4]; /* from the callsign prefix (enricher) */
    struct trk_watch watch;
    struct trk_trail trail;
    struct trk_valid v_nac_p;
    uint8_t nac_p;       /* ADS-B NACp 0..11 (TC 29/31), the aircraft's own position accuracy */
};

/* What an update changed: the hook detectors and alerts consume. */
enum trk_update_flag {
    TRK_U_NEW = 1u << 0,          /* first message from this entity (or first after expiry) */
    TRK_U_POS = 1u << 1,          /* a position was accepted */
    TRK_U_POS_REJECTED = 1u << 2, /* a position was implausible (implied speed) and dropped */
    TRK_U_STATIC = 1u << 3,       /* a static/voyage field was set or refreshed */
    TRK_U_IDENTITY = 1u << 4,     /* name / call sign / IMO / ship type / callsign changed value */
    TRK_U_SQUAWK = 1u << 5,       /* squawk changed */
    TRK_U_KINEMATICS = 1u << 6,   /* speed, course, altitude or vertical rate */
    TRK_U_NAC_P = 1u << 7,        /* aircraft: a NACp was reported (accepted into nac_p) */
};

enum trk_kind { TRK_VESSEL = 1, TRK_AIRCRAFT = 2 };

/* Which identity field changed, with the previous value. */
enum trk_identity_field { TRK_ID_NONE = 0, TRK_ID_NAME, TRK_ID_CALLSIGN, TRK_ID_IMO, TRK_ID_SHIPTYPE };

struct trk_update {
    uint8_t kind;   /* enum trk_kind */
    uint32_t flags; /* enum trk_update_flag */
    int64_t t_ms;
    union {
        struct trk_vessel *vessel;
        struct trk_aircraft *aircraft;
    } e;
    uint8_t id_field;    /* enum trk_identity_field when TRK_U_IDENTITY */
    char id_old[36];     /* previous value as text ("" if none) */
    double rejected_speed_kt; /* implied speed of a rejected position */
    double rejected_lat, rejected_lon; /* the rejected position itself */
};

/* Called on a new entity, when static data is set and after an identity
 * change, to fill flag, country, operator, registration (reference data lives
 * in src/ref; the tracker does not depend on it). Either pointer may be NULL. */
struct trk_enricher {
    void *ctx;
    void (*vessel)(void *ctx, struct trk_vessel *v);
    void (*aircraft)(void *ctx, struct trk_aircraft *a);
};

struct trk_config {
    int64_t aircraft_ttl_ms;    /* expire after this long unheard (default 300 s) */
    int64_t vessel_ttl_ms;      /* (default 3600 s) */
    int64_t aircraft_stale_ms;  /* a field older than this yields to any source (default 60 s) */
    int64_t vessel_stale_ms;    /* (default 600 s) */
    double aircraft_max_kt;     /* implied speed limit (default 2000 kt, as readsb) */
    double vessel_max_kt;       /* (default 80 kt: faster than any surface ship) */
    double position_slack_m;    /* distance always allowed between fixes (receiver noise; default 1000 m) */
    int64_t position_reset_ms;  /* after this gap any position is accepted (default 1800 s) */
    unsigned trail_points;      /* per entity at most (default 256; grown on demand from 8) */
    /* Live entities, vessels and aircraft together, at most (default
     * TRK_MAX_ENTITIES): past it, the least recently heard are evicted,
     * a 32nd of the cap at a time (docs/memory.md). */
    unsigned max_entities;
    struct trk_enricher enricher;
};

/* About 5 KiB per entity with a full trail and its share of the live JSON
 * documents: a million is some 5 GiB, a fifth of a 24 GiB machine, and
 * several times the vessels and aircraft heard worldwide at once. */
#define TRK_MAX_ENTITIES 1000000

/* Every trk_config threshold by name ("track.vessel_expire_s"), with unit,
 * default and source (trk_options.c): set them with cfg_set. */
extern const struct cfg_param trk_params[];

struct trk_stats {
    uint64_t updates_ais, updates_modes;
    uint64_t positions, positions_rejected, positions_out_of_order;
    uint64_t identity_changes;
    uint64_t expired_vessels, expired_aircraft;
    uint64_t evicted_vessels, evicted_aircraft; /* over max_entities: least recently heard first */
    uint64_t no_address; /* Mode S messages without an address */
};

struct trk;

struct trk *trk_new(const struct trk_config *cfg); /* cfg may be NULL: defaults */
void trk_free(struct trk *t);
const struct trk_stats *trk_stats(const struct trk *t);

/* Applies one decoded message at event time t_ms. Returns true when it
 * touched an entity (u describes what changed), false when the message has no
 * tracked subject (e.g. AIS type 7, Mode S without address). */
bool trk_update_ais(struct trk *t, const struct ais_msg *m, int64_t t_ms, struct trk_update *u);
bool trk_update_modes(struct trk *t, const struct modes_msg *m, int64_t t_ms, struct trk_update *u);

/* The cap on live entities in force (trk_config.max_entities). */
size_t trk_max_entities(const struct trk *t);

/* After a restart: an entity as a store last knew it (its latest position
 * and identity), put back live (restore.c), unless older than its TTL at
 * now_ms (the store's last event time) or already live. The enricher sees
 * it as a new entity; no update is reported. Returns 1 restored, 0 not. */
struct trk_restore {
    uint8_t kind;   /* enum trk_kind */
    uint32_t id;    /* MMSI or ICAO address */
    int64_t t_ms;   /* of the position */
    double lat, lon;
    double alt_ft, speed_kt, course_deg; /* NAN unknown */
    uint8_t source; /* enum trk_source of the position; 0 unknown */
    const char *name, *callsign;          /* vessels: name; both: callsign (NULL or "" unknown) */
    const char *registration, *type_code; /* aircraft */
    uint32_t imo;
    uint8_t shiptype;
};
int trk_restore(struct trk *t, const struct trk_restore *r, int64_t now_ms);
/* How long an entity of this kind stays live unheard (vessel_ttl_ms, aircraft_ttl_ms). */
int64_t trk_ttl_ms(const struct trk *t, uint8_t kind);

/* Removes entities unheard for longer than their TTL at event time now_ms.
 * The tracker also does this itself once a minute of event time. */
void trk_expire(struct trk *t, int64_t now_ms);

size_t trk_vessel_count(const struct trk *t);
size_t trk_aircraft_count(const struct trk *t);
struct trk_vessel *trk_vessel_get(struct trk *t, uint32_t mmsi);
struct trk_aircraft *trk_aircraft_get(struct trk *t, uint32_t icao);
/* Iteration: i from 0 while the function returns non-NULL (entities may be
 * skipped holes: NULL only at the end). */
struct trk_vessel *trk_vessel_at(struct trk *t, size_t *i);
struct trk_aircraft *trk_aircraft_at(struct trk *t, size_t *i);

/* Trail access: k = 0 is the oldest point. */
const struct trk_point *trk_trail_point(const struct trk_trail *tr, unsigned k);

/* dump1090/readsb-compatible aircraft.json and our vessels.json (documented in
 * docs/formats/), as of event time now_ms. */
void trk_write_aircraft_json(struct trk *t, int64_t now_ms, struct buf *out);
void trk_write_vessels_json(struct trk *t, int64_t now_ms, struct buf *out);
/* readsb's receiver.json: version, refresh (ms between aircraft.json
 * updates), history (0: we keep no history files), and the receiver's
 * lat/lon when known, which tar1090 centres its map on. */
void trk_write_receiver_json(struct buf *out, int64_t refresh_ms, bool have_pos, double lat,
                             double lon);

/* Writes a snapshot to path atomically (temporary file, then rename). 0 or -1. */
int trk_write_file_atomic(const char *path, const struct buf *b);

#endif

/* spoof.h: state shared by the spoofing detector's files (spoof.c: the
 * entity table and sweep; jump.c: spells of impossible moves; land.c:
 * positions on land; gnss.c: NACp degradation and jamming areas). Not a
 * public header.
 *
 * A "spell" is one anomaly of one entity from its first to its last sign;
 * it becomes one event when it ends, so a spoofer repeating the same false
 * position for an hour is one line, not a thousand. */
#ifndef ATALAYA_DETECT_SPOOF_H
#define ATALAYA_DETECT_SPOOF_H

#include "detect/detect_internal.h"

#define SPOOF_AIRCRAFT 0x80000000u /* entity key bit: aircraft (tracker key below), else an MMSI */
#define SPOOF_NONE (-1)
#define SPOOF_FREE_KEY 0xFFFFFFFFu /* a forgotten entity slot (the hash's reserved key) */
#define SPOOF_RECENT 256           /* degraded aircraft remembered for jamming areas */
#define SPOOF_AREA_MEMBERS 16

enum spoof_kind { SPELL_FREE = 0, SPELL_KIN, SPELL_LAND, SPELL_GNSS };

/* How a ship got onto land (land.c). */
enum spoof_land_entry {
    LAND_SAILED = 0,  /* its accepted track ran there at a plausible speed */
    LAND_FIRST_HEARD, /* heard there first, or first after a silence */
    LAND_JUMP,        /* by a jump the tracker rejected */
};

struct spoof_ent {
    uint32_t key;
    int64_t last_t;          /* last update: entities quiet for an hour are forgotten */
    int32_t kin, land, gnss; /* open spell (index into spells) or SPOOF_NONE */
    char label[36];          /* vessel name or aircraft callsign, "" unknown */
    /* last accepted position and its raw message */
    bool have_acc;
    int64_t acc_t;
    double acc_lat, acc_lon, acc_gs_kt;
    char acc_ev[DET_EVIDENCE];
    /* land test cache: result at (land_lat, land_lon); inland_nm < 0: not inland */
    bool land_checked;
    double land_lat, land_lon, land_inland_nm;
    /* NACp counter (gnss.c) and the last position while it was 0 */
    int gnss_count;
    bool have_ok;
    int64_t ok_t;
    double ok_lat, ok_lon;
};

struct spoof_spell {
    uint8_t kind;              /* enum spoof_kind */
    uint32_t ent;              /* index into ents */
    int64_t t0, t1;            /* first and last sign */
    uint32_t n;                /* kin: rejected fixes; land: fixes inland; gnss: low-NACp reports */
    uint32_t n2;               /* kin: accepted fixes at the first place during the spell */
    uint32_t returns;          /* kin: accepted fixes back at the first place right after a rejected one */
    bool last_rejected, moved; /* kin: last fix was rejected; the tracker took the new place */
    bool own_speed;            /* kin: an aircraft's jump judged by its own ground speed */
    uint32_t confirmed;        /* kin: agreeing fixes after such a jump */
    double reported_kt;        /* kin: that ground speed */
    bool open;                 /* gnss: the counter reached gnss_count_open (reportable) */
    int64_t open_emit_t;       /* gnss: last reported open */
    bool have_pos;             /* gnss: lat/lon hold the last good position */
    uint8_t min_nacp;
    uint8_t entry;     /* land: enum spoof_land_entry, the strongest seen in the spell */
    double lat, lon;   /* kin: accepted before; land: first; gnss: last good position */
    double lat2, lon2; /* kin: first rejected; land: last */
    double lat3, lon3; /* kin: last rejected */
    double lat4, lon4; /* kin: last accepted at the first place */
    double first_kt, max_kt, inland_nm;
    bool have_box; /* gnss: positions during the spell */
    double minlat, minlon, maxlat, maxlon;
    char ev[4][DET_EVIDENCE];
};

struct spoof_recent { /* a degraded aircraft, for jamming areas */
    uint32_t ent;
    int64_t t;
    double lat, lon;
};

struct spoof_area { /* an open jamming area */
    bool used;
    int64_t t0, t1;
    uint32_t members[SPOOF_AREA_MEMBERS];
    uint32_t n; /* aircraft (may exceed the members kept) */
    double lat_sum, lon_sum, lat0, lon0;
    char ev[3][DET_EVIDENCE];
};

struct det_spoof {
    struct hash_u32 index; /* key -> index into ents */
    struct spoof_ent *ents;
    size_t nents, capents;
    uint32_t *free_ents; /* forgotten slots, reused */
    size_t nfree_ents;
    struct spoof_spell *spells;
    size_t nspells, capspells;
    uint32_t *free_spells;
    size_t nfree;
    int64_t next_sweep;
    struct spoof_recent recent[SPOOF_RECENT];
    int nrecent, recent_head;
    struct spoof_area areas[8];
};

/* spoof.c */
int32_t spoof_spell_new(struct det_spoof *s, uint8_t kind, uint32_t ent, int64_t t);
void spoof_spell_release(struct det_spoof *s, int32_t i);
void spoof_copy_ev(char *dst, const char *ev, size_t len);
/* The entity (subject) and its "mmsi" or "icao" (six lower-case hex digits) and label fields. */
void spoof_entity_fields(struct event *ev, const struct spoof_ent *e);

/* jump.c */
void spoof_kin_on_update(struct det *d, uint32_t ei, const struct trk_update *u, double lat, double lon,
                         const char *ev, size_t evlen);
void spoof_kin_close(struct det *d, int32_t si);

/* land.c */
void spoof_land_on_fix(struct det *d, uint32_t ei, int64_t t, double lat, double lon, bool rejected,
                       const char *ev, size_t evlen);
void spoof_land_close(struct det *d, int32_t si);

/* gnss.c */
void spoof_gnss_on_update(struct det *d, uint32_t ei, const struct trk_update *u, const char *ev,
                          size_t evlen);
void spoof_gnss_close(struct det *d, int32_t si);
/* Whether entity ei is a member of an open jamming area. */
bool spoof_in_area(const struct det_spoof *s, uint32_t ei);
/* Closes jamming areas quiet since before `before` (all when before is INT64_MAX). */
void spoof_areas_sweep(struct det *d, int64_t before);

#endif

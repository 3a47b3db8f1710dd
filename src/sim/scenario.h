/* scenario.h: the simulator's model: entities moving along timelines of
 * legs, receivers, and injected behaviours; loaded from SCENARIO.json
 * (docs/scenario-format.md) plus background traffic drawn from the seed.
 *
 * All times are event time in ms since the UNIX epoch (the scenario's
 * "start" plus offsets); nothing reads the clock. A timeline is built once
 * at load time, so a state at time t is a pure function of the scenario. */
#ifndef ATALAYA_SIM_SCENARIO_H
#define ATALAYA_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/encode.h"

enum sim_kind { SIM_VESSEL, SIM_AIRCRAFT };
enum sim_leg_kind { SIM_LEG_MOVE, SIM_LEG_STAY, SIM_LEG_CIRCLE };

/* AIS navigational status (ITU-R M.1371-5 table 45) used by the model. */
#define SIM_NAV_UNDERWAY 0
#define SIM_NAV_ANCHORED 1
#define SIM_NAV_MOORED 5

/* Ground phase defaults (scenario keys taxi_km, taxi_kt, stand_min). */
#define SIM_TAXI_KM 2.0
#define SIM_TAXI_KT 15.0
#define SIM_STAND_MIN 10.0

/* An aircraft leg on the ground with the transponder on (sim_aircraft_ground()). */
enum sim_ground { SIM_GROUND_NONE, SIM_GROUND_STAND, SIM_GROUND_TAXI };

struct sim_leg {
    uint8_t kind;          /* enum sim_leg_kind */
    uint8_t ground;        /* enum sim_ground: STAND (a STAY) or TAXI (a MOVE), else NONE */
    uint8_t nav_status;    /* AIS status during the leg */
    int64_t t0, t1;        /* ms */
    double lat0, lon0;     /* start; CIRCLE: centre */
    double lat1, lon1;     /* end (STAY: the same point) */
    double dist_m;         /* MOVE: great-circle length; CIRCLE: radius */
    double bearing;        /* MOVE: initial course, degrees */
    double speed_kn;       /* MOVE, CIRCLE; STAY: drift speed */
    double alt0_ft, alt1_ft; /* aircraft: altitude at the ends (0 = on the ground) */
    char place[24];        /* STAY, taxi: port or airport named by the scenario */
};

struct sim_entity {
    uint8_t kind;          /* enum sim_kind */
    bool background;       /* drawn from the seed, not written in the scenario */
    char id[32];           /* the scenario's name for it (behaviours refer to it) */
    /* vessels */
    char ais_class;        /* 'A' or 'B' */
    struct sim_ais_static st;
    /* aircraft */
    uint32_t icao;
    char callsign[9];
    uint8_t category;      /* 0xA0..0xD0 | 0..7 */
    unsigned squawk;       /* four octal digits as decimal */
    char registration[12]; /* "" = none; sent as the identification when callsign is "" */
    uint8_t adsb_version;  /* 0 (no TC 31, no TC 29), 1 (TC 31 v1), 2 (TC 31 v2 and TC 29/1) */
    double cruise_ft;
    double climb_fpm;
    double taxi_m;         /* ground phase at each airport: taxi distance, speed, and the */
    double taxi_kn;        /* time stood at the stand with the transponder on, before */
    int64_t stand_ms;      /* taxiing out and after taxiing in */
    struct sim_leg *legs;
    size_t nlegs;
    size_t cur;            /* cursor into legs: times asked for only grow */
};

enum sim_beh_kind {
    SIM_BEH_AIS_DARK,     /* AIS transmitter off */
    SIM_BEH_ADSB_OFF,     /* transponder off: no ADS-B, no Mode S replies */
    SIM_BEH_SQUAWK,       /* Mode A code set to `code` (7500/7600/7700: emergency) */
    SIM_BEH_SHIP_TO_SHIP, /* two vessels alongside: span found from the motion */
    SIM_BEH_IDENTITY,     /* another MMSI/IMO/name/call sign (vessels), address/callsign (aircraft) */
    SIM_BEH_SPOOF,        /* a false position broadcast */
    SIM_BEH_DIVERT,       /* leaves its route at t0 for another place, and stays there */
    SIM_BEH_COUNT
};

/* Names as scenarios and the truth spell them, by enum sim_beh_kind. */
extern const char *const sim_behaviour_names[SIM_BEH_COUNT];

enum sim_spoof_mode {
    SIM_SPOOF_FIXED,   /* always (lat, lon) */
    SIM_SPOOF_OFFSET,  /* the true position shifted by (lat, lon) degrees: a jump */
    SIM_SPOOF_CIRCLE,  /* circling (lat, lon) at radius_m, one lap in 10 min */
};

struct sim_behaviour {
    uint8_t kind;
    int64_t t0, t1;
    size_t ent[2];
    int nent;
    unsigned code;         /* squawk */
    /* identity: what is broadcast instead (0 or "" = unchanged) */
    uint32_t mmsi, imo, icao;
    char name[21];
    char callsign[9];
    /* spoof */
    uint8_t spoof;         /* enum sim_spoof_mode */
    double lat, lon, radius_m;
    /* divert: the new destination ("to"); the one given up */
    char to[24], planned[24];
};

struct sim_receiver {
    char id[32];
    double lat, lon;
    double alt_m;          /* antenna height: radio horizon for aircraft */
    double range_nm;       /* AIS range; cap on the aircraft line of sight */
    /* A satellite AIS receiver hears vessels anywhere, but only during its
     * passes: pass_ms out of every revisit_ms, from phase_ms after the start. */
    bool satellite;
    int64_t pass_ms, revisit_ms, phase_ms;
};

struct sim_scenario {
    char name[128];
    bool synthetic;
    int64_t start, end;    /* ms */
    struct sim_entity *ent;
    size_t nent;
    struct sim_behaviour *beh;
    size_t nbeh;
    struct sim_receiver *rx;
    size_t nrx;
};

/* Loads path and adds the background traffic drawn from seed. Returns 0, or
 * -1 with a message in err. */
int sim_scenario_load(const char *path, uint64_t seed, struct sim_scenario *sc, char *err,
                      size_t errlen);
void sim_scenario_free(struct sim_scenario *sc);

/* Kinematic state at a time. */
struct sim_state {
    double lat, lon;
    double sog_kn, cog_deg;
    double alt_ft, vrate_fpm;  /* aircraft */
    bool airborne;             /* aircraft off the ground */
    bool surface;              /* aircraft on the ground, transponder on (taxi, stand) */
    double rot_dpm;            /* rate of turn, degrees/min, + to starboard; 0 when holding course */
    uint8_t nav_status;
    const struct sim_leg *leg;
};

/* The entity's state at t (ms), or false when it is not present then
 * (before its first leg; after its last leg ends). t must not decrease
 * between calls on the same entity unless sim_entity_rewind() is called. */
bool sim_entity_state(struct sim_entity *e, int64_t t, struct sim_state *s);
void sim_entity_rewind(struct sim_entity *e);

/* Builds an entity's legs: appends a MOVE leg from its last point (or, for
 * the first call, sets the start). Used by the loader; public for tests. */
struct sim_route {
    struct sim_entity *e;
    int64_t t;             /* time at the current point */
    double lat, lon, alt_ft;
    size_t cap;
};
void sim_route_start(struct sim_route *r, struct sim_entity *e, int64_t t, double lat, double lon,
                     double alt_ft);
void sim_route_move(struct sim_route *r, double lat, double lon, double alt_ft, double speed_kn);
void sim_route_stay(struct sim_route *r, int64_t until, uint8_t nav_status, double drift_kn,
                    const char *place);
void sim_route_circle(struct sim_route *r, double radius_m, double speed_kn, int64_t until);

/* Rewrites an aircraft's timeline with its ground phases: each stay at an
 * airport becomes, after a landing, a taxi from the airport's point (the
 * runway) to the aircraft's stand (taxi_m away, in a direction fixed by
 * its address) and stand_ms there with the transponder on, and before a
 * takeoff the same in reverse; in between it stands silent. Flight legs
 * keep their times (takeoff is the end of the ground phase). A stay too
 * short for the whole phase shrinks every part of it in proportion. */
void sim_aircraft_ground(struct sim_entity *e);

#endif

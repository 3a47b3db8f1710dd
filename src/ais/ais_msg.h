/* ais_msg.h: a decoded AIS message.
 *
 * Two views of one message:
 *  - the payload bits themselves (borrowed from the framing layer, valid until
 *    the next line is fed), from which the JSON/CSV writers print every field of
 *    every type straight from the ITU-R M.1371-5 tables (ais_json.c);
 *  - a typed summary of what the tracker needs (position, kinematics, identity,
 *    voyage), filled by ais_decode() for the types that carry it. Each summary
 *    field is valid only when its AIS_HAS_* bit is set: 'not available' values
 *    (lat 91, lon 181, speed 1023, course 3600, heading 511, ...) never set it.
 * Nothing here allocates; ais_decode() writes only the summary fields it sets.
 */
#ifndef ATALAYA_AIS_AIS_MSG_H
#define ATALAYA_AIS_AIS_MSG_H

#include <stdbool.h>
#include <stdint.h>

enum ais_has {
    AIS_HAS_POS = 1u << 0,      /* lat, lon, accuracy */
    AIS_HAS_SOG = 1u << 1,      /* sog_dkn */
    AIS_HAS_COG = 1u << 2,      /* cog_ddeg */
    AIS_HAS_HEADING = 1u << 3,  /* heading_deg */
    AIS_HAS_STATUS = 1u << 4,   /* nav_status */
    AIS_HAS_TURN = 1u << 5,     /* turn (raw ROT_AIS) */
    AIS_HAS_NAME = 1u << 6,     /* shipname */
    AIS_HAS_CALLSIGN = 1u << 7, /* callsign */
    AIS_HAS_IMO = 1u << 8,      /* imo */
    AIS_HAS_SHIPTYPE = 1u << 9, /* shiptype */
    AIS_HAS_DIMS = 1u << 10,    /* to_bow .. to_starboard (some may still be 0 = unknown) */
    AIS_HAS_DEST = 1u << 11,    /* destination */
    AIS_HAS_ETA = 1u << 12,     /* eta_* */
    AIS_HAS_DRAUGHT = 1u << 13, /* draught_dm */
    AIS_HAS_ALT = 1u << 14,     /* alt_m (type 9 SAR aircraft) */
    AIS_HAS_SECOND = 1u << 15,  /* utc_second 0-59 */
    AIS_HAS_UTC = 1u << 16,     /* utc_* full date (types 4, 11) */
};

/* Who sent it, as the tracker ranks sources (ITU-R M.1371-5 by message type). */
enum ais_station {
    AIS_STATION_OTHER = 0,
    AIS_STATION_CLASS_A,  /* 1, 2, 3, 5 */
    AIS_STATION_CLASS_B,  /* 18, 19, 24 */
    AIS_STATION_BASE,     /* 4, 11 (11 is a mobile's reply, kept as base-like time source) */
    AIS_STATION_SAR,      /* 9 */
    AIS_STATION_ATON,     /* 21 */
    AIS_STATION_LONGRANGE /* 27 (satellite long-range) */
};

struct ais_msg {
    /* header, every type */
    uint8_t type;   /* 1..27 */
    uint8_t repeat; /* 0..3 */
    uint32_t mmsi;  /* 30 bits */

    /* payload: borrowed from the caller, or `pad` for a short payload */
    const uint8_t *bits;
    unsigned nbits;
    uint8_t pad[56]; /* zero-padded copy of a payload shorter than its type's fixed fields */

    /* summary (valid per `has`) */
    uint32_t has;             /* enum ais_has bits */
    uint8_t station;          /* enum ais_station */
    uint8_t part;             /* type 24: 0 = part A, 1 = part B */
    double lat, lon;          /* degrees, WGS 84 */
    bool accuracy;            /* position accuracy flag: true = high (< 10 m) */
    uint16_t sog_dkn;         /* speed over ground, 0.1 kn (type 9: 1 kn units * 10) */
    uint16_t cog_ddeg;        /* course over ground, 0.1 degree */
    uint16_t heading_deg;     /* true heading, degrees */
    uint8_t nav_status;       /* navigational status 0..15 (15 = not defined is not stored) */
    int8_t turn;              /* ROT_AIS raw, -127..127 (-128 = n/a is not stored) */
    uint8_t utc_second;       /* time stamp second of the report */
    uint16_t alt_m;           /* type 9 altitude, m (4094 = 4094 m or higher) */
    uint32_t imo;             /* IMO number */
    uint8_t shiptype;         /* ship and cargo type 1..99 */
    uint16_t to_bow, to_stern;/* m */
    uint8_t to_port, to_starboard; /* m */
    uint8_t eta_month, eta_day, eta_hour, eta_minute; /* 0 / 24 / 60 = that part n/a */
    uint8_t draught_dm;       /* 0.1 m */
    uint16_t utc_year;        /* types 4, 11 */
    uint8_t utc_month, utc_day, utc_hour, utc_minute;
    char shipname[36];        /* type 5/19/24A: 20 chars; type 21 name with extension: up to 34 */
    char callsign[8];         /* 7 chars */
    char destination[21];     /* 20 chars */
};

#endif

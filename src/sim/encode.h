/* encode.h: the simulator's encoders, exact inverses of the decoders.
 *
 *   AIS (ITU-R M.1371-5, field layouts as in gpsd's AIVDM.txt):
 *     sim_ais_encode_pos()  types 1/2/3 (Class A position), 168 bits
 *     sim_ais_encode_18()   type 18 (Class B position), 168 bits
 *     sim_ais_encode_5()    type 5 (static and voyage data), 424 bits
 *     sim_ais_encode_24()   type 24 part A (160 bits) / part B (168 bits)
 *     sim_nmea_write()      payload bits -> armoured !AIVDM sentences with
 *                           NMEA 4.10 tag block (nmea_write.c)
 *   Mode S (ICAO Annex 10 Vol IV, DO-260B; bits numbered from 1):
 *     DF17 identification (TC 1-4), surface position (TC 7, surface CPR),
 *     airborne position (TC 9-18, CPR even/odd), airborne velocity (TC 19
 *     subtype 1), aircraft status (TC 28 subtype 1), target state and
 *     status (TC 29 subtype 1), operational status (TC 31 subtype 0
 *     airborne, 1 surface; version 1 or 2),
 *     DF11 all-call reply (PI), DF4/DF5 surveillance replies (AP), DF20/DF21
 *     Comm-B replies with BDS 2,0 (AP).
 * Encoders are pure: no allocation, no clock. Values outside a field's range
 * are clamped to the nearest value the field can carry.
 */
#ifndef ATALAYA_SIM_ENCODE_H
#define ATALAYA_SIM_ENCODE_H

#include <stdbool.h>
#include <stdint.h>

struct buf;

/* ---- AIS ---- */

#define SIM_AIS_TURN_NA (-128)
#define SIM_AIS_SOG_NA 1023
#define SIM_AIS_COG_NA 3600
#define SIM_AIS_HEADING_NA 511
#define SIM_AIS_SECOND_NA 60

/* A position report: Class A (types 1, 2, 3) or Class B (type 18). */
struct sim_ais_pos {
    uint8_t type;        /* 1, 2, 3 or 18 */
    uint32_t mmsi;
    uint8_t nav_status;  /* 0..15 (Class A only) */
    int turn;            /* ROT_AIS -127..127, SIM_AIS_TURN_NA (Class A only) */
    unsigned sog_dkn;    /* 0.1 kn, 0..1022, SIM_AIS_SOG_NA */
    bool accuracy;
    double lat, lon;     /* degrees; 91 / 181 = not available */
    unsigned cog_ddeg;   /* 0.1 degree, 0..3599, SIM_AIS_COG_NA */
    unsigned heading;    /* 0..359, SIM_AIS_HEADING_NA */
    unsigned second;     /* UTC second 0..59, SIM_AIS_SECOND_NA */
};

/* Static and voyage data: type 5 (Class A) and type 24 (Class B). */
struct sim_ais_static {
    uint32_t mmsi;
    uint32_t imo;             /* 0 = not available */
    char callsign[8];         /* up to 7 characters */
    char name[21];            /* up to 20 characters */
    uint8_t shiptype;         /* 0..99 */
    uint16_t to_bow, to_stern;/* m, 0..511 */
    uint8_t to_port, to_starboard; /* m, 0..63 */
    uint8_t eta_month, eta_day, eta_hour, eta_minute; /* 0 / 0 / 24 / 60 = n/a */
    uint8_t draught_dm;       /* 0.1 m, 0..255 */
    char destination[21];     /* up to 20 characters */
};

#define SIM_AIS_BITS_MAX 424 /* type 5 */
#define SIM_AIS_BYTES_MAX ((SIM_AIS_BITS_MAX + 7) / 8)

/* Each writes the payload MSB first into bits (SIM_AIS_BYTES_MAX bytes,
 * zeroed first) and returns its length in bits. */
unsigned sim_ais_encode_pos(const struct sim_ais_pos *p, uint8_t *bits);
unsigned sim_ais_encode_18(const struct sim_ais_pos *p, uint8_t *bits);
unsigned sim_ais_encode_5(const struct sim_ais_static *s, uint8_t *bits);
unsigned sim_ais_encode_24(const struct sim_ais_static *s, int part, uint8_t *bits);

/* Six-bit text (ITU-R M.1371-5 table 47): nchars characters of s at bit
 * `start`, padded with '@' (0). Lower case is sent as upper case; characters
 * outside the table are sent as '?'. */
void sim_ais_put_text(uint8_t *bits, unsigned start, unsigned nchars, const char *s);

/* Appends the message as !AIVDM sentences (at most 60 payload characters
 * each, so a type 5 takes two), each line prefixed by the NMEA 4.10 tag
 * block "\s:<source>,c:<time_s>*hh\" and ended by "\n". channel is 'A' or
 * 'B'; seq_id (0..9) is used only when the message takes several sentences. */
void sim_nmea_write(struct buf *out, const uint8_t *bits, unsigned nbits, char channel,
                    unsigned seq_id, const char *source, int64_t time_s);

/* ---- Mode S ---- */

/* 13-bit AC field for a barometric altitude in feet: Q=1, 25 ft steps
 * (Annex 10 Vol IV 3.1.2.6.5.4), clamped to -1000..50175 ft. */
uint32_t sim_modes_ac13(int32_t alt_ft);
/* 13-bit ID field for a squawk written as four octal digits (e.g. 7700). */
uint32_t sim_modes_id13(unsigned squawk);

/* CPR encoding (DO-260B A.1.7): 17-bit lat/lon for the even (odd = false)
 * or odd format, airborne (360-degree zones) or surface (90-degree zones:
 * the decoder needs a reference within 45 NM to pick the quadrant). */
void sim_cpr_encode(double lat, double lon, bool odd, bool surface, uint32_t *yz, uint32_t *xz);
void sim_cpr_encode_airborne(double lat, double lon, bool odd, uint32_t *yz, uint32_t *xz);

/* Surface movement code (DO-260B table 2-23, 7 bits) for a ground speed:
 * 0 not available (negative), 1 stopped (< 0.125 kt), ..., 124 (>= 175 kt);
 * the code of the band the speed lies in. */
unsigned sim_modes_movement(double gs_kt);

/* Each fills a whole frame (msg: 14 bytes for DF17, 7 for DF4/5/11) with
 * parity. DF17 is sent with CA 5 (airborne). category: set A..D in the high
 * nibble (0xA0..0xD0), category 0..7 in the low one, as struct modes_msg. */
void sim_modes_ident(uint8_t *msg, uint32_t addr, uint8_t category, const char *callsign);
void sim_modes_airborne_pos(uint8_t *msg, uint32_t addr, int32_t alt_ft, double lat, double lon,
                            bool odd, bool alert);
/* TC 7 surface position (CA 4, on the ground): movement, ground track
 * (track_deg < 0: not valid, as when stopped) in 360/128 degree steps, and
 * surface CPR. */
void sim_modes_surface_pos(uint8_t *msg, uint32_t addr, double gs_kt, double track_deg,
                           double lat, double lon, bool odd);
/* Rewrites a DF11 or DF17 frame's CA as 4 (on the ground) and its parity. */
void sim_modes_on_ground(uint8_t *msg);
void sim_modes_velocity(uint8_t *msg, uint32_t addr, double east_kt, double north_kt,
                        int32_t baro_rate_fpm);
void sim_modes_status(uint8_t *msg, uint32_t addr, unsigned emergency, unsigned squawk);
/* TC 31 subtype 0, airborne operational status (DO-260B 2.2.3.2.7.2),
 * ADS-B version 1 or 2 (a version 0 transponder sends no TC 31): NACp
 * 0..15, SIL 0..3 (per hour), NIC-baro 0..1; version 2 only: GVA 0..3, SDA
 * 0..3. NIC supplement A 0, headings true north. */
void sim_modes_opstatus(uint8_t *msg, uint32_t addr, unsigned version, unsigned nac_p, unsigned gva,
                        unsigned sil, unsigned nic_baro, unsigned sda);

/* TC 31 subtype 1, surface operational status (CA 4), version 1 or 2:
 * NACp 0..15, SIL 0..3, the aircraft length/width code 0..15; version 2
 * only: NACv 0..7, SDA 0..3. */
void sim_modes_opstatus_surface(uint8_t *msg, uint32_t addr, unsigned version, unsigned nac_p,
                                unsigned nac_v, unsigned sil, unsigned sda, unsigned lw);

/* TC 29 subtype 1, target state and status (version 2, DO-260B
 * 2.2.3.2.7.1). A negative sel_alt_ft / sel_heading_deg, or qnh_hpa below
 * 800, is sent as "not available". */
struct sim_modes_tss {
    int32_t sel_alt_ft;     /* selected altitude, 32 ft steps, 0..65472 */
    bool sel_alt_fms;       /* source: FMS (else MCP/FCU) */
    double qnh_hpa;         /* barometric setting, 800..1208 in 0.8 hPa steps */
    double sel_heading_deg; /* selected heading, 0..360 in 180/256 steps */
    uint8_t nac_p, nic_baro, sil;
    bool sil_per_sample;
    bool modes_valid;       /* the autopilot/VNAV/altitude hold/approach/LNAV bits are set */
    uint8_t ap_modes;       /* MODES_AP_* (modes/modes_msg.h); MODES_AP_TCAS is always sent */
};
void sim_modes_target_state(uint8_t *msg, uint32_t addr, const struct sim_modes_tss *t);
void sim_modes_df11(uint8_t *msg, uint32_t addr);
void sim_modes_df4(uint8_t *msg, uint32_t addr, unsigned fs, int32_t alt_ft);
void sim_modes_df5(uint8_t *msg, uint32_t addr, unsigned fs, unsigned squawk);
/* DF20 / DF21 (14 bytes): DF4 / DF5 fields plus a Comm-B reply carrying
 * BDS 2,0, the aircraft identification an EHS/ELS radar extracts. */
void sim_modes_df20_ident(uint8_t *msg, uint32_t addr, unsigned fs, int32_t alt_ft,
                          const char *callsign);
void sim_modes_df21_ident(uint8_t *msg, uint32_t addr, unsigned fs, unsigned squawk,
                          const char *callsign);

#endif

/* modes_msg.h: the Mode S decoder's contract: struct modes_msg (one decoded
 * frame), the decoder context (per-aircraft CPR state, reference position,
 * counters) and the JSON and SBS entry points.
 *
 *   struct modes_frame (validated)  --modes_decode()-->   struct modes_msg
 *   "MSG,3,..." SBS line            --modes_sbs_parse()--> struct modes_msg
 *   struct modes_msg                --modes_write_json()--> one JSON object
 *
 * Units are fixed by the field names: feet, knots, ft/min, degrees, hPa, °C.
 * A field is meaningful only when its MODES_F_* bit is set in `have`; there
 * are no "not available" sentinels. The decoder never reads the clock and
 * never allocates after modes_decoder_new(). Field meanings follow ICAO Annex
 * 10 Vol IV and DO-260B; docs/modes-fields.md documents the JSON contract.
 */
#ifndef ATALAYA_MODES_MODES_MSG_H
#define ATALAYA_MODES_MODES_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modes/modes.h"

struct buf;

/* Bit numbers of struct modes_msg.have: which optional fields are valid. */
enum modes_field {
    MODES_F_ADDR,         /* addr */
    MODES_F_ALT_BARO,     /* alt_baro_ft (and alt_metric) */
    MODES_F_ALT_GEOM,     /* alt_geom_ft */
    MODES_F_SQUAWK,       /* squawk */
    MODES_F_CALLSIGN,     /* callsign */
    MODES_F_CATEGORY,     /* category */
    MODES_F_AIRGROUND,    /* on_ground */
    MODES_F_FS,           /* fs, alert, spi */
    MODES_F_CA,           /* ca (DF11/17 capability) */
    MODES_F_CF,           /* cf (DF18 control field) */
    MODES_F_CPR,          /* cpr_* raw fields of this frame */
    MODES_F_POS,          /* lat, lon (resolved) */
    MODES_F_GS,           /* gs_kt */
    MODES_F_TRACK,        /* track_deg */
    MODES_F_HEADING,      /* heading_deg (magnetic unless heading_true) */
    MODES_F_IAS,          /* ias_kt */
    MODES_F_TAS,          /* tas_kt */
    MODES_F_MACH,         /* mach */
    MODES_F_BARO_RATE,    /* baro_rate_fpm */
    MODES_F_GEOM_RATE,    /* geom_rate_fpm */
    MODES_F_GNSS_DIFF,    /* gnss_baro_diff_ft (geometric minus barometric) */
    MODES_F_ROLL,         /* roll_deg */
    MODES_F_TRACK_RATE,   /* track_rate_dps */
    MODES_F_SEL_ALT_MCP,  /* sel_alt_mcp_ft */
    MODES_F_SEL_ALT_FMS,  /* sel_alt_fms_ft */
    MODES_F_QNH,          /* qnh_hpa */
    MODES_F_SEL_HEADING,  /* sel_heading_deg */
    MODES_F_AP_MODES,     /* ap_modes (MODES_AP_*) */
    MODES_F_EMERGENCY,    /* emergency (enum modes_emergency) */
    MODES_F_ACAS_RA,      /* ra (struct modes_acas_ra) */
    MODES_F_VERSION,      /* version */
    MODES_F_NIC,          /* nic */
    MODES_F_NAC_P,        /* nac_p */
    MODES_F_NAC_V,        /* nac_v */
    MODES_F_SIL,          /* sil, sil_per_sample */
    MODES_F_SDA,          /* sda */
    MODES_F_GVA,          /* gva */
    MODES_F_NIC_BARO,     /* nic_baro */
    MODES_F_WIND,         /* wind_speed_kt, wind_dir_deg */
    MODES_F_TEMP,         /* temp_c (static air temperature) */
    MODES_F_PRESSURE,     /* pressure_hpa */
    MODES_F_HUMIDITY,     /* humidity_pct */
    MODES_F_TURBULENCE,   /* turbulence (0..3) */
    MODES_F_BDS10,        /* bds10 */
    MODES_F_BDS17,        /* bds17_caps */
    MODES_F_VS,           /* vs (DF0/16 vertical status: 1 = on ground) */
    MODES_F_RI,           /* ri (DF0/16 reply information) */
    MODES_F_NUC_P,        /* nuc_p (ADS-B version 0 position quality) */
    MODES_F_SL,           /* sl (DF0/16 ACAS sensitivity level) */
    MODES_F_CC,           /* cc (DF0 cross-link capability) */
    MODES_F_FIELD_COUNT
};

#define MODES_BIT(f) ((uint64_t)1 << (f))
#define MODES_HAS(m, f) (((m)->have >> (f)) & 1u)

/* Which kind of address the 24-bit `addr` is (DF18 CF / TIS-B IMF, DO-260B 2.2.3.2.1). */
enum modes_addr_kind {
    MODES_ADDR_ICAO = 0,    /* 24-bit ICAO aircraft address */
    MODES_ADDR_NON_ICAO,    /* anonymous / non-ICAO (DF18 CF=1, CF=5) */
    MODES_ADDR_TISB_ICAO,   /* TIS-B about an ICAO-addressed target (CF=2/3, IMF=0) */
    MODES_ADDR_TISB_OTHER,  /* TIS-B with a track-file number or non-ICAO address */
    MODES_ADDR_ADSR_ICAO,   /* ADS-R rebroadcast (CF=6, IMF=0) */
    MODES_ADDR_ADSR_OTHER,  /* ADS-R of a non-ICAO address (CF=6, IMF=1) */
};

/* How lat/lon were obtained. */
enum modes_pos_kind {
    MODES_POS_NONE = 0,
    MODES_POS_GLOBAL,   /* even/odd pair */
    MODES_POS_LOCAL_AC, /* local decode from this aircraft's last position */
    MODES_POS_LOCAL_REF,/* local decode from the receiver reference */
    MODES_POS_SBS,      /* given as text by an SBS feed */
};

/* Emergency/priority status (TC 28 subtype 1, DO-260B table 2-99). */
enum modes_emergency {
    MODES_EMERG_NONE = 0, MODES_EMERG_GENERAL, MODES_EMERG_LIFEGUARD, MODES_EMERG_MINFUEL,
    MODES_EMERG_NORDO, MODES_EMERG_UNLAWFUL, MODES_EMERG_DOWNED, MODES_EMERG_RESERVED,
};

/* Autopilot / mode flags from TC 29 subtype 1 (DO-260B 2.2.3.2.7.1). */
#define MODES_AP_AUTOPILOT 0x01u
#define MODES_AP_VNAV 0x02u
#define MODES_AP_ALT_HOLD 0x04u
#define MODES_AP_APPROACH 0x08u
#define MODES_AP_LNAV 0x10u
#define MODES_AP_TCAS 0x20u /* TCAS/ACAS operational */

/* ACAS resolution advisory (TC 28 subtype 2, BDS 3,0 and DF16 MV). */
struct modes_acas_ra {
    uint16_t ara;       /* active RA bits 1..14 */
    uint8_t rac;        /* RA complement, 4 bits */
    bool rat;           /* RA terminated */
    bool mte;           /* multiple threat encounter */
    uint8_t tti;        /* threat type indicator: 0 none, 1 address, 2 range/bearing */
    uint32_t threat_addr; /* when tti == 1 */
};

/* BDS 1,0 data link capability (ICAO Doc 9871 table A-2-16), the parts analysts use. */
struct modes_bds10 {
    uint8_t version;     /* Mode S subnetwork version, bits 17-23 */
    bool ovc;            /* overlay command capability */
    bool acas;           /* ACAS operating (bit 25 inverse sense handled) */
    bool acas_hybrid;    /* hybrid surveillance */
    bool acas_ra_tcas;   /* bit 48: RA capability */
    bool squitter;       /* bit 35: squitter capability subfield */
    bool sic;            /* surveillance identifier code capability */
};

/* Comm-B register identity, packed as (major << 4) | minor: 0x40 is BDS 4,0. */
#define MODES_BDS(a, b) ((uint8_t)(((a) << 4) | (b)))
#define MODES_BDS_NONE 0x00
#define MODES_BDS_EMPTY 0xFF /* an all-zero MB field: nothing to infer */

struct modes_msg {
    uint64_t have;          /* MODES_BIT(MODES_F_*) of the valid optional fields */

    /* Provenance: copied from the frame, never interpreted. */
    uint8_t msg[MODES_LONG_BYTES];      /* corrected bytes */
    uint8_t verbatim[MODES_LONG_BYTES]; /* as received */
    uint8_t len;            /* bytes: 7 or 14; 0 for SBS input */
    uint8_t source;         /* enum modes_frame_source */
    int8_t corrected_bits;  /* CRC bits fixed by the framer's validation */
    bool addr_from_ap;      /* address recovered from the AP field */
    bool addr_unverified;   /* ... from an AP field whose address was never heard in clear */
    uint64_t ts12;          /* 12 MHz receiver counter, 0 if none */
    int64_t time_ms;        /* event time, ms since the epoch; MODES_NO_TIME if unknown */
    double signal;          /* dBFS, NAN if unknown */

    /* Surveillance fields (Annex 10 Vol IV 3.1.2.6). */
    uint8_t df;             /* downlink format 0..24 */
    uint32_t addr;          /* 24-bit address (MODES_F_ADDR) */
    uint8_t addr_kind;      /* enum modes_addr_kind */
    uint8_t ca;             /* DF11/17 capability (MODES_F_CA) */
    uint8_t cf;             /* DF18 control field (MODES_F_CF) */
    uint8_t fs;             /* DF4/5/20/21 flight status (MODES_F_FS) */
    uint8_t vs;             /* DF0/16 vertical status */
    uint8_t ri;             /* DF0/16 reply information (ACAS capability / max airspeed) */
    uint8_t sl;             /* DF0/16 sensitivity level, 0 = ACAS inoperative */
    uint8_t cc;             /* DF0 cross-link capability (1: replies with BDS via DF16) */
    bool alert;             /* FS: alert (squawk changed) */
    bool spi;               /* FS: ident (special position indication) */
    bool on_ground;         /* MODES_F_AIRGROUND */
    bool alt_metric;        /* altitude was reported in metres (converted to feet) */
    int32_t alt_baro_ft;    /* barometric altitude, feet */
    int32_t alt_geom_ft;    /* GNSS height (HAE), feet */
    uint16_t squawk;        /* Mode A code as four octal digits read as decimal: 7700 */

    /* Extended squitter (DO-260B 2.2.3.2). */
    uint8_t tc;             /* type code 0..31 (0 when not ADS-B) */
    uint8_t st;             /* subtype where the TC has one */
    char callsign[9];       /* trimmed, NUL-terminated (MODES_F_CALLSIGN) */
    uint8_t category;       /* set A..D in the high nibble (0xA0..0xD0), category 0..7 low */

    bool cpr_odd;           /* MODES_F_CPR: F bit */
    bool cpr_surface;       /* surface-format CPR (TC 5-8) */
    uint32_t cpr_lat;       /* 17-bit encoded latitude */
    uint32_t cpr_lon;       /* 17-bit encoded longitude */
    uint8_t pos_kind;       /* enum modes_pos_kind */
    double lat, lon;        /* degrees WGS-84 (MODES_F_POS) */

    double gs_kt;           /* ground speed */
    double track_deg;       /* true track over ground, 0..360 */
    double heading_deg;     /* 0..360 */
    bool heading_true;      /* heading is true (else magnetic) */
    int32_t ias_kt, tas_kt;
    double mach;
    int32_t baro_rate_fpm, geom_rate_fpm;
    int32_t gnss_baro_diff_ft;
    double roll_deg;        /* BDS 5,0: right wing down positive */
    double track_rate_dps;  /* BDS 5,0: degrees per second */

    int32_t sel_alt_mcp_ft, sel_alt_fms_ft;
    double qnh_hpa;
    double sel_heading_deg;
    uint8_t ap_modes;       /* MODES_AP_* */
    uint8_t emergency;      /* enum modes_emergency */
    struct modes_acas_ra ra;

    /* Quality and version (DO-260B 2.2.3.2.7.2; version-dependent). */
    uint8_t version;        /* ADS-B version 0, 1, 2 */
    uint8_t nic;            /* navigation integrity category 0..11 */
    uint8_t nuc_p;          /* version 0: navigation uncertainty category (from TC) */
    uint8_t nac_p, nac_v, sil, sda, gva, nic_baro;
    bool sil_per_sample;    /* SIL supplement: probability per sample (else per hour) */

    /* Comm-B (DF20/21), see commb.c. */
    uint8_t bds;            /* MODES_BDS(x, y), MODES_BDS_NONE, or MODES_BDS_EMPTY */
    bool bds_ambiguous;     /* several registers fit equally: see bds_candidates */
    uint8_t n_bds_candidates;
    uint8_t bds_candidates[8];
    struct modes_bds10 bds10;
    uint32_t bds17_caps;    /* BDS 1,7: bit i-1 set = GICB register of table position i */
    double wind_speed_kt, wind_dir_deg, temp_c, pressure_hpa, humidity_pct;
    uint8_t turbulence;
};

/* Decoder configuration. Zero values take the documented defaults. */
struct modes_decoder_cfg {
    bool have_ref;          /* ref_lat/ref_lon: receiver position */
    double ref_lat, ref_lon;
    double max_range_nm;    /* reject positions farther from the reference (default 450) */
    double max_speed_kt;    /* reject position jumps implying more (default 1500; surface 250) */
    int64_t pair_max_ms;    /* even/odd frames pair only within this (default 10 s; surface 2.5 times that) */
    unsigned max_aircraft;  /* per-aircraft state table size (default 4096) */
    int64_t aircraft_ttl_ms;/* state older than this is reused (default 300 s) */
};

/* Counters: every rejection reason has one. */
struct modes_decode_stats {
    uint64_t decoded;           /* frames turned into a modes_msg */
    uint64_t rejected_len;      /* length does not match the DF */
    uint64_t rejected_df;       /* DF we do not decode (incl. Mode A/C) */
    uint64_t rejected_crc;      /* frame not validated (crc_ok false) */
    uint64_t cpr_global;        /* positions from an even/odd pair */
    uint64_t cpr_local;         /* positions from a local decode */
    uint64_t cpr_no_pair;       /* position frame waiting for its partner */
    uint64_t cpr_zone_retry;    /* pair straddles an NL zone boundary */
    uint64_t cpr_no_ref;        /* surface position without any reference */
    uint64_t cpr_range;         /* rejected: beyond max_range_nm from the reference */
    uint64_t cpr_speed;         /* rejected: implied speed above max_speed_kt */
    uint64_t commb_empty;       /* all-zero MB */
    uint64_t commb_ambiguous;   /* several BDS registers fit */
    uint64_t commb_unknown;     /* no register fits */
    uint64_t table_evictions;   /* live aircraft state dropped to make room */
};

/* modes_decode() results. */
enum {
    MODES_DECODE_OK = 0,
    MODES_DECODE_ELEN = -1,     /* frame length does not match its DF */
    MODES_DECODE_EDF = -2,      /* unsupported DF (or Mode A/C) */
    MODES_DECODE_ECRC = -3,     /* frame was not validated (crc_ok false) */
};

struct modes_decoder;

/* Allocates a decoder (the only allocation); cfg may be NULL. Never NULL. */
struct modes_decoder *modes_decoder_new(const struct modes_decoder_cfg *cfg);
void modes_decoder_free(struct modes_decoder *d);
const struct modes_decode_stats *modes_decoder_stats(const struct modes_decoder *d);

/* Decodes one validated frame (modes_frame_validate has run) into *out, using
 * and updating the decoder's per-aircraft CPR and version state. Returns
 * MODES_DECODE_OK, or a negative MODES_DECODE_E* (counted in the stats). */
int modes_decode(struct modes_decoder *d, const struct modes_frame *f, struct modes_msg *out);

/* Decodes the fields of one frame without any context: no CPR resolution, no
 * version memory (version 0 NIC meanings). Pure; for tests, fuzzers and tools. */
int modes_decode_frame(const struct modes_frame *f, struct modes_msg *out);

/* Parses one SBS/BaseStation line ("MSG,3,1,1,4CA2D6,...", no line end) into
 * *out, source MODES_SRC_SBS (lower trust). Pure. Returns 0, or -1 for a line
 * that is not a usable MSG record (the caller counts it). */
int modes_sbs_parse(const char *line, size_t len, struct modes_msg *out);

/* Appends one JSON object (no newline) for m: see docs/modes-fields.md. */
void modes_write_json(struct buf *out, const struct modes_msg *m);

/* Text names, for writers: "adsb_icao", "tisb_icao", ...; "7,0" style BDS. */
const char *modes_addr_kind_name(uint8_t kind);
const char *modes_emergency_name(uint8_t e);

#endif

/* pipeline.h: the one pipeline, the same code for `replay`, `ingest` and
 * `run`, live or recorded:
 *
 *   sources (files, TCP, UDP: bytes in)
 *     -> framers (NMEA lines, Beast/AVR frames, SBS lines, I/Q demodulation)
 *     -> duplicate filter across receivers -> validation (CRC, address) -> decoders
 *     -> tracker (enriched by the reference data) -> watchlists and detectors
 *     -> sinks (store, stdout, JSON snapshots, the page's live stream, re-broadcast)
 *
 * Only the sources and sinks differ between commands. A source is anything
 * that hands bytes in (pipeline_source_feed): a file read by
 * pipeline_feed_file, or a connection the caller's event loop reads.
 *
 * EVENT TIME ONLY: a message takes its own time (tag block c:, USCG and
 * Gatehouse times, SBS dates, the Beast 12 MHz counter: anchored by
 * modes_epoch_ms when it is known, otherwise to the arrival of a
 * connection's first frame (net/rxclock.h), or read as a relative clock from
 * a file); a message without a time takes its arrival time when the source
 * is live, and the latest time seen before it when it is a recording. The
 * pipeline's clock (now_ms) is the latest event time seen; detectors that
 * act on time passing (a vessel silent past the dark-gap threshold) are
 * driven by it, never by the wall clock, so a recording pushed through
 * `run` at any speed and in any chunking gives the events `ingest` gives. */
#ifndef ATALAYA_PIPELINE_PIPELINE_H
#define ATALAYA_PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "detect/detect.h"
#include "detect/event.h"
#include "modes/validate.h"
#include "net/dedupe.h"
#include "pipeline/sniff.h"
#include "ref/watchlist.h"
#include "track/track.h"

struct sqlite3;
struct modes_frame;
struct modes_msg;

#define PIPELINE_MAX_FILES CFG_LIST_MAX /* per list: areas, geofences, port polygons */
#define PIPELINE_MAX_SINKS 8

struct pipeline_config {
    const char *db;          /* watchlists and registry (NULL: atalaya.db when present) */
    /* Watchlists the command loaded itself (a PostgreSQL store's, through its
     * watchlist_load): taken over by pipeline_open (freed at close, *wl_set
     * left empty) and indexed there; db then gives the registry only. NULL:
     * the watchlists of db. */
    struct ref_wl_set *wl_set;
    const char *areas[PIPELINE_MAX_FILES]; /* GeoJSON areas for watchlist area-entry alerts */
    int nareas;
    bool detect;             /* run the detectors */
    const char *geofences[PIPELINE_MAX_FILES]; /* with detect: GeoJSON zones, enter/exit/dwell of any entity */
    int ngeofences;
    const char *port_polygons[PIPELINE_MAX_FILES]; /* with detect: GeoJSON port areas beside the World Port Index */
    int nport_polygons;
    const struct det_config *det; /* NULL: the published defaults */
    const struct trk_config *trk; /* NULL: the tracker's defaults */
    int64_t modes_epoch_ms;  /* UTC of the Beast/AVR counter's zero; 0: not known */
    bool have_receiver;      /* receiver position: surface and local CPR */
    double receiver_lat, receiver_lon;
    bool fix2;               /* also correct 2-bit errors in DF17/18 */
    int64_t dedupe_ms;       /* copies of one message from other receivers within this are dropped; 0: off */
    bool quiet;              /* no warning when the reference data is missing */
    const char *who;         /* command name for messages ("atalaya replay") */
};

/* The options every pipeline command shares (replay, ingest, run), as rows
 * of the command's option table (common/config.h): a struct
 * pipeline_options member m of the command's config struct, and
 * PIPELINE_CFG_OPTIONS(type, m) among its rows. Thresholds come through
 * --set NAME=VALUE and config files into the det_config and trk_config the
 * command hands pipeline_config_from (atalaya config --defaults lists them). */
struct pipeline_options {
    const char *db;
    struct cfg_list areas, geofences, port_polygons, set;
    double modes_epoch, receiver_lat, receiver_lon;
    bool fix2;
    long dedupe_ms;
    const char *config;
    struct cfg_list strings; /* owns string values read from a config file */
};
#define PIPELINE_CFG_OPTIONS(type, m)                                                                             {"db", CFG_STR, offsetof(type, m.db), NULL,                                                                    "watchlists and registry (default: the store's own file, else atalaya.db, when present)",                    offsetof(type, m.strings)},                                                                                  {"area", CFG_LIST, offsetof(type, m.areas), NULL, "GeoJSON areas: alert when a watched entity enters one", 0},     {"geofence", CFG_LIST, offsetof(type, m.geofences), NULL,                                                      "GeoJSON zones: enter/exit/dwell events (needs the detectors)", 0},                                          {"port-polygons", CFG_LIST, offsetof(type, m.port_polygons), NULL,                                             "GeoJSON port areas beside the World Port Index (needs the detectors)", 0},                                  {"modes-epoch", CFG_DOUBLE, offsetof(type, m.modes_epoch), "0",                                                "UNIX time (s) of the Beast/AVR 12 MHz counter's zero, so Mode S gets UTC times (0: relative in "             "recordings, anchored to each connection's first frame live)", 0},                                           {"receiver-lat", CFG_DOUBLE, offsetof(type, m.receiver_lat), NULL,                                             "receiver latitude (surface and local CPR)", 0},                                                             {"receiver-lon", CFG_DOUBLE, offsetof(type, m.receiver_lon), NULL, "receiver longitude", 0},                  {"fix2", CFG_BOOL, offsetof(type, m.fix2), NULL, "also correct 2-bit errors in DF17/18", 0},                 {"dedupe-ms", CFG_INT, offsetof(type, m.dedupe_ms), "2000",                                                    "drop copies of a message from another receiver within this many ms (0: keep every copy)", 0},               CFG_OPTION_SET(type, m.set), CFG_OPTION_CONFIG(type, m.config)

/* The threshold targets for cfg_load (det_config and trk_config, zeroed:
 * det_new and trk_new fill what is left 0). */
void pipeline_targets(struct cfg_target tg[2], struct det_config *det, struct trk_config *trk);
/* cfg from the options and the thresholds (kept by pointer). */
void pipeline_config_from(struct pipeline_config *cfg, const struct pipeline_options *o,
                          const struct det_config *det, const struct trk_config *trk);
/* Geofences and port polygons without the detectors: prints why, returns false. */
bool pipeline_config_ok(const struct pipeline_config *cfg, const char *needs);

/* PL_IQ: Mode S from unsigned 8-bit I/Q; PL_AIS_IQ: AIS (both channels)
 * from unsigned 8-bit I/Q centred on 162.000 MHz, demodulated into !AIVDM
 * sentences that go on as this source's NMEA. I/Q carries no time: a live
 * I/Q source's messages take the arrival time of the samples that complete
 * them. */
enum pipeline_format { PL_NMEA, PL_BEAST, PL_AVR, PL_SBS, PL_IQ, PL_AIS_IQ };

/* One validated message as it came in, for a sink that forwards messages
 * rather than what they say (run --publish). */
struct pipeline_message {
    enum pipeline_format format; /* PL_NMEA, PL_BEAST, PL_AVR or PL_SBS (from I/Q: Mode S as Beast, AIS as NMEA) */
    int64_t time_ms;             /* the event time the pipeline gave it */
    uint8_t kind;                /* the entity it names: TRK_VESSEL, TRK_AIRCRAFT; 0: none (an AIS message that did not decode) */
    uint32_t id;                 /* MMSI or ICAO address */
    /* The message as received, text without its line end: NMEA sentence(s)
     * with their tag block, fragments joined by '\n'; the AVR line; the SBS
     * line; one Beast frame, escaped, from its 0x1a. Valid only during the call. */
    const uint8_t *raw;
    size_t len;
};

/* What comes out. Every member may be NULL. evidence: the raw message(s)
 * behind an update (NMEA sentences, frame hex, SBS line). */
struct pipeline_sink {
    void *ctx;
    /* After every tracker update, once watch and detectors have seen it. */
    void (*update)(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len);
    /* Every alert and detector event (open, updated or closed), as raised
     * (detect/event.h); valid only during the call. */
    void (*event)(void *ctx, const struct event *e);
    /* A validated Mode S frame, before decoding (Beast/AVR re-broadcast). */
    void (*frame)(void *ctx, const struct modes_frame *f);
    /* A decoded Mode S message (SBS re-broadcast). */
    void (*modes)(void *ctx, const struct modes_msg *m);
    /* The sentence(s) of an AIS message that decoded (NMEA re-broadcast),
     * newline separated. */
    void (*nmea)(void *ctx, const char *raw, size_t len);
    /* Every message that passed the duplicate filter and validation (AIS:
     * framed with a good checksum; Mode S: CRC or address; SBS: parsed),
     * once, before the tracker sees it. */
    void (*message)(void *ctx, const struct pipeline_message *m);
};

struct pipeline_counters {
    uint64_t frames;        /* Mode S frames from the framers */
    uint64_t ais_messages;  /* AIS messages decoded */
    uint64_t sbs_messages;  /* SBS lines parsed */
    uint64_t updates;       /* tracker updates */
    uint64_t untimed;       /* messages before any time was known (dropped by the detectors) */
};

struct pipeline {
    struct ref *ref;
    struct sqlite3 *db;
    struct ref_wl_set set;
    struct ref_wl_index *wl;
    struct watch *watch;
    struct det *det;         /* NULL unless cfg.detect */
    struct trk *trk;
    struct modes_decoder *dec;
    struct modes_validator val;
    struct dedupe *dedupe;   /* NULL: off */
    int64_t modes_epoch_ms;
    int64_t now_ms;          /* the pipeline's clock: latest event time seen */
    /* Recordings: decoded offset in the file of the end of the line or
     * block in hand (in_tell), which a resumable ingest marks its rows with
     * (store.h, store_input_at); the caller sets it past the end. */
    int64_t in_pos;
    /* Bytes of that recording read as stored (a .gz/.zst counts its
     * compressed bytes): how far a progress line is. */
    uint64_t in_read;
    struct pipeline_counters n;
    const char *who;
    bool stop;               /* set by a sink to end the run (e.g. a failed store write) */
    struct pipeline_sink sinks[PIPELINE_MAX_SINKS];
    int nsinks;
    int next_source_id;
    struct pipeline_source *sources; /* all open sources (stats, teardown) */
    struct ais_stats *ais_closed;    /* counters of sources already closed */
    /* One reassembly context for every recording: a message whose fragments
     * a split cut across two files is still whole. */
    struct ais_ctx *recordings_ais;
};

/* Loads reference data, watchlists, areas; builds tracker and detectors.
 * Returns 0, or -1 after printing why. */
int pipeline_open(struct pipeline *p, const struct pipeline_config *cfg);
/* Adds a sink (copied). Returns 0, or -1 when PIPELINE_MAX_SINKS are in. */
int pipeline_add_sink(struct pipeline *p, const struct pipeline_sink *s);
/* End of input: reassembly flushed, detector events that end with the input
 * handed to the sinks. */
void pipeline_finish(struct pipeline *p);
void pipeline_close(struct pipeline *p);

/* ---- sources ---- */

struct pipeline_source;

/* A new source of one format. name: the receiver or feed it stands for
 * (copied; "" unknown); live: messages without a time take their arrival
 * time (else the pipeline's clock). */
struct pipeline_source *pipeline_source_new(struct pipeline *p, enum pipeline_format fmt, const char *name, bool live);
/* An I/Q source's sample rate (default: 2.4 MS/s Mode S, 288 kS/s AIS),
 * before its first bytes. Returns 0, or -1 when its demodulator cannot
 * read that rate. */
int pipeline_source_set_rate(struct pipeline_source *s, double rate);
/* Bytes as they came (any chunking). arrival_ms: when they arrived (live
 * sources; ignored for recordings). */
void pipeline_source_feed(struct pipeline_source *s, const uint8_t *bytes, size_t n, int64_t arrival_ms);
/* Every message fed from now on takes event time t_ms, whatever time it
 * carries or lacks (a stream worker: the time the receiver's pipeline gave
 * the observation, stream/obs.h, so a Beast frame needs no counter anchor);
 * 0: the message's own time again. */
void pipeline_source_set_time(struct pipeline_source *s, int64_t t_ms);
/* The caller's pointer kept with a source (e.g. whose connection it is). */
void pipeline_source_set_owner(struct pipeline_source *s, void *owner);
void *pipeline_source_owner(const struct pipeline_source *s);
/* The source ended (a last line without its newline is taken) and is freed. */
void pipeline_source_close(struct pipeline_source *s);

/* A recording, format detected, .gz/.zst read as is, through a source.
 * Returns 0, or 2 after printing why (cannot open, read error). */
int pipeline_feed_file(struct pipeline *p, const char *path);

/* A recording played as a live feed `speed` times faster than it was
 * recorded (0: as fast as possible), stepped by the caller's loop: each
 * pipeline_player_step feeds the messages whose event time is due by wall
 * time now_ms. */
struct pipeline_player;
struct pipeline_player *pipeline_player_open(struct pipeline *p, const char *path, double speed, char *err,
                                             size_t errn);
/* Returns 1 while more is to come, 0 at the end of the file, -1 on a read error. */
int pipeline_player_step(struct pipeline_player *pl, int64_t now_ms);
void pipeline_player_close(struct pipeline_player *pl);

/* AIS framing counters over every source, open and closed. */
void pipeline_ais_stats(const struct pipeline *p, struct ais_stats *out);

#endif

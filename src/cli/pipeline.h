/* pipeline.h: recordings through the whole chain as a live run would see
 * them: framers and decoders, the tracker (enriched by the reference data),
 * watchlist alerts and, when asked, the detectors. `replay` prints what comes
 * out; `ingest` stores it.
 *
 * EVENT TIME ONLY: a message takes its own time (tag block c:, USCG and
 * Gatehouse times, SBS dates, the Beast 12 MHz counter anchored by
 * modes_epoch_ms); one without a time takes the latest seen before it, so
 * one file or the same messages split over several files in one run give the
 * same results, and the wall clock is never read. */
#ifndef ATALAYA_CLI_PIPELINE_H
#define ATALAYA_CLI_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "detect/detect.h"
#include "modes/validate.h"
#include "ref/watchlist.h"
#include "track/track.h"

struct sqlite3;

#define PIPELINE_MAX_FILES 32 /* per list: areas, geofences, port polygons */

struct pipeline_config {
    const char *db;          /* watchlists and registry (NULL: atalaya.db when present) */
    const char *areas[PIPELINE_MAX_FILES]; /* GeoJSON areas for watchlist area-entry alerts */
    int nareas;
    bool detect;             /* run the detectors */
    const char *geofences[PIPELINE_MAX_FILES]; /* with detect: GeoJSON zones, enter/exit/dwell of any entity */
    int ngeofences;
    const char *port_polygons[PIPELINE_MAX_FILES]; /* with detect: GeoJSON port areas beside the World Port Index */
    int nport_polygons;
    const struct det_config *det; /* NULL: the published defaults */
    int64_t modes_epoch_ms;  /* UTC of the Beast/AVR counter's zero; 0: the counter as a relative clock */
    bool quiet;              /* no warning when the reference data is missing */
    const char *who;         /* command name for messages ("atalaya replay") */
};

/* The options replay and ingest share, for their getopt_long tables:
 * --db, --area, --geofence, --port-polygons, --modes-epoch. */
#define PIPELINE_LONGOPTS                                                                                     \
    {"db", required_argument, 0, 'd'}, {"area", required_argument, 0, 'A'},                                   \
        {"geofence", required_argument, 0, 'G'}, {"port-polygons", required_argument, 0, 'O'},               \
        {"modes-epoch", required_argument, 0, 'E'}

/* Takes one of those options into cfg: true when c was one of them. */
bool pipeline_option(struct pipeline_config *cfg, int c, const char *arg);
/* Geofences and port polygons without the detectors: prints why, returns false. */
bool pipeline_config_ok(const struct pipeline_config *cfg, const char *needs);

/* Called after every tracker update, once watch and detectors have seen it.
 * evidence: the raw message(s) behind it (NMEA sentences, frame hex, SBS line). */
typedef void (*pipeline_update_fn)(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len);

struct pipeline {
    struct ref *ref;
    struct sqlite3 *db;
    struct ref_wl_set set;
    struct ref_wl_index *wl;
    struct watch *watch;
    struct det *det;         /* NULL unless cfg.detect */
    struct trk *trk;
    struct ais_ctx *ais;
    struct modes_decoder *dec;
    struct modes_validator val;
    int64_t modes_epoch_ms;
    int64_t now_ms;          /* latest event time seen */
    uint64_t messages;       /* decoded messages that reached the tracker */
    const char *source;      /* receiver of the message in hand ("" unknown) */
    int64_t in_pos;          /* decoded offset in the file of the end of the line or block in hand */
    const char *who;
    bool stop;               /* set by a hook to end the run (e.g. a failed store write) */
    /* Alert and event lines (JSON, one per line) from watch and detectors;
     * the owner drains it in its hook or after pipeline_feed. */
    struct buf out;
    pipeline_update_fn on_update;
    void *ctx;
};

/* Loads reference data, watchlists, areas; builds tracker and detectors.
 * Returns 0, or -1 after printing why. */
int pipeline_open(struct pipeline *p, const struct pipeline_config *cfg, pipeline_update_fn fn, void *ctx);
/* One recording (any supported format, detected; .gz/.zst as is). 0, or 2
 * after printing why (cannot open, read error, raw I/Q when not allowed). */
int pipeline_feed(struct pipeline *p, const char *path);
/* End of input: reassembly flushed, open detector events closed into out. */
void pipeline_finish(struct pipeline *p);
void pipeline_close(struct pipeline *p);

#endif

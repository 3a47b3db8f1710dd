/* cmd_ingest.c: `atalaya ingest [--store sqlite:PATH] FILE...`: recordings
 * through the pipeline (decoders, tracker, reference data, watchlists,
 * detectors: pipeline.h) into the store (src/store/store.h): every accepted
 * position, each identity field as history (a change closes the old row),
 * and every detector event and watchlist alert with its evidence. Format is
 * detected per file, .gz/.zst read as is.
 *
 * Event time only, as replay: ingesting one file or the same messages split
 * over several files in one run gives the same rows.
 *
 * With --from nats://..., a stream worker instead (stream/worker.h): the
 * shards it holds, from the receivers' stream, until SIGTERM/SIGINT. */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pipeline/pipeline.h"
#include "pipeline/store_sink.h"
#include "store/store.h"
#include "stream/worker.h"

struct ingest_config {
    const char *store, *positions, *from, *worker;
    long batch, reorder_ms;
    double retain_days, lease_ttl;
    bool quiet, no_detect, resume;
    struct pipeline_options pl;
};

#define S(f) offsetof(struct ingest_config, f)
static const struct cfg_option ingest_options[] = {
    {"store", CFG_STR, S(store), "sqlite:atalaya.db", "the store to write (sqlite:PATH or postgresql://USER@HOST:PORT/DB)", S(pl.strings)},
    {"batch", CFG_INT, S(batch), "5000", "commit every N rows or 60 s of event time", 0},
    {"retain-days", CFG_DOUBLE, S(retain_days), "0", "then delete positions older than D days before the latest event time (0: keep all)", 0},
    {"positions", CFG_STR, S(positions), "thinned", "all|thinned: every accepted fix, or a fix a minute per vessel and every 10 s per aircraft, plus turns, speed and altitude changes and the last fix before each silence (detectors see every fix)", S(pl.strings)},
    {"no-detect", CFG_BOOL, S(no_detect), NULL, "positions and identities only", 0},
    {"quiet", CFG_BOOL, S(quiet), NULL, "no progress line", 0},
    {"from", CFG_STR, S(from), NULL, "nats://HOST:PORT[?stream=NAME&shards=N]: a stream worker: the shards it holds from the receivers' stream, until SIGTERM", S(pl.strings)},
    {"worker", CFG_STR, S(worker), NULL, "with --from: this worker's name among the others (default HOST-PID)", S(pl.strings)},
    {"reorder-ms", CFG_INT, S(reorder_ms), "10000", "with --from: messages are put in event-time order over this window", 0},
    {"lease-ttl", CFG_DOUBLE, S(lease_ttl), "10", "with --from: seconds a dead worker's shards stay held before others take them", 0},
    {"resume", CFG_BOOL, S(resume), NULL, "after an interrupted ingest of the same files: store only what it had not committed (the files are read again from the start; docs/store.md)", 0},
    PIPELINE_CFG_OPTIONS(struct ingest_config, pl),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S
static const struct cfg_alias ingest_aliases[] = {{'q', "quiet"}, {0, NULL}};
const struct cfg_cmd ingest_cmd = {
    "ingest",
    "usage: atalaya ingest [--store sqlite:PATH] [OPTIONS] FILE...\n"
    "       atalaya ingest --from nats://HOST:PORT --store postgresql://... [OPTIONS]\n"
    "  recordings (AIS NMEA, Beast, AVR, SBS, raw I/Q; .gz/.zst read as is) through the\n"
    "  decoders, the tracker, reference data, watchlists and detectors into the store:\n"
    "  positions, identity history, events and alerts (docs/pipeline.md)",
    ingest_options, sizeof(struct ingest_config), ingest_aliases, 0,
};

static volatile sig_atomic_t stop_worker;
static void on_signal(int sig)
{
    (void)sig;
    stop_worker = 1;
    store_stop_waiting(); /* a commit waiting for PostgreSQL to come back fails now */
}

/* --from: the stream worker, with the pipeline the files would get. */
static int run_worker(const struct ingest_config *cfg, const struct pipeline_config *pc, bool all_positions)
{
    if (cfg->batch <= 0 || cfg->reorder_ms < 0 || cfg->lease_ttl < 1) {
        fprintf(stderr, "atalaya ingest: --batch > 0, --reorder-ms >= 0, --lease-ttl >= 1\n");
        return 1;
    }
    if (strncmp(cfg->store, "postgresql://", 13) && strncmp(cfg->store, "postgres://", 11)) {
        /* One writer per held shard: SQLite takes one writer at a time. */
        fprintf(stderr, "atalaya ingest: --from writes to a PostgreSQL store (--store postgresql://...)\n");
        return 1;
    }
    struct stream_worker_config w = {
        .from = cfg->from, .store = cfg->store, .worker = cfg->worker, .pc = *pc,
        .all_positions = all_positions, .reorder_ms = cfg->reorder_ms, .commit_msgs = (unsigned)cfg->batch,
        .lease_ttl_ms = (int64_t)(cfg->lease_ttl * 1000), .quiet = cfg->quiet, .stop = &stop_worker,
    };
    /* Watchlists: --db, else the store's own file, else (PostgreSQL) the store's tables. */
    if (!w.pc.db && !(w.pc.db = cli_store_file(cfg->store)))
        w.wl_from_store = true;
    w.pc.quiet = true; /* once per shard otherwise */
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    return stream_worker_run(&w);
}

int cmd_ingest(int argc, char **argv)
{
    struct ingest_config cfg;
    memset(&cfg, 0, sizeof cfg);
    struct det_config det;
    struct trk_config trk;
    struct cfg_target tg[2];
    pipeline_targets(tg, &det, &trk);
    int first, rc = cli_options(&ingest_cmd, &cfg, tg, 2, argc, argv, &first);
    if (rc != 0) {
        cfg_free(ingest_options, &cfg);
        return rc < 0;
    }
    struct pipeline_config pc = {.who = "atalaya ingest", .detect = !cfg.no_detect};
    pipeline_config_from(&pc, &cfg.pl, &det, &trk);
    const char *url = cfg.store;
    bool quiet = cfg.quiet, all_positions = cfg.positions && !strcmp(cfg.positions, "all");
    if (cfg.positions && strcmp(cfg.positions, "all") && strcmp(cfg.positions, "thinned")) {
        fprintf(stderr, "atalaya ingest: --positions all|thinned\n");
        cfg_free(ingest_options, &cfg);
        return 1;
    }
    if (cfg.from && pipeline_config_ok(&pc, "the detectors (not with --no-detect)")) {
        if (first < argc)
            fprintf(stderr, "atalaya ingest: --from takes no files\n");
        rc = first < argc ? 1 : run_worker(&cfg, &pc, all_positions);
        cfg_free(ingest_options, &cfg);
        return rc;
    }
    if (!pipeline_config_ok(&pc, "the detectors (not with --no-detect)") || first >= argc) {
        if (first >= argc)
            fprintf(stderr, "atalaya ingest: no input files\n");
        cfg_free(ingest_options, &cfg);
        return 1;
    }
    char err[512];
    struct store *st = store_open(url, err, sizeof err);
    if (!st) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        cfg_free(ingest_options, &cfg);
        return 2;
    }
    store_set_batch(st, cfg.batch > 0 ? (unsigned)cfg.batch : 5000, 60000);
    /* Watchlists: --db, else the store's own file, else (PostgreSQL) the store's tables. */
    struct ref_wl_set wls;
    if (!pc.db && !(pc.db = cli_store_file(url)) && store_sink_watchlists(st, &wls, &pc) != 0) {
        fprintf(stderr, "atalaya ingest: watchlists: %s\n", st->err);
        store_close(st);
        cfg_free(ingest_options, &cfg);
        return 2;
    }
    pc.quiet = quiet;
    struct pipeline p;
    if (pipeline_open(&p, &pc) != 0) {
        store_close(st);
        cfg_free(ingest_options, &cfg);
        return 2;
    }
    struct store_sink *sink = store_sink_add(&p, st, all_positions, true);
    struct cli_progress prog = {.p = NULL}; /* --quiet: none */
    if (!quiet)
        cli_progress_begin(&prog, &p, "ingest", argv + first, argc - first);
    rc = 0;
    for (int i = first; i < argc && rc == 0 && !p.stop; i++) {
        /* Where this file stands in the store (store.h, resumable ingest). */
        struct store_mark from;
        int r = store_input_file(st, argv[i], cfg.resume, &from);
        if (r < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", st->err);
            rc = 2;
            break;
        }
        if (r == 1 && !quiet && from.offset == STORE_INPUT_END)
            fprintf(stderr, "atalaya ingest: %s: stored in full already\n", argv[i]);
        else if (r == 1 && !quiet)
            fprintf(stderr, "atalaya ingest: %s: stored up to byte %" PRId64 " already\n", argv[i], from.offset);
        rc = pipeline_feed_file(&p, argv[i]);
        cli_progress_file_done(&prog);
    }
    p.in_pos = STORE_INPUT_END; /* the rows that close the run */
    if (!p.stop) {
        pipeline_finish(&p);
        store_sink_finish(sink);
    }
    if (store_sink_failures(sink)) {
        fprintf(stderr, "atalaya ingest: %s\n", st->err);
        rc = 2;
    }
    if (store_flush(st) != 0) {
        fprintf(stderr, "atalaya ingest: %s\n", st->err);
        rc = 2;
    }
    if (rc == 0 && cfg.retain_days > 0) {
        long n = st->ops->retain(st, p.now_ms - (int64_t)(cfg.retain_days * 86400000.0));
        if (n < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", st->err);
            rc = 2;
        }
    }
    if (prog.pr.on) {
        cli_progress_end(&prog);
        fprintf(stderr, "ingest: %" PRIu64 " rows written, %" PRIu64 " commits\n", st->rows, st->commits);
    }
    store_close(st);
    store_sink_free(sink);
    pipeline_close(&p);
    cfg_free(ingest_options, &cfg);
    return rc;
}

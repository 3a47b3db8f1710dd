/* cmd_ingest.c: `atalaya ingest [--store sqlite:PATH] FILE...`: recordings
 * through the pipeline (decoders, tracker, reference data, watchlists,
 * detectors: pipeline.h) into the store (src/store/store.h): every accepted
 * position, each identity field as history (a change closes the old row),
 * and every detector event and watchlist alert with its evidence. Format is
 * detected per file, .gz/.zst read as is.
 *
 * Event time only, as replay: ingesting one file or the same messages split
 * over several files in one run gives the same rows. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pipeline/pipeline.h"
#include "pipeline/store_sink.h"
#include "store/store.h"

static void progress(void *ctx, const struct trk_update *u, const char *evidence, size_t evidence_len)
{
    (void)u;
    (void)evidence;
    (void)evidence_len;
    const struct pipeline *p = ctx;
    if (p->n.updates % 65536 == 0)
        fprintf(stderr, "\ringest: %" PRIu64 " messages", p->n.updates);
}

/* The store file doubles as the watchlist database when it is SQLite. */
static const char *store_file(const char *url)
{
    if (!strncmp(url, "sqlite:", 7))
        return url + 7;
    return strstr(url, "://") ? NULL : url;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, 0, 's'},     {"batch", required_argument, 0, 'b'},
        {"retain-days", required_argument, 0, 'r'}, {"quiet", no_argument, 0, 'q'},
        {"no-detect", no_argument, 0, 'N'},       {"positions", required_argument, 0, 'P'},
        {"resume", no_argument, 0, 'R'},
        PIPELINE_LONGOPTS,
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    const char *url = "sqlite:atalaya.db";
    struct pipeline_config pc = {.who = "atalaya ingest", .detect = true, .dedupe_ms = 2000};
    unsigned batch = 5000;
    double retain_days = 0;
    bool quiet = false, all_positions = false, resume = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        int taken = pipeline_option(&pc, c, optarg);
        if (taken < 0)
            return 1;
        if (taken)
            continue;
        switch (c) {
        case 's': url = optarg; break;
        case 'b': batch = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'r': retain_days = strtod(optarg, NULL); break;
        case 'q': quiet = true; break;
        case 'N': pc.detect = false; break;
        case 'R': resume = true; break;
        case 'P':
            if (strcmp(optarg, "all") && strcmp(optarg, "thinned"))
                return fprintf(stderr, "atalaya ingest: --positions all|thinned\n"), 1;
            all_positions = !strcmp(optarg, "all");
            break;
        case 'h':
            printf("usage: atalaya ingest [--store sqlite:PATH] [options] FILE...\n"
                   "  recordings (AIS NMEA, Beast, AVR, SBS, raw I/Q; .gz/.zst read as is) through the\n"
                   "  decoders, the tracker, reference data, watchlists and detectors into the store\n"
                   "  (default sqlite:atalaya.db): positions, identity history, events and alerts\n"
                   "  --batch N        commit every N rows (default 5000) or 60 s of event time\n"
                   "  --retain-days D  then delete positions older than D days before the latest event time\n"
                   "  --no-detect      positions and identities only\n"
                   "  --positions all|thinned  every accepted fix, or (default) a fix a minute per vessel\n"
                   "                   and every 10 s per aircraft, plus turns, speed and altitude changes\n"
                   "                   and the last fix before each silence (detectors see every fix)\n"
                   "  --resume         after an interrupted ingest of the same files: store only what it\n"
                   "                   had not committed (the files are read again from the start)\n"
                   "  --quiet          no progress line\n"
                   PIPELINE_OPTIONS_HELP
                   "  (--db defaults to the store's own file)\n");
            return 0;
        default: return 1;
        }
    }
    if (!pipeline_config_ok(&pc, "the detectors (not with --no-detect)"))
        return 1;
    if (optind >= argc) {
        fprintf(stderr, "atalaya ingest: no input files\n");
        return 1;
    }
    char err[512];
    struct store *st = store_open(url, err, sizeof err);
    if (!st) {
        fprintf(stderr, "atalaya ingest: %s\n", err);
        return 2;
    }
    store_set_batch(st, batch, 60000);
    if (!pc.db)
        pc.db = store_file(url);
    pc.quiet = quiet;
    struct pipeline p;
    if (pipeline_open(&p, &pc) != 0) {
        store_close(st);
        return 2;
    }
    struct store_sink *sink = store_sink_add(&p, st, all_positions, true);
    if (!quiet && isatty(2))
        pipeline_add_sink(&p, &(struct pipeline_sink){.ctx = &p, .update = progress});
    int rc = 0;
    for (int i = optind; i < argc && rc == 0 && !p.stop; i++) {
        /* Where this file stands in the store (store.h, resumable ingest). */
        struct store_mark from;
        int r = store_input_file(st, argv[i], resume, &from);
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
    if (rc == 0 && retain_days > 0) {
        long n = st->ops->retain(st, p.now_ms - (int64_t)(retain_days * 86400000.0));
        if (n < 0) {
            fprintf(stderr, "atalaya ingest: %s\n", st->err);
            rc = 2;
        }
    }
    if (!quiet && isatty(2))
        fprintf(stderr, "\ringest: %" PRIu64 " messages, %" PRIu64 " rows\n", p.n.updates, st->rows);
    store_close(st);
    store_sink_free(sink);
    pipeline_close(&p);
    return rc;
}

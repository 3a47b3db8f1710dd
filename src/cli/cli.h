/* cli.h: what the subcommands share. Each subcommand is one file cmd_<name>.c
 * (or, for decode, one file per input family) with an entry point taking argv. */
#ifndef ATALAYA_CLI_H
#define ATALAYA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/progress.h"
#include "pipeline/sniff.h"

enum decode_format { OUT_JSON, OUT_CSV, OUT_AVR, OUT_BEAST, OUT_NONE, OUT_NMEA };
enum decode_band { BAND_1090, BAND_AIS };

/* Options of `atalaya decode`, parsed once by cmd_decode.c. */
struct decode_opts {
    enum decode_input input;
    enum decode_format format;
    bool stats;          /* counters to stderr at the end */
    bool unscaled;       /* AIS: raw integer fields as gpsd -u */
    const char *sample_rate; /* IQ: "2.0M", "2.4M", "2000000" ... (NULL = 2.4 MS/s) */
    const char *iq_format;   /* IQ: "uc8" (default) or "sc16" */
    double ref_lat, ref_lon; /* Mode S surface/local CPR reference */
    bool have_ref;
    bool fix2;           /* Mode S: 2-bit error correction (off by default) */
    bool trust_unverified; /* Mode S: keep AP replies of never-heard addresses, flagged */
    enum decode_band band;   /* IQ: 1090 MHz Mode S (default) or AIS at 162 MHz */
    bool ais_noncoherent;    /* AIS IQ: differential detector only (slow machines) */
    const char *start_time;  /* AIS IQ: time of the first sample (NULL: the epoch) */
    const char *rtltcp;      /* IQ from an rtl_tcp server: "HOST:PORT?freq=..." (NULL: files) */
    struct in_file **in; /* opened by cmd_decode: the FILE arguments, or stdin */
    int nin;
};

struct in_file;

/* Each consumes o->in in order and returns the process exit status:
 * 0, or 2 when an input could not be read to its end. */
int decode_ais_main(const struct decode_opts *o);
int decode_modes_main(const struct decode_opts *o);
int decode_aisiq_main(const struct decode_opts *o);

/* One NMEA line through AIS framing and decoding, appended to out as the
 * --format asks (nmea: the line itself, when it framed). */
struct ais_ctx;
struct buf;
void decode_ais_line(struct ais_ctx *ctx, struct buf *out, const struct decode_opts *o, const char *line,
                     size_t len, bool overlong);

/* The rtl_tcp client for o->rtltcp with the band's defaults (def_rate
 * when --sample-rate is absent); *rate is the rate the server was asked
 * for. NULL after an error message. */
struct rtltcp_client;
struct rtltcp_client *decode_rtltcp_open(const struct decode_opts *o, uint32_t def_freq, double def_rate,
                                         double *rate);

/* The option tables of the subcommands (atalaya config lists them). */
extern const struct cfg_cmd replay_cmd, ingest_cmd, run_cmd, decode_cmd, query_cmd, serve_cmd, simulate_cmd, lookup_cmd, registry_cmd,
    watchlist_cmd, watchlist_import_cmd, watchlist_list_cmd, watchlist_add_cmd;

/* cfg_load (common/config.h) with "atalaya NAME: why" on stderr for a bad
 * option or config file. Returns 0 to go on, 1 after --help, -1 on an error;
 * cfg_free(c->options, base) stays the caller's in every case. */
/* The file of a store URL when it is SQLite ("sqlite:PATH" or a bare path),
 * which doubles as the watchlist database; NULL for a server URL. */
const char *cli_store_file(const char *url);

int cli_options(const struct cfg_cmd *c, void *base, const struct cfg_target *tg, int ntg, int argc, char **argv,
                int *first);

/* One progress line on a terminal while recordings go through a pipeline
 * (progress_sink.c): begin with the files (their total size), file_done
 * after each, end with the summary line. */
struct pipeline;
struct cli_progress {
    struct progress pr;
    struct pipeline *p;
    uint64_t before; /* bytes of the files already read */
};
void cli_progress_begin(struct cli_progress *c, struct pipeline *p, const char *what, char **files, int n);
void cli_progress_file_done(struct cli_progress *c);
void cli_progress_end(struct cli_progress *c);

int cmd_decode(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_watchlist(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_stream(int argc, char **argv);

#endif

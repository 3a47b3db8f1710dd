/* cmd_simulate.c: `atalaya simulate SCENARIO.json`: the broadcasts a
 * scenario's ships and aircraft would make, as its receivers hear them, and
 * the truth of what happened (src/sim/sim.h; docs/scenario-format.md). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "aisdemod/aisdemod.h"
#include "common/config.h"
#include "common/progress.h"
#include "sim/ais_iq.h"
#include "sim/modes_iq.h"
#include "sim/scenario.h"
#include "sim/sim.h"

struct simulate_config {
    const char *ais, *modes, *modes_format, *truth, *seed, *config;
    const char *ais_iq, *ais_iq_truth, *sample_rate, *iq_format, *modes_iq, *modes_iq_truth, *snr;
    double hours, noise_db, ppm;
    bool stats;
    struct cfg_list strings;
};

#define S(f) offsetof(struct simulate_config, f)
static const struct cfg_option simulate_options[] = {
    {"ais", CFG_STR, S(ais), NULL, "FILE: AIS as !AIVDM sentences with NMEA 4.10 tag blocks (s:, c:)", S(strings)},
    {"modes", CFG_STR, S(modes), NULL, "FILE: Mode S frames (Beast binary by default, 12 MHz counter)", S(strings)},
    {"modes-format", CFG_STR, S(modes_format), "beast", "beast|avr", S(strings)},
    {"truth", CFG_STR, S(truth), NULL, "FILE: JSON lines: behaviours, meetings, flights, port calls", S(strings)},
    {"seed", CFG_STR, S(seed), "1", "background traffic and timing jitter", S(strings)},
    {"hours", CFG_DOUBLE, S(hours), NULL, "stop after H hours (default: the scenario's duration)", 0},
    {"stats", CFG_BOOL, S(stats), NULL, "counts to stderr", 0},
    {"ais-iq", CFG_STR, S(ais_iq), NULL, "FILE: AIS as a dongle at 162.000 MHz records it: GMSK bursts on A (-25 kHz) and B (+25 kHz) in white noise", S(strings)},
    {"sample-rate", CFG_STR, S(sample_rate), NULL, "R: I/Q rate (default 288k; e.g. 1.536M, 2.4M)", S(strings)},
    {"iq-format", CFG_STR, S(iq_format), NULL, "cu8 (default), cs8, cs16 or cf32", S(strings)},
    {"snr", CFG_STR, S(snr), NULL, "DB: every burst at this Es/N0 (default: from distance, -15 dBFS at 1 NM, -20 dB per decade)", S(strings)},
    {"noise-db", CFG_DOUBLE, S(noise_db), "-55", "noise power in 9.6 kHz, dBFS", 0},
    {"ppm", CFG_DOUBLE, S(ppm), "0", "the receiver's frequency error (162 Hz per ppm)", 0},
    {"ais-iq-truth", CFG_STR, S(ais_iq_truth), NULL, "FILE: JSON lines, one per burst (time, sample, channel, level, SNR, collided, payload)", S(strings)},
    {"modes-iq", CFG_STR, S(modes_iq), NULL, "FILE: Mode S as a dongle at 1090 MHz records it: 2.4 MS/s cu8, PPM frames at their level from distance, noise -35 dBFS", S(strings)},
    {"modes-iq-truth", CFG_STR, S(modes_iq_truth), NULL, "FILE: JSON lines, one per frame (sample, level, collided, hex)", S(strings)},
    CFG_OPTION_CONFIG(struct simulate_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

const struct cfg_cmd simulate_cmd = {
    "simulate", "usage: atalaya simulate SCENARIO.json [OPTIONS]\n"
    "  the broadcasts a scenario's ships and aircraft make, as its receivers hear them, and the truth",
    simulate_options, sizeof(struct simulate_config), NULL, 0,
};

static FILE *open_out(const char *path)
{
    if (!path)
        return NULL;
    FILE *f = fopen(path, "wb");
    if (!f)
        fprintf(stderr, "atalaya simulate: %s: %s\n", path, strerror(errno));
    return f;
}

static void on_progress(void *ctx, int64_t done_ms, const struct sim_counts *c)
{
    progress_update(ctx, done_ms > 0 ? (uint64_t)done_ms : 0, c->ais_heard + c->modes_heard);
}

static int on_ais_heard(void *ctx, int64_t t_ms, char channel, const uint8_t *bits, unsigned nbits,
                        const struct sim_receiver *rx, double dist_nm)
{
    return sim_ais_iq_burst(ctx, t_ms, channel, bits, nbits, rx->id, dist_nm);
}

static int on_modes_heard(void *ctx, int64_t t_ms, const uint8_t *msg, int len, double level_db)
{
    return sim_modes_iq_frame(ctx, t_ms, msg, len, level_db);
}

/* --ais-iq: the I/Q writer hooked to every message heard. */
static int setup_iq(const struct sim_scenario *sc, uint64_t seed, const char *iq, const char *iq_truth,
                    const char *rate, const char *format, struct sim_ais_iq_cfg *c, struct sim_ais_iq **w,
                    FILE **f, FILE **t, struct sim_outputs *out)
{
    struct aisd_cfg dc;
    char err[160];
    if (aisd_parse_cfg(rate, format, &dc, err, sizeof err) || dc.format == AISD_FM16) {
        fprintf(stderr, "atalaya simulate: %s\n", dc.format == AISD_FM16 ? "--iq-format fm16 is a decode input only" : err);
        return -1;
    }
    c->rate = dc.sample_rate;
    c->format = dc.format;
    c->seed = seed;
    c->start_ms = sc->start;
    if (!(*f = open_out(iq)) || (iq_truth && !(*t = open_out(iq_truth))))
        return -1;
    *w = sim_ais_iq_new(c, *f, *t);
    out->ais_heard = on_ais_heard;
    out->ais_heard_ctx = *w;
    return 0;
}

static int simulate(const struct simulate_config *cfg, int nargs, char **args)
{
    const char *ais = cfg->ais, *modes = cfg->modes, *truth = cfg->truth;
    if (strcmp(cfg->modes_format, "beast") && strcmp(cfg->modes_format, "avr")) {
        fprintf(stderr, "atalaya simulate: --modes-format is beast or avr\n");
        return 1;
    }
    bool avr = !strcmp(cfg->modes_format, "avr"), stats = cfg->stats;
    char *end;
    errno = 0;
    uint64_t seed = strtoull(cfg->seed, &end, 10);
    if (errno || *end || cfg->seed[0] == '-' || !cfg->seed[0]) {
        fprintf(stderr, "atalaya simulate: --seed takes a non-negative integer\n");
        return 1;
    }
    double hours = cfg->hours;
    if (hours != 0 && !(hours > 0)) {
        fprintf(stderr, "atalaya simulate: --hours takes a positive number\n");
        return 1;
    }
    if (nargs != 1) {
        fprintf(stderr, "usage: atalaya simulate SCENARIO.json [OPTIONS] (--help)\n");
        return 1;
    }
    struct sim_scenario sc;
    char err[256];
    if (sim_scenario_load(args[0], seed, &sc, err, sizeof err)) {
        fprintf(stderr, "atalaya simulate: %s\n", err);
        sim_scenario_free(&sc);
        return 1;
    }
    if (hours > 0 && sc.start + (int64_t)(hours * 3600000.0) < sc.end)
        sc.end = sc.start + (int64_t)(hours * 3600000.0);
    int rc = 0;
    struct sim_outputs out = {.ais = open_out(ais), .modes = open_out(modes), .avr = avr};
    struct sim_ais_iq_cfg iqc = {.snr_db = NAN, .noise_db = cfg->noise_db, .ppm = cfg->ppm};
    if (cfg->snr) {
        iqc.snr_db = strtod(cfg->snr, &end);
        if (*end || end == cfg->snr || !isfinite(iqc.snr_db)) {
            fprintf(stderr, "atalaya simulate: --snr takes a number\n");
            sim_scenario_free(&sc);
            return 1;
        }
    }
    struct sim_ais_iq *iqw = NULL;
    FILE *iqf = NULL, *iqt = NULL;
    if (cfg->ais_iq && setup_iq(&sc, seed, cfg->ais_iq, cfg->ais_iq_truth, cfg->sample_rate, cfg->iq_format, &iqc,
                                &iqw, &iqf, &iqt, &out))
        rc = 2;
    struct sim_modes_iq *mw = NULL;
    FILE *mf = cfg->modes_iq ? open_out(cfg->modes_iq) : NULL;
    FILE *mt = cfg->modes_iq_truth ? open_out(cfg->modes_iq_truth) : NULL;
    if ((cfg->modes_iq && !mf) || (cfg->modes_iq_truth && !mt))
        rc = 2;
    else if (mf) {
        mw = sim_modes_iq_new(-35, seed, sc.start, mf, mt);
        out.modes_heard = on_modes_heard;
        out.modes_heard_ctx = mw;
    }
    FILE *tf = open_out(truth);
    if ((ais && !out.ais) || (modes && !out.modes) || (truth && !tf))
        rc = 2;
    if (rc == 0 && tf && sim_truth_write(&sc, seed, tf))
        rc = 2;
    struct sim_counts n = {0};
    struct progress pr;
    progress_start(&pr, "simulate", PROGRESS_MS, (uint64_t)(sc.end - sc.start));
    if (pr.on) {
        out.progress = on_progress;
        out.progress_ctx = &pr;
    }
    if (rc == 0 && sim_generate(&sc, seed, &out, &n))
        rc = 2;
    if (rc == 0)
        progress_end(&pr, (uint64_t)(sc.end - sc.start), n.ais_heard + n.modes_heard);
    if (rc == 0 && iqw && sim_ais_iq_finish(iqw, sc.end))
        rc = 2;
    sim_ais_iq_free(iqw);
    if (rc == 0 && mw && sim_modes_iq_finish(mw, sc.end))
        rc = 2;
    sim_modes_iq_free(mw);
    if ((mf && fclose(mf) != 0) || (mt && fclose(mt) != 0))
        rc = 2;
    if ((iqf && fclose(iqf) != 0) || (iqt && fclose(iqt) != 0))
        rc = 2;
    FILE *fs[] = {out.ais, out.modes, tf};
    for (int i = 0; i < 3; i++)
        if (fs[i] && fclose(fs[i]) != 0)
            rc = 2;
    if (rc == 2)
        fprintf(stderr, "atalaya simulate: write error\n");
    if (rc == 0 && stats)
        fprintf(stderr,
                "entities: %zu\nais_sent: %llu\nais_heard: %llu\nais_lines: %llu\nais_dark: %llu\n"
                "modes_sent: %llu\nmodes_heard: %llu\nmodes_off: %llu\n",
                sc.nent, (unsigned long long)n.ais_sent, (unsigned long long)n.ais_heard,
                (unsigned long long)n.ais_lines, (unsigned long long)n.ais_dark,
                (unsigned long long)n.modes_sent, (unsigned long long)n.modes_heard,
                (unsigned long long)n.modes_off);
    sim_scenario_free(&sc);
    return rc;
}

int cmd_simulate(int argc, char **argv)
{
    struct simulate_config cfg = {0};
    int first;
    int rc = cli_options(&simulate_cmd, &cfg, NULL, 0, argc, argv, &first);
    rc = rc ? rc < 0 : simulate(&cfg, argc - first, argv + first);
    cfg_free(simulate_options, &cfg);
    return rc;
}

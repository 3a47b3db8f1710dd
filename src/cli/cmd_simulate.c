/* cmd_simulate.c: `atalaya simulate SCENARIO.json`: the broadcasts a
 * scenario's ships and aircraft would make, as its receivers hear them, and
 * the truth of what happened (src/sim/sim.h; docs/scenario-format.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/progress.h"
#include "sim/scenario.h"
#include "sim/sim.h"

struct simulate_config {
    const char *ais, *modes, *modes_format, *truth, *seed, *config;
    double hours;
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

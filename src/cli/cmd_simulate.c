/* cmd_simulate.c: `atalaya simulate SCENARIO.json`: the broadcasts a
 * scenario's ships and aircraft would make, as its receivers hear them, and
 * the truth of what happened (src/sim/sim.h; docs/scenario-format.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static void usage(FILE *f)
{
    fputs("usage: atalaya simulate SCENARIO.json [--ais FILE] [--modes FILE]\n"
          "                        [--modes-format beast|avr] [--truth FILE] [--seed N]\n"
          "                        [--hours H] [--stats]\n"
          "  --ais FILE           AIS as !AIVDM sentences with NMEA 4.10 tag blocks (s:, c:)\n"
          "  --modes FILE         Mode S frames (Beast binary by default, 12 MHz counter)\n"
          "  --modes-format F     beast (default) or avr\n"
          "  --truth FILE         JSON lines: behaviours, meetings, flights, port calls\n"
          "  --seed N             background traffic and timing jitter (default 1)\n"
          "  --hours H            stop after H hours (default: the scenario's duration)\n"
          "  --stats              counts to stderr\n",
          f);
}

static FILE *open_out(const char *path)
{
    if (!path)
        return NULL;
    FILE *f = fopen(path, "wb");
    if (!f)
        fprintf(stderr, "atalaya simulate: %s: %s\n", path, strerror(errno));
    return f;
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ais", required_argument, NULL, 'a'},   {"modes", required_argument, NULL, 'm'},
        {"modes-format", required_argument, NULL, 'f'},
        {"truth", required_argument, NULL, 't'}, {"seed", required_argument, NULL, 's'},
        {"hours", required_argument, NULL, 'H'}, {"stats", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    const char *ais = NULL, *modes = NULL, *truth = NULL;
    bool avr = false, stats = false;
    uint64_t seed = 1;
    double hours = -1;
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'a': ais = optarg; break;
        case 'm': modes = optarg; break;
        case 't': truth = optarg; break;
        case 'S': stats = true; break;
        case 'f':
            if (strcmp(optarg, "beast") && strcmp(optarg, "avr")) {
                fprintf(stderr, "atalaya simulate: --modes-format is beast or avr\n");
                return 1;
            }
            avr = !strcmp(optarg, "avr");
            break;
        case 's':
            errno = 0;
            seed = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || !optarg[0]) {
                fprintf(stderr, "atalaya simulate: --seed takes a non-negative integer\n");
                return 1;
            }
            break;
        case 'H':
            hours = strtod(optarg, &end);
            if (*end || !(hours > 0)) {
                fprintf(stderr, "atalaya simulate: --hours takes a positive number\n");
                return 1;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 1;
    }
    struct sim_scenario sc;
    char err[256];
    if (sim_scenario_load(argv[optind], seed, &sc, err, sizeof err)) {
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
    struct sim_counts n;
    if (rc == 0 && sim_generate(&sc, seed, &out, &n))
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

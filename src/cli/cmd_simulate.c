/* cmd_simulate.c: `atalaya simulate SCENARIO.json`: the broadcasts a
 * scenario's ships and aircraft would make, as its receivers hear them, and
 * the truth of what happened (src/sim/sim.h; docs/scenario-format.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "aisdemod/aisdemod.h"
#include "sim/ais_iq.h"
#include "sim/modes_iq.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static void usage(FILE *f)
{
    fputs("usage: atalaya simulate SCENARIO.json [--ais FILE] [--modes FILE]\n"
          "                        [--modes-format beast|avr] [--truth FILE] [--seed N]\n"
          "                        [--hours H] [--stats]\n"
          "                        [--ais-iq FILE --sample-rate R [--iq-format F] [--snr DB]\n"
          "                         [--noise-db DB] [--ppm P] [--ais-iq-truth FILE]]\n"
          "                        [--modes-iq FILE [--modes-iq-truth FILE]]\n"
          "  --ais FILE           AIS as !AIVDM sentences with NMEA 4.10 tag blocks (s:, c:)\n"
          "  --modes FILE         Mode S frames (Beast binary by default, 12 MHz counter)\n"
          "  --modes-format F     beast (default) or avr\n"
          "  --truth FILE         JSON lines: behaviours, meetings, flights, port calls\n"
          "  --seed N             background traffic and timing jitter (default 1)\n"
          "  --hours H            stop after H hours (default: the scenario's duration)\n"
          "  --stats              counts to stderr\n"
          "  --ais-iq FILE        AIS as a dongle at 162.000 MHz records it: GMSK bursts on\n"
          "                       A (-25 kHz) and B (+25 kHz) in white noise\n"
          "  --sample-rate R      I/Q rate (default 288k; e.g. 1.536M, 2.4M)\n"
          "  --iq-format F        cu8 (default), cs8, cs16 or cf32\n"
          "  --snr DB             every burst at this Es/N0 (default: from distance,\n"
          "                       -15 dBFS at 1 NM, -20 dB per decade)\n"
          "  --noise-db DB        noise power in 9.6 kHz, dBFS (default -55)\n"
          "  --ppm P              the receiver's frequency error (162 Hz per ppm)\n"
          "  --ais-iq-truth FILE  JSON lines, one per burst (time, sample, channel, level,\n"
          "                       SNR, collided, payload)\n"
          "  --modes-iq FILE      Mode S as a dongle at 1090 MHz records it: 2.4 MS/s cu8,\n"
          "                       PPM frames at their level from distance, noise -35 dBFS\n"
          "  --modes-iq-truth F   JSON lines, one per frame (sample, level, collided, hex)\n",
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

int cmd_simulate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"ais", required_argument, NULL, 'a'},   {"modes", required_argument, NULL, 'm'},
        {"modes-format", required_argument, NULL, 'f'},
        {"truth", required_argument, NULL, 't'}, {"seed", required_argument, NULL, 's'},
        {"hours", required_argument, NULL, 'H'}, {"stats", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},        {"ais-iq", required_argument, NULL, 'I'},
        {"sample-rate", required_argument, NULL, 'R'}, {"iq-format", required_argument, NULL, 'F'},
        {"snr", required_argument, NULL, 'N'},   {"noise-db", required_argument, NULL, 'n'},
        {"ppm", required_argument, NULL, 'P'},   {"ais-iq-truth", required_argument, NULL, 'X'},
        {"modes-iq", required_argument, NULL, 'Q'}, {"modes-iq-truth", required_argument, NULL, 'Y'},
        {NULL, 0, NULL, 0},
    };
    const char *ais = NULL, *modes = NULL, *truth = NULL;
    const char *iq = NULL, *iq_truth = NULL, *iq_rate = NULL, *iq_format = NULL;
    const char *miq = NULL, *miq_truth = NULL;
    struct sim_ais_iq_cfg iqc = {.snr_db = NAN, .noise_db = -55};
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
        case 'I': iq = optarg; break;
        case 'Q': miq = optarg; break;
        case 'Y': miq_truth = optarg; break;
        case 'X': iq_truth = optarg; break;
        case 'R': iq_rate = optarg; break;
        case 'F': iq_format = optarg; break;
        case 'N':
        case 'n':
        case 'P': {
            double v = strtod(optarg, &end);
            if (*end || end == optarg || !isfinite(v)) {
                fprintf(stderr, "atalaya simulate: --snr, --noise-db and --ppm take a number\n");
                return 1;
            }
            *(c == 'N' ? &iqc.snr_db : c == 'n' ? &iqc.noise_db : &iqc.ppm) = v;
            break;
        }
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
    struct sim_ais_iq *iqw = NULL;
    FILE *iqf = NULL, *iqt = NULL;
    if (iq && setup_iq(&sc, seed, iq, iq_truth, iq_rate, iq_format, &iqc, &iqw, &iqf, &iqt, &out))
        rc = 2;
    struct sim_modes_iq *mw = NULL;
    FILE *mf = miq ? open_out(miq) : NULL, *mt = miq_truth ? open_out(miq_truth) : NULL;
    if ((miq && !mf) || (miq_truth && !mt))
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
    struct sim_counts n;
    if (rc == 0 && sim_generate(&sc, seed, &out, &n))
        rc = 2;
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

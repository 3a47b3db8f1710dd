/* cmd_decode.c: `atalaya decode`: option parsing and dispatch to the AIS or
 * Mode S decoding loop. --input auto decides from the first bytes of input. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/input.h"

static void decode_usage(FILE *f)
{
    fprintf(f,
            "usage: atalaya decode [OPTIONS] [FILE...]   (stdin when no FILE; .gz and .zst read as is)\n"
            "  --input auto|nmea|avr|beast|sbs|iq   input format (default auto)\n"
            "  --format json|csv|avr|beast|none     output (default json; none = decode only)\n"
            "  --stats                              counters to stderr at the end\n"
            "  -u, --unscaled                       AIS: raw integer fields, as gpsdecode -u\n"
            "  --sample-rate 2.0|2.4                IQ: MS/s (default 2.4)\n"
            "  --iq-format uc8|sc16                 IQ: sample format (default uc8)\n"
            "  --ref-lat DEG --ref-lon DEG          Mode S: receiver position for surface/local CPR\n"
            "  --fix2                               Mode S: also correct 2-bit errors in DF17/18\n");
}

static int parse_enum(const char *v, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return i;
    return -1;
}

int cmd_decode(int argc, char **argv)
{
    static const char *const inputs[] = {"auto", "nmea", "avr", "beast", "sbs", "iq"};
    static const char *const formats[] = {"json", "csv", "avr", "beast", "none"};
    static const struct option longopts[] = {
        {"input", required_argument, 0, 'i'},     {"format", required_argument, 0, 'f'},
        {"stats", no_argument, 0, 's'},           {"unscaled", no_argument, 0, 'u'},
        {"sample-rate", required_argument, 0, 'r'}, {"iq-format", required_argument, 0, 'q'},
        {"ref-lat", required_argument, 0, 'A'},   {"ref-lon", required_argument, 0, 'O'},
        {"fix2", no_argument, 0, '2'},            {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    struct decode_opts o = {.input = IN_AUTO, .format = OUT_JSON};
    int have_lat = 0, have_lon = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:f:suh", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if ((c = parse_enum(optarg, inputs, 6)) < 0) {
                fprintf(stderr, "atalaya decode: unknown --input '%s'\n", optarg);
                return 1;
            }
            o.input = (enum decode_input)c;
            break;
        case 'f':
            if ((c = parse_enum(optarg, formats, 5)) < 0) {
                fprintf(stderr, "atalaya decode: unknown --format '%s'\n", optarg);
                return 1;
            }
            o.format = (enum decode_format)c;
            break;
        case 's': o.stats = true; break;
        case 'u': o.unscaled = true; break;
        case 'r': o.sample_rate = optarg; break;
        case 'q': o.iq_format = optarg; break;
        case 'A': o.ref_lat = atof(optarg); have_lat = 1; break;
        case 'O': o.ref_lon = atof(optarg); have_lon = 1; break;
        case '2': o.fix2 = true; break;
        case 'h': decode_usage(stdout); return 0;
        default: decode_usage(stderr); return 1;
        }
    }
    if (have_lat != have_lon) {
        fprintf(stderr, "atalaya decode: --ref-lat and --ref-lon go together\n");
        return 1;
    }
    o.have_ref = have_lat && have_lon;
    int nfiles = argc - optind;
    o.nin = nfiles ? nfiles : 1;
    o.in = calloc((size_t)o.nin, sizeof *o.in);
    if (!o.in)
        return 2;
    int rc = 0;
    for (int i = 0; i < o.nin; i++) {
        const char *path = nfiles ? argv[optind + i] : "-";
        if (!(o.in[i] = in_open(path))) {
            fprintf(stderr, "atalaya decode: cannot open %s: %s\n", path, strerror(errno));
            rc = 2;
            goto out;
        }
    }
    if (o.input == IN_AUTO) {
        const uint8_t *p;
        ssize_t n = in_peek(o.in[0], &p, 8192);
        o.input = decode_sniff(p, n > 0 ? n : 0);
    }
    rc = o.input == IN_NMEA ? decode_ais_main(&o) : decode_modes_main(&o);
out:
    for (int i = 0; i < o.nin; i++)
        in_close(o.in[i]);
    free(o.in);
    return rc;
}

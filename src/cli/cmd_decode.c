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
            "  --input iq+rtltcp://HOST:PORT?freq=HZ&rate=SPS&gain=DB&ppm=N&agc=1\n"
            "                                       IQ from an rtl_tcp server (reconnects)\n"
            "  --format json|csv|avr|beast|nmea|none output (default json; none = decode only)\n"
            "  --stats                              counters to stderr at the end\n"
            "  -u, --unscaled                       AIS: raw integer fields, as gpsdecode -u\n"
            "  --band 1090|ais                      IQ: Mode S (default) or AIS (162 MHz centre)\n"
            "  --sample-rate 2.0|2.4                IQ: MS/s (default 2.4; AIS 96k..12.5M, default 288k)\n"
            "  --iq-format uc8|sc16                 IQ: sample format (default uc8; AIS also cs8, cf32,\n"
            "                                       fm16 = rtl_fm audio; WAV files read their header)\n"
            "  --ais-demod coherent|noncoherent     AIS IQ: detector (default coherent)\n"
            "  --start-time TIME                    AIS IQ: time of the first sample (default the epoch)\n"
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

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Walks Beast frames from the first 0x1a: counts how many frames in a row
 * have a known type, the right escaped length, and a 0x1a right after. Byte
 * statistics alone mislead on Beast streams full of zero counters. */
static int beast_frames_in_a_row(const unsigned char *p, long n)
{
    long i = 0;
    while (i < n && p[i] != 0x1a)
        i++;
    int frames = 0;
    while (i + 1 < n && p[i] == 0x1a) {
        int len = p[i + 1] == '1' ? 2 : p[i + 1] == '2' ? 7 : (p[i + 1] == '3' || p[i + 1] == '4') ? 14 : 0;
        if (!len)
            break;
        long j = i + 2;
        for (int k = 0; k < 7 + len && j < n; k++, j++)
            if (p[j] == 0x1a) {
                if (j + 1 >= n || p[j + 1] != 0x1a)
                    return frames; /* a lone 0x1a inside a frame: not Beast here */
                j++;
            }
        if (j >= n)
            break; /* the window ends inside this frame */
        frames++;
        i = j;
    }
    return frames;
}

enum decode_input decode_sniff(const unsigned char *p, long n)
{
    if (beast_frames_in_a_row(p, n) >= 3)
        return IN_BEAST;
    /* Score each candidate over the first lines: the first byte alone can
     * lie (leading garbage, a comment line). */
    long nmea = 0, avr = 0, sbs = 0, beast = 0, binary = 0, high = 0;
    for (long i = 0; i < n; i++) {
        int line_start = i == 0 || p[i - 1] == '\n';
        if (p[i] == 0x1a && i + 1 < n && p[i + 1] >= '1' && p[i + 1] <= '5')
            beast++;
        if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
            binary++;
        high += p[i] >= 0x80;
        if (!line_start)
            continue;
        if (p[i] == '!' || p[i] == '$' || p[i] == '\\')
            nmea++;
        else if ((p[i] == '*' || p[i] == '@' || p[i] == ':') && i + 1 < n && is_hex(p[i + 1]))
            avr++;
        else if (n - i >= 4 && !memcmp(p + i, "MSG,", 4))
            sbs++;
    }
    if (beast >= 2 && beast * 8 >= binary)
        return IN_BEAST;
    /* Raw I/Q: control bytes (sc16, strong uc8) or, for 8-bit samples near
     * the 127.5 midpoint, half the bytes >= 0x80; text logs have neither. */
    if (binary * 50 > n || high * 4 > n)
        return IN_IQ;
    if (nmea >= avr && nmea >= sbs && nmea > 0)
        return IN_NMEA;
    if (avr >= sbs && avr > 0)
        return IN_AVR;
    if (sbs > 0)
        return IN_SBS;
    return IN_NMEA;
}

int cmd_decode(int argc, char **argv)
{
    static const char *const inputs[] = {"auto", "nmea", "avr", "beast", "sbs", "iq"};
    static const char *const formats[] = {"json", "csv", "avr", "beast", "none", "nmea"};
    static const struct option longopts[] = {
        {"input", required_argument, 0, 'i'},     {"format", required_argument, 0, 'f'},
        {"stats", no_argument, 0, 's'},           {"unscaled", no_argument, 0, 'u'},
        {"sample-rate", required_argument, 0, 'r'}, {"iq-format", required_argument, 0, 'q'},
        {"ref-lat", required_argument, 0, 'A'},   {"ref-lon", required_argument, 0, 'O'},
        {"fix2", no_argument, 0, '2'},            {"help", no_argument, 0, 'h'},
        {"band", required_argument, 0, 'B'},      {"ais-demod", required_argument, 0, 'D'},
        {"start-time", required_argument, 0, 'T'},
        {0, 0, 0, 0},
    };
    struct decode_opts o = {.input = IN_AUTO, .format = OUT_JSON};
    int have_lat = 0, have_lon = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:f:suh", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (!strncmp(optarg, "iq+rtltcp://", 12)) {
                o.input = IN_IQ;
                o.rtltcp = optarg + 12;
                break;
            }
            if ((c = parse_enum(optarg, inputs, 6)) < 0) {
                fprintf(stderr, "atalaya decode: unknown --input '%s'\n", optarg);
                return 1;
            }
            o.input = (enum decode_input)c;
            break;
        case 'f':
            if ((c = parse_enum(optarg, formats, 6)) < 0) {
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
        case 'B':
            if (strcmp(optarg, "1090") && strcmp(optarg, "ais")) {
                fprintf(stderr, "atalaya decode: --band is 1090 or ais\n");
                return 1;
            }
            o.band = strcmp(optarg, "ais") ? BAND_1090 : BAND_AIS;
            break;
        case 'D':
            if (strcmp(optarg, "coherent") && strcmp(optarg, "noncoherent")) {
                fprintf(stderr, "atalaya decode: --ais-demod is coherent or noncoherent\n");
                return 1;
            }
            o.ais_noncoherent = !strcmp(optarg, "noncoherent");
            break;
        case 'T': o.start_time = optarg; break;
        case 'h': decode_usage(stdout); return 0;
        default: decode_usage(stderr); return 1;
        }
    }
    if (have_lat != have_lon) {
        fprintf(stderr, "atalaya decode: --ref-lat and --ref-lon go together\n");
        return 1;
    }
    o.have_ref = have_lat && have_lon;
    if (o.rtltcp) {
        if (argc > optind) {
            fprintf(stderr, "atalaya decode: an rtl_tcp input takes no FILE\n");
            return 1;
        }
        return o.band == BAND_AIS ? decode_aisiq_main(&o) : decode_modes_main(&o);
    }
    if (o.band == BAND_AIS && o.input == IN_AUTO)
        o.input = IN_IQ;
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
    rc = o.input == IN_NMEA                      ? decode_ais_main(&o)
         : o.input == IN_IQ && o.band == BAND_AIS ? decode_aisiq_main(&o)
                                                  : decode_modes_main(&o);
out:
    for (int i = 0; i < o.nin; i++)
        in_close(o.in[i]);
    free(o.in);
    return rc;
}

/* cmd_decode.c: `atalaya decode`: option parsing and dispatch to the AIS or
 * Mode S decoding loop. --input auto decides from the first bytes of input. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/hex.h"
#include "common/input.h"

struct decode_config {
    const char *input, *format, *sample_rate, *iq_format, *config, *band, *ais_demod, *start_time;
    const char *ref_lat, *ref_lon; /* text: whether they were given matters */
    bool stats, unscaled, fix2, trust_unverified;
    struct cfg_list strings;
};

#define S(f) offsetof(struct decode_config, f)
static const struct cfg_option decode_options[] = {
    {"input", CFG_STR, S(input), "auto", "auto|nmea|avr|beast|sbs|iq: input format, or iq+rtltcp://HOST:PORT?freq=HZ&rate=SPS&gain=DB&ppm=N&agc=1: I/Q from an rtl_tcp server (reconnects)", S(strings)},
    {"format", CFG_STR, S(format), "json", "json|csv|avr|beast|nmea|none: output (none = decode only; nmea: AIS from I/Q as sentences)", S(strings)},
    {"stats", CFG_BOOL, S(stats), NULL, "counters to stderr at the end", 0},
    {"unscaled", CFG_BOOL, S(unscaled), NULL, "AIS: raw integer fields, as gpsdecode -u", 0},
    {"band", CFG_STR, S(band), "1090", "IQ: 1090 (Mode S) or ais (162 MHz centre, both channels)", S(strings)},
    {"sample-rate", CFG_STR, S(sample_rate), NULL, "IQ: MS/s, 2.0|2.4 for Mode S (default 2.4); AIS 96k..12.5M (default 288k)", S(strings)},
    {"iq-format", CFG_STR, S(iq_format), NULL, "IQ: uc8|sc16 (default uc8); AIS also cs8, cf32, fm16 (rtl_fm audio); WAV files read their header", S(strings)},
    {"ais-demod", CFG_STR, S(ais_demod), "coherent", "AIS IQ: coherent|noncoherent detector", S(strings)},
    {"start-time", CFG_STR, S(start_time), NULL, "AIS IQ: time of the first sample (default the epoch)", S(strings)},
    {"ref-lat", CFG_STR, S(ref_lat), NULL, "Mode S: receiver latitude for surface/local CPR (with --ref-lon)", S(strings)},
    {"ref-lon", CFG_STR, S(ref_lon), NULL, "Mode S: receiver longitude", S(strings)},
    {"fix2", CFG_BOOL, S(fix2), NULL, "Mode S: also correct 2-bit errors in DF17/18", 0},
    {"trust-unverified", CFG_BOOL, S(trust_unverified), NULL, "Mode S: also decode address/parity replies (DF0/4/5/16/20/21) whose address was never heard in DF11/17/18, marked \"address_verified\": false (a bit error gives a wrong address: for offline Comm-B analysis only)", 0},
    CFG_OPTION_CONFIG(struct decode_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S
static const struct cfg_alias decode_aliases[] = {
    {'i', "input"}, {'f', "format"}, {'s', "stats"}, {'u', "unscaled"}, {0, NULL},
};
const struct cfg_cmd decode_cmd = {
    "decode",
    "usage: atalaya decode [OPTIONS] [FILE...]   (stdin when no FILE; .gz and .zst read as is)\n"
    "Mode S positions: even/odd CPR pairs are matched within 10 s (surface: 25 s) of frame\n"
    "  time (the 12 MHz counter of Beast and AVR '@' lines). AVR '*' lines carry no\n"
    "  time: pairs are then matched within 2000 frames of each other and the speed\n"
    "  check is skipped; give --ref-lat/--ref-lon to decode single frames locally.",
    decode_options, sizeof(struct decode_config), decode_aliases, 0,
};

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
    static const char *const formats[] = {"json", "csv", "avr", "beast", "none", "nmea"};
    struct decode_config cfg = {0};
    int first;
    int rc = cli_options(&decode_cmd, &cfg, NULL, 0, argc, argv, &first);
    if (rc != 0) {
        cfg_free(decode_options, &cfg);
        return rc < 0;
    }
    struct decode_opts o = {.stats = cfg.stats, .unscaled = cfg.unscaled, .fix2 = cfg.fix2,
                            .trust_unverified = cfg.trust_unverified,
                            .sample_rate = cfg.sample_rate, .iq_format = cfg.iq_format};
    const char *rtltcp = !strncmp(cfg.input, "iq+rtltcp://", 12) ? cfg.input + 12 : NULL;
    int in = rtltcp ? IN_IQ : parse_enum(cfg.input, inputs, 6), fmt = parse_enum(cfg.format, formats, 6);
    if (in < 0 || fmt < 0) {
        fprintf(stderr, "atalaya decode: unknown --%s '%s'\n", in < 0 ? "input" : "format", in < 0 ? cfg.input : cfg.format);
        cfg_free(decode_options, &cfg);
        return 1;
    }
    o.input = (enum decode_input)in;
    o.format = (enum decode_format)fmt;
    o.rtltcp = rtltcp;
    o.start_time = cfg.start_time;
    if ((strcmp(cfg.band, "1090") && strcmp(cfg.band, "ais")) ||
        (strcmp(cfg.ais_demod, "coherent") && strcmp(cfg.ais_demod, "noncoherent"))) {
        fprintf(stderr, "atalaya decode: --band is 1090 or ais, --ais-demod coherent or noncoherent\n");
        cfg_free(decode_options, &cfg);
        return 1;
    }
    o.band = strcmp(cfg.band, "ais") ? BAND_1090 : BAND_AIS;
    o.ais_noncoherent = !strcmp(cfg.ais_demod, "noncoherent");
    char *end1 = NULL, *end2 = NULL;
    if (cfg.ref_lat && cfg.ref_lon) {
        o.ref_lat = strtod(cfg.ref_lat, &end1);
        o.ref_lon = strtod(cfg.ref_lon, &end2);
    }
    if (!cfg.ref_lat != !cfg.ref_lon || (end1 && (*end1 || end1 == cfg.ref_lat)) ||
        (end2 && (*end2 || end2 == cfg.ref_lon))) {
        fprintf(stderr, "atalaya decode: --ref-lat DEG and --ref-lon DEG go together\n");
        cfg_free(decode_options, &cfg);
        return 1;
    }
    o.have_ref = cfg.ref_lat && cfg.ref_lon;
    int nfiles = argc - first;
    if (o.rtltcp) {
        if (nfiles)
            fprintf(stderr, "atalaya decode: an rtl_tcp input takes no FILE\n");
        else
            rc = o.band == BAND_AIS ? decode_aisiq_main(&o) : decode_modes_main(&o);
        cfg_free(decode_options, &cfg);
        return nfiles ? 1 : rc;
    }
    if (o.band == BAND_AIS && o.input == IN_AUTO)
        o.input = IN_IQ;
    o.nin = nfiles ? nfiles : 1;
    o.in = calloc((size_t)o.nin, sizeof *o.in);
    if (!o.in) {
        cfg_free(decode_options, &cfg);
        return 2;
    }
    for (int i = 0; i < o.nin; i++) {
        const char *path = nfiles ? argv[first + i] : "-";
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
    cfg_free(decode_options, &cfg);
    return rc;
}

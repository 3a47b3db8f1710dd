/* iq.c: the option strings and WAV headers that say what the samples are. */
#include "aisdemod/aisdemod.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return -1;
}

/* "288k", "1.536M", "2.4M", "2400000", "2.4" (MS/s when below 100). */
static double parse_rate(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return -1;
    if (*end == 'k' || *end == 'K')
        v *= 1e3, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1e6, end++;
    else if (v < 100)
        v *= 1e6;
    return *end ? -1 : v;
}

int aisd_parse_cfg(const char *rate, const char *format, struct aisd_cfg *cfg, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        enum aisd_format f;
    } names[] = {{"cu8", AISD_CU8},   {"uc8", AISD_CU8},   {"cs8", AISD_CS8},   {"sc8", AISD_CS8},
                 {"cs16", AISD_CS16}, {"sc16", AISD_CS16}, {"cf32", AISD_CF32}, {"fc32", AISD_CF32},
                 {"fm16", AISD_FM16}};
    memset(cfg, 0, sizeof *cfg);
    cfg->format = AISD_CU8;
    if (format) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcmp(format, names[i].name))
            i++;
        if (i == sizeof names / sizeof names[0])
            return fail(err, errlen, "AIS --iq-format is cu8, cs8, cs16, cf32 or fm16");
        cfg->format = names[i].f;
    }
    bool fm = cfg->format == AISD_FM16;
    cfg->sample_rate = rate ? parse_rate(rate) : fm ? 48000 : 288000;
    if (fm && !(cfg->sample_rate >= AISD_FM_RATE_MIN && cfg->sample_rate <= 1e6))
        return fail(err, errlen, "AIS FM audio --sample-rate must be 24k to 1M");
    if (!fm && !(cfg->sample_rate >= AISD_RATE_MIN && cfg->sample_rate <= AISD_RATE_MAX))
        return fail(err, errlen, "AIS I/Q --sample-rate must be 96k to 12.5M (e.g. 288k, 1.536M, 2.4M)");
    return 0;
}

static unsigned u16le(const uint8_t *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t u32le(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

long aisd_wav_header(const uint8_t *p, size_t n, double *rate, enum aisd_format *format, char *err,
                     size_t errlen)
{
    if (n < 12 || memcmp(p, "RIFF", 4) || memcmp(p + 8, "WAVE", 4))
        return 0;
    bool have_fmt = false;
    unsigned channels = 0, bits = 0, tag = 0;
    size_t i = 12;
    while (i + 8 <= n) {
        uint32_t len = u32le(p + i + 4);
        if (!memcmp(p + i, "fmt ", 4)) {
            if (len < 16 || i + 8 + 16 > n)
                return fail(err, errlen, "WAV: short fmt chunk");
            tag = u16le(p + i + 8);
            channels = u16le(p + i + 10);
            *rate = u32le(p + i + 12);
            bits = u16le(p + i + 22);
            if (tag == 0xFFFE && len >= 40 && i + 8 + 26 <= n)
                tag = u16le(p + i + 8 + 24); /* WAVE_FORMAT_EXTENSIBLE: the sub-format's tag */
            have_fmt = true;
        } else if (!memcmp(p + i, "data", 4)) {
            if (!have_fmt)
                return fail(err, errlen, "WAV: data before fmt");
            if (channels == 2 && tag == 1 && bits == 8)
                *format = AISD_CU8;
            else if (channels == 2 && tag == 1 && bits == 16)
                *format = AISD_CS16;
            else if (channels == 2 && tag == 3 && bits == 32)
                *format = AISD_CF32;
            else if (channels == 1 && tag == 1 && bits == 16)
                *format = AISD_FM16;
            else
                return fail(err, errlen,
                            "WAV: need stereo I/Q (8/16-bit PCM, 32-bit float) or mono 16-bit FM audio");
            return (long)(i + 8);
        }
        if (len > n - i - 8)
            break;
        i += 8 + len + (len & 1);
    }
    return fail(err, errlen, "WAV: no data chunk in the first block");
}

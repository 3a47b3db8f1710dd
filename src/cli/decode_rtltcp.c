/* decode_rtltcp.c: `atalaya decode --input iq+rtltcp://...`: the rtl_tcp
 * client (net/rtltcp.h) as the sample source of either band's IQ loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "net/rtltcp.h"

struct rtltcp_client *decode_rtltcp_open(const struct decode_opts *o, uint32_t def_freq, double def_rate,
                                         double *rate)
{
    if (o->iq_format && strcmp(o->iq_format, "uc8") && strcmp(o->iq_format, "cu8")) {
        fprintf(stderr, "atalaya decode: rtl_tcp sends cu8 samples (--iq-format cu8)\n");
        return NULL;
    }
    struct rtltcp_cfg c;
    char err[256];
    if (rtltcp_parse(o->rtltcp, def_freq, (uint32_t)def_rate, &c, err, sizeof err)) {
        fprintf(stderr, "atalaya decode: %s\n", err);
        return NULL;
    }
    enum rtltcp_band band = def_freq == RTLTCP_AIS_FREQ ? RTLTCP_BAND_AIS : RTLTCP_BAND_1090;
    if (c.band != RTLTCP_BAND_NONE && c.band != band) {
        fprintf(stderr, "atalaya decode: the rtl_tcp band= and --band disagree\n");
        return NULL;
    }
    if (o->sample_rate && c.rate != (uint32_t)def_rate) {
        fprintf(stderr, "atalaya decode: --sample-rate and the rtl_tcp rate= disagree\n");
        return NULL;
    }
    *rate = c.rate;
    return rtltcp_client_new(&c);
}

/* decode_ais.c: placeholder until the AIS decoding loop lands (issue 2). */
#include <stdio.h>
#include "cli/cli.h"
int decode_ais_main(const struct decode_opts *o)
{
    (void)o;
    fprintf(stderr, "atalaya decode: AIS decoding is not built yet\n");
    return 2;
}

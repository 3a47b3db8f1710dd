/* decode_modes.c: placeholder until the Mode S decoding loop lands (issue 3). */
#include <stdio.h>
#include "cli/cli.h"
int decode_modes_main(const struct decode_opts *o)
{
    (void)o;
    fprintf(stderr, "atalaya decode: Mode S decoding is not built yet\n");
    return 2;
}

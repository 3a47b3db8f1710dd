/* options.c: cfg_load for the subcommands, saying what was wrong. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cli_options(const struct cfg_cmd *c, void *base, const struct cfg_target *tg, int ntg, int argc, char **argv,
                int *first)
{
    char err[512];
    int rc = cfg_load(c, base, tg, ntg, argc, argv, first, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "atalaya %s: %s\n", c->name, err);
    return rc;
}

const char *cli_store_file(const char *url)
{
    if (!strncmp(url, "sqlite:", 7))
        return url + 7;
    return strstr(url, "://") ? NULL : url;
}

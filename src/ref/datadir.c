/* datadir.c: see datadir.h. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ref/datadir.h"

#ifndef ATALAYA_DATA_PREFIX
#define ATALAYA_DATA_PREFIX "/usr/local/share/atalaya"
#endif

static int has_data(const char *dir)
{
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/mid/mid.csv", dir);
    return access(probe, R_OK) == 0;
}

const char *ref_data_dir(char *out, size_t n)
{
    const char *env = getenv("ATALAYA_DATA");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return has_data(out) ? out : NULL;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        const char *dir = dirname(exe);
        static const char *const rel[] = {"../../data", "../share/atalaya"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(out, n, "%s/%s", dir, rel[i]);
            if (has_data(out))
                return out;
        }
    }
    snprintf(out, n, "%s", ATALAYA_DATA_PREFIX);
    return has_data(out) ? out : NULL;
}

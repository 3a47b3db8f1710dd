#include "common/exepath.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int holds(const char *dir, const char *marker)
{
    char probe[4400];
    snprintf(probe, sizeof probe, "%s/%s", dir, marker);
    return access(probe, R_OK) == 0;
}

const char *exe_find_dir(const char *env, const char *const cand[], size_t ncand, const char *marker, char *out,
                         size_t n)
{
    const char *v = getenv(env);
    if (v && *v) {
        snprintf(out, n, "%s", v);
        return holds(out, marker) ? out : NULL;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *dir = NULL;
    if (len > 0) {
        exe[len] = '\0';
        dir = dirname(exe);
    }
    for (size_t i = 0; i < ncand; i++) {
        if (cand[i][0] == '/')
            snprintf(out, n, "%s", cand[i]);
        else if (dir)
            snprintf(out, n, "%s/%s", dir, cand[i]);
        else
            continue;
        if (holds(out, marker))
            return out;
    }
    return NULL;
}

/* datadir.c: see datadir.h. */
#include "common/exepath.h"
#include "ref/datadir.h"

#ifndef ATALAYA_DATA_PREFIX
#define ATALAYA_DATA_PREFIX "/usr/local/share/atalaya"
#endif

const char *ref_data_dir(char *out, size_t n)
{
    static const char *const cand[] = {"../../data", "../share/atalaya", ATALAYA_DATA_PREFIX};
    /* The MID table marks a complete data folder. */
    return exe_find_dir("ATALAYA_DATA", cand, sizeof cand / sizeof cand[0], "mid/mid.csv", out, n);
}

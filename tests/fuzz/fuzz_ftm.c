/* fuzz_ftm.c: libFuzzer target over the OpenSanctions FollowTheMoney
 * importer (flat and nested entities, references in any order) and the
 * identifier cleaners it shares with the other importers. The input is
 * written to an anonymous memory file and read by path, as a real file is. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ref/watchlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The cleaners on the first line of the input as a C string. */
    char s[256], o[256];
    size_t k = 0;
    for (; k < size && k + 1 < sizeof s && data[k] && data[k] != '\n'; k++)
        s[k] = (char)data[k];
    s[k] = '\0';
    ref_wl_norm_imo(s, o, sizeof o);
    ref_wl_norm_mmsi(s, o, sizeof o);
    ref_wl_norm_registration(s, o, sizeof o);

    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct ref_wl_set set;
    struct ref_wl_ftm_stats st;
    ref_wl_set_init(&set);
    if (ref_wl_import_ftm(&set, path, "fuzz", NULL, &st, err, sizeof err) == 0) {
        struct ref_wl_index *x = ref_wl_index_build(&set, NULL);
        struct ref_wl_match m[4];
        struct ref_wl_vessel v = {.mmsi = 273452310, .imo = 9176541, .name = "NORTHERN STAR"};
        ref_wl_match_vessel(x, &v, m, 4);
        ref_wl_index_free(x);
    }
    ref_wl_set_free(&set);
    close(fd);
    return 0;
}

/* fuzz_files.c: libFuzzer target over the file parsers of user-supplied
 * lists and settings: the watchlist CSV and OFAC SDN importers, GeoJSON areas
 * and the config-file parser (options, [command] sections, thresholds, and
 * the same text as a --set NAME=VALUE). The input is written to an anonymous
 * memory file and each parser reads it by path, as it reads a real file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/config.h"
#include "detect/detect.h"
#include "detect/watch.h"
#include "ref/watchlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct settings {
    struct cfg_list list;
    const char *text;
    long n;
    double x;
    _Bool flag;
    struct cfg_list strings;
};

static const struct cfg_option options[] = {
    {"list", CFG_LIST, offsetof(struct settings, list), NULL, "", 0},
    {"text", CFG_STR, offsetof(struct settings, text), NULL, "", offsetof(struct settings, strings)},
    {"n", CFG_INT, offsetof(struct settings, n), "1", "", 0},
    {"x", CFG_DOUBLE, offsetof(struct settings, x), "0.5", "", 0},
    {"flag", CFG_BOOL, offsetof(struct settings, flag), NULL, "", 0},
    {NULL, 0, 0, NULL, NULL, 0},
};
static const struct cfg_cmd cmd = {"fuzz", "usage: fuzz", options, sizeof(struct settings), NULL, 0};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    struct ref_wl_set s;
    ref_wl_set_init(&s);
    ref_wl_import_csv(&s, path, "fuzz", err, sizeof err);
    ref_wl_set_free(&s);
    ref_wl_set_init(&s);
    struct ref_wl_sdn_stats sdn;
    ref_wl_import_sdn(&s, path, "2024-05-03", NULL, &sdn, err, sizeof err);
    ref_wl_set_free(&s);

    struct watch *w = watch_new(NULL, NULL, NULL, NULL, NULL);
    watch_load_areas(w, path, err, sizeof err);
    watch_free(w);

    struct settings st;
    if (cfg_defaults(options, &st, err, sizeof err) == 0) {
        cfg_parse_file(options, &st, path, err, sizeof err);
        cfg_free(options, &st);
    }
    struct det_config d = {0};
    struct trk_config t = {0};
    struct cfg_target tg[2];
    det_cfg_targets(tg, &d, &t);
    if (cfg_defaults(options, &st, err, sizeof err) == 0) {
        cfg_parse_file_for(&cmd, &st, NULL, tg, 2, path, err, sizeof err);
        cfg_free(options, &st);
    }
    char assign[512];
    size_t n = size < sizeof assign - 1 ? size : sizeof assign - 1;
    memcpy(assign, data, n);
    assign[n] = 0;
    cfg_set_targets(tg, 2, assign, CFG_FROM_SET, err, sizeof err);
    close(fd);
    return 0;
}

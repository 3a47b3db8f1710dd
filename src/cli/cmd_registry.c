/* cmd_registry.c: `atalaya registry [--db PATH] import FILE.csv[.gz] | icao24 HEX | reg REG`:
 * loads a user-supplied aircraft registry into the SQLite store and looks it up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/buf.h"
#include "common/json.h"
#include "ref/db.h"
#include "ref/registry.h"

struct registry_config {
    const char *db, *config;
    struct cfg_list strings;
};

#define S(f) offsetof(struct registry_config, f)
static const struct cfg_option registry_options[] = {
    {"db", CFG_STR, S(db), "atalaya.db", "the SQLite store holding the registry", S(strings)},
    CFG_OPTION_CONFIG(struct registry_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

const struct cfg_cmd registry_cmd = {
    "registry",
    "usage: atalaya registry [--db PATH] import FILE.csv[.gz]\n"
    "       atalaya registry [--db PATH] icao24 HEX\n"
    "       atalaya registry [--db PATH] reg REGISTRATION\n"
    "The CSV has a header naming icao24 and registration, optionally type (icao_type),\n"
    "operator and description.",
    registry_options, sizeof(struct registry_config), NULL, 0,
};

static void usage(FILE *f)
{
    fprintf(f, "%s\n", registry_cmd.usage);
}

static void print_aircraft(const struct ref_aircraft *a)
{
    struct buf b;
    struct jw w;
    char hex[8];
    buf_init(&b, 256);
    jw_init(&w, &b);
    jw_obj_begin(&w);
    snprintf(hex, sizeof hex, "%06x", (unsigned)a->icao24);
    jw_kstr(&w, "icao24", hex);
    jw_kstr(&w, "registration", a->registration);
    jw_kstr(&w, "type", a->type);
    jw_kstr(&w, "operator", a->operator_name);
    jw_kstr(&w, "description", a->description);
    jw_obj_end(&w);
    printf("%.*s\n", (int)b.len, b.p);
    buf_free(&b);
}

static int registry(const char *dbpath, char **args);

int cmd_registry(int argc, char **argv)
{
    struct registry_config cfg = {0};
    int first;
    int rc = cli_options(&registry_cmd, &cfg, NULL, 0, argc, argv, &first);
    if (rc != 0) {
        rc = rc < 0; /* 1 after --help: exit 0 */
    } else if (argc - first != 2) {
        usage(stderr);
        rc = 1;
    } else {
        rc = registry(cfg.db, argv + first);
    }
    cfg_free(registry_options, &cfg);
    return rc;
}

static int registry(const char *dbpath, char **args)
{
    struct sqlite3 *db;
    char err[512];
    if (ref_db_open(dbpath, &db, err, sizeof err)) {
        fprintf(stderr, "atalaya registry: %s\n", err);
        return 2;
    }
    int rc = 0;
    struct ref_aircraft a;
    if (!strcmp(args[0], "import")) {
        size_t rows;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (ref_registry_import(db, args[1], &rows, err, sizeof err)) {
            fprintf(stderr, "atalaya registry: %s\n", err);
            rc = 2;
        } else {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            fprintf(stderr, "imported %zu aircraft into %s in %.2f s\n", rows, dbpath,
                    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        }
    } else if (!strcmp(args[0], "icao24") || !strcmp(args[0], "reg")) {
        int found = args[0][0] == 'i'
                        ? ref_registry_by_icao24(db, (uint32_t)strtoul(args[1], NULL, 16), &a)
                        : ref_registry_by_registration(db, args[1], &a);
        if (found == 1)
            print_aircraft(&a);
        rc = found == 1 ? 0 : found == 0 ? 1 : 2;
    } else {
        usage(stderr);
        rc = 1;
    }
    ref_db_close(db);
    return rc;
}

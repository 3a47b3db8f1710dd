/* cmd_watchlist.c: `atalaya watchlist import|list|add|remove` on the SQLite
 * store (src/ref/watchlist.h). */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/buf.h"
#include "common/json.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"
#include "ref/watchlist.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: atalaya watchlist [--db PATH] COMMAND ...\n"
            "  import --format ofac-sdn|ftm|csv [--list NAME] [--date YYYY-MM-DD] FILE\n"
            "        replaces the list's entries (ofac-sdn: list \"ofac-sdn\", date from a\n"
            "        file name like sdn_2024-05-03.csv; ftm: OpenSanctions entities.ftm.json\n"
            "        or targets.nested.json, list \"opensanctions\"; csv: list NAME,\n"
            "        default \"user\"). IMO, MMSI and registrations are cleaned and checked;\n"
            "        failing ones are kept as imo_invalid, mmsi_invalid, ...\n"
            "  list [--list NAME] [--kind vessel|aircraft|organisation|individual]\n"
            "        one JSON object per entry\n"
            "  add --kind KIND --name NAME [--list NAME] [--imo N] [--mmsi N] [--icao24 HEX]\n"
            "      [--registration REG] [--callsign-prefix XXX] [--flag F] [--program P] [--note T]\n"
            "  remove ID\n"
            "--db defaults to atalaya.db. CSV columns: kind, name, imo, mmsi, icao24,\n"
            "registration, callsign_prefix (or operator), flag, program, note (docs/ref.md).\n");
}

/* "sdn_2024-05-03.csv.gz" -> "2024-05-03"; NULL when the name carries no date. */
static const char *date_from_name(const char *path, char *out, size_t n)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    for (; *b; b++) {
        int ok = 1;
        for (int i = 0; i < 10 && ok; i++)
            ok = (i == 4 || i == 7) ? b[i] == '-' : (b[i] >= '0' && b[i] <= '9');
        if (ok) {
            snprintf(out, n, "%.10s", b);
            return out;
        }
    }
    return NULL;
}

static int do_import(struct sqlite3 *db, int argc, char **argv)
{
    const char *format = NULL, *list = NULL, *date = NULL;
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"list", required_argument, NULL, 'l'},
                                         {"date", required_argument, NULL, 'd'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:l:d:", opts, NULL)) != -1) {
        if (c == 'f')
            format = optarg;
        else if (c == 'l')
            list = optarg;
        else if (c == 'd')
            date = optarg;
        else
            return usage(stderr), 1;
    }
    if (!format || optind != argc - 1)
        return usage(stderr), 1;
    const char *file = argv[optind];
    struct ref_wl_set s;
    char err[512], dbuf[16], dir[4096];
    int rc;
    ref_wl_set_init(&s);
    if (!strcmp(format, "ofac-sdn")) {
        struct ref_wl_sdn_stats st;
        /* The reference tables give organisations their operator designators;
         * without them the import still works, minus the callsign rule. */
        struct ref *r = ref_data_dir(dir, sizeof dir) ? ref_load(dir, err, sizeof err) : NULL;
        if (!r)
            fprintf(stderr, "atalaya watchlist: no reference data: organisations get no "
                            "operator designators\n");
        list = list ? list : "ofac-sdn";
        rc = ref_wl_import_sdn(&s, file, date ? date : date_from_name(file, dbuf, sizeof dbuf),
                               r, &st, err, sizeof err);
        ref_free(r);
        if (!rc)
            fprintf(stderr,
                    "%s: %zu entries: %zu vessels (%zu with IMO, %zu with MMSI), %zu aircraft "
                    "(%zu with registration, %zu with Mode S address), %zu organisations "
                    "(%zu linked to an operator designator), %zu individuals\n",
                    file, st.entries, st.vessels, st.vessels_imo, st.vessels_mmsi, st.aircraft,
                    st.aircraft_registration, st.aircraft_icao24, st.organisations,
                    st.designators, st.individuals);
    } else if (!strcmp(format, "ftm")) {
        struct ref_wl_ftm_stats st;
        struct ref *r = ref_data_dir(dir, sizeof dir) ? ref_load(dir, err, sizeof err) : NULL;
        if (!r)
            fprintf(stderr, "atalaya watchlist: no reference data: organisations get no "
                            "operator designators\n");
        list = list ? list : "opensanctions";
        rc = ref_wl_import_ftm(&s, file, list, r, &st, err, sizeof err);
        ref_free(r);
        const char *d = date ? date : date_from_name(file, dbuf, sizeof dbuf);
        for (size_t i = 0; !rc && d && i < s.n; i++)
            ref_wl_entry_set(&s.e[i].list_date, d);
        if (!rc)
            fprintf(stderr,
                    "%s: %zu lines (%zu not entities), %zu entities read, %zu sanctions (%zu on "
                    "an entry kept); kept %zu vessels (%zu with IMO, %zu with MMSI), %zu aircraft "
                    "(%zu with registration), %zu organisations (%zu linked to an operator "
                    "designator); %zu identifiers flagged invalid\n",
                    file, st.lines, st.bad_lines, st.entities, st.sanctions, st.sanctions_linked,
                    st.vessels, st.vessels_imo, st.vessels_mmsi, st.aircraft,
                    st.aircraft_registration, st.organisations, st.designators, st.invalid_ids);
    } else if (!strcmp(format, "csv")) {
        list = list ? list : "user";
        rc = ref_wl_import_csv(&s, file, list, err, sizeof err);
        if (!rc && date)
            for (size_t i = 0; i < s.n; i++)
                ref_wl_entry_set(&s.e[i].list_date, date);
        if (!rc)
            fprintf(stderr, "%s: %zu entries\n", file, s.n);
    } else {
        ref_wl_set_free(&s);
        return usage(stderr), 1;
    }
    if (!rc && list)
        for (size_t i = 0; i < s.n; i++)
            ref_wl_entry_set(&s.e[i].list, list);
    if (!rc)
        rc = ref_wl_db_replace(db, list, &s, err, sizeof err);
    if (rc)
        fprintf(stderr, "atalaya watchlist: %s\n", err);
    ref_wl_set_free(&s);
    return rc ? 2 : 0;
}

static int do_list(struct sqlite3 *db, int argc, char **argv)
{
    const char *list = NULL;
    int kind = -1, c;
    static const struct option opts[] = {{"list", required_argument, NULL, 'l'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:k:", opts, NULL)) != -1) {
        if (c == 'l')
            list = optarg;
        else if (c == 'k' && (kind = ref_wl_kind_parse(optarg)) >= 0)
            continue;
        else
            return usage(stderr), 1;
    }
    struct ref_wl_set s;
    char err[512];
    ref_wl_set_init(&s);
    if (ref_wl_db_load(db, list, &s, err, sizeof err)) {
        fprintf(stderr, "atalaya watchlist: %s\n", err);
        return 2;
    }
    struct buf b;
    struct jw w;
    buf_init(&b, 1 << 16);
    for (size_t i = 0; i < s.n; i++) {
        if (kind >= 0 && (int)s.e[i].kind != kind)
            continue;
        jw_init(&w, &b);
        ref_wl_entry_json(&w, &s.e[i]);
        buf_reserve(&b, 1);
        b.p[b.len++] = '\n';
        if (b.len > (1 << 15)) {
            fwrite(b.p, 1, b.len, stdout);
            b.len = 0;
        }
    }
    fwrite(b.p, 1, b.len, stdout);
    buf_free(&b);
    ref_wl_set_free(&s);
    return 0;
}

static int do_add(struct sqlite3 *db, int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},     {"name", required_argument, NULL, 'n'},
        {"list", required_argument, NULL, 'l'},     {"imo", required_argument, NULL, 'i'},
        {"mmsi", required_argument, NULL, 'm'},     {"icao24", required_argument, NULL, 'a'},
        {"registration", required_argument, NULL, 'r'},
        {"callsign-prefix", required_argument, NULL, 'c'},
        {"flag", required_argument, NULL, 'f'},     {"program", required_argument, NULL, 'p'},
        {"note", required_argument, NULL, 't'},     {NULL, 0, NULL, 0}};
    const char *v[128] = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == '?')
            return usage(stderr), 1;
        v[c] = optarg;
    }
    int kind = v['k'] ? ref_wl_kind_parse(v['k']) : -1;
    if (kind < 0 || !v['n'] || optind != argc)
        return usage(stderr), 1;
    struct ref_wl_set s;
    ref_wl_set_init(&s);
    struct ref_wl_entry *e =
        ref_wl_set_add(&s, (enum ref_wl_kind)kind, v['l'] ? v['l'] : "user", v['n']);
    ref_wl_entry_set(&e->flag, v['f']);
    ref_wl_entry_set(&e->program, v['p']);
    ref_wl_entry_set(&e->note, v['t']);
    static const struct {
        int opt;
        enum ref_wl_id id;
    } ids[] = {{'i', REF_WL_ID_IMO},          {'m', REF_WL_ID_MMSI},
               {'a', REF_WL_ID_ICAO24},       {'r', REF_WL_ID_REGISTRATION},
               {'c', REF_WL_ID_DESIGNATOR}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        ref_wl_entry_add_id(e, ids[i].id, v[ids[i].opt]);
    char err[512];
    int rc = ref_wl_db_add(db, e, err, sizeof err);
    if (rc)
        fprintf(stderr, "atalaya watchlist: %s\n", err);
    else
        printf("%lld\n", (long long)e->id);
    ref_wl_set_free(&s);
    return rc ? 2 : 0;
}

int cmd_watchlist(int argc, char **argv)
{
    const char *dbpath = "atalaya.db";
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            dbpath = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout), 0;
        else
            return usage(stderr), 1;
    }
    if (i >= argc)
        return usage(stderr), 1;
    const char *cmd = argv[i];
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    if (strcmp(cmd, "import") && strcmp(cmd, "list") && strcmp(cmd, "add") &&
        strcmp(cmd, "remove"))
        return usage(stderr), 1;
    struct sqlite3 *db;
    char err[512];
    if (ref_db_open(dbpath, &db, err, sizeof err)) {
        fprintf(stderr, "atalaya watchlist: %s\n", err);
        return 2;
    }
    int rc;
    if (!strcmp(cmd, "import")) {
        rc = do_import(db, sub_argc, sub_argv);
    } else if (!strcmp(cmd, "list")) {
        rc = do_list(db, sub_argc, sub_argv);
    } else if (!strcmp(cmd, "add")) {
        rc = do_add(db, sub_argc, sub_argv);
    } else {
        char *end;
        long long id = sub_argc == 2 ? strtoll(sub_argv[1], &end, 10) : 0;
        if (sub_argc != 2 || *end || id <= 0) {
            usage(stderr);
            rc = 1;
        } else {
            int r = ref_wl_db_remove(db, id, err, sizeof err);
            if (r < 0)
                fprintf(stderr, "atalaya watchlist: %s\n", err);
            else if (!r)
                fprintf(stderr, "atalaya watchlist: no entry %lld\n", id);
            rc = r == 1 ? 0 : r == 0 ? 1 : 2;
        }
    }
    ref_db_close(db);
    return rc;
}

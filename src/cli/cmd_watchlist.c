/* cmd_watchlist.c: `atalaya watchlist import|list|add|remove` on the SQLite
 * store (src/ref/watchlist.h). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/buf.h"
#include "common/json.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"
#include "ref/watchlist.h"

#define WATCHLIST_USAGE                                                                                 \
    "usage: atalaya watchlist [--db PATH] COMMAND ...\n"                                                 \
    "  import --format ofac-sdn|ftm|csv [--list NAME] [--date YYYY-MM-DD] FILE\n"                        \
    "        replaces the list's entries (ofac-sdn: list \"ofac-sdn\", date from a\n"                     \
    "        file name like sdn_2024-05-03.csv; ftm: OpenSanctions entities.ftm.json\n"                  \
    "        or targets.nested.json, list \"opensanctions\"; csv: list NAME,\n"                          \
    "        default \"user\"). IMO, MMSI and registrations are cleaned and checked;\n"                  \
    "        failing ones are kept as imo_invalid, mmsi_invalid, ...\n"                                  \
    "  list [--list NAME] [--kind vessel|aircraft|organisation|individual]\n"                             \
    "        one JSON object per entry\n"                                                                \
    "  add --kind KIND --name NAME [--list NAME] [--imo N] [--mmsi N] [--icao24 HEX]\n"                   \
    "      [--registration REG] [--callsign-prefix XXX] [--flag F] [--program P] [--note T]\n"            \
    "  remove ID\n"                                                                                      \
    "CSV columns: kind, name, imo, mmsi, icao24, registration, callsign_prefix (or\n"                    \
    "operator), flag, program, note (docs/ref.md)."

struct watchlist_config {
    const char *db, *config;
    const char *format, *list, *date, *kind, *name, *imo, *mmsi, *icao24, *registration, *callsign_prefix,
        *flag, *program, *note;
    struct cfg_list strings;
};

#define S(f) offsetof(struct watchlist_config, f)
#define K S(strings)
static const struct cfg_option watchlist_options[] = {
    {"db", CFG_STR, S(db), "atalaya.db", "the SQLite store holding the watchlists", K},
    CFG_OPTION_CONFIG(struct watchlist_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
static const struct cfg_option import_options[] = {
    {"format", CFG_STR, S(format), NULL, "ofac-sdn|ftm|csv", K},
    {"list", CFG_STR, S(list), NULL, "the list to replace (ofac-sdn: \"ofac-sdn\"; csv: \"user\")", K},
    {"date", CFG_STR, S(date), NULL, "YYYY-MM-DD: the list's date (ofac-sdn: from the file name)", K},
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
static const struct cfg_option list_options[] = {
    {"list", CFG_STR, S(list), NULL, "only this list", K},
    {"kind", CFG_STR, S(kind), NULL, "vessel|aircraft|organisation|individual", K},
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
static const struct cfg_option add_options[] = {
    {"kind", CFG_STR, S(kind), NULL, "vessel|aircraft|organisation|individual (required)", K},
    {"name", CFG_STR, S(name), NULL, "the entry's name (required)", K},
    {"list", CFG_STR, S(list), "user", "the list to add to", K},
    {"imo", CFG_STR, S(imo), NULL, "IMO number", K},
    {"mmsi", CFG_STR, S(mmsi), NULL, "MMSI", K},
    {"icao24", CFG_STR, S(icao24), NULL, "ICAO 24-bit address (hex)", K},
    {"registration", CFG_STR, S(registration), NULL, "aircraft registration", K},
    {"callsign-prefix", CFG_STR, S(callsign_prefix), NULL, "operator designator (three letters)", K},
    {"flag", CFG_STR, S(flag), NULL, "flag state", K},
    {"program", CFG_STR, S(program), NULL, "sanctions programme", K},
    {"note", CFG_STR, S(note), NULL, "free text", K},
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef K
#undef S

static const struct cfg_alias import_aliases[] = {{'f', "format"}, {'l', "list"}, {'d', "date"}, {0, NULL}};
static const struct cfg_alias list_aliases[] = {{'l', "list"}, {'k', "kind"}, {0, NULL}};
const struct cfg_cmd watchlist_cmd = {"watchlist", WATCHLIST_USAGE, watchlist_options,
                                      sizeof(struct watchlist_config), NULL, 1};
const struct cfg_cmd watchlist_import_cmd = {"watchlist import", WATCHLIST_USAGE, import_options,
                                             sizeof(struct watchlist_config), import_aliases, 0};
const struct cfg_cmd watchlist_list_cmd = {"watchlist list", WATCHLIST_USAGE, list_options,
                                           sizeof(struct watchlist_config), list_aliases, 0};
const struct cfg_cmd watchlist_add_cmd = {"watchlist add", WATCHLIST_USAGE, add_options,
                                          sizeof(struct watchlist_config), NULL, 0};

static void usage(FILE *f)
{
    fprintf(f, "%s\n", WATCHLIST_USAGE);
}

/* A sub-command's options into c; argv[0] is the sub-command. Returns 0 with
 * *first the index of its first argument, or the exit status (usage printed). */
static int sub_options(const struct cfg_cmd *cmd, struct watchlist_config *c, int argc, char **argv, int *first)
{
    int rc = cli_options(cmd, c, NULL, 0, argc, argv, first);
    return rc < 0 ? 1 : rc > 0 ? -1 : 0;
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

static int do_import(struct sqlite3 *db, const struct watchlist_config *c, int nargs, char **args)
{
    const char *format = c->format, *list = c->list, *date = c->date;
    if (!format || nargs != 1)
        return usage(stderr), 1;
    const char *file = args[0];
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

static int do_list(struct sqlite3 *db, const struct watchlist_config *c)
{
    const char *list = c->list;
    int kind = -1;
    if (c->kind && (kind = ref_wl_kind_parse(c->kind)) < 0)
        return usage(stderr), 1;
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

static int do_add(struct sqlite3 *db, const struct watchlist_config *c, int nargs)
{
    int kind = c->kind ? ref_wl_kind_parse(c->kind) : -1;
    if (kind < 0 || !c->name || nargs)
        return usage(stderr), 1;
    struct ref_wl_set s;
    ref_wl_set_init(&s);
    struct ref_wl_entry *e =
        ref_wl_set_add(&s, (enum ref_wl_kind)kind, c->list, c->name);
    ref_wl_entry_set(&e->flag, c->flag);
    ref_wl_entry_set(&e->program, c->program);
    ref_wl_entry_set(&e->note, c->note);
    ref_wl_entry_add_id(e, REF_WL_ID_IMO, c->imo);
    ref_wl_entry_add_id(e, REF_WL_ID_MMSI, c->mmsi);
    ref_wl_entry_add_id(e, REF_WL_ID_ICAO24, c->icao24);
    ref_wl_entry_add_id(e, REF_WL_ID_REGISTRATION, c->registration);
    ref_wl_entry_add_id(e, REF_WL_ID_DESIGNATOR, c->callsign_prefix);
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
    struct watchlist_config top = {0}, sub = {0};
    char err[512];
    int first, rc = cli_options(&watchlist_cmd, &top, NULL, 0, argc, argv, &first);
    if (rc != 0 || first >= argc) {
        if (rc == 0)
            usage(stderr);
        cfg_free(watchlist_options, &top);
        return rc > 0 ? 0 : 1;
    }
    const char *cmd = argv[first];
    int sub_argc = argc - first, nargs = 0;
    char **sub_argv = argv + first;
    const struct cfg_cmd *subcmd = !strcmp(cmd, "import") ? &watchlist_import_cmd
                                   : !strcmp(cmd, "list") ? &watchlist_list_cmd
                                   : !strcmp(cmd, "add")  ? &watchlist_add_cmd
                                                          : NULL;
    if (!subcmd && strcmp(cmd, "remove")) {
        usage(stderr);
        rc = 1;
    } else if (subcmd) {
        int at;
        rc = sub_options(subcmd, &sub, sub_argc, sub_argv, &at);
        nargs = sub_argc - at;
        sub_argv += at;
    } else {
        nargs = sub_argc - 1;
        sub_argv++;
    }
    struct sqlite3 *db = NULL;
    if (rc == 0 && ref_db_open(top.db, &db, err, sizeof err)) {
        fprintf(stderr, "atalaya watchlist: %s\n", err);
        rc = 2;
    }
    if (rc != 0) {
        /* nothing more */
    } else if (subcmd == &watchlist_import_cmd) {
        rc = do_import(db, &sub, nargs, sub_argv);
    } else if (subcmd == &watchlist_list_cmd) {
        rc = nargs ? (usage(stderr), 1) : do_list(db, &sub);
    } else if (subcmd == &watchlist_add_cmd) {
        rc = do_add(db, &sub, nargs);
    } else {
        char *end;
        long long id = nargs == 1 ? strtoll(sub_argv[0], &end, 10) : 0;
        if (nargs != 1 || *end || id <= 0) {
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
    if (db)
        ref_db_close(db);
    if (subcmd)
        cfg_free(subcmd->options, &sub);
    cfg_free(watchlist_options, &top);
    return rc < 0 ? 0 : rc; /* -1: a sub-command's --help */
}

/* cmd_lookup.c: `atalaya lookup KIND VALUE`: what the reference data and the
 * watchlists say about one identifier or point, as one JSON object. It goes
 * through the same API the tracker uses (ref.h, watchlist.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/buf.h"
#include "common/json.h"
#include "ref/datadir.h"
#include "ref/db.h"
#include "ref/ref.h"
#include "ref/registry.h"
#include "ref/watchlist.h"

#define MAX_MATCHES 32

struct lookup_config {
    const char *db, *sea, *config;
    struct cfg_list strings;
};

#define S(f) offsetof(struct lookup_config, f)
static const struct cfg_option lookup_options[] = {
    {"db", CFG_STR, S(db), "atalaya.db", "watchlists and registry (used when the file exists)", S(strings)},
    {"sea", CFG_STR, S(sea), NULL, "FILE.geojson: named sea areas for point lookups", S(strings)},
    CFG_OPTION_CONFIG(struct lookup_config, config),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

const struct cfg_cmd lookup_cmd = {
    "lookup",
    "usage: atalaya lookup [--db PATH] [--sea FILE.geojson] KIND VALUE...\n"
    "  mmsi N | imo N | vessel NAME [FLAG] | icao24 HEX | reg REGISTRATION |\n"
    "  callsign CALLSIGN | point LAT LON\n"
    "Prints flag/country, operator, registry row, nearest airport and port, and\n"
    "watchlist matches (from the --db store when it exists).",
    lookup_options, sizeof(struct lookup_config), NULL, 1,
};

static void usage(FILE *f)
{
    fprintf(f, "%s\n", lookup_cmd.usage);
}

struct ctx {
    struct ref *r;
    struct sqlite3 *db;
    struct ref_wl_set set;
    struct ref_wl_index *x;
    struct jw w;
};

static void matches(struct ctx *c, const struct ref_wl_match *m, int n)
{
    jw_key(&c->w, "watchlist");
    jw_arr_begin(&c->w);
    for (int i = 0; i < n && i < MAX_MATCHES; i++)
        ref_wl_match_json(&c->w, &m[i]);
    jw_arr_end(&c->w);
}

static void vessel(struct ctx *c, struct ref_wl_vessel *v)
{
    struct ref_mmsi mi;
    if (v->mmsi && ref_mmsi_flag(c->r, v->mmsi, &mi)) {
        static const char *const kinds[] = {"invalid", "ship",  "group", "coast",
                                            "sar",     "handheld", "craft", "aton",
                                            "sart",    "mob",   "epirb"};
        jw_kstr(&c->w, "mmsi_kind", kinds[mi.kind]);
        if (mi.mid)
            jw_kint(&c->w, "mid", mi.mid);
        if (mi.country)
            jw_kstr(&c->w, "flag", mi.country);
        if (!v->flag)
            v->flag = mi.country;
    }
    struct ref_wl_match m[MAX_MATCHES];
    matches(c, m, c->x ? ref_wl_match_vessel(c->x, v, m, MAX_MATCHES) : 0);
}

static void aircraft(struct ctx *c, struct ref_wl_aircraft *a)
{
    struct ref_aircraft ac;
    int found = 0;
    if (a->icao24 != 0xFFFFFFFF) {
        const char *country = ref_icao_country(c->r, a->icao24);
        if (country)
            jw_kstr(&c->w, "country", country);
        jw_key(&c->w, "military");
        jw_bool(&c->w, ref_icao_military(c->r, a->icao24));
        found = c->db && ref_registry_by_icao24(c->db, a->icao24, &ac) == 1;
    } else if (a->registration) {
        found = c->db && ref_registry_by_registration(c->db, a->registration, &ac) == 1;
    }
    if (found) {
        char hex[8];
        snprintf(hex, sizeof hex, "%06x", (unsigned)ac.icao24);
        jw_key(&c->w, "registry");
        jw_obj_begin(&c->w);
        jw_kstr(&c->w, "icao24", hex);
        jw_kstr(&c->w, "registration", ac.registration);
        jw_kstr(&c->w, "type", ac.type);
        jw_kstr(&c->w, "description", ac.description);
        jw_obj_end(&c->w);
    }
    if (a->callsign) {
        const struct ref_operator *o = ref_operator_by_callsign(c->r, a->callsign);
        if (o) {
            jw_key(&c->w, "operator");
            jw_obj_begin(&c->w);
            jw_kstr(&c->w, "icao", o->icao);
            jw_kstr(&c->w, "name", o->name);
            jw_kstr(&c->w, "callsign", o->callsign);
            jw_kstr(&c->w, "country", o->country);
            jw_obj_end(&c->w);
        }
    }
    struct ref_wl_match m[MAX_MATCHES];
    matches(c, m, c->x ? ref_wl_match_aircraft(c->x, a, m, MAX_MATCHES) : 0);
}

static void point(struct ctx *c, double lat, double lon)
{
    const char *s = ref_country_at(c->r, lat, lon);
    if (s)
        jw_kstr(&c->w, "country", s);
    if ((s = ref_sea_at(c->r, lat, lon)))
        jw_kstr(&c->w, "sea", s);
    double d;
    const struct ref_airport *ap = ref_airport_nearest(c->r, lat, lon, 50000, &d);
    if (ap) {
        jw_key(&c->w, "airport");
        jw_obj_begin(&c->w);
        jw_kstr(&c->w, "icao", ap->icao);
        jw_kstr(&c->w, "iata", ap->iata);
        jw_kstr(&c->w, "name", ap->name);
        jw_key(&c->w, "distance_m");
        jw_fixed(&c->w, d, 0);
        jw_obj_end(&c->w);
    }
    const struct ref_port *pt = ref_port_nearest(c->r, lat, lon, 50000, &d);
    if (pt) {
        jw_key(&c->w, "port");
        jw_obj_begin(&c->w);
        jw_kint(&c->w, "wpi", pt->id);
        jw_kstr(&c->w, "name", pt->name);
        jw_kstr(&c->w, "country", pt->country);
        jw_key(&c->w, "distance_m");
        jw_fixed(&c->w, d, 0);
        jw_obj_end(&c->w);
    }
}

static int run(struct ctx *c, const char *kind, char **v, int nv)
{
    struct ref_wl_vessel ves = {0};
    struct ref_wl_aircraft air = {.icao24 = 0xFFFFFFFF};
    jw_kstr(&c->w, "query", kind);
    jw_kstr(&c->w, "value", v[0]);
    if (nv > 1)
        jw_kstr(&c->w, "value2", v[1]); /* point: longitude; vessel: flag */
    if (!strcmp(kind, "mmsi") || !strcmp(kind, "imo")) {
        char *end;
        unsigned long n = strtoul(v[0], &end, 10);
        if (*end || n > 999999999ul)
            return 1;
        *(kind[0] == 'm' ? &ves.mmsi : &ves.imo) = (uint32_t)n;
        vessel(c, &ves);
    } else if (!strcmp(kind, "vessel")) {
        ves.name = v[0];
        ves.flag = nv > 1 ? v[1] : NULL;
        vessel(c, &ves);
    } else if (!strcmp(kind, "icao24")) {
        char *end;
        unsigned long n = strtoul(v[0], &end, 16);
        if (*end || n > 0xFFFFFF)
            return 1;
        air.icao24 = (uint32_t)n;
        aircraft(c, &air);
    } else if (!strcmp(kind, "reg")) {
        air.registration = v[0];
        aircraft(c, &air);
    } else if (!strcmp(kind, "callsign")) {
        air.callsign = v[0];
        aircraft(c, &air);
    } else if (!strcmp(kind, "point") && nv == 2) {
        point(c, atof(v[0]), atof(v[1]));
    } else {
        return 1;
    }
    return 0;
}

static int lookup(const char *dbpath, const char *sea, int argc, char **argv);

int cmd_lookup(int argc, char **argv)
{
    struct lookup_config cfg = {0};
    int first;
    int rc = cli_options(&lookup_cmd, &cfg, NULL, 0, argc, argv, &first);
    if (rc != 0) {
        rc = rc < 0; /* 1 after --help: exit 0 */
    } else if (argc - first < 2) {
        usage(stderr);
        rc = 1;
    } else {
        rc = lookup(cfg.db, cfg.sea, argc - first, argv + first);
    }
    cfg_free(lookup_options, &cfg);
    return rc;
}

/* argv[0]: the kind, then its values. */
static int lookup(const char *dbpath, const char *sea, int argc, char **argv)
{
    int i = 0;
    struct ctx c = {0};
    char dir[4096], err[512];
    if (!ref_data_dir(dir, sizeof dir)) {
        fprintf(stderr, "atalaya lookup: reference data not found (set ATALAYA_DATA)\n");
        return 2;
    }
    if (!(c.r = ref_load(dir, err, sizeof err)) ||
        (sea && ref_load_sea(c.r, sea, err, sizeof err))) {
        fprintf(stderr, "atalaya lookup: %s\n", err);
        ref_free(c.r);
        return 2;
    }
    ref_wl_set_init(&c.set);
    /* The store is optional: without one, lookups use the bundled tables only. */
    if (access(dbpath, R_OK) == 0) {
        if (ref_db_open(dbpath, &c.db, err, sizeof err) ||
            ref_wl_db_load(c.db, NULL, &c.set, err, sizeof err)) {
            fprintf(stderr, "atalaya lookup: %s\n", err);
            ref_db_close(c.db);
            ref_free(c.r);
            ref_wl_set_free(&c.set);
            return 2;
        }
        c.x = ref_wl_index_build(&c.set, c.db);
    }
    struct buf b;
    buf_init(&b, 4096);
    jw_init(&c.w, &b);
    jw_obj_begin(&c.w);
    int rc = run(&c, argv[i], argv + i + 1, argc - i - 1);
    jw_obj_end(&c.w);
    if (rc)
        usage(stderr);
    else
        printf("%.*s\n", (int)b.len, b.p);
    buf_free(&b);
    ref_wl_index_free(c.x);
    ref_wl_set_free(&c.set);
    ref_db_close(c.db);
    ref_free(c.r);
    return rc;
}

/* test_config.c: the option tables and threshold tables of common/config:
 * the threshold tables' defaults are exactly what det_new and trk_new fill in
 * (and cover every field they fill), --set and config-file lines reach the
 * right field, bad values are refused with the reason, and cfg_load orders
 * argv as getopt_long did. */
#include "test.h"

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "detect/detect.h"
#include "detect/detect_internal.h"
#include "track/track.h"
#include "track/track_internal.h"

static void test_det_defaults_match_det_new(void)
{
    struct det_config c;
    memset(&c, 0, sizeof c);
    char err[256] = "";
    CHECK_EQ_INT(cfg_param_defaults(det_params, &c, err, sizeof err), 0);
    struct det *d = det_new(NULL, NULL, NULL, NULL);
    /* Byte for byte: a field det_new fills that the table lacks, or a default
     * that differs, shows here. */
    CHECK(memcmp(&c, &d->cfg, sizeof c) == 0);
    for (const struct cfg_param *p = det_params; p->name; p++) {
        char a[64], b[64];
        cfg_value_text(p->type, (char *)&c + p->offset, a, sizeof a);
        cfg_value_text(p->type, (char *)&d->cfg + p->offset, b, sizeof b);
        if (strcmp(a, b))
            fprintf(stderr, "%s: table %s, det_new %s\n", p->name, a, b);
        CHECK_STR(a, p->def);
    }
    det_free(d);
}

static void test_trk_defaults_match_trk_new(void)
{
    struct trk_config c;
    memset(&c, 0, sizeof c);
    char err[256] = "";
    CHECK_EQ_INT(cfg_param_defaults(trk_params, &c, err, sizeof err), 0);
    struct trk *t = trk_new(NULL);
    CHECK(memcmp(&c, &t->cfg, sizeof c) == 0);
    trk_free(t);
}

static void test_set(void)
{
    struct det_config d;
    struct trk_config t;
    memset(&d, 0, sizeof d);
    memset(&t, 0, sizeof t);
    char err[256] = "";
    CHECK_EQ_INT(cfg_set(det_params, &d, "gap.min_h=8", err, sizeof err), 0);
    CHECK_NEAR(d.gap_min_h, 8, 0);
    CHECK_EQ_INT(cfg_set(det_params, &d, "encounter.distance_m = 250.5", err, sizeof err), 0);
    CHECK_NEAR(d.enc_distance_m, 250.5, 0);
    CHECK_EQ_INT(cfg_set(det_params, &d, "gnss.count_open=12", err, sizeof err), 0);
    CHECK_EQ_INT(d.gnss_count_open, 12);
    CHECK_EQ_INT(cfg_set(det_params, &d, "land.report_sailed=yes", err, sizeof err), 0);
    CHECK(d.land_report_sailed);
    CHECK_EQ_INT(cfg_set(det_params, &d, "port.min_h=-1", err, sizeof err), 0);
    CHECK_NEAR(d.port_min_h, -1, 0);
    CHECK_EQ_INT(cfg_set(trk_params, &t, "track.vessel_expire_s=7200", err, sizeof err), 0);
    CHECK_EQ_INT(t.vessel_ttl_ms, 7200000);
    CHECK_EQ_INT(cfg_set(trk_params, &t, "track.trail_points=100", err, sizeof err), 0);
    CHECK_EQ_INT(t.trail_points, 100);

    /* Refused, with the reason, and the field left alone. */
    CHECK_EQ_INT(cfg_set(det_params, &d, "gap.min_h=0", err, sizeof err), -1);
    CHECK(strstr(err, "> 0") != NULL);
    CHECK_NEAR(d.gap_min_h, 8, 0);
    CHECK_EQ_INT(cfg_set(det_params, &d, "gap.min_h=6h", err, sizeof err), -1);
    CHECK(strstr(err, "not a number") != NULL);
    CHECK_EQ_INT(cfg_set(det_params, &d, "port.min_h=0", err, sizeof err), -1);
    CHECK_EQ_INT(cfg_set(det_params, &d, "gap.minh=7", err, sizeof err), -1);
    CHECK(strstr(err, "unknown threshold 'gap.minh'") != NULL);
    CHECK_EQ_INT(cfg_set(det_params, &d, "gap.min_h", err, sizeof err), -1);
    CHECK_EQ_INT(cfg_set(det_params, &d, "gnss.count_open=1.5", err, sizeof err), -1);
    CHECK_EQ_INT(cfg_set(trk_params, &t, "track.trail_points=-1", err, sizeof err), -1);
    CHECK_EQ_INT(cfg_set(det_params, &d, "track.trail_points=3", err, sizeof err), -1);

    /* Both tables at once, with where each value came from. */
    unsigned char od[128] = {0}, ot[32] = {0};
    struct cfg_target tg[] = {{det_params, &d, od}, {trk_params, &t, ot}};
    CHECK_EQ_INT(cfg_set_targets(tg, 2, "track.vessel_max_kt=60", CFG_FROM_SET, err, sizeof err), 0);
    CHECK_NEAR(t.vessel_max_kt, 60, 0);
    CHECK_EQ_INT(cfg_set_targets(tg, 2, "loiter.min_h=4", CFG_FROM_FILE, err, sizeof err), 0);
    int vi = -1, li = -1;
    for (int i = 0; trk_params[i].name; i++)
        if (!strcmp(trk_params[i].name, "track.vessel_max_kt"))
            vi = i;
    for (int i = 0; det_params[i].name; i++)
        if (!strcmp(det_params[i].name, "loiter.min_h"))
            li = i;
    CHECK(vi >= 0 && ot[vi] == CFG_FROM_SET);
    CHECK(li >= 0 && od[li] == CFG_FROM_FILE);
    CHECK(cfg_param_count(det_params) < 128 && cfg_param_count(trk_params) < 32);
}

struct opts {
    const char *name, *config;
    long n;
    double x;
    bool flag;
    struct cfg_list set, many, strings;
};
#define S(f) offsetof(struct opts, f)
static const struct cfg_option opt_table[] = {
    {"name", CFG_STR, S(name), "none", "a name", S(strings)},
    {"n", CFG_INT, S(n), "3", "a count", 0},
    {"x", CFG_DOUBLE, S(x), NULL, "a number", 0},
    {"flag", CFG_BOOL, S(flag), NULL, "a flag", 0},
    {"many", CFG_LIST, S(many), NULL, "repeatable", 0},
    CFG_OPTION_CONFIG(struct opts, config),
    CFG_OPTION_SET(struct opts, set),
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S
static const struct cfg_alias opt_aliases[] = {{'f', "flag"}, {0, NULL}};
static const struct cfg_cmd opt_cmd = {"demo", "usage: demo", opt_table, sizeof(struct opts), opt_aliases, 0};

static void test_load_argv(void)
{
    struct opts o;
    char err[256] = "";
    char *argv[] = {"demo", "a1", "--n", "7", "-f", "a2", "--x=-2.5", "--many", "m1", "--", "--many", "-3", NULL};
    int first = 0;
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, NULL, 0, 12, argv, &first, err, sizeof err), 0);
    CHECK_EQ_INT(o.n, 7);
    CHECK(o.flag);
    CHECK_NEAR(o.x, -2.5, 0);
    CHECK_STR(o.name, "none");
    CHECK_EQ_INT(o.many.n, 1);
    /* Arguments last, in order; after "--" everything is an argument. */
    CHECK_EQ_INT(first, 8);
    CHECK_STR(argv[first], "a1");
    CHECK_STR(argv[first + 1], "a2");
    CHECK_STR(argv[first + 2], "--many");
    CHECK_STR(argv[first + 3], "-3");
    cfg_free(opt_table, &o);

    char *bad[] = {"demo", "--n", "seven", NULL};
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, NULL, 0, 3, bad, &first, err, sizeof err), -1);
    CHECK(strstr(err, "--n") != NULL);
    char *unknown[] = {"demo", "--nope", NULL};
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, NULL, 0, 2, unknown, &first, err, sizeof err), -1);
    CHECK(strstr(err, "unknown option --nope") != NULL);
    char *missing[] = {"demo", "--x", NULL};
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, NULL, 0, 2, missing, &first, err, sizeof err), -1);
}

static void test_load_file_and_set(void)
{
    char path[] = "/tmp/atalaya-test-config-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# a comment\nname = from file\nn = 5\ngap.min_h = 9\nset track.vessel_expire_s = 60\n"
          "[other]\nnot-ours = 1\n[demo]\nx = 1.5\n",
          f);
    fclose(f);
    struct det_config d;
    struct trk_config t;
    memset(&d, 0, sizeof d);
    memset(&t, 0, sizeof t);
    struct cfg_target tg[2];
    det_cfg_targets(tg, &d, &t);
    struct opts o;
    char err[256] = "", cfgarg[64];
    snprintf(cfgarg, sizeof cfgarg, "--config=%s", path);
    char *argv[] = {"demo", cfgarg, "--n", "8", "--set", "gap.min_h=10", "--set", "loiter.min_h=4", NULL};
    int first = 0;
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, tg, 2, 8, argv, &first, err, sizeof err), 0);
    CHECK_STR(o.name, "from file");
    CHECK_EQ_INT(o.n, 8); /* the command line wins over the file */
    CHECK_NEAR(o.x, 1.5, 0);
    CHECK_NEAR(d.gap_min_h, 10, 0); /* --set wins over the file */
    CHECK_NEAR(d.loiter_min_h, 4, 0);
    CHECK_EQ_INT(t.vessel_ttl_ms, 60000);
    CHECK_EQ_INT(first, 8);
    cfg_free(opt_table, &o);

    f = fopen(path, "w");
    fputs("n = 5\ngap.min_h = -2\n", f);
    fclose(f);
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, tg, 2, 2, argv, &first, err, sizeof err), -1);
    CHECK(strstr(err, ":2: gap.min_h") != NULL);
    cfg_free(opt_table, &o);
    f = fopen(path, "w");
    fputs("n 5\n", f);
    fclose(f);
    CHECK_EQ_INT(cfg_load(&opt_cmd, &o, tg, 2, 2, argv, &first, err, sizeof err), -1);
    CHECK(strstr(err, ":1: expected name = value") != NULL);
    cfg_free(opt_table, &o);
    unlink(path);
}

int main(void)
{
    RUN(test_det_defaults_match_det_new);
    RUN(test_trk_defaults_match_trk_new);
    RUN(test_set);
    RUN(test_load_argv);
    RUN(test_load_file_and_set);
    TEST_MAIN_END();
}

/* cmd_config.c: `atalaya config --defaults | --check FILE`: every option of
 * every command's table and every detector and tracker threshold, with its
 * value and where that value comes from (default, config file, --set), in the
 * config-file syntax of common/config.h (so the output is itself a valid
 * file); --check reads a file as the commands would and reports the first
 * bad line. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/config.h"
#include "detect/detect.h"
#include "track/track.h"

/* Every command with an option table. run, replay and ingest join when they
 * move to common/config. */
static const struct cfg_cmd *const commands[] = {
    &replay_cmd,          &ingest_cmd,         &run_cmd,
    &decode_cmd,          &query_cmd,          &serve_cmd,         &simulate_cmd, &lookup_cmd, &registry_cmd,
    &watchlist_cmd,       &watchlist_import_cmd, &watchlist_list_cmd, &watchlist_add_cmd,
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])
#define MAX_ROWS 128

struct config_config {
    bool defaults;
    const char *check, *config;
    struct cfg_list set, strings;
};

#define S(f) offsetof(struct config_config, f)
static const struct cfg_option config_options[] = {
    {"defaults", CFG_BOOL, S(defaults), NULL, "list every option and threshold: value, unit, where it comes from", 0},
    {"check", CFG_STR, S(check), NULL, "FILE: read a config file as the commands would; report the first bad line", 0},
    {"config", CFG_STR, S(config), NULL, "with --defaults: apply FILE first", 0},
    {"set", CFG_LIST, S(set), NULL, "NAME=VALUE: with --defaults, a threshold as --set gives it", 0},
    {NULL, CFG_STR, 0, NULL, NULL, 0},
};
#undef S

static const struct cfg_cmd config_cmd = {
    "config",
    "usage: atalaya config --defaults [--config FILE] [--set NAME=VALUE]...\n"
    "       atalaya config --check FILE\n"
    "Config files: '#' comments; NAME = VALUE lines set an option of the command reading the\n"
    "file, or a threshold when NAME is dotted (gap.min_h = 8; also 'set gap.min_h = 8');\n"
    "after a [COMMAND] line, options are for that command only. docs/detectors.md lists\n"
    "the thresholds; every command's --set NAME=VALUE sets one on the command line.",
    config_options, sizeof(struct config_config), NULL, 0,
};

/* What the file and --set give: a scratch struct per command, the thresholds. */
struct state {
    void *base[NCOMMANDS];
    unsigned char origin[NCOMMANDS][MAX_ROWS];
    struct det_config det;
    struct trk_config trk;
    unsigned char det_from[MAX_ROWS], trk_from[MAX_ROWS];
    struct cfg_target tg[2];
};

static int state_init(struct state *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    st->tg[0] = (struct cfg_target){det_params, &st->det, st->det_from};
    st->tg[1] = (struct cfg_target){trk_params, &st->trk, st->trk_from};
    if (cfg_param_defaults(det_params, &st->det, err, errlen) || cfg_param_defaults(trk_params, &st->trk, err, errlen))
        return -1;
    for (int i = 0; i < NCOMMANDS; i++) {
        st->base[i] = calloc(1, commands[i]->size);
        if (!st->base[i] || cfg_defaults(commands[i]->options, st->base[i], err, errlen))
            return -1;
    }
    return 0;
}

static void state_free(struct state *st)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (st->base[i]) {
            cfg_free(commands[i]->options, st->base[i]);
            free(st->base[i]);
        }
}

/* One file line: a threshold; an option of its [section]'s command; or, before
 * any section, an option of every command that has one by that name. */
static int on_line(void *ctx, const char *section, const char *key, size_t keylen, const char *value, char *msg,
                   size_t msglen)
{
    struct state *st = ctx;
    if (memchr(key, '.', keylen)) {
        char assign[512];
        snprintf(assign, sizeof assign, "%.*s=%s", (int)keylen, key, value);
        return cfg_set_targets(st->tg, 2, assign, CFG_FROM_FILE, msg, msglen);
    }
    bool known_section = !*section, found = false;
    for (int i = 0; i < NCOMMANDS; i++) {
        if (*section && strcmp(section, commands[i]->name))
            continue;
        known_section = true;
        const struct cfg_option *o = cfg_option_find(commands[i]->options, key, keylen);
        if (!o)
            continue;
        found = true;
        if (cfg_option_set_copy(o, st->base[i], value, msg, msglen) != 0)
            return -1;
        st->origin[i][o - commands[i]->options] = CFG_FROM_FILE;
    }
    if (!known_section)
        snprintf(msg, msglen, "unknown command [%s]", section);
    else if (!found)
        snprintf(msg, msglen, "unknown setting '%.*s'%s%s", (int)keylen, key, *section ? " for " : "", section);
    return known_section && found ? 0 : -1;
}

static void print_row(const char *name, const char *value, bool commented, const char *unit, enum cfg_from from,
                      const char *help)
{
    char left[160];
    snprintf(left, sizeof left, "%s%s = %s", commented ? "# " : "", name, value);
    printf("%-44s # %s%s%s; %s\n", left, unit, *unit ? "; " : "", cfg_from_name(from), help);
}

static void print_params(const struct cfg_param *t, const void *base, const unsigned char *from)
{
    for (int i = 0; t[i].name; i++) {
        char v[64];
        cfg_value_text(t[i].type, (const char *)base + t[i].offset, v, sizeof v);
        print_row(t[i].name, v, false, t[i].unit, (enum cfg_from)from[i], t[i].help);
    }
}

static void print_all(const struct state *st)
{
    printf("# atalaya config --defaults: every threshold, then every command's options, as a config\n"
           "# file sets them (after '#': unit; where the value comes from; meaning and source).\n"
           "# Thresholds apply to the commands that track and detect (docs/detectors.md).\n\n");
    print_params(det_params, &st->det, st->det_from);
    print_params(trk_params, &st->trk, st->trk_from);
    for (int i = 0; i < NCOMMANDS; i++) {
        printf("\n[%s]\n", commands[i]->name);
        for (int k = 0; commands[i]->options[k].name; k++) {
            const struct cfg_option *o = &commands[i]->options[k];
            char v[512];
            cfg_value_text(o->type, (const char *)st->base[i] + o->offset, v, sizeof v);
            /* Unset (no default, not from the file): shown, but as a comment. */
            bool unset = !o->def && st->origin[i][k] == CFG_FROM_DEFAULT && o->type != CFG_BOOL;
            print_row(o->name, v, unset, "", (enum cfg_from)st->origin[i][k], o->help);
        }
    }
}

int cmd_config(int argc, char **argv)
{
    struct config_config cfg = {0};
    char err[512];
    struct cfg_list rest = {.n = 0};
    /* Not cfg_load: this command's --config and --set go to every table at once, below. */
    int rc = cfg_defaults(config_options, &cfg, err, sizeof err);
    if (rc == 0)
        rc = cfg_parse_args(config_options, &cfg, argc, argv, &rest, config_cmd.usage, err, sizeof err);
    if (rc > 0) {
        cfg_free(config_options, &cfg);
        return 0;
    }
    if (rc == 0 && (rest.n || cfg.defaults == !!cfg.check)) {
        snprintf(err, sizeof err, "give --defaults or --check FILE (see --help)");
        rc = -1;
    }
    struct state st;
    if (rc == 0)
        rc = state_init(&st, err, sizeof err);
    else
        memset(&st, 0, sizeof st);
    const char *file = cfg.check ? cfg.check : cfg.config;
    if (rc == 0 && file)
        rc = cfg_file_each(file, on_line, &st, err, sizeof err);
    for (int i = 0; rc == 0 && i < cfg.set.n; i++)
        rc = cfg_set_targets(st.tg, 2, cfg.set.v[i], CFG_FROM_SET, err, sizeof err);
    if (rc == 0 && cfg.check)
        printf("%s: ok\n", cfg.check);
    else if (rc == 0)
        print_all(&st);
    else
        fprintf(stderr, "atalaya config: %s\n", err);
    state_free(&st);
    cfg_free(config_options, &cfg);
    return rc == 0 ? 0 : 1;
}

#include "common/config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/input.h"
#include "common/xmalloc.h"

static const struct cfg_option *find(const struct cfg_option *t, const char *name, size_t n)
{
    for (; t->name; t++)
        if (strlen(t->name) == n && !strncmp(t->name, name, n))
            return t;
    return NULL;
}

/* Parses text as a value of type into *p (the field). who names the setting in messages. */
static int parse_value(enum cfg_type type, const char *who, const char *text, void *p, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    switch (type) {
    case CFG_INT:
    case CFG_I32:
    case CFG_U32: {
        long v = strtol(text, &end, 10);
        if (errno || end == text || *end || (type == CFG_I32 && (v < INT32_MIN || v > INT32_MAX)) ||
            (type == CFG_U32 && (v < 0 || v > (long)UINT32_MAX))) {
            snprintf(err, errlen, "%s: '%s' is not a whole number%s", who, text, type == CFG_U32 ? " >= 0" : "");
            return -1;
        }
        if (type == CFG_INT)
            *(long *)p = v;
        else if (type == CFG_I32)
            *(int *)p = (int)v;
        else
            *(unsigned *)p = (unsigned)v;
        return 0;
    }
    case CFG_DOUBLE:
    case CFG_SEC_MS: {
        double v = strtod(text, &end);
        if (errno || end == text || *end || !isfinite(v) || (type == CFG_SEC_MS && fabs(v) > 9e12)) {
            snprintf(err, errlen, "%s: '%s' is not a number", who, text);
            return -1;
        }
        if (type == CFG_DOUBLE)
            *(double *)p = v;
        else
            *(int64_t *)p = (int64_t)llround(v * 1000.0);
        return 0;
    }
    case CFG_BOOL:
        if (!strcmp(text, "1") || !strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on")) {
            *(bool *)p = true;
        } else if (!strcmp(text, "0") || !strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off")) {
            *(bool *)p = false;
        } else {
            snprintf(err, errlen, "%s: '%s' is not true or false", who, text);
            return -1;
        }
        return 0;
    case CFG_STR:
    case CFG_LIST:
        break;
    }
    snprintf(err, errlen, "%s: not a value type", who);
    return -1;
}

/* Stores text as the option's value; `copy` says whether text must be copied
 * (file values: the line buffer is reused). */
static int set(const struct cfg_option *o, void *base, const char *text, bool copy, char *err, size_t errlen)
{
    char *p = (char *)base + o->offset;
    char who[80];
    snprintf(who, sizeof who, "--%s", o->name);
    switch (o->type) {
    case CFG_STR:
        if (copy) {
            /* Keep file strings on the option's own list so cfg_free releases them. */
            struct cfg_list *keep = (struct cfg_list *)((char *)base + o->keep_offset);
            if (!o->keep_offset || keep->n == CFG_LIST_MAX) {
                snprintf(err, errlen, "--%s: cannot be set from a file", o->name);
                return -1;
            }
            keep->owned[keep->n] = xstrdup(text);
            keep->v[keep->n] = keep->owned[keep->n];
            *(const char **)p = keep->owned[keep->n++];
        } else {
            *(const char **)p = text;
        }
        return 0;
    case CFG_LIST: {
        struct cfg_list *l = (struct cfg_list *)p;
        if (l->n == CFG_LIST_MAX) {
            snprintf(err, errlen, "--%s: at most %d values", o->name, CFG_LIST_MAX);
            return -1;
        }
        l->owned[l->n] = copy ? xstrdup(text) : NULL;
        l->v[l->n] = copy ? l->owned[l->n] : text;
        l->n++;
        return 0;
    }
    default:
        return parse_value(o->type, who, text, p, err, errlen);
    }
}

int cfg_defaults(const struct cfg_option *t, void *base, char *err, size_t errlen)
{
    for (; t->name; t++) {
        char *p = (char *)base + t->offset;
        switch (t->type) {
        case CFG_STR: *(const char **)p = t->def; break;
        case CFG_INT: *(long *)p = 0; break;
        case CFG_DOUBLE: *(double *)p = 0; break;
        case CFG_BOOL: *(bool *)p = false; break;
        case CFG_LIST: memset(p, 0, sizeof(struct cfg_list)); break;
        case CFG_I32: *(int *)p = 0; break;
        case CFG_U32: *(unsigned *)p = 0; break;
        case CFG_SEC_MS: *(int64_t *)p = 0; break;
        }
        if (t->keep_offset)
            memset((char *)base + t->keep_offset, 0, sizeof(struct cfg_list));
        if (t->def && t->type != CFG_STR && set(t, base, t->def, false, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static const char *metavar(enum cfg_type type)
{
    switch (type) {
    case CFG_BOOL: return "";
    case CFG_INT:
    case CFG_I32:
    case CFG_U32: return " N";
    case CFG_DOUBLE:
    case CFG_SEC_MS: return " X";
    default: return " VALUE";
    }
}

static void help_rows(const struct cfg_option *t, const struct cfg_alias *aliases, FILE *f)
{
    for (; t->name; t++) {
        char left[64], letter[8] = "";
        for (const struct cfg_alias *a = aliases; a && a->name; a++)
            if (!strcmp(a->name, t->name))
                snprintf(letter, sizeof letter, "-%c, ", a->letter);
        snprintf(left, sizeof left, "%s--%s%s", letter, t->name, metavar(t->type));
        fprintf(f, "  %-26s %s", left, t->help);
        if (t->def && t->type != CFG_BOOL)
            fprintf(f, " (default %s)", t->def);
        if (t->type == CFG_LIST)
            fprintf(f, " (repeatable)");
        fputc('\n', f);
    }
}

/* The argument loop of cfg_parse_args and cfg_load. Arguments (non-options)
 * are handed to on_arg; with stop_at_arg the first one ends the options and it
 * and everything after it are arguments. */
struct argp {
    const struct cfg_option *t;
    const struct cfg_alias *aliases;
    const char *usage;
    bool stop_at_arg;
    void (*on_arg)(void *ctx, char *arg);
    void *ctx;
};

static int parse_argv(const struct argp *a, void *base, int argc, char **argv, char *err, size_t errlen)
{
    bool only_args = false;
    for (int i = 1; i < argc; i++) {
        char *s = argv[i];
        const char *name = NULL, *eq = NULL;
        size_t n = 0;
        if (!only_args && !strcmp(s, "--")) {
            only_args = true;
            continue;
        }
        if (!only_args && (!strcmp(s, "--help") || !strcmp(s, "-h"))) {
            fprintf(stdout, "%s\n", a->usage);
            help_rows(a->t, a->aliases, stdout);
            return 1;
        }
        if (!only_args && s[0] == '-' && s[1] == '-' && s[2]) {
            name = s + 2;
            eq = strchr(name, '=');
            n = eq ? (size_t)(eq - name) : strlen(name);
        } else if (!only_args && s[0] == '-' && s[1] && !s[2] && a->aliases) {
            for (const struct cfg_alias *al = a->aliases; al->name; al++)
                if (al->letter == s[1])
                    name = al->name;
            if (!name) {
                snprintf(err, errlen, "unknown option %s (see --help)", s);
                return -1;
            }
            n = strlen(name);
        } else {
            a->on_arg(a->ctx, s);
            if (a->stop_at_arg)
                only_args = true;
            continue;
        }
        const struct cfg_option *o = find(a->t, name, n);
        if (!o) {
            snprintf(err, errlen, "unknown option --%.*s (see --help)", (int)n, name);
            return -1;
        }
        const char *val;
        if (eq)
            val = eq + 1;
        else if (o->type == CFG_BOOL)
            val = "true";
        else if (i + 1 < argc)
            val = argv[++i];
        else {
            snprintf(err, errlen, "--%s needs a value", o->name);
            return -1;
        }
        if (set(o, base, val, false, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void rest_add(void *ctx, char *arg)
{
    struct cfg_list *rest = ctx;
    if (rest && rest->n < CFG_LIST_MAX)
        rest->v[rest->n++] = arg;
}

int cfg_parse_args(const struct cfg_option *t, void *base, int argc, char **argv, struct cfg_list *rest,
                   const char *usage, char *err, size_t errlen)
{
    struct argp a = {.t = t, .usage = usage, .on_arg = rest_add, .ctx = rest};
    return parse_argv(&a, base, argc, argv, err, errlen);
}

/* ---- config files ---- */

int cfg_file_each(const char *path, cfg_line_fn fn, void *ctx, char *err, size_t errlen)
{
    struct in_file *f = in_open_err(path, err, errlen);
    if (!f)
        return -1;
    char line[IN_MAX_LINE + 1], section[64] = "", msg[256];
    const char *text;
    size_t len;
    int lineno = 0, rc = 0, over, got = 0;
    while (rc == 0 && (got = in_getline(f, &text, &len, &over)) == 1) {
        lineno++;
        if (over) {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            rc = -1;
            break;
        }
        memcpy(line, text, len);
        line[len] = 0;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        if (!*s || *s == '#')
            continue;
        if (*s == '[') {
            if (end[-1] != ']' || end - s - 2 >= (long)sizeof section || end - s < 3) {
                snprintf(err, errlen, "%s:%d: expected [command]", path, lineno);
                rc = -1;
            } else {
                snprintf(section, sizeof section, "%.*s", (int)(end - s - 2), s + 1);
            }
            continue;
        }
        if (!strncmp(s, "set ", 4) || !strncmp(s, "set\t", 4))
            for (s += 4; *s == ' ' || *s == '\t';)
                s++;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected name = value", path, lineno);
            rc = -1;
            break;
        }
        char *k = eq;
        while (k > s && (k[-1] == ' ' || k[-1] == '\t'))
            k--;
        char *v = eq + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        /* A '#' after a blank starts a trailing comment. */
        for (char *c = v; *c; c++)
            if (*c == '#' && c > v && (c[-1] == ' ' || c[-1] == '\t')) {
                while (c > v && (c[-1] == ' ' || c[-1] == '\t'))
                    c--;
                *c = 0;
                break;
            }
        if (fn(ctx, section, s, (size_t)(k - s), v, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            rc = -1;
        }
    }
    if (rc == 0 && got < 0) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    in_close(f);
    return rc;
}

struct file_ctx {
    const struct cfg_option *t; /* NULL: options skipped */
    const char *cmd;            /* the section this command reads ("" none) */
    void *base;
    unsigned char *origin;
    const struct cfg_target *tg;
    int ntg;
};

static int set_in_targets(const struct cfg_target *tg, int ntg, const char *key, size_t keylen, const char *value,
                          enum cfg_from from, char *err, size_t errlen);

static int file_line(void *ctx, const char *section, const char *key, size_t keylen, const char *value, char *msg,
                     size_t msglen)
{
    struct file_ctx *c = ctx;
    /* A threshold: for the commands that have them (one file serves all commands). */
    if (memchr(key, '.', keylen))
        return c->ntg ? set_in_targets(c->tg, c->ntg, key, keylen, value, CFG_FROM_FILE, msg, msglen) : 0;
    if (!c->t || (*section && strcmp(section, c->cmd)))
        return 0; /* another command's setting */
    const struct cfg_option *o = find(c->t, key, keylen);
    if (!o) {
        snprintf(msg, msglen, "unknown setting '%.*s'", (int)keylen, key);
        return -1;
    }
    if (c->origin)
        c->origin[o - c->t] = CFG_FROM_FILE;
    return set(o, c->base, value, true, msg, msglen);
}

const struct cfg_option *cfg_option_find(const struct cfg_option *t, const char *name, size_t n)
{
    return find(t, name, n);
}

int cfg_option_set_copy(const struct cfg_option *o, void *base, const char *text, char *err, size_t errlen)
{
    return set(o, base, text, true, err, errlen);
}

int cfg_parse_file(const struct cfg_option *t, void *base, const char *path, char *err, size_t errlen)
{
    struct file_ctx c = {.t = t, .cmd = "", .base = base};
    return cfg_file_each(path, file_line, &c, err, errlen);
}

int cfg_parse_file_for(const struct cfg_cmd *cmd, void *base, unsigned char *origin, const struct cfg_target *tg,
                       int ntg, const char *path, char *err, size_t errlen)
{
    struct file_ctx c = {.t = cmd ? cmd->options : NULL, .cmd = cmd ? cmd->name : "", .base = base,
                         .origin = origin, .tg = tg, .ntg = ntg};
    return cfg_file_each(path, file_line, &c, err, errlen);
}

static void free_list(struct cfg_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->owned[i]);
    l->n = 0;
}

void cfg_free(const struct cfg_option *t, void *base)
{
    for (; t->name; t++) {
        if (t->type == CFG_LIST)
            free_list((struct cfg_list *)((char *)base + t->offset));
        else if (t->type == CFG_STR && t->keep_offset)
            free_list((struct cfg_list *)((char *)base + t->keep_offset));
    }
}

/* ---- thresholds ---- */

int cfg_param_count(const struct cfg_param *t)
{
    int n = 0;
    while (t[n].name)
        n++;
    return n;
}

static int param_store(const struct cfg_param *p, void *base, const char *text, char *err, size_t errlen)
{
    char who[80];
    snprintf(who, sizeof who, "%s", p->name);
    union {
        double d;
        int i;
        unsigned u;
        int64_t ms;
        bool b;
    } tmp;
    if (parse_value(p->type, who, text, &tmp, err, errlen) != 0)
        return -1;
    double v = p->type == CFG_DOUBLE ? tmp.d
               : p->type == CFG_I32  ? tmp.i
               : p->type == CFG_U32  ? tmp.u
               : p->type == CFG_SEC_MS ? (double)tmp.ms
                                       : 1;
    if (((p->flags & CFG_POSITIVE) && !(v > 0)) || ((p->flags & CFG_NONZERO) && v == 0)) {
        snprintf(err, errlen, "%s: '%s' must be %s", p->name, text, p->flags & CFG_POSITIVE ? "> 0" : "non-zero");
        return -1;
    }
    size_t size = p->type == CFG_DOUBLE ? sizeof(double)
                  : p->type == CFG_I32  ? sizeof(int)
                  : p->type == CFG_U32  ? sizeof(unsigned)
                  : p->type == CFG_SEC_MS ? sizeof(int64_t)
                                          : sizeof(bool);
    memcpy((char *)base + p->offset, &tmp, size);
    return 0;
}

int cfg_param_defaults(const struct cfg_param *t, void *base, char *err, size_t errlen)
{
    for (; t->name; t++)
        if (param_store(t, base, t->def, err, errlen) != 0)
            return -1;
    return 0;
}

static int set_in_targets(const struct cfg_target *tg, int ntg, const char *key, size_t keylen, const char *value,
                          enum cfg_from from, char *err, size_t errlen)
{
    for (int i = 0; i < ntg; i++)
        for (const struct cfg_param *p = tg[i].t; p->name; p++)
            if (strlen(p->name) == keylen && !strncmp(p->name, key, keylen)) {
                if (param_store(p, tg[i].base, value, err, errlen) != 0)
                    return -1;
                if (tg[i].origin)
                    tg[i].origin[p - tg[i].t] = (unsigned char)from;
                return 0;
            }
    snprintf(err, errlen, "unknown threshold '%.*s' (atalaya config --defaults lists them)", (int)keylen, key);
    return -1;
}

int cfg_set_targets(const struct cfg_target *tg, int ntg, const char *assign, enum cfg_from from, char *err,
                    size_t errlen)
{
    const char *eq = strchr(assign, '=');
    if (!eq) {
        snprintf(err, errlen, "--set %s: expected NAME=VALUE", assign);
        return -1;
    }
    const char *k = eq;
    while (k > assign && (k[-1] == ' ' || k[-1] == '\t'))
        k--;
    const char *v = eq + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    return set_in_targets(tg, ntg, assign, (size_t)(k - assign), v, from, err, errlen);
}

int cfg_set(const struct cfg_param *t, void *base, const char *assign, char *err, size_t errlen)
{
    struct cfg_target tg = {.t = t, .base = base};
    return cfg_set_targets(&tg, 1, assign, CFG_FROM_SET, err, errlen);
}

void cfg_value_text(enum cfg_type type, const void *field, char *out, size_t n)
{
    switch (type) {
    case CFG_STR: snprintf(out, n, "%s", *(const char *const *)field ? *(const char *const *)field : ""); break;
    case CFG_INT: snprintf(out, n, "%ld", *(const long *)field); break;
    case CFG_DOUBLE: snprintf(out, n, "%.15g", *(const double *)field); break;
    case CFG_BOOL: snprintf(out, n, "%s", *(const bool *)field ? "true" : "false"); break;
    case CFG_I32: snprintf(out, n, "%d", *(const int *)field); break;
    case CFG_U32: snprintf(out, n, "%u", *(const unsigned *)field); break;
    case CFG_SEC_MS: snprintf(out, n, "%.15g", (double)*(const int64_t *)field / 1000.0); break;
    case CFG_LIST: {
        const struct cfg_list *l = field;
        size_t len = 0;
        out[0] = 0;
        for (int i = 0; i < l->n && len < n; i++)
            len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "", l->v[i]);
        break;
    }
    }
}

const char *cfg_from_name(enum cfg_from from)
{
    return from == CFG_FROM_FILE ? "config file" : from == CFG_FROM_SET ? "--set" : "default";
}

/* ---- a command's whole configuration ---- */

/* Arguments gathered while parsing, written back to the end of argv. */
struct arg_stash {
    char **v;
    int n;
};

static void stash_arg(void *ctx, char *arg)
{
    struct arg_stash *s = ctx;
    s->v[s->n++] = arg;
}

static int parse_cmdline(const struct cfg_cmd *c, void *base, int argc, char **argv, int *first_arg, char *err,
                         size_t errlen)
{
    struct arg_stash st = {.v = xcalloc((size_t)argc + 1, sizeof(char *))};
    struct argp a = {.t = c->options, .aliases = c->aliases, .usage = c->usage, .stop_at_arg = c->stop_at_arg != 0,
                     .on_arg = stash_arg, .ctx = &st};
    int rc = parse_argv(&a, base, argc, argv, err, errlen);
    if (rc == 0) {
        /* Options (and their values, and a "--") first, in their order, then
         * the arguments, as getopt_long leaves them: parsing the result again
         * gives the same, and argv[*first_arg..] are the arguments. */
        char **opts = xcalloc((size_t)argc + 1, sizeof(char *));
        int n = 0, k = 0;
        for (int i = 1; i < argc; i++) {
            if (k < st.n && argv[i] == st.v[k])
                k++;
            else
                opts[n++] = argv[i];
        }
        memcpy(argv + 1, opts, (size_t)n * sizeof *argv);
        memcpy(argv + 1 + n, st.v, (size_t)st.n * sizeof *argv);
        *first_arg = 1 + n;
        free(opts);
    }
    free(st.v);
    return rc;
}

int cfg_load(const struct cfg_cmd *c, void *base, const struct cfg_target *tg, int ntg, int argc, char **argv,
             int *first_arg, char *err, size_t errlen)
{
    char msg[400];
    const struct cfg_option *conf = find(c->options, "config", 6), *sets = find(c->options, "set", 3);
    if (cfg_defaults(c->options, base, msg, sizeof msg) != 0)
        goto fail;
    int rc = parse_cmdline(c, base, argc, argv, first_arg, msg, sizeof msg);
    if (rc > 0)
        return rc;
    if (rc < 0)
        goto fail;
    const char *path = conf ? *(const char **)((char *)base + conf->offset) : NULL;
    if (path) {
        /* The file sets values first; the command line then overrides them. */
        cfg_free(c->options, base);
        if (cfg_defaults(c->options, base, msg, sizeof msg) != 0 ||
            cfg_parse_file_for(c, base, NULL, tg, ntg, path, msg, sizeof msg) != 0 ||
            parse_cmdline(c, base, argc, argv, first_arg, msg, sizeof msg) != 0)
            goto fail;
    }
    if (sets) {
        const struct cfg_list *l = (const struct cfg_list *)((char *)base + sets->offset);
        for (int i = 0; i < l->n; i++)
            if (cfg_set_targets(tg, ntg, l->v[i], CFG_FROM_SET, msg, sizeof msg) != 0)
                goto fail;
    }
    return 0;
fail:
    snprintf(err, errlen, "%s", msg);
    return -1;
}

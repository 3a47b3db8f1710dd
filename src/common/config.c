#include "common/config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"

static const struct cfg_option *find(const struct cfg_option *t, const char *name, size_t n)
{
    for (; t->name; t++)
        if (strlen(t->name) == n && !strncmp(t->name, name, n))
            return t;
    return NULL;
}

/* Stores text as the option's value; `owned` says whether text must be copied. */
static int set(const struct cfg_option *o, void *base, const char *text, bool copy, char *err, size_t errlen)
{
    char *p = (char *)base + o->offset;
    char *end;
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
    case CFG_INT: {
        errno = 0;
        long v = strtol(text, &end, 10);
        if (errno || end == text || *end) {
            snprintf(err, errlen, "--%s: '%s' is not a whole number", o->name, text);
            return -1;
        }
        *(long *)p = v;
        return 0;
    }
    case CFG_DOUBLE: {
        errno = 0;
        double v = strtod(text, &end);
        if (errno || end == text || *end) {
            snprintf(err, errlen, "--%s: '%s' is not a number", o->name, text);
            return -1;
        }
        *(double *)p = v;
        return 0;
    }
    case CFG_BOOL:
        if (!strcmp(text, "1") || !strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "on")) {
            *(bool *)p = true;
        } else if (!strcmp(text, "0") || !strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "off")) {
            *(bool *)p = false;
        } else {
            snprintf(err, errlen, "--%s: '%s' is not true or false", o->name, text);
            return -1;
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
    }
    return -1;
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
        }
        if (t->keep_offset)
            memset((char *)base + t->keep_offset, 0, sizeof(struct cfg_list));
        if (t->def && t->type != CFG_STR && set(t, base, t->def, false, err, errlen) != 0)
            return -1;
    }
    return 0;
}

void cfg_help(const struct cfg_option *t, const char *usage, FILE *f)
{
    fprintf(f, "%s\n", usage);
    for (; t->name; t++) {
        const char *arg = t->type == CFG_BOOL ? "" : t->type == CFG_INT ? " N" : t->type == CFG_DOUBLE ? " X" : " VALUE";
        char left[64];
        snprintf(left, sizeof left, "--%s%s", t->name, arg);
        fprintf(f, "  %-26s %s", left, t->help);
        if (t->def && t->type != CFG_BOOL)
            fprintf(f, " (default %s)", t->def);
        if (t->type == CFG_LIST)
            fprintf(f, " (repeatable)");
        fputc('\n', f);
    }
}

int cfg_parse_args(const struct cfg_option *t, void *base, int argc, char **argv, struct cfg_list *rest,
                   const char *usage, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] != '-' || !a[2]) {
            if (rest && rest->n < CFG_LIST_MAX)
                rest->v[rest->n++] = a;
            continue;
        }
        if (!strcmp(a, "--help")) {
            cfg_help(t, usage, stdout);
            return 1;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const struct cfg_option *o = find(t, name, n);
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

int cfg_parse_file(const struct cfg_option *t, void *base, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        if (!*s || *s == '#')
            continue;
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
        const struct cfg_option *o = find(t, s, (size_t)(k - s));
        if (!o) {
            snprintf(err, errlen, "%s:%d: unknown setting '%.*s'", path, lineno, (int)(k - s), s);
            rc = -1;
            break;
        }
        char msg[256];
        if (set(o, base, v, true, msg, sizeof msg) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
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

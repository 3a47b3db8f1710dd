/* config.h: one declarative table per command. From the table come the
 * defaults, the command-line parser (--name VALUE, --name=VALUE, --flag), the
 * config-file parser ("name = value" lines, '#' comments) and --help, so the
 * three can never disagree. Values are written into a caller struct at the
 * offsets the table gives. */
#ifndef ATALAYA_COMMON_CONFIG_H
#define ATALAYA_COMMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum cfg_type { CFG_STR, CFG_INT, CFG_DOUBLE, CFG_BOOL, CFG_LIST };

#define CFG_LIST_MAX 32

/* A repeatable option's values (CFG_LIST). Strings point into argv or into
 * memory owned by the list (file values); cfg_free releases the latter. */
struct cfg_list {
    const char *v[CFG_LIST_MAX];
    int n;
    char *owned[CFG_LIST_MAX];
};

struct cfg_option {
    const char *name;   /* long option and file key */
    enum cfg_type type;
    size_t offset;      /* offsetof(struct your_config, field) */
    const char *def;    /* default as text (NULL: none) */
    const char *help;
    size_t keep_offset; /* CFG_STR set from a file: a struct cfg_list in the config that owns the copy (0: none) */
};

/* Sets every default. Returns 0, or -1 (message in err) for a bad default. */
int cfg_defaults(const struct cfg_option *t, void *base, char *err, size_t errlen);
/* Parses argv[1..]; non-option arguments are collected in *rest (pointers into
 * argv). Returns 0, 1 when --help was asked (help printed), -1 on error. */
int cfg_parse_args(const struct cfg_option *t, void *base, int argc, char **argv, struct cfg_list *rest,
                   const char *usage, char *err, size_t errlen);
/* Parses a config file. Returns 0 or -1. */
int cfg_parse_file(const struct cfg_option *t, void *base, const char *path, char *err, size_t errlen);
void cfg_help(const struct cfg_option *t, const char *usage, FILE *f);
void cfg_free(const struct cfg_option *t, void *base);

#endif

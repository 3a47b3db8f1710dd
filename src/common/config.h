/* config.h: one declarative table per command. From the table come the
 * defaults, the command-line parser (--name VALUE, --name=VALUE, --flag), the
 * config-file parser ("name = value" lines, '#' comments) and --help, so the
 * three can never disagree. Values are written into a caller struct at the
 * offsets the table gives.
 *
 * Thresholds (detectors, tracker) are a second kind of table, struct
 * cfg_param: dotted names ("gap.min_h") with a unit and a cited description,
 * set by `--set NAME=VALUE` and by config-file lines naming them.
 *
 * Config file syntax (docs/detectors.md, "Setting thresholds"):
 *   # comment               (also after a value, following a blank)
 *   name = value            an option of the command reading the file
 *   gap.min_h = 8           a threshold (a dotted name; "set gap.min_h = 8" too)
 *   [decode]                what follows, up to the next [section], is read
 *                           only by that command
 * Thresholds are read by the commands that have them and skipped by the rest,
 * so one file can serve every command (`atalaya config --check` checks them). */
#ifndef ATALAYA_COMMON_CONFIG_H
#define ATALAYA_COMMON_CONFIG_H

#include <stddef.h>
#include <stdio.h>

enum cfg_type {
    CFG_STR,    /* const char * */
    CFG_INT,    /* long */
    CFG_DOUBLE, /* double */
    CFG_BOOL,   /* bool */
    CFG_LIST,   /* struct cfg_list: a repeatable option */
    CFG_I32,    /* int */
    CFG_U32,    /* unsigned */
    CFG_SEC_MS, /* int64_t milliseconds, written in seconds */
};

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
 * argv; at most CFG_LIST_MAX). "--" ends the options. Returns 0, 1 when --help
 * (or -h) was asked (help printed), -1 on error. */
int cfg_parse_args(const struct cfg_option *t, void *base, int argc, char **argv, struct cfg_list *rest,
                   const char *usage, char *err, size_t errlen);
/* Parses a config file. Returns 0 or -1. */
int cfg_parse_file(const struct cfg_option *t, void *base, const char *path, char *err, size_t errlen);
void cfg_free(const struct cfg_option *t, void *base);

/* ---- thresholds ---- */

#define CFG_POSITIVE 1u /* must be > 0 (the consumer reads 0 as "use the default") */
#define CFG_NONZERO 2u  /* must not be 0 (negative has a meaning of its own) */

struct cfg_param {
    const char *name;   /* dotted: "gap.min_h" */
    enum cfg_type type; /* CFG_DOUBLE, CFG_I32, CFG_U32, CFG_BOOL or CFG_SEC_MS */
    size_t offset;
    const char *def;    /* the consumer's own default, as text */
    const char *unit;   /* "h", "nm", "kn", "s" ... ("" for counts and flags) */
    unsigned flags;     /* CFG_POSITIVE, CFG_NONZERO */
    const char *help;   /* one line, naming its source */
};

/* Where a value came from (struct cfg_target.origin, one per table row). */
enum cfg_from { CFG_FROM_DEFAULT, CFG_FROM_FILE, CFG_FROM_SET };

/* A threshold table and the struct it fills; origin (optional, one byte per
 * row) records each row's enum cfg_from. */
struct cfg_target {
    const struct cfg_param *t;
    void *base;
    unsigned char *origin;
};

/* Every row's default into base. Returns 0, or -1 for a bad default. */
int cfg_param_defaults(const struct cfg_param *t, void *base, char *err, size_t errlen);
/* "NAME=VALUE" (spaces around '=' allowed) into the row named NAME. Returns 0,
 * or -1 with err saying why (unknown name, not a number, out of range). */
int cfg_set(const struct cfg_param *t, void *base, const char *assign, char *err, size_t errlen);
/* The same over several tables (the first whose row has the name), recording
 * from in the target's origin. */
int cfg_set_targets(const struct cfg_target *tg, int ntg, const char *assign, enum cfg_from from, char *err,
                    size_t errlen);
/* Number of rows in a table. */
int cfg_param_count(const struct cfg_param *t);
/* A field's value as text ("6", "0.2", "true"), as a config file would set it. */
void cfg_value_text(enum cfg_type type, const void *field, char *out, size_t n);
const char *cfg_from_name(enum cfg_from from);

/* ---- a command's whole configuration ---- */

struct cfg_alias {
    char letter;      /* -u */
    const char *name; /* "unscaled" */
};

struct cfg_cmd {
    const char *name;                  /* "decode", "watchlist import": messages, [sections] */
    const char *usage;                 /* first lines of --help */
    const struct cfg_option *options;  /* may hold "config" (CFG_STR) and "set" (CFG_LIST) */
    size_t size;                       /* sizeof the options' struct (atalaya config) */
    const struct cfg_alias *aliases;   /* short letters ({0, NULL} ended; NULL: none) */
    int stop_at_arg;                   /* options end at the first argument (a sub-command follows) */
};

/* The rows a command that tracks or detects carries (cfg_load acts on them by name). */
#define CFG_OPTION_CONFIG(type, field)                                                                       \
    {"config", CFG_STR, offsetof(type, field), NULL,                                                         \
     "read settings from FILE (NAME = VALUE lines, [COMMAND] sections)", 0}
#define CFG_OPTION_SET(type, field)                                                                          \
    {"set", CFG_LIST, offsetof(type, field), NULL,                                                           \
     "NAME=VALUE: a detector or tracker threshold (atalaya config --defaults lists them)", 0}

/* The whole sequence: defaults; the command line; with --config FILE the
 * defaults again, the file (its lines for this command and for the targets),
 * then the command line over it; last every --set NAME=VALUE into the targets
 * (tg may be NULL when the command has no thresholds). argv is reordered so
 * that the arguments (non-options) come last, from argv[*first_arg] on.
 * Returns 0, 1 after --help (printed), or -1 with err filled. cfg_free(c->options,
 * base) releases what a file set. */
int cfg_load(const struct cfg_cmd *c, void *base, const struct cfg_target *tg, int ntg, int argc, char **argv,
             int *first_arg, char *err, size_t errlen);

/* A config file: options of c (NULL: lines for any command are skipped and
 * only thresholds taken) and thresholds for tg. origin (optional) receives
 * CFG_FROM_FILE per option row set. Returns 0 or -1. */
int cfg_parse_file_for(const struct cfg_cmd *c, void *base, unsigned char *origin, const struct cfg_target *tg,
                       int ntg, const char *path, char *err, size_t errlen);

/* The lines of a config file, one call each: section ("" before any), key
 * and value, blanks trimmed ("set " dropped). A non-zero return stops the
 * walk; its message is reported with file and line. Returns 0 or -1. */
typedef int (*cfg_line_fn)(void *ctx, const char *section, const char *key, size_t keylen, const char *value,
                           char *msg, size_t msglen);
int cfg_file_each(const char *path, cfg_line_fn fn, void *ctx, char *err, size_t errlen);
const struct cfg_option *cfg_option_find(const struct cfg_option *t, const char *name, size_t n);
/* Sets an option from text that does not outlive the call (copied as a file value). */
int cfg_option_set_copy(const struct cfg_option *o, void *base, const char *text, char *err, size_t errlen);

#endif

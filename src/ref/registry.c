/* registry.c: see registry.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "common/input.h"
#include "ref/csv.h"
#include "ref/registry.h"

enum { COL_ICAO, COL_REG, COL_TYPE, COL_OP, COL_DESC, NCOL };

static int column_of(const char *h)
{
    static const struct {
        const char *name;
        int col;
    } names[] = {
        {"icao24", COL_ICAO},       {"icao", COL_ICAO},      {"hex", COL_ICAO},
        {"registration", COL_REG},  {"reg", COL_REG},        {"type", COL_TYPE},
        {"icao_type", COL_TYPE},    {"typecode", COL_TYPE},  {"operator", COL_OP},
        {"ownop", COL_OP},          {"description", COL_DESC}, {"model", COL_DESC},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(h, names[i].name))
            return names[i].col;
    return -1;
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static int import_rows(sqlite3 *db, struct in_file *f, sqlite3_stmt *st, size_t *rows,
                       char *err, size_t errn)
{
    const char *line;
    size_t len;
    int over, idx[NCOL], rc;
    char buf[IN_MAX_LINE + 1], *fl[32];
    if ((rc = in_getline(f, &line, &len, &over)) != 1) {
        snprintf(err, errn, "%s: empty", in_name(f));
        return -1;
    }
    for (int c = 0; c < NCOL; c++)
        idx[c] = -1;
    int nh = ref_csv_split(line, len, buf, fl, 32);
    for (int i = 0; i < nh; i++) {
        int c = column_of(ref_trim(fl[i]));
        if (c >= 0 && idx[c] < 0)
            idx[c] = i;
    }
    if (idx[COL_ICAO] < 0 || idx[COL_REG] < 0) {
        snprintf(err, errn, "%s: header needs icao24 and registration columns", in_name(f));
        return -1;
    }
    while ((rc = in_getline(f, &line, &len, &over)) == 1) {
        int n = ref_csv_split(line, len, buf, fl, 32);
        if (idx[COL_ICAO] >= n)
            continue;
        char *end;
        unsigned long a = strtoul(ref_trim(fl[idx[COL_ICAO]]), &end, 16);
        if (*end || end == fl[idx[COL_ICAO]] || a > 0xFFFFFF)
            continue;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)a);
        for (int c = COL_REG; c < NCOL; c++) {
            char *v = idx[c] >= 0 && idx[c] < n ? ref_trim(fl[idx[c]]) : NULL;
            if (v && c == COL_REG)
                upper(v);
            if (v && *v)
                sqlite3_bind_text(st, c + 1, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, c + 1);
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            snprintf(err, errn, "insert: %s", sqlite3_errmsg(db));
            return -1;
        }
        ++*rows;
    }
    if (rc < 0) {
        snprintf(err, errn, "%s: read error", in_name(f));
        return -1;
    }
    return 0;
}

int ref_registry_import(sqlite3 *db, const char *path, size_t *rows, char *err, size_t errn)
{
    *rows = 0;
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT OR REPLACE INTO registry(icao24,registration,type,operator,"
                           "description) VALUES(?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        snprintf(err, errn, "registry: %s", sqlite3_errmsg(db));
    else
        rc = import_rows(db, f, st, rows, err, errn);
    sqlite3_finalize(st);
    in_close(f);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errn, "commit: %s", sqlite3_errmsg(db));
        rc = -1;
    }
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t n)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, n, "%s", s ? (const char *)s : "");
}

static int fetch(sqlite3 *db, const char *sql, sqlite3_int64 key, const char *skey,
                 struct ref_aircraft *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (skey)
        sqlite3_bind_text(st, 1, skey, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, key);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->icao24 = (uint32_t)sqlite3_column_int64(st, 0);
        copy_col(st, 1, out->registration, sizeof out->registration);
        copy_col(st, 2, out->type, sizeof out->type);
        copy_col(st, 3, out->operator_name, sizeof out->operator_name);
        copy_col(st, 4, out->description, sizeof out->description);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

#define SELECT "SELECT icao24,registration,type,operator,description FROM registry "

int ref_registry_by_icao24(sqlite3 *db, uint32_t icao24, struct ref_aircraft *out)
{
    return fetch(db, SELECT "WHERE icao24=?", icao24, NULL, out);
}

int ref_registry_by_registration(sqlite3 *db, const char *reg, struct ref_aircraft *out)
{
    char key[sizeof out->registration];
    snprintf(key, sizeof key, "%s", reg);
    upper(key);
    return fetch(db, SELECT "WHERE registration=? ORDER BY icao24 LIMIT 1", 0, key, out);
}

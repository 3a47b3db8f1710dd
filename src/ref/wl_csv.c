/* wl_csv.c: the user's own watchlist as CSV (ref_wl_import_csv). Columns by
 * header name, any order, unknown ones ignored:
 *   kind, name, imo, mmsi, icao24, registration, callsign_prefix (or
 *   operator: an ICAO designator), flag, program, note */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/input.h"
#include "ref/csv.h"
#include "ref/watchlist.h"

enum { C_KIND, C_NAME, C_IMO, C_MMSI, C_ICAO, C_REG, C_DESIG, C_FLAG, C_PROGRAM, C_NOTE, NC };

static int column_of(const char *h)
{
    static const char *const names[NC] = {"kind", "name", "imo", "mmsi", "icao24",
                                          "registration", "callsign_prefix", "flag", "program",
                                          "note"};
    for (int i = 0; i < NC; i++)
        if (!strcasecmp(h, names[i]))
            return i;
    return !strcasecmp(h, "operator") ? C_DESIG : -1;
}

static void fold(char *s, int up)
{
    for (; *s; s++)
        *s = (char)(up ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
}

static int add_row(struct ref_wl_set *s, const char *list, char **f, int n, const int *idx,
                   char *err, size_t errn, long lineno)
{
    char *v[NC];
    for (int c = 0; c < NC; c++)
        v[c] = idx[c] >= 0 && idx[c] < n && !ref_csv_null(f[idx[c]]) ? ref_trim(f[idx[c]]) : NULL;
    int kind = v[C_KIND] ? ref_wl_kind_parse(v[C_KIND])
               : v[C_IMO] || v[C_MMSI] ? REF_WL_VESSEL
               : v[C_ICAO] || v[C_REG] ? REF_WL_AIRCRAFT
                                       : REF_WL_ORGANISATION;
    if (kind < 0 || !v[C_NAME]) {
        snprintf(err, errn, "line %ld: %s", lineno, kind < 0 ? "unknown kind" : "no name");
        return -1;
    }
    struct ref_wl_entry *e = ref_wl_set_add(s, (enum ref_wl_kind)kind, list, v[C_NAME]);
    ref_wl_entry_set(&e->flag, v[C_FLAG]);
    ref_wl_entry_set(&e->program, v[C_PROGRAM]);
    ref_wl_entry_set(&e->note, v[C_NOTE]);
    if (v[C_DESIG])
        fold(v[C_DESIG], 1);
    ref_wl_entry_add_id(e, REF_WL_ID_IMO, v[C_IMO]);
    ref_wl_entry_add_id(e, REF_WL_ID_MMSI, v[C_MMSI]);
    ref_wl_entry_add_id(e, REF_WL_ID_ICAO24, v[C_ICAO]);
    ref_wl_entry_add_id(e, REF_WL_ID_REGISTRATION, v[C_REG]);
    ref_wl_entry_ident(e, REF_WL_ID_DESIGNATOR, v[C_DESIG]);
    return 0;
}

int ref_wl_import_csv(struct ref_wl_set *s, const char *path, const char *list, char *err,
                      size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    const char *line;
    size_t len;
    int over, idx[NC], rc = 0;
    long lineno = 0;
    char buf[IN_MAX_LINE + 1], *fl[32];
    for (int c = 0; c < NC; c++)
        idx[c] = -1;
    while (!rc && in_getline(f, &line, &len, &over) == 1) {
        int n = ref_csv_split(line, len, buf, fl, 32);
        if (++lineno == 1) {
            for (int i = 0; i < n; i++) {
                int c = column_of(ref_trim(fl[i]));
                if (c >= 0)
                    idx[c] = i;
            }
            if (idx[C_NAME] < 0) {
                snprintf(err, errn, "%s: header has no name column", path);
                rc = -1;
            }
        } else if (len) {
            rc = add_row(s, list, fl, n, idx, err, errn, lineno);
        }
    }
    in_close(f);
    return rc;
}

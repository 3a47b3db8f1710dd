/* sdn.c: the OFAC SDN list in its published CSV form (sdn.csv): no header,
 * latin-1, fields ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
 * Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks, "-0-" for empty.
 * Vessel and aircraft identifiers live inside Remarks as "; "-separated
 * items ("Vessel Registration Identification IMO 9283746; MMSI 422303000"). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/input.h"
#include "ref/csv.h"
#include "ref/watchlist.h"

enum { F_ENT, F_NAME, F_TYPE, F_PROGRAM, F_TITLE, F_CALLSIGN, F_VTYPE, F_TONNAGE, F_GRT, F_FLAG,
       F_OWNER, F_REMARKS, NF };

/* Latin-1 to UTF-8: every byte >= 0x80 is its own code point. */
static size_t latin1_to_utf8(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else {
            out[o++] = (char)(0xC0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    return o;
}

static const char *val(char *f) { return ref_csv_null(f) ? NULL : ref_trim(f); }

/* Strips one layer of quotes: 'NAME' -> NAME. */
static char *unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
        s[n - 1] = '\0';
        return s + 1;
    }
    return s;
}

static const char *after(const char *item, const char *prefix)
{
    size_t k = strlen(prefix);
    return strncmp(item, prefix, k) ? NULL : item + k;
}

/* "Vessel Registration Identification IMO 9283746", also written with two
 * spaces before the number and, once, as "Identification Number IMO ...". */
static const char *imo_of(char *item)
{
    if (strncmp(item, "Vessel Registration Identification IMO ", 39) &&
        strncmp(item, "Identification Number IMO ", 26))
        return NULL;
    char *v = strstr(item, "IMO ") + 4;
    while (*v == ' ')
        v++;
    return v;
}

static void remark(struct ref_wl_entry *e, char *item)
{
    const char *v;
    if ((v = imo_of(item))) {
        ref_wl_entry_add_id(e, REF_WL_ID_IMO, v);
    } else if ((v = after(item, "MMSI "))) {
        ref_wl_entry_add_id(e, REF_WL_ID_MMSI, v);
    } else if ((v = after(item, "a.k.a. ")) || (v = after(item, "f.k.a. ")) ||
               (v = after(item, "n.k.a. ")) || (v = after(item, "Former Vessel Name "))) {
        ref_wl_entry_ident(e, REF_WL_ID_ALIAS, unquote(item + (v - item)));
    } else if ((v = after(item, "Linked To: "))) {
        ref_wl_entry_ident(e, REF_WL_ID_LINKED_TO, v);
    } else if ((v = after(item, "Aircraft Tail Number ")) ||
               (v = after(item, "Previous Aircraft Tail Number "))) {
        /* A previous tail number is kept as a registration too: the list
         * names the airframe by it, and a re-registration may not be known. */
        ref_wl_entry_add_id(e, REF_WL_ID_REGISTRATION, v);
    } else if ((v = strstr(item, "Mode S Transponder Code "))) {
        ref_wl_entry_add_id(e, REF_WL_ID_ICAO24, v + strlen("Mode S Transponder Code "));
    } else if ((v = after(item, "Aircraft Manufacturer's Serial Number (MSN) "))) {
        ref_wl_entry_ident(e, REF_WL_ID_MSN, v);
    } else if ((v = after(item, "Aircraft Model "))) {
        ref_wl_entry_ident(e, REF_WL_ID_MODEL, v);
    } else if ((v = after(item, "Aircraft Operator "))) {
        ref_wl_entry_ident(e, REF_WL_ID_OPERATOR, v);
    }
}

static void remarks(struct ref_wl_entry *e, char *r)
{
    size_t n = strlen(r);
    if (n && r[n - 1] == '.')
        r[n - 1] = '\0'; /* the sentence's full stop, not part of the last item */
    for (char *save = NULL, *item = strtok_r(r, ";", &save); item;
         item = strtok_r(NULL, ";", &save))
        remark(e, ref_trim(item));
}

/* SDN aircraft are listed under their tail number ("EP-GOM", "YV1003"); some
 * under "MSN 391" with the tail number only in Remarks. */
static int looks_like_registration(const char *s)
{
    int letters = 0, digits = 0;
    size_t n = strlen(s);
    if (n < 3 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (isupper((unsigned char)s[i]))
            letters++;
        else if (isdigit((unsigned char)s[i]))
            digits++;
        else if (s[i] != '-')
            return 0;
    }
    return letters > 0 && (digits > 0 || strchr(s, '-'));
}

static void program(char *p)
{
    /* "SDGT] [NPWMD] [IFSR": OFAC joins several programmes with "] [". */
    char *w = p;
    for (char *r = p; *r; r++) {
        if (r[0] == ']' && r[1] == ' ' && r[2] == '[') {
            *w++ = ';';
            *w++ = ' ';
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static void add_row(struct ref_wl_set *s, char **f, const char *list_date,
                    struct ref_wl_sdn_stats *st)
{
    const char *type = val(f[F_TYPE]);
    enum ref_wl_kind kind = !type                       ? REF_WL_ORGANISATION
                            : !strcmp(type, "vessel")   ? REF_WL_VESSEL
                            : !strcmp(type, "aircraft") ? REF_WL_AIRCRAFT
                                                        : REF_WL_INDIVIDUAL;
    struct ref_wl_entry *e = ref_wl_set_add(s, kind, "ofac-sdn", ref_trim(f[F_NAME]));
    ref_wl_entry_set(&e->entry_num, ref_trim(f[F_ENT]));
    ref_wl_entry_set(&e->list_date, list_date);
    if (val(f[F_PROGRAM]))
        program(f[F_PROGRAM]);
    ref_wl_entry_set(&e->program, val(f[F_PROGRAM]));
    ref_wl_entry_set(&e->flag, val(f[F_FLAG]));
    ref_wl_entry_ident(e, REF_WL_ID_CALL_SIGN, val(f[F_CALLSIGN]));
    ref_wl_entry_ident(e, REF_WL_ID_VESSEL_TYPE, val(f[F_VTYPE]));
    ref_wl_entry_ident(e, REF_WL_ID_OWNER, val(f[F_OWNER]));
    if (val(f[F_REMARKS]))
        remarks(e, f[F_REMARKS]);
    if (kind == REF_WL_AIRCRAFT && !ref_wl_entry_get(e, REF_WL_ID_REGISTRATION) &&
        looks_like_registration(e->name))
        ref_wl_entry_add_id(e, REF_WL_ID_REGISTRATION, e->name);
    st->entries++;
    if (kind == REF_WL_VESSEL) {
        st->vessels++;
        st->vessels_imo += ref_wl_entry_get(e, REF_WL_ID_IMO) != NULL;
        st->vessels_mmsi += ref_wl_entry_get(e, REF_WL_ID_MMSI) != NULL;
    } else if (kind == REF_WL_AIRCRAFT) {
        st->aircraft++;
        st->aircraft_registration += ref_wl_entry_get(e, REF_WL_ID_REGISTRATION) != NULL;
        st->aircraft_icao24 += ref_wl_entry_get(e, REF_WL_ID_ICAO24) != NULL;
    } else if (kind == REF_WL_ORGANISATION) {
        st->organisations++;
    } else {
        st->individuals++;
    }
}

int ref_wl_import_sdn(struct ref_wl_set *s, const char *path, const char *list_date,
                      const struct ref *r, struct ref_wl_sdn_stats *st, char *err, size_t errn)
{
    memset(st, 0, sizeof *st);
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    const char *line;
    size_t len;
    int over, rc;
    char utf8[2 * IN_MAX_LINE + 1], buf[2 * IN_MAX_LINE + 1];
    char *fl[NF];
    while ((rc = in_getline(f, &line, &len, &over)) == 1) {
        size_t n = latin1_to_utf8(line, len, utf8);
        /* The file ends with a DOS end-of-file byte (0x1A) on its own line. */
        if (ref_csv_split(utf8, n, buf, fl, NF) < NF)
            continue;
        add_row(s, fl, list_date, st);
    }
    in_close(f);
    if (rc < 0) {
        snprintf(err, errn, "%s: read error", path);
        return -1;
    }
    if (!st->entries) {
        snprintf(err, errn, "%s: no SDN rows (12 fields each)", path);
        return -1;
    }
    if (r)
        st->designators = ref_wl_link_operators(s, r);
    return 0;
}

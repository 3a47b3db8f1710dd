/* ids.c: flags of MMSIs (ITU-R M.585 formats and MID table, ITU-R M.1371
 * for SART/MOB/EPIRB) and countries of ICAO 24-bit addresses (Annex 10
 * Vol III, Ch. 9 blocks). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/csv.h"
#include "ref/ref_int.h"

int ref_load_mid(struct ref *r, const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    const char *line;
    size_t len;
    int over;
    char buf[IN_MAX_LINE + 1], *fl[2];
    while (in_getline(f, &line, &len, &over) == 1) {
        if (ref_csv_split(line, len, buf, fl, 2) < 2)
            continue;
        char *end;
        long mid = strtol(fl[0], &end, 10);
        if (*end || mid < 200 || mid > 799)
            continue; /* the header, or junk */
        free(r->mid[mid]); /* a later file (the ITU additions) overrides */
        r->mid[mid] = xstrdup(fl[1]);
    }
    in_close(f);
    return 0;
}

const char *ref_mid_country(const struct ref *r, int mid)
{
    return mid >= 0 && mid < 1000 ? r->mid[mid] : NULL;
}

bool ref_mmsi_flag(const struct ref *r, uint32_t mmsi, struct ref_mmsi *out)
{
    memset(out, 0, sizeof *out);
    if (mmsi > 999999999u)
        return false;
    char d[10];
    snprintf(d, sizeof d, "%09u", mmsi);
    int at = -1;
    if (d[0] >= '2' && d[0] <= '7') {
        out->kind = REF_MMSI_SHIP, at = 0;
    } else if (d[0] == '0') {
        if (d[1] == '0')
            out->kind = REF_MMSI_COAST, at = 2;
        else
            out->kind = REF_MMSI_GROUP, at = 1;
    } else if (!memcmp(d, "111", 3)) {
        out->kind = REF_MMSI_SAR, at = 3;
    } else if (d[0] == '8') {
        out->kind = REF_MMSI_HANDHELD, at = 1;
    } else if (!memcmp(d, "98", 2)) {
        out->kind = REF_MMSI_CRAFT, at = 2;
    } else if (!memcmp(d, "99", 2)) {
        out->kind = REF_MMSI_ATON, at = 2;
    } else if (!memcmp(d, "970", 3)) {
        out->kind = REF_MMSI_SART;
    } else if (!memcmp(d, "972", 3)) {
        out->kind = REF_MMSI_MOB;
    } else if (!memcmp(d, "974", 3)) {
        out->kind = REF_MMSI_EPIRB;
    } else {
        return false;
    }
    if (at >= 0) {
        out->mid = (d[at] - '0') * 100 + (d[at + 1] - '0') * 10 + (d[at + 2] - '0');
        out->country = ref_mid_country(r, out->mid);
    }
    return true;
}

static int load_blocks(const char *path, struct ref_icao_block **out, size_t *nout, char *err,
                       size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    size_t cap = 512, n = 0;
    struct ref_icao_block *b = xmalloc(cap * sizeof *b);
    const char *line;
    size_t len;
    int over;
    char buf[IN_MAX_LINE + 1], *fl[3];
    while (in_getline(f, &line, &len, &over) == 1) {
        /* start_hex,end_hex,country */
        if (ref_csv_split(line, len, buf, fl, 3) < 3)
            continue;
        char *e1, *e2;
        unsigned long lo = strtoul(fl[0], &e1, 16), hi = strtoul(fl[1], &e2, 16);
        if (*e1 || *e2 || e1 == fl[0] || hi < lo)
            continue; /* header */
        if (n == cap)
            b = xrealloc(b, (cap *= 2) * sizeof *b);
        b[n].lo = (uint32_t)lo;
        b[n].hi = (uint32_t)hi;
        b[n].country = strncmp(fl[2], "Unassigned", 10) ? xstrdup(fl[2]) : NULL;
        n++;
    }
    in_close(f);
    *out = b;
    *nout = n;
    return 0;
}

static int load_military(struct ref *r, const char *path, char *err, size_t errn)
{
    json_t *root = ref_load_json(path, err, errn);
    if (!root)
        return -1;
    json_t *arr = json_object_get(root, "military");
    if (!json_is_array(arr)) {
        snprintf(err, errn, "%s: no \"military\" array", path);
        json_decref(root);
        return -1;
    }
    r->nmil = json_array_size(arr);
    r->mil = xcalloc(r->nmil + 1, sizeof *r->mil);
    for (size_t i = 0; i < r->nmil; i++) {
        json_t *p = json_array_get(arr, i);
        const char *lo = json_string_value(json_array_get(p, 0));
        const char *hi = json_string_value(json_array_get(p, 1));
        r->mil[i].lo = lo ? (uint32_t)strtoul(lo, NULL, 16) : 1;
        r->mil[i].hi = hi ? (uint32_t)strtoul(hi, NULL, 16) : 0;
    }
    json_decref(root);
    return 0;
}

int ref_load_icao_blocks(struct ref *r, const char *csv, const char *mil_json, char *err,
                         size_t errn)
{
    if (load_blocks(csv, &r->blocks, &r->nblocks, err, errn))
        return -1;
    return load_military(r, mil_json, err, errn);
}

const char *ref_icao_country(const struct ref *r, uint32_t addr)
{
    /* First match wins: the trailing "Unassigned" rows overlap real blocks. */
    for (size_t i = 0; i < r->nblocks; i++)
        if (addr >= r->blocks[i].lo && addr <= r->blocks[i].hi)
            return r->blocks[i].country;
    return NULL;
}

bool ref_icao_military(const struct ref *r, uint32_t addr)
{
    for (size_t i = 0; i < r->nmil; i++)
        if (addr >= r->mil[i].lo && addr <= r->mil[i].hi)
            return true;
    return false;
}

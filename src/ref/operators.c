/* operators.c: aircraft operators by ICAO designator (OpenFlights
 * airlines.dat) and the callsign-prefix rule that leads to them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/csv.h"
#include "ref/ref_int.h"

static int better(const struct ref_operator *a, const struct ref_operator *b)
{
    /* Designators get reassigned: OpenFlights keeps defunct holders beside the
     * current one, so an active row replaces an inactive one. */
    return a->active && !b->active;
}

int ref_load_operators(struct ref *r, const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    size_t cap = 8192;
    r->ops = xcalloc(cap, sizeof *r->ops);
    const char *line;
    size_t len;
    int over;
    char buf[IN_MAX_LINE + 1], *fl[8];
    while (in_getline(f, &line, &len, &over) == 1) {
        /* id,name,alias,IATA,ICAO,callsign,country,active */
        if (ref_csv_split(line, len, buf, fl, 8) < 8 || strlen(fl[4]) != 3)
            continue;
        const char *c = fl[4];
        if (!isalpha((unsigned char)c[0]) || !isalpha((unsigned char)c[1]) ||
            !isalpha((unsigned char)c[2]))
            continue;
        if (r->nops == cap)
            r->ops = xrealloc(r->ops, (cap *= 2) * sizeof *r->ops);
        struct ref_operator *o = &r->ops[r->nops++];
        memset(o, 0, sizeof *o);
        for (int i = 0; i < 3; i++)
            o->icao[i] = (char)toupper((unsigned char)c[i]);
        if (!ref_csv_null(fl[3]) && strlen(fl[3]) == 2)
            memcpy(o->iata, fl[3], 3);
        o->name = xstrdup(fl[1]);
        o->callsign = xstrdup(ref_csv_null(fl[5]) ? "" : fl[5]);
        o->country = xstrdup(ref_csv_null(fl[6]) ? "" : fl[6]);
        o->active = fl[7][0] == 'Y';
    }
    in_close(f);
    hash_u32_init(&r->op_code, r->nops);
    for (size_t i = 0; i < r->nops; i++) {
        uint32_t k = ref_code_key(r->ops[i].icao), v;
        if (!hash_u32_get(&r->op_code, k, &v) || better(&r->ops[i], &r->ops[v]))
            hash_u32_put(&r->op_code, k, (uint32_t)i);
    }
    return 0;
}

bool ref_callsign_designator(const char *cs, char out[4])
{
    while (*cs == ' ')
        cs++;
    for (int i = 0; i < 3; i++)
        if (!isalpha((unsigned char)cs[i]))
            return false;
    if (!isdigit((unsigned char)cs[3]))
        return false;
    /* Flight number: 1-4 characters, alphanumeric (Doc 8585 / Annex 10
     * flight identification is at most 7 characters in all). */
    size_t n = 3;
    while (isalnum((unsigned char)cs[n]))
        n++;
    for (size_t k = n; cs[k]; k++)
        if (cs[k] != ' ')
            return false;
    if (n > 7)
        return false;
    for (int i = 0; i < 3; i++)
        out[i] = (char)toupper((unsigned char)cs[i]);
    out[3] = '\0';
    return true;
}

const struct ref_operator *ref_operator_by_designator(const struct ref *r, const char *icao)
{
    uint32_t i;
    if (strlen(icao) != 3 || !hash_u32_get(&r->op_code, ref_code_key(icao), &i))
        return NULL;
    return &r->ops[i];
}

const struct ref_operator *ref_operator_by_callsign(const struct ref *r, const char *callsign)
{
    char d[4];
    return ref_callsign_designator(callsign, d) ? ref_operator_by_designator(r, d) : NULL;
}

size_t ref_operator_count(const struct ref *r) { return r->nops; }

const struct ref_operator *ref_operator_at(const struct ref *r, size_t i)
{
    return i < r->nops ? &r->ops[i] : NULL;
}

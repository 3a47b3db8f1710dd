/* places.c: airports (OpenFlights airports.dat) and ports (NGA World Port
 * Index), each with a code/id hash and a grid for nearest-within-radius. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/input.h"
#include "common/xmalloc.h"
#include "ref/csv.h"
#include "ref/ref_int.h"

uint32_t ref_code_key(const char *code)
{
    uint32_t k = 0;
    size_t n = 0;
    for (; code[n] && n < 4; n++)
        k = k << 8 | (uint32_t)toupper((unsigned char)code[n]);
    if (code[n] && n == 4)
        return 0xFFFFFFFEu; /* longer than any code: matches nothing stored */
    return n == 4 ? k : k | (uint32_t)n << 24;
}

char *ref_norm_name(const char *in, char *out, size_t n)
{
    size_t o = 0;
    int gap = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 2 < n; p++) {
        if (isalnum(*p)) {
            if (gap && o)
                out[o++] = ' ';
            out[o++] = (char)toupper(*p);
            gap = 0;
        } else if (*p != '\'' && *p != '.') {
            /* Apostrophes and dots join ("O'NEIL", "S.A."); anything else splits. */
            gap = 1;
        }
    }
    out[o] = '\0';
    return out;
}

static double num(const char *s) { return strtod(s, NULL); }

int ref_load_airports(struct ref *r, const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    size_t cap = 8192;
    r->airports = xcalloc(cap, sizeof *r->airports);
    const char *line;
    size_t len;
    int over;
    char buf[IN_MAX_LINE + 1], *fl[16];
    while (in_getline(f, &line, &len, &over) == 1) {
        /* id,name,city,country,IATA,ICAO,lat,lon,alt_ft,tz,dst,tzdb,type,source */
        if (ref_csv_split(line, len, buf, fl, 16) < 9)
            continue;
        if (r->nairports == cap)
            r->airports = xrealloc(r->airports, (cap *= 2) * sizeof *r->airports);
        struct ref_airport *a = &r->airports[r->nairports++];
        memset(a, 0, sizeof *a);
        if (!ref_csv_null(fl[4]) && strlen(fl[4]) == 3)
            memcpy(a->iata, fl[4], 4);
        if (!ref_csv_null(fl[5]) && strlen(fl[5]) == 4)
            memcpy(a->icao, fl[5], 5);
        a->name = xstrdup(fl[1]);
        a->city = xstrdup(ref_csv_null(fl[2]) ? "" : fl[2]);
        a->country = xstrdup(fl[3]);
        a->lat = num(fl[6]);
        a->lon = num(fl[7]);
        a->alt_ft = atoi(fl[8]);
    }
    in_close(f);
    r->ap_lat = xmalloc((r->nairports + 1) * sizeof(double));
    r->ap_lon = xmalloc((r->nairports + 1) * sizeof(double));
    hash_u32_init(&r->ap_code, 2 * r->nairports);
    /* First row wins for a duplicated code; ICAO and IATA keys cannot collide
     * (ref_code_key folds the length in). */
    for (size_t i = 0; i < r->nairports; i++) {
        const struct ref_airport *a = &r->airports[i];
        uint32_t v;
        r->ap_lat[i] = a->lat;
        r->ap_lon[i] = a->lon;
        if (a->icao[0] && !hash_u32_get(&r->ap_code, ref_code_key(a->icao), &v))
            hash_u32_put(&r->ap_code, ref_code_key(a->icao), (uint32_t)i);
        if (a->iata[0] && !hash_u32_get(&r->ap_code, ref_code_key(a->iata), &v))
            hash_u32_put(&r->ap_code, ref_code_key(a->iata), (uint32_t)i);
    }
    ref_grid_build(&r->ap_grid, r->ap_lat, r->ap_lon, r->nairports);
    return 0;
}

int ref_load_ports(struct ref *r, const char *path, char *err, size_t errn)
{
    struct in_file *f = in_open_err(path, err, errn);
    if (!f)
        return -1;
    size_t cap = 4096;
    r->ports = xcalloc(cap, sizeof *r->ports);
    const char *line;
    size_t len;
    int over, first = 1;
    char buf[IN_MAX_LINE + 1], *fl[8];
    while (in_getline(f, &line, &len, &over) == 1) {
        /* index_number,region_number,port_name,country,port_latitude,port_longitude,... */
        if (first) {
            first = 0;
            continue;
        }
        if (ref_csv_split(line, len, buf, fl, 8) < 6 || ref_csv_null(fl[4]))
            continue;
        if (r->nports == cap)
            r->ports = xrealloc(r->ports, (cap *= 2) * sizeof *r->ports);
        struct ref_port *p = &r->ports[r->nports++];
        memset(p, 0, sizeof *p);
        p->id = (uint32_t)strtoul(fl[0], NULL, 10);
        p->name = xstrdup(fl[2]);
        snprintf(p->country, sizeof p->country, "%s", fl[3]);
        p->lat = num(fl[4]);
        p->lon = num(fl[5]);
    }
    in_close(f);
    r->pt_lat = xmalloc((r->nports + 1) * sizeof(double));
    r->pt_lon = xmalloc((r->nports + 1) * sizeof(double));
    hash_u32_init(&r->pt_id, r->nports);
    ref_strmap_init(&r->pt_name, r->nports);
    for (size_t i = 0; i < r->nports; i++) {
        char key[256];
        r->pt_lat[i] = r->ports[i].lat;
        r->pt_lon[i] = r->ports[i].lon;
        hash_u32_put(&r->pt_id, r->ports[i].id, (uint32_t)i);
        uint32_t old;
        if (ref_strmap_put(&r->pt_name, ref_norm_name(r->ports[i].name, key, sizeof key),
                           (uint32_t)i, &old))
            ref_strmap_put(&r->pt_name, key, old, NULL); /* first row wins */
    }
    ref_grid_build(&r->pt_grid, r->pt_lat, r->pt_lon, r->nports);
    return 0;
}

const struct ref_airport *ref_airport_by_code(const struct ref *r, const char *code)
{
    uint32_t i;
    size_t n = strlen(code);
    if ((n != 3 && n != 4) || !hash_u32_get(&r->ap_code, ref_code_key(code), &i))
        return NULL;
    return &r->airports[i];
}

const struct ref_airport *ref_airport_nearest(const struct ref *r, double lat, double lon,
                                              double radius_m, double *dist_m)
{
    long i = ref_grid_nearest(&r->ap_grid, r->ap_lat, r->ap_lon, lat, lon, radius_m, dist_m);
    return i < 0 ? NULL : &r->airports[i];
}

struct airport_cost {
    const struct ref *r;
    double (*cost)(void *ctx, const struct ref_airport *a, double dist_m);
    void *ctx;
};

static double airport_cost(void *ctx, uint32_t i, double d)
{
    struct airport_cost *c = ctx;
    return c->cost(c->ctx, &c->r->airports[i], d);
}

const struct ref_airport *ref_airport_best(const struct ref *r, double lat, double lon, double radius_m,
                                           double (*cost)(void *ctx, const struct ref_airport *a, double dist_m),
                                           void *ctx, double *dist_m)
{
    struct airport_cost c = {r, cost, ctx};
    long i = ref_grid_best(&r->ap_grid, r->ap_lat, r->ap_lon, lat, lon, radius_m, airport_cost, &c, dist_m);
    return i < 0 ? NULL : &r->airports[i];
}

size_t ref_airport_count(const struct ref *r) { return r->nairports; }

const struct ref_airport *ref_airport_at(const struct ref *r, size_t i) { return i < r->nairports ? &r->airports[i] : NULL; }

const struct ref_port *ref_port_by_id(const struct ref *r, uint32_t id)
{
    uint32_t i;
    return hash_u32_get(&r->pt_id, id, &i) ? &r->ports[i] : NULL;
}

const struct ref_port *ref_port_by_name(const struct ref *r, const char *name)
{
    char key[256];
    uint32_t i;
    return ref_strmap_get(&r->pt_name, ref_norm_name(name, key, sizeof key), &i) ? &r->ports[i]
                                                                                  : NULL;
}

const struct ref_port *ref_port_nearest(const struct ref *r, double lat, double lon,
                                        double radius_m, double *dist_m)
{
    long i = ref_grid_nearest(&r->pt_grid, r->pt_lat, r->pt_lon, lat, lon, radius_m, dist_m);
    return i < 0 ? NULL : &r->ports[i];
}

size_t ref_port_count(const struct ref *r) { return r->nports; }

const struct ref_port *ref_port_at(const struct ref *r, size_t i) { return i < r->nports ? &r->ports[i] : NULL; }
